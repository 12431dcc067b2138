/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service manager's readiness protocol (sd_notify, without
 * libsystemd): a systemd unit of Type=notify sets $NOTIFY_SOCKET to a unix
 * datagram socket, a path or "@NAME" for an abstract address, and podd
 * sends "READY=1" once its sockets listen and "STOPPING=1" when it begins
 * to stop. Without $NOTIFY_SOCKET nothing is sent.
 */
#pragma once

/* Take $NOTIFY_SOCKET out of the environment (podd's children, shims and
 * helpers, must not speak for podd). A new string, or NULL when unset or
 * unusable (said in the log). */
char *notify_take_socket(void);

/* Send @state ("READY=1") to @socket (from notify_take_socket; NULL: no
 * manager). Never blocks; a failure is logged, not returned. */
void notify_send(const char *socket, const char *state);
