/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An attach session: podctl's end of a process's attach socket
 * (lib/attach.h), for `podctl attach`, `exec` and `run -i/-t`. It runs on a
 * caller's event_base, so `podctl run` keeps its wait request on the same
 * loop, and says how it ended through one callback.
 *
 * What it does with podctl's own terminal and fds:
 *   - output messages are written to fd 1 and fd 2 with blocking writes: a
 *     slow terminal slows the process, as a terminal does;
 *   - with stdin (-i), fd 0 is read and sent, then PD_ATTACH_EOF once at its
 *     end; fd 0 may be a regular file (the base must then use poll, as
 *     client_base_new()'s does);
 *   - with a terminal (tty, and fd 0 a terminal), the window size is sent at
 *     once and on every SIGWINCH; with stdin too, the terminal is put in raw
 *     mode (Ctrl-C is input for the process's terminal), SIGTERM, SIGHUP and
 *     SIGQUIT end the session, and the terminal's mode comes back however
 *     the session ends;
 *   - with stdin from a terminal, the detach keys end the session and are
 *     not sent.
 * Without stdin nothing is read from fd 0. SIGPIPE must be ignored while a
 * session runs (a closed stdout then ends it as the signal would).
 *
 * This file is not cli/attach.c because lib/attach.h, which it includes,
 * would be shadowed by a header of that name here.
 */
#pragma once

#include <stdbool.h>

#include <event2/event.h>

#include "detachkeys.h"
#include "err.h"

enum session_end {
	SESSION_EXIT,     /* PD_ATTACH_EXIT came: the code is the process's exit code */
	SESSION_DETACHED, /* the user typed the detach keys: the process goes on */
	SESSION_CLOSED,   /* the socket closed without PD_ATTACH_EXIT: ask podd */
	SESSION_SIGNAL,   /* podctl got SIGTERM, SIGHUP, SIGQUIT (or SIGINT, see
			   * sigint_ends), or its stdout was closed (SIGPIPE):
			   * the code is 128 + the signal */
	SESSION_FAILED,   /* the error says why */
};

struct session_opts {
	bool tty;                      /* the process has a terminal */
	bool interactive;              /* send podctl's stdin to the process */
	const struct detachkeys *keys; /* borrowed; NULL: DETACHKEYS_DEFAULT */
	/* With a raw terminal, SIGINT ends the session too (SESSION_SIGNAL),
	 * for a caller that does not handle it itself (run does). */
	bool sigint_ends;
};

/* Called once when the session ends, after the terminal was restored and
 * every event of the session removed: @code for SESSION_EXIT and
 * SESSION_SIGNAL, @err (valid during the call) for SESSION_FAILED, else
 * NULL. The session may be freed from here. */
typedef void session_done_fn(enum session_end end, int code, const struct pd_err *err, void *arg);

struct session;

/* Start a session on @fd, an attach socket connected with
 * pd_attach_connect(), which it owns from now on whatever the result.
 * @opts is read during the call; @base and @arg are borrowed until the
 * session is freed. Sends the window size when there is a terminal.
 * PD_E_SYSTEM when libevent cannot watch an fd or a signal, or the
 * terminal's mode cannot be read or set. Returns the session, or NULL. */
struct session *session_start(struct event_base *base, int fd, const struct session_opts *opts,
			      session_done_fn *done, void *arg, struct pd_err *err);

/* End the session without calling its callback (if it has not ended yet):
 * restore the terminal, remove the events, close the socket, free. NULL is
 * ignored. */
void session_free(struct session *s);

struct session_result {
	enum session_end end; /* never SESSION_FAILED */
	int code;             /* for SESSION_EXIT and SESSION_SIGNAL */
};

/* The common case: connect to the attach socket at @path and run a
 * session on a loop of its own, SIGPIPE ignored and sigint_ends set,
 * until it ends. Errors:
 * pd_attach_connect()'s (PD_E_NOT_FOUND: the process is not running), and
 * those of the session (SESSION_FAILED). Returns 0 with @res filled, or
 * -1. */
int session_run(const char *path, const struct session_opts *opts, struct session_result *res,
		struct pd_err *err);

/* podctl's exit code from @res: the process's (or 128 + the signal that
 * ended the session), 0 after a detach. False when the session closed
 * without one: podd knows how the process ended. */
bool session_exit_code(const struct session_result *res, int *code);
