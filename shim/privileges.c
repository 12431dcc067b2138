/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileges of the workload; see privileges.h. Device nodes are made with
 * mknod in the container's /dev, a tmpfs the shim mounts without nodev:
 * the rest of the root is nodev, so a node the workload makes elsewhere
 * opens nothing, and one it makes in /dev opens only what the devices
 * cgroup (or the cgroup's device program) lets it (podd/cgroup_devices.h).
 */
#include "privileges.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "xalloc.h"

/* Host dirs whose nodes a privileged container does not get: its own
 * devpts, shm and mqueue are mounted there instead. */
static const char *const skipped_dirs[] = {"pts", "shm", "mqueue", "fd", NULL};

struct scan {
	struct shim_device *devs; /* owned */
	size_t n, cap;
};

static void
scan_add(struct scan *s, const char *path, const struct stat *st)
{
	struct shim_device *d;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		s->devs = xrealloc(s->devs, s->cap * sizeof(*s->devs));
	}
	d = &s->devs[s->n++];
	memset(d, 0, sizeof(*d));
	memcpy(d->path, path, strlen(path) + 1);
	d->type = S_ISCHR(st->st_mode) ? 'c' : 'b';
	d->major = major(st->st_rdev);
	d->minor = minor(st->st_rdev);
	d->mode = st->st_mode & 07777;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
}

/* The char and block nodes under the dir @fd, which is @path, @depth
 * levels deep at most. */
static int
scan_dir(struct scan *s, int fd, const char *path, int depth, struct pd_err *err)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;

	if (dir == NULL) {
		close(fd);
		return pd_fail_errno(err, errno, "open %s", path);
	}
	while ((e = readdir(dir)) != NULL && s->n < SHIM_MAX_DEVICES) {
		char sub[SHIM_DEV_PATH_MAX];
		struct stat st;
		bool skip = false;

		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; depth == 0 && skipped_dirs[i] != NULL; i++)
			skip = skip || strcmp(e->d_name, skipped_dirs[i]) == 0;
		if (skip ||
		    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub))
			continue; /* a name too long for a container's node: left out */
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* gone meanwhile */
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			scan_add(s, sub, &st);
		} else if (S_ISDIR(st.st_mode) && depth < 4) {
			int sfd = openat(dirfd(dir), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sfd >= 0 && scan_dir(s, sfd, sub, depth + 1, err) < 0) {
				closedir(dir);
				return -1;
			}
		}
	}
	closedir(dir);
	return 0;
}

static int
host_devices(struct shim_priv *p, struct pd_err *err)
{
	struct scan s = {0};
	int fd = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return pd_fail_errno(err, errno, "open /dev");
	if (scan_dir(&s, fd, "/dev", 0, err) < 0) {
		free(s.devs);
		return -1;
	}
	/* The given ones first: theirs is the node a path gets. */
	if (p->n_devices + s.n > 0) {
		s.devs = xrealloc(s.devs, (p->n_devices + s.n) * sizeof(*s.devs));
		memmove(s.devs + p->n_devices, s.devs, s.n * sizeof(*s.devs));
		if (p->n_devices > 0)
			memcpy(s.devs, p->devices, p->n_devices * sizeof(*s.devs));
	}
	free(p->devices);
	p->devices = s.devs;
	p->n_devices += s.n;
	return 0;
}

int
shim_priv_prepare(struct shim_priv *p, const char *const *args, size_t n_args, struct pd_err *err)
{
	if (p->privileged && host_devices(p, err) < 0)
		return -1;
	if (p->init != NULL) {
		p->init_argv = xcalloc(n_args + 4, sizeof(*p->init_argv));
		p->init_argv[0] = PD_SHIM_INIT_PATH;
		p->init_argv[1] = "--init";
		p->init_argv[2] = "--";
		for (size_t i = 0; i < n_args; i++)
			p->init_argv[3 + i] = args[i];
	}
	return 0;
}

int
shim_priv_process(const struct shim_priv *p, struct pd_err *err)
{
	if (p->has_oom_score_adj) {
		char buf[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		int len = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);

		if (fd < 0)
			return pd_fail_errno(err, errno, "open /proc/self/oom_score_adj");
		if (write(fd, buf, (size_t)len) != len) {
			int e = errno;

			close(fd);
			return pd_fail_errno(err, e, "set oom_score_adj %d", p->oom_score_adj);
		}
		close(fd);
	}
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return pd_fail_errno(err, errno, "set rlimit %d", p->rlimits[i].resource);
	}
	return 0;
}

/* mkdir -p of @path's parent dirs under /dev. @path is checked
 * (priv_spec.c): no "." or "..". */
static int
make_parents(const char *path, struct pd_err *err)
{
	char dir[SHIM_DEV_PATH_MAX];
	size_t len = strlen(path);

	memcpy(dir, path, len + 1);
	for (size_t i = 5; i < len; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "mkdir %s", dir);
		dir[i] = '/';
	}
	return 0;
}

static int
make_node(const struct shim_device *d, struct pd_err *err)
{
	mode_t type = d->type == 'b' ? S_IFBLK : S_IFCHR;

	if (make_parents(d->path, err) < 0)
		return -1;
	if (mknod(d->path, type | 0600, makedev(d->major, d->minor)) < 0) {
		if (errno == EEXIST)
			return 0;
		return pd_fail_errno(err, errno, "mknod %s", d->path);
	}
	if (fchownat(AT_FDCWD, d->path, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(AT_FDCWD, d->path, d->mode, 0) < 0)
		return pd_fail_errno(err, errno, "set the owner and mode of %s", d->path);
	return 0;
}

/* The init: a file to bind on, the detached mount made read-only, nosuid
 * and nodev but not noexec (it is the mount's own flags that count, not
 * those of the noexec /dev it sits on), then attached. */
static int
bind_init(int init_fd, struct pd_err *err)
{
	struct mount_attr attr = {
	    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	    .attr_clr = MOUNT_ATTR_NOEXEC,
	};
	int fd = open(PD_SHIM_INIT_PATH, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0555);

	if (fd < 0)
		return pd_fail_errno(err, errno, "create %s", PD_SHIM_INIT_PATH);
	close(fd);
	if (mount_setattr(init_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return pd_fail_errno(err, errno, "make the init read-only");
	if (move_mount(init_fd, "", AT_FDCWD, PD_SHIM_INIT_PATH, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pd_fail_errno(err, errno, "bind the init on %s", PD_SHIM_INIT_PATH);
	return 0;
}

int
shim_priv_dev(const struct shim_priv *p, int init_fd, struct pd_err *err)
{
	for (size_t i = 0; i < p->n_devices; i++)
		if (make_node(&p->devices[i], err) < 0)
			return -1;
	if (init_fd >= 0 && bind_init(init_fd, err) < 0)
		return -1;
	return 0;
}

int
shim_priv_sysctls(const struct shim_priv *p, struct pd_err *err)
{
	for (size_t i = 0; i < p->n_sysctls; i++) {
		const struct shim_sysctl *s = &p->sysctls[i];
		bool dots = strchr(s->name, '/') == NULL;
		char path[SHIM_SYSCTL_MAX + 16];
		size_t vlen = strlen(s->value);
		int fd;

		if (snprintf(path, sizeof(path), "/proc/sys/%s", s->name) >= (int)sizeof(path))
			return pd_fail(err, PD_E_INVALID, "sysctl %s: name too long", s->name);
		for (char *c = path + 10; dots && *c != '\0'; c++)
			if (*c == '.')
				*c = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return pd_fail_errno(err, errno, "sysctl %s", s->name);
		if (write(fd, s->value, vlen) != (ssize_t)vlen) {
			int e = errno;

			close(fd);
			return pd_fail_errno(err, e, "sysctl %s=%s", s->name, s->value);
		}
		close(fd);
	}
	return 0;
}
