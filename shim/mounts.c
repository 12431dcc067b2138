/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's own mounts; see mounts.h.
 *
 * Kernel needs: open_tree, move_mount, fsopen/fsconfig/fsmount (Linux 5.2),
 * openat2 with RESOLVE_IN_ROOT (5.6), mount_setattr (5.12).
 */
#include "mounts.h"
#include "copytree.h"
#include "userns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "xalloc.h"

/* openat2(2): glibc 2.36 has no wrapper. */
static int
openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

void
shim_mounts_close(struct shim_mount_fds *fds)
{
	for (size_t i = 0; i < fds->n; i++) {
		if (fds->tree != NULL)
			close_reset(&fds->tree[i]);
		if (fds->data != NULL)
			close_reset(&fds->data[i]);
	}
	free(fds->tree);
	free(fds->data);
	memset(fds, 0, sizeof(*fds));
}

static int
make_tmpfs(const struct shim_mount *m, struct pd_err *err)
{
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	char val[32];
	unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	if (fs < 0)
		return pd_fail_errno(err, errno, "tmpfs on %s", m->target);
	if (m->size > 0) {
		(void)snprintf(val, sizeof(val), "%llu", m->size);
		if (fsconfig(fs, FSCONFIG_SET_STRING, "size", val, 0) < 0)
			return pd_fail_errno(err, errno, "tmpfs on %s: size %s", m->target, val);
	}
	(void)snprintf(val, sizeof(val), "%o", m->mode);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", val, 0) < 0)
		return pd_fail_errno(err, errno, "tmpfs on %s: mode %s", m->target, val);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return pd_fail_errno(err, errno, "tmpfs on %s", m->target);
	if (m->read_only)
		attrs |= MOUNT_ATTR_RDONLY;
	{
		int fd = fsmount(fs, FSMOUNT_CLOEXEC, attrs);

		if (fd < 0)
			return pd_fail_errno(err, errno, "tmpfs on %s", m->target);
		return fd;
	}
}

/* issue 12, podspec: make the directories of @sub inside @rootfd, one
 * component at a time, never through a symlink. */
static int
mkdir_in(int rootfd, const char *sub, struct pd_err *err)
{
	cleanup_free char *copy = xstrdup(sub);
	cleanup_close int dir = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	char *save = NULL;

	if (dir < 0)
		return pd_fail_errno(err, errno, "sub_path %s", sub);
	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
		int next;

		if (mkdirat(dir, c, 0755) < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "sub_path %s: mkdir %s", sub, c);
		next = (int)syscall(SYS_openat2, dir, c, &how, sizeof(how));
		if (next < 0)
			return pd_fail_errno(err, errno, "sub_path %s: %s", sub, c);
		close(dir);
		dir = next;
	}
	return 0;
}

/* issue 12, podspec: @m's sub_path inside its source, as an O_PATH fd:
 * resolved with the source as its root, so neither ".." nor a symlink in
 * the volume leads out of it. */
static int
open_sub_path(const struct shim_mount *m, struct pd_err *err)
{
	cleanup_close int root = open(m->source, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	int fd;

	if (root < 0)
		return pd_fail_errno(err, errno, "bind source %s", m->source);
	fd = openat2_in_root(root, m->sub_path, O_PATH);
	if (fd < 0 && errno == ENOENT && m->sub_path_create) {
		if (mkdir_in(root, m->sub_path, err) < 0)
			return -1;
		fd = openat2_in_root(root, m->sub_path, O_PATH);
	}
	if (fd < 0)
		return pd_fail_errno(err, errno, "sub_path %s of %s", m->sub_path, m->source);
	return fd;
}

static int
clone_bind(const struct shim_mount *m, int userns_fd, struct pd_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	cleanup_close int sub = m->sub_path != NULL ? open_sub_path(m, err) : -1;
	cleanup_close int fd = -1;

	if (m->sub_path != NULL && sub < 0)
		return -1;
	fd = sub >= 0
		 ? open_tree(sub, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH)
		 : open_tree(AT_FDCWD, m->source,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return pd_fail_errno(err, errno, "bind source %s", m->source);
	if (m->read_only &&
	    mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return pd_fail_errno(err, errno, "make %s read-only", m->source);
	/* issue 13: the host's ids as the pod's user namespace maps them, so
	 * the pod's root writes files root owns on the host */
	if (userns_fd >= 0 && shim_userns_idmap(fd, userns_fd, m->source, err) < 0)
		return -1;
	return steal_fd(fd);
}

int
shim_mounts_open(const struct shim_spec *spec, struct shim_mount_fds *fds, struct pd_err *err)
{
	memset(fds, 0, sizeof(*fds));
	if (spec->n_mounts == 0)
		return 0;
	fds->tree = xcalloc(spec->n_mounts, sizeof(int));
	fds->data = xcalloc(spec->n_mounts, sizeof(int));
	fds->n = spec->n_mounts;
	for (size_t i = 0; i < fds->n; i++)
		fds->tree[i] = fds->data[i] = -1;
	for (size_t i = 0; i < fds->n; i++) {
		const struct shim_mount *m = &spec->mounts[i];

		if (m->type == SHIM_MOUNT_TMPFS) {
			fds->tree[i] = make_tmpfs(m, err);
		} else {
			fds->tree[i] =
			    clone_bind(m, spec->userns_idmap ? spec->userns_fd : -1, err);
			if (fds->tree[i] >= 0 && m->copy_up) {
				fds->data[i] = open(m->source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								   O_CLOEXEC);
				if (fds->data[i] < 0)
					return pd_fail_errno(err, errno, "volume %s", m->source);
			}
		}
		if (fds->tree[i] < 0)
			return -1;
	}
	return 0;
}

/* ---- filling a new volume from the image ------------------------------ */

static bool
dir_is_empty(int dirfd)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	bool empty = true;

	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (empty && (e = readdir(dir)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

/* The image's content at @target (if a directory there) into the empty
 * volume @data, with the directory's own owner and mode: with a user
 * namespace (issue 13), the ids as they are inside, which the volume's
 * idmapped bind shows as the same again (@ids). */
static int
copy_up(int rootfd, const char *target, int data, const struct shim_copy_ids *ids,
	struct pd_err *err)
{
	cleanup_close int src = openat2_in_root(rootfd, target, O_RDONLY | O_DIRECTORY);
	struct stat st;

	if (src < 0)
		return errno == ENOENT || errno == ENOTDIR
			   ? 0
			   : pd_fail_errno(err, errno, "%s", target);
	if (!dir_is_empty(data))
		return 0;
	if (fstat(src, &st) < 0 ||
	    fchown(data, shim_copy_id(ids, st.st_uid, true), shim_copy_id(ids, st.st_gid, false)) <
		0 ||
	    fchmod(data, st.st_mode & 07777) < 0)
		return pd_fail_errno(err, errno, "volume on %s", target);
	if (shim_copy_tree(src, data, ids, err) < 0)
		return pd_err_prefix(err, "fill the volume on %s from the image", target);
	return 0;
}

/* ---- targets ----------------------------------------------------------- */

/* Open @target inside the root @rootfd (O_PATH), making what is missing:
 * directories on the way, and at the end a directory, or an empty file
 * when @file. Each component is made in its parent as resolved in the
 * root, so a symlink is followed only inside it. */
static int
open_target(int rootfd, const char *target, bool file, struct pd_err *err)
{
	char path[SHIM_MAX_PATH + 1];
	size_t len = strlen(target), pos = 0;

	if (len > SHIM_MAX_PATH)
		return pd_fail(err, PD_E_INVALID, "mount target too long");
	memcpy(path, target, len + 1);
	while (pos < len) {
		size_t start, end;
		int fd;

		while (path[pos] == '/')
			pos++;
		start = pos;
		end = start + strcspn(path + start, "/");
		if (end == start)
			break;
		path[end] = '\0';
		fd = openat2_in_root(rootfd, path, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			/* The parent, as resolved in the root, then the name in it. */
			cleanup_close int parent = -1;
			bool leaf_file = file && end == len;

			if (start > 1)
				path[start - 1] = '\0';
			parent =
			    openat2_in_root(rootfd, start > 1 ? path : "/", O_PATH | O_DIRECTORY);
			if (start > 1)
				path[start - 1] = '/';
			if (parent < 0)
				return pd_fail_errno(err, errno, "mount target %s", target);
			if (leaf_file) {
				int f = openat(parent, path + start,
					       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					       0644);

				if (f < 0)
					return pd_fail_errno(err, errno, "create %s", target);
				close(f);
			} else if (mkdirat(parent, path + start, 0755) < 0) {
				return pd_fail_errno(err, errno, "mkdir %.*s", (int)end, path);
			}
			fd = openat2_in_root(rootfd, path, O_PATH);
		}
		if (fd < 0)
			return pd_fail_errno(err, errno, "mount target %s", target);
		if (end == len)
			return fd;
		close(fd);
		path[end] = '/';
		pos = end;
	}
	return openat2_in_root(rootfd, "/", O_PATH);
}

static size_t
depth_of(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p != '\0'; p++)
		n += *p == '/';
	return n;
}

static int
attach_one(int rootfd, const struct shim_mount *m, int tree, int data,
	   const struct shim_copy_ids *ids, struct pd_err *err)
{
	cleanup_close int target = -1;
	struct stat st;
	bool file = false;

	if (data >= 0 && copy_up(rootfd, m->target, data, ids, err) < 0)
		return -1;
	if (m->type == SHIM_MOUNT_BIND) {
		if (fstat(tree, &st) < 0)
			return pd_fail_errno(err, errno, "bind source %s", m->source);
		file = !S_ISDIR(st.st_mode);
	}
	target = open_target(rootfd, m->target, file, err);
	if (target < 0)
		return -1;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return pd_fail_errno(err, errno, "mount on %s", m->target);
	return 0;
}

int
shim_mounts_attach(const struct shim_spec *spec, struct shim_mount_fds *fds, struct pd_err *err)
{
	cleanup_close int rootfd = -1;
	size_t max_depth = 0;
	/* issue 13: the image's files are seen with the mapped ids here */
	struct shim_copy_ids ids = {0};

	if (fds->n == 0)
		return 0;
	if (spec->userns_fd >= 0 && spec->userns_idmap)
		ids = (struct shim_copy_ids){.from_uid = spec->userns_uid,
					     .from_gid = spec->userns_gid,
					     .size = SHIM_COPY_IDS};
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pd_fail_errno(err, errno, "open the container's root");
	for (size_t i = 0; i < fds->n; i++)
		if (depth_of(spec->mounts[i].target) > max_depth)
			max_depth = depth_of(spec->mounts[i].target);
	/* Shallow first, each depth in the given order. */
	for (size_t depth = 1; depth <= max_depth; depth++) {
		for (size_t i = 0; i < fds->n; i++) {
			if (depth_of(spec->mounts[i].target) != depth)
				continue;
			if (attach_one(rootfd, &spec->mounts[i], fds->tree[i], fds->data[i], &ids,
				       err) < 0)
				return -1;
		}
	}
	return 0;
}
