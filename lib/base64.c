/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 both ways; see base64.h.
 */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
pd_base64_encode(const void *in, size_t len, bool url_safe)
{
	const unsigned char *p = in;
	const char *abc = url_safe ? URL : STD;
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0, i;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);

		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		if (i + 1 < len)
			out[o++] = abc[v >> 6 & 63];
		if (!url_safe) {
			if (i + 1 >= len)
				out[o++] = '=';
			out[o++] = '=';
		}
	}
	out[o] = '\0';
	return out;
}

static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *
pd_base64_decode(const char *in, size_t *out_len, struct pd_err *err)
{
	size_t len = strlen(in), o = 0;
	unsigned acc = 0;
	int bits = 0;
	char *out;

	while (len > 0 && in[len - 1] == '=')
		len--;
	if (strlen(in) - len > 2 || len % 4 == 1) {
		pd_fail(err, PD_E_INVALID, "malformed base64: bad length");
		return NULL;
	}
	out = xmalloc(len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		int v = sextet(in[i]);

		if (v < 0) {
			free(out);
			pd_fail(err, PD_E_INVALID, "malformed base64: character %zu", i);
			return NULL;
		}
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}
