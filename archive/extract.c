/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safe extraction of a tar under a directory fd: the one place where archive
 * entries become files (layers, podctl cp). libarchive only reads the tar
 * here (archive_read_data_block); every file is made by this code on fds, so
 * the safety does not rest on libarchive's path flags:
 *   - an entry's path is split into components; an absolute path or a ".."
 *     component refuses the whole archive (never written, never skipped);
 *   - its parent is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 *     RESOLVE_NO_MAGICLINKS) (Linux 5.6), so no symlink, not even one the
 *     archive made a moment ago, is ever followed, and nothing resolves
 *     outside the directory; the last component is created with O_EXCL |
 *     O_NOFOLLOW or the *at calls' no-follow forms;
 *   - a hard link's target is resolved the same way, so it points inside;
 *   - symlinks are kept as they are (absolute targets are normal in images).
 * In a layer, OCI whiteouts become overlay's: ".wh.NAME" a 0:0 character
 * device NAME, ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its
 * directory (image-spec layer.md; kernel's overlayfs.rst); no ".wh." file is
 * left. trusted.overlay.* xattrs in an archive are dropped, so a layer
 * cannot make its own redirects or whiteouts by xattr.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "podd_archive.h"
#include "cleanup.h"
#include "file.h"
#include "xalloc.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct dirtime {
	char *path;
	struct timespec mtime;
};

struct extract {
	int root;
	enum extract_mode mode;
	uint64_t size;
	struct dirtime *dirs; /* mtimes set once their contents are written */
	size_t ndirs, cap;
};

/* Normalise @raw into @out: components joined by '/', without "" and ".".
 * An absolute path or a ".." is refused. "" is the directory itself. */
int
entry_path_clean(const char *raw, char *out, size_t len, struct pd_err *err)
{
	size_t n = 0;

	out[0] = '\0';
	if (raw[0] == '/')
		return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": absolute path", raw);
	for (const char *p = raw; *p != '\0';) {
		size_t c = strcspn(p, "/");

		if (c == 2 && strncmp(p, "..", 2) == 0)
			return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": \"..\" in its path",
				       raw);
		if (c > 0 && !(c == 1 && p[0] == '.')) {
			if (n + c + 2 > len)
				return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": path too long",
					       raw);
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, p, c);
			n += c;
		}
		p += c;
		while (*p == '/')
			p++;
	}
	out[n] = '\0';
	return 0;
}

static int
openat2_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	int fd = -1;

	/* EAGAIN: a rename or mount raced with the lookup; try again. */
	for (int i = 0; i < 64; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

static int
resolve_fail(struct pd_err *err, int errnum, const char *entry)
{
	if (errnum == ELOOP)
		return pd_fail(err, PD_E_INVALID,
			       "entry \"%.200s\": its path goes through a symlink", entry);
	if (errnum == EXDEV)
		return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": its path leaves the directory",
			       entry);
	if (errnum == ENOTDIR)
		return pd_fail(err, PD_E_INVALID,
			       "entry \"%.200s\": its path goes through a non-directory", entry);
	return pd_fail_errno(err, errnum, "entry \"%.200s\"", entry);
}

/* The directory @dir (clean, relative) under the root, as an O_PATH fd,
 * made (0755, root's) when missing and @create. */
static int
open_dir(struct extract *x, const char *dir, bool create, const char *entry, struct pd_err *err)
{
	char buf[PATH_MAX];
	cleanup_close int cur = -1;
	int fd = openat2_beneath(x->root, dir[0] ? dir : ".", O_PATH | O_DIRECTORY);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return resolve_fail(err, errno, entry);
	/* Make the missing components one at a time, as tar does. */
	cur = openat2_beneath(x->root, ".", O_PATH | O_DIRECTORY);
	if (cur < 0)
		return pd_fail_errno(err, errno, "open the directory");
	(void)snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf, *slash; p != NULL; p = slash) {
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash++ = '\0';
		fd = openat2_beneath(cur, p, O_PATH | O_DIRECTORY);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(cur, p, 0755) < 0 && errno != EEXIST)
				return pd_fail_errno(err, errno, "entry \"%.200s\": mkdir", entry);
			fd = openat2_beneath(cur, p, O_PATH | O_DIRECTORY);
		}
		if (fd < 0)
			return resolve_fail(err, errno, entry);
		close_reset(&cur);
		cur = fd;
	}
	return steal_fd(cur);
}

/* Split clean @path into its parent (in @dir) and last component. */
static const char *
path_split(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		dir[0] = '\0';
		return path;
	}
	(void)snprintf(dir, len, "%.*s", (int)(slash - path), path);
	return slash + 1;
}

static int
set_xattrs(int fd, struct archive_entry *e, const char *entry, struct pd_err *err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0)
			return pd_fail_errno(err, errno, "entry \"%.200s\": set xattr %s", entry,
					     name);
	}
	return 0;
}

/* Owner, mode (setuid too: after chown, which clears it), xattrs. */
static int
set_meta_fd(int fd, struct archive_entry *e, const char *entry, struct pd_err *err)
{
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": chown", entry);
	if (fchmod(fd, archive_entry_perm(e)) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": chmod", entry);
	return set_xattrs(fd, e, entry, err);
}

static struct timespec
entry_mtime(struct archive_entry *e)
{
	return (struct timespec){.tv_sec = archive_entry_mtime(e),
				 .tv_nsec = archive_entry_mtime_nsec(e)};
}

static int
write_data(struct archive *a, int fd, const char *entry, uint64_t *total, struct pd_err *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		for (size_t done = 0; done < len;) {
			ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
					   (off_t)off + (off_t)done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return pd_fail_errno(err, errno, "entry \"%.200s\": write", entry);
			done += (size_t)n;
		}
		*total += len;
	}
	if (r != ARCHIVE_EOF)
		return archive_fail(err, a, entry);
	return 0;
}

static int
make_file(struct extract *x, struct archive *a, struct archive_entry *e, int parent,
	  const char *leaf, const char *entry, struct pd_err *err)
{
	cleanup_close int fd =
	    openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct timespec ts[2];

	if (fd < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": create", entry);
	if (write_data(a, fd, entry, &x->size, err) < 0)
		return -1;
	if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": truncate", entry);
	if (set_meta_fd(fd, e, entry, err) < 0)
		return -1;
	ts[0] = ts[1] = entry_mtime(e);
	if (futimens(fd, ts) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": set times", entry);
	return 0;
}

static int
make_dir(struct extract *x, struct archive_entry *e, int parent, const char *leaf, const char *path,
	 struct pd_err *err)
{
	cleanup_close int fd = -1;

	if (mkdirat(parent, leaf, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "entry \"%.200s\": mkdir", path);
	fd = openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return resolve_fail(err, errno, path);
	if (set_meta_fd(fd, e, path, err) < 0)
		return -1;
	if (x->ndirs == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->dirs = xrealloc(x->dirs, x->cap * sizeof(*x->dirs));
	}
	x->dirs[x->ndirs++] = (struct dirtime){.path = xstrdup(path), .mtime = entry_mtime(e)};
	return 0;
}

/* A symlink, device or fifo: made, then owned and timed without following. */
static int
make_special(struct archive_entry *e, int parent, const char *leaf, const char *entry,
	     struct pd_err *err)
{
	mode_t type = archive_entry_filetype(e);
	struct timespec ts[2];
	char proc[64];
	cleanup_close int fd = -1;

	if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);

		if (target == NULL || symlinkat(target, parent, leaf) < 0)
			return pd_fail_errno(err, target == NULL ? EINVAL : errno,
					     "entry \"%.200s\": symlink", entry);
	} else if (mknodat(parent, leaf, type | 0600, archive_entry_rdev(e)) < 0) {
		return pd_fail_errno(err, errno, "entry \"%.200s\": mknod", entry);
	}
	if (fchownat(parent, leaf, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": chown", entry);
	if (type != AE_IFLNK) {
		/* chmod through the O_PATH fd, so that nothing is followed. */
		fd = openat(parent, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (fd < 0 || chmod(proc, archive_entry_perm(e)) < 0)
			return pd_fail_errno(err, errno, "entry \"%.200s\": chmod", entry);
	}
	ts[0] = ts[1] = entry_mtime(e);
	if (utimensat(parent, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": set times", entry);
	return 0;
}

static int
make_hardlink(struct extract *x, int parent, const char *leaf, const char *target,
	      const char *entry, struct pd_err *err)
{
	char clean[PATH_MAX], dir[PATH_MAX];
	const char *tleaf;
	cleanup_close int tparent = -1;

	if (entry_path_clean(target, clean, sizeof(clean), err) < 0)
		return pd_err_prefix(err, "hard link \"%.200s\"", entry);
	if (clean[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": hard link to the directory",
			       entry);
	tleaf = path_split(clean, dir, sizeof(dir));
	tparent = open_dir(x, dir, false, entry, err);
	if (tparent < 0)
		return -1;
	if (linkat(tparent, tleaf, parent, leaf, 0) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": hard link to \"%.200s\"", entry,
				     target);
	return 0;
}

/* Mark the directory @name under @parent opaque, as overlay reads it. */
static int
set_opaque(int parent, const char *name, const char *entry, struct pd_err *err)
{
	cleanup_close int fd =
	    openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": opaque directory", entry);
	return 0;
}

static int
whiteout(struct extract *x, int parent, const char *leaf, const char *entry, struct pd_err *err)
{
	const char *name = leaf + strlen(WH_PREFIX);

	if (strcmp(leaf, WH_OPAQUE) == 0)
		return set_opaque(parent, ".", entry, err);
	if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": bad whiteout", entry);
	(void)x;
	if (pd_rm_rf_at(parent, name, err) < 0)
		return pd_err_prefix(err, "entry \"%.200s\"", entry);
	if (mknodat(parent, name, S_IFCHR | 0, makedev(0, 0)) < 0 ||
	    fchownat(parent, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
		return pd_fail_errno(err, errno, "entry \"%.200s\": whiteout", entry);
	return 0;
}

/* Make room for a new entry at @leaf: a directory stays for a directory, any
 * other thing is removed (in a layer a later entry replaces an earlier one;
 * podctl cp refuses to swap a directory and a non-directory, as docker cp). */
static int
make_room(struct extract *x, int parent, const char *leaf, bool is_dir, bool *opaque,
	  const char *entry, struct pd_err *err)
{
	struct stat st;

	if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : pd_fail_errno(err, errno, "entry \"%.200s\"", entry);
	if (S_ISDIR(st.st_mode) && is_dir)
		return 0;
	/* A directory where this layer whited out the lower one: a new, empty
	 * directory, so opaque to the layers below (image-spec: a whiteout hides
	 * only what is in the lower layers). */
	if (x->mode == EXTRACT_LAYER && is_dir && S_ISCHR(st.st_mode) && st.st_rdev == 0)
		*opaque = true;
	if (x->mode == EXTRACT_COPY && (S_ISDIR(st.st_mode) || is_dir))
		return pd_fail(err, PD_E_CONFLICT,
			       "entry \"%.200s\": cannot replace a %sdirectory with a %sdirectory",
			       entry, S_ISDIR(st.st_mode) ? "" : "non-", is_dir ? "" : "non-");
	if (pd_rm_rf_at(parent, leaf, err) < 0)
		return pd_err_prefix(err, "entry \"%.200s\"", entry);
	return 0;
}

static int
extract_entry(struct extract *x, struct archive *a, struct archive_entry *e, struct pd_err *err)
{
	const char *raw = archive_entry_pathname(e);
	const char *link = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	char path[PATH_MAX], dir[PATH_MAX];
	cleanup_close int parent = -1;
	bool opaque = false;
	const char *leaf;

	if (raw == NULL)
		return pd_fail(err, PD_E_INVALID, "an entry has no readable path");
	if (entry_path_clean(raw, path, sizeof(path), err) < 0)
		return -1;
	if (path[0] == '\0') {
		/* The directory itself ("./"): a layer's root takes its owner and
		 * mode; podctl cp leaves the container's directory as it is. */
		if (type != AE_IFDIR || link != NULL)
			return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": not a directory", raw);
		return x->mode == EXTRACT_LAYER ? make_dir(x, e, x->root, ".", "", err) : 0;
	}
	leaf = path_split(path, dir, sizeof(dir));
	parent = open_dir(x, dir, true, raw, err);
	if (parent < 0)
		return -1;
	if (x->mode == EXTRACT_LAYER && strncmp(leaf, WH_PREFIX, strlen(WH_PREFIX)) == 0)
		return whiteout(x, parent, leaf, raw, err);
	if (make_room(x, parent, leaf, link == NULL && type == AE_IFDIR, &opaque, raw, err) < 0)
		return -1;
	if (link != NULL)
		return make_hardlink(x, parent, leaf, link, raw, err);
	switch (type) {
	case AE_IFREG:
		return make_file(x, a, e, parent, leaf, raw, err);
	case AE_IFDIR:
		if (make_dir(x, e, parent, leaf, path, err) < 0)
			return -1;
		return opaque ? set_opaque(parent, leaf, raw, err) : 0;
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return make_special(e, parent, leaf, raw, err);
	default:
		return pd_fail(err, PD_E_INVALID, "entry \"%.200s\": unsupported file type 0%o",
			       raw, (unsigned)type);
	}
}

/* Directory mtimes, last made first, once nothing more is written in them. */
static int
set_dir_times(struct extract *x, struct pd_err *err)
{
	for (size_t i = x->ndirs; i-- > 0;) {
		struct dirtime *d = &x->dirs[i];
		struct timespec ts[2] = {d->mtime, d->mtime};
		cleanup_close int fd =
		    openat2_beneath(x->root, d->path[0] ? d->path : ".", O_RDONLY | O_DIRECTORY);

		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
			continue; /* replaced by a later entry */
		if (fd < 0 || futimens(fd, ts) < 0)
			return pd_fail_errno(err, errno, "entry \"%.200s\": set times", d->path);
	}
	return 0;
}

int
extract_archive(struct archive *a, int dirfd, enum extract_mode mode, uint64_t *size,
		struct pd_err *err)
{
	struct extract x = {.root = dirfd, .mode = mode};
	struct archive_entry *e;
	int r = 0;

	while (r == 0) {
		int h = archive_read_next_header(a, &e);

		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN) {
			r = archive_fail(err, a, "read the archive");
			break;
		}
		r = extract_entry(&x, a, e, err);
	}
	if (r == 0)
		r = set_dir_times(&x, err);
	for (size_t i = 0; i < x.ndirs; i++)
		free(x.dirs[i].path);
	free(x.dirs);
	if (r == 0 && size != NULL)
		*size = x.size;
	return r;
}
