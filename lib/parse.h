/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parsers for what users type: integers (no atoi: the whole string,
 * in range, or an error), durations, signals, K=V pairs. Pure functions;
 * every error is PD_E_INVALID with a message naming the input.
 */
#pragma once

#include <stddef.h>

#include "err.h"

/* Parse a base-10 integer in [@min, @max]. */
int pd_parse_int(const char *s, long long min, long long max, long long *out, struct pd_err *err);

/* Parse a duration into milliseconds: "10" (seconds, as docker's -t), "10s",
 * "500ms", "2m", "1h", or a Go-style sum such as "1m30s". At most 1 year. */
int pd_parse_duration_ms(const char *s, long long *out_ms, struct pd_err *err);

/* Parse a signal: "TERM", "SIGTERM", "sigterm" or a number 1..64
 * ("RTMIN+3" too). */
int pd_parse_signal(const char *s, int *sig, struct pd_err *err);

/* Parse a size in bytes: digits and a unit of powers of 1024 as docker's
 * --shm-size and --tmpfs size= take them: none or b, k/kb/kib, m/mb/mib,
 * g/gb/gib, t/tb/tib, in any case; at most @max bytes. PD_E_INVALID. */
int pd_parse_size(const char *s, unsigned long long max, unsigned long long *out,
		  struct pd_err *err);

/* The name of @sig without "SIG" ("TERM"), or NULL if it has none. */
const char *pd_signal_name(int sig);

/* Split "KEY=VALUE" at the first '='. *key is a new string (owned by the
 * caller), *value points into @s. The key must not be empty; "KEY" without '='
 * is an error. */
/* Copy the string @src into @dst of @len bytes; one that does not fit is
 * PD_E_INVALID "@what is too long". */
int pd_copy_bounded(char *dst, size_t len, const char *src, const char *what, struct pd_err *err);

int pd_parse_kv(const char *s, char **key, const char **value, struct pd_err *err);

/* The value of the hex digit @c (either case), or -1. */
int pd_parse_hex_digit(char c);
