/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's stdin, stdout and stderr, and the attach socket.
 *
 * Without a terminal: a pipe per stream; stdin is a pipe only with -i
 * (/dev/null otherwise). With one, the workload's three fds are the slave
 * of a pty that the workload's child opens in its own root (the container's
 * /dev/pts, so that `tty` names a file it can see) and makes its
 * controlling terminal; the master comes back to the shim over a socket
 * pair. pd_spawn maps the parent's fds, so the child puts the slave where
 * the placeholder fd was (shim_stdio_child); this keeps pd_spawn unaware
 * of terminals.
 *
 * The attach socket is bound before the workload starts, so that a failure
 * is the container's start failing; a stale socket of an earlier run is
 * replaced.
 */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "spec.h"

struct shim_stdio {
	int spawn_fds[3]; /* the fds pd_spawn gives the workload (-1: /dev/null) */
	int in_w;         /* write end of stdin's pipe, or the master; -1: none */
	int out_r, err_r; /* read ends of stdout and stderr (out_r: the master; err_r -1) */
	int tty;          /* the master again, for resizes; -1: no terminal */
	int listen_fd;    /* the attach socket; -1: none */
	/* Owned until the workload runs: */
	int pipe_ends[3]; /* the workload's ends of the pipes */
	int tty_pair[2];  /* [0] the shim's end, [1] the child's */
	int slot;         /* the placeholder the child replaces with the slave */
	int attach_dirfd; /* the socket's directory */
	const char *attach_name;
	bool bound;
};

/* Nothing open yet: every fd -1. */
void shim_stdio_init(struct shim_stdio *io);

/* Everything before the workload: pipes, or the placeholder and socket
 * pair of a terminal; the attach socket. Undone on failure. */
int shim_stdio_open(const struct shim_spec *spec, struct shim_stdio *io, struct pd_err *err);

/* In the workload's child, after its root is set up: open the terminal,
 * give it the spec's size, send its master to the shim, put the slave in
 * place. Only system calls. */
int shim_stdio_child(const struct shim_spec *spec, const struct shim_stdio *io, struct pd_err *err);

/* After the workload exec'd: close its ends; take the terminal's master. */
int shim_stdio_started(const struct shim_spec *spec, struct shim_stdio *io, struct pd_err *err);

/* Close what is open; with @failed, remove the bound socket too. */
void shim_stdio_close(struct shim_stdio *io, bool failed);
