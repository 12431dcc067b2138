/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive du DIR...: the apparent size of each tree, as docker's
 * system df counts it: st_size summed over regular files and symlinks,
 * a hard-linked file once per tree (by device and inode), without crossing
 * mounts. A missing DIR is 0 (a container that never started has no upper
 * dir). Prints {"sizes":[BYTES...]} in the order of the operands.
 */
#include <errno.h>
#include <ftw.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "podd_archive.h"
#include "cleanup.h"
#include "json.h"

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* nftw has no argument for its callback: one walk at a time. */
static void *seen;      /* tsearch tree of struct file_id, this tree's */
static long long total; /* bytes of this tree */
static int walk_errno;

static int
cmp_id(const void *a, const void *b)
{
	const struct file_id *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct file_id *id;
	void *node;

	(void)path;
	(void)ftw;
	if (type != FTW_F && type != FTW_SL && type != FTW_SLN)
		return 0;
	if (!S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode))
		return 0;
	if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
		id = malloc(sizeof(*id));
		if (id == NULL) {
			walk_errno = ENOMEM;
			return 1;
		}
		id->dev = st->st_dev;
		id->ino = st->st_ino;
		node = tsearch(id, &seen, cmp_id);
		if (node == NULL) {
			free(id);
			walk_errno = ENOMEM;
			return 1;
		}
		if (*(struct file_id **)node != id) {
			free(id); /* counted already */
			return 0;
		}
	}
	total += st->st_size;
	return 0;
}

static int
tree_size(const char *dir, long long *size, struct pd_err *err)
{
	struct stat st;
	int rc;

	*size = 0;
	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return pd_fail_errno(err, errno, "stat %s", dir);
	}
	total = 0;
	walk_errno = 0;
	rc = nftw(dir, visit, 32, FTW_PHYS | FTW_MOUNT);
	tdestroy(seen, free);
	seen = NULL;
	if (rc != 0)
		return pd_fail_errno(err, walk_errno != 0 ? walk_errno : errno, "walk %s", dir);
	*size = total;
	return 0;
}

int
cmd_du(int argc, char **argv, struct pd_err *err)
{
	cleanup_json json_t *sizes = json_array();
	cleanup_json json_t *j = NULL;

	for (int i = 1; i < argc; i++) {
		long long size;

		if (argv[i][0] != '/') {
			usage_error = true;
			return pd_fail(err, PD_E_INVALID, "\"%.80s\" is not an absolute path",
				       argv[i]);
		}
		if (tree_size(argv[i], &size, err) < 0)
			return -1;
		json_array_append_new(sizes, json_integer(size));
	}
	j = json_pack("{s:O}", "sizes", sizes);
	return print_json(j, err);
}
