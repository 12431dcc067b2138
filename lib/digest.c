/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 digests over OpenSSL's EVP interface (EVP_DigestInit(3)); see
 * digest.h.
 */
#include "digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

struct pd_digest {
	EVP_MD_CTX *ctx;
	uint64_t size;
};

static void
digest_start(struct pd_digest *d)
{
	if (EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
		PD_UNREACHABLE("EVP_DigestInit_ex(sha256) failed");
	d->size = 0;
}

struct pd_digest *
pd_digest_new(void)
{
	struct pd_digest *d = xcalloc(1, sizeof(*d));

	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL) {
		(void)fprintf(stderr, "out of memory\n");
		abort();
	}
	digest_start(d);
	return d;
}

void
pd_digest_update(struct pd_digest *d, const void *buf, size_t len)
{
	if (len == 0)
		return;
	if (EVP_DigestUpdate(d->ctx, buf, len) != 1)
		PD_UNREACHABLE("EVP_DigestUpdate failed");
	d->size += len;
}

uint64_t
pd_digest_size(const struct pd_digest *d)
{
	return d->size;
}

void
pd_digest_final(struct pd_digest *d, char out[PD_DIGEST_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n * 2 != PD_DIGEST_HEX_LEN)
		PD_UNREACHABLE("EVP_DigestFinal_ex failed");
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[7 + 2 * i + 1] = hex[md[i] & 0xf];
	}
	out[PD_DIGEST_MAX] = '\0';
	digest_start(d);
}

void
pd_digest_free(struct pd_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}

void
pd_digest_buf(const void *buf, size_t len, char out[PD_DIGEST_MAX + 1])
{
	cleanup_digest struct pd_digest *d = pd_digest_new();

	pd_digest_update(d, buf, len);
	pd_digest_final(d, out);
}

int
pd_digest_fd(int fd, char out[PD_DIGEST_MAX + 1], uint64_t *size, struct pd_err *err)
{
	cleanup_digest struct pd_digest *d = pd_digest_new();
	char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd_fail_errno(err, errno, "read");
		if (n == 0)
			break;
		pd_digest_update(d, buf, (size_t)n);
	}
	if (size != NULL)
		*size = d->size;
	pd_digest_final(d, out);
	return 0;
}

const char *
pd_digest_hex(const char *digest)
{
	PD_ASSERT(strncmp(digest, "sha256:", 7) == 0);
	return digest + 7;
}

int
pd_digest_check(const char *want, const char *got, const char *what, struct pd_err *err)
{
	if (strcmp(want, got) == 0)
		return 0;
	return pd_fail(err, PD_E_INVALID, "%s: digest mismatch: expected %s, got %s", what, want,
		       got);
}
