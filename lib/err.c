/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error table and the functions that fill a struct pd_err. Nothing here
 * prints: printing happens at the edges (see err.h).
 */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CNI codes are from the CNI spec, "Error": 7 invalid network config, 11 try
 * again later; 999 is what libcni calls an internal error (codes from 100 up
 * are plugin specific). netplug overrides these where the spec names a code
 * for the stage that failed (decode, version, environment: netplug/cni.h). */
static const struct pd_err_info pd_err_table[] = {
    {PD_E_INVALID, "invalid", 400, 125, 7},
    {PD_E_NOT_FOUND, "not_found", 404, 125, 7},
    {PD_E_CONFLICT, "conflict", 409, 125, 11},
    {PD_E_FORBIDDEN, "forbidden", 403, 125, 999},
    {PD_E_TOO_LARGE, "too_large", 413, 125, 7},
    {PD_E_UNAVAILABLE, "unavailable", 503, 125, 11},
    {PD_E_SYSTEM, "system", 500, 125, 999},
    {PD_E_NO_COMMAND, "no_command", 400, 127, 999},
    {PD_E_NOT_EXECUTABLE, "not_executable", 400, 126, 999},
};

#define TABLE_LEN (sizeof(pd_err_table) / sizeof(pd_err_table[0]))

const struct pd_err_info *
pd_err_info(enum pd_kind kind)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (pd_err_table[i].kind == kind)
			return &pd_err_table[i];
	return pd_err_info(PD_E_SYSTEM);
}

enum pd_kind
pd_err_kind_from_code(const char *code)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (code != NULL && strcmp(pd_err_table[i].code, code) == 0)
			return pd_err_table[i].kind;
	return PD_E_SYSTEM;
}

/* A message is one line, always: input quoted in it (a name, a config
 * value) may hold control characters, which become '?'. */
static void
one_line(char *msg)
{
	for (unsigned char *p = (unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
vfill(struct pd_err *err, const char *fmt, va_list ap)
{
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);

	/* A cut message is still the best we have; mark the cut. */
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
	one_line(err->msg);
}

int
pd_fail(struct pd_err *err, enum pd_kind kind, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	err->errnum = 0;
	va_start(ap, fmt);
	vfill(err, fmt, ap);
	va_end(ap);
	return -1;
}

int
pd_fail_errno(struct pd_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	err->kind = PD_E_SYSTEM;
	err->errnum = errnum;
	va_start(ap, fmt);
	vfill(err, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum)) >=
	    (int)(sizeof(err->msg) - len))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
	return -1;
}

int
pd_err_prefix(struct pd_err *err, const char *fmt, ...)
{
	char head[PD_ERR_MSG_MAX];
	char old[PD_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(head))
		return -1;
	memcpy(old, err->msg, sizeof(old));
	n = snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
	one_line(err->msg);
	return -1;
}

void
pd_err_clear(struct pd_err *err)
{
	memset(err, 0, sizeof(*err));
}

void
pd_assert_fail(const char *what, const char *file, int line, const char *func)
{
	fprintf(stderr, "%s:%d: %s: impossible: %s\n", file, line, func, what);
	abort();
}
