/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 12, podlife: a pod as `kubectl get pods` shows it. Pure: from the
 * pod's state and the list of its containers as its JSON shows them (each
 * {"role", "seq", "state", "exit_code", "finished", "ready",
 * "startup_done", "restart_count", "waiting": {"reason"}, "last_state":
 * {"finished"}}), the phase, the STATUS column's text, READY "N/M",
 * RESTARTS and the time of the last restart. Unit-tested.
 *
 * The rules are kubectl's printer's and the kubelet's phase (read, not
 * copied): init containers (role init, and sidecars: init containers that
 * keep running) in order, the first one not done gives "Init:N/M",
 * "Init:Error", "Init:CrashLoopBackOff"; once they are done, the first app
 * container with a reason gives it ("CrashLoopBackOff", "Completed",
 * "Error", "ContainerCreating"), "Completed" with a container still
 * running is "Running" (or "NotReady"). READY counts app containers and
 * sidecars; RESTARTS those of the init containers while the pod
 * initialises, then those of sidecars and apps.
 *
 * podd's own: a pod whose infra does not run is "Created" (starting),
 * "Stopped" or "Exited" (the infra died; phase Unknown); a pod being
 * stopped is "Terminating"; a pod past its active deadline is
 * "DeadlineExceeded" (phase Failed).
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "pod_spec.h"
#include "timefmt.h"

struct pod_status_in {
	enum pod_state state;
	const char *restart_policy; /* "Always", "OnFailure", "Never" or "" */
	const char *started;        /* the infra's start (RFC 3339); an init container
				     * that finished before it runs again */
	bool deadline_exceeded;
	const json_t *containers; /* borrowed: the pod's list of containers */
};

struct pod_status {
	char phase[16];  /* Pending, Running, Succeeded, Failed, Unknown */
	char status[48]; /* kubectl's STATUS column */
	unsigned ready, total;
	unsigned restarts;
	char last_restart[PD_TIME_RFC3339_MAX]; /* "" when none */
};

void pod_status_compute(const struct pod_status_in *in, struct pod_status *out);

/* Set "phase", "status", "ready", "restarts", "last_restart" on @pod_json. */
void pod_status_to_json(const struct pod_status *st, json_t *pod_json);
