/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/file (and the fd reads under it): the atomic write, bounded reads,
 * mkdir -p, the state directory lock and rm -rf. Everything runs in a fresh
 * temp directory that the case removes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "unit.h"

struct tmp {
	char path[PATH_MAX];
	int fd;
};

static void
tmp_open(struct tmp *t)
{
	unit_tmpdir(t->path, sizeof(t->path));
	t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(t->fd >= 0);
}

static void
tmp_close(struct tmp *t)
{
	close(t->fd);
	CHECK_INT(unit_rmtree(t->path), ==, 0);
}

/* The names in @dirfd, sorted, joined by spaces. */
static void
list_dir(int dirfd, char *out, size_t len)
{
	struct dirent **names = NULL;
	char self[64];
	int n;

	UNIT_FMT(self, "/proc/self/fd/%d", dirfd);
	n = scandir(self, &names, NULL, alphasort);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
			if (out[0] != '\0')
				strncat(out, " ", len - strlen(out) - 1);
			strncat(out, names[i]->d_name, len - strlen(out) - 1);
		}
		free(names[i]);
	}
	free(names);
}

/* Create @path under @dirfd holding "x" (pd_file_write_atomic takes a name,
 * not a path). */
static void
put(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	REQUIRE(fd >= 0);
	REQUIRE(write(fd, "x", 1) == 1);
	close(fd);
}

static char *
read_str(int dirfd, const char *name)
{
	struct pd_err err = {0};
	char *buf = NULL;
	size_t len = 0;

	if (pd_file_read(dirfd, name, 1 << 20, &buf, &len, &err) < 0)
		return NULL;
	return buf;
}

static void
test_write_atomic_content(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];
	char *s;

	tmp_open(&t);
	CHECK_INT(pd_file_write_atomic(t.fd, "state.json", "hello", 5, &err), ==, 0);
	s = read_str(t.fd, "state.json");
	CHECK_STR(s, ==, "hello");
	free(s);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "state.json");
	tmp_close(&t);
}

static void
test_write_atomic_overwrite(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];
	struct stat st;
	char *s;

	tmp_open(&t);
	REQUIRE(pd_file_write_atomic(t.fd, "f", "a much longer content", 21, &err) == 0);
	REQUIRE(pd_file_write_atomic(t.fd, "f", "x", 1, &err) == 0);
	s = read_str(t.fd, "f");
	CHECK_STR(s, ==, "x");
	free(s);
	REQUIRE(pd_file_write_atomic(t.fd, "f", "", 0, &err) == 0);
	s = read_str(t.fd, "f");
	CHECK_STR(s, ==, "");
	free(s);
	CHECK_INT(fstatat(t.fd, "f", &st, 0), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0600);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "f");
	tmp_close(&t);
}

static void
test_write_atomic_replaces_symlink(void)
{
	struct tmp t;
	struct pd_err err = {0};
	struct stat st;
	char *s;

	tmp_open(&t);
	REQUIRE(pd_file_write_atomic(t.fd, "target", "keep", 4, &err) == 0);
	REQUIRE(symlinkat("target", t.fd, "link") == 0);
	CHECK_INT(pd_file_write_atomic(t.fd, "link", "new", 3, &err), ==, 0);
	CHECK_INT(fstatat(t.fd, "link", &st, AT_SYMLINK_NOFOLLOW), ==, 0);
	CHECK(S_ISREG(st.st_mode));
	s = read_str(t.fd, "target");
	CHECK_STR(s, ==, "keep");
	free(s);
	tmp_close(&t);
}

static void
test_write_atomic_error_leaves_nothing(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];

	tmp_open(&t);
	REQUIRE(mkdirat(t.fd, "dir", 0700) == 0);
	/* rename(2) cannot put a file over a directory. */
	CHECK_INT(pd_file_write_atomic(t.fd, "dir", "x", 1, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	CHECK_INT(err.errnum, ==, EISDIR);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "dir");
	CHECK_INT(pd_file_write_atomic(t.fd, "missing/f", "x", 1, &err), ==, -1);
	CHECK_INT(err.errnum, ==, ENOENT);
	tmp_close(&t);
}

static void
test_read_not_found(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char *buf = NULL;
	size_t len = 0;

	tmp_open(&t);
	CHECK_INT(pd_file_read(t.fd, "nope", 100, &buf, &len, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	CHECK_CONTAINS(err.msg, "nope");
	CHECK(buf == NULL);
	tmp_close(&t);
}

static void
test_read_symlink_refused(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char *buf = NULL;
	size_t len = 0;

	tmp_open(&t);
	REQUIRE(pd_file_write_atomic(t.fd, "target", "x", 1, &err) == 0);
	REQUIRE(symlinkat("target", t.fd, "link") == 0);
	CHECK_INT(pd_file_read(t.fd, "link", 100, &buf, &len, &err), ==, -1);
	CHECK_INT(err.errnum, ==, ELOOP);
	CHECK(buf == NULL);
	tmp_close(&t);
}

/* Write @size bytes to "f" and read it back with @max. */
static int
read_sized(int dirfd, size_t size, size_t max, struct pd_err *err)
{
	char *data = malloc(size + 1), *buf = NULL;
	size_t len = 0;
	int r;

	REQUIRE(data != NULL);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	REQUIRE(pd_file_write_atomic(dirfd, "f", data, size, err) == 0);
	r = pd_file_read(dirfd, "f", max, &buf, &len, err);
	if (r == 0) {
		CHECK_INT(len, ==, size);
		CHECK(memcmp(buf, data, size) == 0);
		CHECK_INT(buf[len], ==, '\0');
		free(buf);
	}
	free(data);
	return r;
}

static void
test_read_max_size(void)
{
	static const size_t sizes[] = {0, 1, 10, 4095, 4096, 4097, 8191, 8192, 10000};
	struct tmp t;
	struct pd_err err = {0};

	tmp_open(&t);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		if (read_sized(t.fd, n, n, &err) != 0)
			printf("  size %zu, max %zu: %s\n", n, n, err.msg);
		CHECK_INT(read_sized(t.fd, n, n, &err), ==, 0);
		CHECK_INT(read_sized(t.fd, n, n + 1, &err), ==, 0);
		if (n == 0)
			continue;
		CHECK_INT(read_sized(t.fd, n, n - 1, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	}
	tmp_close(&t);
}

static void
test_mkdir_p(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char path[PATH_MAX + 64];
	struct stat st;

	tmp_open(&t);
	UNIT_FMT(path, "%s/a/b/c", t.path);
	CHECK_INT(pd_mkdir_p(path, 0700, &err), ==, 0);
	CHECK_INT(stat(path, &st), ==, 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 0777, ==, 0700);
	CHECK_INT(pd_mkdir_p(path, 0700, &err), ==, 0);
	UNIT_FMT(path, "%s/a/d/", t.path);
	CHECK_INT(pd_mkdir_p(path, 0755, &err), ==, 0);
	CHECK_INT(fstatat(t.fd, "a/d", &st, 0), ==, 0);
	CHECK_INT(err.kind, ==, 0);
	tmp_close(&t);
}

static void
test_mkdir_p_errors(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char path[PATH_MAX + 64];
	char *huge;

	tmp_open(&t);
	CHECK_INT(pd_mkdir_p("", 0700, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	REQUIRE(pd_file_write_atomic(t.fd, "file", "x", 1, &err) == 0);
	UNIT_FMT(path, "%s/file/sub", t.path);
	CHECK_INT(pd_mkdir_p(path, 0700, &err), ==, -1);
	CHECK_INT(err.errnum, ==, ENOTDIR);
	huge = malloc(8192);
	REQUIRE(huge != NULL);
	memset(huge, 'a', 8191);
	huge[0] = '/';
	huge[8191] = '\0';
	CHECK_INT(pd_mkdir_p(huge, 0700, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	free(huge);
	tmp_close(&t);
}

static void
test_dir_open(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char path[PATH_MAX + 64];
	int fd;

	tmp_open(&t);
	fd = pd_dir_open(t.path, &err);
	CHECK_INT(fd, >=, 0);
	CHECK_INT(fcntl(fd, F_GETFD), ==, FD_CLOEXEC);
	close(fd);
	UNIT_FMT(path, "%s/missing", t.path);
	CHECK_INT(pd_dir_open(path, &err), ==, -1);
	CHECK_INT(err.errnum, ==, ENOENT);
	REQUIRE(pd_file_write_atomic(t.fd, "file", "x", 1, &err) == 0);
	UNIT_FMT(path, "%s/file", t.path);
	CHECK_INT(pd_dir_open(path, &err), ==, -1);
	CHECK_INT(err.errnum, ==, ENOTDIR);
	tmp_close(&t);
}

static void
test_dir_lock(void)
{
	struct tmp t;
	struct pd_err err = {0};
	int a, b;

	tmp_open(&t);
	a = pd_dir_open(t.path, &err);
	b = pd_dir_open(t.path, &err);
	REQUIRE(a >= 0 && b >= 0);
	CHECK_INT(pd_dir_lock(a, "root dir", &err), ==, 0);
	CHECK_INT(pd_dir_lock(a, "root dir", &err), ==, 0); /* same holder */
	CHECK_INT(pd_dir_lock(b, "root dir", &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_CONFLICT);
	CHECK_CONTAINS(err.msg, "root dir is in use");
	close(a);
	CHECK_INT(pd_dir_lock(b, "root dir", &err), ==, 0);
	close(b);
	CHECK_INT(pd_dir_lock(-1, "root dir", &err), ==, -1);
	CHECK_INT(err.errnum, ==, EBADF);
	tmp_close(&t);
}

static void
test_rm_rf_tree(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];
	char deep[PATH_MAX];
	size_t len = 0;

	tmp_open(&t);
	REQUIRE(mkdirat(t.fd, "pod", 0700) == 0);
	REQUIRE(mkdirat(t.fd, "pod/a", 0700) == 0);
	REQUIRE(mkdirat(t.fd, "pod/a/empty", 0700) == 0);
	put(t.fd, "pod/a/f");
	put(t.fd, "pod/.hidden");
	REQUIRE(mkfifoat(t.fd, "pod/fifo", 0600) == 0);
	/* 50 levels below pod/a. */
	len = (size_t)snprintf(deep, sizeof(deep), "pod/a");
	for (int i = 0; i < 50; i++) {
		REQUIRE(len + 2 < sizeof(deep));
		len += (size_t)snprintf(deep + len, sizeof(deep) - len, "/d");
		REQUIRE(mkdirat(t.fd, deep, 0700) == 0);
	}
	REQUIRE((size_t)snprintf(deep + len, sizeof(deep) - len, "/leaf") < sizeof(deep) - len);
	put(t.fd, deep);
	CHECK_INT(pd_rm_rf_at(t.fd, "pod", &err), ==, 0);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "");
	tmp_close(&t);
}

static void
test_rm_rf_does_not_follow_symlinks(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];
	struct stat st;

	tmp_open(&t);
	REQUIRE(mkdirat(t.fd, "outside", 0700) == 0);
	put(t.fd, "outside/precious");
	REQUIRE(mkdirat(t.fd, "pod", 0700) == 0);
	REQUIRE(symlinkat("../outside", t.fd, "pod/link") == 0);
	REQUIRE(symlinkat("outside", t.fd, "toplink") == 0);
	CHECK_INT(pd_rm_rf_at(t.fd, "pod", &err), ==, 0);
	CHECK_INT(pd_rm_rf_at(t.fd, "toplink", &err), ==, 0);
	CHECK_INT(fstatat(t.fd, "outside/precious", &st, 0), ==, 0);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "outside");
	tmp_close(&t);
}

static void
test_rm_rf_missing_and_file(void)
{
	struct tmp t;
	struct pd_err err = {0};
	char names[256];

	tmp_open(&t);
	CHECK_INT(pd_rm_rf_at(t.fd, "missing", &err), ==, 0);
	CHECK_INT(err.kind, ==, 0);
	REQUIRE(pd_file_write_atomic(t.fd, "f", "x", 1, &err) == 0);
	CHECK_INT(pd_rm_rf_at(t.fd, "f", &err), ==, 0);
	list_dir(t.fd, names, sizeof(names));
	CHECK_STR(names, ==, "");
	tmp_close(&t);
}

static const struct unit_case cases[] = {
    {"write_atomic_content", test_write_atomic_content},
    {"write_atomic_overwrite", test_write_atomic_overwrite},
    {"write_atomic_replaces_symlink", test_write_atomic_replaces_symlink},
    {"write_atomic_error_leaves_nothing", test_write_atomic_error_leaves_nothing},
    {"read_not_found", test_read_not_found},
    {"read_symlink_refused", test_read_symlink_refused},
    {"read_max_size", test_read_max_size},
    {"mkdir_p", test_mkdir_p},
    {"mkdir_p_errors", test_mkdir_p_errors},
    {"dir_open", test_dir_open},
    {"dir_lock", test_dir_lock},
    {"rm_rf_tree", test_rm_rf_tree},
    {"rm_rf_does_not_follow_symlinks", test_rm_rf_does_not_follow_symlinks},
    {"rm_rf_missing_and_file", test_rm_rf_missing_and_file},
};

UNIT_MAIN(cases)
