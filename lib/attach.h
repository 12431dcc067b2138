/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach socket: how a client (podctl attach, podctl run -i/-t,
 * podctl exec) reaches a running process's terminal or stdio. The shim of
 * a container or exec session that asked for it (-i or -t) binds a unix
 * socket of type SOCK_SEQPACKET in its run dir, and podd-monitor serves it
 * for the process's life; podd hands out its path (inspect's
 * "attach_socket", the exec reply's "attach_socket") and is never in the
 * byte path. So a session survives a podd restart, several clients may be
 * attached at once, and a slow client slows only the process it watches,
 * never podd (conmon's model; docker upgrades the API connection instead,
 * which puts the daemon in the byte path).
 *
 * Paths under a run dir can be longer than a sockaddr_un holds (108
 * bytes), so both sides open the socket's directory and bind or connect to
 * "/proc/self/fd/DIRFD/NAME" (pd_attach_addr).
 *
 * Every message is one SOCK_SEQPACKET record: a type byte, then its
 * payload, PD_ATTACH_MSG_MAX bytes in all at most.
 *
 * Client to monitor:
 *   PD_ATTACH_STDIN   bytes for the process's stdin (or typed on its
 *                     terminal); dropped when the process has no stdin (-i)
 *   PD_ATTACH_EOF     close the process's stdin (no payload): the end of a
 *                     redirected file; ignored with a terminal, where EOF
 *                     is the ^D the client sends as input
 *   PD_ATTACH_RESIZE  struct pd_attach_winsize: the client's terminal size;
 *                     the terminal's foreground process gets SIGWINCH
 * Monitor to client:
 *   PD_ATTACH_STDOUT, PD_ATTACH_STDERR
 *                     output bytes; with a terminal everything is STDOUT.
 *                     A client that connects to a terminal first gets what
 *                     the terminal last showed (PD_ATTACH_REPLAY_MAX bytes
 *                     at most), so that a prompt written before is seen.
 *   PD_ATTACH_EXIT    int32_t: the process's exit code (docker's: status or
 *                     128 + signal), sent after the last output; then the
 *                     monitor closes the connection.
 * A connection closed without PD_ATTACH_EXIT means the client detached or
 * the monitor died; the client asks podd then.
 *
 * Output: a monitor started "held" (podctl run -it, exec) reads nothing from
 * the process until the first client is attached, or PD_ATTACH_HOLD_MS has
 * passed, so that the first client misses none of it. Afterwards output is
 * read as fast as the slowest attached client takes it (a terminal's flow
 * control), and always goes to the log too (exec sessions have none).
 */
#pragma once

#include <stdint.h>

#define PD_ATTACH_STDIN  'i'
#define PD_ATTACH_EOF    'e'
#define PD_ATTACH_RESIZE 'w'
#define PD_ATTACH_STDOUT '1'
#define PD_ATTACH_STDERR '2'
#define PD_ATTACH_EXIT   'x'

/* Largest message: type byte and payload. */
#define PD_ATTACH_MSG_MAX (1 + 8192)
/* Most clients attached at once; more are refused (closed at once). */
#define PD_ATTACH_CLIENTS_MAX 8
/* What a terminal replays to a client that connects. */
#define PD_ATTACH_REPLAY_MAX (16 * 1024)
/* How long a held monitor waits for its first client. */
#define PD_ATTACH_HOLD_MS 10000

/* The socket's name in a container's run dir. */
#define PD_ATTACH_NAME "attach"

struct pd_attach_winsize {
	uint16_t rows;
	uint16_t cols;
};

#include <sys/socket.h>
#include <sys/un.h>

#include "err.h"

/* The address of NAME in the directory open at @dirfd, as
 * "/proc/self/fd/DIRFD/NAME". PD_E_INVALID when it does not fit.
 * Returns its length for bind/connect, or -1. */
int pd_attach_addr(struct sockaddr_un *sa, int dirfd, const char *name, struct pd_err *err);

/* Connect to the attach socket at @path (any length): a new SOCK_SEQPACKET
 * fd, close-on-exec, blocking. No socket there, or nobody listening, is
 * PD_E_NOT_FOUND ("the process is not running"). Returns the fd or -1. */
int pd_attach_connect(const char *path, struct pd_err *err);

/* recv(2) of one message from an attach socket, with MSG_DONTWAIT and
 * @flags. A monitor that ends while input it never read (an EOF, stdin)
 * waits in its socket makes Linux report ECONNRESET to this side once,
 * ahead of the messages it sent before (its output, the exit code): they
 * are still queued, so the error is passed over and they are read. After
 * them comes 0, the end. Returns what recv returns, errno set. */
ssize_t pd_attach_recv(int fd, void *buf, size_t len, int flags);
