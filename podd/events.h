/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event bus (issue 12): pod and container events, kept in a ring of
 * the last EVENTS_RING entries and sent to every follower of
 * GET /v1/events as JSON lines:
 *   {"time": RFC 3339 with ns, "time_nano": n, "type", "action", "id",
 *    "name", "pod", "attributes": {...}}
 * Events are numbered; a follower keeps the number of the next one it
 * sends, so one that reads slowly catches up from the ring when its client
 * has read what was sent, and one that falls a whole ring behind is ended
 * (it has lost events, and its client must know). Nothing here blocks.
 *
 * Who emits what (contract §6): pod create/start/stop/die/remove (pod.c),
 * container create/start/die/stop/remove (container.c), restart/backoff
 * (restart.c), probe_failed/ready/unready/health_status (probe.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct podd;
struct evhttp_request;

#define EVENTS_RING 1024 /* events kept for ?since */

#define EVENTS_TYPE_POD       "pod"
#define EVENTS_TYPE_CONTAINER "container"

/* Record an event and send it to every follower. @attrs (stolen, may be
 * NULL) is an object of extra strings/numbers. @type: "pod"|"container".
 * @pod_name: the container's pod name or NULL. */
void events_emit(struct podd *d, const char *type, const char *action, const char *id,
		 const char *name, const char *pod_name, json_t *attrs);

/* The same for a container or a pod: id, name and pod name from it (one
 * line at each emit point of pod.c, container.c and the others). */
struct container;
struct pod;
/* issue 15, dkstream: @fn(@c, action) for every container event, before it
 * is published (the Engine's attach learns a start at once); one hook. */
typedef void events_container_hook_fn(struct container *c, const char *action);
void events_set_container_hook(events_container_hook_fn *fn);
void events_emit_container(struct container *c, const char *action, json_t *attrs);
void events_emit_pod(struct pod *pod, const char *action, json_t *attrs);
/* The attributes of a container's "die": exit_code, and signal and reason
 * when there are (a new object). */
json_t *events_exit_attrs(const struct container *c);

/* GET /v1/events?since=T&until=T&filter=K=V: the stream (http.c's route). */
void api_events(struct podd *d, struct evhttp_request *req, const char *arg);

/* Following the bus without evhttp (the Engine API's /events): @sink
 * gets each event of the window and filters of @q, in order. send returns
 * false when its consumer is full: the follower then waits for
 * events_resume. end: the follower is over (its until passed, it lost
 * events, or podd stops); it is freed after the call. events_unfollow
 * frees it without calling end (its consumer left). Start sending (the
 * past events of a since) with events_follow_start, once the caller has
 * kept the follower: end may come from it. */
struct events_query;
struct event_follower;
struct events_sink {
	bool (*send)(void *arg, const json_t *ev);
	void (*end)(void *arg);
};
struct event_follower *events_follow(struct podd *d, const struct events_query *q,
				     const struct events_sink *sink, void *arg);
void events_follow_start(struct event_follower *f);
void events_resume(struct event_follower *f);
void events_unfollow(struct event_follower *f);
/* CLOCK_REALTIME in ns, as the events' times. */
int64_t events_now_ns(void);

/* End every stream and free the ring (podd's shutdown). */
void events_teardown(struct podd *d);
