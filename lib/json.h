/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one JSON loader and dumper. Loads are bounded and reject duplicate
 * keys; dumps are deterministic (sorted keys, compact) so state files diff
 * cleanly and tests can compare them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

static inline void
pd_cleanup_json(json_t **j)
{
	json_decref(*j);
}

#define cleanup_json __attribute__((cleanup(pd_cleanup_json)))

/* How every dump writes a real: 15 significant digits, so that a backoff
 * of 0.6 s reads "0.6", not "0.59999999999999998" (restart, issue 12). */
#define PD_JSON_REALS JSON_REAL_PRECISION(15)

/* Parse @len bytes of @buf (at most @max) as one JSON value. Errors carry the
 * line and column (PD_E_INVALID) or the size (PD_E_TOO_LARGE). Returns a new
 * reference or NULL. */
json_t *pd_json_load(const char *buf, size_t len, size_t max, struct pd_err *err);

/* Load @name under @dirfd (at most @max bytes). */
json_t *pd_json_load_file(int dirfd, const char *name, size_t max, struct pd_err *err);

/* Dump @j sorted and compact into a new string (owned by the caller). */
char *pd_json_dump(const json_t *j);

/* Save @j to @name under @dirfd atomically (lib/file.h). */
int pd_json_save(int dirfd, const char *name, const json_t *j, struct pd_err *err);
/* Save @j atomically, not durably (pd_file_write_volatile). */
int pd_json_save_volatile(int dirfd, const char *name, const json_t *j, struct pd_err *err);

/* Check that every key of the object @obj is one of the NULL-terminated
 * @allowed. An unknown key is PD_E_INVALID naming it, with @what as context
 * ("pod", ...). A non-object is PD_E_INVALID. */
int pd_json_check_keys(const json_t *obj, const char *what, const char *const *allowed,
		       struct pd_err *err);

/* Typed optional getters for API bodies: absent (or null) leaves *out alone
 * and returns 0; a value of the wrong type is PD_E_INVALID naming @key. */
int pd_json_get_string(const json_t *obj, const char *key, const char **out, struct pd_err *err);
int pd_json_get_bool(const json_t *obj, const char *key, bool *out, struct pd_err *err);
int pd_json_get_int(const json_t *obj, const char *key, long long min, long long max,
		    long long *out, struct pd_err *err);
/* A terminal size, [rows, cols], each 1..65535. */
int pd_json_get_tty_size(const json_t *obj, const char *key, unsigned short *rows,
			 unsigned short *cols, struct pd_err *err);
