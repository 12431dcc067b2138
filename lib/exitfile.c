/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exit file; see exitfile.h.
 */
#include "exitfile.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>

#include "file.h"
#include "parse.h"
#include "reap.h"
#include "shim.h"
#include "timefmt.h"

/* The keys in sorted order: exit_code, finished, pid, signal. */
#define HEAD "{\"" PD_SHIM_EXIT_CODE "\":%d,\"" PD_SHIM_FINISHED "\":\"%s\",\"" PD_SHIM_PID "\":%d"

int
pd_exit_file_format(char *buf, size_t len, pid_t pid, int status, const struct timespec *finished)
{
	char when[PD_TIME_RFC3339_MAX];
	const char *sig = WIFSIGNALED(status) ? pd_signal_name(WTERMSIG(status)) : NULL;
	int code = pd_exit_code(status), n;

	if (pd_time_rfc3339(finished, when, sizeof(when)) < 0)
		return -1;
	if (sig != NULL)
		n = snprintf(buf, len, HEAD ",\"" PD_SHIM_SIGNAL "\":\"%s\"}", code, when, (int)pid,
			     sig);
	else
		n = snprintf(buf, len, HEAD "}", code, when, (int)pid);
	return (n < 0 || (size_t)n >= len) ? -1 : n;
}

int
pd_exit_file_write(int dirfd, const char *name, pid_t pid, int status, struct pd_err *err)
{
	char buf[PD_EXIT_FILE_MAX];
	struct timespec now;
	int n;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return pd_fail_errno(err, errno, "read the clock");
	n = pd_exit_file_format(buf, sizeof(buf), pid, status, &now);
	if (n < 0)
		return pd_fail(err, PD_E_SYSTEM, "format the exit record");
	return pd_file_write_volatile(dirfd, name, buf, (size_t)n, err);
}
