/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's volumes → podd's pod volumes (contract §3): emptyDir,
 * hostPath, configMap, secret, downwardAPI, persistentVolumeClaim
 * (kube_walk.h).
 */
#include "kube_walk.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

/* ---- volumes --------------------------------------------------------- */

static const char *const source_kinds[] = {
    "emptyDir", "hostPath", "configMap", "secret", "downwardAPI", "persistentVolumeClaim", NULL};

/* items/all keys of a ConfigMap or Secret volume. */
static int
data_volume(struct ctx *c, const json_t *src, bool secret, json_t *out)
{
	static const char *const known[] = {"name",        "secretName", "items",
					    "defaultMode", "optional",   NULL};
	const char *name = NULL, *k;
	const json_t *items, *it, *obj;
	long long mode;
	int optional;
	json_t *arr = json_array(), *v;
	size_t i;

	json_object_set_new(out, "items", arr);
	if (kw_check_fields(c, src, known, NULL) < 0 ||
	    kw_get_str(c, src, secret ? "secretName" : "name", &name) < 0 ||
	    kw_get_arr(c, src, "items", &items) < 0 ||
	    kw_get_int(c, src, "defaultMode", 0, 0777, &mode) < 0 ||
	    kw_get_bool(c, src, "optional", &optional) < 0)
		return -1;
	if (name == NULL)
		return kw_fail_key(c, secret ? "secretName" : "name", "Required value");
	json_object_set_new(out, "type", json_string(secret ? "secret" : "config_map"));
	json_object_set_new(out, "source", json_string(name));
	json_object_set_new(out, "default_mode", json_integer(mode >= 0 ? mode : 0644));
	obj = json_object_get(secret ? c->secrets : c->configmaps, name);
	if (obj == NULL) {
		if (optional == 1)
			return 0;
		return kw_fail(c, "%s \"%s\" not found (give it in the file or with --configmap)",
			       secret ? "Secret" : "ConfigMap", name);
	}
	if (items == NULL) {
		cleanup_json json_t *keys = kw_sorted_keys(json_object_get(obj, "data"));
		json_t *kj;

		json_array_foreach (keys, i, kj) {
			k = json_string_value(kj);
			v = json_object_get(json_object_get(obj, "data"), k);
			json_array_append_new(arr, json_pack("{s:s, s:O}", "path", k, "data", v));
		}
		return 0;
	}
	json_array_foreach (items, i, it) {
		static const char *const ik[] = {"key", "path", "mode", NULL};
		size_t s = kw_path_push(c, ".items[%zu]", i);
		const char *key = NULL, *path = NULL;
		long long m;
		const json_t *d;
		json_t *o;

		if (!json_is_object(it))
			return kw_fail(c, "must be an object");
		if (kw_check_fields(c, it, ik, NULL) < 0 || kw_get_str(c, it, "key", &key) < 0 ||
		    kw_get_str(c, it, "path", &path) < 0 ||
		    kw_get_int(c, it, "mode", 0, 0777, &m) < 0)
			return -1;
		if (key == NULL)
			return kw_fail_key(c, "key", "Required value");
		if (path == NULL || path[0] == '\0' || path[0] == '/' || strstr(path, "..") != NULL)
			return kw_fail_key(c, "path", "must be a relative path without '..'");
		d = json_object_get(json_object_get(obj, "data"), key);
		if (d == NULL) {
			if (optional == 1)
				continue;
			return kw_fail_key(c, "key", "not in the ConfigMap or Secret");
		}
		o = json_pack("{s:s, s:O}", "path", path, "data", d);
		if (m >= 0)
			json_object_set_new(o, "mode", json_integer(m));
		json_array_append_new(arr, o);
		kw_path_pop(c, s);
	}
	return 0;
}

json_t *
kw_volume(struct ctx *c, const json_t *vol, json_t *claims)
{
	const char *name = NULL;
	cleanup_json json_t *out = json_object();
	const json_t *src = NULL;
	const char *which = NULL;
	int n = 0;

	if (!json_is_object(vol)) {
		kw_fail(c, "must be an object");
		return NULL;
	}
	if (kw_get_str(c, vol, "name", &name) < 0)
		return NULL;
	if (name == NULL || !kube_dns_label(name)) {
		kw_fail_key(c, "name", name ? "not a lowercase RFC 1123 label" : "Required value");
		return NULL;
	}
	json_object_set_new(out, "name", json_string(name));
	for (const char *const *k = source_kinds; *k != NULL; k++) {
		if (json_object_get(vol, *k) != NULL) {
			n++;
			which = *k;
			src = json_object_get(vol, *k);
		}
	}
	{
		const char *k;
		json_t *v;

		json_object_foreach ((json_t *)vol, k, v) {
			if (strcmp(k, "name") != 0 && !kw_in_list(k, source_kinds)) {
				kw_fail_key(c, k, "this volume type is not supported");
				return NULL;
			}
		}
	}
	if (n != 1 || (!json_is_object(src) && !json_is_null(src))) {
		kw_fail(c,
			n == 0 ? "a volume type is required" : "may not have more than one type");
		return NULL;
	}
	if (json_is_null(src))
		src = NULL;
	{
		size_t s = kw_path_key(c, which);
		static const char *const ek[] = {"medium", "sizeLimit", NULL};
		static const char *const hk[] = {"path", "type", NULL};
		static const char *const pk[] = {"claimName", "readOnly", NULL};
		static const char *const dk[] = {"items", "defaultMode", NULL};
		static const char *const htypes[] = {"",           "DirectoryOrCreate",
						     "Directory",  "FileOrCreate",
						     "File",       "Socket",
						     "CharDevice", "BlockDevice",
						     NULL};

		if (strcmp(which, "emptyDir") == 0) {
			const char *medium = NULL;
			const json_t *lim = json_object_get(src, "sizeLimit");

			if (kw_check_fields(c, src, ek, NULL) < 0 ||
			    kw_get_str(c, src, "medium", &medium) < 0)
				return NULL;
			if (medium != NULL && medium[0] != '\0' && strcmp(medium, "Memory") != 0) {
				kw_fail_key(c, "medium", "must be \"\" or Memory");
				return NULL;
			}
			json_object_set_new(out, "type", json_string("empty_dir"));
			json_object_set_new(out, "medium", json_string(medium ? medium : ""));
			if (lim != NULL && !json_is_null(lim)) {
				long long bytes = -1;

				if (json_is_integer(lim))
					bytes = json_integer_value(lim);
				else if (json_is_string(lim)) {
					const char *q = json_string_value(lim);
					char *end = NULL;
					static const char *const suf[] = {
					    "", "Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T", NULL};
					static const long long mul[] = {
					    1,    1LL << 10, 1LL << 20,  1LL << 30,    1LL << 40,
					    1000, 1000000,   1000000000, 1000000000000};
					long long base = strtoll(q, &end, 10);

					for (size_t i = 0; suf[i] != NULL && end != q; i++)
						if (strcmp(end, suf[i]) == 0 && base >= 0)
							bytes = base * mul[i];
				}
				if (bytes <= 0) {
					kw_fail_key(c, "sizeLimit", "must be a positive quantity");
					return NULL;
				}
				json_object_set_new(out, "size_limit", json_integer(bytes));
			}
		} else if (strcmp(which, "hostPath") == 0) {
			const char *p = NULL, *t = NULL;

			if (src == NULL || kw_check_fields(c, src, hk, NULL) < 0 ||
			    kw_get_str(c, src, "path", &p) < 0 ||
			    kw_get_str(c, src, "type", &t) < 0)
				return src ? NULL : (kw_fail(c, "Required value"), NULL);
			if (p == NULL || p[0] != '/') {
				kw_fail_key(c, "path", "must be an absolute path");
				return NULL;
			}
			if (t != NULL && !kw_in_list(t, htypes)) {
				kw_fail_key(c, "type", "not a hostPath type");
				return NULL;
			}
			json_object_set_new(out, "type", json_string("host_path"));
			json_object_set_new(out, "path", json_string(p));
			json_object_set_new(out, "host_path_type", json_string(t ? t : ""));
		} else if (strcmp(which, "configMap") == 0 || strcmp(which, "secret") == 0) {
			if (src == NULL) {
				kw_fail(c, "Required value");
				return NULL;
			}
			if (data_volume(c, src, strcmp(which, "secret") == 0, out) < 0)
				return NULL;
		} else if (strcmp(which, "downwardAPI") == 0) {
			const json_t *items, *it;
			long long mode;
			json_t *arr = json_array();
			size_t i;

			json_object_set_new(out, "type", json_string("downward_api"));
			json_object_set_new(out, "items", arr);
			if (kw_check_fields(c, src, dk, NULL) < 0 ||
			    kw_get_arr(c, src, "items", &items) < 0 ||
			    kw_get_int(c, src, "defaultMode", 0, 0777, &mode) < 0)
				return NULL;
			json_object_set_new(out, "default_mode",
					    json_integer(mode >= 0 ? mode : 0644));
			json_array_foreach (items, i, it) {
				static const char *const ik[] = {"path", "fieldRef", "mode", NULL};
				static const char *const fields[] = {
				    "metadata.labels", "metadata.annotations", "metadata.name",
				    "metadata.namespace", NULL};
				size_t s2 = kw_path_push(c, ".items[%zu]", i);
				const char *path = NULL, *fp = NULL;
				const json_t *fr;
				long long m;
				json_t *o;

				if (!json_is_object(it) || kw_check_fields(c, it, ik, NULL) < 0 ||
				    kw_get_str(c, it, "path", &path) < 0 ||
				    kw_get_obj(c, it, "fieldRef", &fr) < 0 ||
				    kw_get_int(c, it, "mode", 0, 0777, &m) < 0)
					return json_is_object(it)
						   ? NULL
						   : (kw_fail(c, "must be an object"), NULL);
				if (path == NULL || path[0] == '\0' || path[0] == '/' ||
				    strstr(path, "..") != NULL) {
					kw_fail_key(c, "path",
						    "must be a relative path without '..'");
					return NULL;
				}
				if (fr == NULL || kw_get_str(c, fr, "fieldPath", &fp) < 0 ||
				    fp == NULL || !kw_in_list(fp, fields)) {
					kw_fail_key(
					    c, "fieldRef.fieldPath",
					    "supported: metadata.labels, metadata.annotations, "
					    "metadata.name, metadata.namespace");
					return NULL;
				}
				o = json_pack("{s:s, s:s}", "path", path, "field", fp);
				if (m >= 0)
					json_object_set_new(o, "mode", json_integer(m));
				json_array_append_new(arr, o);
				kw_path_pop(c, s2);
			}
		} else {
			const char *claim = NULL;
			int ro;

			if (src == NULL || kw_check_fields(c, src, pk, NULL) < 0 ||
			    kw_get_str(c, src, "claimName", &claim) < 0 ||
			    kw_get_bool(c, src, "readOnly", &ro) < 0)
				return src ? NULL : (kw_fail(c, "Required value"), NULL);
			if (claim == NULL || !kube_dns_subdomain(claim) || strlen(claim) > 63) {
				kw_fail_key(
				    c, "claimName",
				    "a lowercase RFC 1123 name of at most 63 bytes is required");
				return NULL;
			}
			json_object_set_new(out, "type", json_string("volume"));
			json_object_set_new(out, "source", json_string(claim));
			if (!kw_in_list(claim, NULL)) {
				size_t i;
				json_t *x;
				bool seen = false;

				json_array_foreach (claims, i, x)
					seen = seen || strcmp(json_string_value(x), claim) == 0;
				if (!seen)
					json_array_append_new(claims, json_string(claim));
			}
		}
		kw_path_pop(c, s);
	}
	return steal_ptr(out);
}
