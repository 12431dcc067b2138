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

/* dk_image_pull.c: POST /images/create, POST /images/{name}/push. */
void dk_image_pull(struct dk_req *r);
void dk_image_push(struct dk_req *r);
/* dk_image_io.c: POST /images/load, GET /images/{name}/get, GET /images/get. */
void dk_image_load(struct dk_req *r);
void dk_image_save(struct dk_req *r);
