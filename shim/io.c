/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output to CRI log lines; see io.h.
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

static bool log_failed; /* warn about the log once */

/* One log line: head, @len bytes of @text, newline. */
static void
write_line(int log_fd, enum pd_crilog_stream kind, const char *text, size_t len, bool partial)
{
	char head[64];
	struct timespec ts;
	struct iovec iov[3];
	size_t total;
	ssize_t n;
	int hlen;

	clock_gettime(CLOCK_REALTIME, &ts);
	hlen = pd_crilog_head(head, sizeof(head), &ts, kind, partial);
	if (hlen < 0)
		return;
	iov[0] = (struct iovec){.iov_base = head, .iov_len = (size_t)hlen};
	iov[1] = (struct iovec){.iov_base = (void *)text, .iov_len = len};
	iov[2] = (struct iovec){.iov_base = "\n", .iov_len = 1};
	total = (size_t)hlen + len + 1;
	do
		n = writev(log_fd, iov, 3);
	while (n < 0 && errno == EINTR);
	/* A regular file takes a writev whole unless the disk is full. */
	if ((n < 0 || (size_t)n != total) && !log_failed) {
		log_failed = true;
		log_warn("write to the log: %s", n < 0 ? strerror(errno) : "short write");
	}
}

void
shim_stream_init(struct shim_stream *s, int fd, enum pd_crilog_stream kind, shim_stream_tap_fn *tap,
		 size_t chunk)
{
	s->fd = fd;
	s->kind = kind;
	s->tap = tap;
	s->chunk = chunk;
	s->len = 0;
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Log the complete lines in buf and keep the rest at its start. A full
 * buffer without a newline goes out as a P piece. */
static void
emit(struct shim_stream *s, int log_fd)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(s->buf + start, '\n', s->len - start)) != NULL) {
		size_t end = (size_t)(nl - s->buf);

		write_line(log_fd, s->kind, s->buf + start, end - start, false);
		start = end + 1;
	}
	if (start == 0 && s->len == sizeof(s->buf)) {
		write_line(log_fd, s->kind, s->buf, s->len, true);
		start = s->len;
	}
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
}

int
shim_stream_read(struct shim_stream *s, int log_fd, size_t max)
{
	size_t got = 0;

	while (s->fd >= 0 && got < max) {
		size_t room = sizeof(s->buf) - s->len;
		ssize_t n = read(s->fd, s->buf + s->len, room < s->chunk ? room : s->chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n <= 0) {
			/* EOF, or an error no read will fix (EIO: a terminal
			 * whose other end is closed). */
			close_reset(&s->fd);
			return 0;
		}
		if (s->tap != NULL)
			s->tap(s->kind, s->buf + s->len, (size_t)n);
		got += (size_t)n;
		s->len += (size_t)n;
		emit(s, log_fd);
	}
	return s->fd >= 0;
}

void
shim_stream_flush(struct shim_stream *s, int log_fd)
{
	if (s->len > 0)
		write_line(log_fd, s->kind, s->buf, s->len, true);
	s->len = 0;
}

void
shim_stream_close(struct shim_stream *s)
{
	close_reset(&s->fd);
}
