/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sync channel; see sync.h.
 */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
pd_sync_ack(int fd, struct pd_err *err)
{
	struct pd_sync_msg msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.type = PD_SYNC_ACK;
	do
		n = send(fd, &msg, sizeof(msg), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return pd_fail_errno(err, n < 0 ? errno : EPROTO, "send the acknowledgement");
	return 0;
}

int
pd_sync_wait_ack(int fd)
{
	struct pd_sync_msg msg;

	return pd_sync_recv(fd, &msg) == 1 && msg.type == PD_SYNC_ACK;
}

int
pd_sync_send_fds(int fd, const struct pd_sync_msg *msg, const int *fds, int n_fds,
		 struct pd_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * PD_SYNC_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;
	ssize_t n;

	if (n_fds < 0 || n_fds > PD_SYNC_MAX_FDS)
		return pd_fail(err, PD_E_INVALID, "too many fds for one sync message (%d)", n_fds);
	if (n_fds > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n_fds);
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pd_fail_errno(err, errno, "send on the sync socket");
	return 0;
}

/* Collect the fds of every SCM_RIGHTS message in @mh into @fds (room for
 * @max); returns how many there were, closing those beyond @max. */
static int
take_passed(struct msghdr *mh, int *fds, int max)
{
	struct cmsghdr *c;
	int got = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		const unsigned char *data = CMSG_DATA(c);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < k; i++, got++) {
			int one;

			memcpy(&one, data + i * sizeof(int), sizeof(int));
			if (got < max)
				fds[got] = one;
			else
				close(one);
		}
	}
	return got;
}

/* Check a received message of @n bytes: 1 when whole and known, 0 on EOF, -1
 * with errno otherwise. */
static int
check_msg(ssize_t n, struct pd_sync_msg *msg)
{
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(*msg) ||
	    (msg->type != PD_SYNC_ERROR && msg->type != PD_SYNC_READY &&
	     msg->type != PD_SYNC_STARTED && msg->type != PD_SYNC_ACK)) {
		errno = EPROTO;
		return -1;
	}
	msg->err.msg[sizeof(msg->err.msg) - 1] = '\0';
	return 1;
}

int
pd_sync_recv_fds(int fd, struct pd_sync_msg *msg, int *fds, int max, int *n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * PD_SYNC_MAX_FDS * 2)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	int got, rc;

	*n_fds = 0;
	do
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	got = take_passed(&mh, fds, max);
	rc = check_msg(n, msg);
	if (got > max || (mh.msg_flags & MSG_CTRUNC) || rc <= 0) {
		for (int i = 0; i < got && i < max; i++)
			close(fds[i]);
		if (rc == 1)
			errno = EPROTO;
		return rc == 1 ? -1 : rc;
	}
	*n_fds = got;
	return 1;
}

int
pd_sync_recv(int fd, struct pd_sync_msg *msg)
{
	ssize_t n;

	/* MSG_TRUNC: the real length of a longer message (SEQPACKET, Linux 3.4). */
	do
		n = recv(fd, msg, sizeof(*msg), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return check_msg(n, msg);
}
