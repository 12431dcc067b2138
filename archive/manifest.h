/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image formats podd-archive reads, as pure functions over jansson
 * values (unit-tested and fuzzed): OCI image manifests and indexes
 * (image-spec manifest.md, image-index.md), Docker's schema 2 manifest and
 * manifest list, and the manifest.json of `docker save`. Whatever is wrong
 * is PD_E_INVALID naming it. Limits keep a hostile file from costing much.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "imgref.h"

#define MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER       "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZ    "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZST   "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER    "application/vnd.docker.image.rootfs.diff.tar"
#define MT_DOCKER_LAYER_GZ "application/vnd.docker.image.rootfs.diff.tar.gzip"

#define ANN_REF_NAME        "org.opencontainers.image.ref.name"
#define ANN_CONTAINERD_NAME "io.containerd.image.name"

#define MANIFEST_LAYERS_MAX 512 /* more layers than overlay could stack */
#define INDEX_ENTRIES_MAX   1024
#define MEDIA_TYPE_MAX      255

/* A content descriptor. */
struct desc {
	char digest[PD_DIGEST_MAX + 1];
	char media_type[MEDIA_TYPE_MAX + 1]; /* "" when absent */
	int64_t size;
};

enum manifest_kind { MANIFEST_IMAGE, MANIFEST_INDEX };

/* Whether @j is an image manifest or an index / manifest list: its
 * mediaType, or (none given) which of "layers" and "manifests" it has. */
int manifest_kind(const json_t *j, enum manifest_kind *kind, struct pd_err *err);

/* An image manifest: its config and its layers, bottom first. */
struct manifest {
	struct desc config;
	struct desc *layers;
	size_t nlayers;
};
int manifest_parse(const json_t *j, struct manifest *m, struct pd_err *err);
void manifest_free(struct manifest *m);

/* A descriptor object. */
int desc_parse(const json_t *j, struct desc *d, struct pd_err *err);

/* The entry of the index @j for @os/@arch (an entry without a platform is
 * taken when it is the only one); PD_E_NOT_FOUND when none matches. */
int index_choose(const json_t *j, const char *os, const char *arch, struct desc *out,
		 struct pd_err *err);

/* The full normalised reference an OCI index entry names in its annotations
 * (io.containerd.image.name, else org.opencontainers.image.ref.name when it
 * names a repository, not just a tag) into @out (PD_IMGREF_MAX). Returns 1
 * when found, 0 when there is none (@why says why not, when it was there but
 * unusable: a bare tag, a bad reference). */
int index_entry_name(const json_t *entry, char *out, size_t len, char *why, size_t why_len);

/* One image of docker's manifest.json. Strings borrowed from the JSON. */
struct docker_image {
	const char *config;
	const char **layers;
	size_t nlayers;
	const char **tags;
	size_t ntags;
};
/* Parse docker's manifest.json (an array of {Config, RepoTags, Layers}). */
int docker_manifest_parse(const json_t *j, struct docker_image **imgs, size_t *n,
			  struct pd_err *err);
void docker_images_free(struct docker_image *imgs, size_t n);

/* The layer media type of a blob starting with @head (gzip, zstd or a tar). */
const char *layer_media_type(const unsigned char *head, size_t len);
