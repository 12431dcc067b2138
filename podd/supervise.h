/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One way to supervise a child: every process podd watches (a pod's
 * infra, a container's shim and workload, an exec session's shim and
 * command) is a struct supervised. It holds the pidfd podd signals, the
 * pidfd whose end it waits for (the same process, or the shim that reaps
 * it), the sync socket the child reports on while it starts, the
 * TERM-then-KILL stop timer, and the requests waiting for the child to
 * settle. The owner (pod.c, container.c, exec.c) keeps only its state
 * switch: it says what each event means, this file does the plumbing.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "err.h"

struct http_pending;

/* A request waiting for its answer; @reply is the owner's enum. */
struct waiter {
	TAILQ_ENTRY(waiter) entry;
	struct http_pending *pending; /* owned */
	int reply;
};

TAILQ_HEAD(waiter_list, waiter);

struct supervised {
	struct event_base *base;  /* borrowed */
	char what[96];            /* who, for the log: "container \"web\"" */
	int pidfd;                /* owned, -1: the process podd signals */
	int exit_pidfd;           /* owned, -1: the process whose end is awaited when
				   * not @pidfd's (a shim, which reaps @pidfd's) */
	struct event *exit_ev;    /* owned, may be NULL */
	int sync_fd;              /* owned, -1 once the child reported */
	struct event *sync_ev;    /* owned, may be NULL */
	struct event *stop_timer; /* owned, may be NULL */
	struct waiter_list waiters;
};

/* An empty @sv on @base. */
void supervise_init(struct supervised *sv, struct event_base *base);

/* Name @sv in log lines ("pod \"web\""), once its owner has a name. */
void supervise_name(struct supervised *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Watch the sync socket @fd (taken, made non-blocking): @cb(@arg) when it
 * is readable. On failure @fd is closed. */
int supervise_watch_sync(struct supervised *sv, int fd, event_callback_fn cb, void *arg,
			 struct pd_err *err);

/* Close the sync socket and its event (the child reported). */
void supervise_close_sync(struct supervised *sv);
/* Stop watching the sync socket but keep it open (for the ACK, lib/sync.h). */
void supervise_unwatch_sync(struct supervised *sv);

/* Take @pidfd (signalled) and @exit_pidfd (-1: @pidfd is also the one
 * awaited), and call @cb(@arg) once the awaited process has ended. The fds
 * are @sv's even on failure. */
int supervise_watch_exit(struct supervised *sv, int pidfd, int exit_pidfd, event_callback_fn cb,
			 void *arg, struct pd_err *err);

/* Wait for the next wake-up of the exit watch (a pidfd readable before the
 * process is a zombie). */
void supervise_rearm_exit(struct supervised *sv);

/* Send @sig to the process; one already gone is not an error. Logged. */
void supervise_signal(struct supervised *sv, int sig);

/* Stop: @sig now and, unless it is SIGKILL, SIGKILL after @timeout_s; a
 * timer already armed stays as it is. */
void supervise_stop(struct supervised *sv, int sig, long long timeout_s);

/* Close every fd and event; the processes are left alone and the waiters
 * stay. */
void supervise_forget(struct supervised *sv);

/* Add a request waiting for @reply. */
void waiters_add(struct waiter_list *l, struct http_pending *pending, int reply);

/* @w was answered: out of @l, freed. */
void waiter_done(struct waiter_list *l, struct waiter *w);

/* Answer every waiter of @l with @err (shutdown, or the child is gone). */
void waiters_fail(struct waiter_list *l, const struct pd_err *err);
