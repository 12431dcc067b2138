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
 */
#pragma once

#include <stdint.h>

#include "err.h"

enum pd_sync_type { PD_SYNC_ERROR = 1, PD_SYNC_READY = 2 };

struct pd_sync_msg {
	uint32_t type;     /* enum pd_sync_type */
	struct pd_err err; /* for PD_SYNC_ERROR */
};

/* Make the pair: [0] for the parent, [1] for the child, both close-on-exec. */
int pd_sync_pair(int fds[2], struct pd_err *err);

/* Send @msg on @fd. Async-signal-safe (used between fork and exec). */
void pd_sync_send(int fd, const struct pd_sync_msg *msg);

/* Receive one message from @fd. Returns 1 with *msg filled, 0 on EOF, -1 with
 * errno on error (EAGAIN on a non-blocking fd with nothing to read). A message
 * of the wrong size is an error (EPROTO). */
int pd_sync_recv(int fd, struct pd_sync_msg *msg);
