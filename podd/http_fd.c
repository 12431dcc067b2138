/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files handed over with a request. evhttp reads a whole request body into
 * memory before a handler runs, so an upload of any size (an image archive,
 * a tar for cp) does not travel in the body: the client opens the file, or
 * the pipe it writes the stream into, and names the fd in its JSON body;
 * podd takes a copy of that fd from the client with pidfd_getfd(2). The
 * client is found through SO_PEERPIDFD, a pidfd of the process that
 * connected, taken by the kernel at connect(2), so a pid reused since
 * cannot be mistaken for it. The client opened the file, so its own
 * permissions decided what podd may read or write.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "cleanup.h"
#include "http.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif

int
http_take_client_fd(struct evhttp_request *req, long long remote_fd, struct pd_err *err)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
	cleanup_close int pidfd = -1;
	socklen_t len = sizeof(pidfd);
	int fd;

	if (remote_fd < 0 || remote_fd > INT_MAX)
		return pd_fail(err, PD_E_INVALID, "fd %lld is not a file descriptor", remote_fd);
	if (bev == NULL)
		return pd_fail(err, PD_E_SYSTEM, "the request has no connection");
	if (getsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0)
		return pd_fail_errno(err, errno, "find the client's process");
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)remote_fd, 0);
	if (fd < 0 && errno == EBADF)
		return pd_fail(err, PD_E_INVALID, "fd %lld is not open in the client", remote_fd);
	if (fd < 0)
		return pd_fail_errno(err, errno, "take fd %lld from the client", remote_fd);
	return fd; /* pidfd_getfd(2) sets close-on-exec */
}
