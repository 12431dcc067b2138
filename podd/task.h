/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tasks: helper commands podd runs without blocking its loop (copying or
 * unpacking an image, removing a tree). A task is spawned with the one spawn
 * helper; its exit is heard through its pidfd and the end of its stderr
 * through a pipe, both as events. When both have come, its callback runs
 * once with the exit code and the first bytes of what it wrote to stderr.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "err.h"

struct podd;
struct task;

/* @exit_code is the docker-style code (128+signal when killed); @errors is
 * the start of the task's stderr, NUL-terminated (borrowed for the call). */
typedef void task_done_fn(void *arg, int exit_code, const char *errors);

TAILQ_HEAD(task_list, task);

/* Run @argv (argv[0] an absolute path) with an empty environment but PATH.
 * @done may be NULL (fire and forget). Returns 0 or -1. */
int task_run(struct podd *d, char *const *argv, task_done_fn *done, void *arg, struct pd_err *err);

/* A task that talks: @input on its stdin, its stdout kept (up to
 * TASK_OUTPUT_MAX bytes; more is an error), its own environment, and a
 * time limit after which it is killed (a CNI plugin, run by cni.c).
 * Or a task that moves bulk data: @stdin_fd / @stdout_fd, when >= 0, are
 * dup2'd into the child as its stdin / stdout instead of podd's pipes (an
 * upload or download fd taken from a client, an archive), so the bytes
 * never pass through podd. Set both: -1 means "as above", and 0 is a real
 * fd. The caller keeps its own fd (the child has its copy once
 * task_run_io returned; close yours then or when @done runs). With
 * @stdin_fd, @input is ignored; with @stdout_fd, @done gets no output. */
#define TASK_OUTPUT_MAX (1024 * 1024)
struct task_io {
	char *const *argv; /* borrowed; argv[0] an absolute path */
	char *const *envp; /* borrowed */
	const char *input; /* borrowed until task_run_io returns (copied) */
	size_t input_len;
	int timeout_s; /* 0: none */
	/* Killed if podd dies (PR_SET_PDEATHSIG): for a command whose work a
	 * restarted podd undoes, so that it cannot finish after the undo. */
	bool die_with_podd;
	int stdin_fd;  /* borrowed; -1: @input through a pipe */
	int stdout_fd; /* borrowed; -1: kept and given to @done */
};
/* @out is what it wrote on stdout, NUL-terminated, @out_len bytes (borrowed
 * for the call); @exit_code as task_done_fn's, 137 after a timeout. */
typedef void task_io_done_fn(void *arg, int exit_code, const char *out, size_t out_len,
			     const char *errors);
int task_run_io(struct podd *d, const struct task_io *io, task_io_done_fn *done, void *arg,
		struct pd_err *err);

/* Delete the trees @paths (NULL-terminated; rm -rf, not crossing mounts)
 * as one task; failures are logged. For trees that may be large: an image,
 * a container's layer. */
void task_delete_trees(struct podd *d, const char *const *paths);

/* The SIGCHLD backstop reaped @pid: returns 1 if it was a task's. */
int task_note_reaped(struct podd *d, pid_t pid, int status);

/* Forget every task at shutdown: the commands go on; callbacks do not run. */
void task_free_all(struct podd *d);
