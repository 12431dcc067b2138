/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest and index parsing, and platform choice; see reg_manifest.h. Field
 * names and media types are those of the OCI image-spec (manifest.md,
 * image-index.md, descriptor.md) and of Docker's manifest v2 schema 2.
 */
#include "reg_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

static const char *const layer_types[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
    NULL,
};

bool
reg_manifest_layer_type_ok(const char *media_type)
{
	for (size_t i = 0; layer_types[i] != NULL; i++)
		if (strcmp(media_type, layer_types[i]) == 0)
			return true;
	return false;
}

static int
copy_field(const json_t *obj, const char *key, char *out, size_t len, bool required,
	   const char *what, struct pd_err *err)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL && !required) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" is missing or not a string", what,
			       key);
	if (json_string_length(v) >= len)
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" is over %zu bytes", what, key,
			       len - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
descriptor_parse(const json_t *j, bool with_platform, struct reg_descriptor *d, const char *what,
		 struct pd_err *err)
{
	const json_t *size = json_object_get(j, "size");
	const json_t *plat = json_object_get(j, "platform");

	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "%s is not an object", what);
	if (copy_field(j, "mediaType", d->media_type, sizeof(d->media_type), true, what, err) < 0 ||
	    copy_field(j, "digest", d->digest, sizeof(d->digest), true, what, err) < 0)
		return -1;
	if (!pd_digest_valid(d->digest))
		return pd_fail(err, PD_E_INVALID, "%s: digest \"%.80s\" is not sha256:<64 hex>",
			       what, d->digest);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return pd_fail(err, PD_E_INVALID, "%s: size is missing or negative", what);
	d->size = json_integer_value(size);
	if (!with_platform || plat == NULL)
		return 0;
	if (!json_is_object(plat))
		return pd_fail(err, PD_E_INVALID, "%s: platform is not an object", what);
	if (copy_field(plat, "os", d->platform.os, sizeof(d->platform.os), true, what, err) < 0 ||
	    copy_field(plat, "architecture", d->platform.arch, sizeof(d->platform.arch), true, what,
		       err) < 0 ||
	    copy_field(plat, "variant", d->platform.variant, sizeof(d->platform.variant), false,
		       what, err) < 0)
		return -1;
	return 0;
}

/* The kind from the body's mediaType, else the header, else the shape. */
static int
manifest_kind_of(const json_t *j, const char *content_type, struct reg_manifest *m,
		 struct pd_err *err)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	const json_t *sv = json_object_get(j, "schemaVersion");

	if (json_is_integer(sv) && json_integer_value(sv) == 1)
		return pd_fail(err, PD_E_INVALID,
			       "a Docker schema 1 manifest: podd reads schema 2 and OCI only");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2)
		return pd_fail(err, PD_E_INVALID, "manifest: schemaVersion is not 2");
	if (mt == NULL && content_type != NULL && strncmp(content_type, "application/", 12) == 0)
		mt = content_type;
	if (mt == NULL)
		mt = json_object_get(j, "manifests") != NULL ? REG_MT_OCI_INDEX
							     : REG_MT_OCI_MANIFEST;
	if (strlen(mt) >= sizeof(m->media_type))
		return pd_fail(err, PD_E_INVALID, "manifest: media type too long");
	memcpy(m->media_type, mt, strlen(mt) + 1);
	if (strcmp(mt, REG_MT_OCI_MANIFEST) == 0 || strcmp(mt, REG_MT_DOCKER_MANIFEST) == 0)
		m->kind = REG_MANIFEST_IMAGE;
	else if (strcmp(mt, REG_MT_OCI_INDEX) == 0 || strcmp(mt, REG_MT_DOCKER_LIST) == 0)
		m->kind = REG_MANIFEST_INDEX;
	else
		return pd_fail(err, PD_E_INVALID, "unknown manifest media type \"%.80s\"", mt);
	return 0;
}

int
reg_manifest_parse(const char *body, size_t len, const char *content_type, struct reg_manifest *m,
		   struct pd_err *err)
{
	cleanup_json json_t *j = NULL;
	const json_t *arr;
	char what[64];

	memset(m, 0, sizeof(*m));
	j = pd_json_load(body, len, REG_MANIFEST_MAX_BYTES, err);
	if (j == NULL)
		return pd_err_prefix(err, "manifest");
	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "manifest is not a JSON object");
	if (manifest_kind_of(j, content_type, m, err) < 0)
		return -1;
	arr = json_object_get(j, m->kind == REG_MANIFEST_IMAGE ? "layers" : "manifests");
	if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "manifest: \"%s\" is missing",
			       m->kind == REG_MANIFEST_IMAGE ? "layers" : "manifests");
	if (json_array_size(arr) > REG_MANIFEST_MAX_ENTRIES)
		return pd_fail(err, PD_E_TOO_LARGE, "manifest: over %d entries",
			       REG_MANIFEST_MAX_ENTRIES);
	if (m->kind == REG_MANIFEST_IMAGE &&
	    descriptor_parse(json_object_get(j, "config"), false, &m->config, "manifest config",
			     err) < 0)
		return -1;
	m->entries = xcalloc(json_array_size(arr) + 1, sizeof(*m->entries));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct reg_descriptor *d = &m->entries[i];

		(void)snprintf(what, sizeof(what), "manifest %s %zu",
			       m->kind == REG_MANIFEST_IMAGE ? "layer" : "entry", i);
		if (descriptor_parse(json_array_get(arr, i), m->kind == REG_MANIFEST_INDEX, d, what,
				     err) < 0)
			return -1;
		m->n_entries++;
		if (m->kind == REG_MANIFEST_IMAGE && !reg_manifest_layer_type_ok(d->media_type))
			return pd_fail(err, PD_E_INVALID,
				       "%s: unsupported layer media type \"%.80s\"", what,
				       d->media_type);
	}
	if (m->kind == REG_MANIFEST_IMAGE && m->n_entries == 0)
		return pd_fail(err, PD_E_INVALID, "manifest has no layers");
	return 0;
}

void
reg_manifest_free(struct reg_manifest *m)
{
	free(m->entries);
	m->entries = NULL;
	m->n_entries = 0;
}

static bool
is_field(const char *s, size_t n)
{
	if (n == 0 || n >= REG_MANIFEST_FIELD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int
reg_platform_parse(const char *s, struct reg_platform *p, struct pd_err *err)
{
	const char *a = strchr(s, '/');
	const char *v = a != NULL ? strchr(a + 1, '/') : NULL;
	size_t alen;

	memset(p, 0, sizeof(*p));
	if (a == NULL)
		return pd_fail(err, PD_E_INVALID, "platform \"%.64s\" is not OS/ARCH[/VARIANT]", s);
	alen = v != NULL ? (size_t)(v - a - 1) : strlen(a + 1);
	if (!is_field(s, (size_t)(a - s)) || !is_field(a + 1, alen) ||
	    (v != NULL && !is_field(v + 1, strlen(v + 1))))
		return pd_fail(err, PD_E_INVALID, "platform \"%.64s\" is not OS/ARCH[/VARIANT]", s);
	memcpy(p->os, s, (size_t)(a - s));
	memcpy(p->arch, a + 1, alen);
	if (v != NULL)
		memcpy(p->variant, v + 1, strlen(v + 1));
	return 0;
}

void
reg_platform_format(const struct reg_platform *p, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}

const struct reg_descriptor *
reg_manifest_choose(const struct reg_manifest *m, const struct reg_platform *want,
		    struct pd_err *err)
{
	char have[160] = "", one[3 * REG_MANIFEST_FIELD_MAX + 4], w[3 * REG_MANIFEST_FIELD_MAX + 4];

	for (size_t i = 0; i < m->n_entries; i++) {
		const struct reg_platform *p = &m->entries[i].platform;

		if (strcmp(p->os, want->os) == 0 && strcmp(p->arch, want->arch) == 0 &&
		    (want->variant[0] == '\0' || strcmp(p->variant, want->variant) == 0))
			return &m->entries[i];
	}
	for (size_t i = 0; i < m->n_entries; i++) {
		reg_platform_format(&m->entries[i].platform, one, sizeof(one));
		if (strlen(have) + strlen(one) + 3 >= sizeof(have))
			break;
		if (have[0] != '\0')
			strncat(have, ", ", sizeof(have) - strlen(have) - 1);
		strncat(have, one, sizeof(have) - strlen(have) - 1);
	}
	reg_platform_format(want, w, sizeof(w));
	pd_fail(err, PD_E_NOT_FOUND, "no image for platform %s in the index (it has: %s)", w,
		have[0] ? have : "none");
	return NULL;
}
