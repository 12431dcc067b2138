/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image's configuration applied to a container at create (issue 11),
 * with docker's rules (docs.docker.com, "docker run": ENTRYPOINT, CMD,
 * ENV, WORKDIR, USER; the OCI image spec's config object). Pure: a create
 * request (struct ctr_spec) and the image config's "config" object in, the
 * container's spec out. Unit-tested (tests/unit/test_ctr_image.c).
 *
 *   command     Entrypoint + Cmd. The request's "entrypoint" replaces the
 *               image's Entrypoint and clears its Cmd ([] clears both);
 *               the request's "command" (the arguments after IMAGE)
 *               replaces Cmd. Nothing left: "no command specified".
 *   env         the image's Env, then the request's on top (an entry with
 *               the same name replaced); podd's defaults (PATH, HOSTNAME,
 *               HOME) go under both (ctr_env), so the image's PATH wins.
 *   workdir     the request's, else the image's WorkingDir, else "/"; the
 *               shim creates it when missing, as docker does.
 *   user        the request's, else the image's User, else none (root);
 *               resolved by the shim in the container (shim/user.h).
 *   stop_signal the request's, else the image's StopSignal, else 0
 *               (SIGTERM, ctr_stop_signal).
 *   image_config a copy of the image's object, for inspect (ExposedPorts,
 *               Labels, Healthcheck, Volumes: kept, not acted on here).
 */
#pragma once

#include <jansson.h>

#include "ctr_spec.h"
#include "err.h"

/* Merge @cfg (the image config's "config" object; NULL or {} for none, as
 * for --rootfs) into @spec, a parsed create request. On failure @spec is
 * unchanged and @err (PD_E_INVALID) names the field at fault. */
int ctr_image_apply(struct ctr_spec *spec, const json_t *cfg, struct pd_err *err);

/* @base with @over on top: an entry of @over replaces the one of @base with
 * its name (either may be NULL: none). A new reference. */
json_t *ctr_env_merge(const json_t *base, const json_t *over);

/* The signal stop and restart send to @spec's workload. */
int ctr_stop_signal(const struct ctr_spec *spec);
