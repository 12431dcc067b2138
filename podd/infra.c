/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The infra ("pause") process of a pod and the namespaces podd holds for it.
 *
 * podd-pause is cloned straight into new net, ipc and uts namespaces (and a
 * new PID namespace with --share-pid, where it is PID 1). Before it execs, the
 * child sets the hostname and brings lo up. An exited pod's namespaces are
 * still held, so when it is started again the new infra joins them (setns)
 * instead: the pod keeps its network.
 *
 * Held namespaces are bind mounts of /proc/PID/ns/X:
 *   <run>/pods/<id>/{net,ipc,uts}     what podd and the shims join
 *   <netns_dir>/<prefix><name>         the same net namespace, for `ip netns`
 *
 * The netns dir is shared with `ip netns`, so podd keeps it the way iproute2
 * does: a shared mount point (share_netns_dir).
 */
#include "pod.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <grp.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fd.h"
#include "log.h"
#include "paths.h"
#include "proc.h"

static const enum pd_ns_type held_types[POD_NS_HELD] = {[POD_NS_NET] = PD_NS_NET,
							[POD_NS_IPC] = PD_NS_IPC,
							[POD_NS_UTS] = PD_NS_UTS,
							[POD_NS_USER] = PD_NS_USER};

bool
infra_holds_net(const struct pod *pod)
{
	return pod->rec.spec.net != POD_NET_HOST;
}

/* Whether the pod has a namespace @h podd holds. */
static bool
holds(const struct pod *pod, int h)
{
	if (h == POD_NS_NET)
		return infra_holds_net(pod);
	if (h == POD_NS_USER)
		return pod_has_userns(pod);
	return true;
}

int
infra_netns_path(const struct pod *pod, char *buf, size_t len)
{
	int n;

	if (!infra_holds_net(pod)) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, len, "%s/%s%s", pod->d->cfg.netns_dir, pod->d->cfg.netns_prefix,
		     pod->rec.spec.name);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int
infra_held_path(const struct pod *pod, enum pod_held_ns h, char *buf, size_t len)
{
	return paths_pod_run(pod->d, pod->rec.id, pd_ns_desc(held_types[h])->name, buf, len);
}

struct infra_setup {
	const char *hostname;
	int join_fds[POD_NS_HELD]; /* -1: a new namespace was made by clone */
	bool lo_up;
	int cg_fds[CG_PROCS_MAX]; /* issue 13: its leaf's cgroup.procs */
	int n_cg;
	/* issue 13: a userns pod's infra; with a new user namespace it reads
	 * one byte on maps_rd once podd wrote its maps (maps_wr: podd's end) */
	bool userns;
	int maps_rd, maps_wr;
};

/* In the child of a userns pod: into its user namespace (joined, or the new
 * one once mapped), as its root, with every capability there and none
 * outside: uid and gid 0 inside are the first ids of the pod's range. */
static int
become_pod_root(const struct infra_setup *s, struct pd_err *err)
{
	char c;

	if (s->join_fds[POD_NS_USER] >= 0) {
		if (setns(s->join_fds[POD_NS_USER], CLONE_NEWUSER) < 0)
			return pd_fail_errno(err, errno, "join the pod's user namespace");
	} else {
		close(s->maps_wr);
		if (read(s->maps_rd, &c, 1) != 1)
			return pd_fail(err, PD_E_SYSTEM, "the pod's ids were not mapped");
	}
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return pd_fail_errno(err, errno, "become root of the pod's user namespace");
	return 0;
}

/* In the child, before exec: join held namespaces, name the host, lo up. */
static int
infra_child_setup(void *arg, struct pd_err *err)
{
	const struct infra_setup *s = arg;

	/* issue 13: into its cgroup leaf first, while still podd's root */
	for (int i = 0; i < s->n_cg; i++)
		if (write(s->cg_fds[i], "0", 1) != 1)
			return pd_fail_errno(err, errno, "join the pod's cgroup");
	/* The user namespace next: it owns the others (held ones too). */
	if (s->userns && become_pod_root(s, err) < 0)
		return -1;
	for (int h = 0; h < POD_NS_HELD; h++)
		if (h != POD_NS_USER && s->join_fds[h] >= 0 && setns(s->join_fds[h], 0) < 0)
			return pd_fail_errno(err, errno, "join the pod's %s namespace",
					     pd_ns_desc(held_types[h])->name);
	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		return pd_fail_errno(err, errno, "sethostname");
	if (s->lo_up && pd_ns_loopback_up(err) < 0)
		return -1;
	return 0;
}

/* A new user namespace made by clone, which owns the other namespaces
 * clone makes with it: those of the old one cannot be joined then. */
static void
new_userns(struct infra_setup *setup, int *clone_flags)
{
	*clone_flags |= CLONE_NEWUSER;
	for (int h = 0; h < POD_NS_HELD; h++) {
		if (h == POD_NS_USER || setup->join_fds[h] < 0)
			continue;
		close_reset(&setup->join_fds[h]);
		*clone_flags |= pd_ns_desc(held_types[h])->clone_flag;
	}
}

static int
maps_pipe(struct infra_setup *setup, struct pd_err *err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return pd_fail_errno(err, errno, "pipe");
	setup->maps_rd = p[0];
	setup->maps_wr = p[1];
	return 0;
}

int
infra_spawn(struct pod *pod, struct pd_child *out, struct pd_err *err)
{
	struct podd *d = pod->d;
	char ready_fd[16];
	char *argv[] = {"podd-pause", "--ready-fd", ready_fd, NULL};
	char *envp_debug[] = {"PODD_DEBUG=1", NULL};
	struct infra_setup setup = {.hostname = pod->rec.spec.hostname,
				    .lo_up = infra_holds_net(pod),
				    .userns = pod_has_userns(pod),
				    .maps_rd = -1,
				    .maps_wr = -1};
	struct pd_spawn s = {
	    .path = d->cfg.pause_path,
	    .argv = argv,
	    .envp = d->cfg.log_level >= PD_LOG_DEBUG ? envp_debug : NULL,
	    .fds = {-1, -1, STDERR_FILENO},
	    .n_fds = 3,
	    .keep_sync = true,
	    .new_session = true,
	    .setup = infra_child_setup,
	    .setup_arg = &setup,
	};
	struct pd_child child;
	char path[4096];
	int r;

	(void)snprintf(ready_fd, sizeof(ready_fd), "%d", s.n_fds);
	/* An exited pod still holds its namespaces: join those, make the rest. */
	for (int h = 0; h < POD_NS_HELD; h++) {
		setup.join_fds[h] = -1;
		if (!holds(pod, h))
			continue;
		if (pod->rec.state == POD_EXITED &&
		    infra_held_path(pod, h, path, sizeof(path)) == 0) {
			struct pd_err ignored;

			setup.join_fds[h] = pd_ns_open_file(path, held_types[h], &ignored);
		}
		if (setup.join_fds[h] < 0)
			s.clone_flags |= pd_ns_desc(held_types[h])->clone_flag;
	}
	if (setup.userns && setup.join_fds[POD_NS_USER] < 0)
		new_userns(&setup, &s.clone_flags);
	if (setup.join_fds[POD_NS_NET] >= 0)
		setup.lo_up = false;
	if (pod->rec.spec.share_pid)
		s.clone_flags |= CLONE_NEWPID;

	for (int i = 0; i < CG_PROCS_MAX; i++)
		setup.cg_fds[i] = -1;
	setup.n_cg = pod_cgroup_infra_open(pod, setup.cg_fds, err); /* issue 13 */
	if (setup.n_cg < 0 || ((s.clone_flags & CLONE_NEWUSER) != 0 && maps_pipe(&setup, err) < 0))
		r = -1;
	else
		r = pd_spawn(&s, &child, err);
	for (int h = 0; h < POD_NS_HELD; h++)
		close_reset(&setup.join_fds[h]);
	for (int i = 0; i < CG_PROCS_MAX; i++)
		close_reset(&setup.cg_fds[i]);
	close_reset(&setup.maps_rd);
	if (r < 0) {
		close_reset(&setup.maps_wr);
		return pd_err_prefix(err, "start the infra process");
	}
	pod->rec.infra_pid = child.pid;
	/* issue 13: its maps, then the byte it waits for (EOF: it fails) */
	if (setup.maps_wr >= 0) {
		r = pod_userns_write_maps(child.pid, &pod->rec.spec.userns, err);
		if (r == 0 && write(setup.maps_wr, "M", 1) != 1)
			r = pd_fail_errno(err, errno, "tell the infra its ids are mapped");
		close_reset(&setup.maps_wr);
	}
	if (r < 0 || pd_proc_start_time(child.pid, &pod->rec.infra_start_time, err) < 0) {
		struct pd_err ignored;

		pd_pidfd_signal(child.pidfd, SIGKILL, &ignored);
		/* The SIGCHLD backstop reaps it. */
		close(child.pidfd);
		close(child.sync_fd);
		return pd_err_prefix(err, "start the infra process");
	}
	*out = child;
	return 0;
}

/* Bind the infra's namespace of @type on @path unless it is held there. */
static int
hold_one(struct pod *pod, enum pd_ns_type type, const char *path, struct pd_err *err)
{
	struct pd_err ignored;
	int fd = pd_ns_open_file(path, type, &ignored);

	if (fd >= 0) { /* joined on restart: already held */
		close(fd);
		return 0;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "remove stale %s", path);
	return pd_ns_bind(pod->rec.infra_pid, type, path, err);
}

/* True when @path is a bind of the same namespace as the pod's own net file. */
static bool
is_own_netns(const struct pod *pod, const char *path)
{
	char own[4096];
	struct stat a, b;

	return infra_held_path(pod, POD_NS_NET, own, sizeof(own)) == 0 && stat(path, &a) == 0 &&
	       stat(own, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* True when @path is a plain file, no namespace bound on it: the name of a
 * pod whose bind or unbind a crash of podd cut short (the file is made
 * before the bind and removed after the unmount). No pod's, so free. */
static bool
is_stale_netns(const char *path)
{
	struct stat st;
	struct statfs fs;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
	       statfs(path, &fs) == 0 && fs.f_type != NSFS_MAGIC;
}

/*
 * Make @dir a shared mount point before binding anything in it, as `ip netns
 * add` does. Were it a plain directory, a later `ip netns add` would bind it
 * onto itself recursively: the pods' binds would be copied into the new
 * mount and the originals left under it, out of reach, so unlinking a pod's
 * name would fail (EBUSY) for as long as the host runs. A shared mount point
 * is left as it is by iproute2. Marking an already shared mount shared again
 * changes nothing.
 */
static int
share_netns_dir(const char *dir, struct pd_err *err)
{
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL) /* EINVAL: not a mount point */
		return pd_fail_errno(err, errno, "make %s a shared mount", dir);
	if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
		return pd_fail_errno(err, errno, "bind %s onto itself", dir);
	if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0)
		return pd_fail_errno(err, errno, "make %s a shared mount", dir);
	return 0;
}

/* The `ip netns` name: never take over one that is not this pod's. */
static int
hold_netns_name(struct pod *pod, const char *path, struct pd_err *err)
{
	if (is_own_netns(pod, path))
		return 0;
	if (is_stale_netns(path) && unlink(path) < 0)
		return pd_fail_errno(err, errno, "remove the stale %s", path);
	if (access(path, F_OK) == 0)
		return pd_fail(err, PD_E_CONFLICT,
			       "network namespace %s already exists (a pod of another podd?)",
			       path);
	return pd_ns_bind(pod->rec.infra_pid, PD_NS_NET, path, err);
}

int
infra_hold_namespaces(struct pod *pod, struct pd_err *err)
{
	struct pd_err ignored;
	char path[4096];

	if (paths_pod_run(pod->d, pod->rec.id, NULL, path, sizeof(path)) < 0)
		return pd_fail(err, PD_E_INVALID, "run dir path too long");
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", path);
	for (int h = 0; h < POD_NS_HELD; h++) {
		if (!holds(pod, h))
			continue;
		if (infra_held_path(pod, h, path, sizeof(path)) < 0 ||
		    hold_one(pod, held_types[h], path, err) < 0)
			goto undo;
	}
	if (infra_holds_net(pod)) {
		if (infra_netns_path(pod, path, sizeof(path)) < 0) {
			pd_fail(err, PD_E_INVALID, "netns path too long");
			goto undo;
		}
		if (mkdir(pod->d->cfg.netns_dir, 0755) < 0 && errno != EEXIST) {
			pd_fail_errno(err, errno, "mkdir %s", pod->d->cfg.netns_dir);
			goto undo;
		}
		if (share_netns_dir(pod->d->cfg.netns_dir, err) < 0)
			goto undo;
		if (hold_netns_name(pod, path, err) < 0)
			goto undo;
	}
	return 0;
undo:
	infra_release_namespaces(pod, &ignored);
	return pd_err_prefix(err, "hold the pod's namespaces");
}

int
infra_release_namespaces(struct pod *pod, struct pd_err *err)
{
	struct pd_err e = {0};
	char path[4096];
	int r = 0;

	/* The ip-netns name first, while the pod's own file still tells
	 * whether it is ours: another podd's pod of that name is not touched. */
	if (infra_netns_path(pod, path, sizeof(path)) < 0)
		path[0] = '\0';
	if (path[0] != '\0' && is_own_netns(pod, path) && pd_ns_unbind(path, &e) < 0) {
		log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
		r = pd_fail(err, PD_E_SYSTEM, "the pod's netns name stayed: %s", e.msg);
	} else if (path[0] != '\0' && is_stale_netns(path) && unlink(path) < 0 && errno != ENOENT) {
		r = pd_fail_errno(err, errno, "the pod's netns name stayed: remove %s", path);
	}
	for (int h = 0; h < POD_NS_HELD; h++)
		if (infra_held_path(pod, h, path, sizeof(path)) == 0 && pd_ns_unbind(path, &e) < 0)
			log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
	if (paths_pod_run(pod->d, pod->rec.id, NULL, path, sizeof(path)) == 0 && rmdir(path) < 0 &&
	    errno != ENOENT)
		log_error("pod \"%s\": remove %s: %s", pod->rec.spec.name, path, strerror(errno));
	memset(pod->ns_ids, 0, sizeof(pod->ns_ids));
	return r;
}

void
infra_read_ns_ids(struct pod *pod)
{
	struct pd_err err = {0};
	char path[4096];

	memset(pod->ns_ids, 0, sizeof(pod->ns_ids));
	for (int h = 0; h < POD_NS_HELD; h++) {
		enum pd_ns_type t = held_types[h];
		cleanup_close int fd = -1;

		if (!holds(pod, h))
			continue;
		if (infra_held_path(pod, h, path, sizeof(path)) < 0)
			continue;
		fd = pd_ns_open_file(path, t, &err);
		if (fd >= 0)
			pd_ns_id_fd(fd, t, pod->ns_ids[t], sizeof(pod->ns_ids[t]), &err);
	}
	if (pod->sv.pidfd < 0 || pod->rec.infra_pid <= 0)
		return;
	/* Read through /proc, then check the pidfd: if the infra is still
	 * alive, the pid was not reused in between. */
	if (!infra_holds_net(pod))
		pd_ns_id(pod->rec.infra_pid, PD_NS_NET, pod->ns_ids[PD_NS_NET],
			 sizeof(pod->ns_ids[PD_NS_NET]), &err);
	if (pod->rec.spec.share_pid)
		pd_ns_id(pod->rec.infra_pid, PD_NS_PID, pod->ns_ids[PD_NS_PID],
			 sizeof(pod->ns_ids[PD_NS_PID]), &err);
	if (pd_pidfd_signal(pod->sv.pidfd, 0, &err) != 0) {
		pod->ns_ids[PD_NS_PID][0] = '\0';
		if (!infra_holds_net(pod))
			pod->ns_ids[PD_NS_NET][0] = '\0';
	}
}
