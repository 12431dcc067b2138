/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 12, podlife: the order of a pod's containers; see pod_seq.h.
 */
#include "pod_seq.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "log.h"
#include "pod.h"
#include "probe.h"
#include "restart.h"
#include "timefmt.h"
#include "xalloc.h"

enum { STOP_NONE, STOP_APPS, STOP_SIDECARS };

#define MAX_SEQ 4096 /* containers of one pod the sequence looks at */

/* ---- merge points (probes, restart) ------------------------------------ */

bool
pod_seq_ready(const struct container *c)
{
	return probe_ready(c);
}

bool
pod_seq_started(const struct container *c)
{
	return probe_startup_done(c);
}

const char *
pod_seq_waiting(const struct container *c)
{
	return restart_pending(c) ? PD_WAITING_BACKOFF : NULL;
}

unsigned
pod_seq_restart_count(const struct container *c)
{
	return c->rec.restart.count;
}

const char *
pod_seq_last_finished(const struct container *c)
{
	/* The end of the instance before the last restart. */
	return c->rec.restart.count > 0 && c->rec.restart.last.set ? c->rec.restart.last.finished
								   : "";
}

/* ---- the containers of a pod -------------------------------------------- */

const char *
pod_seq_role(const struct container *c)
{
	return c->rec.spec.role[0] != '\0' ? c->rec.spec.role : PD_ROLE_APP;
}

static bool
is_role(const struct container *c, const char *role)
{
	return strcmp(pod_seq_role(c), role) == 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct container *x = *(struct container *const *)a;
	const struct container *y = *(struct container *const *)b;

	return (x->rec.seq > y->rec.seq) - (x->rec.seq < y->rec.seq);
}

/* The containers of @pod in seq order (debug containers left out): a new
 * array (free it), its length in *@n. */
static struct container **
pod_containers(struct pod *pod, size_t *n)
{
	struct container **v = NULL, *c;
	size_t cap = 0;

	*n = 0;
	TAILQ_FOREACH (c, &pod->d->containers, entry) {
		if (strcmp(c->rec.spec.pod, pod->rec.id) != 0 || c->rec.spec.ephemeral)
			continue;
		if (*n >= MAX_SEQ)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(struct container *));
		}
		v[(*n)++] = c;
	}
	if (*n > 1)
		qsort(v, *n, sizeof(struct container *), by_seq);
	return v;
}

unsigned
pod_seq_next(struct podd *d, const char *pod_id)
{
	struct container *c;
	unsigned last = 0;

	if (pod_id[0] == '\0')
		return 0;
	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.pod, pod_id) == 0 && c->rec.seq > last)
			last = c->rec.seq;
	return last + 1;
}

static bool
runs(const struct container *c)
{
	return c->rec.state == CTR_STARTING || ctr_state_up(c->rec.state);
}

/* An init container that exited 0 since the infra started. */
static bool
init_done(const struct container *c, const struct pod *pod)
{
	return c->rec.state == CTR_EXITED && c->rec.exit_code == 0 &&
	       strcmp(c->rec.finished, pod->rec.started) >= 0;
}

static void
save_or_log(struct pod *pod)
{
	struct pd_err err = {0};

	if (pod_save(pod, &err) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, err.msg);
}

/* ---- the start sequence --------------------------------------------------- */

static void
seq_end(struct pod *pod, const char *why)
{
	pod->rec.seq_active = false;
	save_or_log(pod);
	log_info("pod \"%s\": sequence %s", pod->rec.spec.name, why);
}

/* Start @c for the sequence; false when that failed at once. */
static bool
start_one(struct pod *pod, struct container *c)
{
	struct pd_err err = {0};

	c->seq_gen = pod->seq_gen;
	log_info("pod \"%s\": starting %s container \"%s\"", pod->rec.spec.name, pod_seq_role(c),
		 c->rec.spec.name);
	if (container_start_by_pod(c, &err) == 0)
		return true;
	log_warn("pod \"%s\": container \"%s\": %s", pod->rec.spec.name, c->rec.spec.name, err.msg);
	return false;
}

/* Where an init container or a sidecar @c that does not run leaves the
 * sequence: true to wait for it (started, or a restart waits), false when
 * the sequence ends here. */
static bool
init_not_running(struct pod *pod, struct container *c, bool *again)
{
	const char *policy = pod->rec.spec.restart_policy;

	*again = false;
	if (pod_seq_waiting(c) != NULL)
		return true; /* its restart policy brings it back */
	if (c->seq_gen != pod->seq_gen) {
		*again = !start_one(pod, c);
		return true;
	}
	/* It ran in this sequence and failed (or failed to start). */
	if (policy[0] == '\0' || strcmp(policy, PD_POLICY_NEVER) == 0) {
		log_info("pod \"%s\": %s container \"%s\" failed (exit code %d)",
			 pod->rec.spec.name, pod_seq_role(c), c->rec.spec.name, c->rec.exit_code);
		return false;
	}
	return true; /* OnFailure, Always: restart.c restarts it */
}

static void
seq_advance(struct pod *pod)
{
	cleanup_free struct container **v = NULL;
	size_t n = 0;
	bool again;

	/* seq_gen 0: a sequence of before a podd restart, not resumed yet
	 * (pod_seq_resume_all). */
	if (!pod->rec.seq_active || pod->rec.state != POD_RUNNING || pod->stop_phase != STOP_NONE ||
	    pod->seq_gen == 0)
		return;
	do {
		free(v);
		v = pod_containers(pod, &n);
		again = false;
		for (size_t i = 0; i < n; i++) {
			struct container *c = v[i];
			bool sidecar = is_role(c, PD_ROLE_SIDECAR);

			if (!sidecar && !is_role(c, PD_ROLE_INIT))
				continue;
			if (sidecar ? pod_seq_started(c) && c->rec.state == CTR_RUNNING
				    : init_done(c, pod))
				continue;
			if (runs(c))
				return; /* its end, or its start, moves us on */
			if (!init_not_running(pod, c, &again)) {
				seq_end(pod, "ended: an init container failed");
				return;
			}
			if (!again)
				return;
			break;
		}
	} while (again);
	for (size_t i = 0; i < n; i++) {
		struct container *c = v[i];

		if (is_role(c, PD_ROLE_APP) && !runs(c) && c->seq_gen != pod->seq_gen &&
		    pod_seq_waiting(c) == NULL)
			start_one(pod, c);
	}
	seq_end(pod, "done: app containers started");
}

void
pod_seq_begin(struct pod *pod)
{
	pod->seq_gen++;
	pod->rec.seq_active = true;
	save_or_log(pod);
	log_info("pod \"%s\": sequence %u begins", pod->rec.spec.name, pod->seq_gen);
	seq_advance(pod);
}

/* ---- the ordered stop ------------------------------------------------------- */

long long
pod_seq_stop_timeout(const struct container *c, long long asked)
{
	struct pd_err ignored;
	struct pod *pod;

	if (asked >= 0)
		return asked;
	if (c->rec.spec.stop_timeout >= 0)
		return c->rec.spec.stop_timeout;
	pod = c->rec.spec.pod[0] != '\0' ? pod_find(c->d, c->rec.spec.pod, &ignored) : NULL;
	if (pod != NULL && pod->rec.spec.termination_grace_period >= 0)
		return pod->rec.spec.termination_grace_period;
	return PD_STOP_TIMEOUT_DEFAULT_S;
}

static void
stop_advance(struct pod *pod)
{
	size_t n = 0;
	cleanup_free struct container **v = pod_containers(pod, &n);
	bool waiting = false;

	if (pod->stop_phase == STOP_APPS) {
		for (size_t i = 0; i < n; i++) {
			if (is_role(v[i], PD_ROLE_SIDECAR) || !runs(v[i]))
				continue;
			waiting = true;
			if (v[i]->rec.state == CTR_RUNNING || v[i]->rec.state == CTR_PAUSED)
				container_stop_by_pod(
				    v[i], pod_seq_stop_timeout(v[i], pod->stop_timeout));
		}
		if (waiting)
			return;
		pod->stop_phase = STOP_SIDECARS;
	}
	if (pod->stop_phase != STOP_SIDECARS)
		return;
	for (size_t i = n; i-- > 0;) {
		if (!is_role(v[i], PD_ROLE_SIDECAR) || !runs(v[i]))
			continue;
		if (v[i]->rec.state == CTR_RUNNING || v[i]->rec.state == CTR_PAUSED)
			container_stop_by_pod(v[i], pod_seq_stop_timeout(v[i], pod->stop_timeout));
		return; /* one at a time, the last first */
	}
	pod->stop_phase = STOP_NONE;
	log_info("pod \"%s\": its containers are stopped", pod->rec.spec.name);
	if (pod->stop_infra)
		pod_stop_infra(pod);
}

void
pod_seq_stop(struct pod *pod, long long timeout_s, bool infra)
{
	size_t n = 0;
	cleanup_free struct container **v = pod_containers(pod, &n);

	if (pod->rec.seq_active)
		seq_end(pod, "ended: the pod stops");
	/* A stop of the pod is a user's stop of each of its containers: no
	 * restart policy undoes it, a waiting restart is cancelled. */
	for (size_t i = 0; i < n; i++)
		container_stop_by_pod(v[i], -1);
	pod->stop_phase = STOP_APPS;
	pod->stop_infra = infra;
	pod->stop_timeout = timeout_s;
	stop_advance(pod);
}

/* ---- events ----------------------------------------------------------------- */

void
pod_seq_pod_changed(struct pod *pod)
{
	if (pod->stop_phase != STOP_NONE)
		stop_advance(pod);
	else
		seq_advance(pod);
}

void
pod_seq_container_changed(struct container *c)
{
	struct pd_err ignored;
	struct pod *pod;

	if (c->rec.spec.pod[0] == '\0')
		return;
	pod = pod_find(c->d, c->rec.spec.pod, &ignored);
	if (pod != NULL)
		pod_seq_pod_changed(pod);
}

/* ---- the active deadline ------------------------------------------------------ */

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct pod *pod = arg;

	(void)fd;
	(void)what;
	if (pod->rec.state != POD_RUNNING)
		return;
	log_info("pod \"%s\": active deadline of %llds exceeded; stopping its containers",
		 pod->rec.spec.name, pod->rec.spec.active_deadline);
	pod->rec.deadline_exceeded = true;
	pod_seq_stop(pod, -1, false);
	save_or_log(pod);
}

static void
deadline_arm(struct pod *pod)
{
	struct timespec started;
	struct timeval tv = {0};
	long long left;

	if (pod->rec.spec.active_deadline <= 0 || pod->rec.deadline_exceeded)
		return;
	left = pod->rec.spec.active_deadline;
	if (pd_time_rfc3339_parse(pod->rec.started, &started) == 0) {
		time_t now = time(NULL);

		left -= (long long)(now - started.tv_sec);
	}
	if (left < 0)
		left = 0;
	if (pod->deadline_ev == NULL)
		pod->deadline_ev = evtimer_new(pod->d->base, on_deadline, pod);
	if (pod->deadline_ev == NULL) {
		log_error("pod \"%s\": cannot arm its active deadline", pod->rec.spec.name);
		return;
	}
	tv.tv_sec = (time_t)left;
	evtimer_add(pod->deadline_ev, &tv);
}

void
pod_seq_pod_running(struct pod *pod)
{
	deadline_arm(pod);
	if (pod->rec.seq_active)
		pod_seq_begin(pod);
}

void
pod_seq_cancel(struct pod *pod)
{
	pod->stop_phase = STOP_NONE;
	if (pod->deadline_ev != NULL) {
		event_free(pod->deadline_ev);
		pod->deadline_ev = NULL;
	}
}

void
pod_seq_resume_all(struct podd *d)
{
	struct pod *pod;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		if (pod->rec.state != POD_RUNNING)
			continue;
		deadline_arm(pod);
		if (pod->rec.seq_active)
			pod_seq_begin(pod);
	}
}
