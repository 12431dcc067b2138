/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copying a tree; see copytree.h.
 */
#include "copytree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"

#define COPY_MAX_DEPTH 128
#define OPAQUE_XATTR   "trusted.overlay.opaque"

uint32_t
shim_copy_id(const struct shim_copy_ids *ids, uint32_t id, bool uid)
{
	uint32_t from = uid ? ids->from_uid : ids->from_gid;
	uint32_t to = uid ? ids->to_uid : ids->to_gid;

	if (ids->size == 0)
		return id;
	if (id >= from && id - from < ids->size)
		return to + (id - from);
	return to + 65534;
}

/* Owner, mode (after the owner: a chown clears setuid bits) and times of
 * the new @name in @dst (or of @fd when @name is NULL). */
static int
set_attrs(int dst, const char *name, int fd, const struct stat *st, const struct shim_copy_ids *ids,
	  struct pd_err *err)
{
	uid_t uid = shim_copy_id(ids, st->st_uid, true);
	gid_t gid = shim_copy_id(ids, st->st_gid, false);
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	bool link = S_ISLNK(st->st_mode);

	if (fd >= 0 ? fchown(fd, uid, gid) : fchownat(dst, name, uid, gid, AT_SYMLINK_NOFOLLOW))
		return pd_fail_errno(err, errno, "copy %s: chown", name ? name : "a directory");
	if (!link && (fd >= 0 ? fchmod(fd, st->st_mode & 07777)
			      : fchmodat(dst, name, st->st_mode & 07777, 0)) < 0)
		return pd_fail_errno(err, errno, "copy %s: chmod", name ? name : "a directory");
	if (ids->layer &&
	    (fd >= 0 ? futimens(fd, times) : utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW)) < 0)
		return pd_fail_errno(err, errno, "copy %s: times", name ? name : "a directory");
	return 0;
}

static int
copy_file(int src, int dst, const char *name, const struct stat *st,
	  const struct shim_copy_ids *ids, struct pd_err *err)
{
	cleanup_close int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return pd_fail_errno(err, errno, "copy %s", name);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return pd_fail_errno(err, errno, "copy %s", name);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			return pd_fail_errno(err, errno, "copy %s", name);
	}
	return set_attrs(dst, NULL, out, st, ids, err);
}

static int copy_dir(int src, int dst, const struct shim_copy_ids *ids, int depth,
		    struct pd_err *err);

static int
copy_subdir(int src, int dst, const char *name, const struct stat *st,
	    const struct shim_copy_ids *ids, int depth, struct pd_err *err)
{
	cleanup_close int s = -1, d = -1;
	char v[8];
	ssize_t n;

	if (mkdirat(dst, name, 0700) < 0)
		return pd_fail_errno(err, errno, "copy %s", name);
	s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return pd_fail_errno(err, errno, "copy %s", name);
	if (ids->layer && (n = fgetxattr(s, OPAQUE_XATTR, v, sizeof(v))) > 0 &&
	    fsetxattr(d, OPAQUE_XATTR, v, (size_t)n, 0) < 0)
		return pd_fail_errno(err, errno, "copy %s: opaque", name);
	if (copy_dir(s, d, ids, depth + 1, err) < 0)
		return -1;
	return set_attrs(dst, NULL, d, st, ids, err);
}

static int
copy_entry(int src, int dst, const char *name, const struct shim_copy_ids *ids, int depth,
	   struct pd_err *err)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pd_fail_errno(err, errno, "copy %s", name);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(src, dst, name, &st, ids, depth, err);
	case S_IFREG:
		return copy_file(src, dst, name, &st, ids, err);
	case S_IFLNK:
		n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return pd_fail_errno(err, errno, "copy %s", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return pd_fail_errno(err, errno, "copy %s", name);
		return set_attrs(dst, name, -1, &st, ids, err);
	case S_IFIFO:
		if (mkfifoat(dst, name, st.st_mode & 07777) < 0)
			return pd_fail_errno(err, errno, "copy %s", name);
		return set_attrs(dst, name, -1, &st, ids, err);
	case S_IFCHR:
	case S_IFBLK:
		/* A layer's whiteouts are 0:0 character devices. */
		if (!ids->layer)
			return 0;
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
			return pd_fail_errno(err, errno, "copy %s", name);
		return set_attrs(dst, name, -1, &st, ids, err);
	default:
		return 0; /* sockets are not content */
	}
}

static int
copy_dir(int src, int dst, const struct shim_copy_ids *ids, int depth, struct pd_err *err)
{
	int fd;
	DIR *dir;
	struct dirent *e;
	int r = 0;

	if (depth > COPY_MAX_DEPTH)
		return pd_fail(err, PD_E_INVALID, "the tree to copy is deeper than %d",
			       COPY_MAX_DEPTH);
	fd = fcntl(src, F_DUPFD_CLOEXEC, 0);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return pd_fail_errno(err, errno, "read a directory to copy");
	}
	while (r == 0 && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = copy_entry(src, dst, e->d_name, ids, depth, err);
	}
	closedir(dir);
	return r;
}

int
shim_copy_tree(int src, int dst, const struct shim_copy_ids *ids, struct pd_err *err)
{
	return copy_dir(src, dst, ids, 0, err);
}
