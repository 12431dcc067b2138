/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent <-> child status channel of every spawn: one SOCK_SEQPACKET
 * socketpair, so each message arrives whole or not at all.
 *
 * The protocol, from the child's side:
 *   - setup failed before execve: send one PD_SYNC_ERROR message carrying
 *     the struct pd_err, then _exit;
 *   - execve failed: the same, with ENOENT mapped to PD_E_NO_COMMAND and
 *     EACCES/ENOEXEC to PD_E_NOT_EXECUTABLE;
 *   - execve succeeded: the child's end is close-on-exec, so the parent reads
 *     EOF. When the spawn keeps the end open across execve (pd_spawn's
 *     keep_sync), the new program sends PD_SYNC_READY once it is ready and then
 *     closes it; EOF without READY then means it died first.
 *   - podd-shim, whose workload starts after its own setup, sends
 *     PD_SYNC_STARTED once the workload has exec'd, with the pids of the
 *     shim and of the workload and their pidfds attached (SCM_RIGHTS), so
 *     podd holds handles that no reused pid can fool (lib/shim.h).
 *
 * The acknowledgement, from the parent's side: a child that goes on
 * running after podd dies (podd-shim, podd-pause) waits, after its
 * STARTED or READY, for one PD_SYNC_ACK. podd sends it once the record
 * that names the child (pids and start times) is written where a
 * restarted podd reads it, and only then answers its client. EOF before
 * the ACK means podd died before it knew of the child: the child undoes
 * what it did and exits, so that a crash of podd at any moment leaves
 * either a child that the next podd adopts from the record, or none.
 */
#pragma once

#include <stdint.h>

#include "err.h"

enum pd_sync_type {
	PD_SYNC_ERROR = 1,
	PD_SYNC_READY = 2,
	PD_SYNC_STARTED = 3,
	PD_SYNC_ACK = 4, /* parent to child: the record is written */
};

struct pd_sync_msg {
	uint32_t type;     /* enum pd_sync_type */
	struct pd_err err; /* for PD_SYNC_ERROR */
	int32_t pids[2];   /* for PD_SYNC_STARTED: the shim's, the workload's */
};

/* Send PD_SYNC_ACK on @fd. Returns 0, or -1 with @err set (the child
 * then reads EOF once @fd is closed, and ends what it started). */
int pd_sync_ack(int fd, struct pd_err *err);

/* Wait on @fd (blocking) for the parent's PD_SYNC_ACK. Returns 1 when it
 * came, 0 on EOF or anything else (the parent died, or gave up on the
 * child). */
int pd_sync_wait_ack(int fd);

/* Make the pair: [0] for the parent, [1] for the child, both close-on-exec. */
int pd_sync_pair(int fds[2], struct pd_err *err);

/* Send @msg on @fd. Async-signal-safe (used between fork and exec). */
void pd_sync_send(int fd, const struct pd_sync_msg *msg);

/* Send @msg on @fd with @n_fds fds attached (SCM_RIGHTS; at most
 * PD_SYNC_MAX_FDS). Returns 0, or -1 with @err set. */
#define PD_SYNC_MAX_FDS 4
int pd_sync_send_fds(int fd, const struct pd_sync_msg *msg, const int *fds, int n_fds,
		     struct pd_err *err);

/* Receive one message like pd_sync_recv(), and the fds attached to it into
 * @fds (at most @max, close-on-exec, owned by the caller; *n_fds says how
 * many). Fds beyond @max are closed and the call fails with EPROTO. */
int pd_sync_recv_fds(int fd, struct pd_sync_msg *msg, int *fds, int max, int *n_fds);

/* Receive one message from @fd. Returns 1 with *msg filled, 0 on EOF, -1 with
 * errno on error (EAGAIN on a non-blocking fd with nothing to read). A message
 * of the wrong size is an error (EPROTO). */
int pd_sync_recv(int fd, struct pd_sync_msg *msg);
