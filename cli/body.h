/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request bodies built from flags, shared by the commands that send them
 * (run, exec, debug): a string or a list of strings under a key, checked
 * for UTF-8 (JSON's) with the flag named in the error; -e as docker reads
 * it; exec's -u. Pure but for -e K, which reads podctl's environment.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "flags.h"

/* Set @key of @obj to the string @value. PD_E_INVALID, naming @flag
 * ("--workdir"), when @value is not UTF-8. Returns 0 or -1. */
int body_set_string(json_t *obj, const char *key, const char *value, const char *flag,
		    struct pd_err *err);

/* Set @key of @obj to an array of the @n strings of @values. PD_E_INVALID
 * as body_set_string(). Returns 0 or -1. */
int body_set_strings(json_t *obj, const char *key, const char *const *values, size_t n,
		     const char *flag, struct pd_err *err);

/* Set PD_F_ENV of @obj from the values of -e: "K=V" as given, "K" alone as
 * docker does (podctl's own value of K, or nothing when it has none).
 * PD_E_INVALID for a value with no name ("=V", "") or not UTF-8. Returns 0
 * or -1. */
int body_set_env(json_t *obj, const struct flag_value *v, struct pd_err *err);

/* Set PD_F_USER of @obj from -u "NAME[:GROUP]" or "UID[:GID]" as given,
 * checked for shape (pd_user_validate); the names are resolved in the
 * container when it starts. PD_E_INVALID. Returns 0 or -1. */
int body_set_user(json_t *obj, const char *user, struct pd_err *err);

/* Set PD_F_TTY and PD_F_STDIN of @obj from -t and -i, and with -t on a
 * terminal PD_F_TTY_SIZE, podctl's terminal's size, so that the process
 * starts with it. When podctl stays @attached, -i with -t and a stdin that
 * is not a terminal is PD_E_INVALID, as docker ("the input device is not a
 * TTY"): nothing could end the session, since a terminal takes EOF as a
 * key. Returns 0 or -1. */
int body_set_terminal(json_t *obj, bool tty, bool interactive, bool attached, struct pd_err *err);
