/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's directories and its content-addressed blobs. A blob is written
 * to blobs/tmp while it is hashed, fsynced, and renamed to blobs/sha256/<hex>
 * only when its digest is the one expected: a reader never sees a partial or
 * wrong blob under its digest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podd_archive.h"
#include "cleanup.h"
#include "fd.h"
#include "file.h"
#include "json.h"
#include "xalloc.h"

#define BLOB_JSON_MAX (8u << 20) /* manifests, indexes and configs */

static int
open_sub(int dirfd, const char *name, struct pd_err *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", name);
	return fd;
}

int
store_open(const char *path, struct store *st, struct pd_err *err)
{
	cleanup_close int root = -1, blobs = -1;

	*st = (struct store){.root = -1, .blobs = -1, .tmp = -1, .layers = -1};
	if (pd_mkdir_p(path, 0700, err) < 0)
		return pd_err_prefix(err, "store %s", path);
	root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return pd_fail_errno(err, errno, "open store %s", path);
	blobs = open_sub(root, "blobs", err);
	if (blobs < 0)
		return pd_err_prefix(err, "store %s", path);
	st->blobs = open_sub(blobs, "sha256", err);
	st->tmp = open_sub(blobs, "tmp", err);
	st->layers = open_sub(root, "layers", err);
	st->root = steal_fd(root);
	if (st->blobs < 0 || st->tmp < 0 || st->layers < 0) {
		store_close(st);
		return pd_err_prefix(err, "store %s", path);
	}
	return 0;
}

void
store_close(struct store *st)
{
	close_reset(&st->root);
	close_reset(&st->blobs);
	close_reset(&st->tmp);
	close_reset(&st->layers);
}

int
blob_begin(struct store *st, struct blob_writer *w, struct pd_err *err)
{
	unsigned char rnd[8];

	*w = (struct blob_writer){.st = st, .fd = -1};
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return pd_fail_errno(err, errno, "getrandom");
	(void)snprintf(w->tmpname, sizeof(w->tmpname), "blob-%d-%02x%02x%02x%02x%02x%02x%02x%02x",
		       (int)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
		       rnd[7]);
	w->fd =
	    openat(st->tmp, w->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return pd_fail_errno(err, errno, "create blobs/tmp/%s", w->tmpname);
	w->digest = pd_digest_new();
	return 0;
}

int
blob_write(struct blob_writer *w, const void *buf, size_t len, struct pd_err *err)
{
	pd_digest_update(w->digest, buf, len);
	if (pd_fd_write_all(w->fd, buf, len, err) < 0)
		return pd_err_prefix(err, "write blob");
	return 0;
}

void
blob_abort(struct blob_writer *w)
{
	if (w->fd >= 0) {
		close_reset(&w->fd);
		(void)unlinkat(w->st->tmp, w->tmpname, 0);
	}
	pd_digest_free(w->digest);
	w->digest = NULL;
}

int
blob_commit(struct blob_writer *w, const char *want, char out[PD_DIGEST_MAX + 1], bool *created,
	    struct pd_err *err)
{
	char got[PD_DIGEST_MAX + 1];
	const char *hex;

	pd_digest_final(w->digest, got);
	if (want != NULL && pd_digest_check(want, got, "blob", err) < 0)
		goto fail;
	if (fsync(w->fd) < 0) {
		pd_fail_errno(err, errno, "fsync blob %s", got);
		goto fail;
	}
	hex = pd_digest_hex(got);
	*created = faccessat(w->st->blobs, hex, F_OK, AT_SYMLINK_NOFOLLOW) < 0;
	if (renameat(w->st->tmp, w->tmpname, w->st->blobs, hex) < 0) {
		pd_fail_errno(err, errno, "store blob %s", got);
		goto fail;
	}
	close_reset(&w->fd);
	pd_digest_free(w->digest);
	w->digest = NULL;
	if (*created && fsync(w->st->blobs) < 0)
		return pd_fail_errno(err, errno, "fsync blobs/sha256");
	memcpy(out, got, sizeof(got));
	return 0;
fail:
	blob_abort(w);
	return -1;
}

int
blob_put(struct store *st, const void *buf, size_t len, char out[PD_DIGEST_MAX + 1], bool *created,
	 struct pd_err *err)
{
	struct blob_writer w;

	if (blob_begin(st, &w, err) < 0)
		return -1;
	if (blob_write(&w, buf, len, err) < 0) {
		blob_abort(&w);
		return -1;
	}
	return blob_commit(&w, NULL, out, created, err);
}

bool
blob_have(struct store *st, const char *digest)
{
	return faccessat(st->blobs, pd_digest_hex(digest), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
blob_open(struct store *st, const char *digest, struct pd_err *err)
{
	int fd = openat(st->blobs, pd_digest_hex(digest), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "blob %s not in the store", digest);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open blob %s", digest);
	return fd;
}

int
blob_read(struct store *st, const char *digest, size_t max, char **out, size_t *len,
	  struct pd_err *err)
{
	cleanup_close int fd = blob_open(st, digest, err);
	cleanup_free char *buf = NULL;
	char got[PD_DIGEST_MAX + 1];

	if (fd < 0)
		return -1;
	if (pd_fd_read_all(fd, max, &buf, len, err) < 0)
		return pd_err_prefix(err, "read blob %s", digest);
	pd_digest_buf(buf, *len, got);
	if (pd_digest_check(digest, got, "stored blob", err) < 0)
		return -1;
	*out = steal_ptr(buf);
	return 0;
}

json_t *
blob_read_json(struct store *st, const char *digest, struct pd_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	json_t *j;

	if (blob_read(st, digest, BLOB_JSON_MAX, &buf, &len, err) < 0)
		return NULL;
	j = pd_json_load(buf, len, BLOB_JSON_MAX, err);
	if (j == NULL)
		pd_err_prefix(err, "blob %s", digest);
	return j;
}

void
blob_remove(struct store *st, const char *digest)
{
	(void)unlinkat(st->blobs, pd_digest_hex(digest), 0);
}

void
blob_set_add(struct blob_set *s, const char *digest)
{
	if (blob_set_has(s, digest))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->digests = xrealloc(s->digests, s->cap * sizeof(*s->digests));
	}
	(void)snprintf(s->digests[s->n++], sizeof(s->digests[0]), "%s", digest);
}

bool
blob_set_has(const struct blob_set *s, const char *digest)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->digests[i], digest) == 0)
			return true;
	return false;
}

void
blob_set_free(struct blob_set *s)
{
	free(s->digests);
	*s = (struct blob_set){0};
}
