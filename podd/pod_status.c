/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubectl's view of a pod; see pod_status.h.
 */
#include "pod_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "xalloc.h"

#define MAX_CTRS 1024 /* past this, the rest are not counted */

/* A container as the kubelet would report it. */
enum kstate { K_WAITING, K_RUNNING, K_TERMINATED };

struct kview {
	const json_t *entry;
	unsigned seq;
	bool init;    /* an init container, sidecars included */
	bool sidecar; /* an init container that keeps running */
	enum kstate st;
	const char *reason; /* waiting or terminated reason, never NULL */
	long long exit_code;
	bool ready, started;
	unsigned restarts;
	const char *last; /* the end of its previous instance, or "" */
};

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
view(const json_t *e, const char *pod_started, struct kview *v)
{
	const char *role = str(e, PD_F_ROLE);
	const char *state = str(e, PD_F_STATE);
	const char *waiting = str(json_object_get(e, PD_F_WAITING), PD_F_REASON);
	const json_t *code = json_object_get(e, PD_F_EXIT_CODE);

	memset(v, 0, sizeof(*v));
	v->entry = e;
	v->seq = (unsigned)json_integer_value(json_object_get(e, PD_F_SEQ));
	v->sidecar = strcmp(role, PD_ROLE_SIDECAR) == 0;
	v->init = v->sidecar || strcmp(role, PD_ROLE_INIT) == 0;
	v->exit_code = json_is_integer(code) ? json_integer_value(code) : -1;
	v->ready = json_is_true(json_object_get(e, PD_F_READY));
	v->started = json_is_true(json_object_get(e, PD_F_STARTUP_DONE));
	v->restarts = (unsigned)json_integer_value(json_object_get(e, PD_F_RESTART_COUNT));
	v->last = str(json_object_get(e, "last_state"), PD_F_FINISHED);
	if (waiting[0] != '\0') {
		v->st = K_WAITING;
		v->reason = waiting;
	} else if (strcmp(state, PD_STATE_RUNNING) == 0 || strcmp(state, PD_STATE_PAUSED) == 0) {
		v->st = K_RUNNING;
		v->reason = "";
	} else if (strcmp(state, PD_STATE_EXITED) == 0 &&
		   !(v->init && !v->sidecar && v->exit_code == 0 &&
		     strcmp(str(e, PD_F_FINISHED), pod_started) < 0)) {
		v->st = K_TERMINATED;
		v->reason = v->exit_code == 0 ? "Completed" : "Error";
		if (json_is_true(json_object_get(e, PD_F_OOM_KILLED))) /* issue 13, observe */
			v->reason = PD_REASON_OOM;
	} else {
		/* Not started yet, or an init container of an earlier run of
		 * the pod that runs again. */
		v->st = K_WAITING;
		v->reason = v->init ? "PodInitializing" : "ContainerCreating";
	}
	if (v->st != K_RUNNING)
		v->ready = v->started = false;
}

static int
by_seq(const void *a, const void *b)
{
	const struct kview *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void
note_last(struct pod_status *out, const char *last)
{
	if (strcmp(last, out->last_restart) > 0 && strlen(last) < sizeof(out->last_restart))
		memcpy(out->last_restart, last, strlen(last) + 1);
}

/* The kubelet's phase of a pod whose infra runs. */
static const char *
phase_of(const struct kview *v, size_t n, const char *policy)
{
	unsigned pending_init = 0, failed_init = 0, apps = 0;
	unsigned waiting = 0, running = 0, stopped = 0, succeeded = 0;
	bool never = policy[0] == '\0' || strcmp(policy, PD_POLICY_NEVER) == 0;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].init)
			continue;
		if (v[i].sidecar) {
			if (!(v[i].st == K_RUNNING && v[i].started))
				pending_init++;
		} else if ((v[i].st == K_TERMINATED && v[i].exit_code != 0) ||
			   (v[i].st == K_WAITING && strcmp(v[i].reason, "CrashLoopBackOff") == 0)) {
			failed_init++; /* failed, or failed and waits for its restart */
		} else if (!(v[i].st == K_TERMINATED && v[i].exit_code == 0)) {
			pending_init++;
		}
	}
	if (failed_init > 0 && never)
		return "Failed";
	if (failed_init > 0 || pending_init > 0)
		return "Pending";
	for (size_t i = 0; i < n; i++) {
		if (v[i].init)
			continue;
		apps++;
		if (v[i].st == K_RUNNING) {
			running++;
		} else if (v[i].st == K_TERMINATED) {
			stopped++;
			if (v[i].exit_code == 0)
				succeeded++;
		} else if (strcmp(v[i].reason, "CrashLoopBackOff") == 0) {
			stopped++; /* a restart waits: it ran before */
		} else {
			waiting++;
		}
	}
	if (apps == 0 || running > 0)
		return waiting > 0 ? "Pending" : "Running";
	if (waiting > 0)
		return "Pending";
	if (strcmp(policy, PD_POLICY_ALWAYS) == 0)
		return "Running";
	if (stopped == succeeded)
		return "Succeeded";
	return never ? "Failed" : "Running";
}

/* kubectl's STATUS of a pod whose infra runs. */
static void
status_of(const struct kview *v, size_t n, unsigned n_init, bool all_ready, const char *phase,
	  struct pod_status *out)
{
	unsigned i_init = 0;
	bool initialising = false, has_running = false;
	const char *reason = phase;

	for (size_t i = 0; i < n && !initialising; i++) {
		if (!v[i].init)
			continue;
		if (v[i].st == K_TERMINATED && v[i].exit_code == 0) {
			i_init++;
			continue;
		}
		if (v[i].sidecar && v[i].st == K_RUNNING && v[i].started) {
			i_init++;
			continue;
		}
		initialising = true;
		if (v[i].st == K_TERMINATED ||
		    (v[i].st == K_WAITING && strcmp(v[i].reason, "PodInitializing") != 0 &&
		     strcmp(v[i].reason, "ContainerCreating") != 0)) {
			(void)snprintf(out->status, sizeof(out->status), "Init:%s", v[i].reason);
		} else {
			(void)snprintf(out->status, sizeof(out->status), "Init:%u/%u", i_init,
				       n_init);
		}
	}
	if (initialising)
		return;
	/* The first app container with a reason gives it (kubectl goes from
	 * the last to the first). */
	for (size_t k = n; k-- > 0;) {
		if (v[k].init)
			continue;
		if (v[k].st == K_RUNNING)
			has_running = true;
		else
			reason = v[k].reason;
	}
	if (strcmp(reason, "Completed") == 0 && has_running)
		reason = all_ready ? "Running" : "NotReady";
	(void)snprintf(out->status, sizeof(out->status), "%s", reason);
}

void
pod_status_compute(const struct pod_status_in *in, struct pod_status *out)
{
	size_t n = 0, cap = json_array_size(in->containers);
	struct kview *v;
	unsigned n_init = 0, restarts_init = 0, restarts_run = 0;
	bool initialising = false;
	const char *phase = "Unknown";
	const json_t *e;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (cap > MAX_CTRS)
		cap = MAX_CTRS;
	v = xcalloc(cap + 1, sizeof(*v));
	json_array_foreach (in->containers, i, e) {
		if (n >= cap)
			break;
		if (json_is_true(json_object_get(e, PD_F_EPHEMERAL)))
			continue; /* debug containers: kubectl counts no ephemeral one */
		view(e, in->started != NULL ? in->started : "", &v[n++]);
	}
	qsort(v, n, sizeof(*v), by_seq);
	for (i = 0; i < n; i++) {
		if (v[i].init)
			n_init++;
		if (v[i].init && !v[i].sidecar) {
			restarts_init += v[i].restarts;
		} else {
			restarts_run += v[i].restarts;
			out->total++;
			if (v[i].ready && v[i].st == K_RUNNING && (!v[i].sidecar || v[i].started))
				out->ready++;
		}
		if (v[i].init && !initialising &&
		    !(v[i].st == K_TERMINATED && v[i].exit_code == 0) &&
		    !(v[i].sidecar && v[i].st == K_RUNNING && v[i].started))
			initialising = true;
	}
	out->restarts = initialising ? restarts_init + restarts_run : restarts_run;
	for (i = 0; i < n; i++)
		if (initialising || !v[i].init || v[i].sidecar)
			note_last(out, v[i].last);

	switch (in->state) {
	case POD_CREATING:
		phase = "Pending";
		(void)snprintf(out->status, sizeof(out->status), "Created");
		break;
	case POD_EXITED:
		phase = "Unknown";
		(void)snprintf(out->status, sizeof(out->status), "Exited");
		break;
	case POD_STOPPED:
		/* Nothing restarts: the phase as under Never. */
		phase = phase_of(v, n, PD_POLICY_NEVER);
		(void)snprintf(out->status, sizeof(out->status), "Stopped");
		break;
	case POD_RUNNING:
	case POD_STOPPING:
		phase = phase_of(v, n, in->restart_policy != NULL ? in->restart_policy : "");
		status_of(v, n, n_init, out->ready == out->total, phase, out);
		break;
	}
	if (in->deadline_exceeded) {
		phase = "Failed";
		(void)snprintf(out->status, sizeof(out->status), "DeadlineExceeded");
	}
	if (in->state == POD_STOPPING)
		(void)snprintf(out->status, sizeof(out->status), "Terminating");
	(void)snprintf(out->phase, sizeof(out->phase), "%s", phase);
	free(v);
}

void
pod_status_to_json(const struct pod_status *st, json_t *j)
{
	json_object_set_new(j, PD_F_PHASE, json_string(st->phase));
	json_object_set_new(j, PD_F_STATUS, json_string(st->status));
	json_object_set_new(j, PD_F_READY, json_sprintf("%u/%u", st->ready, st->total));
	json_object_set_new(j, PD_F_RESTARTS, json_integer(st->restarts));
	if (st->last_restart[0] != '\0')
		json_object_set_new(j, PD_F_LAST_RESTART, json_string(st->last_restart));
}
