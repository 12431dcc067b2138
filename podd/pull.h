/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pulling an image from a registry, on the loop: the manifest (an index is
 * narrowed to one platform), then the config and the layers the store lacks,
 * each verified while it streams into blobs/tmp and renamed into
 * blobs/sha256 only when its digest matched, then image_commit.
 *
 * Blobs in flight are shared: a pull that needs a blob another pull is
 * fetching waits for that transfer instead of starting its own, so two
 * pulls of images with a common layer fetch it once. A blob already in the
 * store is not fetched, and a manifest already there (the platform's
 * manifest under an index) is read from the store: a pull of an image that
 * is present costs the one manifest request.
 *
 * A failed pull leaves nothing: its partial files are removed, and the
 * blobs only it fetched are removed again (a pull by digest that fails on a
 * mismatch keeps no byte of the image).
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"
#include "reg_manifest.h"
#include "reg_auth.h"

struct podd;
struct image;

struct pull_opts {
	const char *reference; /* as the user gave it; parsed by pull_start */
	struct reg_platform platform;
	bool tls_verify;
	struct reg_creds creds; /* copied; username "" for anonymous */
};

/* A progress event (docker's JSON message shape: "id", "status",
 * "current", "total"), borrowed for the call. */
typedef void pull_event_fn(void *arg, const json_t *event);
/* The end: @final is the last message ({"status","id","digest",
 * "reference"}), or NULL and @err. Borrowed for the call. */
typedef void pull_done_fn(void *arg, const json_t *final, const struct pd_err *err);

/* Start pulling @o. @event may be NULL. @done runs once, from the loop.
 * PD_E_INVALID for a malformed reference. Returns 0 or -1. */
int pull_start(struct podd *d, const struct pull_opts *o, pull_event_fn *event, pull_done_fn *done,
	       void *arg, struct pd_err *err);

/* At shutdown: end every pull (@done runs with PD_E_UNAVAILABLE) and every
 * blob transfer, removing their partial files. */
void pull_free_all(struct podd *d);

/* The dir fd of <root>/blobs (d->blobs_fd, borrowed), for pull.c and
 * push.c. Returns it, or -1. */
int reg_blobs_fd(struct podd *d, struct pd_err *err);
