/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Detach keys; see detachkeys.h. The matcher keeps only a count: the bytes
 * it holds back are always the first @matched bytes of the sequence, so a
 * failed match is given back from the sequence itself.
 */
#include "detachkeys.h"

#include <string.h>
#include <strings.h>

/* The control code of "ctrl-X" (the terminal's: X's low five bits), or -1. */
static int
ctrl_code(char x)
{
	if (x >= 'A' && x <= 'Z')
		x = (char)(x - 'A' + 'a');
	if ((x >= 'a' && x <= 'z') || strchr("@[\\]^_", x) != NULL)
		return x & 0x1f;
	return -1;
}

int
detachkeys_parse(const char *spec, struct detachkeys *dk, struct pd_err *err)
{
	static const char ctrl[] = "ctrl-";
	const char *p = spec;

	memset(dk, 0, sizeof(*dk));
	if (spec[0] == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		int code = -1;

		if (n == 1 && (unsigned char)p[0] >= 0x20 && (unsigned char)p[0] < 0x7f)
			code = (unsigned char)p[0];
		else if (n == sizeof(ctrl) && strncasecmp(p, ctrl, sizeof(ctrl) - 1) == 0)
			code = ctrl_code(p[n - 1]);
		if (code < 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "detach keys \"%.64s\": \"%.*s\" is not ctrl-X (X one of a-z "
			    "@ [ \\ ] ^ _) or one printable character",
			    spec, (int)(n > 16 ? 16 : n), p);
		if (dk->len == DETACHKEYS_MAX)
			return pd_fail(err, PD_E_INVALID,
				       "detach keys \"%.64s\": more than %d keys", spec,
				       DETACHKEYS_MAX);
		dk->seq[dk->len++] = (unsigned char)code;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* The longest k <= @matched such that the sequence's first @matched bytes
 * and then @b end with the sequence's first k bytes: what of a failed
 * match can still start the sequence. */
static size_t
fallback(const struct detachkeys *dk, unsigned char b)
{
	size_t m = dk->matched + 1;

	for (size_t k = dk->matched; k > 0; k--)
		if (dk->seq[k - 1] == b && memcmp(dk->seq + (m - k), dk->seq, k - 1) == 0)
			return k;
	return 0;
}

size_t
detachkeys_feed(struct detachkeys *dk, const unsigned char *in, size_t len, unsigned char *out,
		bool *detached)
{
	size_t n = 0;

	if (dk->len == 0) {
		memcpy(out, in, len);
		return len;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char b = in[i];
		size_t k;

		if (dk->seq[dk->matched] == b) {
			if (++dk->matched == dk->len) {
				dk->matched = 0;
				*detached = true;
				return n;
			}
			continue;
		}
		/* The held bytes and b are not the sequence: give back what
		 * cannot start it again, keep the rest held. */
		k = fallback(dk, b);
		if (k == 0) {
			memcpy(out + n, dk->seq, dk->matched);
			n += dk->matched;
			out[n++] = b;
		} else {
			memcpy(out + n, dk->seq, dk->matched + 1 - k);
			n += dk->matched + 1 - k;
		}
		dk->matched = k;
	}
	return n;
}

size_t
detachkeys_flush(struct detachkeys *dk, unsigned char *out)
{
	size_t n = dk->matched;

	memcpy(out, dk->seq, n);
	dk->matched = 0;
	return n;
}
