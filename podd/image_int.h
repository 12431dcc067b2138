/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the image store's files share among themselves (image.c,
 * image_commit.c, image_io.c); the rest of podd uses image.h.
 */
#pragma once

#include <stdbool.h>

#include "image.h"

/* A new image with empty names and digests, not in the list. */
struct image *image_alloc(struct podd *d);
void image_free(struct image *img);

/* Give @img its config blob @config (owned; a "config" object added when it
 * has none, in memory only). */
void image_set_config(struct image *img, json_t *config);

/* Write @img's record (images/<id>/image.json, the dir made if missing). */
int image_record_save(struct image *img, struct pd_err *err);

/* Whether some image other than @except uses the blob @digest (a
 * manifest, config or layer blob) or, with @layer, the unpacked layer
 * @digest (a diff_id), or a commit in progress wants it. */
bool image_store_uses(struct podd *d, const char *digest, bool layer, const struct image *except);

/* The unpacked size of layer @diff_id as an image records it, or -1. */
long long image_layer_unpacked(struct podd *d, const char *diff_id);

/* Delete the blobs and layers of @manifest / @m that nothing else uses
 * (see image_store_uses). */
void image_gc(struct podd *d, const char *manifest, const struct image_manifest *m,
	      const struct image *except);

/* Take @name (full) from every image but @keep, saving their records. */
void image_take_name(struct podd *d, const char *name, const struct image *keep);

/* image_commit.c */
bool image_commits_use(struct podd *d, const char *digest, bool layer);
void image_commits_free_all(struct podd *d);

/* image_io.c */
void image_ops_free_all(struct podd *d);
