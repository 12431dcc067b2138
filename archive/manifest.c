/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests, indexes and docker's manifest.json; see manifest.h. Pure.
 */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int
desc_parse(const json_t *j, struct desc *d, struct pd_err *err)
{
	const json_t *digest = json_object_get(j, "digest");
	const json_t *mt = json_object_get(j, "mediaType");
	const json_t *size = json_object_get(j, "size");

	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "descriptor: not an object");
	if (!json_is_string(digest) || !pd_digest_valid(json_string_value(digest)))
		return pd_fail(err, PD_E_INVALID, "descriptor: bad or missing digest");
	if (mt != NULL && (!json_is_string(mt) || json_string_length(mt) > MEDIA_TYPE_MAX))
		return pd_fail(err, PD_E_INVALID, "descriptor %s: bad mediaType",
			       json_string_value(digest));
	if (size != NULL && (!json_is_integer(size) || json_integer_value(size) < 0))
		return pd_fail(err, PD_E_INVALID, "descriptor %s: bad size",
			       json_string_value(digest));
	(void)snprintf(d->digest, sizeof(d->digest), "%s", json_string_value(digest));
	(void)snprintf(d->media_type, sizeof(d->media_type), "%s",
		       mt != NULL ? json_string_value(mt) : "");
	d->size = size != NULL ? json_integer_value(size) : -1;
	return 0;
}

int
manifest_kind(const json_t *j, enum manifest_kind *kind, struct pd_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));

	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "manifest: not a JSON object");
	if (mt != NULL && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0)) {
		*kind = MANIFEST_INDEX;
		return 0;
	}
	if (mt != NULL &&
	    (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0)) {
		*kind = MANIFEST_IMAGE;
		return 0;
	}
	if (mt != NULL)
		return pd_fail(err, PD_E_INVALID, "manifest: unsupported mediaType \"%.100s\"", mt);
	if (json_is_array(json_object_get(j, "manifests"))) {
		*kind = MANIFEST_INDEX;
		return 0;
	}
	if (json_is_array(json_object_get(j, "layers"))) {
		*kind = MANIFEST_IMAGE;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID, "manifest: neither an image manifest nor an index");
}

int
manifest_parse(const json_t *j, struct manifest *m, struct pd_err *err)
{
	const json_t *version = json_object_get(j, "schemaVersion");
	const json_t *layers = json_object_get(j, "layers");
	const json_t *l;
	size_t i;

	*m = (struct manifest){0};
	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "manifest: not a JSON object");
	if (!json_is_integer(version) || json_integer_value(version) != 2)
		return pd_fail(err, PD_E_INVALID, "manifest: schemaVersion is not 2");
	if (desc_parse(json_object_get(j, "config"), &m->config, err) < 0)
		return pd_err_prefix(err, "manifest config");
	if (!json_is_array(layers))
		return pd_fail(err, PD_E_INVALID, "manifest: no layers array");
	if (json_array_size(layers) > MANIFEST_LAYERS_MAX)
		return pd_fail(err, PD_E_INVALID, "manifest: %zu layers (at most %d)",
			       json_array_size(layers), MANIFEST_LAYERS_MAX);
	m->layers = xcalloc(json_array_size(layers) + 1, sizeof(*m->layers));
	json_array_foreach (layers, i, l) {
		if (desc_parse(l, &m->layers[i], err) < 0) {
			manifest_free(m);
			return pd_err_prefix(err, "manifest layer %zu", i);
		}
		m->nlayers++;
	}
	return 0;
}

void
manifest_free(struct manifest *m)
{
	free(m->layers);
	*m = (struct manifest){0};
}

int
index_choose(const json_t *j, const char *os, const char *arch, struct desc *out,
	     struct pd_err *err)
{
	const json_t *entries = json_object_get(j, "manifests");
	const json_t *e;
	size_t i;

	if (!json_is_array(entries))
		return pd_fail(err, PD_E_INVALID, "index: no manifests array");
	if (json_array_size(entries) > INDEX_ENTRIES_MAX)
		return pd_fail(err, PD_E_INVALID, "index: more than %d entries", INDEX_ENTRIES_MAX);
	json_array_foreach (entries, i, e) {
		const json_t *p = json_object_get(e, "platform");
		const char *eos = json_string_value(json_object_get(p, "os"));
		const char *earch = json_string_value(json_object_get(p, "architecture"));

		if (p == NULL && json_array_size(entries) == 1)
			return desc_parse(e, out, err);
		if (eos != NULL && earch != NULL && strcmp(eos, os) == 0 &&
		    strcmp(earch, arch) == 0)
			return desc_parse(e, out, err);
	}
	return pd_fail(err, PD_E_NOT_FOUND, "index: no image for %s/%s", os, arch);
}

int
index_entry_name(const json_t *entry, char *out, size_t len, char *why, size_t why_len)
{
	const json_t *ann = json_object_get(entry, "annotations");
	const char *name = json_string_value(json_object_get(ann, ANN_CONTAINERD_NAME));
	struct pd_err err = {0};
	struct pd_imgref ref;

	why[0] = '\0';
	if (name == NULL) {
		name = json_string_value(json_object_get(ann, ANN_REF_NAME));
		if (name == NULL)
			return 0;
		/* A bare tag ("latest", "v1.2") names no repository. */
		if (strpbrk(name, "/:@") == NULL) {
			(void)snprintf(why, why_len,
				       "ref name \"%.100s\" is a tag, not a reference", name);
			return 0;
		}
	}
	if (pd_imgref_parse(name, &ref, &err) < 0) {
		(void)snprintf(why, why_len, "%s", err.msg);
		return 0;
	}
	pd_imgref_format(&ref, out, len);
	return 1;
}

/* A JSON array of strings into a new array of borrowed strings. */
static int
string_array(const json_t *a, const char *what, size_t max, const char ***out, size_t *n,
	     struct pd_err *err)
{
	const json_t *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > max)
		return pd_fail(err, PD_E_INVALID, "%s: not an array of at most %zu", what, max);
	*out = xcalloc(json_array_size(a) + 1, sizeof(**out));
	json_array_foreach (a, i, v) {
		if (!json_is_string(v)) {
			free((void *)*out);
			*out = NULL;
			return pd_fail(err, PD_E_INVALID, "%s: not a string", what);
		}
		(*out)[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	return 0;
}

int
docker_manifest_parse(const json_t *j, struct docker_image **imgs, size_t *n, struct pd_err *err)
{
	const json_t *e;
	size_t i;

	*imgs = NULL;
	*n = 0;
	if (!json_is_array(j) || json_array_size(j) > INDEX_ENTRIES_MAX)
		return pd_fail(err, PD_E_INVALID, "manifest.json: not an array of images");
	*imgs = xcalloc(json_array_size(j) + 1, sizeof(**imgs));
	json_array_foreach (j, i, e) {
		struct docker_image *img = &(*imgs)[i];
		const json_t *config = json_object_get(e, "Config");

		*n = i + 1;
		if (!json_is_string(config)) {
			docker_images_free(*imgs, *n);
			*imgs = NULL;
			*n = 0;
			return pd_fail(err, PD_E_INVALID, "manifest.json image %zu: no Config", i);
		}
		img->config = json_string_value(config);
		if (string_array(json_object_get(e, "Layers"), "manifest.json Layers",
				 MANIFEST_LAYERS_MAX, &img->layers, &img->nlayers, err) < 0 ||
		    string_array(json_object_get(e, "RepoTags"), "manifest.json RepoTags",
				 INDEX_ENTRIES_MAX, &img->tags, &img->ntags, err) < 0) {
			docker_images_free(*imgs, *n);
			*imgs = NULL;
			*n = 0;
			return -1;
		}
	}
	return 0;
}

void
docker_images_free(struct docker_image *imgs, size_t n)
{
	if (imgs == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free((void *)imgs[i].layers);
		free((void *)imgs[i].tags);
	}
	free(imgs);
}

const char *
layer_media_type(const unsigned char *head, size_t len)
{
	if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return MT_OCI_LAYER_GZ;
	if (len >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
		return MT_OCI_LAYER_ZST;
	return MT_OCI_LAYER;
}
