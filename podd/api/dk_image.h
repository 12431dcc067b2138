/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the Engine dialect's image endpoints: what dk_image.c,
 * dk_image_pull.c and dk_image_io.c share.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "dk.h"

struct image;

/* The image @ref names, or NULL after answering @r (404 "No such image:
 * REF"). */
struct image *dk_image(struct dk_req *r, const char *ref);
/* The image's created time in unix seconds (0 when it has none). */
long long dk_image_created(const struct image *img);
/* Whether @labels (an object) has every "key" or "key=value" of @want (an
 * array, may be NULL). */
bool dk_labels_match(const json_t *labels, const json_t *want);

/* Answer 400 "invalid filter 'KEY'" (and return -1) when @filters has a
 * key not among the @n of @known; else 0. */
int dk_filters_known(struct dk_req *r, const json_t *filters, const char *const *known, size_t n);

/* dk_image_pull.c: POST /images/create, POST /images/{name}/push. */
void dk_image_pull(struct dk_req *r);
void dk_image_push(struct dk_req *r);
/* dk_image_io.c: POST /images/load, GET /images/{name}/get, GET /images/get. */
void dk_image_load(struct dk_req *r);
void dk_image_save(struct dk_req *r);
