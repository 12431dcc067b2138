/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 12, podlife: the order of a pod's containers, as the kubelet runs
 * them (contract §4).
 *
 * Start (pod start, and a pod start of a running pod): init containers
 * (role init) one at a time in `seq` order, each to exit 0; a sidecar
 * (role sidecar, in the same list) started and waited for until it runs
 * and has started; then every app container at once. An init container
 * that fails is the restart policy's (restart.h): while a restart waits,
 * the sequence waits; with none (pod policy Never or none) the sequence
 * ends there (the pod shows Init:Error, no app starts). Containers that run
 * are left alone; an init container that exited 0 since the infra started
 * is done. The sequence lives in events: every transition of a container of
 * the pod (pod_seq_container_changed, called by container.c) moves it on.
 *
 * Stop (pod stop, active deadline): app and init containers at once, each
 * with its stop timeout (pod_seq_stop_timeout), then sidecars one at a time
 * in reverse `seq` order, then (pod stop) the infra.
 *
 * Active deadline: a timer from the infra's start; then the containers are
 * stopped as above, the infra runs on, the pod is DeadlineExceeded.
 */
#pragma once

#include <stdbool.h>

#include "podd.h"

struct pod;
struct container;

/* Run the sequence of @pod (which runs): a new run of it. */
void pod_seq_begin(struct pod *pod);

/* A container of a pod ran, exited or was removed: move the pod's sequence
 * or its stop on. */
void pod_seq_container_changed(struct container *c);
void pod_seq_pod_changed(struct pod *pod);

/* The infra of @pod is ready: arm its active deadline, and run the
 * sequence if a start asked for it. */
void pod_seq_pod_running(struct pod *pod);

/* The infra of @pod is gone, or the pod is removed: forget the sequence,
 * the ordered stop and the deadline. */
void pod_seq_cancel(struct pod *pod);

/* Stop @pod's containers in order; @timeout_s -1: each its own; @infra:
 * then the infra (pod_stop_infra). */
void pod_seq_stop(struct pod *pod, long long timeout_s, bool infra);

/* The stop timeout of @c: @asked (?timeout=) if >= 0, else its
 * stop_timeout, else its pod's termination_grace_period, else 10. */
long long pod_seq_stop_timeout(const struct container *c, long long asked);

/* The seq of a new container of the pod @pod_id: one past the last. */
unsigned pod_seq_next(struct podd *d, const char *pod_id);

/* After a podd restart: re-arm deadlines, resume sequences. */
void pod_seq_resume_all(struct podd *d);

/* Merge points with the probes and restart branches, one function each:
 * a container is ready; it has started (its startup probe passed); a
 * restart waits for it (and why: "CrashLoopBackOff", or NULL); its
 * restart count; the end of its previous instance ("" if none). */
bool pod_seq_ready(const struct container *c);
bool pod_seq_started(const struct container *c);
const char *pod_seq_waiting(const struct container *c);
unsigned pod_seq_restart_count(const struct container *c);
const char *pod_seq_last_finished(const struct container *c);

/* The role of @c as a string ("app" when not set). */
const char *pod_seq_role(const struct container *c);
