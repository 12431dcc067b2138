/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event bus (events.h): a ring of numbered events and the followers of
 * GET /v1/events, each a chunked reply of JSON lines.
 *
 * A follower sends from its next number up to the newest, as long as its
 * client keeps up: past FOLLOWER_UNSENT_MAX unread bytes it waits for
 * evhttp's "all written" callback, then reads on from the ring. One the
 * ring has overtaken is ended, so that a client never misses events
 * without knowing. With an until, the stream ends once every event up to
 * it has been sent (a timer ends it at that time). A follower may also be
 * a sink of another server's (events_follow: the Engine API's /events),
 * which says itself when its consumer is full and when it has room again.
 */
#include "events.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cleanup.h"
#include "container.h"
#include "events_query.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "podd.h"
#include "timefmt.h"
#include "xalloc.h"

/* Reply bytes a follower lets wait for its client before it pauses. */
#define FOLLOWER_UNSENT_MAX ((size_t)256 * 1024)

struct ring_entry {
	int64_t time_ns;
	json_t *ev; /* owned */
	char *line; /* owned: the JSON line with its '\n' */
	size_t len;
};

struct event_follower {
	TAILQ_ENTRY(event_follower) entry;
	struct events *evs;             /* borrowed */
	struct evhttp_request *req;     /* borrowed from evhttp, or NULL */
	const struct events_sink *sink; /* or a sink (events_follow) */
	void *sink_arg;
	struct events_query q;
	uint64_t next;          /* number of the next event to look at */
	struct event *until_ev; /* owned: ends the stream at until, or NULL */
	bool blocked;           /* waits for its client to read */
	bool ending;            /* ends once it has caught up */
};
TAILQ_HEAD(event_follower_list, event_follower);

struct events {
	struct podd *d; /* borrowed */
	struct ring_entry ring[EVENTS_RING];
	uint64_t head;   /* number of the next event; ring[n % EVENTS_RING] holds n */
	int64_t last_ns; /* time of the newest: times only grow */
	struct event_follower_list followers;
};

static struct events *
events_get(struct podd *d)
{
	if (d->events == NULL) {
		d->events = xcalloc(1, sizeof(*d->events));
		d->events->d = d;
		TAILQ_INIT(&d->events->followers);
	}
	return d->events;
}

static uint64_t
oldest(const struct events *evs)
{
	return evs->head > EVENTS_RING ? evs->head - EVENTS_RING : 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* End @f's reply (if its client is still there) and free it. */
static void
follower_end(struct event_follower *f)
{
	TAILQ_REMOVE(&f->evs->followers, f, entry);
	if (f->until_ev != NULL)
		event_free(f->until_ev);
	if (f->req != NULL) {
		http_conn_on_gone(f->req, NULL, NULL);
		evhttp_send_reply_end(f->req);
	}
	if (f->sink != NULL)
		f->sink->end(f->sink_arg);
	free(f);
}

static void on_drained(struct evhttp_connection *evcon, void *arg);

/* Give @f the ring's entry @e: into @out for an evhttp client, else to
 * its sink. Returns false when its consumer is full. */
static bool
follower_give(struct event_follower *f, const struct ring_entry *e, struct evbuffer *out)
{
	if (f->sink != NULL)
		return f->sink->send(f->sink_arg, e->ev);
	evbuffer_add(out, e->line, e->len);
	return http_conn_unsent(f->req) + evbuffer_get_length(out) < FOLLOWER_UNSENT_MAX;
}

/* Send what @f has not sent, as far as its client keeps up; end it when it
 * has caught up and is ending, or when it has lost events. */
static void
follower_pump(struct event_follower *f)
{
	struct events *evs = f->evs;
	struct evbuffer *out;

	if ((f->req == NULL && f->sink == NULL) || f->blocked)
		return;
	if (f->next < oldest(evs)) {
		log_warn("events: a client read too slowly and lost events; its stream ends");
		follower_end(f);
		return;
	}
	out = evbuffer_new();
	if (out == NULL)
		abort();
	for (; f->next < evs->head; f->next++) {
		const struct ring_entry *e = &evs->ring[f->next % EVENTS_RING];

		if (f->q.until_ns >= 0 && e->time_ns > f->q.until_ns) {
			f->ending = true;
			f->next = evs->head;
			break;
		}
		if (!events_query_match(&f->q, e->ev))
			continue;
		if (!follower_give(f, e, out)) {
			f->blocked = true;
			f->next++;
			break;
		}
	}
	if (evbuffer_get_length(out) > 0)
		evhttp_send_reply_chunk_with_cb(f->req, out, on_drained, f);
	evbuffer_free(out);
	if (!f->blocked && f->ending)
		follower_end(f);
}

/* Its client has read every byte sent: read on. */
static void
on_drained(struct evhttp_connection *evcon, void *arg)
{
	struct event_follower *f = arg;

	(void)evcon;
	if (!f->blocked)
		return;
	f->blocked = false;
	follower_pump(f);
}

/* The client left: evhttp has detached the request and leaves it to us;
 * ending the reply frees it. */
static void
on_client_gone(void *arg)
{
	struct event_follower *f = arg;

	evhttp_send_reply_end(f->req);
	f->req = NULL;
	follower_end(f);
}

static void
on_until(evutil_socket_t fd, short what, void *arg)
{
	struct event_follower *f = arg;

	(void)fd;
	(void)what;
	f->ending = true;
	follower_pump(f);
}

void
events_emit(struct podd *d, const char *type, const char *action, const char *id, const char *name,
	    const char *pod_name, json_t *attrs)
{
	struct events *evs = events_get(d);
	struct ring_entry *e = &evs->ring[evs->head % EVENTS_RING];
	struct event_follower *f, *next;
	struct timespec ts;
	char when[PD_TIME_RFC3339_MAX];
	int64_t t = now_ns();
	json_t *ev;
	char *dump;

	if (t <= evs->last_ns)
		t = evs->last_ns + 1;
	evs->last_ns = t;
	ts.tv_sec = (time_t)(t / 1000000000LL);
	ts.tv_nsec = (long)(t % 1000000000LL);
	pd_time_rfc3339(&ts, when, sizeof(when));
	if (attrs == NULL || !json_is_object(attrs)) {
		json_decref(attrs);
		attrs = json_object();
	}
	ev = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "time", when, "time_nano",
		       (json_int_t)t, "type", type, "action", action, "id", id != NULL ? id : "",
		       "name", name != NULL ? name : "", "attributes", attrs);
	if (ev == NULL)
		abort();
	if (pod_name != NULL && pod_name[0] != '\0')
		json_object_set_new(ev, "pod", json_string(pod_name));
	dump = pd_json_dump(ev);
	json_decref(e->ev);
	free(e->line);
	e->time_ns = t;
	e->ev = ev;
	e->len = strlen(dump);
	e->line = xrealloc(dump, e->len + 2);
	e->line[e->len++] = '\n';
	e->line[e->len] = '\0';
	evs->head++;
	log_debug("event %s %s %s", type, action, name != NULL ? name : "");
	/* A pump may end its own follower, never another. */
	for (f = TAILQ_FIRST(&evs->followers); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		follower_pump(f);
	}
}

static events_container_hook_fn *container_hook;

void
events_set_container_hook(events_container_hook_fn *fn)
{
	container_hook = fn;
}

void
events_emit_container(struct container *c, const char *action, json_t *attrs)
{
	struct pd_err ignored;
	const struct pod *pod;

	if (container_hook != NULL)
		container_hook(c, action);
	pod = c->rec.spec.pod[0] != '\0' ? pod_find(c->d, c->rec.spec.pod, &ignored) : NULL;

	events_emit(c->d, EVENTS_TYPE_CONTAINER, action, c->rec.id, c->rec.spec.name,
		    pod != NULL ? pod->rec.spec.name : NULL, attrs);
}

json_t *
events_exit_attrs(const struct container *c)
{
	json_t *a = json_pack("{s:i}", "exit_code", c->rec.exit_code);

	if (c->rec.signal[0] != '\0')
		json_object_set_new(a, "signal", json_string(c->rec.signal));
	if (c->rec.reason[0] != '\0')
		json_object_set_new(a, "reason", json_string(c->rec.reason));
	return a;
}

void
events_emit_pod(struct pod *pod, const char *action, json_t *attrs)
{
	events_emit(pod->d, EVENTS_TYPE_POD, action, pod->rec.id, pod->rec.spec.name,
		    pod->rec.spec.name, attrs);
}

/* The query: since, until and every filter. */
static int
parse_query(struct evhttp_request *req, struct events_query *q, struct pd_err *err)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq kv;
	struct evkeyval *p;
	int64_t now = now_ns();
	int r = 0;

	events_query_init(q);
	TAILQ_INIT(&kv);
	if (query != NULL && evhttp_parse_query_str(query, &kv) < 0)
		return pd_fail(err, PD_E_INVALID, "malformed query string");
	TAILQ_FOREACH (p, &kv, next) {
		if (r < 0)
			break;
		if (strcmp(p->key, "since") == 0) {
			if ((r = events_parse_time(p->value, now, &q->since_ns, err)) < 0)
				pd_err_prefix(err, "since");
		} else if (strcmp(p->key, "until") == 0) {
			if ((r = events_parse_time(p->value, now, &q->until_ns, err)) < 0)
				pd_err_prefix(err, "until");
		} else if (strcmp(p->key, "filter") == 0) {
			r = events_query_add_filter(q, p->value, err);
		} else {
			r = pd_fail(err, PD_E_INVALID, "unknown query parameter \"%.64s\"", p->key);
		}
	}
	evhttp_clear_headers(&kv);
	if (r == 0 && q->since_ns >= 0 && q->until_ns >= 0 && q->until_ns < q->since_ns)
		r = pd_fail(err, PD_E_INVALID, "until is before since");
	return r;
}

/* The first event at or after @since_ns still in the ring. */
static uint64_t
first_since(const struct events *evs, int64_t since_ns)
{
	uint64_t n = oldest(evs);

	while (n < evs->head && evs->ring[n % EVENTS_RING].time_ns < since_ns)
		n++;
	return n;
}

/* A follower of @q, in the followers; its until timer set. */
static struct event_follower *
follower_new(struct podd *d, const struct events_query *q)
{
	struct events *evs = events_get(d);
	struct event_follower *f = xcalloc(1, sizeof(*f));
	int64_t now = now_ns();

	f->evs = evs;
	f->q = *q;
	f->next = q->since_ns >= 0 ? first_since(evs, q->since_ns) : evs->head;
	if (q->until_ns >= 0 && q->until_ns <= now) {
		f->ending = true;
	} else if (q->until_ns >= 0) {
		int64_t left = q->until_ns - now;
		struct timeval tv = {.tv_sec = (time_t)(left / 1000000000LL),
				     .tv_usec = (suseconds_t)(left % 1000000000LL / 1000 + 1)};

		f->until_ev = evtimer_new(d->base, on_until, f);
		if (f->until_ev == NULL || evtimer_add(f->until_ev, &tv) < 0)
			abort();
	}
	TAILQ_INSERT_TAIL(&evs->followers, f, entry);
	return f;
}

void
api_events(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct event_follower *f;
	struct pd_err err = {0};
	struct events_query q;

	(void)arg;
	if (parse_query(req, &q, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/x-ndjson");
	f = follower_new(d, &q);
	f->req = req;
	evhttp_send_reply_start(req, 200, "OK");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		follower_end(f);
		return;
	}
	http_conn_on_gone(req, on_client_gone, f);
	follower_pump(f);
}

struct event_follower *
events_follow(struct podd *d, const struct events_query *q, const struct events_sink *sink,
	      void *arg)
{
	struct event_follower *f = follower_new(d, q);

	f->sink = sink;
	f->sink_arg = arg;
	return f;
}

void
events_follow_start(struct event_follower *f)
{
	follower_pump(f);
}

void
events_resume(struct event_follower *f)
{
	if (!f->blocked)
		return;
	f->blocked = false;
	follower_pump(f);
}

void
events_unfollow(struct event_follower *f)
{
	f->sink = NULL;
	follower_end(f);
}

int64_t
events_now_ns(void)
{
	return now_ns();
}

void
events_teardown(struct podd *d)
{
	struct events *evs = d->events;
	struct event_follower *f;

	if (evs == NULL)
		return;
	while ((f = TAILQ_FIRST(&evs->followers)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		follower_end(f);
	for (size_t i = 0; i < EVENTS_RING; i++) {
		json_decref(evs->ring[i].ev);
		free(evs->ring[i].line);
	}
	free(evs);
	d->events = NULL;
}
