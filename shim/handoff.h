/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-shim's last step: execve podd-monitor (monitor.h) in this process,
 * with exactly the fds it needs at the fixed numbers. podd-monitor is found
 * beside podd-shim and checked before the workload starts, so that the exec
 * can fail only for exceptional reasons (out of memory, a binary removed
 * meanwhile); even then podd is not left guessing: the workload is killed
 * and reaped, and the exit file says exit code 255.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* What the monitor takes over. All borrowed; the fds stay open on failure
 * (closing them is the caller's). */
struct shim_handoff {
	const char *path; /* podd-monitor's, from shim_handoff_find() */
	pid_t pid;        /* the workload */
	int pidfd;        /* the workload's */
	int out_fd;       /* read end of its stdout pipe, or the terminal's master */
	int err_fd;       /* read end of its stderr pipe; -1 with a terminal */
	int log_fd;       /* the CRI log */
	int exit_dirfd;   /* the exit file's directory */
	int stdin_fd;     /* write end of its stdin pipe, or the master; -1: none */
	int tty_fd;       /* the terminal's master; -1: none */
	int attach_fd;    /* the listening attach socket; -1: none */
	int hold_ms;      /* hold output for the first client this long; 0: no */
	const char *exit_name;
};

/* Put the path of podd-monitor beside this executable (/proc/self/exe)
 * into @path (@len bytes) and check that it can be executed. Not there is
 * PD_E_NOT_FOUND, with the path in the message. Returns 0 or -1. */
int shim_handoff_find(char *path, size_t len, struct pd_err *err);

/* Exec podd-monitor for @h. Returns only when that failed, after killing
 * and reaping the workload and writing the exit file (exit code 255); @err
 * then says what failed. Call with SIGCHLD blocked. */
int shim_handoff(const struct shim_handoff *h, struct pd_err *err);

/* SIGKILL the workload (@pid, @pidfd: the shim's child), reap it, and write
 * its exit file @exit_name in @exit_dirfd with @status, or with the status
 * it ended with when @status < 0. Blocks until it is gone. Call with
 * SIGCHLD blocked. */
void shim_kill_workload(pid_t pid, int pidfd, int exit_dirfd, const char *exit_name, int status);
