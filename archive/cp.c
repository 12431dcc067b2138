/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's files as tar, both ways (podctl cp, podctl export):
 *
 *   podd-archive cp-out ROOTSPEC --path PATH   tar of PATH (entry named after
 *                                              its last component) to stdout
 *   podd-archive cp-in  ROOTSPEC --path DIR    tar from stdin into DIR
 *   podd-archive export ROOTSPEC               tar of the whole tree to stdout
 *   podd-archive stat   ROOTSPEC --path PATH   PATH's name, size, mode, mtime
 *                                              and link target, as JSON (what
 *                                              the Engine API's archive
 *                                              endpoints send in a header)
 *
 * ROOTSPEC is --root DIR (a running container's /proc/PID/root: its mounts
 * as it sees them) or --overlay LOWER[,LOWER...]:UPPER:WORK (a stopped
 * container: its overlay, lowers top first, mounted in a mount namespace of
 * this process's own, so it lives only as long as this process and there is
 * nothing to undo). PATH and DIR are resolved inside
 * the root with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) (Linux 5.6):
 * a symlink in the container resolves against the container's root, never
 * the host's; what cp-in writes is extracted as extract.c does, beneath DIR.
 * The walk of cp-out and export does not follow symlinks nor enter other
 * mounts (volumes, /proc) below its start.
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "podd_archive.h"

#define OVERLAY_LAYERS_MAX 500

/* The overlay LOWERS:UPPER:WORK, mounted in a mount namespace of this
 * process's own (unshare(CLONE_NEWNS), every mount private): no other
 * process sees it, and it goes with the process. The layers are named
 * /proc/self/fd/N of fds opened here, so the mount data stays short
 * whatever the paths (mount(2) takes a page; fsconfig, 256 bytes a value,
 * would not do for a few layers) and needs no escaping. */
static int
overlay_mount(const char *spec, struct pd_err *err)
{
	char paths[PATH_MAX * 4], data[4096];
	const char *c2 = strrchr(spec, ':'), *c1 = NULL;
	static const char *const points[] = {"/tmp", "/mnt", "/run", "/var"};
	const char *point = NULL;
	int fds[OVERLAY_LAYERS_MAX + 2], nfds = 0, mnt = -1;
	size_t n = 0;

	for (const char *p = spec; c2 != NULL && p < c2; p++)
		if (*p == ':')
			c1 = p;
	if (c1 == NULL || c1 == spec || c2 == c1 + 1 || c2[1] == '\0' ||
	    strlen(spec) >= sizeof(paths))
		return pd_fail(err, PD_E_INVALID,
			       "--overlay \"%.100s\": want LOWER[,LOWER...]:UPPER:WORK", spec);
	(void)snprintf(paths, sizeof(paths), "%s", spec);
	paths[c1 - spec] = ',';
	paths[c2 - spec] = ',';
	/* The layers are opened in the new namespace: overlay takes an upper dir
	 * only from a mount of the mounter's namespace. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return pd_fail_errno(err, errno, "a mount namespace for the overlay");
	/* Every dir, lowers then upper then work, as an fd. */
	for (char *save = NULL, *p = strtok_r(paths, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if (nfds == OVERLAY_LAYERS_MAX + 2) {
			pd_fail(err, PD_E_INVALID, "--overlay: more than %d layers",
				OVERLAY_LAYERS_MAX);
			goto out;
		}
		fds[nfds] = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fds[nfds] < 0) {
			pd_fail_errno(err, errno, "open %.200s", p);
			goto out;
		}
		nfds++;
	}
	if (nfds < 3) {
		pd_fail(err, PD_E_INVALID, "--overlay: no lower directory");
		goto out;
	}
	n = (size_t)snprintf(data, sizeof(data), "lowerdir=");
	for (int i = 0; i < nfds - 2 && n < sizeof(data); i++)
		n += (size_t)snprintf(data + n, sizeof(data) - n, "%s/proc/self/fd/%d",
				      i ? ":" : "", fds[i]);
	if (n < sizeof(data))
		n += (size_t)snprintf(data + n, sizeof(data) - n,
				      ",upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d",
				      fds[nfds - 2], fds[nfds - 1]);
	if (n >= sizeof(data)) {
		pd_fail(err, PD_E_INVALID, "--overlay: too many layers");
		goto out;
	}
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]) && point == NULL; i++)
		if (access(points[i], F_OK) == 0)
			point = points[i];
	if (point == NULL) {
		pd_fail(err, PD_E_SYSTEM, "no directory to mount the overlay on");
		goto out;
	}
	if (mount("overlay", point, "overlay", 0, data) < 0) {
		pd_fail_errno(err, errno, "mount the container's overlay");
		goto out;
	}
	/* It stays mounted there: only this process's namespace sees it, and it
	 * goes with the process. (Detached, it would answer every ".." that
	 * openat2 resolves at its root with EAGAIN.) */
	mnt = open(point, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mnt < 0)
		pd_fail_errno(err, errno, "open the overlay");
out:
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	return mnt;
}

/* The container's root, from --root or --overlay (exactly one). */
static int
open_root(const char *root, const char *overlay, struct pd_err *err)
{
	int fd;

	if ((root == NULL) == (overlay == NULL)) {
		usage_error = true;
		return pd_fail(err, PD_E_INVALID, "give one of --root and --overlay");
	}
	if (overlay != NULL)
		return overlay_mount(overlay, err);
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open root %s", root);
	return fd;
}

/* @path (a directory, or "" for the root) inside @root, as an O_PATH fd. */
static int
open_in_root(int root, const char *path, struct pd_err *err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = -1;

	/* openat2 answers EAGAIN when a rename or mount anywhere raced with a
	 * ".." it resolved in the root: it is to be tried again. */
	for (int i = 0; i < 64; i++) {
		fd = (int)syscall(SYS_openat2, root, path[0] ? path : "/", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}

	if (fd < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "\"%.200s\" not found in the container", path);
	if (fd < 0 && errno == ENOTDIR)
		return pd_fail(err, PD_E_INVALID, "\"%.200s\" is not a directory", path);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open \"%.200s\" in the container", path);
	return fd;
}

static int
cp_out(int root, const char *path, struct pd_err *err)
{
	char dir[PATH_MAX], leaf[NAME_MAX + 1] = "";
	cleanup_close int parent = -1;
	struct archive *w = NULL;
	size_t len = strlen(path);
	const char *slash;
	int r;

	/* Trailing slashes name the same thing. */
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= sizeof(dir))
		return pd_fail(err, PD_E_INVALID, "path too long");
	(void)snprintf(dir, sizeof(dir), "%.*s", (int)len, path);
	slash = strrchr(dir, '/');
	if (strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0 && dir[0] != '\0') {
		const char *base = slash ? slash + 1 : dir;

		if (strlen(base) > NAME_MAX || strcmp(base, "..") == 0)
			return pd_fail(err, PD_E_INVALID, "path \"%.200s\": bad last component",
				       path);
		(void)snprintf(leaf, sizeof(leaf), "%.*s", NAME_MAX, base);
		if (slash != NULL)
			dir[slash - dir + (slash == dir)] = '\0';
		else
			dir[0] = '\0';
	} else {
		dir[0] = '\0';
	}
	parent = open_in_root(root, dir, err);
	if (parent < 0)
		return -1;
	if (leaf[0] != '\0' && faccessat(parent, leaf, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? pd_fail(err, PD_E_NOT_FOUND,
						 "\"%.200s\" not found in the container", path)
				       : pd_fail_errno(err, errno, "\"%.200s\"", path);
	w = tar_writer_fd(STDOUT_FILENO, err);
	if (w == NULL)
		return -1;
	r = tar_write_tree(w, parent, leaf, leaf, err);
	if (r == 0)
		return tar_writer_close(w, err);
	archive_write_free(w);
	return -1;
}

static int
cp_in(int root, const char *path, struct pd_err *err)
{
	cleanup_close int dir = open_in_root(root, path, err);
	struct archive *a = NULL;
	cleanup_json json_t *out = NULL;
	uint64_t size = 0;
	int r;

	if (dir < 0)
		return -1;
	a = tar_reader_open(STDIN_FILENO, "read the archive", err);
	if (a == NULL)
		return -1;
	r = extract_archive(a, dir, EXTRACT_COPY, &size, err);
	archive_read_free(a);
	if (r < 0)
		return -1;
	out = json_pack("{s:I}", "size", (json_int_t)size);
	return print_json(out, err);
}

/* Go's os.FileMode (what docker's clients read) of a stat's st_mode: the
 * permission bits, then a bit per special mode and per file type. */
static unsigned long long
go_file_mode(mode_t m)
{
	unsigned long long g = m & 0777;

	if (m & S_ISUID)
		g |= 1ULL << 23;
	if (m & S_ISGID)
		g |= 1ULL << 22;
	if (m & S_ISVTX)
		g |= 1ULL << 20;
	switch (m & S_IFMT) {
	case S_IFDIR:
		g |= 1ULL << 31;
		break;
	case S_IFLNK:
		g |= 1ULL << 27;
		break;
	case S_IFIFO:
		g |= 1ULL << 25;
		break;
	case S_IFSOCK:
		g |= 1ULL << 24;
		break;
	case S_IFCHR:
		g |= (1ULL << 26) | (1ULL << 21);
		break;
	case S_IFBLK:
		g |= 1ULL << 26;
		break;
	default:
		break;
	}
	return g;
}

/* @path's stat, not following a last symlink, as JSON on stdout. */
static int
stat_path(int root, const char *path, struct pd_err *err)
{
	char dir[PATH_MAX], target[PATH_MAX] = "", when[64];
	const char *slash, *leaf;
	cleanup_close int parent = -1;
	cleanup_json json_t *out = NULL;
	size_t len = strlen(path);
	struct stat st;
	struct tm tm;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= sizeof(dir))
		return pd_fail(err, PD_E_INVALID, "path too long");
	(void)snprintf(dir, sizeof(dir), "%.*s", (int)len, path);
	slash = strrchr(dir, '/');
	leaf = slash != NULL ? slash + 1 : dir;
	if (strcmp(dir, "/") == 0 || leaf[0] == '\0' || strcmp(leaf, ".") == 0) {
		parent = open_in_root(root, dir, err);
		leaf = "";
	} else {
		char up[PATH_MAX];

		(void)snprintf(up, sizeof(up), "%.*s", slash != NULL ? (int)(slash - dir) : 0, dir);
		if (slash == dir)
			(void)snprintf(up, sizeof(up), "/");
		parent = open_in_root(root, up, err);
	}
	if (parent < 0)
		return -1;
	if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0)
		return errno == ENOENT ? pd_fail(err, PD_E_NOT_FOUND,
						 "\"%.200s\" not found in the container", path)
				       : pd_fail_errno(err, errno, "\"%.200s\"", path);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(parent, leaf, target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
	}
	gmtime_r(&st.st_mtim.tv_sec, &tm);
	(void)snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
		       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		       tm.tm_sec, st.st_mtim.tv_nsec);
	out = json_pack("{s:s, s:I, s:I, s:s, s:s}", "name", leaf[0] ? leaf : "/", "size",
			(json_int_t)st.st_size, "mode", (json_int_t)go_file_mode(st.st_mode),
			"mtime", when, "linkTarget", target);
	return print_json(out, err);
}

static int export(int root, struct pd_err *err)
{
	struct archive *w = tar_writer_fd(STDOUT_FILENO, err);

	if (w == NULL)
		return -1;
	if (tar_write_tree(w, root, "", "", err) == 0)
		return tar_writer_close(w, err);
	archive_write_free(w);
	return -1;
}

enum cp_cmd { CP_OUT, CP_IN, CP_EXPORT, CP_STAT };

static int
cp_main(enum cp_cmd cmd, int argc, char **argv, struct pd_err *err)
{
	const char *root = NULL, *overlay = NULL, *path = NULL;
	const struct opt opts[] = {
	    {"root", &root, false},
	    {"overlay", &overlay, false},
	    {"path", &path, cmd != CP_EXPORT},
	    {NULL, NULL, false},
	};
	cleanup_close int rootfd = -1;

	if (opts_parse(argc, argv, opts, err) < 0)
		return -1;
	if (cmd == CP_EXPORT && path != NULL) {
		usage_error = true;
		return pd_fail(err, PD_E_INVALID, "export takes no --path");
	}
	rootfd = open_root(root, overlay, err);
	if (rootfd < 0)
		return -1;
	switch (cmd) {
	case CP_OUT:
		return cp_out(rootfd, path, err);
	case CP_IN:
		return cp_in(rootfd, path, err);
	case CP_EXPORT:
		return export(rootfd, err);
	case CP_STAT:
		return stat_path(rootfd, path, err);
	}
	PD_UNREACHABLE("cp command");
}

int
cmd_cp_out(int argc, char **argv, struct pd_err *err)
{
	return cp_main(CP_OUT, argc, argv, err);
}

int
cmd_cp_in(int argc, char **argv, struct pd_err *err)
{
	return cp_main(CP_IN, argc, argv, err);
}

int
cmd_export(int argc, char **argv, struct pd_err *err)
{
	return cp_main(CP_EXPORT, argc, argv, err);
}

int
cmd_stat(int argc, char **argv, struct pd_err *err)
{
	return cp_main(CP_STAT, argc, argv, err);
}
