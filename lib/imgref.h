/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image references as docker and podman read them (the distribution
 * project's grammar): [REGISTRY/]PATH[:TAG][@DIGEST].
 *
 *   busybox                        docker.io/library/busybox:latest
 *   busybox:1.36                   docker.io/library/busybox:1.36
 *   team/app                       docker.io/team/app:latest
 *   localhost/app, host:5000/app   the registry is the first component when
 *                                  it has a '.' or a ':' or is "localhost"
 *   app@sha256:HEX                 by digest (no tag is implied then)
 *
 * Pure: unit-tested and fuzzed. Every failure names what is wrong.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PD_IMGREF_DOCKER_IO   "docker.io"
#define PD_IMGREF_DEFAULT_TAG "latest"
#define PD_IMGREF_HOST_MAX    255
#define PD_IMGREF_PATH_MAX    255 /* the repository path, as the grammar bounds it */
#define PD_IMGREF_TAG_MAX     128
#define PD_DIGEST_HEX_LEN     64
#define PD_DIGEST_MAX         (sizeof("sha256:") - 1 + PD_DIGEST_HEX_LEN)
/* The longest reference pd_imgref_format writes, with its NUL. */
#define PD_IMGREF_MAX                                                                              \
	(PD_IMGREF_HOST_MAX + 1 + PD_IMGREF_PATH_MAX + 1 + PD_IMGREF_TAG_MAX + 1 + PD_DIGEST_MAX + \
	 1)

struct pd_imgref {
	char registry[PD_IMGREF_HOST_MAX + 1]; /* "docker.io", "127.0.0.1:5000" */
	char path[PD_IMGREF_PATH_MAX + 1];     /* "library/busybox" */
	char tag[PD_IMGREF_TAG_MAX + 1];       /* "" when only a digest was given */
	char digest[PD_DIGEST_MAX + 1];        /* "sha256:HEX", or "" */
};

/* Parse @s into @ref, normalised: the default registry, "library/" for an
 * official image, the "latest" tag when neither tag nor digest is given.
 * PD_E_INVALID naming the fault. Returns 0 or -1. */
int pd_imgref_parse(const char *s, struct pd_imgref *ref, struct pd_err *err);

/* The full name: "REGISTRY/PATH[:TAG][@DIGEST]" into @buf (PD_IMGREF_MAX). */
void pd_imgref_format(const struct pd_imgref *ref, char *buf, size_t len);

/* The repository as docker shows it: "busybox" for docker.io/library/busybox,
 * "team/app" for docker.io/team/app, else "REGISTRY/PATH". */
void pd_imgref_familiar(const struct pd_imgref *ref, char *buf, size_t len);

/* A full name ("docker.io/library/busybox:latest", "REPO@sha256:...") as
 * docker shows it ("busybox:latest", "busybox@sha256:..."), into @buf
 * (PD_IMGREF_MAX); a name it cannot parse as it is. */
void pd_imgref_familiar_name(const char *full, char *buf, size_t len);

/* True when @s is "sha256:" and 64 lowercase hex digits. */
bool pd_digest_valid(const char *s);
