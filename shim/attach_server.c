/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach server of podd-monitor; see attach_server.h and lib/attach.h.
 *
 * Each client is a connected SOCK_SEQPACKET socket, kept blocking: the
 * loop sends and receives with MSG_DONTWAIT, and only the last messages
 * (after the process ended) are sent blocking, with a send timeout, so a
 * client that stopped reading cannot hold the exit file back for long.
 * A message a client could not take whole waits in its slot; no more
 * output is read until it went.
 */
#include "attach_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "log.h"

/* How long a last message may wait for a slow client, in seconds. */
#define LAST_SEND_TIMEOUT_S 2

struct client {
	int fd;          /* -1: a free slot */
	size_t pend_len; /* a message that waits for room in the socket */
	char *pend;      /* PD_ATTACH_MSG_MAX bytes of pend_bufs */
};

/* Apart from the clients, so that setting up a slot touches none of these
 * pages: a monitor nobody attaches to keeps them out of its memory. */
static char pend_bufs[PD_ATTACH_CLIENTS_MAX][PD_ATTACH_MSG_MAX];

static struct {
	int listen_fd;
	int stdin_fd; /* with a terminal, a second fd of it: never closed for EOF */
	int tty_fd;
	long long hold_until; /* CLOCK_MONOTONIC ms; 0: not holding */
	bool blocking;        /* the process has ended: last sends may wait */
	struct client clients[PD_ATTACH_CLIENTS_MAX];
	/* Input that the process's stdin did not take yet. */
	char in[PD_ATTACH_MSG_MAX];
	size_t in_off, in_len;
	/* A terminal's last output, for a client that connects. */
	char ring[PD_ATTACH_REPLAY_MAX];
	size_t ring_pos, ring_len;
	/* Who each pollfd of the last shim_attach_pollfds() is. */
	int owner[SHIM_ATTACH_POLLFDS];
} a;

enum { OWNER_LISTEN = -1, OWNER_STDIN = -2 };

void
shim_attach_init(const struct shim_attach_conf *c)
{
	a.listen_fd = c->listen_fd;
	a.stdin_fd = c->stdin_fd;
	a.tty_fd = c->tty_fd;
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++) {
		a.clients[i].fd = -1;
		a.clients[i].pend = pend_bufs[i];
	}
	if (c->hold_ms > 0 && c->listen_fd >= 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		a.hold_until = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + c->hold_ms;
	}
}

static bool
holding(long long now_ms)
{
	if (a.hold_until != 0 && now_ms >= a.hold_until)
		a.hold_until = 0;
	return a.hold_until != 0;
}

static void
drop_client(struct client *c)
{
	close_reset(&c->fd);
	c->pend_len = 0;
}

static void
close_stdin(void)
{
	close_reset(&a.stdin_fd);
	a.in_off = a.in_len = 0;
}

/* Send one message; what does not go now waits in the slot (or, once the
 * process has ended, is waited for). */
static void
client_send(struct client *c, const char *msg, size_t len)
{
	ssize_t n;

	if (c->pend_len > 0) {
		/* Cannot happen while output waits for the slot to empty. */
		drop_client(c);
		return;
	}
	do
		n = send(c->fd, msg, len, MSG_NOSIGNAL | (a.blocking ? 0 : MSG_DONTWAIT));
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return; /* a record goes whole or not at all */
	if (errno == EAGAIN && !a.blocking) {
		memcpy(c->pend, msg, len);
		c->pend_len = len;
		return;
	}
	drop_client(c);
}

static void
client_flush(struct client *c)
{
	size_t len = c->pend_len;

	c->pend_len = 0;
	if (len > 0)
		client_send(c, c->pend, len);
}

/* What the terminal last showed, oldest first, in messages. */
static void
replay(struct client *c)
{
	char msg[PD_ATTACH_MSG_MAX];
	size_t start = (a.ring_pos + sizeof(a.ring) - a.ring_len) % sizeof(a.ring);
	size_t left = a.ring_len;

	msg[0] = PD_ATTACH_STDOUT;
	while (left > 0 && c->fd >= 0 && c->pend_len == 0) {
		size_t n = left < sizeof(msg) - 1 ? left : sizeof(msg) - 1;

		for (size_t i = 0; i < n; i++)
			msg[1 + i] = a.ring[(start + i) % sizeof(a.ring)];
		client_send(c, msg, n + 1);
		start = (start + n) % sizeof(a.ring);
		left -= n;
	}
}

static void
accept_client(void)
{
	int fd = accept4(a.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++) {
		struct client *c = &a.clients[i];

		if (c->fd >= 0)
			continue;
		c->fd = fd;
		c->pend_len = 0;
		a.hold_until = 0;
		if (a.tty_fd >= 0)
			replay(c);
		return;
	}
	close(fd); /* full: the client sees the connection closed */
}

/* Write what waits for stdin; 0 when all went or stdin is gone. */
static void
stdin_flush(void)
{
	while (a.stdin_fd >= 0 && a.in_off < a.in_len) {
		ssize_t n = write(a.stdin_fd, a.in + a.in_off, a.in_len - a.in_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			/* EPIPE: the process closed its stdin; a terminal's
			 * error ends input, not the terminal. */
			if (a.tty_fd >= 0) {
				a.in_off = a.in_len = 0;
				return;
			}
			close_stdin();
			return;
		}
		a.in_off += (size_t)n;
	}
	a.in_off = a.in_len = 0;
}

static void
client_input(struct client *c)
{
	char msg[PD_ATTACH_MSG_MAX];
	ssize_t n;

	do
		n = recv(c->fd, msg, sizeof(msg), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop_client(c);
		return;
	}
	switch (msg[0]) {
	case PD_ATTACH_STDIN:
		if (a.stdin_fd < 0 || n == 1)
			return;
		memcpy(a.in, msg + 1, (size_t)n - 1);
		a.in_off = 0;
		a.in_len = (size_t)n - 1;
		stdin_flush();
		return;
	case PD_ATTACH_EOF:
		if (a.stdin_fd >= 0 && a.tty_fd < 0)
			close_stdin();
		return;
	case PD_ATTACH_RESIZE: {
		struct pd_attach_winsize w;
		struct winsize ws = {0};

		if (a.tty_fd < 0 || (size_t)n != 1 + sizeof(w))
			return;
		memcpy(&w, msg + 1, sizeof(w));
		ws.ws_row = w.rows;
		ws.ws_col = w.cols;
		if (ioctl(a.tty_fd, TIOCSWINSZ, &ws) < 0)
			log_warn("resize the terminal: %s", strerror(errno));
		return;
	}
	default:
		return; /* unknown: ignored, for clients newer than this monitor */
	}
}

bool
shim_attach_output_ready(long long now_ms)
{
	if (holding(now_ms))
		return false;
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++)
		if (a.clients[i].fd >= 0 && a.clients[i].pend_len > 0)
			return false;
	return true;
}

bool
shim_attach_has_clients(void)
{
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++)
		if (a.clients[i].fd >= 0)
			return true;
	return false;
}

int
shim_attach_timeout(long long now_ms)
{
	if (!holding(now_ms))
		return -1;
	return (int)(a.hold_until - now_ms);
}

int
shim_attach_pollfds(struct pollfd *p)
{
	bool input_waits = a.in_off < a.in_len;
	int n = 0;

	if (a.listen_fd >= 0) {
		a.owner[n] = OWNER_LISTEN;
		p[n++] = (struct pollfd){.fd = a.listen_fd, .events = POLLIN};
	}
	if (a.stdin_fd >= 0 && input_waits) {
		a.owner[n] = OWNER_STDIN;
		p[n++] = (struct pollfd){.fd = a.stdin_fd, .events = POLLOUT};
	}
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++) {
		const struct client *c = &a.clients[i];

		if (c->fd < 0)
			continue;
		a.owner[n] = i;
		p[n++] = (struct pollfd){
		    .fd = c->fd,
		    .events = (short)((input_waits ? 0 : POLLIN) | (c->pend_len ? POLLOUT : 0))};
	}
	return n;
}

void
shim_attach_events(const struct pollfd *p, int n)
{
	for (int i = 0; i < n; i++) {
		struct client *c;

		if (p[i].revents == 0)
			continue;
		if (a.owner[i] == OWNER_LISTEN) {
			accept_client();
			continue;
		}
		if (a.owner[i] == OWNER_STDIN) {
			if (p[i].revents & (POLLERR | POLLHUP)) {
				if (a.tty_fd < 0)
					close_stdin();
				else
					a.in_off = a.in_len = 0;
			} else {
				stdin_flush();
			}
			continue;
		}
		c = &a.clients[a.owner[i]];
		if (c->fd < 0)
			continue;
		if (p[i].revents & POLLOUT)
			client_flush(c);
		if (c->fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			client_input(c);
	}
}

static void
ring_add(const char *data, size_t len)
{
	if (len >= sizeof(a.ring)) {
		data += len - sizeof(a.ring);
		len = sizeof(a.ring);
	}
	for (size_t i = 0; i < len; i++) {
		a.ring[a.ring_pos] = data[i];
		a.ring_pos = (a.ring_pos + 1) % sizeof(a.ring);
	}
	a.ring_len = a.ring_len + len > sizeof(a.ring) ? sizeof(a.ring) : a.ring_len + len;
}

void
shim_attach_output(enum pd_crilog_stream kind, const char *data, size_t len)
{
	char msg[PD_ATTACH_MSG_MAX];

	if (a.tty_fd >= 0)
		ring_add(data, len);
	if (len == 0 || len > sizeof(msg) - 1)
		return;
	msg[0] = kind == PD_CRILOG_STDERR ? PD_ATTACH_STDERR : PD_ATTACH_STDOUT;
	memcpy(msg + 1, data, len);
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++)
		if (a.clients[i].fd >= 0)
			client_send(&a.clients[i], msg, len + 1);
}

void
shim_attach_before_drain(long long now_ms)
{
	struct timeval tv = {.tv_sec = LAST_SEND_TIMEOUT_S};
	int left;

	while ((left = shim_attach_timeout(now_ms)) >= 0 && !shim_attach_has_clients()) {
		struct pollfd p = {.fd = a.listen_fd, .events = POLLIN};
		struct timespec ts;

		if (poll(&p, 1, left) > 0)
			accept_client();
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	a.hold_until = 0;
	a.blocking = true;
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++) {
		struct client *c = &a.clients[i];

		if (c->fd < 0)
			continue;
		if (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
			drop_client(c);
			continue;
		}
		client_flush(c);
	}
}

void
shim_attach_finish(int exit_code)
{
	char msg[1 + sizeof(int32_t)];
	int32_t code = exit_code;

	msg[0] = PD_ATTACH_EXIT;
	memcpy(msg + 1, &code, sizeof(code));
	for (int i = 0; i < PD_ATTACH_CLIENTS_MAX; i++) {
		struct client *c = &a.clients[i];

		if (c->fd >= 0)
			client_send(c, msg, sizeof(msg));
		drop_client(c);
	}
	close_reset(&a.listen_fd);
	if (a.stdin_fd >= 0)
		close_stdin();
	close_reset(&a.tty_fd);
}
