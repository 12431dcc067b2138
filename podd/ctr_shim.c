/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting a container: the plan of a start (ctr_plan_resolve: its pod, the
 * containers whose namespaces it joins, its hostname), the files it needs
 * (the writable layer, the /etc files, the shim's spec, lib/shim.h), and
 * the launch through shim_launch.c; also the hostname and environment a
 * container's processes get, and the deletion of its files. The shim
 * reports on the sync socket, which container.c's handler reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "attach.h"
#include "cleanup.h"
#include "container.h"
#include "ctr_image.h"
#include "ctr_priv_shim.h"
#include "dns.h" /* issue 14 */
#include "file.h"
#include "fd.h"
#include "json.h"
#include "netattach.h" /* issue 14 */
#include "log.h"
#include "paths.h"
#include "ns.h"
#include "pod.h"
#include "proc.h"
#include "resolv_conf.h" /* issue 14 */
#include "shim.h"
#include "shim_launch.h"
#include "sync.h"
#include "volume.h"
#include "xalloc.h"
#include "sock_group.h" /* issue 16 */

/* The namespaces a container without a pod gets, held like a pod's. */
static const enum pd_ns_type held_types[] = {PD_NS_NET, PD_NS_IPC, PD_NS_UTS};
#define N_HELD (sizeof(held_types) / sizeof(held_types[0]))

char *
ctr_root_dir(const struct container *c)
{
	return paths_ctr_root(c->d, c->rec.id, NULL);
}

char *
ctr_run_dir(const struct container *c)
{
	return paths_ctr_run(c->d, c->rec.id, NULL);
}

static char *
held_path(const struct container *c, enum pd_ns_type t)
{
	cleanup_free char *sub = xasprintf("ns/%s", pd_ns_desc(t)->name);

	return paths_ctr_run(c->d, c->rec.id, sub);
}

void
ctr_release_run_dir(struct container *c)
{
	struct pd_err err = {0};

	ctr_net_detach(c); /* issue 14, attach: its attachments go with its netns */
	for (size_t i = 0; i < N_HELD; i++) {
		cleanup_free char *path = held_path(c, held_types[i]);

		if (pd_ns_unbind(path, &err) < 0)
			log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
	}
	if (pd_rm_rf_at(c->d->run_ctrs_fd, c->rec.id, &err) < 0)
		log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
}

/* The hostname of @c, in @pod (may be NULL) and in the UTS namespace of
 * @uts (the --uts container:T target, may be NULL), into @buf. */
static void
hostname_of(const struct container *c, const struct pod *pod, const struct container *uts,
	    char *buf, size_t len)
{
	const struct ctr_ns_mode *m = &c->rec.spec.ns[CTR_NS_UTS];

	if (pod != NULL) {
		(void)snprintf(buf, len, "%s", pod->rec.spec.hostname);
	} else if (m->how == CTR_NS_HOST) {
		if (len == 0 || gethostname(buf, len - 1) < 0)
			buf[0] = '\0';
		buf[len - 1] = '\0';
	} else if (m->how == CTR_NS_CONTAINER && uts != NULL && uts != c) {
		ctr_hostname(uts, buf, len);
	} else {
		(void)snprintf(buf, len, "%s", c->rec.spec.hostname);
	}
}

void
ctr_hostname(const struct container *c, char *buf, size_t len)
{
	const struct ctr_ns_mode *m = &c->rec.spec.ns[CTR_NS_UTS];
	struct pd_err ignored;
	struct pod *pod = NULL;
	struct container *uts = NULL;

	if (c->rec.spec.pod[0] != '\0')
		pod = pod_find(c->d, c->rec.spec.pod, &ignored);
	if (m->how == CTR_NS_CONTAINER)
		uts = container_find(c->d, m->target, &ignored);
	hostname_of(c, pod, uts, buf, len);
}

int
ctr_plan_resolve(const struct container *c, struct ctr_plan *plan, struct pd_err *err)
{
	const struct ctr_spec *s = &c->rec.spec;

	memset(plan, 0, sizeof(*plan));
	if (s->pod[0] != '\0') {
		plan->pod = pod_find(c->d, s->pod, err);
		if (plan->pod == NULL)
			return pd_err_prefix(err, "container \"%s\"", s->name);
		if (plan->pod->rec.state != POD_RUNNING)
			return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" is %s, not running",
				       plan->pod->rec.spec.name,
				       pod_state_name(plan->pod->rec.state));
	}
	for (int k = 0; k < CTR_NS_KINDS; k++) {
		struct container *t;

		if (s->ns[k].how != CTR_NS_CONTAINER)
			continue;
		t = container_find(c->d, s->ns[k].target, err);
		if (t == NULL)
			return -1;
		if (!ctr_state_up(t->rec.state))
			return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
				       t->rec.spec.name);
		plan->ns_target[k] = t;
	}
	hostname_of(c, plan->pod, plan->ns_target[CTR_NS_UTS], plan->hostname,
		    sizeof(plan->hostname));
	plan->userns = ctr_userns_pod(c); /* issue 13 */
	return 0;
}

void
ctr_trash(struct container *c)
{
	struct podd *d = c->d;
	cleanup_free char *gone = xasprintf(".rm-%s", c->rec.id);
	cleanup_free char *root = paths_ctr_root(d, gone, NULL);

	/* The run dir is a few small files (on a tmpfs as a rule): gone now,
	 * so that nothing of the container is left there once rm answers. */
	ctr_release_run_dir(c);
	if (renameat(d->ctrs_fd, c->rec.id, d->ctrs_fd, gone) == 0)
		task_delete_trees(d, (const char *const[]){root, NULL});
	else if (errno != ENOENT)
		log_error("container \"%s\": cannot remove its state: %s", c->rec.spec.name,
			  strerror(errno));
}

static int
mkdir_at(int dirfd, const char *name, struct pd_err *err)
{
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", name);
	return 0;
}

json_t *
ctr_env(const struct container *c, const char *hostname, const char *user, const json_t *extra)
{
	cleanup_json json_t *defaults =
	    json_pack("[s, s+]", "PATH=" CTR_DEFAULT_PATH, "HOSTNAME=", hostname);
	cleanup_json json_t *env = NULL;

	/* A named user's HOME is the shim's to find, in the container's
	 * /etc/passwd, as docker does (shim/user.h). */
	if (user == NULL || user[0] == '\0')
		json_array_append_new(defaults, json_string("HOME=/root"));
	env = ctr_env_merge(defaults, c->rec.spec.env);
	return ctr_env_merge(env, extra);
}

/* The nameservers --dns gave (the pod's, or in @k8s those of a container
 * of its own) as resolv.conf lines, or NULL when none was given. */
static char *
given_nameservers(const struct pod *pod, const json_t *k8s)
{
	char *buf = NULL;
	size_t len = 0, i;
	const json_t *v;
	FILE *out;

	if ((pod != NULL ? pod->rec.spec.dns[0][0] == '\0'
			 : json_array_size(json_object_get(k8s, PD_F_DNS)) == 0))
		return NULL;
	out = open_memstream(&buf, &len);
	if (out == NULL)
		abort();
	for (int k = 0; pod != NULL && k < POD_DNS_MAX && pod->rec.spec.dns[k][0] != '\0'; k++)
		fprintf(out, "nameserver %s\n", pod->rec.spec.dns[k]);
	json_array_foreach (pod == NULL ? json_object_get(k8s, PD_F_DNS) : NULL, i, v)
		fprintf(out, "nameserver %s\n", json_string_value(v));
	if (fclose(out) != 0)
		abort();
	return buf;
}

/* The container's resolv.conf: --dns's nameservers; else on a network with
 * a DNS server (issue 14) that server with the search domain DNS_DOMAIN
 * before the host's; else the host's file (--resolv-conf), as docker does.
 * Then the search list and options given (@k8s) replace the file's. */
static char *
etc_resolv(struct podd *d, const struct pod *pod, const char *network, const json_t *k8s)
{
	char *resolv = given_nameservers(pod, k8s), *more;
	bool given = resolv != NULL;
	const char *server = network[0] != '\0' ? dns_server_address(d, network) : "";
	size_t len = 0;
	struct pd_err ignored;

	if (!given &&
	    pd_file_read(AT_FDCWD, dns_resolv_path(d), 64 * 1024, &resolv, &len, &ignored) < 0)
		resolv = xstrdup(""); /* none is not an error */
	if (!given && server[0] != '\0') {
		more = pd_resolv_for_server(resolv, strlen(resolv), server, DNS_DOMAIN);
		free(resolv);
		resolv = more;
	}
	more = pod_etc_resolv(resolv, strlen(resolv), k8s);
	free(resolv);
	return more;
}

/* /etc/hostname, /etc/hosts and /etc/resolv.conf for @c. In a pod with an
 * address (or on a network of its own), its hostname resolves to that
 * address (as a Kubernetes pod's does). The host aliases, nameservers,
 * search list and options are the pod's, or those of a container of its
 * own (issue 14). */
static int
write_etc(const struct container *c, int etc_fd, const char *hostname, const struct pod *pod,
	  struct pd_err *err)
{
	const struct net_attachment *own =
	    pod == NULL && c->rec.n_nets > 0 ? &c->rec.nets[0] : NULL;
	const char *ip = pod != NULL && pod->rec.ip[0] != '\0' ? pod->rec.ip
			 : own != NULL && own->ip[0] != '\0'   ? own->ip
							       : "127.0.1.1";
	const char *network = pod != NULL && pod->rec.spec.net == POD_NET_CNI
				  ? pod->rec.spec.network
			      : own != NULL ? own->network
					    : "";
	const json_t *k8s = pod != NULL ? pod->rec.spec.k8s : c->rec.spec.k8s;
	cleanup_free char *name = xasprintf("%s\n", hostname);
	cleanup_free char *base =
	    xasprintf("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		      "%s\t%s\n",
		      ip, hostname);
	/* issue 12, podspec: the host aliases (--add-host) */
	cleanup_free char *hosts = pod_etc_hosts(base, k8s);
	cleanup_free char *resolv = etc_resolv(c->d, pod, network, k8s);

	if (pd_file_write_volatile(etc_fd, "hostname", name, strlen(name), err) < 0 ||
	    pd_file_write_volatile(etc_fd, "hosts", hosts, strlen(hosts), err) < 0 ||
	    pd_file_write_volatile(etc_fd, "resolv.conf", resolv, strlen(resolv), err) < 0)
		return -1;
	return 0;
}

/* Where @c's namespace @i (net, ipc, uts: held_types[i]) is, as a shim
 * spec value: "host", a held file, or "" when @c makes a new one. A
 * container that takes it from another is followed to the one holding it
 * (a pod, or a container of its own); @depth bounds the chain. */
static int
ns_source(const struct container *c, const struct ctr_plan *plan, size_t i, char *buf, size_t len,
	  int depth, struct pd_err *err)
{
	static const enum pod_held_ns pod_held[] = {POD_NS_NET, POD_NS_IPC, POD_NS_UTS};
	static const enum ctr_ns_kind kinds[] = {CTR_NS_NET, CTR_NS_IPC, CTR_NS_UTS};
	const struct ctr_ns_mode *m = &c->rec.spec.ns[kinds[i]];
	struct pod *pod = NULL;

	buf[0] = '\0';
	if (m->how == CTR_NS_HOST) {
		(void)snprintf(buf, len, "%s", PD_SHIM_NS_HOST);
		return 0;
	}
	if (m->how == CTR_NS_CONTAINER) {
		/* The plan has the start's own target; a target that joined
		 * yet another is followed from its record. */
		struct container *t =
		    plan != NULL ? plan->ns_target[kinds[i]] : container_find(c->d, m->target, err);

		if (t == NULL)
			return -1;
		if (!ctr_state_up(t->rec.state))
			return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
				       t->rec.spec.name);
		if (depth > 8)
			return pd_fail(err, PD_E_INVALID, "namespaces shared too deep");
		return ns_source(t, NULL, i, buf, len, depth + 1, err);
	}
	if (plan != NULL)
		pod = plan->pod;
	else if (c->rec.spec.pod[0] != '\0' && (pod = pod_find(c->d, c->rec.spec.pod, err)) == NULL)
		return -1;
	if (pod != NULL) {
		/* issue 12, podspec: host_ipc */
		if (held_types[i] == PD_NS_IPC && pod->rec.spec.host_ipc) {
			(void)snprintf(buf, len, "%s", PD_SHIM_NS_HOST);
			return 0;
		}
		if (held_types[i] == PD_NS_NET && !infra_holds_net(pod)) {
			(void)snprintf(buf, len, "%s", PD_SHIM_NS_HOST);
			return 0;
		}
		if (infra_held_path(pod, pod_held[i], buf, len) < 0)
			return pd_fail(err, PD_E_SYSTEM, "pod path too long");
		return 0;
	}
	/* A container of its own (or --network none): its held namespace. */
	{
		cleanup_free char *held = held_path(c, held_types[i]);
		struct pd_err ignored;
		int fd = pd_ns_open_file(held, held_types[i], &ignored);

		if (fd >= 0) {
			close(fd);
			if (snprintf(buf, len, "%s", held) >= (int)len)
				return pd_fail(err, PD_E_SYSTEM, "namespace path too long: %s",
					       held);
		}
	}
	return 0;
}

/* debug --process: a pidfd of the process, if it is still the one the
 * container was made for, for all four namespaces. */
static int
process_namespaces(const struct container *c, json_t *ns, int *pid_fd, struct pd_err *err)
{
	const struct ctr_spec *s = &c->rec.spec;
	uint64_t start;
	int fd = pidfd_open(s->target_pid, 0);

	/* Opened first: the pidfd pins the process, so a start time read
	 * after it is the one of the process it names. */
	if (fd < 0 || pd_proc_start_time(s->target_pid, &start, err) < 0 ||
	    start != s->target_start_time) {
		if (fd >= 0)
			close(fd);
		return pd_fail(err, PD_E_CONFLICT, "process %d is gone", (int)s->target_pid);
	}
	for (int i = 0; i < PD_NS_COUNT; i++)
		if (i == PD_NS_NET || i == PD_NS_IPC || i == PD_NS_UTS || i == PD_NS_PID)
			json_object_set_new(ns, pd_ns_desc(i)->name,
					    json_string(PD_SHIM_NS_FD_PRE "3"));
	*pid_fd = fd;
	return 1;
}

/* The "namespaces" and "hold" objects, and the pidfd whose PID namespace
 * the container joins (-1 when none): a shared-PID pod's infra, or the
 * workload of the container named by --pid=container:, both borrowed; or,
 * with debug --process, a pidfd of the process for all four, which the
 * caller owns (the return is 1 then). */
static int
namespaces(const struct container *c, const struct ctr_plan *plan, json_t *ns, json_t *hold,
	   int *pid_fd, struct pd_err *err)
{
	const struct pod *pod = plan->pod;
	const struct ctr_ns_mode *pm = &c->rec.spec.ns[CTR_NS_PID];
	char path[4096];

	*pid_fd = -1;
	if (c->rec.spec.target_pid > 0)
		return process_namespaces(c, ns, pid_fd, err);
	for (size_t i = 0; i < N_HELD; i++) {
		const char *name = pd_ns_desc(held_types[i])->name;

		if (ns_source(c, plan, i, path, sizeof(path), 0, err) < 0)
			return -1;
		if (path[0] != '\0') {
			json_object_set_new(ns, name, json_string(path));
		} else {
			/* New, and held like a pod's, so that others can join it. */
			cleanup_free char *held = held_path(c, held_types[i]);

			json_object_set_new(ns, name, json_string(PD_SHIM_NS_NEW));
			json_object_set_new(hold, name, json_string(held));
		}
	}
	/* issue 12, podspec: a host_pid pod's containers as --pid host */
	if (pm->how == CTR_NS_HOST ||
	    (pm->how == CTR_NS_DEFAULT && pod != NULL && pod->rec.spec.host_pid)) {
		json_object_set_new(ns, "pid", json_string(PD_SHIM_NS_HOST));
	} else if (pm->how == CTR_NS_CONTAINER) {
		const struct container *t = plan->ns_target[CTR_NS_PID];

		if ((!ctr_state_up(t->rec.state)) || t->sv.pidfd < 0)
			return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
				       t->rec.spec.name);
		*pid_fd = t->sv.pidfd;
		json_object_set_new(ns, "pid", json_string(PD_SHIM_NS_FD_PRE "3"));
	} else if (pod != NULL && pod->rec.spec.share_pid) {
		*pid_fd = pod->sv.pidfd;
		json_object_set_new(ns, "pid", json_string(PD_SHIM_NS_FD_PRE "3"));
	} else {
		json_object_set_new(ns, "pid", json_string(PD_SHIM_NS_NEW));
	}
	return 0;
}

void
ctr_shim_security(const struct podd *d, const struct ctr_spec *s, json_t *j)
{
	json_t *filter = security_opt_shim_seccomp(&s->sec);

	if (filter != NULL) {
		json_object_set_new(j, PD_SHIM_SECCOMP, filter);
		json_object_set_new(j, PD_SHIM_SECCOMP_CACHE,
				    json_sprintf("%s/seccomp", d->cfg.root));
	}
	json_object_set_new(j, PD_SHIM_NO_NEW_PRIVS, json_boolean(s->sec.no_new_privs));
}

static json_t *
shim_spec(const struct container *c, const struct ctr_plan *plan, const char *run, int *pid_fd,
	  bool *owned, struct pd_err *err)
{
	const struct ctr_spec *s = &c->rec.spec;
	cleanup_free char *root = ctr_root_dir(c);
	/* An image's layers are the overlay's lowers; --rootfs DIR is one. */
	struct image *img = s->rootfs == NULL ? image_find(c->d, s->image, err) : NULL;
	json_t *ns = json_object(), *hold = json_object();
	json_t *j;
	int r;

	if (s->rootfs == NULL && img == NULL)
		r = pd_err_prefix(err, "the container's image");
	else
		r = namespaces(c, plan, ns, hold, pid_fd, err);
	if (r < 0) {
		json_decref(ns);
		json_decref(hold);
		return NULL;
	}
	*owned = r == 1;
	j = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:O, s:o, s:s, s:o, s:o, s:o}",
		      PD_SHIM_ID, c->rec.id, PD_SHIM_NAME, s->name, PD_SHIM_ROOTFS, "",
		      PD_SHIM_READ_ONLY, s->read_only, PD_SHIM_MOUNT_POINT, "", PD_SHIM_ETC_DIR, "",
		      PD_SHIM_LOG, "", PD_SHIM_EXIT_FILE, "", PD_SHIM_ARGS, s->command, PD_SHIM_ENV,
		      ctr_env(c, plan->hostname, s->user, NULL), PD_SHIM_CWD, s->workdir,
		      PD_SHIM_CAPS, ctr_caps_json(s->caps), PD_SHIM_NAMESPACES, ns, PD_SHIM_HOLD,
		      hold);
	if (img != NULL) {
		json_object_del(j, PD_SHIM_ROOTFS);
		json_object_set_new(j, PD_SHIM_LOWERS, image_lowers(img));
	} else {
		json_object_set_new(j, PD_SHIM_ROOTFS, json_string(s->rootfs));
	}
	json_object_set_new(j, PD_SHIM_MOUNT_POINT, json_sprintf("%s/rootfs", run));
	json_object_set_new(j, PD_SHIM_ETC_DIR, json_sprintf("%s/etc", run));
	json_object_set_new(j, PD_SHIM_LOG, json_sprintf("%s/container.log", root));
	json_object_set_new(j, PD_SHIM_EXIT_FILE, json_sprintf("%s/exit.json", run));
	if (!s->read_only) {
		json_object_set_new(j, PD_SHIM_UPPER, json_sprintf("%s/upper", root));
		json_object_set_new(j, PD_SHIM_WORK, json_sprintf("%s/work", root));
	}
	if (plan->pod == NULL && s->ns[CTR_NS_UTS].how == CTR_NS_DEFAULT)
		json_object_set_new(j, PD_SHIM_HOSTNAME, json_string(plan->hostname));
	json_object_set_new(j, PD_SHIM_TTY, json_boolean(s->tty));
	json_object_set_new(j, PD_SHIM_STDIN, json_boolean(s->open_stdin));
	json_object_set_new(j, PD_SHIM_ATTACH, json_sprintf("%s/%s", run, PD_ATTACH_NAME));
	sock_group_shim_key(c->d, j); /* issue 16 */
	json_object_set_new(j, PD_SHIM_HOLD_OUTPUT, json_boolean(c->hold_output));
	if (s->user != NULL)
		json_object_set_new(j, PD_SHIM_USER, json_string(s->user));
	if (s->tty_rows > 0)
		json_object_set_new(j, PD_SHIM_TTY_SIZE,
				    json_pack("[i, i]", s->tty_rows, s->tty_cols));
	if (json_array_size(s->mounts) > 0)
		json_object_set_new(j, PD_SHIM_MOUNTS, volume_shim_mounts(c->d, s));
	if (ctr_priv_shim(c, j, err) < 0 || /* issue 13 */
	    (plan->userns != NULL && ctr_userns_keys(plan->userns, j, err) < 0)) {
		if (*owned)
			close_reset(pid_fd);
		*owned = false;
		json_decref(j);
		return NULL;
	}
	ctr_cgroup_shim_keys(c, j);    /* issue 13, cgroups */
	ctr_shim_security(c->d, s, j); /* issue 13 */
	return j;
}

/* Make the dirs and files of a start. */
static int
prepare(struct container *c, const struct ctr_plan *plan, int *run_fd, struct pd_err *err)
{
	cleanup_close int root_fd = -1, etc_fd = -1;

	root_fd = openat(c->d->ctrs_fd, c->rec.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (root_fd < 0)
		return pd_fail_errno(err, errno, "open containers/%s", c->rec.id);
	if (!c->rec.spec.read_only &&
	    (mkdir_at(root_fd, "upper", err) < 0 || mkdir_at(root_fd, "work", err) < 0))
		return -1;
	/* The upper dir's mode is the container's "/": others must be able to
	 * enter it (a --user other than root), as in docker. */
	if (!c->rec.spec.read_only && fchmodat(root_fd, "upper", 0755, 0) < 0)
		return pd_fail_errno(err, errno, "chmod upper");
	if (!c->rec.spec.read_only && plan->userns != NULL &&
	    ctr_userns_own_upper(plan->userns, root_fd, err) < 0)
		return -1;
	/* issue 16: 0710 for podd's group, the way to the attach socket */
	if (sock_group_dir(c->d, c->d->run_ctrs_fd, c->rec.id, err) < 0)
		return -1;
	*run_fd =
	    openat(c->d->run_ctrs_fd, c->rec.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (*run_fd < 0)
		return pd_fail_errno(err, errno, "open run containers/%s", c->rec.id);
	if (mkdir_at(*run_fd, "rootfs", err) < 0 || mkdir_at(*run_fd, "etc", err) < 0 ||
	    (plan->pod == NULL && mkdir_at(*run_fd, "ns", err) < 0))
		return -1;
	if (unlinkat(*run_fd, "exit.json", 0) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "remove the old exit file");
	etc_fd = openat(*run_fd, "etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (etc_fd < 0)
		return pd_fail_errno(err, errno, "open etc dir");
	return write_etc(c, etc_fd, plan->hostname, plan->pod, err);
}

int
ctr_shim_spawn(struct container *c, const struct ctr_plan *plan, event_callback_fn on_sync,
	       struct pd_err *err)
{
	struct podd *d = c->d;
	cleanup_free char *run = ctr_run_dir(c);
	cleanup_free char *spec_path = xasprintf("%s/shim.json", run);
	cleanup_close int run_fd = -1;
	cleanup_json json_t *spec = NULL;
	struct shim_launch l = {.shim_path = d->cfg.shim_path,
				.spec_name = "shim.json",
				.spec_path = spec_path,
				.extra_fd = -1};
	bool owned = false;
	int r;

	if (access(d->cfg.shim_path, X_OK) < 0)
		return pd_fail_errno(err, errno, "cannot run %s", d->cfg.shim_path);
	if (prepare(c, plan, &run_fd, err) < 0)
		goto fail;
	if (ctr_cgroup_prepare(c, plan, err) < 0) /* issue 13 */
		goto fail;
	spec = shim_spec(c, plan, run, &l.extra_fd, &owned, err);
	c->hold_output = false; /* for this start only */
	if (spec == NULL)
		goto fail;
	l.dir_fd = run_fd;
	l.spec = spec;
	r = shim_launch(&l, &c->sv, on_sync, c, err);
	if (owned)
		close(l.extra_fd);
	if (r < 0)
		goto fail;
	return 0;
fail:
	pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
	ctr_cgroup_release(c); /* issue 13 */
	ctr_release_run_dir(c);
	return -1;
}
