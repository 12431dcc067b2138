/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ConfigMaps and Secrets kept for the pods that use them, and a
 * container's env: envFrom, then env with valueFrom resolved and $(VAR)
 * expanded, as the kubelet builds it (kube_walk.h).
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

/* ---- ConfigMaps and Secrets ------------------------------------------- */

/* Keep a ConfigMap or Secret document: its keys' contents as base64. */
int
kw_keep_data_doc(struct ctx *c, const json_t *doc, bool secret)
{
	static const char *const known[] = {"apiVersion", "kind", "metadata",  "data", "stringData",
					    "binaryData", "type", "immutable", NULL};
	const json_t *meta, *data, *sdata, *bdata;
	const char *name = NULL, *k;
	cleanup_json json_t *out = json_object();
	json_t *v;
	size_t s;

	if (kw_check_fields(c, doc, known, NULL) < 0 || kw_get_obj(c, doc, "metadata", &meta) < 0)
		return -1;
	if (meta == NULL || kw_get_str(c, meta, "name", &name) < 0 || name == NULL)
		return kw_fail_key(c, "metadata.name", "Required value");
	if (!kube_dns_subdomain(name))
		return kw_fail_key(c, "metadata.name", "not a lowercase RFC 1123 subdomain");
	if (kw_get_obj(c, doc, "data", &data) < 0 || kw_get_obj(c, doc, "stringData", &sdata) < 0 ||
	    kw_get_obj(c, doc, "binaryData", &bdata) < 0)
		return -1;
	s = kw_path_key(c, "data");
	json_object_foreach ((json_t *)data, k, v) {
		cleanup_free char *b = NULL;

		if (!json_is_string(v))
			return kw_fail_key(c, k, "must be a string");
		if (secret) {
			struct pd_err e = {0};
			size_t rawlen = 0;
			cleanup_free char *raw =
			    pd_base64_decode(json_string_value(v), &rawlen, &e);

			if (raw == NULL)
				return kw_fail_key(c, k, "not base64");
			json_object_set_new(out, k, json_string(json_string_value(v)));
		} else {
			b = pd_base64_encode(json_string_value(v), json_string_length(v), false);
			json_object_set_new(out, k, json_string(b));
		}
	}
	kw_path_pop(c, s);
	s = kw_path_key(c, secret ? "stringData" : "binaryData");
	json_object_foreach ((json_t *)(secret ? sdata : bdata), k, v) {
		if (!json_is_string(v))
			return kw_fail_key(c, k, "must be a string");
		if (secret) {
			cleanup_free char *b =
			    pd_base64_encode(json_string_value(v), json_string_length(v), false);

			json_object_set_new(out, k, json_string(b));
		} else {
			struct pd_err e = {0};
			size_t rawlen = 0;
			cleanup_free char *raw =
			    pd_base64_decode(json_string_value(v), &rawlen, &e);

			if (raw == NULL)
				return kw_fail_key(c, k, "not base64");
			json_object_set(out, k, v);
		}
	}
	kw_path_pop(c, s);
	if (json_object_get(secret ? c->secrets : c->configmaps, name) != NULL)
		return kw_fail_key(c, "metadata.name", "a second document of this name");
	json_object_set_new(secret ? c->secrets : c->configmaps, name,
			    json_pack("{s:O}", "data", out));
	return 0;
}

/* The base64 content of @key in ConfigMap/Secret @name, or NULL; *found
 * says whether the object itself exists. */
const char *
kw_data_lookup(const struct ctx *c, bool secret, const char *name, const char *key, bool *found)
{
	const json_t *o = json_object_get(secret ? c->secrets : c->configmaps, name);

	*found = o != NULL;
	return json_string_value(json_object_get(json_object_get(o, "data"), key));
}

/* ---- env ------------------------------------------------------------------ */

/* Kubernetes' $(VAR) expansion over the variables defined so far in @env
 * (an ordered object); $$ is a $, an unknown $(X) stays as written. */
char *
kw_expand_vars(const char *in, const json_t *env)
{
	size_t cap = strlen(in) + 1, len = 0;
	char *out = xmalloc(cap);

	for (const char *p = in; *p != '\0';) {
		const char *val = NULL;
		size_t take = 1, vlen = 0;

		if (p[0] == '$' && p[1] == '$') {
			val = "$";
			vlen = 1;
			take = 2;
		} else if (p[0] == '$' && p[1] == '(') {
			const char *end = strchr(p + 2, ')');
			char name[256];
			size_t n = end ? (size_t)(end - p - 2) : 0;

			if (end != NULL && n < sizeof(name)) {
				const json_t *v;

				memcpy(name, p + 2, n);
				name[n] = '\0';
				v = json_object_get(env, name);
				if (v != NULL) {
					val = json_string_value(v);
					vlen = json_string_length(v);
					take = n + 3;
				}
			}
		}
		if (val == NULL) {
			val = p;
			vlen = 1;
		}
		if (len + vlen + 1 > cap) {
			cap = (len + vlen + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, val, vlen);
		len += vlen;
		p += take;
	}
	out[len] = '\0';
	return out;
}

static bool
env_name_ok(const char *s)
{
	return s[0] != '\0' && strchr(s, '=') == NULL;
}

/* A key from a ConfigMap/Secret reference {name, key, optional}. Sets
 * *value to a new string or leaves NULL (optional and missing). */
static int
key_ref(struct ctx *c, const json_t *ref, bool secret, char **value)
{
	static const char *const known[] = {"name", "key", "optional", NULL};
	const char *name = NULL, *key = NULL, *b64;
	int optional;
	bool found;
	struct pd_err e = {0};
	size_t len = 0;
	char *raw;

	*value = NULL;
	if (kw_check_fields(c, ref, known, NULL) < 0 || kw_get_str(c, ref, "name", &name) < 0 ||
	    kw_get_str(c, ref, "key", &key) < 0 || kw_get_bool(c, ref, "optional", &optional) < 0)
		return -1;
	if (key == NULL)
		return kw_fail_key(c, "key", "Required value");
	if (name == NULL)
		return kw_fail_key(c, "name", "Required value");
	b64 = kw_data_lookup(c, secret, name, key, &found);
	if (b64 == NULL) {
		if (optional == 1)
			return 0;
		return kw_fail(c, found ? "%s \"%s\" has no key \"%s\"" : "%s \"%s\" not found%s",
			       secret ? "Secret" : "ConfigMap", name,
			       found ? key : " (give it in the file or with --configmap)");
	}
	raw = pd_base64_decode(b64, &len, &e);
	if (raw == NULL || strlen(raw) != len) {
		free(raw);
		return kw_fail(c, "key \"%s\" is not text", key);
	}
	*value = raw;
	return 0;
}

static int
field_ref(struct ctx *c, const json_t *ref, const json_t *meta_pod, char **value)
{
	static const char *const known[] = {"fieldPath", "apiVersion", NULL};
	const char *fp = NULL;
	char key[256];

	*value = NULL;
	if (kw_check_fields(c, ref, known, NULL) < 0 || kw_get_str(c, ref, "fieldPath", &fp) < 0)
		return -1;
	if (fp == NULL)
		return kw_fail_key(c, "fieldPath", "Required value");
	if (strcmp(fp, "metadata.name") == 0 || strcmp(fp, "metadata.namespace") == 0) {
		const char *v = json_string_value(json_object_get(meta_pod, fp + 9));

		*value = xstrdup(v ? v : "default");
		return 0;
	}
	if (sscanf(fp, "metadata.labels['%255[^']']", key) == 1 ||
	    sscanf(fp, "metadata.annotations['%255[^']']", key) == 1) {
		const char *which =
		    strncmp(fp, "metadata.labels", 15) == 0 ? "labels" : "annotations";
		const char *v =
		    json_string_value(json_object_get(json_object_get(meta_pod, which), key));

		*value = xstrdup(v ? v : "");
		return 0;
	}
	if (strcmp(fp, "spec.nodeName") == 0 || strcmp(fp, "status.podIP") == 0 ||
	    strcmp(fp, "status.hostIP") == 0 || strcmp(fp, "spec.serviceAccountName") == 0 ||
	    strcmp(fp, "status.podIPs") == 0 || strcmp(fp, "metadata.uid") == 0) {
		return kw_warn_key(c, "fieldPath",
				   "this field is not known before the pod runs, "
				   "the variable is left out");
	}
	return kw_fail_key(c, "fieldPath", "unsupported field path");
}

/* env and envFrom of a container into @env (ordered NAME → value). */
int
kw_container_env(struct ctx *c, const json_t *ctr, const json_t *meta_pod, json_t *env)
{
	const json_t *list, *e;
	size_t i;

	if (kw_get_arr(c, ctr, "envFrom", &list) < 0)
		return -1;
	json_array_foreach (list, i, e) {
		static const char *const known[] = {"configMapRef", "secretRef", "prefix", NULL};
		size_t s = kw_path_push(c, ".envFrom[%zu]", i);
		const json_t *ref = NULL, *cm, *sec, *d;
		const char *prefix = NULL, *name = NULL;
		int optional = -1;
		bool secret;

		if (!json_is_object(e))
			return kw_fail(c, "must be an object");
		if (kw_check_fields(c, e, known, NULL) < 0 ||
		    kw_get_obj(c, e, "configMapRef", &cm) < 0 ||
		    kw_get_obj(c, e, "secretRef", &sec) < 0 ||
		    kw_get_str(c, e, "prefix", &prefix) < 0)
			return -1;
		if ((cm == NULL) == (sec == NULL))
			return kw_fail(c, "one of configMapRef or secretRef is required");
		secret = sec != NULL;
		ref = secret ? sec : cm;
		kw_path_key(c, secret ? "secretRef" : "configMapRef");
		if (kw_get_str(c, ref, "name", &name) < 0 ||
		    kw_get_bool(c, ref, "optional", &optional) < 0)
			return -1;
		if (name == NULL)
			return kw_fail_key(c, "name", "Required value");
		d = json_object_get(secret ? c->secrets : c->configmaps, name);
		if (d == NULL && optional != 1)
			return kw_fail(
			    c, "%s \"%s\" not found (give it in the file or with --configmap)",
			    secret ? "Secret" : "ConfigMap", name);
		/* In key order, as the kubelet reads a ConfigMap's map. */
		cleanup_json json_t *keys = kw_sorted_keys(json_object_get(d, "data"));
		size_t j;
		json_t *kj;

		json_array_foreach (keys, j, kj) {
			struct pd_err pe = {0};
			size_t len = 0;
			const char *k = json_string_value(kj);
			json_t *v = json_object_get(json_object_get(d, "data"), k);
			cleanup_free char *raw = pd_base64_decode(json_string_value(v), &len, &pe);
			cleanup_free char *full = xasprintf("%s%s", prefix ? prefix : "", k);

			/* As the kubelet: keys that are no variable names are skipped. */
			if (raw != NULL && strlen(raw) == len && env_name_ok(full))
				json_object_set_new(env, full, json_string(raw));
		}
		kw_path_pop(c, s);
	}
	if (kw_get_arr(c, ctr, "env", &list) < 0)
		return -1;
	json_array_foreach (list, i, e) {
		static const char *const known[] = {"name", "value", "valueFrom", NULL};
		static const char *const vf_known[] = {"configMapKeyRef", "secretKeyRef",
						       "fieldRef", NULL};
		size_t s = kw_path_push(c, ".env[%zu]", i);
		const char *name = NULL, *value = NULL;
		const json_t *from, *r;
		cleanup_free char *resolved = NULL;
		cleanup_free char *expanded = NULL;
		int n = 0;

		if (!json_is_object(e))
			return kw_fail(c, "must be an object");
		if (kw_check_fields(c, e, known, NULL) < 0 || kw_get_str(c, e, "name", &name) < 0 ||
		    kw_get_str(c, e, "value", &value) < 0 ||
		    kw_get_obj(c, e, "valueFrom", &from) < 0)
			return -1;
		if (name == NULL)
			return kw_fail_key(c, "name", "Required value");
		if (!env_name_ok(name))
			return kw_fail_key(c, "name", "not a valid environment variable name");
		if (from != NULL) {
			size_t s2 = kw_path_key(c, "valueFrom");

			if (value != NULL && value[0] != '\0')
				return kw_fail(c, "may not be given with a value");
			if (kw_check_fields(c, from, vf_known, NULL) < 0)
				return -1;
			if ((r = json_object_get(from, "configMapKeyRef")) != NULL) {
				size_t s3 = kw_path_key(c, "configMapKeyRef");

				n++;
				if (!json_is_object(r) || key_ref(c, r, false, &resolved) < 0)
					return json_is_object(r) ? -1
								 : kw_fail(c, "must be an object");
				kw_path_pop(c, s3);
			}
			if ((r = json_object_get(from, "secretKeyRef")) != NULL) {
				size_t s3 = kw_path_key(c, "secretKeyRef");

				n++;
				if (!json_is_object(r) || key_ref(c, r, true, &resolved) < 0)
					return json_is_object(r) ? -1
								 : kw_fail(c, "must be an object");
				kw_path_pop(c, s3);
			}
			if ((r = json_object_get(from, "fieldRef")) != NULL) {
				size_t s3 = kw_path_key(c, "fieldRef");

				n++;
				if (!json_is_object(r) || field_ref(c, r, meta_pod, &resolved) < 0)
					return json_is_object(r) ? -1
								 : kw_fail(c, "must be an object");
				kw_path_pop(c, s3);
			}
			if (n != 1)
				return kw_fail(c, "exactly one source is required");
			kw_path_pop(c, s2);
			if (resolved != NULL)
				json_object_set_new(env, name, json_string(resolved));
		} else {
			expanded = kw_expand_vars(value ? value : "", env);
			json_object_set_new(env, name, json_string(expanded));
		}
		kw_path_pop(c, s);
	}
	return 0;
}
