/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Probes of running containers: the Kubernetes liveness, readiness and
 * startup probes and docker's healthcheck (probe_spec.h), each a
 * timer-driven state machine on podd's loop, as the kubelet runs them:
 *
 *   initialDelaySeconds after the start, a check every periodSeconds, each
 *   bounded by timeoutSeconds; successThreshold successes in a row make
 *   the result success, failureThreshold failures in a row failure. The
 *   startup probe holds the others until it succeeds, then stops. A
 *   liveness or startup failure stops the container (its probe's
 *   terminationGracePeriodSeconds, else 10 s) in a way the restart policy
 *   treats as a crash; readiness decides "ready". The healthcheck is
 *   docker's: "starting" until a success or the end of start_period, then
 *   "unhealthy" after `retries` failures in a row; it never stops anything.
 *
 * httpGet, tcpSocket and grpc checks are made by podd itself, from the
 * container's network namespace (probe_net.c): no tool is needed in the
 * image. exec checks and healthchecks are exec sessions of the container
 * (exec_start_internal). Nothing blocks: every check is an event.
 *
 * Results are kept while the container lives (inspect shows the last
 * failures after it exits) and start again at its next start. A podd
 * restart forgets them; the adopted container's probes start over.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

struct container;
struct podd;

/* @c became RUNNING (started, restarted, adopted): its probes start. */
void probe_container_running(struct container *c);
/* @c stopped running (exit, stop): its probes stop, results kept. */
void probe_container_ended(struct container *c);
/* @c is being freed: what its probes hold goes. */
void probe_container_free(struct container *c);

/* Ready: running, started, and its readiness probe passed (or it has none). */
bool probe_ready(const struct container *c);
/* The startup probe succeeded, or there is none; false when not running. */
bool probe_startup_done(const struct container *c);

/* Add inspect's "ready", "startup_done", "probes" and "health" to @j. */
void probe_to_json(const struct container *c, json_t *j);

/* At shutdown, after every container is freed: the shared parts go. */
void probe_loop_free(struct podd *d);
