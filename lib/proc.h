/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Processes: the one spawn helper, pidfds, start times and exit statuses.
 *
 * pd_spawn() clones (clone3 with CLONE_PIDFD, so the pidfd exists before
 * anyone could reap the child), gives the child exactly the fds it is asked
 * for, resets its signal state, runs an optional setup hook and execs. The
 * result of setup and execve comes back on the sync socket (lib/sync.h);
 * the caller reads it, blocking or from an event loop.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "reap.h"

#define PD_SPAWN_MAX_FDS 8

/* Runs in the child before the fd map (the parent's fds are still open
 * there) and execve. It must only make system calls (no malloc, no stdio):
 * the child of a fork. */
typedef int pd_spawn_setup_fn(void *arg, struct pd_err *err);

struct pd_spawn {
	const char *path;          /* executable to run (borrowed) */
	const char *search_path;   /* borrowed, may be NULL: a PATH ("/bin:/usr/bin") to search
				    * when @path has no '/', in the child's root (see below) */
	char *const *argv;         /* borrowed */
	char *const *envp;         /* borrowed; NULL means an empty environment */
	int clone_flags;           /* CLONE_NEW* flags for the child */
	int fds[PD_SPAWN_MAX_FDS]; /* child fd i = parent fd fds[i]; -1 = /dev/null */
	int n_fds;                 /* how many of fds[] are used (normally 3) */
	bool keep_sync;            /* child keeps its sync end, at fd n_fds, across execve */
	bool new_session;          /* setsid() in the child */
	bool controlling_tty;      /* with new_session: fd 0, a terminal, becomes the
				    * session's controlling terminal */
	pd_spawn_setup_fn *setup;  /* may be NULL */
	void *setup_arg;           /* borrowed */
};

struct pd_child {
	pid_t pid;
	int pidfd;   /* owned by the caller, close-on-exec */
	int sync_fd; /* owned by the caller: the parent's end of the sync socket */
};

/* Start @s. With @s->search_path and a @path without '/', each "DIR/path" of
 * the search path is tried in turn after setup (so in the root the setup hook
 * made), as execvp(3) does: a missing file goes on to the next directory, a
 * file that cannot be run (EACCES) is remembered and reported only when
 * nothing else was found, and any other error stops the search. An empty
 * element is the working directory. The outcome on the sync socket is
 * PD_E_NO_COMMAND ("exec "x": no such file or directory in PATH") or
 * PD_E_NOT_EXECUTABLE (errnum EACCES, ENOEXEC, ...).
 * On success the caller owns out->pidfd and out->sync_fd and must
 * read the sync socket for the outcome of setup and execve. Returns 0 or -1. */
int pd_spawn(const struct pd_spawn *s, struct pd_child *out, struct pd_err *err);

/* Read the outcome of a spawn from @sync_fd, blocking: 0 when execve succeeded
 * (or, with keep_sync, when READY came), -1 with @err from the child. */
int pd_spawn_wait_sync(int sync_fd, bool keep_sync, struct pd_err *err);

/* pidfd_open(2) for @pid (Linux 5.3). ESRCH is PD_E_NOT_FOUND. */
int pd_pidfd_open(pid_t pid, struct pd_err *err);

/* pidfd_send_signal(2) (Linux 5.1). A process already gone (ESRCH) is not an
 * error: returns 1 then, 0 when the signal was sent. */
int pd_pidfd_signal(int pidfd, int sig, struct pd_err *err);

/* Start time of @pid in clock ticks since boot (field 22 of /proc/PID/stat),
 * which with the pid identifies a process across pid reuse. A process that
 * is gone, a zombie or in exit(2) is PD_E_NOT_FOUND. */
int pd_proc_start_time(pid_t pid, uint64_t *ticks, struct pd_err *err);

/* The parse of /proc/PID/stat after the comm field; exposed for tests. Returns
 * 0 with *state (field 3: 'R', 'S', 'Z', ...), *flags (field 9) and *ticks
 * (field 22), or -1 if @stat is malformed. */
int pd_proc_stat_parse_start(const char *stat, char *state, unsigned long *flags, uint64_t *ticks);

/* PF_EXITING of field 9 (flags): the process is in exit(2). */
#define PD_PF_EXITING 0x4UL
