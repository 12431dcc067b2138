/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 (RFC 4648): the standard alphabet with padding, as registries' auth
 * files and Basic credentials use it, and the URL-safe one that docker's
 * X-Registry-Auth header uses. Decoding takes either alphabet, with or
 * without padding, so it reads what docker, podman and podctl write. Pure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Encode @len bytes of @in into a new NUL-terminated string (owned by the
 * caller): standard alphabet and padding, or URL-safe without padding. */
char *pd_base64_encode(const void *in, size_t len, bool url_safe);

/* Decode @in (either alphabet; padding optional; no whitespace) into a new
 * NUL-terminated buffer of *out_len bytes (owned by the caller).
 * PD_E_INVALID on a character outside the alphabets or a bad length.
 * Returns the buffer, or NULL. */
char *pd_base64_decode(const char *in, size_t *out_len, struct pd_err *err);
