/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bodies of the image endpoints, checked (pure: unit-tested and
 * fuzzed). Unknown fields are refused naming the field; references are
 * parsed with pd_imgref so that a bad one is named before anything runs.
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "api.h"
#include "err.h"
#include "imgref.h"

/* {"name", "path"} (podd opens the path) or {"name", "fd"} (the client's). */
struct image_import_req {
	char name[PD_IMGREF_MAX]; /* as given; a reference with a tag */
	char path[4096];          /* absolute, or "" with an fd */
	long long fd;             /* the client's fd, or -1 */
};
int image_import_req_parse(const json_t *body, struct image_import_req *r, struct pd_err *err);

/* {"fd"}: the client's fd of an archive, a stream or an OCI layout dir. */
int image_load_req_parse(const json_t *body, long long *fd, struct pd_err *err);

/* {"fd", "names": [REF, ...], "format"}: refs borrowed from @body. */
struct image_save_req {
	long long fd;
	const char *refs[PD_IMAGE_SAVE_MAX]; /* borrowed from the body */
	size_t n_refs;
	const char *format; /* PD_IMAGE_FORMAT_DOCKER (default) or _OCI */
};
int image_save_req_parse(const json_t *body, struct image_save_req *r, struct pd_err *err);

/* {"name"}: the new name, a reference with a tag, into @name (PD_IMGREF_MAX). */
int image_tag_req_parse(const json_t *body, char *name, struct pd_err *err);
