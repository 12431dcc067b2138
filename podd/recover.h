/* SPDX-License-Identifier: Apache-2.0 */
/*
 * After a crash: what a restarted podd does before it trusts its state
 * dirs, and what podd does when a container's monitor dies without leaving
 * an exit file. The rule both serve: every process podd started is either
 * named by a record that a restarted podd adopts, or ended.
 *
 * Start-up (container_load_all, pod_load_all):
 *   - recover_settle_shims waits until no shim is half way through its start
 *     (each holds a shared flock on its run dir until podd acknowledged it
 *     or it undid its start: lib/shim.h), so what the records say is final;
 *   - recover_unfinished_dir removes a state dir whose record was never
 *     written (a crash between its mkdir and the record's rename leaves it
 *     empty or with a ".NAME.tmp.PID"), instead of ignoring it at every
 *     start.
 * A monitor's death (container_on_shim_exit): recover_end_workload.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct container;
struct podd;

/* Take and drop an exclusive flock on every run dir of a container (and its
 * exec/ dir), waiting for each shim that holds one, 10 s at most in all. */
void recover_settle_shims(struct podd *d);

/* If @name under @parent_fd is a directory without @record, delete it and
 * return true (@what names it in the log: "containers"). */
bool recover_unfinished_dir(int parent_fd, const char *name, const char *record, const char *what);

/* A pidfd of @pid if it is still the process that started at @start (clock
 * ticks since boot), else -1. The pidfd pins the process, so a start time
 * that matches after the open proves it is the same one. */
int recover_open_same(pid_t pid, uint64_t start);

/* @c's shim has exited. If it left no exit file while the workload runs on
 * (its monitor was killed: the workload was reparented and nobody will
 * record its end), SIGKILL the workload through its pidfd, watch that
 * pidfd with container_on_shim_exit, mark @c monitor_died and return true:
 * the exit is finished when the workload is gone. Otherwise false. */
bool recover_end_workload(struct container *c);

/* Say in @c's record how a workload ended that podd killed after its
 * monitor died: exit code 137, signal KILL, and the reason. */
void recover_note_monitor_death(struct container *c);
