/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fd helpers; see fd.h.
 */
#include "fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

int
pd_fd_write_all(int fd, const void *buf, size_t len, struct pd_err *err)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd_fail_errno(err, errno, "write");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
pd_fd_read_all(int fd, size_t max, char **out, size_t *len, struct pd_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n == cap - 1) {
			if (n > max) {
				free(buf);
				return pd_fail(err, PD_E_TOO_LARGE, "more than %zu bytes", max);
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			return pd_fail_errno(err, e, "read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		return pd_fail(err, PD_E_TOO_LARGE, "more than %zu bytes", max);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
pd_fd_set_nonblock(int fd, struct pd_err *err)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return pd_fail_errno(err, errno, "fcntl O_NONBLOCK");
	return 0;
}
