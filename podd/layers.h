/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unpacked layers of the image store:
 *
 *   <root>/layers/<diff_id hex>/        one layer's tree, overlay-ready
 *   <root>/layers/.unpack-<hex>-<rnd>/  an unpack in progress (podd-archive)
 *   <root>/layers/.rm-<hex>-<rnd>/      a removal in progress
 *
 * A layer is unpacked by a `podd-archive unpack` task, once however many
 * image commits want it at the same time: the first asks for the task, the
 * others wait on the same one. Which layers are in use is the images'
 * business (image.c); this file only makes and deletes them.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include "err.h"

struct podd;
struct layer_unpack;
TAILQ_HEAD(layer_unpack_list, layer_unpack);

/* Make and open <root>/layers into d->layers_fd, and delete what unfinished
 * unpacks and removals left (a task). Returns 0 or -1. */
int layers_init(struct podd *d, struct pd_err *err);

/* "<root>/layers/<hex of @diff_id>", a new string. */
char *layers_path(struct podd *d, const char *diff_id);

/* Whether the layer @diff_id is unpacked. */
bool layers_have(struct podd *d, const char *diff_id);

/* @unpacked: the bytes of the tree; @err NULL on success (borrowed). */
typedef void layer_done_fn(void *arg, long long unpacked, const struct pd_err *err);

/* Unpack blob @digest as layer @diff_id, or join the unpack of it already
 * running. @done runs once, from the loop, after this returned 0. Returns 0
 * or -1 (the task could not start; @done will not run). */
int layers_unpack(struct podd *d, const char *digest, const char *diff_id, layer_done_fn *done,
		  void *arg, struct pd_err *err);

/* Delete the layer @diff_id (renamed away at once, deleted by a task). */
void layers_remove(struct podd *d, const char *diff_id);

/* At shutdown: forget the unpacks (their tasks go on; no callback runs). */
void layers_free_all(struct podd *d);
