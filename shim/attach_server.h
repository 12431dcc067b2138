/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-monitor's side of the attach socket (lib/attach.h): the clients, the
 * process's stdin, the terminal's size and its replay. Static storage, no
 * heap: the buffers are touched only by a monitor that has clients.
 *
 * The monitor's poll loop asks this file which fds to watch
 * (shim_attach_pollfds) and hands the results back (shim_attach_events);
 * the output streams' tap (shim_attach_output) passes each chunk on.
 * Output is read only while no client has a message waiting
 * (shim_attach_output_ready): a slow client slows the process's output the
 * way a terminal does, and nothing is dropped or buffered without bound.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "crilog.h"

/* The most pollfds shim_attach_pollfds() fills. */
#define SHIM_ATTACH_POLLFDS (2 + 8)

struct shim_attach_conf {
	int listen_fd; /* the bound, listening socket; -1: none */
	int stdin_fd;  /* the process's stdin (a pipe, or the terminal); -1: none */
	int tty_fd;    /* the terminal, for resizes and the replay; -1: none */
	int hold_ms;   /* hold output until the first client: this long at most; 0: no */
};

/* Take over @c's fds. */
void shim_attach_init(const struct shim_attach_conf *c);

/* Output may be read now: not held for a first client, and no client has a
 * message waiting. @now_ms is CLOCK_MONOTONIC in ms. */
bool shim_attach_output_ready(long long now_ms);

/* A client is attached. */
bool shim_attach_has_clients(void);

/* How long poll may sleep for the hold, in ms, or -1. */
int shim_attach_timeout(long long now_ms);

/* Fill @p (SHIM_ATTACH_POLLFDS at most) with what to watch; returns how many. */
int shim_attach_pollfds(struct pollfd *p);

/* Handle the results of poll for the @n pollfds filled above. */
void shim_attach_events(const struct pollfd *p, int n);

/* The output tap (io.h): pass @len bytes (PD_ATTACH_MSG_MAX - 1 at most) on. */
void shim_attach_output(enum pd_crilog_stream kind, const char *data, size_t len);

/* The process is gone: wait for a held first client (what is left of the
 * hold), then flush what clients have waiting, blocking a little. */
void shim_attach_before_drain(long long now_ms);

/* Send the exit code to every client, close them and the socket. */
void shim_attach_finish(int exit_code);
