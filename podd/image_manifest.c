/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests and configs; see image_manifest.h. The shapes are those of the
 * OCI image spec (manifest.md, config.md) and Docker's image manifest v2
 * schema 2, which has the same fields.
 */
#include "image_manifest.h"

#include <string.h>

static int
get_digest(const json_t *obj, const char *key, const char *what, char *out, struct pd_err *err)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (s == NULL || !pd_digest_valid(s))
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" must be a sha256 digest", what, key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
get_size(const json_t *obj, const char *what, long long *out, struct pd_err *err)
{
	const json_t *v = json_object_get(obj, "size");

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return pd_fail(err, PD_E_INVALID, "%s: \"size\" must be a non-negative integer",
			       what);
	*out = json_integer_value(v);
	return 0;
}

int
image_manifest_parse(const json_t *j, struct image_manifest *m, struct pd_err *err)
{
	const json_t *config = json_object_get(j, "config");
	const json_t *layers = json_object_get(j, "layers");
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const json_t *ver = json_object_get(j, "schemaVersion");

	memset(m, 0, sizeof(*m));
	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "manifest: not a JSON object");
	if (mt != NULL &&
	    (strcmp(mt, IMAGE_MT_OCI_INDEX) == 0 || strcmp(mt, IMAGE_MT_DOCKER_LIST) == 0))
		return pd_fail(err, PD_E_INVALID, "manifest: an index, not an image manifest");
	if (mt != NULL && strcmp(mt, IMAGE_MT_OCI_MANIFEST) != 0 &&
	    strcmp(mt, IMAGE_MT_DOCKER_MANIFEST) != 0)
		return pd_fail(err, PD_E_INVALID,
			       "manifest: media type \"%.100s\" is not supported", mt);
	if (json_integer_value(ver) != 2)
		return pd_fail(err, PD_E_INVALID, "manifest: \"schemaVersion\" must be 2");
	if (json_object_get(j, "manifests") != NULL)
		return pd_fail(err, PD_E_INVALID, "manifest: an index, not an image manifest");
	if (!json_is_object(config) ||
	    get_digest(config, "digest", "manifest config", m->config, err) < 0)
		return pd_fail(err, PD_E_INVALID, "manifest: \"config\" must name a sha256 digest");
	if (!json_is_array(layers))
		return pd_fail(err, PD_E_INVALID, "manifest: \"layers\" must be an array");
	if (json_array_size(layers) > IMAGE_MAX_LAYERS)
		return pd_fail(err, PD_E_TOO_LARGE, "manifest: more than %d layers",
			       IMAGE_MAX_LAYERS);
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const json_t *l = json_array_get(layers, i);
		struct image_layer *out = &m->layers[i];
		const char *lmt = json_string_value(json_object_get(l, "mediaType"));

		if (!json_is_object(l) ||
		    get_digest(l, "digest", "manifest layer", out->digest, err) < 0 ||
		    get_size(l, "manifest layer", &out->size, err) < 0)
			return pd_fail(err, PD_E_INVALID, "manifest: layer %zu is not a descriptor",
				       i + 1);
		if (lmt == NULL || strlen(lmt) >= sizeof(out->media_type))
			return pd_fail(err, PD_E_INVALID, "manifest: layer %zu has no media type",
				       i + 1);
		memcpy(out->media_type, lmt, strlen(lmt) + 1);
		m->n_layers++;
	}
	return 0;
}

int
image_config_parse(const json_t *cfg, struct image_manifest *m, char *created, struct pd_err *err)
{
	const json_t *rootfs = json_object_get(cfg, "rootfs");
	const json_t *ids = json_object_get(rootfs, "diff_ids");
	const char *c = json_string_value(json_object_get(cfg, "created"));
	const json_t *inner = json_object_get(cfg, "config");

	if (!json_is_object(cfg))
		return pd_fail(err, PD_E_INVALID, "image config: not a JSON object");
	if (inner != NULL && !json_is_null(inner) && !json_is_object(inner))
		return pd_fail(err, PD_E_INVALID, "image config: \"config\" must be an object");
	if (!json_is_array(ids))
		return pd_fail(err, PD_E_INVALID,
			       "image config: \"rootfs.diff_ids\" must be an array");
	if (json_array_size(ids) != m->n_layers)
		return pd_fail(err, PD_E_INVALID,
			       "image config: %zu diff_ids for %zu layers in the manifest",
			       json_array_size(ids), m->n_layers);
	for (size_t i = 0; i < m->n_layers; i++) {
		const char *s = json_string_value(json_array_get(ids, i));

		if (s == NULL || !pd_digest_valid(s))
			return pd_fail(err, PD_E_INVALID,
				       "image config: diff_id %zu is not a sha256 digest", i + 1);
		memcpy(m->layers[i].diff_id, s, strlen(s) + 1);
	}
	created[0] = '\0';
	if (c != NULL && strlen(c) < IMAGE_CREATED_MAX)
		memcpy(created, c, strlen(c) + 1);
	return 0;
}
