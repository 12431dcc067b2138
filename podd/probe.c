/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probes' state machines, their exec checks and their view in inspect;
 * see probe.h. Network checks are in probe_net.c.
 *
 * Each probe_run has one timer: it fires the next check, and while an exec
 * check runs it is that check's timeout. A check never overlaps the next:
 * the next is scheduled when one ends, a period after the last began.
 */
#include "probe.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "curl_loop.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "pod_seq.h"
#include "probe_int.h"
#include "timefmt.h"
#include "xalloc.h"

#define PROBE_KEEP_FAILURES 5
#define PROBE_OUTPUT_MAX    1024 /* bytes of a check's output kept */

/* An event of @c's probes for `podctl events` (and the log); @attrs is
 * stolen. */
static void
probe_event(struct container *c, const char *action, json_t *attrs)
{
	cleanup_free char *s = attrs != NULL ? pd_json_dump(attrs) : NULL;

	log_info("container \"%s\": %s %s", c->rec.spec.name, action, s != NULL ? s : "");
	events_emit_container(c, action, attrs);
}

static const char *const result_names[] = {
    [PROBE_UNKNOWN] = "unknown",
    [PROBE_SUCCESS] = "success",
    [PROBE_FAILURE] = "failure",
};

/* ---- scheduling --------------------------------------------------------- */

static void on_timer(evutil_socket_t fd, short what, void *arg);

static void
arm(struct probe_run *r, long long ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(r->timer, &tv);
}

/* The first check of @r: its initial delay after the container's start. */
static void
schedule_first(struct probe_run *r)
{
	uint64_t now = pd_time_mono_ms();
	/* docker's first health check waits an interval. */
	long long at =
	    (long long)r->owner->start_ms +
	    (r->spec.kind == PROBE_HEALTH ? r->spec.period_ms : r->spec.initial_delay_ms);

	arm(r, at - (long long)now);
}

/* The next check: a period after the last began. */
static void
schedule_next(struct probe_run *r)
{
	uint64_t now = pd_time_mono_ms();

	arm(r, (long long)(r->check_start_ms + (uint64_t)r->spec.period_ms) - (long long)now);
}

/* Stop what runs of @r: its timer, its check in flight (no result). */
static void
run_stop(struct probe_run *r)
{
	if (r->timer != NULL)
		evtimer_del(r->timer);
	probe_net_cancel(r);
	if (r->exec != NULL) {
		exec_session_forget(r->exec);
		exec_session_kill(r->exec);
		r->exec = NULL;
	}
	r->busy = false;
}

/* ---- results ------------------------------------------------------------ */

static void
keep_last(json_t *list, json_t *entry)
{
	json_array_append_new(list, entry);
	while (json_array_size(list) > PROBE_KEEP_FAILURES)
		json_array_remove(list, 0);
}

/* @s cut to what is kept, at a character boundary of UTF-8 when it can. */
static json_t *
output_json(const char *s)
{
	size_t n = strlen(s);
	json_t *v;

	if (n > PROBE_OUTPUT_MAX)
		s += n - PROBE_OUTPUT_MAX;
	while ((*s & 0xc0) == 0x80)
		s++;
	v = json_string(s);
	return v != NULL ? v : json_string("(output not UTF-8)");
}

static void
update_ready(struct ctr_probes *p)
{
	bool ready = probe_ready(p->c);

	if (ready == p->ready)
		return;
	p->ready = ready;
	probe_event(p->c, ready ? "ready" : "unready", NULL);
}

/* A liveness or startup probe failed for good: stop the container; its
 * restart policy decides what comes next. */
static void
kill_for(struct probe_run *r, const char *output)
{
	struct ctr_probes *p = r->owner;
	long long grace = r->spec.grace_s >= 0 ? r->spec.grace_s : pod_seq_stop_timeout(p->c, -1);
	struct pd_err err = {0};

	log_info("container \"%s\": %s probe failed %d times: stopping it (grace %llds): %s",
		 p->c->rec.spec.name, probe_kind_name(r->spec.kind), r->failures, grace, output);
	p->killing = true;
	for (int k = 0; k < PROBE_KINDS; k++)
		run_stop(&p->run[k]);
	/* Why it ends, for inspect (the next start clears it). */
	(void)snprintf(p->c->rec.reason, sizeof(p->c->rec.reason),
		       "stopped by its %s probe: %.200s", probe_kind_name(r->spec.kind), output);
	/* Not a user's stop: the restart policy takes the exit as a crash. */
	if (container_stop_for_restart(p->c, grace, &err) < 0)
		log_warn("container \"%s\": %s", p->c->rec.spec.name, err.msg);
}

static void start_after_startup(struct ctr_probes *p);

/* docker's healthcheck: "starting" until a success, or failures counted
 * once start_period is over. */
static void
health_result(struct probe_run *r, bool ok, const char *output, int exit_code)
{
	struct ctr_probes *p = r->owner;
	const char *before = r->health;
	char start[PD_TIME_RFC3339_MAX], end[PD_TIME_RFC3339_MAX];
	uint64_t now = pd_time_mono_ms(), took = now - r->check_start_ms;
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)pd_time_rfc3339(&ts, end, sizeof(end));
	/* The start: the realtime clock, less what the check took. */
	ts.tv_sec -= (time_t)(took / 1000);
	ts.tv_nsec -= (long)(took % 1000) * 1000000L;
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += 1000000000L;
		ts.tv_sec--;
	}
	(void)pd_time_rfc3339(&ts, start, sizeof(start));
	keep_last(r->log, json_pack("{s:s, s:s, s:i, s:o}", "start", start, "end", end, "exit_code",
				    exit_code, "output", output_json(output)));
	if (ok) {
		r->failing_streak = 0;
		r->health = "healthy";
	} else if (now >= p->start_ms + (uint64_t)r->spec.start_period_ms) {
		if (++r->failing_streak >= r->spec.failure_threshold)
			r->health = "unhealthy";
	}
	if (strcmp(before, r->health) != 0)
		probe_event(p->c, "health_status", json_pack("{s:s}", "status", r->health));
	schedule_next(r);
}

void
probe_check_done(struct probe_run *r, bool ok, const char *output)
{
	struct ctr_probes *p = r->owner;
	const char *kind = probe_kind_name(r->spec.kind);

	r->busy = false;
	if (!p->running || p->killing)
		return;
	if (ok) {
		r->failures = 0;
		if (++r->successes >= r->spec.success_threshold)
			r->result = PROBE_SUCCESS;
	} else {
		char now[PD_TIME_RFC3339_MAX];

		r->successes = 0;
		r->failures++;
		pd_time_rfc3339_now(now, sizeof(now));
		keep_last(r->last_failures,
			  json_pack("{s:s, s:o}", "time", now, "output", output_json(output)));
		probe_event(p->c, "probe_failed",
			    json_pack("{s:s, s:o}", "probe", kind, "output", output_json(output)));
		if (r->failures >= r->spec.failure_threshold)
			r->result = PROBE_FAILURE;
	}
	switch (r->spec.kind) {
	case PROBE_STARTUP:
		if (r->result == PROBE_SUCCESS) {
			/* Done for this run of the container: the others begin. */
			p->startup_done = true;
			log_info("container \"%s\": started (startup probe)", p->c->rec.spec.name);
			start_after_startup(p);
			update_ready(p);
			/* podlife: a sidecar's start waits for this. */
			pod_seq_container_changed(p->c);
			return;
		}
		if (r->result == PROBE_FAILURE) {
			kill_for(r, output);
			return;
		}
		break;
	case PROBE_LIVENESS:
		if (r->result == PROBE_FAILURE) {
			kill_for(r, output);
			return;
		}
		break;
	case PROBE_READINESS:
		update_ready(p);
		break;
	case PROBE_HEALTH:
	case PROBE_KINDS:
		break;
	}
	schedule_next(r);
}

/* ---- exec checks ---------------------------------------------------------- */

static void
on_exec_done(void *arg, int exit_code, const char *output)
{
	struct probe_run *r = arg;
	bool timed_out = r->timed_out;

	r->exec = NULL;
	r->timed_out = false;
	if (r->timer != NULL)
		evtimer_del(r->timer);
	if (r->spec.kind == PROBE_HEALTH) {
		r->busy = false;
		if (!r->owner->running)
			return;
		if (timed_out)
			health_result(r, false, "Health check exceeded timeout", -1);
		else
			health_result(r, exit_code == 0, output, exit_code);
		return;
	}
	if (timed_out) {
		char msg[96];

		(void)snprintf(msg, sizeof(msg), "command timed out after %llds",
			       r->spec.timeout_ms / 1000);
		probe_check_done(r, false, msg);
		return;
	}
	probe_check_done(r, exit_code == 0, output);
}

/* The command of an exec check: a healthcheck's test is CMD-SHELL's
 * "/bin/sh -c" or CMD's arguments. A new reference. */
static json_t *
exec_command(const struct probe_spec *s)
{
	const char *what;
	json_t *cmd;

	if (s->kind != PROBE_HEALTH)
		return json_incref(s->command);
	what = json_string_value(json_array_get(s->command, 0));
	if (strcmp(what, "CMD-SHELL") == 0)
		return json_pack("[s, s, O]", "/bin/sh", "-c", json_array_get(s->command, 1));
	cmd = json_deep_copy(s->command);
	json_array_remove(cmd, 0);
	return cmd;
}

static int
exec_check(struct probe_run *r, struct pd_err *err)
{
	cleanup_json json_t *cmd = exec_command(&r->spec);

	r->exec = exec_start_internal(r->owner->c, cmd, on_exec_done, r, err);
	if (r->exec == NULL)
		return -1;
	/* The timer is the check's timeout until the command ends. */
	arm(r, r->spec.timeout_ms);
	return 0;
}

/* ---- the timer ---------------------------------------------------------- */

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct probe_run *r = arg;
	struct pd_err err = {0};
	int rc;

	(void)fd;
	(void)what;
	if (r->busy) {
		/* An exec check's timeout: kill it; its end gives the result. */
		if (r->exec != NULL && !r->timed_out) {
			r->timed_out = true;
			exec_session_kill(r->exec);
		}
		return;
	}
	/* issue 13, observe: a paused container's processes cannot answer:
	 * no check while it is paused, they go on once it is thawed. */
	if (r->owner->c->rec.state == CTR_PAUSED) {
		arm(r, r->spec.period_ms);
		return;
	}
	r->busy = true;
	r->check_start_ms = pd_time_mono_ms();
	if (r->spec.handler == PROBE_H_EXEC)
		rc = exec_check(r, &err);
	else
		rc = probe_net_start(r, &err);
	if (rc < 0) {
		r->busy = false;
		if (r->spec.kind == PROBE_HEALTH)
			health_result(r, false, err.msg, -1);
		else
			probe_check_done(r, false, err.msg);
	}
}

/* ---- the container's side ------------------------------------------------- */

static void
start_after_startup(struct ctr_probes *p)
{
	for (int k = 0; k < PROBE_KINDS; k++) {
		struct probe_run *r = &p->run[k];

		if (r->configured && k != PROBE_STARTUP)
			schedule_first(r);
	}
}

/* The probes of @c, made from its spec; NULL when it has none. */
static struct ctr_probes *
probes_new(struct container *c)
{
	struct ctr_probes *p = NULL;

	for (int k = 0; k < PROBE_KINDS; k++) {
		const json_t *j = c->rec.spec.probes[k];
		struct probe_run *r;
		struct pd_err err = {0};

		if (j == NULL)
			continue;
		if (p == NULL) {
			p = xcalloc(1, sizeof(*p));
			p->c = c;
		}
		r = &p->run[k];
		if (probe_spec_parse(j, (enum probe_kind)k, &r->spec, &err) < 0) {
			log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
			probe_spec_clear(&r->spec);
			continue;
		}
		if (r->spec.disabled) {
			probe_spec_clear(&r->spec);
			continue;
		}
		r->owner = p;
		r->configured = true;
		r->timer = evtimer_new(c->d->base, on_timer, r);
		if (r->timer == NULL)
			abort();
		r->last_failures = json_array();
		r->log = json_array();
		r->health = "starting";
	}
	return p;
}

void
probe_container_running(struct container *c)
{
	struct ctr_probes *p;

	if (c->probes == NULL)
		c->probes = probes_new(c);
	p = c->probes;
	if (p == NULL)
		return;
	for (int k = 0; k < PROBE_KINDS; k++) {
		struct probe_run *r = &p->run[k];

		run_stop(r);
		r->result = PROBE_UNKNOWN;
		r->successes = r->failures = r->failing_streak = 0;
		r->health = "starting";
	}
	p->running = true;
	p->killing = false;
	p->ready = false;
	p->start_ms = pd_time_mono_ms();
	p->startup_done = !p->run[PROBE_STARTUP].configured;
	if (p->startup_done)
		start_after_startup(p);
	else
		schedule_first(&p->run[PROBE_STARTUP]);
	update_ready(p);
}

void
probe_container_ended(struct container *c)
{
	struct ctr_probes *p = c->probes;

	if (p == NULL)
		return;
	for (int k = 0; k < PROBE_KINDS; k++)
		run_stop(&p->run[k]);
	p->running = false;
	p->startup_done = false;
	if (p->ready)
		probe_event(c, "unready", NULL);
	p->ready = false;
}

void
probe_container_free(struct container *c)
{
	struct ctr_probes *p = c->probes;

	if (p == NULL)
		return;
	for (int k = 0; k < PROBE_KINDS; k++) {
		struct probe_run *r = &p->run[k];

		run_stop(r);
		if (r->timer != NULL)
			event_free(r->timer);
		probe_spec_clear(&r->spec);
		json_decref(r->last_failures);
		json_decref(r->log);
	}
	free(p);
	c->probes = NULL;
}

bool
probe_startup_done(const struct container *c)
{
	bool running = ctr_state_up(c->rec.state);

	if (c->probes == NULL)
		return running;
	return running && c->probes->running && c->probes->startup_done;
}

bool
probe_ready(const struct container *c)
{
	const struct ctr_probes *p = c->probes;

	if (c->rec.state != CTR_RUNNING)
		return false;
	if (p == NULL)
		return true;
	if (!p->running || !p->startup_done || p->killing)
		return false;
	return !p->run[PROBE_READINESS].configured ||
	       p->run[PROBE_READINESS].result == PROBE_SUCCESS;
}

void
probe_to_json(const struct container *c, json_t *j)
{
	const struct ctr_probes *p = c->probes;
	json_t *probes = json_object();

	/* What was asked, as the record keeps it (defaults filled). */
	for (int k = 0; k < PROBE_KINDS; k++)
		if (c->rec.spec.probes[k] != NULL)
			json_object_set(j, probe_kind_field((enum probe_kind)k),
					c->rec.spec.probes[k]);
	json_object_set_new(j, PD_F_READY, json_boolean(probe_ready(c)));
	json_object_set_new(j, PD_F_STARTUP_DONE, json_boolean(probe_startup_done(c)));
	for (int k = 0; p != NULL && k < PROBE_HEALTH; k++) {
		const struct probe_run *r = &p->run[k];

		if (!r->configured)
			continue;
		json_object_set_new(probes, probe_kind_name((enum probe_kind)k),
				    json_pack("{s:s, s:i, s:i, s:O}", "result",
					      result_names[r->result], "failures", r->failures,
					      "successes", r->successes, "last_failures",
					      r->last_failures));
	}
	json_object_set_new(j, PD_F_PROBES, probes);
	if (p != NULL && p->run[PROBE_HEALTH].configured) {
		const struct probe_run *r = &p->run[PROBE_HEALTH];

		json_object_set_new(j, PD_F_HEALTH,
				    json_pack("{s:s, s:i, s:O}", "status", r->health,
					      "failing_streak", r->failing_streak, "log", r->log));
	}
}

void
probe_loop_free(struct podd *d)
{
	struct probe_loop *pl = d->probe_loop;

	if (pl == NULL)
		return;
	curl_loop_free(pl->curl);
	if (pl->self_netns_fd >= 0)
		close(pl->self_netns_fd);
	free(pl);
	d->probe_loop = NULL;
}
