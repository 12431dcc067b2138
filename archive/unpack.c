/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive unpack --store ROOT --blob DIGEST [--diff-id DIGEST]
 *
 * One layer blob (gzip, zstd or plain tar) unpacked into
 * ROOT/layers/.unpack-<hex>-<random>, its uncompressed digest checked against
 * the diff_id, then renamed to ROOT/layers/<diff-id hex>. A failure removes
 * the .unpack- directory: a layer is there whole or not at all. A layer
 * already there is not unpacked again.
 * Prints {"diff_id":"sha256:..","size":N}, N the bytes of its regular files.
 */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podd_archive.h"
#include "cleanup.h"
#include "file.h"
#include "json.h"

/* The bytes of the regular files under @dirfd, for a layer already there. */
static int
tree_size(int fd, uint64_t *size, struct pd_err *err)
{
	cleanup_closedir DIR *dir = pd_dir_stream(fd, ".", "layer", err);
	struct dirent *de;

	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		struct stat st;

		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return pd_fail_errno(err, errno, "stat %s", de->d_name);
		if (S_ISREG(st.st_mode)) {
			*size += (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			cleanup_close int sub =
			    openat(dirfd(dir), de->d_name,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				return pd_fail_errno(err, errno, "open %s", de->d_name);
			if (tree_size(sub, size, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int
print_layer(const char *diff_id, uint64_t size, struct pd_err *err)
{
	cleanup_json json_t *j =
	    json_pack("{s:s, s:I}", "diff_id", diff_id, "size", (json_int_t)size);

	return print_json(j, err);
}

static int
existing_layer(struct store *st, const char *diff_id, struct pd_err *err)
{
	cleanup_close int fd = openat(st->layers, pd_digest_hex(diff_id),
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t size = 0;

	if (fd < 0)
		return pd_fail_errno(err, errno, "open layer %s", diff_id);
	if (tree_size(fd, &size, err) < 0)
		return pd_err_prefix(err, "layer %s", diff_id);
	return print_layer(diff_id, size, err);
}

/* Extract the blob into @dirfd; @got gets the uncompressed digest. */
static int
unpack_into(struct store *st, const char *blob, int into, char got[PD_DIGEST_MAX + 1],
	    uint64_t *size, struct pd_err *err)
{
	cleanup_close int fd = blob_open(st, blob, err);
	struct tar_in *t = NULL;
	int r;

	if (fd < 0)
		return -1;
	t = tar_in_open(fd, err);
	if (t == NULL)
		return -1;
	r = extract_archive(tar_in_archive(t), into, EXTRACT_LAYER, size, err);
	if (r == 0)
		r = tar_in_finish(t, got, err);
	tar_in_free(t);
	if (r == 0 && syncfs(into) < 0)
		r = pd_fail_errno(err, errno, "syncfs");
	return r;
}

static int
unpack(struct store *st, const char *blob, const char *want, struct pd_err *err)
{
	char tmp[128], got[PD_DIGEST_MAX + 1];
	unsigned char rnd[6];
	cleanup_close int layer = -1;
	uint64_t size = 0;

	if (want != NULL &&
	    faccessat(st->layers, pd_digest_hex(want), F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return existing_layer(st, want, err);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return pd_fail_errno(err, errno, "getrandom");
	(void)snprintf(tmp, sizeof(tmp), ".unpack-%.12s-%02x%02x%02x%02x%02x%02x",
		       pd_digest_hex(blob), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	if (mkdirat(st->layers, tmp, 0755) < 0)
		return pd_fail_errno(err, errno, "mkdir layers/%s", tmp);
	layer = openat(st->layers, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (layer < 0) {
		pd_fail_errno(err, errno, "open layers/%s", tmp);
		goto undo_dir;
	}
	if (unpack_into(st, blob, layer, got, &size, err) < 0)
		goto undo_dir;
	if (want != NULL && pd_digest_check(want, got, "uncompressed layer", err) < 0)
		goto undo_dir;
	if (renameat(st->layers, tmp, st->layers, pd_digest_hex(got)) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			pd_fail_errno(err, errno, "rename layers/%s", tmp);
			goto undo_dir;
		}
		/* Another unpack of the same layer won the race: keep its copy. */
		(void)pd_rm_rf_at(st->layers, tmp, err);
	} else if (fsync(st->layers) < 0) {
		return pd_fail_errno(err, errno, "fsync layers");
	}
	return print_layer(got, size, err);
undo_dir:
	close_reset(&layer);
	{
		struct pd_err ignored = {0};

		(void)pd_rm_rf_at(st->layers, tmp, &ignored);
	}
	return -1;
}

int
cmd_unpack(int argc, char **argv, struct pd_err *err)
{
	const char *root = NULL, *blob = NULL, *diff_id = NULL;
	const struct opt opts[] = {
	    {"store", &root, true},
	    {"blob", &blob, true},
	    {"diff-id", &diff_id, false},
	    {NULL, NULL, false},
	};
	struct store st;
	int r;

	if (opts_parse(argc, argv, opts, err) < 0)
		return -1;
	if (!pd_digest_valid(blob) || (diff_id != NULL && !pd_digest_valid(diff_id))) {
		usage_error = true;
		return pd_fail(err, PD_E_INVALID, "bad digest \"%.80s\" (want sha256:<64 hex>)",
			       pd_digest_valid(blob) ? diff_id : blob);
	}
	if (store_open(root, &st, err) < 0)
		return -1;
	r = unpack(&st, blob, diff_id, err);
	store_close(&st);
	return r;
}
