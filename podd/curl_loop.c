/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl's multi interface on libevent; see curl_loop.h. The shape follows
 * curl's documented multi_socket contract (curl_multi_socket_action(3)):
 * one event per socket curl names, one timer, and completed transfers read
 * with curl_multi_info_read after every action.
 */
#include "curl_loop.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "log.h"
#include "xalloc.h"

struct xfer {
	TAILQ_ENTRY(xfer) entry;
	CURL *easy; /* borrowed: its owner frees it */
	curl_loop_done_fn *done;
	void *arg;
};

TAILQ_HEAD(xfer_list, xfer);
struct sock;
TAILQ_HEAD(sock_list, sock);

struct curl_loop {
	struct event_base *base; /* borrowed */
	CURLM *multi;            /* owned */
	struct event *timer;     /* owned */
	struct event *reap;      /* owned: runs completions outside curl's calls */
	struct xfer_list xfers;  /* owned */
	struct sock_list socks;  /* owned */
};

/* One socket curl asked us to watch. */
struct sock {
	TAILQ_ENTRY(sock) entry;
	struct curl_loop *cl; /* borrowed */
	struct event *ev;     /* owned */
};

static void
check_done(struct curl_loop *cl)
{
	struct CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(cl->multi, &left)) != NULL) {
		struct xfer *x = NULL;
		CURL *easy = m->easy_handle;
		CURLcode rc = m->data.result;

		if (m->msg != CURLMSG_DONE)
			continue;
		(void)curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(cl->multi, easy);
		if (x == NULL)
			continue;
		TAILQ_REMOVE(&cl->xfers, x, entry);
		curl_loop_done_fn *done = x->done;
		void *arg = x->arg;

		free(x);
		(void)curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		done(easy, rc, arg);
	}
}

static void
on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct curl_loop *cl = arg;
	int flags =
	    (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;

	curl_multi_socket_action(cl->multi, fd, flags, &running);
	check_done(cl);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct curl_loop *cl = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(cl);
}

static void
on_reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	check_done(arg);
}

static int
on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct curl_loop *cl = userp;
	struct sock *sk = socketp;
	short kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			TAILQ_REMOVE(&cl->socks, sk, entry);
			event_free(sk->ev);
			free(sk);
			curl_multi_assign(cl->multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	       (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (sk == NULL) {
		sk = xcalloc(1, sizeof(*sk));
		sk->cl = cl;
		TAILQ_INSERT_TAIL(&cl->socks, sk, entry);
		curl_multi_assign(cl->multi, s, sk);
	} else {
		event_free(sk->ev);
	}
	sk->ev = event_new(cl->base, s, kind, on_socket, cl);
	if (sk->ev == NULL)
		abort();
	event_add(sk->ev, NULL);
	return 0;
}

static int
on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct curl_loop *cl = userp;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000};

	(void)multi;
	if (timeout_ms < 0)
		evtimer_del(cl->timer);
	else
		evtimer_add(cl->timer, &tv);
	return 0;
}

struct curl_loop *
curl_loop_new(struct event_base *base, struct pd_err *err)
{
	static bool global_done;
	struct curl_loop *cl;

	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			pd_fail(err, PD_E_SYSTEM, "libcurl cannot start");
			return NULL;
		}
		global_done = true;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->base = base;
	TAILQ_INIT(&cl->xfers);
	TAILQ_INIT(&cl->socks);
	cl->multi = curl_multi_init();
	cl->timer = evtimer_new(base, on_timer, cl);
	cl->reap = event_new(base, -1, 0, on_reap, cl);
	if (cl->multi == NULL || cl->timer == NULL || cl->reap == NULL) {
		curl_loop_free(cl);
		pd_fail(err, PD_E_SYSTEM, "cannot create a transfer loop");
		return NULL;
	}
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
	/* Layers of one image from one registry: a few connections, reused. */
	curl_multi_setopt(cl->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
	return cl;
}

int
curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done_fn *done, void *arg,
	      struct pd_err *err)
{
	struct xfer *x = xcalloc(1, sizeof(*x));

	x->easy = easy;
	x->done = done;
	x->arg = arg;
	(void)curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
	if (curl_multi_add_handle(cl->multi, easy) != CURLM_OK) {
		(void)curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(x);
		return pd_fail(err, PD_E_SYSTEM, "cannot start a transfer");
	}
	TAILQ_INSERT_TAIL(&cl->xfers, x, entry);
	/* A transfer that fails at once (a bad URL) is reported by the next
	 * info read: make sure one comes even if no socket or timer fires. */
	event_active(cl->reap, 0, 0);
	return 0;
}

void
curl_loop_cancel(struct curl_loop *cl, CURL *easy)
{
	struct xfer *x = NULL;

	if (cl == NULL || easy == NULL)
		return;
	(void)curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
	if (x == NULL)
		return;
	curl_multi_remove_handle(cl->multi, easy);
	TAILQ_REMOVE(&cl->xfers, x, entry);
	(void)curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	free(x);
}

void
curl_loop_free(struct curl_loop *cl)
{
	struct xfer *x;
	struct sock *sk;

	if (cl == NULL)
		return;
	while ((x = TAILQ_FIRST(&cl->xfers)) != NULL)
		curl_loop_cancel(cl, x->easy);
	/* Closing the cached connections may or may not tell on_curl_socket:
	 * whatever it was not told about is freed after. */
	if (cl->multi != NULL)
		curl_multi_cleanup(cl->multi);
	while ((sk = TAILQ_FIRST(&cl->socks)) != NULL) {
		TAILQ_REMOVE(&cl->socks, sk, entry);
		event_free(sk->ev);
		free(sk);
	}
	if (cl->timer != NULL)
		event_free(cl->timer);
	if (cl->reap != NULL)
		event_free(cl->reap);
	free(cl);
}
