/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two JSON documents an image is made of, read from the store's blobs:
 * its manifest (OCI image manifest or Docker schema 2; an index or a
 * manifest list is refused, the platform is chosen before a commit) and its
 * config (rootfs.diff_ids, created, os, architecture, history and the
 * "config" object the container side applies). Pure: no system calls, so
 * unit-tested; every failure is PD_E_INVALID naming the field.
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "imgref.h"

#define IMAGE_MAX_LAYERS     128 /* docker's and overlay's practical limit */
#define IMAGE_MEDIA_TYPE_MAX 128
#define IMAGE_CREATED_MAX    64
#define IMAGE_BLOB_JSON_MAX  (4 * 1024 * 1024) /* a manifest or a config */

#define IMAGE_MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define IMAGE_MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define IMAGE_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define IMAGE_MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"

struct image_layer {
	char digest[PD_DIGEST_MAX + 1];  /* the blob, as stored (maybe compressed) */
	char diff_id[PD_DIGEST_MAX + 1]; /* the digest of the uncompressed tar */
	char media_type[IMAGE_MEDIA_TYPE_MAX];
	long long size;     /* the blob's bytes, from the manifest */
	long long unpacked; /* bytes of the unpacked tree (podd-archive unpack); 0 unknown */
};

struct image_manifest {
	char config[PD_DIGEST_MAX + 1];
	size_t n_layers;
	struct image_layer layers[IMAGE_MAX_LAYERS]; /* bottom first */
};

/* Parse a manifest: its config digest and its layers (digest, media type,
 * size). Returns 0 or -1. */
int image_manifest_parse(const json_t *j, struct image_manifest *m, struct pd_err *err);

/* What a config adds: one diff_id per layer of @m (the counts must match),
 * and its "created" (RFC 3339 as written; "" when absent) into @created
 * (IMAGE_CREATED_MAX). Returns 0 or -1. */
int image_config_parse(const json_t *cfg, struct image_manifest *m, char *created,
		       struct pd_err *err);
