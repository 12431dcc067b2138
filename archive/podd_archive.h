/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive: the one program of podd that reads and writes tar archives
 * (libarchive) and the store's blobs and layers. podd runs it as a task per
 * job; every subcommand prints one line of JSON on stdout when it succeeds,
 * or one line on stderr and exits 1 (2 for a usage error). See main.c for the
 * subcommands and contract.md (issue 11) for the store's layout:
 *
 *   ROOT/blobs/sha256/<hex>   content-addressed blobs (written to blobs/tmp,
 *                             renamed into place once the digest matched)
 *   ROOT/layers/<diffid-hex>  one unpacked layer, overlay-ready
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "digest.h"
#include "err.h"

struct archive;

/* ---- store.c: the store's directories ------------------------------------ */
struct store {
	int root;   /* ROOT */
	int blobs;  /* ROOT/blobs/sha256 */
	int tmp;    /* ROOT/blobs/tmp */
	int layers; /* ROOT/layers */
};

/* Open (creating what is missing) the store at @path. */
int store_open(const char *path, struct store *st, struct pd_err *err);
void store_close(struct store *st);

/* ---- blobs.c: content-addressed blobs ------------------------------------ */
/* A blob being written to blobs/tmp while it is hashed. */
struct blob_writer {
	struct store *st; /* borrowed */
	int fd;
	char tmpname[64];
	struct pd_digest *digest;
};

int blob_begin(struct store *st, struct blob_writer *w, struct pd_err *err);
int blob_write(struct blob_writer *w, const void *buf, size_t len, struct pd_err *err);
/* fsync, check the digest against @want (NULL: any), rename into
 * blobs/sha256. @out gets the digest; @created whether the blob is new (it was
 * not already in the store). The writer is finished either way. */
int blob_commit(struct blob_writer *w, const char *want, char out[PD_DIGEST_MAX + 1], bool *created,
		struct pd_err *err);
/* Drop a writer that was begun and not committed (idempotent). */
void blob_abort(struct blob_writer *w);

/* Store @len bytes as a blob. */
int blob_put(struct store *st, const void *buf, size_t len, char out[PD_DIGEST_MAX + 1],
	     bool *created, struct pd_err *err);
bool blob_have(struct store *st, const char *digest);
/* Open a blob for reading (O_RDONLY); PD_E_NOT_FOUND when absent. */
int blob_open(struct store *st, const char *digest, struct pd_err *err);
/* Read a blob of at most @max bytes into a new NUL-terminated buffer and
 * check its digest. */
int blob_read(struct store *st, const char *digest, size_t max, char **out, size_t *len,
	      struct pd_err *err);
/* A blob's JSON, read as blob_read does. */
json_t *blob_read_json(struct store *st, const char *digest, struct pd_err *err);
void blob_remove(struct store *st, const char *digest);

/* The set of blobs one job created, so that a failure removes them. */
struct blob_set {
	char (*digests)[PD_DIGEST_MAX + 1];
	size_t n, cap;
};
void blob_set_add(struct blob_set *s, const char *digest);
bool blob_set_has(const struct blob_set *s, const char *digest);
void blob_set_free(struct blob_set *s);

/* ---- extract.c: safe extraction ------------------------------------------ */
enum extract_mode {
	EXTRACT_LAYER, /* into a layer dir: whiteouts become overlay's, no symlink followed */
	EXTRACT_COPY,  /* podctl cp into a container's directory: whiteouts are files */
};

/* Extract every entry of @a (a tar being read) under the directory @dirfd.
 * Never writes outside it: entries with an absolute path or a ".." are
 * refused, parents are opened with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), hard links must point inside. Owners, modes
 * (setuid too), xattrs (but trusted.overlay.*), mtimes, devices and fifos
 * are kept. @size (may be NULL) gets the bytes of regular files written. */
int extract_archive(struct archive *a, int dirfd, enum extract_mode mode, uint64_t *size,
		    struct pd_err *err);

/* Normalise an entry's path @raw into @out: components joined by '/',
 * without "" and "."; "" is the directory itself. An absolute path or a ".."
 * is PD_E_INVALID. */
int entry_path_clean(const char *raw, char *out, size_t len, struct pd_err *err);

/* ---- decomp.c: the uncompressed stream of a tar, hashed -------------------- */
/* A plain tar reader of @fd (any compression libarchive knows), or NULL with
 * @err saying it could not @what ("read the archive"). */
struct archive *tar_reader_open(int fd, const char *what, struct pd_err *err);
/* A reader of a tar in @fd (gzip, zstd or none) whose uncompressed bytes are
 * hashed as the tar reader takes them (a layer's diff_id). */
struct tar_in;
struct tar_in *tar_in_open(int fd, struct pd_err *err);
/* The tar reader (borrowed). */
struct archive *tar_in_archive(struct tar_in *t);
/* Read to the end of the stream and give the digest of all of it. */
int tar_in_finish(struct tar_in *t, char out[PD_DIGEST_MAX + 1], struct pd_err *err);
void tar_in_free(struct tar_in *t);

/* ---- tarwrite.c: writing tars ------------------------------------------- */
/* A tar writer (pax, restricted) onto @fd, or into a blob being written. */
struct archive *tar_writer_fd(int fd, struct pd_err *err);
struct archive *tar_writer_blob(struct blob_writer *bw, struct pd_err *err);
/* Finish and free @w. */
int tar_writer_close(struct archive *w, struct pd_err *err);
/* Write @name under @dirfd ("" for @dirfd itself) and the tree below it, as
 * entry @entry (its children "@entry/x"); @entry "" writes only the
 * children, as "x". No symlink is followed, no other mount entered. */
int tar_write_tree(struct archive *w, int dirfd, const char *name, const char *entry,
		   struct pd_err *err);

/* A reader of the uncompressed bytes of @fd (gzip, zstd or none), positioned
 * on its one entry: read with archive_read_data. */
struct archive *raw_reader_open(int fd, struct pd_err *err);

/* A libarchive failure as a pd_err. */
int archive_fail(struct pd_err *err, struct archive *a, const char *what);

/* ---- the subcommands ------------------------------------------------------ */
int cmd_unpack(int argc, char **argv, struct pd_err *err);
int cmd_import(int argc, char **argv, struct pd_err *err);
int cmd_load(int argc, char **argv, struct pd_err *err);
int cmd_save(int argc, char **argv, struct pd_err *err);
int cmd_cp_out(int argc, char **argv, struct pd_err *err);
int cmd_cp_in(int argc, char **argv, struct pd_err *err);
int cmd_export(int argc, char **argv, struct pd_err *err);
int cmd_stat(int argc, char **argv, struct pd_err *err);
int cmd_du(int argc, char **argv, struct pd_err *err);

/* Print @j as one line on stdout. */
int print_json(const json_t *j, struct pd_err *err);
/* A note for the log (a skipped name...), one line on stderr. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Options "--name VALUE" of a subcommand: @opts ends with a NULL name; each
 * given value is stored (borrowed from argv) and a missing @required one, an
 * unknown option or a stray argument is a usage error (exit 2). */
struct opt {
	const char *name; /* without the leading "--" */
	const char **value;
	bool required;
};
int opts_parse(int argc, char **argv, const struct opt *opts, struct pd_err *err);
/* Set by opts_parse on a usage error, so that main exits 2. */
extern bool usage_error;
