/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one error type of podd, podd-shim, netplug and podctl, and the one table
 * that says what each kind of error becomes at every edge: an HTTP status and a
 * stable API code string (podd), an exit code (podctl), a CNI error code
 * (netplug).
 *
 * The contract, for every fallible function in the project:
 *   - it takes `struct pd_err *err` as its last argument;
 *   - it returns < 0 (or NULL) on failure, after filling `err` exactly once at
 *     the point where the failure was seen;
 *   - callers may add context in front of the message with pd_err_prefix();
 *   - the message is printed (or sent to a client) only at the edge: a
 *     program's main, an HTTP reply, a CNI result.
 * The struct is fixed-size and holds no pointers, so it can be copied whole
 * across a fork through the sync socket (lib/sync.h).
 */
#pragma once

#include <stdbool.h>

enum pd_kind {
	PD_E_INVALID = 1,    /* bad input from the caller */
	PD_E_NOT_FOUND,      /* the named object does not exist */
	PD_E_CONFLICT,       /* the object exists, or is in the wrong state */
	PD_E_FORBIDDEN,      /* the caller may not do this */
	PD_E_TOO_LARGE,      /* a body, a name or a count over its limit */
	PD_E_UNAVAILABLE,    /* podd is not there, or is shutting down */
	PD_E_SYSTEM,         /* a system call failed; errnum says which error */
	PD_E_NO_COMMAND,     /* the command to run does not exist (exit 127) */
	PD_E_NOT_EXECUTABLE, /* the command exists but cannot be run (exit 126) */
};

#define PD_ERR_MSG_MAX 256

struct pd_err {
	enum pd_kind kind;
	int errnum;               /* errno when a syscall failed, else 0 */
	char msg[PD_ERR_MSG_MAX]; /* "outer context: inner context: cause" */
};

/* What a kind becomes at each edge. */
struct pd_err_info {
	enum pd_kind kind;
	const char *code; /* stable API code, e.g. "not_found" */
	int http_status;  /* e.g. 404 */
	int exit_code;    /* podctl's exit code: 125, 126 or 127 */
	int cni_code;     /* CNI spec error code */
};

/* The table row for @kind; never NULL (an unknown kind maps to PD_E_SYSTEM). */
const struct pd_err_info *pd_err_info(enum pd_kind kind);

/* The kind whose API code is @code, or PD_E_SYSTEM when @code is unknown. */
enum pd_kind pd_err_kind_from_code(const char *code);

/* Fill @err with @kind and a formatted message. Returns -1, so that a caller can
 * write `return pd_fail(err, PD_E_INVALID, "...")`. */
int pd_fail(struct pd_err *err, enum pd_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like pd_fail(), with kind PD_E_SYSTEM, errnum = @errnum and ": strerror(errnum)"
 * appended to the message. Returns -1. */
int pd_fail_errno(struct pd_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "context: " in front of the message already in @err. Returns -1. */
int pd_err_prefix(struct pd_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A state that cannot happen (a bug, not an error to report): print where
 * to stderr and abort, so that it is found rather than answered with a
 * made-up error. PD_UNREACHABLE ends a switch that covers every value. */
#define PD_ASSERT(cond)      ((cond) ? (void)0 : pd_assert_fail(#cond, __FILE__, __LINE__, __func__))
#define PD_UNREACHABLE(what) pd_assert_fail(what, __FILE__, __LINE__, __func__)
__attribute__((noreturn)) void pd_assert_fail(const char *what, const char *file, int line,
					      const char *func);

/* Zero @err (kind 0 means "no error"). */
void pd_err_clear(struct pd_err *err);
