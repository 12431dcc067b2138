/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests as registries serve them (OCI image-spec v1.0/1.1, Docker
 * Image Manifest V2 schema 2): an image manifest (a config and its layers)
 * or an index / manifest list (one manifest per platform), parsed into
 * bounded structs, and the choice of a platform from an index. Pure: no
 * I/O; unit-tested. Docker's schema 1 is refused by name.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "imgref.h"

#define REG_MANIFEST_MAX_BYTES   (4 * 1024 * 1024) /* as containerd and distribution cap it */
#define REG_MANIFEST_MAX_ENTRIES 256 /* layers of an image, or manifests of an index */
#define REG_MANIFEST_MEDIA_MAX   128
#define REG_MANIFEST_FIELD_MAX   32

#define REG_MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define REG_MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define REG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REG_MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define REG_MT_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define REG_MT_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
/* What a registry is asked for: every manifest kind podd reads. */
#define REG_MANIFEST_ACCEPT                                               \
	REG_MT_OCI_INDEX ", " REG_MT_OCI_MANIFEST ", " REG_MT_DOCKER_LIST \
			 ", " REG_MT_DOCKER_MANIFEST

enum reg_manifest_kind {
	REG_MANIFEST_IMAGE, /* config + layers */
	REG_MANIFEST_INDEX, /* manifests, one per platform */
};

struct reg_platform {
	char os[REG_MANIFEST_FIELD_MAX];
	char arch[REG_MANIFEST_FIELD_MAX];
	char variant[REG_MANIFEST_FIELD_MAX]; /* "" when none */
};

struct reg_descriptor {
	char media_type[REG_MANIFEST_MEDIA_MAX];
	char digest[PD_DIGEST_MAX + 1];
	long long size;
	struct reg_platform platform; /* an index's entries only */
};

struct reg_manifest {
	enum reg_manifest_kind kind;
	char media_type[REG_MANIFEST_MEDIA_MAX];
	struct reg_descriptor config;   /* REG_MANIFEST_IMAGE */
	struct reg_descriptor *entries; /* owned: the layers, bottom first, or the manifests */
	size_t n_entries;
};

/* Parse @len bytes of @body; @content_type (the reply's header, may be NULL)
 * names the kind when the body's "mediaType" does not. PD_E_INVALID naming
 * the fault (schema 1, an unknown media type, a bad digest, too many
 * entries). Free with reg_manifest_free whatever the result. Returns 0 or -1. */
int reg_manifest_parse(const char *body, size_t len, const char *content_type,
		       struct reg_manifest *m, struct pd_err *err);
void reg_manifest_free(struct reg_manifest *m);

/* Whether @media_type is a layer podd can unpack (tar, gzip or zstd; OCI
 * or Docker). */
bool reg_manifest_layer_type_ok(const char *media_type);

/* Parse "OS/ARCH[/VARIANT]" ("linux/amd64", "linux/arm64/v8").
 * PD_E_INVALID. Returns 0 or -1. */
int reg_platform_parse(const char *s, struct reg_platform *p, struct pd_err *err);
/* "OS/ARCH[/VARIANT]" into @buf. */
void reg_platform_format(const struct reg_platform *p, char *buf, size_t len);

/* The entry of index @m for @want: os and arch equal, and the variant when
 * @want names one. PD_E_NOT_FOUND listing what the index has. Returns the
 * entry (borrowed from @m) or NULL. */
const struct reg_descriptor *reg_manifest_choose(const struct reg_manifest *m,
						 const struct reg_platform *want,
						 struct pd_err *err);
