/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What probe.c (the state machines, the exec checks, the API's view) and
 * probe_net.c (httpGet, tcpSocket and grpc checks over libcurl) share.
 * Not for other files: they use probe.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>

#include "probe_spec.h"

struct container;
struct curl_loop;
struct event;
struct exec_session;
struct podd;

/* What podd's probes share (d->probe_loop). */
struct probe_loop {
	int self_netns_fd;      /* owned: podd's own network namespace, to come back to */
	struct curl_loop *curl; /* owned: the transfers of network checks */
};

enum probe_result { PROBE_UNKNOWN, PROBE_SUCCESS, PROBE_FAILURE };

struct ctr_probes;

/* One probe (or the healthcheck) of a running container. */
struct probe_run {
	struct ctr_probes *owner; /* borrowed: its container's probes */
	bool configured;
	struct probe_spec spec;
	struct event *timer; /* owned: the next check, or an exec's timeout */
	bool busy;           /* a check is in flight */
	uint64_t check_start_ms;
	/* In flight: a network check's transfer (probe_net.c) ... */
	CURL *easy;                 /* owned, NULL */
	struct curl_slist *headers; /* owned, NULL */
	char *body;                 /* owned: a grpc request's bytes */
	unsigned char resp[64];     /* grpc: the start of the response */
	size_t resp_len;
	int grpc_status; /* -1 until the trailer says */
	char errbuf[CURL_ERROR_SIZE];
	/* ... or an exec session (the container's). */
	struct exec_session *exec; /* borrowed, NULL */
	bool timed_out;
	/* Results. */
	enum probe_result result;
	int successes, failures; /* consecutive */
	json_t *last_failures;   /* owned: [{"time","output"}], the last 5 */
	/* healthcheck */
	const char *health; /* "starting", "healthy", "unhealthy" */
	int failing_streak;
	json_t *log; /* owned: the last 5 checks */
};

struct ctr_probes {
	struct container *c; /* borrowed */
	struct probe_run run[PROBE_KINDS];
	bool running;      /* the container runs; the probes too */
	bool startup_done; /* the startup probe succeeded, or there is none */
	bool ready;        /* as last reported */
	bool killing;      /* a liveness or startup failure stops it */
	uint64_t start_ms; /* when the container was seen running */
};

/* probe_net.c: start the network check of @r (httpGet, tcpSocket, grpc);
 * its end calls probe_check_done. -1 with @err when it cannot start. */
int probe_net_start(struct probe_run *r, struct pd_err *err);
/* Abandon @r's transfer, if any (no callback runs). */
void probe_net_cancel(struct probe_run *r);
/* The loop's shared parts, made when a first probe needs them. NULL with
 * @err when they cannot be. */
struct probe_loop *probe_loop_get(struct podd *d, struct pd_err *err);

/* probe.c: a check of @r ended. */
void probe_check_done(struct probe_run *r, bool ok, const char *output);
