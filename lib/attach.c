/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach socket's address; see attach.h. libc only: podd-monitor links it.
 */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

int
pd_attach_addr(struct sockaddr_un *sa, int dirfd, const char *name, struct pd_err *err)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, name);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return pd_fail(err, PD_E_INVALID, "attach socket name \"%.40s\": too long", name);
	return (int)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
}

int
pd_attach_connect(const char *path, struct pd_err *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	cleanup_close int dirfd = -1;
	int fd, len;
	struct sockaddr_un sa;

	if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
		return pd_fail(err, PD_E_INVALID, "attach socket \"%.80s\": not a path", path);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dirfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? pd_fail(err, PD_E_NOT_FOUND, "the process is not running")
				       : pd_fail_errno(err, errno, "open %s", dir);
	len = pd_attach_addr(&sa, dirfd, slash + 1, err);
	if (len < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pd_fail_errno(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, (socklen_t)len) < 0) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return pd_fail(err, PD_E_NOT_FOUND, "the process is not running");
		return pd_fail_errno(err, e, "connect to %s", path);
	}
	return fd;
}

ssize_t
pd_attach_recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_DONTWAIT | flags);
	while (n < 0 && (errno == EINTR || errno == ECONNRESET));
	return n;
}
