/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sync channel; see sync.h.
 */
#include "sync.h"

#include <errno.h>
#include <sys/socket.h>

int
pd_sync_pair(int fds[2], struct pd_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return pd_fail_errno(err, errno, "socketpair");
	return 0;
}

void
pd_sync_send(int fd, const struct pd_sync_msg *msg)
{
	ssize_t n;

	do
		n = send(fd, msg, sizeof(*msg), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
}

int
pd_sync_recv(int fd, struct pd_sync_msg *msg)
{
	ssize_t n;

	/* MSG_TRUNC: the real length of a longer message (SEQPACKET, Linux 3.4). */
	do
		n = recv(fd, msg, sizeof(*msg), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*msg) ||
	    (msg->type != PD_SYNC_ERROR && msg->type != PD_SYNC_READY)) {
		errno = EPROTO;
		return -1;
	}
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	return 1;
}
