/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detach keys of an attach session (docker's --detach-keys): parsing
 * "ctrl-p,ctrl-q" into bytes, and finding that sequence in what the user
 * types. Typed bytes that could start the sequence are held back until the
 * next byte says whether it goes on; a sequence that fails is given back
 * whole, so nothing typed is lost or reordered, and the sequence itself
 * never reaches the process. Pure: bytes in, bytes out, no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* The most keys in a sequence. */
#define DETACHKEYS_MAX 16
/* docker's default: Ctrl-P then Ctrl-Q. */
#define DETACHKEYS_DEFAULT "ctrl-p,ctrl-q"

struct detachkeys {
	unsigned char seq[DETACHKEYS_MAX];
	size_t len;     /* 0: detaching is off */
	size_t matched; /* the first @matched bytes of seq were typed last, held back */
};

/* Parse @spec into @dk (its match state reset): a comma-separated list of
 * keys, each "ctrl-X" with X one of a-z @ [ \ ] ^ _ (any case), or one
 * printable character. "" turns detaching off (podman's meaning). Errors,
 * PD_E_INVALID: an empty key, an unknown one, more than DETACHKEYS_MAX.
 * Returns 0 or -1. */
int detachkeys_parse(const char *spec, struct detachkeys *dk, struct pd_err *err);

/* Pass @len typed bytes of @in through the matcher: what is to be sent goes
 * to @out, which has room for @len + DETACHKEYS_MAX bytes. When the whole
 * sequence has been typed, *detached is set true and the bytes after it in
 * @in are dropped (the session ends); otherwise *detached is left as it
 * is. Returns the number of bytes put in @out. */
size_t detachkeys_feed(struct detachkeys *dk, const unsigned char *in, size_t len,
		       unsigned char *out, bool *detached);

/* Give back the bytes held by a partial match (the input ended): copies
 * them to @out (room for DETACHKEYS_MAX bytes) and returns their number. */
size_t detachkeys_flush(struct detachkeys *dk, unsigned char *out);
