/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCP relay of a proxy (proxy.h): accepting, a connect to the pod per
 * client, bytes both ways under a bound, EOFs passed on, failures turned
 * into resets. Binding is proxy.c's.
 */
#include "proxy_int.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "log.h"
#include "xalloc.h"

/* Reading resumes once the other side's queue is down to this. */
#define TCP_QUEUE_LOW (PROXY_TCP_QUEUE_MAX / 2)
/* The most read from a socket, and written to one, per wakeup (libevent's
 * bufferevents write 16 KiB by default). */
#define TCP_READ_MAX  ((size_t)256 * 1024)
#define TCP_MAX_WRITE ((size_t)256 * 1024)
/* After an accept error (EMFILE...), accepting pauses this long rather than
 * spinning on a listener that stays readable. */
#define ACCEPT_RETRY_MS 100

enum { CLIENT, POD };

struct tcp_side {
	struct tcp_conn *conn;   /* borrowed: the connection it is a side of */
	struct bufferevent *bev; /* owned: connects and writes */
	struct event *rd;        /* owned: reads (on_tcp_readable) */
	bool reading;            /* rd is added */
	bool eof;                /* this side sent EOF */
	bool shut;               /* this side was sent EOF (shutdown SHUT_WR) */
	bool paused;             /* reading stopped: the other side's queue is full */
};

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn) entry;
	struct proxy *p; /* borrowed: owns the connection */
	struct tcp_side side[2];
	bool connected; /* the pod side's connect completed */
};

static void
accepting_set(struct proxy *p, bool on)
{
	if (p->listener == NULL || p->accepting == on)
		return;
	p->accepting = on;
	if (on)
		evconnlistener_enable(p->listener);
	else
		evconnlistener_disable(p->listener);
}

/* Accept again unless at the cap or waiting out an accept error. */
static void
accepting_update(struct proxy *p)
{
	accepting_set(p, p->stats.conns < PROXY_TCP_MAX_CONNS &&
			     !evtimer_pending(p->accept_retry, NULL));
}

static struct tcp_side *
other(struct tcp_side *s)
{
	return s == &s->conn->side[CLIENT] ? &s->conn->side[POD] : &s->conn->side[CLIENT];
}

static void
side_reading(struct tcp_side *s, bool on)
{
	if (s->reading == on)
		return;
	s->reading = on;
	if (on)
		event_add(s->rd, NULL);
	else
		event_del(s->rd);
}

/* Make the next close of @bev's socket send RST: the relay failed, and the
 * peer should not mistake that for the other side's clean EOF. */
static void
reset_on_close(struct bufferevent *bev)
{
	const struct linger lg = {.l_onoff = 1, .l_linger = 0};
	evutil_socket_t fd = bufferevent_getfd(bev);

	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static void
conn_free(struct tcp_conn *c, bool reset)
{
	struct proxy *p = c->p;

	TAILQ_REMOVE(&p->conns, c, entry);
	for (int i = CLIENT; i <= POD; i++) {
		event_free(c->side[i].rd);
		if (reset)
			reset_on_close(c->side[i].bev);
		bufferevent_free(c->side[i].bev);
	}
	free(c);
	p->stats.conns--;
	accepting_update(p);
}

/* Send EOF to @s if the other side sent one and all it sent before has been
 * written; close the connection once both directions are done. Returns
 * true if the connection was freed. */
static bool
conn_shut_if_done(struct tcp_side *s)
{
	struct tcp_conn *c = s->conn;

	if (!other(s)->eof || s->shut || (s == &c->side[POD] && !c->connected) ||
	    evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
		return false;
	/* A failure here means the peer is gone; the direction is done all
	 * the same, and an error on the socket will show on the other one. */
	(void)shutdown(bufferevent_getfd(s->bev), SHUT_WR);
	s->shut = true;
	if (!c->side[CLIENT].shut || !c->side[POD].shut)
		return false;
	conn_free(c, false);
	return true;
}

/* Read what @fd holds, at most @room bytes, onto the end of @out, with no
 * copy in between. As read(2): the count, 0 at EOF, -1 with errno. */
static ssize_t
read_into(struct evbuffer *out, int fd, size_t room)
{
	struct evbuffer_iovec v[2];
	struct iovec iov[2];
	int avail = 0, nv, used = 0, filled;
	size_t want, left;
	ssize_t n;

	/* What is there and no more, so that a one-byte request does not
	 * reserve a big chunk; at least a page, to see an EOF or an error. */
	if (ioctl(fd, FIONREAD, &avail) < 0 || avail < 4096)
		avail = 4096;
	want = (size_t)avail < TCP_READ_MAX ? (size_t)avail : TCP_READ_MAX;
	want = want < room ? want : room;
	nv = evbuffer_reserve_space(out, (ev_ssize_t)want, v, 2);
	if (nv < 0) {
		errno = ENOMEM;
		return -1;
	}
	/* The extents may hold more than asked for: read @want at most. */
	for (left = want; used < nv && left > 0; used++) {
		iov[used].iov_base = v[used].iov_base;
		iov[used].iov_len = v[used].iov_len < left ? v[used].iov_len : left;
		left -= iov[used].iov_len;
	}
	n = readv(fd, iov, used);
	if (n <= 0) {
		int e = errno;

		evbuffer_commit_space(out, v, 0);
		errno = e;
		return n;
	}
	for (filled = 0, left = (size_t)n; filled < used && left > 0; filled++) {
		v[filled].iov_len = iov[filled].iov_len < left ? iov[filled].iov_len : left;
		left -= v[filled].iov_len;
	}
	evbuffer_commit_space(out, v, filled);
	return n;
}

static void
side_pause(struct tcp_side *s)
{
	side_reading(s, false);
	s->paused = true;
	s->conn->p->stats.paused++;
}

/* Bytes from one side: straight onto the other's queue, and no more
 * reading while that queue is over its bound. The bufferevents only connect
 * and write: libevent 2.1 reads at most 4 KiB per wakeup into one, which
 * costs a turn of the loop per 4 KiB (a quarter of the throughput here). */
static void
on_tcp_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_side *s = arg, *to = other(s);
	struct evbuffer *out = bufferevent_get_output(to->bev);
	size_t queued = evbuffer_get_length(out);
	ssize_t n;
	int e;

	(void)what;
	if (queued >= PROXY_TCP_QUEUE_MAX) {
		side_pause(s);
		return;
	}
	n = read_into(out, fd, PROXY_TCP_QUEUE_MAX - queued);
	e = errno;
	if (n > 0) {
		if (evbuffer_get_length(out) >= PROXY_TCP_QUEUE_MAX)
			side_pause(s);
		return;
	}
	if (n < 0 && (e == EAGAIN || e == EINTR))
		return;
	if (n == 0) {
		side_reading(s, false);
		s->eof = true;
		(void)conn_shut_if_done(to);
		return;
	}
	log_debug("proxy %u/tcp: read: %s", s->conn->p->map.host_port, strerror(e));
	conn_free(s->conn, true);
}

/* The queue towards @s went down to the write low watermark (or empty):
 * resume reading the other side, and pass on its EOF. */
static void
on_tcp_write(struct bufferevent *bev, void *arg)
{
	struct tcp_side *s = arg, *from = other(s);

	if (from->paused && evbuffer_get_length(bufferevent_get_output(bev)) <= TCP_QUEUE_LOW) {
		from->paused = false;
		side_reading(from, true);
	}
	(void)conn_shut_if_done(s);
}

static void
on_tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_side *s = arg;
	struct tcp_conn *c = s->conn;
	int e = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->connected = true;
		side_reading(s, true);
		(void)conn_shut_if_done(s);
		return;
	}
	/* A write failed, or the connect did: this side is gone. */
	if (s == &c->side[POD] && !c->connected) {
		c->p->stats.connect_failed++;
		log_debug("proxy %u/tcp: connect to the pod: %s", c->p->map.host_port, strerror(e));
	}
	conn_free(c, true);
}

/* Set up side @i of @c on @fd (owned from now on, even on failure). */
static int
side_init(struct tcp_conn *c, int i, evutil_socket_t fd)
{
	struct tcp_side *s = &c->side[i];
	const int on = 1;

	s->conn = c;
	s->bev = bufferevent_socket_new(c->p->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		evutil_closesocket(fd);
		return -1;
	}
	s->rd = event_new(c->p->base, fd, EV_READ | EV_PERSIST, on_tcp_readable, s);
	if (s->rd == NULL)
		return -1;
	/* Coalescing is the endpoints' business: whatever arrives is passed
	 * on at once (as docker-proxy does). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	bufferevent_set_max_single_write(s->bev, TCP_MAX_WRITE);
	bufferevent_setwatermark(s->bev, EV_WRITE, TCP_QUEUE_LOW, 0);
	bufferevent_setcb(s->bev, NULL, on_tcp_write, on_tcp_event, s);
	return 0;
}

static void
side_clear(struct tcp_side *s)
{
	if (s->rd != NULL)
		event_free(s->rd);
	if (s->bev != NULL)
		bufferevent_free(s->bev);
}

static void
on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct proxy *p = arg;
	struct tcp_conn *c = xcalloc(1, sizeof(*c));
	/* libevent's own connect would make the socket without CLOEXEC. */
	int pod_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int e = errno;

	(void)lev;
	(void)sa;
	(void)len;
	p->stats.accepted++;
	c->p = p;
	if (side_init(c, CLIENT, fd) < 0 || pod_fd < 0 || side_init(c, POD, pod_fd) < 0) {
		log_warn("proxy %u/tcp: cannot relay a connection: %s", p->map.host_port,
			 pod_fd < 0 ? strerror(e) : "out of memory");
		p->stats.connect_failed++;
		if (pod_fd >= 0 && c->side[POD].conn == NULL)
			evutil_closesocket(pod_fd);
		side_clear(&c->side[CLIENT]);
		side_clear(&c->side[POD]);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&p->conns, c, entry);
	p->stats.conns++;
	accepting_update(p);
	/* The client is read at once: what it sends before the pod answers
	 * waits in the pod side's queue, under the same bound. */
	side_reading(&c->side[CLIENT], true);
	if (bufferevent_socket_connect(c->side[POD].bev, (struct sockaddr *)&p->pod,
				       sizeof(p->pod)) < 0) {
		p->stats.connect_failed++;
		log_debug("proxy %u/tcp: connect to the pod: %s", p->map.host_port,
			  strerror(EVUTIL_SOCKET_ERROR()));
		conn_free(c, true);
	}
}

static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct proxy *p = arg;
	const struct timeval tv = {0, (suseconds_t)ACCEPT_RETRY_MS * 1000};

	(void)lev;
	p->stats.accept_errors++;
	log_warn("proxy %u/tcp: accept: %s; pausing %d ms", p->map.host_port,
		 strerror(EVUTIL_SOCKET_ERROR()), ACCEPT_RETRY_MS);
	evtimer_add(p->accept_retry, &tv);
	accepting_set(p, false);
}

static void
on_accept_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	accepting_update(arg);
}

int
proxy_tcp_start(struct proxy *p, int fd, struct pd_err *err)
{
	p->accept_retry = evtimer_new(p->base, on_accept_retry, p);
	if (p->accept_retry == NULL) {
		close(fd);
		return pd_fail(err, PD_E_SYSTEM, "cannot make a libevent timer");
	}
	/* Once made, the listener owns @fd. Accepted sockets are nonblocking
	 * and close-on-exec (accept4). */
	p->listener = evconnlistener_new(p->base, on_accept, p,
					 LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (p->listener == NULL) {
		close(fd);
		return pd_fail(err, PD_E_SYSTEM, "cannot make a libevent listener");
	}
	evconnlistener_set_error_cb(p->listener, on_accept_error);
	p->accepting = true;
	return 0;
}

void
proxy_tcp_stop(struct proxy *p)
{
	if (p->listener != NULL)
		evconnlistener_free(p->listener);
	p->listener = NULL;
	/* conn_free unlinks c from c->p, which the analyzer cannot tell is p. */
	while (!TAILQ_EMPTY(&p->conns))
		conn_free(TAILQ_FIRST(&p->conns), true); /* NOLINT(clang-analyzer-unix.Malloc) */
	if (p->accept_retry != NULL)
		event_free(p->accept_retry);
	p->accept_retry = NULL;
}
