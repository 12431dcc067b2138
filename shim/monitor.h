/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shim's loop once the workload runs: one poll over the workload's
 * pidfd, a signalfd for SIGCHLD (the shim is a subreaper: orphans of the
 * workload come to it and are reaped) and the two output pipes. When the
 * workload exits, the pipes are drained without blocking (a background
 * process may still hold them), the workload is reaped and the exit file is
 * written atomically.
 */
#pragma once

#include <sys/types.h>

#include "err.h"

struct shim_monitor {
	pid_t pid;             /* the workload */
	int pidfd;             /* borrowed: the workload's */
	int out_fd, err_fd;    /* taken over: read ends of stdout and stderr */
	int log_fd;            /* borrowed: the CRI log, O_APPEND */
	int exit_dirfd;        /* borrowed: the exit file's directory */
	const char *exit_name; /* borrowed: the exit file's name in it */
};

/* Run until the workload has exited and its exit file is written. Returns
 * 0, or -1 if the exit record could not be written. Call with SIGCHLD
 * blocked. */
int shim_monitor_run(const struct shim_monitor *m, struct pd_err *err);
