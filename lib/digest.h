/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content digests as the OCI image spec writes them: "sha256:<64 lowercase
 * hex>". Streaming SHA-256 over OpenSSL's EVP interface, so that a blob is
 * hashed while it is written or read and never held whole.
 *
 * The one lib/ module that needs libcrypto: libpodd.a carries it, but only a
 * program that calls pd_digest_* pulls it from the archive, and such a
 * program links $(CRYPTO_LIBS) (-lcrypto). The others stay libc + jansson.
 * Out of memory aborts, as xmalloc does; nothing else here can fail but the
 * reads of pd_digest_fd.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "imgref.h" /* PD_DIGEST_MAX, PD_DIGEST_HEX_LEN, pd_digest_valid */

/* A digest being computed. Owned by its creator: pd_digest_free. */
struct pd_digest;

/* A new SHA-256 computation (aborts on OOM). */
struct pd_digest *pd_digest_new(void);
/* Feed @len bytes. */
void pd_digest_update(struct pd_digest *d, const void *buf, size_t len);
/* The bytes fed so far. */
uint64_t pd_digest_size(const struct pd_digest *d);
/* Write "sha256:<hex>" of everything fed into @out (PD_DIGEST_MAX + 1 bytes).
 * @d may be fed again afterwards: it starts over from empty. */
void pd_digest_final(struct pd_digest *d, char out[PD_DIGEST_MAX + 1]);
/* Free @d; NULL is fine. */
void pd_digest_free(struct pd_digest *d);

static inline void
pd_cleanup_digest(struct pd_digest **d)
{
	pd_digest_free(*d);
}
#define cleanup_digest __attribute__((cleanup(pd_cleanup_digest)))

/* The digest of @len bytes at @buf into @out. */
void pd_digest_buf(const void *buf, size_t len, char out[PD_DIGEST_MAX + 1]);

/* The digest of everything read from @fd until EOF into @out, and its size in
 * @size (may be NULL). Returns 0 or -1 (a read failed). */
int pd_digest_fd(int fd, char out[PD_DIGEST_MAX + 1], uint64_t *size, struct pd_err *err);

/* The hex part of a valid digest ("sha256:HEX" -> "HEX"): a pointer into @digest. */
const char *pd_digest_hex(const char *digest);

/* 0 when @got equals @want, else PD_E_INVALID "@what: digest mismatch:
 * expected WANT, got GOT" and -1. */
int pd_digest_check(const char *want, const char *got, const char *what, struct pd_err *err);
