/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing tars with libarchive (pax, restricted: ustar unless an entry needs
 * more): to an fd (save, cp-out, export) or into a blob being hashed
 * (import), and from a directory tree walked on fds without following a
 * symlink (import of a directory, cp-out, export).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "podd_archive.h"
#include "xalloc.h"

#define XATTR_LIST_MAX_BYTES 65536

static struct archive *
writer_new(void)
{
	struct archive *w = archive_write_new();

	if (w == NULL)
		abort();
	(void)archive_write_set_format_pax_restricted(w);
	(void)archive_write_add_filter_none(w);
	return w;
}

struct archive *
tar_writer_fd(int fd, struct pd_err *err)
{
	struct archive *w = writer_new();

	if (archive_write_open_fd(w, fd) != ARCHIVE_OK) {
		archive_fail(err, w, "write the archive");
		archive_write_free(w);
		return NULL;
	}
	return w;
}

static la_ssize_t
blob_write_cb(struct archive *w, void *arg, const void *buf, size_t len)
{
	struct pd_err err = {0};

	if (blob_write(arg, buf, len, &err) < 0) {
		archive_set_error(w, err.errnum ? err.errnum : EIO, "%s", err.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

struct archive *
tar_writer_blob(struct blob_writer *bw, struct pd_err *err)
{
	struct archive *w = writer_new();

	/* One tar per blob, no padding to 10 KiB records: the digest is of the
	 * tar as written. */
	(void)archive_write_set_bytes_in_last_block(w, 1);
	if (archive_write_open(w, bw, NULL, blob_write_cb, NULL) != ARCHIVE_OK) {
		archive_fail(err, w, "write the layer");
		archive_write_free(w);
		return NULL;
	}
	return w;
}

int
tar_writer_close(struct archive *w, struct pd_err *err)
{
	int r = 0;

	if (archive_write_close(w) != ARCHIVE_OK)
		r = archive_fail(err, w, "write the archive");
	archive_write_free(w);
	return r;
}

/* Hard links of the tree: the first path seen for each (dev, ino). */
struct seen {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct tree {
	struct archive *w;
	int mnt_top; /* the walk does not cross into other mounts below its start */
	uint64_t mnt_id;
	struct seen *seen;
	size_t nseen, cap;
};

static int
mount_id(int dirfd, const char *name, uint64_t *id, struct pd_err *err)
{
	struct statx stx;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return pd_fail_errno(err, errno, "statx %s", name);
	*id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	return 0;
}

static int
copy_xattrs(int fd, struct archive_entry *e, struct pd_err *err)
{
	char list[XATTR_LIST_MAX_BYTES];
	ssize_t n = flistxattr(fd, list, sizeof(list));

	if (n < 0)
		return errno == ENOTSUP ? 0 : pd_fail_errno(err, errno, "list xattrs");
	for (char *name = list; name < list + n; name += strlen(name) + 1) {
		char value[XATTR_SIZE_MAX];
		ssize_t v;

		if (strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		v = fgetxattr(fd, name, value, sizeof(value));
		if (v < 0 && errno == ENODATA)
			continue;
		if (v < 0)
			return pd_fail_errno(err, errno, "read xattr %s", name);
		archive_entry_xattr_add_entry(e, name, value, (size_t)v);
	}
	return 0;
}

static int
write_header(struct tree *t, struct archive_entry *e, const char *path, struct pd_err *err)
{
	if (archive_write_header(t->w, e) < ARCHIVE_WARN)
		return archive_fail(err, t->w, path);
	return 0;
}

/* The file's bytes, exactly st_size of them (a file that changes while it is
 * read is cut or padded by libarchive). */
static int
write_file_data(struct tree *t, int fd, int64_t size, const char *path, struct pd_err *err)
{
	char buf[65536];

	while (size > 0) {
		ssize_t n = read(fd, buf, sizeof(buf) < (size_t)size ? sizeof(buf) : (size_t)size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd_fail_errno(err, errno, "read %s", path);
		if (n == 0)
			break;
		if (archive_write_data(t->w, buf, (size_t)n) < 0)
			return archive_fail(err, t->w, path);
		size -= n;
	}
	return 0;
}

static int walk_dir(struct tree *t, int dirfd, const char *prefix, struct pd_err *err);

/* Write @name under @dirfd as entry @path, and what is below it. */
static int
walk_one(struct tree *t, int dirfd, const char *name, const char *path, struct pd_err *err)
{
	struct archive_entry *e = NULL;
	cleanup_close int fd = -1;
	struct stat st;
	int r = -1;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH)) < 0)
		return errno == ENOENT ? 0 : pd_fail_errno(err, errno, "stat %s", path);
	if (S_ISSOCK(st.st_mode))
		return 0;
	e = archive_entry_new();
	if (e == NULL)
		abort();
	archive_entry_copy_stat(e, &st);
	archive_entry_copy_pathname(e, path);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

		if (n < 0) {
			pd_fail_errno(err, errno, "readlink %s", path);
			goto out;
		}
		target[n] = '\0';
		archive_entry_copy_symlink(e, target);
		r = write_header(t, e, path, err);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < t->nseen; i++)
			if (t->seen[i].dev == st.st_dev && t->seen[i].ino == st.st_ino) {
				archive_entry_copy_hardlink(e, t->seen[i].path);
				archive_entry_set_size(e, 0);
				r = write_header(t, e, path, err);
				goto out;
			}
		if (t->nseen == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			t->seen = xrealloc(t->seen, t->cap * sizeof(*t->seen));
		}
		t->seen[t->nseen++] = (struct seen){st.st_dev, st.st_ino, xstrdup(path)};
	}
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		fd = openat(dirfd, name[0] ? name : ".",
			    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0) | O_RDONLY | O_NOFOLLOW |
				O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			r = errno == ENOENT ? 0 : pd_fail_errno(err, errno, "open %s", path);
			goto out;
		}
		if (copy_xattrs(fd, e, err) < 0) {
			pd_err_prefix(err, "%s", path);
			goto out;
		}
	}
	if (write_header(t, e, path, err) < 0)
		goto out;
	if (S_ISREG(st.st_mode)) {
		r = write_file_data(t, fd, st.st_size, path, err);
	} else if (S_ISDIR(st.st_mode)) {
		uint64_t id = 0;

		r = mount_id(fd, "", &id, err);
		if (r == 0 && (!t->mnt_top || id == t->mnt_id))
			r = walk_dir(t, fd, path, err);
	} else {
		r = 0;
	}
out:
	archive_entry_free(e);
	return r;
}

static int
walk_dir(struct tree *t, int fd, const char *prefix, struct pd_err *err)
{
	cleanup_closedir DIR *dir = pd_dir_stream(fd, ".", prefix[0] ? prefix : ".", err);
	struct dirent *de;

	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		char path[PATH_MAX];

		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "/" : "",
				     de->d_name) >= sizeof(path))
			return pd_fail(err, PD_E_INVALID, "path too long under %s", prefix);
		if (walk_one(t, dirfd(dir), de->d_name, path, err) < 0)
			return -1;
	}
	return 0;
}

int
tar_write_tree(struct archive *w, int dirfd, const char *name, const char *entry,
	       struct pd_err *err)
{
	struct tree t = {.w = w, .mnt_top = 1};
	cleanup_close int top = -1;
	int r;

	/* The mount the walk starts in: it stays in it. */
	if (mount_id(dirfd, name, &t.mnt_id, err) < 0)
		return -1;
	if (entry[0] != '\0') {
		r = walk_one(&t, dirfd, name, entry, err);
	} else {
		top = openat(dirfd, name[0] ? name : ".",
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = top < 0 ? pd_fail_errno(err, errno, "open the directory")
			    : walk_dir(&t, top, "", err);
	}
	for (size_t i = 0; i < t.nseen; i++)
		free(t.seen[i].path);
	free(t.seen);
	return r;
}
