/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod volumes and pod mounts, parsed and checked (pod_volume.h, the pure
 * half). What the kubelet refuses is refused here, by the volume's name.
 */
#include "pod_volume.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cleanup.h"
#include "json.h"
#include "mount_spec.h"
#include "xalloc.h"

#define DNS_LABEL_MAX     63
#define DNS_SUBDOMAIN_MAX 253
#define MODE_MAX          0777
#define DEFAULT_MODE      0644 /* the kubelet's defaultMode, 420 */

static const char *const host_path_types[] = {
    "",           "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
    "CharDevice", "BlockDevice",       NULL};
static const char *const downward_fields[] = {"metadata.labels", "metadata.annotations",
					      "metadata.name", "metadata.namespace", NULL};

static bool
in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* An RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most @max bytes. */
static bool
is_dns_label(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

/* An RFC 1123 subdomain: labels joined by '.', at most 253 bytes. */
static bool
is_dns_subdomain(const char *s)
{
	char buf[DNS_SUBDOMAIN_MAX + 1];
	char *save = NULL, *label;

	if (strlen(s) > DNS_SUBDOMAIN_MAX || s[0] == '\0')
		return false;
	memcpy(buf, s, strlen(s) + 1);
	if (buf[strlen(buf) - 1] == '.' || buf[0] == '.' || strstr(buf, "..") != NULL)
		return false;
	for (label = strtok_r(buf, ".", &save); label != NULL; label = strtok_r(NULL, ".", &save))
		if (!is_dns_label(label, DNS_LABEL_MAX))
			return false;
	return true;
}

int
pod_volume_check_rel_path(const char *p, const char *what, struct pd_err *err)
{
	const char *c = p;

	if (p[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "%s is empty", what);
	if (strlen(p) > POD_VOLUME_PATH_MAX)
		return pd_fail(err, PD_E_INVALID, "%s is over %d bytes", what, POD_VOLUME_PATH_MAX);
	if (p[0] == '/')
		return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" must be relative", what, p);
	while (*c != '\0') {
		size_t n = strcspn(c, "/");

		if (n == 0)
			return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" has an empty component",
				       what, p);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" must not contain \"..\"",
				       what, p);
		c += n;
		if (*c == '/')
			c++;
	}
	if (p[strlen(p) - 1] == '/')
		return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" ends with '/'", what, p);
	return 0;
}

/* A mode 0..0777, as JSON (decimal, as the API takes Kubernetes' 420). */
static int
get_mode(const json_t *o, const char *key, long long def, long long *out, struct pd_err *err)
{
	*out = def;
	return pd_json_get_int(o, key, 0, MODE_MAX, out, err);
}

static int
items_files(const json_t *items, bool secret, json_t *out, struct pd_err *err)
{
	const json_t *it;
	size_t i;

	if (!json_is_array(items) || json_array_size(items) > POD_VOLUME_ITEMS_MAX)
		return pd_fail(err, PD_E_INVALID, "\"items\" must be an array of at most %d",
			       POD_VOLUME_ITEMS_MAX);
	json_array_foreach (items, i, it) {
		static const char *const allowed[] = {"path", "data", "mode", NULL};
		const char *path = NULL, *data = NULL;
		long long mode = -1;
		cleanup_free char *raw = NULL;
		size_t len;
		json_t *o;

		if (pd_json_check_keys(it, "item", allowed, err) < 0 ||
		    pd_json_get_string(it, "path", &path, err) < 0 ||
		    pd_json_get_string(it, "data", &data, err) < 0 ||
		    get_mode(it, "mode", -1, &mode, err) < 0)
			return pd_err_prefix(err, "item %zu", i);
		if (path == NULL || data == NULL)
			return pd_fail(err, PD_E_INVALID, "item %zu needs \"path\" and \"data\"",
				       i);
		if (pod_volume_check_rel_path(path, "item path", err) < 0)
			return -1;
		raw = pd_base64_decode(data, &len, err);
		if (raw == NULL)
			return pd_err_prefix(err, "item \"%.64s\": data", path);
		o = json_pack("{s:s, s:s}", "path", path, "data", data);
		if (mode >= 0)
			json_object_set_new(o, "mode", json_integer(mode));
		json_array_append_new(out, o);
	}
	(void)secret;
	return 0;
}

static int
items_downward(const json_t *items, json_t *out, struct pd_err *err)
{
	const json_t *it;
	size_t i;

	if (!json_is_array(items) || json_array_size(items) > POD_VOLUME_ITEMS_MAX)
		return pd_fail(err, PD_E_INVALID, "\"items\" must be an array of at most %d",
			       POD_VOLUME_ITEMS_MAX);
	json_array_foreach (items, i, it) {
		static const char *const allowed[] = {"path", "field", "mode", NULL};
		const char *path = NULL, *field = NULL;
		long long mode = -1;
		json_t *o;

		if (pd_json_check_keys(it, "item", allowed, err) < 0 ||
		    pd_json_get_string(it, "path", &path, err) < 0 ||
		    pd_json_get_string(it, "field", &field, err) < 0 ||
		    get_mode(it, "mode", -1, &mode, err) < 0)
			return pd_err_prefix(err, "item %zu", i);
		if (path == NULL || field == NULL)
			return pd_fail(err, PD_E_INVALID, "item %zu needs \"path\" and \"field\"",
				       i);
		if (pod_volume_check_rel_path(path, "item path", err) < 0)
			return -1;
		if (!in_list(field, downward_fields))
			return pd_fail(err, PD_E_INVALID,
				       "item \"%.64s\": field \"%.64s\" is not one of "
				       "metadata.labels, metadata.annotations, metadata.name, "
				       "metadata.namespace",
				       path, field);
		o = json_pack("{s:s, s:s}", "path", path, "field", field);
		if (mode >= 0)
			json_object_set_new(o, "mode", json_integer(mode));
		json_array_append_new(out, o);
	}
	return 0;
}

/* Two items of one volume on one path. */
static int
check_item_paths(const json_t *items, struct pd_err *err)
{
	for (size_t i = 0; i < json_array_size(items); i++)
		for (size_t k = i + 1; k < json_array_size(items); k++) {
			const char *a =
			    json_string_value(json_object_get(json_array_get(items, i), "path"));
			const char *b =
			    json_string_value(json_object_get(json_array_get(items, k), "path"));
			size_t n = strlen(a);

			if (strcmp(a, b) == 0 || (strncmp(a, b, n) == 0 && b[n] == '/') ||
			    (strncmp(a, b, strlen(b)) == 0 && a[strlen(b)] == '/'))
				return pd_fail(err, PD_E_INVALID,
					       "items \"%.64s\" and \"%.64s\" conflict", a, b);
		}
	return 0;
}

static json_t *
volume_parse(const json_t *v, struct pd_err *err)
{
	static const char *const allowed[] = {
	    "name",  "type",         "medium", "size_limit",     "source",
	    "items", "default_mode", "path",   "host_path_type", NULL};
	const char *name = NULL, *type = NULL, *medium = "", *source = NULL, *path = NULL;
	const char *hp_type = "";
	long long size = 0, mode = DEFAULT_MODE;
	cleanup_json json_t *o = NULL;
	const json_t *items = json_object_get(v, "items");

	if (pd_json_check_keys(v, "volume", allowed, err) < 0 ||
	    pd_json_get_string(v, "name", &name, err) < 0 ||
	    pd_json_get_string(v, "type", &type, err) < 0)
		return NULL;
	if (name == NULL || type == NULL) {
		pd_fail(err, PD_E_INVALID, "a volume needs \"name\" and \"type\"");
		return NULL;
	}
	if (!is_dns_label(name, DNS_LABEL_MAX)) {
		pd_fail(err, PD_E_INVALID,
			"volume name \"%.64s\": not a DNS label (a-z, 0-9, '-', at most 63)", name);
		return NULL;
	}
	if (pd_json_get_string(v, "medium", &medium, err) < 0 ||
	    pd_json_get_int(v, "size_limit", 0, INT64_C(1) << 50, &size, err) < 0 ||
	    pd_json_get_string(v, "source", &source, err) < 0 ||
	    get_mode(v, "default_mode", DEFAULT_MODE, &mode, err) < 0 ||
	    pd_json_get_string(v, "path", &path, err) < 0 ||
	    pd_json_get_string(v, "host_path_type", &hp_type, err) < 0)
		goto fail;
	o = json_pack("{s:s, s:s}", "name", name, "type", type);
#define ONLY(cond)                                                                               \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			pd_fail(err, PD_E_INVALID, "a %s volume takes only its own keys", type); \
			goto fail;                                                               \
		}                                                                                \
	} while (0)
	if (strcmp(type, "empty_dir") == 0) {
		ONLY(source == NULL && items == NULL && path == NULL &&
		     json_object_get(v, "host_path_type") == NULL &&
		     json_object_get(v, "default_mode") == NULL);
		if (strcmp(medium, "") != 0 && strcmp(medium, "Memory") != 0) {
			pd_fail(err, PD_E_INVALID, "medium \"%.32s\" is not \"\" or \"Memory\"",
				medium);
			goto fail;
		}
		json_object_set_new(o, "medium", json_string(medium));
		json_object_set_new(o, "size_limit", json_integer(size));
	} else if (strcmp(type, "config_map") == 0 || strcmp(type, "secret") == 0) {
		json_t *out = json_array();

		ONLY(path == NULL && json_object_get(v, "host_path_type") == NULL &&
		     json_object_get(v, "medium") == NULL &&
		     json_object_get(v, "size_limit") == NULL);
		json_object_set_new(o, "items", out);
		if (source == NULL || !is_dns_subdomain(source)) {
			pd_fail(err, PD_E_INVALID, "\"source\" must be a DNS subdomain name");
			goto fail;
		}
		if ((items != NULL && items_files(items, type[0] == 's', out, err) < 0) ||
		    check_item_paths(out, err) < 0)
			goto fail;
		json_object_set_new(o, "source", json_string(source));
		json_object_set_new(o, "default_mode", json_integer(mode));
	} else if (strcmp(type, "downward_api") == 0) {
		json_t *out = json_array();

		ONLY(source == NULL && path == NULL &&
		     json_object_get(v, "host_path_type") == NULL &&
		     json_object_get(v, "medium") == NULL &&
		     json_object_get(v, "size_limit") == NULL);
		json_object_set_new(o, "items", out);
		if ((items != NULL && items_downward(items, out, err) < 0) ||
		    check_item_paths(out, err) < 0)
			goto fail;
		json_object_set_new(o, "default_mode", json_integer(mode));
	} else if (strcmp(type, "host_path") == 0) {
		struct mount_spec m;
		cleanup_free char *spec = NULL;
		int r;

		ONLY(source == NULL && items == NULL && json_object_get(v, "medium") == NULL &&
		     json_object_get(v, "size_limit") == NULL &&
		     json_object_get(v, "default_mode") == NULL);
		if (path == NULL || path[0] != '/') {
			pd_fail(err, PD_E_INVALID, "a host_path volume needs an absolute \"path\"");
			goto fail;
		}
		if (!in_list(hp_type, host_path_types)) {
			pd_fail(err, PD_E_INVALID, "host_path_type \"%.32s\" is unknown", hp_type);
			goto fail;
		}
		/* The bind parser's checks and its cleaned path. */
		spec = xasprintf("%s:/x", path);
		r = mount_spec_parse_volume(spec, &m, err);
		if (r == 0)
			json_object_set_new(o, "path", json_string(m.source));
		mount_spec_clear(&m);
		if (r < 0)
			goto fail;
		json_object_set_new(o, "host_path_type", json_string(hp_type));
	} else if (strcmp(type, "volume") == 0) {
		ONLY(items == NULL && path == NULL && json_object_get(v, "medium") == NULL &&
		     json_object_get(v, "size_limit") == NULL &&
		     json_object_get(v, "default_mode") == NULL &&
		     json_object_get(v, "host_path_type") == NULL);
		if (source == NULL || mount_spec_check_volume_name(source, err) < 0) {
			if (source == NULL)
				pd_fail(err, PD_E_INVALID, "a volume volume needs \"source\"");
			goto fail;
		}
		json_object_set_new(o, "source", json_string(source));
	} else {
		pd_fail(err, PD_E_INVALID,
			"volume type \"%.32s\" is not empty_dir, config_map, secret, "
			"downward_api, host_path or volume",
			type);
		goto fail;
	}
#undef ONLY
	return steal_ptr(o);
fail:
	pd_err_prefix(err, "volume \"%s\"", name);
	return NULL;
}

int
pod_volumes_parse(const json_t *volumes, json_t **out, struct pd_err *err)
{
	cleanup_json json_t *list = json_array();
	const json_t *v;
	size_t i;

	*out = NULL;
	if (volumes != NULL && !json_is_null(volumes)) {
		if (!json_is_array(volumes))
			return pd_fail(err, PD_E_INVALID, "field \"volumes\" must be an array");
		if (json_array_size(volumes) > POD_VOLUMES_MAX)
			return pd_fail(err, PD_E_INVALID, "more than %d volumes", POD_VOLUMES_MAX);
	}
	json_array_foreach (volumes, i, v) {
		json_t *o = volume_parse(v, err);

		if (o == NULL)
			return -1;
		if (pod_volume_find(list, json_string_value(json_object_get(o, "name"))) != NULL) {
			pd_fail(err, PD_E_INVALID, "two volumes are named \"%s\"",
				json_string_value(json_object_get(o, "name")));
			json_decref(o);
			return -1;
		}
		json_array_append_new(list, o);
	}
	*out = steal_ptr(list);
	return 0;
}

const json_t *
pod_volume_find(const json_t *volumes, const char *name)
{
	const json_t *v;
	size_t i;

	json_array_foreach (volumes, i, v)
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return v;
	return NULL;
}

/* The checks shared by a request's pod mount and a record's. */
static int
mount_fields(const json_t *m, bool canonical, struct pd_err *err)
{
	static const char *const req[] = {"volume", "target", "read_only", "sub_path", NULL};
	static const char *const rec[] = {"type",      "source",   "target",
					  "read_only", "sub_path", NULL};
	const char *vol = NULL, *target = NULL, *sub = "", *type = NULL;
	bool ro = false;
	struct mount_spec ms;
	cleanup_free char *spec = NULL;
	int r;

	if (pd_json_check_keys(m, "pod mount", canonical ? rec : req, err) < 0 ||
	    pd_json_get_string(m, canonical ? "source" : "volume", &vol, err) < 0 ||
	    pd_json_get_string(m, "target", &target, err) < 0 ||
	    pd_json_get_bool(m, "read_only", &ro, err) < 0 ||
	    pd_json_get_string(m, "sub_path", &sub, err) < 0 ||
	    (canonical && pd_json_get_string(m, "type", &type, err) < 0))
		return -1;
	if (canonical && (type == NULL || strcmp(type, "pod") != 0))
		return pd_fail(err, PD_E_INVALID, "not a pod mount");
	if (vol == NULL || target == NULL)
		return pd_fail(err, PD_E_INVALID, "a pod mount needs \"volume\" and \"target\"");
	if (!is_dns_label(vol, DNS_LABEL_MAX))
		return pd_fail(err, PD_E_INVALID, "pod mount: no volume can be named \"%.64s\"",
			       vol);
	if (sub[0] != '\0' && pod_volume_check_rel_path(sub, "sub_path", err) < 0)
		return -1;
	/* The target as a tmpfs flag would take it: absolute, cleaned. */
	spec = xasprintf("%s", target);
	r = mount_spec_parse_tmpfs(spec, &ms, err);
	if (r == 0 && strcmp(ms.target, target) != 0 && canonical)
		r = pd_fail(err, PD_E_INVALID, "pod mount target \"%.64s\" is not clean", target);
	mount_spec_clear(&ms);
	if (r < 0)
		return pd_err_prefix(err, "pod mount of \"%s\"", vol);
	return 0;
}

int
pod_mount_check(const json_t *m, struct pd_err *err)
{
	return mount_fields(m, true, err);
}

int
pod_mounts_parse(const json_t *pod_mounts, json_t *mounts, struct pd_err *err)
{
	const json_t *m;
	size_t i;

	if (pod_mounts == NULL || json_is_null(pod_mounts))
		return 0;
	if (!json_is_array(pod_mounts))
		return pd_fail(err, PD_E_INVALID, "field \"pod_mounts\" must be an array");
	if (json_array_size(pod_mounts) + json_array_size(mounts) > MOUNT_MAX)
		return pd_fail(err, PD_E_INVALID, "more than %d mounts", MOUNT_MAX);
	json_array_foreach (pod_mounts, i, m) {
		const char *target, *sub = "";
		struct mount_spec ms;
		cleanup_free char *spec = NULL;

		if (mount_fields(m, false, err) < 0)
			return -1;
		target = json_string_value(json_object_get(m, "target"));
		if (json_is_string(json_object_get(m, "sub_path")))
			sub = json_string_value(json_object_get(m, "sub_path"));
		spec = xasprintf("%s", target);
		if (mount_spec_parse_tmpfs(spec, &ms, err) < 0) {
			mount_spec_clear(&ms);
			return -1;
		}
		for (size_t k = 0; k < json_array_size(mounts); k++)
			if (strcmp(json_string_value(
				       json_object_get(json_array_get(mounts, k), "target")),
				   ms.target) == 0) {
				pd_fail(err, PD_E_INVALID, "two mounts on %s", ms.target);
				mount_spec_clear(&ms);
				return -1;
			}
		json_array_append_new(
		    mounts,
		    json_pack("{s:s, s:O, s:s, s:b, s:s}", "type", "pod", "source",
			      json_object_get(m, "volume"), "target", ms.target, "read_only",
			      json_is_true(json_object_get(m, "read_only")), "sub_path", sub));
		mount_spec_clear(&ms);
	}
	return 0;
}

/* Go's %q of @s into @out, as the kubelet writes label values. */
static void
go_quote(const char *s, FILE *out)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p != '\0') {
		unsigned char c = *p;
		size_t n = 0;

		if (c >= 0x80) {
			/* A whole, valid UTF-8 sequence goes as it is. */
			n = (c & 0xe0) == 0xc0   ? 2
			    : (c & 0xf0) == 0xe0 ? 3
			    : (c & 0xf8) == 0xf0 ? 4
						 : 0;
			for (size_t k = 1; k < n; k++)
				if ((p[k] & 0xc0) != 0x80)
					n = 0;
			if (n > 0) {
				(void)fwrite(p, 1, n, out);
				p += n;
				continue;
			}
			fprintf(out, "\\x%02x", c);
		} else if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
		} else if (c == '\a' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
			   c == '\t' || c == '\v') {
			fprintf(out, "\\%c", "abtnvfr"[c - '\a']);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\x%02x", c);
		} else {
			fputc(c, out);
		}
		p++;
	}
	fputc('"', out);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *
pod_downward_format_map(const json_t *map)
{
	size_t n = json_object_size(map), i = 0, len = 0;
	cleanup_free const char **keys = xcalloc(n + 1, sizeof(*keys));
	char *buf = NULL;
	FILE *out = open_memstream(&buf, &len);
	const char *key;
	json_t *v;

	if (out == NULL)
		abort();
	json_object_foreach ((json_t *)map, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		const char *val = json_string_value(json_object_get(map, keys[i]));

		if (i > 0)
			fputc('\n', out);
		fprintf(out, "%s=", keys[i]);
		go_quote(val != NULL ? val : "", out);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}
