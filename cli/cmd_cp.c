/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl cp and podctl export: a container's files as tar, running or not.
 * podd never sees the bytes: podctl hands it an fd (lib/api.h copy-to,
 * copy-from, export) that a podd-archive task reads or writes. On the host
 * side podctl makes and reads the tars itself with libarchive: to copy a
 * host path in, it writes the tar of it to an unnamed temporary file
 * (O_TMPFILE) and hands that; to copy out, it hands an unnamed temporary
 * file, and once podd answered, extracts it where docker's cp would put it.
 * The extraction refuses absolute paths, ".." and writes through symlinks
 * (ARCHIVE_EXTRACT_SECURE_*), so a container's tar never writes outside the
 * destination. `-` as the host side is a tar on stdin or stdout.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "xalloc.h"

#define CP_BLOCK (128u << 10)

/* An unnamed file for a tar, in $TMPDIR (or /tmp). */
static int
temp_file(struct pd_err *err)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return pd_fail_errno(err, errno, "a temporary file in %s", dir);
	return fd;
}

static int
archive_error(struct pd_err *err, struct archive *a, const char *what)
{
	const char *msg = archive_error_string(a);

	return pd_fail(err, PD_E_INVALID, "%s: %s", what, msg != NULL ? msg : "libarchive failed");
}

/* POST @action of the container @ref with {"fd": @fd[, "path": @path]}. */
static int
copy_call(struct podctl *ctl, const char *ref, const char *action, int fd, const char *path,
	  struct pd_err *err)
{
	cleanup_free char *p = ctr_path(ref, action, NULL);
	cleanup_json json_t *body = json_pack("{s:i}", PD_F_FD, fd);
	cleanup_json json_t *reply = NULL;

	if (path != NULL && json_object_set_new(body, PD_F_PATH, json_string(path)) < 0)
		return pd_fail(err, PD_E_INVALID, "\"%.80s\" is not valid UTF-8", path);
	reply = client_call(ctl->socket_path, "POST", p, body, err);
	return reply == NULL ? -1 : 0;
}

/* ---- host → tar ----------------------------------------------------------- */

/* @entry's path, which starts with @src, renamed to start with @top. */
static void
rename_entry(struct archive_entry *entry, const char *src, const char *top)
{
	const char *path = archive_entry_pathname(entry);
	size_t n = strlen(src);
	cleanup_free char *renamed = NULL;

	if (path == NULL || strncmp(path, src, n) != 0)
		return;
	renamed = xasprintf("%s%s", top, path + n);
	archive_entry_set_pathname(entry, renamed);
}

/* Copy the data of the entry just read from @in to @out. */
static int
copy_data(struct archive *in, struct archive *out, struct pd_err *err)
{
	char buf[CP_BLOCK];
	la_ssize_t n;

	while ((n = archive_read_data(in, buf, sizeof(buf))) > 0)
		if (archive_write_data(out, buf, (size_t)n) != n)
			return archive_error(err, out, "write the tar");
	if (n < 0)
		return archive_error(err, in, "read");
	return 0;
}

/* The tar of the host's @src, its top entry named @top, into @fd. */
static int
tar_host_path(const char *src, const char *top, int fd, struct pd_err *err)
{
	struct archive *disk = archive_read_disk_new(), *w = archive_write_new();
	struct archive_entry *entry = NULL;
	int r = 0, rr;

	if (disk == NULL || w == NULL)
		abort();
	if (archive_read_disk_set_symlink_physical(disk) != ARCHIVE_OK ||
	    archive_read_disk_set_standard_lookup(disk) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(w) != ARCHIVE_OK ||
	    archive_write_open_fd(w, fd) != ARCHIVE_OK) {
		r = archive_error(err, w, "make a tar");
		goto out;
	}
	if (archive_read_disk_open(disk, src) != ARCHIVE_OK) {
		r = archive_error(err, disk, src);
		goto out;
	}
	entry = archive_entry_new();
	while (r == 0 && (rr = archive_read_next_header2(disk, entry)) != ARCHIVE_EOF) {
		if (rr < ARCHIVE_WARN) {
			r = archive_error(err, disk, src);
			break;
		}
		archive_read_disk_descend(disk);
		rename_entry(entry, src, top);
		if (archive_write_header(w, entry) < ARCHIVE_WARN) {
			r = archive_error(err, w, "write the tar");
			break;
		}
		if (archive_entry_size(entry) > 0 && archive_entry_filetype(entry) == AE_IFREG)
			r = copy_data(disk, w, err);
	}
	if (r == 0 && archive_write_close(w) != ARCHIVE_OK)
		r = archive_error(err, w, "write the tar");
out:
	archive_entry_free(entry);
	archive_read_free(disk);
	archive_write_free(w);
	return r;
}

/* The last component of @path (trailing slashes ignored), a new string. */
static char *
base_of(const char *path)
{
	cleanup_free char *copy = xstrdup(path);
	size_t n = strlen(copy);

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	return xstrdup(basename(copy));
}

static char *
dir_of(const char *path)
{
	cleanup_free char *copy = xstrdup(path);
	size_t n = strlen(copy);

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	return xstrdup(dirname(copy));
}

static int
copy_in(struct podctl *ctl, const char *src, const char *ref, const char *dst)
{
	cleanup_close int fd = -1;
	cleanup_free char *top = NULL, *dst_top = NULL, *dst_dir = NULL;
	struct pd_err err = {0};
	struct stat st;

	if (strcmp(src, "-") == 0) {
		if (isatty(STDIN_FILENO)) {
			pd_fail(&err, PD_E_INVALID,
				"cp from \"-\" reads a tar on stdin, a terminal");
			return cmd_error(&err);
		}
		return copy_call(ctl, ref, PD_ACTION_COPY_TO, STDIN_FILENO, dst, &err) < 0
			   ? cmd_error(&err)
			   : 0;
	}
	if (lstat(src, &st) < 0) {
		pd_fail(&err, PD_E_INVALID, "%s: %s", src, strerror(errno));
		return cmd_error(&err);
	}
	/* Into DST when it is a directory of the container; else as DST. */
	top = base_of(src);
	fd = temp_file(&err);
	if (fd < 0 || tar_host_path(src, top, fd, &err) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return cmd_error(&err);
	if (copy_call(ctl, ref, PD_ACTION_COPY_TO, fd, dst, &err) == 0)
		return 0;
	if (err.kind != PD_E_NOT_FOUND && strstr(err.msg, "is not a directory") == NULL)
		return cmd_error(&err);
	dst_top = base_of(dst);
	dst_dir = dir_of(dst);
	pd_err_clear(&err);
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    tar_host_path(src, dst_top, fd, &err) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		if (err.kind == 0)
			pd_fail_errno(&err, errno, "the temporary tar");
		return cmd_error(&err);
	}
	if (copy_call(ctl, ref, PD_ACTION_COPY_TO, fd, dst_dir, &err) < 0)
		return cmd_error(&err);
	return 0;
}

/* ---- tar → host ----------------------------------------------------------- */

/* Extract the tar on @fd into the current directory, its top component
 * @from renamed @to (NULL: as it is). Nothing is written outside it. */
static int
extract_here(int fd, const char *from, const char *to, struct pd_err *err)
{
	const int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
			  ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK;
	struct archive *a = archive_read_new(), *disk = archive_write_disk_new();
	struct archive_entry *entry;
	int r = 0, rr;

	if (a == NULL || disk == NULL)
		abort();
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, CP_BLOCK) != ARCHIVE_OK) {
		r = archive_error(err, a, "read the container's tar");
		goto out;
	}
	archive_write_disk_set_options(disk, flags);
	while (r == 0 && (rr = archive_read_next_header(a, &entry)) != ARCHIVE_EOF) {
		if (rr < ARCHIVE_WARN) {
			r = archive_error(err, a, "read the container's tar");
			break;
		}
		if (to != NULL) {
			const char *hl = archive_entry_hardlink(entry);

			rename_entry(entry, from, to);
			if (hl != NULL && strncmp(hl, from, strlen(from)) == 0) {
				cleanup_free char *renamed =
				    xasprintf("%s%s", to, hl + strlen(from));

				archive_entry_set_hardlink(entry, renamed);
			}
		}
		if (archive_write_header(disk, entry) < ARCHIVE_WARN) {
			r = archive_error(err, disk, archive_entry_pathname(entry));
			break;
		}
		if (archive_entry_size(entry) > 0)
			r = copy_data(a, disk, err);
		if (r == 0 && archive_write_finish_entry(disk) < ARCHIVE_WARN)
			r = archive_error(err, disk, archive_entry_pathname(entry));
	}
out:
	archive_read_free(a);
	archive_write_free(disk);
	return r;
}

static int
copy_out(struct podctl *ctl, const char *ref, const char *src, const char *dst)
{
	cleanup_close int fd = -1;
	cleanup_free char *from = NULL, *to = NULL, *dir = NULL;
	struct pd_err err = {0};
	struct stat st;

	if (strcmp(dst, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			pd_fail(&err, PD_E_INVALID,
				"cp to \"-\" writes a tar on stdout, a terminal: redirect it");
			return cmd_error(&err);
		}
		return copy_call(ctl, ref, PD_ACTION_COPY_OUT, STDOUT_FILENO, src, &err) < 0
			   ? cmd_error(&err)
			   : 0;
	}
	/* docker's rules: into DST when it is a directory, else as DST in
	 * its parent, which must exist. */
	from = base_of(src);
	if (strcmp(from, "/") == 0) {
		free(from);
		from = xstrdup(".");
	}
	if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir = xstrdup(dst);
	} else {
		dir = dir_of(dst);
		to = base_of(dst);
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			pd_fail(&err, PD_E_INVALID, "%s: no such directory", dir);
			return cmd_error(&err);
		}
	}
	fd = temp_file(&err);
	if (fd < 0 || copy_call(ctl, ref, PD_ACTION_COPY_OUT, fd, src, &err) < 0)
		return cmd_error(&err);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		pd_fail_errno(&err, errno, "the temporary tar");
		return cmd_error(&err);
	}
	/* podctl ends here: a change of directory harms nothing, and keeps
	 * every entry relative, as the secure extraction wants. */
	if (chdir(dir) < 0) {
		pd_fail_errno(&err, errno, "%s", dir);
		return cmd_error(&err);
	}
	if (extract_here(fd, from, to, &err) < 0)
		return cmd_error(&err);
	return 0;
}

/* ---- the commands --------------------------------------------------------- */

static const struct flag_spec cp_flags[] = {{.name = NULL}};

static const struct cmd_usage cp_usage = {
    .name = "cp",
    .operands = "CONTAINER:SRC DST|-  or  SRC|- CONTAINER:DST",
    .operand_what = NULL,
    .summary = "Copy files between a container (running or stopped) and the host, as\n"
	       "docker cp: into DST when it is a directory, else as DST. \"-\" is a tar\n"
	       "on stdout or stdin. A relative container path is from its working\n"
	       "directory.",
    .flags = cp_flags,
    .min_operands = 2,
    .max_operands = 2,
};

/* "CTR:PATH" into its parts (*ref and *path point into a copy, @buf);
 * false when @s is a host path (no ':' before any '/'). */
static bool
split_ref(const char *s, char **buf, const char **ref, const char **path)
{
	const char *colon = strchr(s, ':');

	if (colon == NULL || colon == s || memchr(s, '/', (size_t)(colon - s)) != NULL)
		return false;
	*buf = xstrdup(s);
	(*buf)[colon - s] = '\0';
	*ref = *buf;
	*path = *buf + (colon - s) + 1;
	return true;
}

int
cmd_cp(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *b0 = NULL, *b1 = NULL;
	const char *r0 = NULL, *p0 = NULL, *r1 = NULL, *p1 = NULL;
	struct pd_err err = {0};
	bool c0, c1;
	int rc;

	if (!cmd_parse(&cp_usage, argc, argv, &f, &rc))
		return rc;
	c0 = split_ref(f.args[0], &b0, &r0, &p0);
	c1 = split_ref(f.args[1], &b1, &r1, &p1);
	if (c0 == c1)
		return cmd_usage_error(&cp_usage, "%s",
				       c0 ? "copying between containers is not supported"
					  : "one of SRC and DST must be CONTAINER:PATH");
	if (ctr_check_ref(c0 ? r0 : r1, &err) < 0)
		return cmd_error(&err);
	if ((c0 ? p0 : p1)[0] == '\0')
		return cmd_usage_error(&cp_usage, "the container path is empty");
	return c0 ? copy_out(ctl, r0, p0, f.args[1]) : copy_in(ctl, f.args[0], r1, p1);
}

enum { E_OUTPUT };

static const struct flag_spec export_flags[] = {
    [E_OUTPUT] = {"output", NULL, 'o', FLAG_VALUE, "FILE", "write to FILE, not stdout"},
    {.name = NULL},
};

static const struct cmd_usage export_usage = {
    .name = "export",
    .operands = "CONTAINER",
    .operand_what = "container name",
    .summary = "Write a container's file system (running or stopped) as a tar.",
    .flags = export_flags,
    .min_operands = 1,
    .max_operands = 1,
};

int
cmd_export(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_close int fd = -1;
	struct pd_err err = {0};
	const char *out;
	int rc;

	if (!cmd_parse(&export_usage, argc, argv, &f, &rc))
		return rc;
	if (ctr_check_ref(f.args[0], &err) < 0)
		return cmd_error(&err);
	out = f.v[E_OUTPUT].value;
	if (out != NULL) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0) {
			pd_fail(&err, PD_E_INVALID, "%s: %s", out, strerror(errno));
			return cmd_error(&err);
		}
	} else if (isatty(STDOUT_FILENO)) {
		pd_fail(&err, PD_E_INVALID, "export writes a tar: use -o FILE or redirect stdout");
		return cmd_error(&err);
	}
	if (copy_call(ctl, f.args[0], PD_ACTION_EXPORT, fd >= 0 ? fd : STDOUT_FILENO, NULL, &err) <
	    0) {
		if (out != NULL)
			(void)unlink(out);
		return cmd_error(&err);
	}
	return 0;
}
