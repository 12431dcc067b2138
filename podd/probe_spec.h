/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure half of probes: the three Kubernetes Probe objects
 * (liveness_probe, readiness_probe, startup_probe of a create request, with
 * the Probe's own camelCase field names) and docker's healthcheck, checked
 * the way the Kubernetes API server and docker check them, with their
 * defaults filled in. No system calls: probe.c runs what this validated.
 *
 * A container's record keeps each one as its canonical JSON (what
 * probe_spec_to_json gives: the defaults written out as the API server
 * writes them; an empty host, no headers and an initialDelaySeconds of 0
 * left out), so a record read back parses to the same struct and a
 * generated manifest reads as `kubectl get -o yaml` shows a Pod.
 *
 * Kubernetes Probe (core/v1): exactly one handler of exec {command},
 * httpGet {path, port, host, scheme, httpHeaders}, tcpSocket {port, host},
 * grpc {port, service}; initialDelaySeconds >= 0 (0), periodSeconds >= 1
 * (10), timeoutSeconds >= 1 (1), successThreshold >= 1 (1, and exactly 1
 * for liveness and startup), failureThreshold >= 1 (3),
 * terminationGracePeriodSeconds > 0 (liveness and startup only). Ports are
 * numbers 1..65535: a named port is resolved by podctl.
 *
 * docker's healthcheck: {"test": ["CMD-SHELL", s] | ["CMD", arg...] |
 * ["NONE"], "interval", "timeout", "start_period" (seconds, fractions
 * allowed; 0 or absent: docker's 30, 30, 0), "retries" (0 or absent: 3)}.
 * ["NONE"] turns off the image's healthcheck.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

enum probe_kind { PROBE_LIVENESS, PROBE_READINESS, PROBE_STARTUP, PROBE_HEALTH, PROBE_KINDS };

enum probe_handler { PROBE_H_EXEC, PROBE_H_HTTP, PROBE_H_TCP, PROBE_H_GRPC };

#define PROBE_HOST_MAX    254  /* a host name or an address, NUL included */
#define PROBE_PATH_MAX    2048 /* an httpGet path, NUL included */
#define PROBE_HEADERS_MAX 64
#define PROBE_HEADER_MAX  4096 /* a header's name or value */
#define PROBE_SERVICE_MAX 256  /* a grpc service name, NUL included */
#define PROBE_ARGS_MAX    1024 /* an exec probe's argv */

struct probe_spec {
	enum probe_kind kind;
	enum probe_handler handler;
	json_t *command;           /* owned: exec's argv; healthcheck: its "test" */
	char path[PROBE_PATH_MAX]; /* httpGet, starts with '/' */
	char host[PROBE_HOST_MAX]; /* httpGet, tcpSocket: "" for the pod's address */
	bool https;                /* httpGet scheme HTTPS (no certificate check, as kubelet) */
	json_t *headers;           /* owned: httpGet's [{"name","value"}], never NULL for it */
	char service[PROBE_SERVICE_MAX]; /* grpc: "" for the server's health */
	int port;                        /* httpGet, tcpSocket, grpc: 1..65535 */
	long long initial_delay_ms;      /* healthcheck: 0 */
	long long period_ms;             /* healthcheck: its interval */
	long long timeout_ms;
	long long start_period_ms; /* healthcheck only, else 0 */
	int success_threshold;     /* healthcheck: 1 */
	int failure_threshold;     /* healthcheck: its retries */
	long long grace_s;         /* terminationGracePeriodSeconds; -1: not given */
	bool disabled;             /* healthcheck ["NONE"] */
};

/* The create request's key for @kind ("liveness_probe", ..., "healthcheck"). */
const char *probe_kind_field(enum probe_kind kind);
/* The short name for @kind ("liveness", "readiness", "startup", "health"). */
const char *probe_kind_name(enum probe_kind kind);

/* Parse @in, the create request's value for @kind, into @s (cleared first;
 * release with probe_spec_clear even on failure), with the defaults. A bad
 * object is PD_E_INVALID naming the field ("readiness_probe.periodSeconds:
 * must be at least 1"). The canonical JSON parses with the same call. */
int probe_spec_parse(const json_t *in, enum probe_kind kind, struct probe_spec *s,
		     struct pd_err *err);

/* The canonical JSON of @s: every field with its value (a new reference). */
json_t *probe_spec_to_json(const struct probe_spec *s);

/* Check @in for @kind and give its canonical JSON in *@out (a new
 * reference). PD_E_INVALID as probe_spec_parse. */
int probe_spec_canonical(const json_t *in, enum probe_kind kind, json_t **out, struct pd_err *err);

/* The healthcheck of an image's configuration (its "Healthcheck": Test,
 * Interval, Timeout, StartPeriod in nanoseconds, Retries) as the create
 * request's "healthcheck" in *@out (a new reference), or NULL when the
 * image has none. A bad one is PD_E_INVALID. */
int probe_health_from_image(const json_t *image_config, json_t **out, struct pd_err *err);

/* Release what @s owns. */
void probe_spec_clear(struct probe_spec *s);
