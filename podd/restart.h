/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart policies on podd's loop (issue 12): what happens after a
 * container's workload exits. restart_policy.h decides (pure); this file
 * keeps the record's restart state, arms the backoff timer (a libevent
 * timer, never a sleep) and, when it fires, starts the container again
 * through container_start_by_policy(). The state is in the container's
 * record, so a podd restart picks up a waiting restart where it was (one
 * whose time passed while podd was down starts at once), and a container
 * that exited while podd was down is decided for when podd adopts it.
 *
 * Who calls what (container.c's exit path and verbs):
 *   exit:          restart_note_exit (last_state), then, unless a user's
 *                  restart or a removal takes the exit, restart_on_exit
 *   user stop, kill with a fatal signal, rm, pod stop: restart_cancel
 *   user start, restart: restart_on_user_start
 *   a policy's start runs / fails: restart_on_running / restart_on_start_failed
 *   load:          restart_adopt (ctr_store.c)
 *
 * A user's stop is never undone by the policy; a stop that is not the
 * user's (a liveness probe's, container_stop_for_restart) is, as an exit.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

struct container;

/* A restart waits for @c: its backoff runs, or it is imminent. */
bool restart_pending(const struct container *c);

/* A user stopped or removed @c (or its pod): any waiting restart is
 * cancelled, and the policy stays off until a user starts @c again. */
void restart_cancel(struct container *c);

/* A user starts (or restarts) @c: the policy is on again, its counts and
 * backoff start from zero, a waiting restart is replaced by this start. */
void restart_on_user_start(struct container *c);

/* @c's workload exited: keep its end as the last state. */
void restart_note_exit(struct container *c);

/* At the end of the exit path: decide by @c's policy, and schedule the
 * restart (the record is saved by the caller). */
void restart_on_exit(struct container *c);

/* A start by the policy: @c runs (clears the wait, counts), or its start
 * failed (counts as a failed instance, and is decided as an exit). */
void restart_on_running(struct container *c);
void restart_on_start_failed(struct container *c);

/* At load, after adoption: re-arm a waiting restart, and bring back what
 * docker brings back at a daemon start (always; unless-stopped unless a
 * user stopped it). */
void restart_adopt(struct container *c);

/* Free @c's timer (container_free). */
void restart_free(struct container *c);

/* The API's keys of @c into @j: restart_policy, restart_count, last_state,
 * waiting. */
void restart_json(const struct container *c, json_t *j);
