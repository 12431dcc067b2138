/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exit file a container's supervisor leaves (lib/shim.h: the
 * PD_SHIM_EXIT_CODE... keys), formatted without jansson: podd-monitor,
 * which writes it, is a static musl binary that links libc only. The keys
 * come out sorted and compact, as pd_json_dump() would write them, and every
 * value is a number or plain ASCII, so nothing needs escaping. podd reads
 * the file back with jansson.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"

/* Largest exit record, NUL included. */
#define PD_EXIT_FILE_MAX 160

/* Format the record of @pid, which ended with the wait status @status at
 * @finished (CLOCK_REALTIME), into @buf:
 *     {"exit_code":N,"finished":"RFC3339Nano","pid":P}
 * with "signal":"KILL" (the name without SIG) after "pid" when a signal
 * killed it. Returns the length, or -1 if @len is too small. Pure. */
int pd_exit_file_format(char *buf, size_t len, pid_t pid, int status,
			const struct timespec *finished);

/* Write the record, finished now, to @name under @dirfd (pd_file_write_volatile:
 * atomic, not durable). Returns 0 or -1 (PD_E_SYSTEM). */
int pd_exit_file_write(int dirfd, const char *name, pid_t pid, int status, struct pd_err *err);
