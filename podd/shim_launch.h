/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One way to launch a podd-shim (lib/shim.h), for a container's start and
 * for an exec session: save the spec, spawn the shim with the fds it is
 * given, watch its sync socket; then read its one report, which hands over
 * the pidfds of the shim and of the process it started.
 */
#pragma once

#include <jansson.h>

#include "supervise.h"

struct pd_sync_msg;

struct shim_launch {
	const char *shim_path; /* the podd-shim binary */
	int dir_fd;            /* where the spec is saved ... */
	const char *spec_name; /* ... under this name */
	const char *spec_path; /* the same file, as the shim's argument */
	const json_t *spec;
	int extra_fd; /* the shim's fd 3 ("fd:3" in the spec), -1 for none */
};

/* Save @l's spec and spawn the shim; @sv watches its sync socket with
 * @on_sync(@arg) until it reports (shim_report_read). On failure nothing
 * runs and the spec is removed. */
int shim_launch(const struct shim_launch *l, struct supervised *sv, event_callback_fn on_sync,
		void *arg, struct pd_err *err);

/* Read the report of the shim @sv watches, from @on_sync. Returns 0 when
 * nothing came yet (still watched); 1 when the process started: @msg has
 * the pids, @sv holds both pidfds (sv->pidfd the process's, sv->exit_pidfd
 * the shim's) and calls @on_exit(@arg) when the shim ends; -1 with @err,
 * the shim's error or one about the socket, @what naming the process ("the
 * command"). On -1 the sync socket is closed; on 1 it stays open, unwatched,
 * for shim_report_ack(). */
int shim_report_read(struct supervised *sv, struct pd_sync_msg *msg, const char *what,
		     event_callback_fn on_exit, void *arg, struct pd_err *err);

/* Acknowledge the start @sv's shim reported (lib/sync.h) and close the
 * sync socket. Call it once what a restarted podd needs to adopt the
 * process is on disk: a shim that reads EOF instead ends its workload
 * (lib/shim.h, step 5). */
void shim_report_ack(struct supervised *sv);
