/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pushing an image to a registry, on the loop: for the config and each
 * layer, a HEAD asks whether the registry has the blob (then it is not
 * sent), else an upload is opened (POST .../blobs/uploads/) and the blob is
 * sent in one PUT ?digest= (the monolithic upload of the distribution
 * spec), streamed from the store's file. Then the manifest is PUT under
 * the reference's tag (or digest).
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"
#include "reg_auth.h"

struct podd;

struct push_opts {
	const char *reference; /* the image to push, named as it will be in the registry */
	bool tls_verify;
	struct reg_creds creds; /* copied */
};

/* As pull.h's: progress events, then one end. */
typedef void push_event_fn(void *arg, const json_t *event);
typedef void push_done_fn(void *arg, const json_t *final, const struct pd_err *err);

/* Start pushing. PD_E_INVALID for a malformed reference, PD_E_NOT_FOUND
 * when no image has that name. Returns 0 (@done will run) or -1. */
int push_start(struct podd *d, const struct push_opts *o, push_event_fn *event, push_done_fn *done,
	       void *arg, struct pd_err *err);

/* At shutdown: end every push (@done runs with PD_E_UNAVAILABLE). */
void push_free_all(struct podd *d);
