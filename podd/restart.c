/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart policies on the loop; see restart.h (the decisions are in
 * restart_policy.c).
 */
#include "restart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "api.h"
#include "container.h"
#include "events.h"
#include "log.h"
#include "pod.h"
#include "pod_seq.h"
#include "restart_policy.h"
#include "timefmt.h"

/* The role of @c in its pod ("app", "init", "sidecar"). */
static const char *
ctr_role(const struct container *c)
{
	return c->rec.spec.role[0] != '\0' ? c->rec.spec.role : "app";
}

/* The policy @c follows: its own, as its role in a pod makes it. */
static struct restart_policy
effective_policy(const struct container *c)
{
	struct restart_policy p = {0};
	struct pd_err ignored;

	/* The record's string was checked when it was parsed. */
	(void)restart_policy_parse(c->rec.spec.restart_policy, &p, &ignored);
	if (c->rec.spec.pod[0] == '\0')
		return p;
	return restart_policy_for_role(&p, ctr_role(c));
}

/* Its pod's backoff, else podd's. */
static struct restart_backoff
backoff_of(const struct container *c)
{
	struct pd_err ignored;
	struct pod *pod = NULL;

	if (c->rec.spec.pod[0] != '\0')
		pod = pod_find(c->d, c->rec.spec.pod, &ignored);
	if (pod != NULL && pod->rec.spec.has_restart_backoff)
		return pod->rec.spec.restart_backoff;
	return c->d->cfg.restart_backoff;
}

/* Seconds from @from to @to (RFC 3339), or -1 when either is unknown. */
static long long
span_s(const char *from, const char *to)
{
	struct timespec a, b;

	if (from[0] == '\0' || to[0] == '\0' || pd_time_rfc3339_parse(from, &a) < 0 ||
	    pd_time_rfc3339_parse(to, &b) < 0 || b.tv_sec < a.tv_sec)
		return -1;
	return (long long)(b.tv_sec - a.tv_sec);
}

static void
disarm(struct container *c)
{
	if (c->restart_timer != NULL)
		event_del(c->restart_timer);
}

static void
clear_wait(struct container *c)
{
	disarm(c);
	c->rec.restart.next_start[0] = '\0';
	c->rec.restart.backoff = 0;
}

bool
restart_pending(const struct container *c)
{
	return c->rec.state == CTR_EXITED && c->rec.restart.next_start[0] != '\0';
}

void
restart_cancel(struct container *c)
{
	if (restart_pending(c))
		log_info("container \"%s\": waiting restart cancelled", c->rec.spec.name);
	clear_wait(c);
	c->rec.restart.user_stopped = true;
}

void
restart_on_user_start(struct container *c)
{
	clear_wait(c);
	c->rec.restart.user_stopped = false;
	c->rec.restart.count = 0;
	c->rec.restart.streak = 0;
	c->restart_by_policy = false;
}

void
restart_note_exit(struct container *c)
{
	struct restart_last_state *l = &c->rec.restart.last;

	memset(l, 0, sizeof(*l));
	l->set = true;
	l->exit_code = c->rec.exit_code;
	(void)snprintf(l->signal, sizeof(l->signal), "%s", c->rec.signal);
	(void)snprintf(l->reason, sizeof(l->reason), "%s", restart_exit_reason(c->rec.exit_code));
	(void)snprintf(l->started, sizeof(l->started), "%s", c->rec.started);
	(void)snprintf(l->finished, sizeof(l->finished), "%s", c->rec.finished);
}

/* The timer: the wait is over, start. */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct container *c = arg;
	struct pd_err err = {0};

	(void)fd;
	(void)what;
	if (!restart_pending(c))
		return;
	c->rec.restart.count++;
	log_info("container \"%s\": restarting by its policy (restart %u)", c->rec.spec.name,
		 c->rec.restart.count);
	if (container_start_by_policy(c, &err) < 0) {
		/* Nothing to start it in (its pod is stopped, say): the
		 * policy gives up until a user starts it. */
		c->rec.restart.count--;
		clear_wait(c);
		log_warn("container \"%s\": not restarted: %s", c->rec.spec.name, err.msg);
		(void)snprintf(c->rec.reason, sizeof(c->rec.reason), "not restarted: %.200s",
			       err.msg);
		if (container_save(c, &err) < 0)
			log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
		pod_seq_container_changed(c); /* podlife: no restart pending any more */
	}
}

/* Arm the timer for @delay seconds from now, and say so in the record. */
static void
schedule(struct container *c, double delay)
{
	struct timespec now;
	struct timeval tv;

	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec += (time_t)delay;
	now.tv_nsec += (long)((delay - floor(delay)) * 1e9);
	if (now.tv_nsec >= 1000000000L) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000L;
	}
	(void)pd_time_rfc3339(&now, c->rec.restart.next_start, sizeof(c->rec.restart.next_start));
	c->rec.restart.backoff = delay;
	if (c->restart_timer == NULL)
		c->restart_timer = evtimer_new(c->d->base, on_timer, c);
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - floor(delay)) * 1e6);
	evtimer_add(c->restart_timer, &tv);
	if (delay > 0)
		log_info("container \"%s\": %s, back-off %gs", c->rec.spec.name, PD_WAITING_BACKOFF,
			 delay);
}

/* The "backoff" event of a wait that was decided now. */
static void
emit_backoff(struct container *c)
{
	if (c->rec.restart.backoff > 0)
		events_emit_container(c, "backoff",
				      json_pack("{s:s, s:f}", PD_F_NEXT_START,
						c->rec.restart.next_start, PD_F_BACKOFF,
						c->rec.restart.backoff));
}

void
restart_on_exit(struct container *c)
{
	struct restart_backoff b = backoff_of(c);
	struct restart_exit e = {
	    .policy = effective_policy(c),
	    .exit_code = c->rec.exit_code,
	    .ran_s = span_s(c->rec.started, c->rec.finished),
	    .user_stopped = c->rec.restart.user_stopped,
	    .removing = c->remove_when_exited || c->rec.spec.auto_remove,
	    .count = c->rec.restart.count,
	    .streak = c->rec.restart.streak,
	};
	struct restart_decision dec = restart_decide(&e, &b);

	c->restart_by_policy = false;
	if (!dec.restart) {
		clear_wait(c);
		return;
	}
	c->rec.restart.streak = dec.streak;
	schedule(c, dec.delay);
	emit_backoff(c);
}

void
restart_on_running(struct container *c)
{
	if (!c->restart_by_policy)
		return;
	c->restart_by_policy = false;
	clear_wait(c);
	events_emit_container(
	    c, "restart", json_pack("{s:I}", PD_F_RESTART_COUNT, (json_int_t)c->rec.restart.count));
}

void
restart_on_start_failed(struct container *c)
{
	struct restart_last_state *l = &c->rec.restart.last;

	if (!c->restart_by_policy)
		return;
	c->restart_by_policy = false;
	/* As the kubelet reports a container that could not start. */
	memset(l, 0, sizeof(*l));
	l->set = true;
	l->exit_code = 128;
	(void)snprintf(l->reason, sizeof(l->reason), "StartError");
	pd_time_rfc3339_now(l->finished, sizeof(l->finished));
	c->rec.exit_code = 128;
	c->rec.restart.next_start[0] = '\0';
	restart_on_exit(c);
}

void
restart_adopt(struct container *c)
{
	struct restart_policy p = effective_policy(c);
	struct timespec now, at;
	double left;

	if (c->rec.state != CTR_EXITED ||
	    (c->restart_timer != NULL && evtimer_pending(c->restart_timer, NULL)))
		return; /* not exited, or decided at its adoption */
	if (c->rec.restart.next_start[0] != '\0' &&
	    pd_time_rfc3339_parse(c->rec.restart.next_start, &at) == 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		left = (double)(at.tv_sec - now.tv_sec) + (double)(at.tv_nsec - now.tv_nsec) / 1e9;
		if (left < 0)
			left = 0;
		/* The wait shown stays the one decided; only the timer is
		 * what is left of it. */
		double decided = c->rec.restart.backoff;

		schedule(c, left);
		c->rec.restart.backoff = decided;
		log_info("container \"%s\": its restart waits %.1fs more", c->rec.spec.name, left);
		return;
	}
	/* As docker at a daemon start: always comes back even after a user's
	 * stop, unless-stopped only without one. Never started, or in a pod
	 * that does not run (pod stop): left alone. */
	if (c->rec.spec.pod[0] != '\0') {
		struct pd_err ignored;
		struct pod *pod = pod_find(c->d, c->rec.spec.pod, &ignored);

		if (pod == NULL || pod->rec.state != POD_RUNNING)
			return;
	}
	if (c->rec.started[0] == '\0' ||
	    !(p.mode == RESTART_ALWAYS ||
	      (p.mode == RESTART_UNLESS_STOPPED && !c->rec.restart.user_stopped)))
		return;
	log_info("container \"%s\": restart policy %s: starting it again", c->rec.spec.name,
		 c->rec.spec.restart_policy);
	c->rec.restart.user_stopped = false;
	schedule(c, 0);
}

void
restart_free(struct container *c)
{
	if (c->restart_timer != NULL)
		event_free(c->restart_timer);
	c->restart_timer = NULL;
}

void
restart_json(const struct container *c, json_t *j)
{
	const struct ctr_restart *r = &c->rec.restart;

	json_object_set_new(
	    j, PD_F_RESTART_POLICY,
	    json_string(c->rec.spec.restart_policy[0] != '\0' ? c->rec.spec.restart_policy : "no"));
	json_object_set_new(j, PD_F_RESTART_COUNT, json_integer(r->count));
	if (r->last.set)
		json_object_set_new(j, PD_F_LAST_STATE,
				    json_pack("{s:i, s:s, s:s, s:s, s:s}", PD_F_EXIT_CODE,
					      r->last.exit_code, PD_F_SIGNAL, r->last.signal,
					      PD_F_REASON, r->last.reason, PD_F_STARTED,
					      r->last.started, PD_F_FINISHED, r->last.finished));
	if (restart_pending(c) && r->backoff > 0)
		json_object_set_new(j, PD_F_WAITING,
				    json_pack("{s:s, s:s, s:f}", PD_F_REASON, PD_WAITING_BACKOFF,
					      PD_F_NEXT_START, r->next_start, PD_F_BACKOFF,
					      r->backoff));
}
