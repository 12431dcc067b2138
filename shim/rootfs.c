/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root; see rootfs.h.
 *
 * Order matters. Whatever comes from the host (device nodes, /sys for the
 * fallback, podd's /etc files) is cloned into detached bind mounts with
 * open_tree before pivot_root, and attached after it with move_mount (both
 * Linux 5.2): once the old root is detached, no path and no bind of an fd
 * into it would work. Every target path is therefore looked up inside the
 * new root only, where a symlink in the image can at worst point at another
 * file of the image, never at the host's.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "masks.h"
#include "mounts.h"
#include "privileges.h"
#include "userns.h"

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
#define N_DEV_NODES (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

static const char *const etc_files[] = {"hostname", "hosts", "resolv.conf"};
#define N_ETC_FILES (sizeof(etc_files) / sizeof(etc_files[0]))

/* What is taken from the host before pivot_root: detached mounts (open_tree
 * fds), -1 if absent. */
struct host_fds {
	int dev[N_DEV_NODES];
	int etc[N_ETC_FILES];
	int sys;
	int init; /* issue 13: podd-pause for --init */
};

static void
host_fds_close(struct host_fds *h)
{
	for (size_t i = 0; i < N_DEV_NODES; i++)
		close_reset(&h->dev[i]);
	for (size_t i = 0; i < N_ETC_FILES; i++)
		close_reset(&h->etc[i]);
	close_reset(&h->sys);
	close_reset(&h->init);
}

static int
mnt(const char *src, const char *target, const char *type, unsigned long flags, const char *data,
    struct pd_err *err)
{
	const char *what = type ? type : src ? src : "(flags)";

	if (mount(src, target, type, flags, data) < 0)
		return pd_fail_errno(err, errno, "mount %s on %s", what, target);
	return 0;
}

/* A detached bind mount of the host's @path (with what is mounted below it
 * when @recursive), or -1 with errno. */
static int
clone_tree(const char *path, bool recursive)
{
	return open_tree(AT_FDCWD, path,
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW |
			     (recursive ? AT_RECURSIVE : 0));
}

/* Attach the detached mount @fd on @target. */
static int
attach(int fd, const char *target, struct pd_err *err)
{
	if (move_mount(fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return pd_fail_errno(err, errno, "bind on %s", target);
	return 0;
}

/* A directory that must exist in the root: made when the root is writable. */
static int
ensure_dir(const char *path, mode_t mode, struct pd_err *err)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST && errno != EROFS)
		return pd_fail_errno(err, errno, "mkdir %s", path);
	if (stat(path, &st) < 0)
		return pd_fail_errno(err, errno, "%s in the container's root", path);
	if (!S_ISDIR(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "%s in the container's root is not a directory",
			       path);
	return 0;
}

static int
open_host(struct host_fds *h, const struct shim_spec *spec, struct pd_err *err)
{
	char path[SHIM_MAX_PATH + 32];

	for (size_t i = 0; i < N_DEV_NODES; i++) {
		if (snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]) >= (int)sizeof(path))
			return pd_fail(err, PD_E_SYSTEM, "path too long");
		h->dev[i] = clone_tree(path, false);
		if (h->dev[i] < 0)
			return pd_fail_errno(err, errno, "clone %s", path);
	}
	if (spec->priv.init != NULL && (h->init = clone_tree(spec->priv.init, false)) < 0)
		return pd_fail_errno(err, errno, "clone %s", spec->priv.init);
	h->sys = clone_tree("/sys", true);
	if (h->sys < 0)
		return pd_fail_errno(err, errno, "clone /sys");
	for (size_t i = 0; spec->etc_dir != NULL && i < N_ETC_FILES; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", spec->etc_dir, etc_files[i]) >=
		    (int)sizeof(path))
			return pd_fail(err, PD_E_INVALID, "etc_dir path too long");
		/* A file podd did not write is not bound. */
		h->etc[i] = clone_tree(path, false);
		if (h->etc[i] < 0 && errno != ENOENT)
			return pd_fail_errno(err, errno, "clone %s", path);
	}
	return 0;
}

/* One lower layer for "lowerdir+": its path, or with an idmapped user
 * namespace (issue 13) an idmapped clone of it given by fd (Linux 6.13).
 * The clone, *@tree, must stay open until the overlay is created: overlay
 * takes its layers then, and a detached mount whose fd is closed is gone. */
static int
add_lower(int fs, const struct shim_spec *spec, const char *lower, int *tree, struct pd_err *err)
{
	if (spec->userns_fd < 0 || !spec->userns_idmap)
		return fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", lower, 0);
	*tree = open_tree(AT_FDCWD, lower, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (*tree < 0)
		return pd_fail_errno(err, errno, "clone layer %s", lower);
	if (shim_userns_idmap(*tree, spec->userns_fd, lower, err) < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, *tree) < 0)
		return pd_fail_errno(err, errno, "overlay idmapped lower %s (Linux 6.13)", lower);
	return 0;
}

static void
close_trees(int *trees, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close_reset(&trees[i]);
}

static int mount_layers_with(const struct shim_spec *spec, int *trees, struct pd_err *err);

/* An image's overlay through the new mount API: "lowerdir+" (Linux 6.8)
 * adds one layer a call, so no page of mount(2) options bounds how many an
 * image has. Returns 0, -1 with @err, or 1 when this kernel has no
 * "lowerdir+" (or no fsopen) and mount(2) is to be used instead (never
 * with idmapped layers). A --rootfs dir is the one lower then. */
static int
mount_layers(const struct shim_spec *spec, struct pd_err *err)
{
	int trees[SHIM_MAX_LOWERS];
	int r;

	memset(trees, 0xff, sizeof(trees));
	r = mount_layers_with(spec, trees, err);
	close_trees(trees, SHIM_MAX_LOWERS);
	return r;
}

static int
mount_layers_with(const struct shim_spec *spec, int *trees, struct pd_err *err)
{
	cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	cleanup_close int mfd = -1;
	const char *const *lowers = spec->lowers != NULL ? spec->lowers : &spec->rootfs;
	size_t n = spec->lowers != NULL ? spec->n_lowers : 1;
	bool idmap = spec->userns_fd >= 0 && spec->userns_idmap;

	if (fs < 0 && errno == ENOSYS && !idmap)
		return 1;
	if (fs < 0)
		return pd_fail_errno(err, errno, "fsopen overlay");
	for (size_t i = 0; i < n; i++) {
		struct pd_err e = {0};

		if (add_lower(fs, spec, lowers[i], &trees[i], &e) == 0)
			continue;
		if (e.kind != 0) {
			*err = e;
			return -1;
		}
		if (i == 0 && errno == EINVAL && !idmap)
			return 1;
		return pd_fail_errno(err, errno, "overlay lower %s", lowers[i]);
	}
	if (!spec->read_only &&
	    (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", spec->upper, 0) < 0 ||
	     fsconfig(fs, FSCONFIG_SET_STRING, "workdir", spec->work, 0) < 0))
		return pd_fail_errno(err, errno, "overlay upper %s", spec->upper);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return pd_fail_errno(err, errno, "mount overlay on %s", spec->mount_point);
	/* Several read-only layers: an overlay without upper is read-only. */
	mfd = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NODEV | (spec->read_only ? MOUNT_ATTR_RDONLY : 0));
	if (mfd < 0)
		return pd_fail_errno(err, errno, "mount overlay on %s", spec->mount_point);
	return attach(mfd, spec->mount_point, err);
}

/* issue 13: a read-only --rootfs of a userns container, idmapped. */
static int
bind_rootfs_idmapped(const struct shim_spec *spec, struct pd_err *err)
{
	struct mount_attr ro = {.attr_set =
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	cleanup_close int tree =
	    open_tree(AT_FDCWD, spec->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return pd_fail_errno(err, errno, "clone %s", spec->rootfs);
	if (shim_userns_idmap(tree, spec->userns_fd, spec->rootfs, err) < 0)
		return -1;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return pd_fail_errno(err, errno, "make %s read-only", spec->rootfs);
	return attach(tree, spec->mount_point, err);
}

static int
mount_root(const struct shim_spec *spec, const char *overlay_opts, struct pd_err *err)
{
	/* Nothing done from here on may propagate back to the host. */
	if (mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) < 0)
		return pd_err_prefix(err, "make mounts private");
	if (overlay_opts == NULL && spec->userns_fd >= 0 && spec->userns_idmap)
		return bind_rootfs_idmapped(spec, err);
	if (overlay_opts == NULL) {
		if (mnt(spec->rootfs, spec->mount_point, NULL, MS_BIND | MS_REC, NULL, err) < 0)
			return -1;
		return mnt(NULL, spec->mount_point, NULL,
			   MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL, err);
	}
	if (spec->lowers != NULL || (spec->userns_fd >= 0 && spec->userns_idmap)) {
		int r = mount_layers(spec, err);

		if (r <= 0)
			return r;
		/* An older kernel: mount(2), whose options fit a page. */
	}
	/* The lowers are named relative to their dir (spec.h). */
	if (spec->lower_dir != NULL && chdir(spec->lower_dir) < 0)
		return pd_fail_errno(err, errno, "chdir %s", spec->lower_dir);
	/* Several read-only layers: an overlay without upper is read-only. */
	return mnt("overlay", spec->mount_point, "overlay",
		   MS_NODEV | (spec->read_only ? MS_RDONLY : 0), overlay_opts, err);
}

/* pivot_root(2) with new and put_old both ".": the old root ends up stacked
 * on the new one, and the detaching unmount of "." takes it away. */
static int
pivot(const char *mount_point, struct pd_err *err)
{
	if (chdir(mount_point) < 0)
		return pd_fail_errno(err, errno, "chdir %s", mount_point);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return pd_fail_errno(err, errno, "pivot_root to %s", mount_point);
	if (umount2(".", MNT_DETACH) < 0)
		return pd_fail_errno(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return pd_fail_errno(err, errno, "chdir /");
	return 0;
}

static int
mount_dev(const struct shim_spec *spec, const struct host_fds *h, struct pd_err *err)
{
	static const char *const links[][2] = {
	    {"/dev/fd", "/proc/self/fd"},       {"/dev/stdin", "/proc/self/fd/0"},
	    {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
	    {"/dev/ptmx", "pts/ptmx"},
	};
	char path[64], shm[64];

	if (ensure_dir("/dev", 0755, err) < 0 ||
	    mnt("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME,
		"mode=755,size=65536k", err) < 0)
		return -1;
	for (size_t i = 0; i < N_DEV_NODES; i++) {
		int fd;

		if (snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]) >= (int)sizeof(path))
			return pd_fail(err, PD_E_SYSTEM, "path too long");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0)
			return pd_fail_errno(err, errno, "create %s", path);
		close(fd);
		if (attach(h->dev[i], path, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][1], links[i][0]) < 0)
			return pd_fail_errno(err, errno, "symlink %s", links[i][0]);
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0)
		return pd_fail_errno(err, errno, "mkdir in /dev");
	if (mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		"newinstance,ptmxmode=0666,mode=0620", err) < 0)
		return -1;
	/* issue 13: --shm-size */
	if (snprintf(shm, sizeof(shm), "mode=1777,size=%llu", spec->priv.shm_size) >=
	    (int)sizeof(shm))
		return pd_fail(err, PD_E_SYSTEM, "shm options too long");
	if (mnt("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm, err) < 0)
		return -1;
	/* issue 13: --device, a privileged container's host devices, --init */
	return shim_priv_dev(&spec->priv, h->init, err);
}

/* A new sysfs, read-only (read-write for a privileged container, as
 * docker's); where one cannot be mounted (a network namespace we do not
 * own), the host's, bound read-only all the way down (mount_setattr with
 * AT_RECURSIVE: Linux 5.12). */
static int
mount_sys(const struct shim_spec *spec, const struct host_fds *h, struct pd_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	const unsigned long flags =
	    (spec->priv.privileged ? 0 : MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (ensure_dir("/sys", 0555, err) < 0)
		return -1;
	if (mount("sysfs", "/sys", "sysfs", flags, NULL) == 0)
		return 0;
	if (spec->priv.privileged)
		return attach(h->sys, "/sys", err);
	if (mount_setattr(h->sys, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return pd_fail_errno(err, errno, "make a copy of /sys read-only");
	return attach(h->sys, "/sys", err);
}

/* podd's /etc files. On a writable root the target is made (a symlink in
 * its place is replaced); on a read-only one a missing target is skipped. */
static int
mount_etc(const struct shim_spec *spec, const struct host_fds *h, struct pd_err *err)
{
	char path[64];

	if (spec->etc_dir == NULL)
		return 0;
	if (!spec->read_only && mkdir("/etc", 0755) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir /etc");
	for (size_t i = 0; i < N_ETC_FILES; i++) {
		if (h->etc[i] < 0)
			continue;
		if (snprintf(path, sizeof(path), "/etc/%s", etc_files[i]) >= (int)sizeof(path))
			return pd_fail(err, PD_E_SYSTEM, "path too long");
		if (spec->read_only) {
			if (access(path, F_OK) < 0 && errno == ENOENT)
				continue;
		} else {
			int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

			if (fd < 0 && errno == ELOOP && unlink(path) == 0)
				fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd < 0)
				return pd_fail_errno(err, errno, "create %s", path);
			close(fd);
		}
		if (attach(h->etc[i], path, err) < 0)
			return -1;
	}
	return 0;
}

static int
setup(const struct shim_spec *spec, const char *overlay_opts, struct host_fds *h,
      struct shim_mount_fds *user, struct pd_err *err)
{
	if (mount_root(spec, overlay_opts, err) < 0 || open_host(h, spec, err) < 0 ||
	    shim_mounts_open(spec, user, err) < 0 || pivot(spec->mount_point, err) < 0)
		return -1;
	if (ensure_dir("/proc", 0555, err) < 0 ||
	    mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
		return -1;
	if (mount_dev(spec, h, err) < 0 || mount_sys(spec, h, err) < 0 ||
	    shim_cgroup_mount(spec, err) < 0 /* issue 13: on its /sys */ ||
	    mount_etc(spec, h, err) < 0)
		return -1;
	/* The user's mounts (-v, --tmpfs, --mount) over what podd made, as
	 * docker's go: a bind on /etc/hosts replaces podd's. */
	if (shim_mounts_attach(spec, user, err) < 0)
		return -1;
	/* issue 13: the sysctls, while /proc/sys is writable; a privileged
	 * container keeps /proc and /sys as they are, as docker's does. */
	if (shim_priv_sysctls(&spec->priv, err) < 0)
		return -1;
	if (spec->priv.privileged)
		return 0;
	/* Last: the masks go on the container's own /proc and /sys, the ones
	 * its processes see, with paths looked up in its root only, and bind
	 * its /dev/null; the capability to unmount them is dropped after. */
	return shim_masks_apply(err);
}

int
shim_rootfs_setup(const struct shim_spec *spec, const char *overlay_opts, struct pd_err *err)
{
	struct host_fds h;
	struct shim_mount_fds user = {0};
	int r;

	memset(&h, 0xff, sizeof(h));
	r = setup(spec, overlay_opts, &h, &user, err);
	host_fds_close(&h);
	shim_mounts_close(&user);
	return r;
}
