/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File helpers; see file.h. The atomic write fsyncs both the file and the
 * directory: a rename without them can leave an empty file after a crash.
 */
#include "file.h"

#include <stdbool.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"

/* The one write-and-rename; fsyncs the file and the dir when @durable. */
static int
write_replace(int dirfd, const char *name, const void *buf, size_t len, bool durable,
	      struct pd_err *err)
{
	char tmp[512];
	cleanup_close int fd = -1;
	int n;

	n = snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid());
	if (n < 0 || n >= (int)sizeof(tmp))
		return pd_fail(err, PD_E_INVALID, "file name too long: %s", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return pd_fail_errno(err, errno, "create %s", tmp);
	if (pd_fd_write_all(fd, buf, len, err) < 0 || (durable && fsync(fd) < 0)) {
		if (err->kind == 0)
			pd_fail_errno(err, errno, "fsync %s", tmp);
		unlinkat(dirfd, tmp, 0);
		return pd_err_prefix(err, "write %s", name);
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;

		unlinkat(dirfd, tmp, 0);
		return pd_fail_errno(err, e, "rename %s", name);
	}
	if (durable && fsync(dirfd) < 0)
		return pd_fail_errno(err, errno, "fsync directory of %s", name);
	return 0;
}

int
pd_file_write_atomic(int dirfd, const char *name, const void *buf, size_t len, struct pd_err *err)
{
	return write_replace(dirfd, name, buf, len, true, err);
}

int
pd_file_write_volatile(int dirfd, const char *name, const void *buf, size_t len, struct pd_err *err)
{
	return write_replace(dirfd, name, buf, len, false, err);
}

int
pd_file_read(int dirfd, const char *name, size_t max, char **out, size_t *len, struct pd_err *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "%s: no such file", name);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", name);
	if (pd_fd_read_all(fd, max, out, len, err) < 0)
		return pd_err_prefix(err, "read %s", name);
	return 0;
}

int
pd_mkdir_p(const char *path, mode_t mode, struct pd_err *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return pd_fail(err, PD_E_INVALID, "bad directory path");
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", buf);
	return 0;
}

int
pd_dir_open(const char *path, struct pd_err *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return pd_fail_errno(err, errno, "open directory %s", path);
	return fd;
}

int
pd_dir_lock(int dirfd, const char *what, struct pd_err *err)
{
	if (flock(dirfd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return pd_fail(err, PD_E_CONFLICT, "%s is in use by another podd", what);
	return pd_fail_errno(err, errno, "lock %s", what);
}

DIR *
pd_dir_stream(int dirfd, const char *name, const char *what, struct pd_err *err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *dir;

	if (fd < 0) {
		pd_fail_errno(err, errno, "open %s", what);
		return NULL;
	}
	dir = fdopendir(fd);
	if (dir == NULL) {
		pd_fail_errno(err, errno, "read %s", what);
		close(fd);
	}
	return dir;
}

struct dirent *
pd_dir_next(DIR *dir)
{
	struct dirent *de;

	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			break;
	return de;
}

int
pd_rm_rf_at(int parent_fd, const char *name, struct pd_err *err)
{
	struct stat st, parent;
	cleanup_closedir DIR *dir = NULL;
	struct dirent *de;
	int r = 0;

	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return pd_fail_errno(err, errno, "stat %s", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT)
			return pd_fail_errno(err, errno, "remove %s", name);
		return 0;
	}
	if (fstat(parent_fd, &parent) < 0)
		return pd_fail_errno(err, errno, "stat parent of %s", name);
	if (st.st_dev != parent.st_dev)
		return pd_fail(err, PD_E_CONFLICT, "%s is a mount point", name);
	dir = pd_dir_stream(parent_fd, name, name, err);
	if (dir == NULL)
		return -1;
	for (int tries = 0;; tries++) {
		while (r == 0 && (de = pd_dir_next(dir)) != NULL)
			r = pd_rm_rf_at(dirfd(dir), de->d_name, err);
		if (r < 0)
			return pd_err_prefix(err, "remove %s", name);
		if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		/* A process that ends as its directory goes (an exec session's
		 * monitor leaving its exit file) may add a file meanwhile: go
		 * over the directory again, a few times. */
		if (errno != ENOTEMPTY || tries == 3)
			return pd_fail_errno(err, errno, "remove %s", name);
		rewinddir(dir);
	}
}
