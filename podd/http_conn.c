/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server's client connections: how long each may idle or take to
 * send a request, how many there may be, and what happens when podd runs
 * out of file descriptors.
 *
 * evhttp's own timeout is one idle timer per read and per write. It cuts
 * replies that wait for an event (a wait, a log follow), and it does not
 * bound a client that trickles its request a byte at a time. So podd sets
 * none and keeps its own state per connection:
 *
 *   IDLE     no request in flight and no byte of the next one: closed after
 *            the idle timeout (--idle-timeout).
 *   READING  a request's first byte came: the whole request (headers and
 *            body) must be in within the read deadline (--read-timeout).
 *   BUSY     a handler holds the request: no timer at all, however long the
 *            answer takes. The connection is watched for the client's
 *            close, which detaches the request (see http_pending).
 *
 * Connections are capped (--max-clients): past the cap the oldest one
 * with no request in flight is closed. When accept() fails for lack of
 * descriptors the listener pauses rather than spin on a socket that stays
 * readable: an idle client is closed to make room, else accepting resumes
 * when a client leaves (or after a second, for descriptors freed
 * elsewhere). That is logged at most once a minute.
 *
 * libevent gives the listener's error callback and a request no pointer of
 * ours, and podd serves one socket, so the registry is one static.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "http.h"
#include "log.h"
#include "timefmt.h"
#include "xalloc.h"

/* Bytes podd reads ahead of a request it is still handling: a client
 * cannot make it buffer more (a pipelined request waits its turn). */
#define CONN_READ_AHEAD (256 * 1024)
/* How often the out-of-descriptors warning may be logged, in seconds. */
#define EMFILE_LOG_EVERY_S 60

enum conn_state { CONN_IDLE, CONN_READING, CONN_BUSY };

struct http_conn {
	TAILQ_ENTRY(http_conn) entry;    /* oldest first (by the last time it went idle) */
	struct http_conns *cs;           /* borrowed */
	struct bufferevent *bev;         /* borrowed from evhttp */
	struct evhttp_connection *evcon; /* borrowed; NULL until adopted */
	struct event *timer;             /* owned: the idle or read deadline */
	enum conn_state state;
	http_gone_fn *gone; /* told when the client leaves mid-request */
	void *gone_arg;
};

TAILQ_HEAD(http_conn_list, http_conn);

struct http_conns {
	struct event_base *base;       /* borrowed */
	struct http_limits lim;        /* copied */
	struct http_conn_list conns;   /* owned */
	struct http_conn_list fresh;   /* owned: accepted, evhttp's setup not seen yet */
	unsigned n;                    /* conns + fresh */
	struct event *adopt;           /* owned: runs right after an accept */
	struct evconnlistener *lst;    /* borrowed, set when paused */
	struct event *resume;          /* owned: accept again after a pause */
	bool closing;                  /* podd stops: accept nothing again */
	time_t emfile_logged;          /* monotonic seconds of the last warning */
	unsigned long emfile_unlogged; /* failures since then */
};

static struct http_conns *registry;

static void conn_close(struct http_conn *conn);

static void
arm(struct http_conn *conn, unsigned secs)
{
	struct timeval tv = {.tv_sec = secs};

	if (secs == 0)
		event_del(conn->timer);
	else
		event_add(conn->timer, &tv);
}

static void
go_idle(struct http_conn *conn)
{
	struct http_conns *cs = conn->cs;

	conn->state = CONN_IDLE;
	TAILQ_REMOVE(&cs->conns, conn, entry);
	TAILQ_INSERT_TAIL(&cs->conns, conn, entry);
	arm(conn, cs->lim.idle_timeout_s);
	/* A pipelined request is already in: its deadline runs now. */
	if (evbuffer_get_length(bufferevent_get_input(conn->bev)) > 0) {
		conn->state = CONN_READING;
		arm(conn, cs->lim.read_timeout_s);
	}
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *conn = arg;

	(void)fd;
	(void)what;
	log_debug("client connection %s: closed", conn->state == CONN_READING
						      ? "did not send its request in time"
						      : "idle too long");
	conn_close(conn);
}

/* Data came in: the first byte of a request starts its deadline. */
static void
on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct http_conn *conn = arg;

	(void)buf;
	if (info->n_added == 0 || conn->state != CONN_IDLE)
		return;
	conn->state = CONN_READING;
	arm(conn, conn->cs->lim.read_timeout_s);
}

static void
resume_accepting(struct http_conns *cs)
{
	if (cs->lst == NULL || cs->closing)
		return;
	evconnlistener_enable(cs->lst);
	cs->lst = NULL;
	event_del(cs->resume);
}

/* evhttp frees the connection: forget it, tell whoever waits on it. */
static void
on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *conn = arg;
	struct http_conns *cs = conn->cs;

	(void)evcon;
	if (conn->gone != NULL)
		conn->gone(conn->gone_arg);
	evbuffer_remove_cb(bufferevent_get_input(conn->bev), on_input, conn);
	event_free(conn->timer);
	TAILQ_REMOVE(&cs->conns, conn, entry);
	cs->n--;
	free(conn);
	/* A descriptor is free again. */
	resume_accepting(cs);
}

static void
conn_close(struct http_conn *conn)
{
	/* Calls on_conn_close, which frees @conn. */
	evhttp_connection_free(conn->evcon);
}

/* evhttp has made the connections of the last accepts: learn them. */
static void
adopt_fresh(struct http_conns *cs)
{
	struct http_conn *conn;

	while ((conn = TAILQ_FIRST(&cs->fresh)) != NULL) {
		void *evcon = NULL;

		TAILQ_REMOVE(&cs->fresh, conn, entry);
		TAILQ_INSERT_TAIL(&cs->conns, conn, entry);
		/* evhttp makes its connection the bufferevent's argument. */
		bufferevent_getcb(conn->bev, NULL, NULL, NULL, &evcon);
		conn->evcon = evcon;
		evhttp_connection_set_closecb(conn->evcon, on_conn_close, conn);
	}
}

/* The oldest connection with no request in flight; idle ones first. */
static struct http_conn *
oldest_unbusy(struct http_conns *cs)
{
	struct http_conn *conn, *reading = NULL;

	TAILQ_FOREACH (conn, &cs->conns, entry) {
		if (conn->state == CONN_IDLE)
			return conn;
		if (conn->state == CONN_READING && reading == NULL)
			reading = conn;
	}
	return reading;
}

static void
on_adopt(evutil_socket_t fd, short what, void *arg)
{
	struct http_conns *cs = arg;
	struct http_conn *victim;

	(void)fd;
	(void)what;
	adopt_fresh(cs);
	while (cs->n > cs->lim.max_clients && (victim = oldest_unbusy(cs)) != NULL) {
		log_debug("%u clients, over the limit of %u: closing the oldest idle one", cs->n,
			  cs->lim.max_clients);
		conn_close(victim);
	}
}

/* evhttp_set_bevcb: a client was accepted; its bufferevent is ours to make. */
static struct bufferevent *
on_accept(struct event_base *base, void *arg)
{
	struct http_conns *cs = arg;
	struct http_conn *conn = xcalloc(1, sizeof(*conn));

	conn->cs = cs;
	conn->bev = bufferevent_socket_new(base, -1, 0);
	conn->timer = evtimer_new(base, on_timer, conn);
	if (conn->bev == NULL || conn->timer == NULL)
		abort();
	bufferevent_setwatermark(conn->bev, EV_READ, 0, CONN_READ_AHEAD);
	evbuffer_add_cb(bufferevent_get_input(conn->bev), on_input, conn);
	conn->state = CONN_IDLE;
	arm(conn, cs->lim.idle_timeout_s);
	/* Earlier accepts of this round are set up by now. */
	adopt_fresh(cs);
	TAILQ_INSERT_TAIL(&cs->fresh, conn, entry);
	cs->n++;
	event_active(cs->adopt, EV_TIMEOUT, 0);
	if (cs->emfile_unlogged > 0 && cs->lst == NULL) {
		log_info("accepting clients again (%lu accepts failed for lack of descriptors)",
			 cs->emfile_unlogged);
		cs->emfile_unlogged = 0;
	}
	return conn->bev;
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	resume_accepting(arg);
}

/* accept() failed with something other than a retry: pause, never spin. */
static void
on_accept_error(struct evconnlistener *lst, void *arg)
{
	struct http_conns *cs = registry;
	int e = errno;
	struct timeval second = {.tv_sec = 1};
	time_t now = (time_t)(pd_time_mono_ms() / 1000);
	struct http_conn *victim;

	(void)arg;
	evconnlistener_disable(lst);
	cs->lst = lst;
	cs->emfile_unlogged++;
	if (cs->emfile_logged == 0 || now - cs->emfile_logged >= EMFILE_LOG_EVERY_S) {
		log_warn("cannot accept a client: %s (%u clients); closing idle ones, "
			 "pausing accepts until descriptors free",
			 strerror(e), cs->n);
		cs->emfile_logged = now;
	}
	adopt_fresh(cs);
	victim = oldest_unbusy(cs);
	if (victim != NULL && (e == EMFILE || e == ENFILE)) {
		conn_close(victim); /* resumes accepting */
		return;
	}
	event_add(cs->resume, &second);
}

struct http_conns *
http_conns_new(struct event_base *base, struct evhttp *http, struct evconnlistener *lst,
	       const struct http_limits *lim)
{
	struct http_conns *cs = xcalloc(1, sizeof(*cs));

	cs->base = base;
	cs->lim = *lim;
	TAILQ_INIT(&cs->conns);
	TAILQ_INIT(&cs->fresh);
	cs->adopt = event_new(base, -1, 0, on_adopt, cs);
	cs->resume = evtimer_new(base, on_resume, cs);
	if (cs->adopt == NULL || cs->resume == NULL)
		abort();
	registry = cs;
	evhttp_set_bevcb(http, on_accept, cs);
	evconnlistener_set_error_cb(lst, on_accept_error);
	return cs;
}

void
http_conns_stop(struct http_conns *cs)
{
	if (cs == NULL)
		return;
	/* evhttp_free frees the listener before the connections, whose
	 * close must then not enable it again. */
	cs->closing = true;
	cs->lst = NULL;
	event_del(cs->resume);
}

void
http_conns_free(struct http_conns *cs)
{
	struct http_conn *conn;

	if (cs == NULL)
		return;
	/* evhttp_free has closed every connection it told us of; one accepted
	 * in the loop's last round was never adopted. */
	while ((conn = TAILQ_FIRST(&cs->fresh)) != NULL) {
		TAILQ_REMOVE(&cs->fresh, conn, entry);
		event_free(conn->timer);
		free(conn);
	}
	event_free(cs->adopt);
	event_free(cs->resume);
	if (registry == cs)
		registry = NULL;
	free(cs);
}

static struct http_conn *
conn_of(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct http_conn *conn;

	if (evcon == NULL || registry == NULL)
		return NULL;
	adopt_fresh(registry);
	TAILQ_FOREACH (conn, &registry->conns, entry)
		if (conn->evcon == evcon)
			return conn;
	return NULL;
}

static void
on_reply_done(struct evhttp_request *req, void *arg)
{
	struct http_conn *conn = arg;

	(void)req;
	conn->gone = NULL;
	go_idle(conn);
}

void
http_conn_begin(struct evhttp_request *req)
{
	struct http_conn *conn = conn_of(req);

	if (conn == NULL)
		return;
	conn->state = CONN_BUSY;
	conn->gone = NULL;
	arm(conn, 0);
	evhttp_request_set_on_complete_cb(req, on_reply_done, conn);
}

void
http_conn_handled(struct evhttp_request *req)
{
	struct http_conn *conn = conn_of(req);
	bufferevent_data_cb readcb, writecb;
	bufferevent_event_cb eventcb;
	void *cbarg;

	if (conn == NULL || conn->state != CONN_BUSY)
		return;
	/* The answer comes later: watch for the client's close meanwhile.
	 * evhttp's read callback must not see bytes in this state (it aborts
	 * on them), so none is set while the reply is pending, as evhttp
	 * itself does while it writes one. */
	bufferevent_getcb(conn->bev, &readcb, &writecb, &eventcb, &cbarg);
	bufferevent_setcb(conn->bev, NULL, writecb, eventcb, cbarg);
	bufferevent_enable(conn->bev, EV_READ);
}

void
http_conn_on_gone(struct evhttp_request *req, http_gone_fn *fn, void *arg)
{
	struct http_conn *conn = conn_of(req);

	if (conn == NULL)
		return;
	conn->gone = fn;
	conn->gone_arg = arg;
}

size_t
http_conn_unsent(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon == NULL)
		return 0;
	return evbuffer_get_length(
	    bufferevent_get_output(evhttp_connection_get_bufferevent(evcon)));
}
