/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the Engine API's container endpoints: the create body translated
 * to podd's /v1 body (dk_container_body.c, pure), and podd's container as
 * the Engine shows it (dk_container_json.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct container;

/* The /v1 create body (lib/api.h) for the Engine's create body @in and
 * the query's @name (may be NULL): a new reference, or NULL with @err
 * (PD_E_INVALID naming the Engine's field podd cannot honour). */
json_t *dk_ctr_body(const json_t *in, const char *name, struct pd_err *err);

/* The /v1 update body (ctr_observe.c: "limits", "restart_policy") for
 * the Engine's update body @in: a new reference, or NULL with @err. */
json_t *dk_ctr_update_body(const json_t *in, struct pd_err *err);

/* Nanoseconds (the Engine's durations) as seconds (podd's). */
double dk_ns_to_s(long long ns);

/* GET /containers/{id}/json's object for @c (a new reference). */
json_t *dk_ctr_inspect(const struct container *c);
/* GET /containers/json's object for @c (a new reference). */
json_t *dk_ctr_summary(const struct container *c);
/* The image reference @ref as docker shows it ("busybox" for
 * docker.io/library/busybox:latest; "busybox:latest" @with_latest, as its
 * messages do) into @buf. */
void dk_image_shown(const char *ref, bool with_latest, char *buf, size_t len);
/* Docker's state name of @c: created, running, paused, restarting, exited. */
const char *dk_ctr_state(const struct container *c);
/* Whether @c passes the list's @filters ({"key": ["v", ...]}); an unknown
 * key is PD_E_INVALID (-1), 1 passes, 0 does not. */
int dk_ctr_match(const struct container *c, const json_t *filters, struct pd_err *err);
/* Whether @c was created before @until (RFC 3339, unix seconds, or an
 * age such as "10m"): prune's until filter. */
bool dk_ctr_created_before(const struct container *c, const char *until);

/* dk_container_stats.c: GET /containers/{id}/top and /stats. */
struct dk_req;
void dk_ctr_top(struct dk_req *r);
void dk_ctr_stats(struct dk_req *r);
