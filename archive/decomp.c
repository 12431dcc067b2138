/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tar read through two libarchive readers: the first ("raw" format, every
 * filter) turns the gzip, zstd or plain stream into the uncompressed bytes,
 * which are hashed as the second (tar format) takes them. So a layer is
 * unpacked and its diff_id (the digest of the uncompressed tar) checked in
 * one pass, never held whole, and no tar is parsed but by libarchive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>

#include "podd_archive.h"
#include "xalloc.h"

#define TAR_IN_BLOCK (128u << 10)

struct tar_in {
	struct archive *raw;
	struct archive *tar;
	struct pd_digest *digest;
	bool eof;
};

int
archive_fail(struct pd_err *err, struct archive *a, const char *what)
{
	const char *msg = archive_error_string(a);
	int errnum = archive_errno(a);

	if (msg == NULL)
		msg = "unknown error";
	/* libarchive's own errors (bad format, truncated) are the input's fault;
	 * these are the system's. */
	if (errnum == EIO || errnum == ENOSPC || errnum == EDQUOT || errnum == EPIPE ||
	    errnum == EBADF)
		return pd_fail(err, PD_E_SYSTEM, "%s: %s", what, msg);
	return pd_fail(err, PD_E_INVALID, "%s: %s", what, msg);
}

static la_ssize_t
tar_in_read(struct archive *a, void *arg, const void **buf)
{
	struct tar_in *t = arg;
	size_t len = 0;
	la_int64_t off = 0;
	int r;

	if (t->eof)
		return 0;
	r = archive_read_data_block(t->raw, buf, &len, &off);
	if (r == ARCHIVE_EOF) {
		t->eof = true;
		return 0;
	}
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(t->raw), "%s", archive_error_string(t->raw));
		return -1;
	}
	pd_digest_update(t->digest, *buf, len);
	return (la_ssize_t)len;
}

struct archive *
tar_reader_open(int fd, const char *what, struct pd_err *err)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		abort();
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, TAR_IN_BLOCK) != ARCHIVE_OK) {
		archive_fail(err, a, what);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

struct archive *
raw_reader_open(int fd, struct pd_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e = NULL;

	if (a == NULL)
		abort();
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, TAR_IN_BLOCK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		archive_fail(err, a, "read the layer");
		archive_read_free(a);
		return NULL;
	}
	return a;
}

struct tar_in *
tar_in_open(int fd, struct pd_err *err)
{
	struct tar_in *t = xcalloc(1, sizeof(*t));
	struct archive_entry *e = NULL;

	t->digest = pd_digest_new();
	t->raw = archive_read_new();
	t->tar = archive_read_new();
	if (t->raw == NULL || t->tar == NULL)
		abort();
	if (archive_read_support_filter_all(t->raw) != ARCHIVE_OK ||
	    archive_read_support_format_raw(t->raw) != ARCHIVE_OK ||
	    archive_read_support_format_tar(t->tar) != ARCHIVE_OK) {
		archive_fail(err, t->raw, "set up the reader");
		goto fail;
	}
	if (archive_read_open_fd(t->raw, fd, TAR_IN_BLOCK) != ARCHIVE_OK ||
	    archive_read_next_header(t->raw, &e) != ARCHIVE_OK) {
		archive_fail(err, t->raw, "read the layer");
		goto fail;
	}
	if (archive_read_open(t->tar, t, NULL, tar_in_read, NULL) != ARCHIVE_OK) {
		archive_fail(err, t->tar, "read the layer");
		goto fail;
	}
	return t;
fail:
	tar_in_free(t);
	return NULL;
}

struct archive *
tar_in_archive(struct tar_in *t)
{
	return t->tar;
}

int
tar_in_finish(struct tar_in *t, char out[PD_DIGEST_MAX + 1], struct pd_err *err)
{
	const void *buf;

	/* What the tar reader left (the zero blocks after the end) counts too. */
	while (!t->eof) {
		la_ssize_t n = tar_in_read(t->tar, t, &buf);

		if (n < 0)
			return archive_fail(err, t->raw, "read the layer");
	}
	pd_digest_final(t->digest, out);
	return 0;
}

void
tar_in_free(struct tar_in *t)
{
	if (t == NULL)
		return;
	if (t->tar != NULL)
		archive_read_free(t->tar);
	if (t->raw != NULL)
		archive_read_free(t->raw);
	pd_digest_free(t->digest);
	free(t);
}
