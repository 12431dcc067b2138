/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The content-addressed blobs of the image store:
 *
 *   <root>/blobs/sha256/<hex>   manifests, configs and layers as fetched or
 *                               loaded, written only once their digest matched
 *   <root>/blobs/tmp/           partial writes (emptied when podd starts)
 *
 * Writers (the registry client, podd-archive) write into tmp/ and rename;
 * podd itself only reads small JSON blobs and removes blobs no image uses.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

struct podd;

/* Make the dirs, open <root>/blobs into d->blobs_fd and empty tmp/ (a task).
 * Returns 0 or -1. */
int blobs_init(struct podd *d, struct pd_err *err);

/* The path of blob @digest ("sha256:HEX", checked by the caller), a new
 * string, and whether the blob is present. */
char *blobs_path(struct podd *d, const char *digest);
bool blobs_have(struct podd *d, const char *digest);

/* The blob @digest parsed as JSON (a manifest or a config, at most
 * IMAGE_BLOB_JSON_MAX bytes): a new reference, or NULL (PD_E_NOT_FOUND when
 * the blob is missing). */
json_t *blobs_read_json(struct podd *d, const char *digest, struct pd_err *err);

/* Remove the blob @digest; a missing one is not an error (logged otherwise). */
void blobs_remove(struct podd *d, const char *digest);
