/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest documents → the plan of /v1 bodies (kube_model.h says what).
 * One walk per object kind; each walk checks the fields it models, as
 * Kubernetes' validation does (k8s.io/kubernetes pkg/apis/core/validation:
 * names, ports, enums), and reports the others by path. The path of the
 * field at hand lives in struct ctx, pushed and popped as the walk goes.
 */
#include "kube_model.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

#define PATH_MAX_LEN 384

struct ctx {
	struct pd_err *err;
	json_t *warnings; /* borrowed: the plan's */
	bool strict;
	char what[128]; /* "Pod \"web\"" */
	char path[PATH_MAX_LEN];
	size_t plen;
	json_t *configmaps; /* name → {"data": {key: base64}} */
	json_t *secrets;    /* likewise */
};

/* ---- paths, errors, warnings ---------------------------------------- */

static size_t path_push(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct ctx *c, const char *fmt, ...)
{
	size_t saved = c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen += (size_t)n < sizeof(c->path) - c->plen ? (size_t)n
								 : sizeof(c->path) - c->plen - 1;
	return saved;
}

static void
path_pop(struct ctx *c, size_t saved)
{
	c->plen = saved;
	c->path[saved] = '\0';
}

/* "spec.containers[0]" + key: ".key" unless at the root. */
static size_t
path_key(struct ctx *c, const char *key)
{
	return path_push(c, "%s%s", c->plen ? "." : "", key);
}

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct ctx *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_fail(c->err, PD_E_INVALID, "%s: %s: %s", c->what, c->plen ? c->path : "(root)",
		       msg);
}

/* Fail about the field @key under the current path. */
static int
fail_key(struct ctx *c, const char *key, const char *msg)
{
	size_t s = path_key(c, key);
	int r = fail(c, "%s", msg);

	path_pop(c, s);
	return r;
}

static int
warn_key(struct ctx *c, const char *key, const char *msg)
{
	size_t s = path_key(c, key);

	if (c->strict) {
		fail(c, "%s (--strict)", msg);
		path_pop(c, s);
		return -1;
	}
	json_array_append_new(c->warnings, json_sprintf("%s: %s: %s", c->what, c->path, msg));
	path_pop(c, s);
	return 0;
}

static bool
empty_value(const json_t *v)
{
	return v == NULL || json_is_null(v) || (json_is_object(v) && json_object_size(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static bool
in_list(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* Every key of @obj not in @known (nor empty, nor in @quiet: fields that
 * mean nothing here, such as metadata.creationTimestamp) is warned about. */
static int
check_fields(struct ctx *c, const json_t *obj, const char *const *known, const char *const *quiet)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v) {
		if (in_list(k, known) || in_list(k, quiet) || empty_value(v))
			continue;
		if (warn_key(c, k, "not supported, ignored") < 0)
			return -1;
	}
	return 0;
}

/* ---- typed getters: absent is fine, a wrong type is an error ---------- */

static int
get_obj(struct ctx *c, const json_t *o, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return fail_key(c, key, "must be an object");
	*out = v;
	return 0;
}

static int
get_arr(struct ctx *c, const json_t *o, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return fail_key(c, key, "must be a list");
	*out = v;
	return 0;
}

static int
get_str(struct ctx *c, const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fail_key(c, key, "must be a string");
	*out = json_string_value(v);
	return 0;
}

static int
get_bool(struct ctx *c, const json_t *o, const char *key, int *out)
{
	const json_t *v = json_object_get(o, key);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return fail_key(c, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* An int in [min, max] into *out; *out = -1 when absent. */
static int
get_int(struct ctx *c, const json_t *o, const char *key, long long min, long long max,
	long long *out)
{
	const json_t *v = json_object_get(o, key);
	char msg[96];

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return fail_key(c, key, "must be an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		(void)snprintf(msg, sizeof(msg), "must be between %lld and %lld, not %lld", min,
			       max, (long long)json_integer_value(v));
		return fail_key(c, key, msg);
	}
	*out = json_integer_value(v);
	return 0;
}

/* A list of strings, as a new array into *out (NULL when absent). */
static int
get_strings(struct ctx *c, const json_t *o, const char *key, json_t **out)
{
	const json_t *a;
	size_t i;
	const json_t *v;

	*out = NULL;
	if (get_arr(c, o, key, &a) < 0)
		return -1;
	if (a == NULL)
		return 0;
	json_array_foreach (a, i, v) {
		if (!json_is_string(v)) {
			size_t s = path_push(c, "%s%s[%zu]", c->plen ? "." : "", key, i);

			fail(c, "must be a string");
			path_pop(c, s);
			return -1;
		}
	}
	*out = json_deep_copy(a);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

bool
kube_dns_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

bool
kube_dns_subdomain(const char *s)
{
	size_t n = strlen(s), start = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			char part[64];

			if (i - start == 0 || i - start > 63)
				return false;
			memcpy(part, s + start, i - start);
			part[i - start] = '\0';
			if (!kube_dns_label(part))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* A label value or the name part of a key: ([A-Za-z0-9][-A-Za-z0-9_.]*)?
 * [A-Za-z0-9], at most 63. */
static bool
qualified_part(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool
label_key_ok(const char *k)
{
	const char *slash = strchr(k, '/');

	if (slash != NULL) {
		char prefix[254];
		size_t n = (size_t)(slash - k);

		if (n >= sizeof(prefix))
			return false;
		memcpy(prefix, k, n);
		prefix[n] = '\0';
		if (!kube_dns_subdomain(prefix))
			return false;
		k = slash + 1;
	}
	return qualified_part(k, strlen(k));
}

/* IANA_SVC_NAME: a port's name. */
static bool
port_name_ok(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-' || strstr(s, "--") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (islower((unsigned char)s[i]))
			letter = true;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	}
	return letter;
}

/* metadata.labels or .annotations: an object of strings, into a copy. */
static int
string_map(struct ctx *c, const json_t *meta, const char *key, bool labels, json_t **out)
{
	const json_t *m;
	const char *k;
	json_t *v;
	size_t s;

	*out = NULL;
	if (get_obj(c, meta, key, &m) < 0)
		return -1;
	if (m == NULL)
		return 0;
	s = path_key(c, key);
	json_object_foreach ((json_t *)m, k, v) {
		if (!json_is_string(v))
			return fail_key(c, k, "must be a string");
		if (labels && !label_key_ok(k))
			return fail_key(c, k, "not a valid label key");
		if (labels && json_string_length(v) > 0 &&
		    !qualified_part(json_string_value(v), json_string_length(v)))
			return fail_key(c, k, "not a valid label value");
	}
	path_pop(c, s);
	*out = json_deep_copy(m);
	return 0;
}

/* ---- ConfigMaps and Secrets ------------------------------------------- */

/* Keep a ConfigMap or Secret document: its keys' contents as base64. */
static int
keep_data_doc(struct ctx *c, const json_t *doc, bool secret)
{
	static const char *const known[] = {"apiVersion", "kind", "metadata",  "data", "stringData",
					    "binaryData", "type", "immutable", NULL};
	const json_t *meta, *data, *sdata, *bdata;
	const char *name = NULL, *k;
	cleanup_json json_t *out = json_object();
	json_t *v;
	size_t s;

	if (check_fields(c, doc, known, NULL) < 0 || get_obj(c, doc, "metadata", &meta) < 0)
		return -1;
	if (meta == NULL || get_str(c, meta, "name", &name) < 0 || name == NULL)
		return fail_key(c, "metadata.name", "Required value");
	if (!kube_dns_subdomain(name))
		return fail_key(c, "metadata.name", "not a lowercase RFC 1123 subdomain");
	if (get_obj(c, doc, "data", &data) < 0 || get_obj(c, doc, "stringData", &sdata) < 0 ||
	    get_obj(c, doc, "binaryData", &bdata) < 0)
		return -1;
	s = path_key(c, "data");
	json_object_foreach ((json_t *)data, k, v) {
		cleanup_free char *b = NULL;

		if (!json_is_string(v))
			return fail_key(c, k, "must be a string");
		if (secret) {
			struct pd_err e = {0};
			size_t rawlen = 0;
			cleanup_free char *raw =
			    pd_base64_decode(json_string_value(v), &rawlen, &e);

			if (raw == NULL)
				return fail_key(c, k, "not base64");
			json_object_set_new(out, k, json_string(json_string_value(v)));
		} else {
			b = pd_base64_encode(json_string_value(v), json_string_length(v), false);
			json_object_set_new(out, k, json_string(b));
		}
	}
	path_pop(c, s);
	s = path_key(c, secret ? "stringData" : "binaryData");
	json_object_foreach ((json_t *)(secret ? sdata : bdata), k, v) {
		if (!json_is_string(v))
			return fail_key(c, k, "must be a string");
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
				return fail_key(c, k, "not base64");
			json_object_set(out, k, v);
		}
	}
	path_pop(c, s);
	if (json_object_get(secret ? c->secrets : c->configmaps, name) != NULL)
		return fail_key(c, "metadata.name", "a second document of this name");
	json_object_set_new(secret ? c->secrets : c->configmaps, name,
			    json_pack("{s:O}", "data", out));
	return 0;
}

/* The base64 content of @key in ConfigMap/Secret @name, or NULL; *found
 * says whether the object itself exists. */
static const char *
data_lookup(const struct ctx *c, bool secret, const char *name, const char *key, bool *found)
{
	const json_t *o = json_object_get(secret ? c->secrets : c->configmaps, name);

	*found = o != NULL;
	return json_string_value(json_object_get(json_object_get(o, "data"), key));
}

/* ---- env ------------------------------------------------------------------ */

/* Kubernetes' $(VAR) expansion over the variables defined so far in @env
 * (an ordered object); $$ is a $, an unknown $(X) stays as written. */
static char *
expand_vars(const char *in, const json_t *env)
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
	if (check_fields(c, ref, known, NULL) < 0 || get_str(c, ref, "name", &name) < 0 ||
	    get_str(c, ref, "key", &key) < 0 || get_bool(c, ref, "optional", &optional) < 0)
		return -1;
	if (key == NULL)
		return fail_key(c, "key", "Required value");
	if (name == NULL)
		return fail_key(c, "name", "Required value");
	b64 = data_lookup(c, secret, name, key, &found);
	if (b64 == NULL) {
		if (optional == 1)
			return 0;
		return fail(c, found ? "%s \"%s\" has no key \"%s\"" : "%s \"%s\" not found%s",
			    secret ? "Secret" : "ConfigMap", name,
			    found ? key : " (give it in the file or with --configmap)");
	}
	raw = pd_base64_decode(b64, &len, &e);
	if (raw == NULL || strlen(raw) != len) {
		free(raw);
		return fail(c, "key \"%s\" is not text", key);
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
	if (check_fields(c, ref, known, NULL) < 0 || get_str(c, ref, "fieldPath", &fp) < 0)
		return -1;
	if (fp == NULL)
		return fail_key(c, "fieldPath", "Required value");
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
		return warn_key(c, "fieldPath",
				"this field is not known before the pod runs, "
				"the variable is left out");
	}
	return fail_key(c, "fieldPath", "unsupported field path");
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of @o, sorted (Go's order of a map's keys). */
static json_t *
sorted_keys(const json_t *o)
{
	size_t n = json_object_size(o), i = 0;
	cleanup_free const char **keys = NULL;
	json_t *out = json_array();
	const char *k;
	json_t *v;

	if (n == 0)
		return out;
	keys = xcalloc(n, sizeof(const char *));
	json_object_foreach ((json_t *)o, k, v)
		if (i < n)
			keys[i++] = k;
	qsort(keys, i, sizeof(const char *), cmp_cstr);
	for (size_t j = 0; j < i; j++)
		json_array_append_new(out, json_string(keys[j]));
	return out;
}

/* env and envFrom of a container into @env (ordered NAME → value). */
static int
container_env(struct ctx *c, const json_t *ctr, const json_t *meta_pod, json_t *env)
{
	const json_t *list, *e;
	size_t i;

	if (get_arr(c, ctr, "envFrom", &list) < 0)
		return -1;
	json_array_foreach (list, i, e) {
		static const char *const known[] = {"configMapRef", "secretRef", "prefix", NULL};
		size_t s = path_push(c, ".envFrom[%zu]", i);
		const json_t *ref = NULL, *cm, *sec, *d;
		const char *prefix = NULL, *name = NULL;
		int optional = -1;
		bool secret;

		if (!json_is_object(e))
			return fail(c, "must be an object");
		if (check_fields(c, e, known, NULL) < 0 || get_obj(c, e, "configMapRef", &cm) < 0 ||
		    get_obj(c, e, "secretRef", &sec) < 0 || get_str(c, e, "prefix", &prefix) < 0)
			return -1;
		if ((cm == NULL) == (sec == NULL))
			return fail(c, "one of configMapRef or secretRef is required");
		secret = sec != NULL;
		ref = secret ? sec : cm;
		path_key(c, secret ? "secretRef" : "configMapRef");
		if (get_str(c, ref, "name", &name) < 0 ||
		    get_bool(c, ref, "optional", &optional) < 0)
			return -1;
		if (name == NULL)
			return fail_key(c, "name", "Required value");
		d = json_object_get(secret ? c->secrets : c->configmaps, name);
		if (d == NULL && optional != 1)
			return fail(c,
				    "%s \"%s\" not found (give it in the file or with --configmap)",
				    secret ? "Secret" : "ConfigMap", name);
		/* In key order, as the kubelet reads a ConfigMap's map. */
		cleanup_json json_t *keys = sorted_keys(json_object_get(d, "data"));
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
		path_pop(c, s);
	}
	if (get_arr(c, ctr, "env", &list) < 0)
		return -1;
	json_array_foreach (list, i, e) {
		static const char *const known[] = {"name", "value", "valueFrom", NULL};
		static const char *const vf_known[] = {"configMapKeyRef", "secretKeyRef",
						       "fieldRef", NULL};
		size_t s = path_push(c, ".env[%zu]", i);
		const char *name = NULL, *value = NULL;
		const json_t *from, *r;
		cleanup_free char *resolved = NULL;
		cleanup_free char *expanded = NULL;
		int n = 0;

		if (!json_is_object(e))
			return fail(c, "must be an object");
		if (check_fields(c, e, known, NULL) < 0 || get_str(c, e, "name", &name) < 0 ||
		    get_str(c, e, "value", &value) < 0 || get_obj(c, e, "valueFrom", &from) < 0)
			return -1;
		if (name == NULL)
			return fail_key(c, "name", "Required value");
		if (!env_name_ok(name))
			return fail_key(c, "name", "not a valid environment variable name");
		if (from != NULL) {
			size_t s2 = path_key(c, "valueFrom");

			if (value != NULL && value[0] != '\0')
				return fail(c, "may not be given with a value");
			if (check_fields(c, from, vf_known, NULL) < 0)
				return -1;
			if ((r = json_object_get(from, "configMapKeyRef")) != NULL) {
				size_t s3 = path_key(c, "configMapKeyRef");

				n++;
				if (!json_is_object(r) || key_ref(c, r, false, &resolved) < 0)
					return json_is_object(r) ? -1
								 : fail(c, "must be an object");
				path_pop(c, s3);
			}
			if ((r = json_object_get(from, "secretKeyRef")) != NULL) {
				size_t s3 = path_key(c, "secretKeyRef");

				n++;
				if (!json_is_object(r) || key_ref(c, r, true, &resolved) < 0)
					return json_is_object(r) ? -1
								 : fail(c, "must be an object");
				path_pop(c, s3);
			}
			if ((r = json_object_get(from, "fieldRef")) != NULL) {
				size_t s3 = path_key(c, "fieldRef");

				n++;
				if (!json_is_object(r) || field_ref(c, r, meta_pod, &resolved) < 0)
					return json_is_object(r) ? -1
								 : fail(c, "must be an object");
				path_pop(c, s3);
			}
			if (n != 1)
				return fail(c, "exactly one source is required");
			path_pop(c, s2);
			if (resolved != NULL)
				json_object_set_new(env, name, json_string(resolved));
		} else {
			expanded = expand_vars(value ? value : "", env);
			json_object_set_new(env, name, json_string(expanded));
		}
		path_pop(c, s);
	}
	return 0;
}

/* ---- probes ------------------------------------------------------------- */

/* A port by number or by the container's port name, into *port. */
static int
probe_port(struct ctx *c, const json_t *h, const json_t *ports, json_int_t *port)
{
	const json_t *v = json_object_get(h, "port");
	const json_t *p;
	size_t i;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			return fail_key(c, "port", "must be between 1 and 65535");
		*port = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return fail_key(c, "port", "Required value: a number or a port's name");
	json_array_foreach (ports, i, p) {
		if (json_is_string(json_object_get(p, "name")) &&
		    strcmp(json_string_value(json_object_get(p, "name")), json_string_value(v)) ==
			0 &&
		    json_is_integer(json_object_get(p, "containerPort"))) {
			*port = json_integer_value(json_object_get(p, "containerPort"));
			return 0;
		}
	}
	return fail_key(c, "port", "names no port of this container");
}

/* The Probe object for the API: the handler with its port as a number, the
 * timings as given (podd fills the defaults). */
static json_t *
probe(struct ctx *c, const json_t *pr, const json_t *ports, bool must_one_success)
{
	static const char *const known[] = {"exec",
					    "httpGet",
					    "tcpSocket",
					    "grpc",
					    "initialDelaySeconds",
					    "periodSeconds",
					    "timeoutSeconds",
					    "successThreshold",
					    "failureThreshold",
					    "terminationGracePeriodSeconds",
					    NULL};
	static const char *const nums[] = {"initialDelaySeconds",
					   "periodSeconds",
					   "timeoutSeconds",
					   "successThreshold",
					   "failureThreshold",
					   "terminationGracePeriodSeconds",
					   NULL};
	cleanup_json json_t *out = json_object();
	const json_t *h;
	int handlers = 0;
	json_int_t port;

	if (!json_is_object(pr)) {
		fail(c, "must be an object");
		return NULL;
	}
	if (check_fields(c, pr, known, NULL) < 0)
		return NULL;
	for (const char *const *n = nums; *n != NULL; n++) {
		long long v;
		long long min = strcmp(*n, "initialDelaySeconds") == 0 ? 0 : 1;

		if (strcmp(*n, "terminationGracePeriodSeconds") == 0)
			min = 1;
		if (get_int(c, pr, *n, min, 1000000000, &v) < 0)
			return NULL;
		if (v >= 0)
			json_object_set_new(out, *n, json_integer(v));
		if (must_one_success && strcmp(*n, "successThreshold") == 0 && v > 1) {
			fail_key(c, *n, "must be 1");
			return NULL;
		}
	}
	if ((h = json_object_get(pr, "exec")) != NULL) {
		static const char *const hk[] = {"command", NULL};
		size_t s = path_key(c, "exec");
		json_t *cmd = NULL;

		handlers++;
		if (!json_is_object(h) || check_fields(c, h, hk, NULL) < 0 ||
		    get_strings(c, h, "command", &cmd) < 0)
			return json_is_object(h) ? NULL : (fail(c, "must be an object"), NULL);
		if (cmd == NULL || json_array_size(cmd) == 0) {
			json_decref(cmd);
			fail_key(c, "command", "Required value");
			return NULL;
		}
		json_object_set_new(out, "exec", json_pack("{s:o}", "command", cmd));
		path_pop(c, s);
	}
	if ((h = json_object_get(pr, "httpGet")) != NULL) {
		static const char *const hk[] = {"path",   "port",        "host",
						 "scheme", "httpHeaders", NULL};
		size_t s = path_key(c, "httpGet");
		const char *path = NULL, *host = NULL, *scheme = NULL;
		const json_t *hdrs;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			fail(c, "must be an object");
			return NULL;
		}
		if (check_fields(c, h, hk, NULL) < 0 || get_str(c, h, "path", &path) < 0 ||
		    get_str(c, h, "host", &host) < 0 || get_str(c, h, "scheme", &scheme) < 0 ||
		    get_arr(c, h, "httpHeaders", &hdrs) < 0 || probe_port(c, h, ports, &port) < 0)
			return NULL;
		if (scheme != NULL && strcmp(scheme, "HTTP") != 0) {
			fail_key(c, "scheme",
				 strcmp(scheme, "HTTPS") == 0
				     ? "HTTPS is not supported by podd's probes"
				     : "must be HTTP or HTTPS");
			return NULL;
		}
		o = json_pack("{s:s, s:I}", "path", path ? path : "/", "port", port);
		if (host != NULL)
			json_object_set_new(o, "host", json_string(host));
		json_object_set_new(o, "scheme", json_string("HTTP"));
		if (hdrs != NULL && json_array_size(hdrs) > 0)
			json_object_set_new(o, "httpHeaders", json_deep_copy(hdrs));
		json_object_set_new(out, "httpGet", o);
		path_pop(c, s);
	}
	if ((h = json_object_get(pr, "tcpSocket")) != NULL) {
		static const char *const hk[] = {"port", "host", NULL};
		size_t s = path_key(c, "tcpSocket");
		const char *host = NULL;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			fail(c, "must be an object");
			return NULL;
		}
		if (check_fields(c, h, hk, NULL) < 0 || get_str(c, h, "host", &host) < 0 ||
		    probe_port(c, h, ports, &port) < 0)
			return NULL;
		o = json_pack("{s:I}", "port", port);
		if (host != NULL)
			json_object_set_new(o, "host", json_string(host));
		json_object_set_new(out, "tcpSocket", o);
		path_pop(c, s);
	}
	if ((h = json_object_get(pr, "grpc")) != NULL) {
		static const char *const hk[] = {"port", "service", NULL};
		size_t s = path_key(c, "grpc");
		const char *service = NULL;
		long long p;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			fail(c, "must be an object");
			return NULL;
		}
		if (check_fields(c, h, hk, NULL) < 0 || get_str(c, h, "service", &service) < 0 ||
		    get_int(c, h, "port", 1, 65535, &p) < 0)
			return NULL;
		if (p < 0) {
			fail_key(c, "port", "Required value");
			return NULL;
		}
		o = json_pack("{s:I}", "port", (json_int_t)p);
		if (service != NULL)
			json_object_set_new(o, "service", json_string(service));
		json_object_set_new(out, "grpc", o);
		path_pop(c, s);
	}
	if (handlers != 1) {
		fail(c, handlers == 0 ? "a handler is required (exec, httpGet, tcpSocket or grpc)"
				      : "may not have more than one handler");
		return NULL;
	}
	return steal_ptr(out);
}

/* ---- containers -------------------------------------------------------- */

struct pod_build {
	const char *pod;       /* the podd pod name */
	const json_t *meta;    /* the pod's metadata (labels for fieldRef) */
	const json_t *volumes; /* the pod's volume names → type */
	json_t *publish;       /* the pod body's "ports" */
	bool host_network;
	long long pod_uid, pod_gid;
	json_t *names;      /* container names seen */
	json_t *pulls;      /* the plan's pulls */
	const char *policy; /* the pod's restartPolicy */
};

static int
container_ports(struct ctx *c, const json_t *ctr, struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"name",     "containerPort", "hostPort",
					    "protocol", "hostIP",        NULL};
	const json_t *ports, *p;
	json_t *out = json_array();
	size_t i;

	json_object_set_new(body, "container_ports", out);
	if (get_arr(c, ctr, "ports", &ports) < 0)
		return -1;
	json_array_foreach (ports, i, p) {
		size_t s = path_push(c, ".ports[%zu]", i);
		const char *name = NULL, *proto = NULL, *hip = NULL;
		long long cport, hport;
		json_t *o;

		if (!json_is_object(p))
			return fail(c, "must be an object");
		if (check_fields(c, p, known, NULL) < 0 || get_str(c, p, "name", &name) < 0 ||
		    get_str(c, p, "protocol", &proto) < 0 || get_str(c, p, "hostIP", &hip) < 0 ||
		    get_int(c, p, "containerPort", 1, 65535, &cport) < 0 ||
		    get_int(c, p, "hostPort", 0, 65535, &hport) < 0)
			return -1;
		if (cport < 0)
			return fail_key(c, "containerPort", "Required value");
		if (name != NULL && !port_name_ok(name))
			return fail_key(c, "name", "not a valid port name (IANA_SVC_NAME)");
		if (proto == NULL)
			proto = "TCP";
		if (strcmp(proto, "TCP") != 0 && strcmp(proto, "UDP") != 0 &&
		    strcmp(proto, "SCTP") != 0)
			return fail_key(c, "protocol", "must be TCP, UDP or SCTP");
		o = json_pack("{s:I, s:s}", "container_port", (json_int_t)cport, "protocol", proto);
		if (name != NULL)
			json_object_set_new(o, "name", json_string(name));
		json_array_append_new(out, o);
		if (hport > 0 && pb->host_network && hport != cport)
			return fail_key(c, "hostPort", "must match containerPort with hostNetwork");
		if (hport > 0 && !pb->host_network) {
			char lower[8];

			if (strcmp(proto, "SCTP") == 0)
				return fail_key(c, "hostPort", "SCTP ports cannot be published");
			(void)snprintf(lower, sizeof(lower), "%s",
				       strcmp(proto, "UDP") == 0 ? "udp" : "tcp");
			json_array_append_new(pb->publish,
					      json_pack("{s:s, s:s, s:I, s:I}", "protocol", lower,
							"host_ip", hip ? hip : "0.0.0.0",
							"host_port", (json_int_t)hport, "pod_port",
							(json_int_t)cport));
		}
		path_pop(c, s);
	}
	return 0;
}

static int
security_context(struct ctx *c, const json_t *ctr, struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"capabilities",
					    "privileged",
					    "runAsUser",
					    "runAsGroup",
					    "readOnlyRootFilesystem",
					    "allowPrivilegeEscalation",
					    NULL};
	const json_t *sc, *caps;
	int priv, ro, ape;
	long long uid, gid;
	size_t s;

	if (get_obj(c, ctr, "securityContext", &sc) < 0)
		return -1;
	uid = pb->pod_uid;
	gid = pb->pod_gid;
	if (sc != NULL) {
		s = path_key(c, "securityContext");
		if (check_fields(c, sc, known, NULL) < 0 ||
		    get_bool(c, sc, "privileged", &priv) < 0 ||
		    get_bool(c, sc, "readOnlyRootFilesystem", &ro) < 0 ||
		    get_bool(c, sc, "allowPrivilegeEscalation", &ape) < 0 ||
		    get_int(c, sc, "runAsUser", 0, 2147483647, &uid) < 0 ||
		    get_int(c, sc, "runAsGroup", 0, 2147483647, &gid) < 0 ||
		    get_obj(c, sc, "capabilities", &caps) < 0)
			return -1;
		if (uid < 0)
			uid = pb->pod_uid;
		if (gid < 0)
			gid = pb->pod_gid;
		if (priv >= 0) {
			json_object_set_new(body, "privileged", json_boolean(priv));
			if (priv == 1 && warn_key(c, "privileged", "kept, not enforced yet") < 0)
				return -1;
		}
		if (ape >= 0) {
			json_object_set_new(body, "allow_privilege_escalation", json_boolean(ape));
			if (ape == 1 &&
			    warn_key(c, "allowPrivilegeEscalation", "kept, not enforced yet") < 0)
				return -1;
		}
		if (ro == 1)
			json_object_set_new(body, "read_only", json_true());
		if (caps != NULL) {
			static const char *const ck[] = {"add", "drop", NULL};
			json_t *add = NULL, *drop = NULL;
			size_t s2 = path_key(c, "capabilities");

			if (check_fields(c, caps, ck, NULL) < 0 ||
			    get_strings(c, caps, "add", &add) < 0)
				return -1;
			if (get_strings(c, caps, "drop", &drop) < 0) {
				json_decref(add);
				return -1;
			}
			if (json_array_size(add) > 0)
				json_object_set_new(body, "cap_add", add);
			else
				json_decref(add);
			if (json_array_size(drop) > 0)
				json_object_set_new(body, "cap_drop", drop);
			else
				json_decref(drop);
			path_pop(c, s2);
		}
		path_pop(c, s);
	}
	if (uid >= 0 && gid >= 0)
		json_object_set_new(body, "user", json_sprintf("%lld:%lld", uid, gid));
	else if (uid >= 0)
		json_object_set_new(body, "user", json_sprintf("%lld", uid));
	else if (gid >= 0)
		return fail(c, "runAsGroup needs runAsUser with podd (the image's user is "
			       "resolved in the container)");
	return 0;
}

/* The volumeMounts of a container → "pod_mounts". */
static int
volume_mounts(struct ctx *c, const json_t *ctr, const struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"name", "mountPath", "readOnly", "subPath", NULL};
	const json_t *list, *m;
	json_t *out = json_array();
	cleanup_json json_t *targets = json_object();
	size_t i;

	json_object_set_new(body, "pod_mounts", out);
	if (get_arr(c, ctr, "volumeMounts", &list) < 0)
		return -1;
	json_array_foreach (list, i, m) {
		size_t s = path_push(c, ".volumeMounts[%zu]", i);
		const char *name = NULL, *target = NULL, *sub = NULL;
		int ro;
		json_t *o;

		if (!json_is_object(m))
			return fail(c, "must be an object");
		if (check_fields(c, m, known, NULL) < 0 || get_str(c, m, "name", &name) < 0 ||
		    get_str(c, m, "mountPath", &target) < 0 || get_str(c, m, "subPath", &sub) < 0 ||
		    get_bool(c, m, "readOnly", &ro) < 0)
			return -1;
		if (name == NULL)
			return fail_key(c, "name", "Required value");
		if (json_object_get(pb->volumes, name) == NULL)
			return fail_key(c, "name", "not found in the pod's volumes");
		if (target == NULL || target[0] == '\0')
			return fail_key(c, "mountPath", "Required value");
		if (target[0] != '/')
			return fail_key(c, "mountPath", "must be an absolute path");
		if (json_object_get(targets, target) != NULL)
			return fail_key(c, "mountPath", "must be unique");
		json_object_set_new(targets, target, json_true());
		if (sub != NULL && (sub[0] == '/' || strstr(sub, "..") != NULL))
			return fail_key(c, "subPath", "must be a relative path without '..'");
		o = json_pack("{s:s, s:s, s:b}", "volume", name, "target", target, "read_only",
			      ro == 1);
		if (sub != NULL && sub[0] != '\0')
			json_object_set_new(o, "sub_path", json_string(sub));
		json_array_append_new(out, o);
		path_pop(c, s);
	}
	return 0;
}

static int
resources(struct ctx *c, const json_t *ctr, json_t *body)
{
	static const char *const known[] = {"limits", "requests", NULL};
	const json_t *r;
	cleanup_json json_t *out = json_object();
	size_t s;

	if (get_obj(c, ctr, "resources", &r) < 0)
		return -1;
	if (r == NULL || json_object_size(r) == 0)
		return 0;
	s = path_key(c, "resources");
	if (check_fields(c, r, known, NULL) < 0)
		return -1;
	for (const char *const *k = known; *k != NULL; k++) {
		const json_t *m;
		const char *rk;
		json_t *v;
		json_t *o;

		if (get_obj(c, r, *k, &m) < 0)
			return -1;
		if (m == NULL)
			continue;
		o = json_object();
		json_object_set_new(out, *k, o);
		json_object_foreach ((json_t *)m, rk, v) {
			/* A quantity: "500m", "64Mi", or a bare number. */
			if (json_is_string(v))
				json_object_set(o, rk, v);
			else if (json_is_integer(v))
				json_object_set_new(
				    o, rk,
				    json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v)));
			else if (json_is_real(v))
				json_object_set_new(o, rk, json_sprintf("%g", json_real_value(v)));
			else
				return fail_key(c, rk, "must be a quantity");
		}
	}
	path_pop(c, s);
	json_object_set(body, "resources", out);
	return warn_key(c, "resources", "kept, not enforced yet");
}

static int
plan_pull(struct ctx *c, struct pod_build *pb, const char *image, const char *policy)
{
	const char *tag_at = strrchr(image, ':');
	const char *slash = strrchr(image, '/');
	bool latest, explicit_policy = policy != NULL;
	size_t i;
	json_t *p;

	json_array_foreach (pb->pulls, i, p)
		if (strcmp(json_string_value(json_object_get(p, "image")), image) == 0)
			return 0;
	/* No tag, or :latest, and no digest: the kubelet's default is Always. */
	if (tag_at != NULL && slash != NULL && tag_at < slash)
		tag_at = NULL;
	latest = strchr(image, '@') == NULL && (tag_at == NULL || strcmp(tag_at, ":latest") == 0);
	if (policy == NULL)
		policy = latest ? "Always" : "IfNotPresent";
	if (strcmp(policy, "Always") != 0 && strcmp(policy, "IfNotPresent") != 0 &&
	    strcmp(policy, "Never") != 0)
		return fail_key(c, "imagePullPolicy", "must be Always, IfNotPresent or Never");
	json_array_append_new(pb->pulls, json_pack("{s:s, s:s, s:b}", "image", image, "policy",
						   policy, "explicit", explicit_policy));
	return 0;
}

/* One container of the manifest → its create body. @kind: "app", "init". */
static json_t *
container(struct ctx *c, const json_t *ctr, struct pod_build *pb, const char *kind)
{
	static const char *const known[] = {"name",
					    "image",
					    "command",
					    "args",
					    "env",
					    "envFrom",
					    "workingDir",
					    "ports",
					    "imagePullPolicy",
					    "securityContext",
					    "stdin",
					    "tty",
					    "volumeMounts",
					    "livenessProbe",
					    "readinessProbe",
					    "startupProbe",
					    "resources",
					    "restartPolicy",
					    NULL};
	static const char *const quiet[] = {"terminationMessagePath", "terminationMessagePolicy",
					    NULL};
	const char *name = NULL, *image = NULL, *wd = NULL, *pull = NULL, *rp = NULL;
	cleanup_json json_t *body = json_object();
	cleanup_json json_t *kube = json_object();
	cleanup_json json_t *env = json_object();
	json_t *cmd = NULL, *args = NULL, *envl;
	const json_t *ports;
	int in, tty;
	const char *k;
	json_t *v;
	const char *role = kind;

	if (!json_is_object(ctr)) {
		fail(c, "must be an object");
		return NULL;
	}
	if (check_fields(c, ctr, known, quiet) < 0 || get_str(c, ctr, "name", &name) < 0 ||
	    get_str(c, ctr, "image", &image) < 0 || get_str(c, ctr, "workingDir", &wd) < 0 ||
	    get_str(c, ctr, "imagePullPolicy", &pull) < 0 ||
	    get_str(c, ctr, "restartPolicy", &rp) < 0 || get_bool(c, ctr, "stdin", &in) < 0 ||
	    get_bool(c, ctr, "tty", &tty) < 0)
		return NULL;
	if (name == NULL) {
		fail_key(c, "name", "Required value");
		return NULL;
	}
	if (!kube_dns_label(name)) {
		fail_key(c, "name", "not a lowercase RFC 1123 label");
		return NULL;
	}
	if (json_object_get(pb->names, name) != NULL) {
		fail_key(c, "name", "Duplicate value");
		return NULL;
	}
	json_object_set_new(pb->names, name, json_true());
	if (image == NULL || image[0] == '\0') {
		fail_key(c, "image", "Required value");
		return NULL;
	}
	if (rp != NULL) {
		if (strcmp(kind, "init") != 0) {
			fail_key(c, "restartPolicy", "only init containers may have one");
			return NULL;
		}
		if (strcmp(rp, "Always") != 0) {
			fail_key(c, "restartPolicy", "must be Always (a native sidecar)");
			return NULL;
		}
		role = "sidecar";
	}
	if (strlen(pb->pod) + 1 + strlen(name) > 63) {
		fail_key(c, "name", "with its pod's name, over podd's 63 bytes");
		return NULL;
	}
	json_object_set_new(body, "name", json_sprintf("%s-%s", pb->pod, name));
	json_object_set_new(body, "pod", json_string(pb->pod));
	json_object_set_new(body, "image", json_string(image));
	json_object_set_new(body, "start", json_false());
	json_object_set_new(body, "role", json_string(role));
	/* The kubelet restarts a native sidecar always, and an init
	 * container only on failure, whatever the pod's policy says (Never:
	 * never). */
	if (strcmp(role, "sidecar") == 0)
		json_object_set_new(body, "restart_policy", json_string("always"));
	else if (strcmp(role, "init") == 0)
		json_object_set_new(
		    body, "restart_policy",
		    json_string(strcmp(pb->policy, "Never") == 0 ? "no" : "on-failure"));
	json_object_set_new(kube, "name", json_string(name));
	json_object_set_new(kube, "image", json_string(image));
	if (plan_pull(c, pb, image, pull) < 0)
		return NULL;
	if (pull != NULL)
		json_object_set_new(kube, "image_pull_policy", json_string(pull));
	if (container_env(c, ctr, pb->meta, env) < 0)
		return NULL;
	envl = json_array();
	json_object_foreach (env, k, v)
		json_array_append_new(envl, json_sprintf("%s=%s", k, json_string_value(v)));
	json_object_set_new(kube, "env", json_deep_copy(envl));
	json_object_set_new(body, "env", envl);
	if (get_strings(c, ctr, "command", &cmd) < 0)
		return NULL;
	if (get_strings(c, ctr, "args", &args) < 0) {
		json_decref(cmd);
		return NULL;
	}
	/* $(VAR) in command and args, from the container's env. */
	for (json_t *a = cmd; a != NULL; a = a == cmd ? args : NULL) {
		size_t i;
		json_t *s;

		json_array_foreach (a, i, s) {
			cleanup_free char *x = expand_vars(json_string_value(s), env);

			json_array_set_new(a, i, json_string(x));
		}
		if (a == args)
			break;
	}
	/* Kubernetes' command is docker's entrypoint, its args docker's cmd. */
	if (cmd != NULL) {
		json_object_set(kube, "command", cmd);
		json_object_set_new(body, "entrypoint", cmd);
	}
	if (args != NULL) {
		json_object_set(kube, "args", args);
		json_object_set_new(body, "command", args);
	}
	if (wd != NULL && wd[0] != '\0')
		json_object_set_new(body, "workdir", json_string(wd));
	if (in == 1)
		json_object_set_new(body, "stdin", json_true());
	if (tty == 1)
		json_object_set_new(body, "tty", json_true());
	if (container_ports(c, ctr, pb, body) < 0 || security_context(c, ctr, pb, body) < 0 ||
	    volume_mounts(c, ctr, pb, body) < 0 || resources(c, ctr, body) < 0)
		return NULL;
	if (get_arr(c, ctr, "ports", &ports) < 0)
		return NULL;
	{
		static const char *const pk[] = {"livenessProbe", "readinessProbe", "startupProbe"};
		static const char *const api[] = {"liveness_probe", "readiness_probe",
						  "startup_probe"};

		for (size_t i = 0; i < 3; i++) {
			const json_t *pr = json_object_get(ctr, pk[i]);
			size_t s;
			json_t *p;

			if (pr == NULL || json_is_null(pr))
				continue;
			if (strcmp(kind, "init") == 0 && strcmp(role, "sidecar") != 0) {
				fail_key(c, pk[i], "may not be set for init containers");
				return NULL;
			}
			s = path_key(c, pk[i]);
			p = probe(c, pr, ports, i != 1);
			if (p == NULL)
				return NULL;
			/* Kept in the kube object too: generate reads it there
			 * when podd's container JSON does not show the probe. */
			json_object_set(kube, api[i], p);
			json_object_set_new(body, api[i], p);
			path_pop(c, s);
		}
	}
	if (json_array_size(json_object_get(body, "container_ports")) == 0)
		json_object_del(body, "container_ports");
	if (json_array_size(json_object_get(body, "pod_mounts")) == 0)
		json_object_del(body, "pod_mounts");
	json_object_set(body, "kube", kube);
	return steal_ptr(body);
}

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
	if (check_fields(c, src, known, NULL) < 0 ||
	    get_str(c, src, secret ? "secretName" : "name", &name) < 0 ||
	    get_arr(c, src, "items", &items) < 0 ||
	    get_int(c, src, "defaultMode", 0, 0777, &mode) < 0 ||
	    get_bool(c, src, "optional", &optional) < 0)
		return -1;
	if (name == NULL)
		return fail_key(c, secret ? "secretName" : "name", "Required value");
	json_object_set_new(out, "type", json_string(secret ? "secret" : "config_map"));
	json_object_set_new(out, "source", json_string(name));
	json_object_set_new(out, "default_mode", json_integer(mode >= 0 ? mode : 0644));
	obj = json_object_get(secret ? c->secrets : c->configmaps, name);
	if (obj == NULL) {
		if (optional == 1)
			return 0;
		return fail(c, "%s \"%s\" not found (give it in the file or with --configmap)",
			    secret ? "Secret" : "ConfigMap", name);
	}
	if (items == NULL) {
		cleanup_json json_t *keys = sorted_keys(json_object_get(obj, "data"));
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
		size_t s = path_push(c, ".items[%zu]", i);
		const char *key = NULL, *path = NULL;
		long long m;
		const json_t *d;
		json_t *o;

		if (!json_is_object(it))
			return fail(c, "must be an object");
		if (check_fields(c, it, ik, NULL) < 0 || get_str(c, it, "key", &key) < 0 ||
		    get_str(c, it, "path", &path) < 0 || get_int(c, it, "mode", 0, 0777, &m) < 0)
			return -1;
		if (key == NULL)
			return fail_key(c, "key", "Required value");
		if (path == NULL || path[0] == '\0' || path[0] == '/' || strstr(path, "..") != NULL)
			return fail_key(c, "path", "must be a relative path without '..'");
		d = json_object_get(json_object_get(obj, "data"), key);
		if (d == NULL) {
			if (optional == 1)
				continue;
			return fail_key(c, "key", "not in the ConfigMap or Secret");
		}
		o = json_pack("{s:s, s:O}", "path", path, "data", d);
		if (m >= 0)
			json_object_set_new(o, "mode", json_integer(m));
		json_array_append_new(arr, o);
		path_pop(c, s);
	}
	return 0;
}

static json_t *
volume(struct ctx *c, const json_t *vol, json_t *claims)
{
	const char *name = NULL;
	cleanup_json json_t *out = json_object();
	const json_t *src = NULL;
	const char *which = NULL;
	int n = 0;

	if (!json_is_object(vol)) {
		fail(c, "must be an object");
		return NULL;
	}
	if (get_str(c, vol, "name", &name) < 0)
		return NULL;
	if (name == NULL || !kube_dns_label(name)) {
		fail_key(c, "name", name ? "not a lowercase RFC 1123 label" : "Required value");
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
			if (strcmp(k, "name") != 0 && !in_list(k, source_kinds)) {
				fail_key(c, k, "this volume type is not supported");
				return NULL;
			}
		}
	}
	if (n != 1 || (!json_is_object(src) && !json_is_null(src))) {
		fail(c, n == 0 ? "a volume type is required" : "may not have more than one type");
		return NULL;
	}
	if (json_is_null(src))
		src = NULL;
	{
		size_t s = path_key(c, which);
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

			if (check_fields(c, src, ek, NULL) < 0 ||
			    get_str(c, src, "medium", &medium) < 0)
				return NULL;
			if (medium != NULL && medium[0] != '\0' && strcmp(medium, "Memory") != 0) {
				fail_key(c, "medium", "must be \"\" or Memory");
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
					fail_key(c, "sizeLimit", "must be a positive quantity");
					return NULL;
				}
				json_object_set_new(out, "size_limit", json_integer(bytes));
			}
		} else if (strcmp(which, "hostPath") == 0) {
			const char *p = NULL, *t = NULL;

			if (src == NULL || check_fields(c, src, hk, NULL) < 0 ||
			    get_str(c, src, "path", &p) < 0 || get_str(c, src, "type", &t) < 0)
				return src ? NULL : (fail(c, "Required value"), NULL);
			if (p == NULL || p[0] != '/') {
				fail_key(c, "path", "must be an absolute path");
				return NULL;
			}
			if (t != NULL && !in_list(t, htypes)) {
				fail_key(c, "type", "not a hostPath type");
				return NULL;
			}
			json_object_set_new(out, "type", json_string("host_path"));
			json_object_set_new(out, "path", json_string(p));
			json_object_set_new(out, "host_path_type", json_string(t ? t : ""));
		} else if (strcmp(which, "configMap") == 0 || strcmp(which, "secret") == 0) {
			if (src == NULL) {
				fail(c, "Required value");
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
			if (check_fields(c, src, dk, NULL) < 0 ||
			    get_arr(c, src, "items", &items) < 0 ||
			    get_int(c, src, "defaultMode", 0, 0777, &mode) < 0)
				return NULL;
			json_object_set_new(out, "default_mode",
					    json_integer(mode >= 0 ? mode : 0644));
			json_array_foreach (items, i, it) {
				static const char *const ik[] = {"path", "fieldRef", "mode", NULL};
				static const char *const fields[] = {
				    "metadata.labels", "metadata.annotations", "metadata.name",
				    "metadata.namespace", NULL};
				size_t s2 = path_push(c, ".items[%zu]", i);
				const char *path = NULL, *fp = NULL;
				const json_t *fr;
				long long m;
				json_t *o;

				if (!json_is_object(it) || check_fields(c, it, ik, NULL) < 0 ||
				    get_str(c, it, "path", &path) < 0 ||
				    get_obj(c, it, "fieldRef", &fr) < 0 ||
				    get_int(c, it, "mode", 0, 0777, &m) < 0)
					return json_is_object(it)
						   ? NULL
						   : (fail(c, "must be an object"), NULL);
				if (path == NULL || path[0] == '\0' || path[0] == '/' ||
				    strstr(path, "..") != NULL) {
					fail_key(c, "path", "must be a relative path without '..'");
					return NULL;
				}
				if (fr == NULL || get_str(c, fr, "fieldPath", &fp) < 0 ||
				    fp == NULL || !in_list(fp, fields)) {
					fail_key(
					    c, "fieldRef.fieldPath",
					    "supported: metadata.labels, metadata.annotations, "
					    "metadata.name, metadata.namespace");
					return NULL;
				}
				o = json_pack("{s:s, s:s}", "path", path, "field", fp);
				if (m >= 0)
					json_object_set_new(o, "mode", json_integer(m));
				json_array_append_new(arr, o);
				path_pop(c, s2);
			}
		} else {
			const char *claim = NULL;
			int ro;

			if (src == NULL || check_fields(c, src, pk, NULL) < 0 ||
			    get_str(c, src, "claimName", &claim) < 0 ||
			    get_bool(c, src, "readOnly", &ro) < 0)
				return src ? NULL : (fail(c, "Required value"), NULL);
			if (claim == NULL || !kube_dns_subdomain(claim) || strlen(claim) > 63) {
				fail_key(
				    c, "claimName",
				    "a lowercase RFC 1123 name of at most 63 bytes is required");
				return NULL;
			}
			json_object_set_new(out, "type", json_string("volume"));
			json_object_set_new(out, "source", json_string(claim));
			if (!in_list(claim, NULL)) {
				size_t i;
				json_t *x;
				bool seen = false;

				json_array_foreach (claims, i, x)
					seen = seen || strcmp(json_string_value(x), claim) == 0;
				if (!seen)
					json_array_append_new(claims, json_string(claim));
			}
		}
		path_pop(c, s);
	}
	return steal_ptr(out);
}

/* ---- pods -------------------------------------------------------------- */

static int
dns_config(struct ctx *c, const json_t *spec, json_t *body)
{
	static const char *const known[] = {"nameservers", "searches", "options", NULL};
	const json_t *d, *opts, *o;
	json_t *ns = NULL, *search = NULL, *out;
	size_t i, s;

	if (get_obj(c, spec, "dnsConfig", &d) < 0)
		return -1;
	if (d == NULL)
		return 0;
	s = path_key(c, "dnsConfig");
	if (check_fields(c, d, known, NULL) < 0 || get_strings(c, d, "nameservers", &ns) < 0)
		return -1;
	if (ns != NULL)
		json_object_set_new(body, "dns", ns);
	if (get_strings(c, d, "searches", &search) < 0)
		return -1;
	if (search != NULL)
		json_object_set_new(body, "dns_search", search);
	if (get_arr(c, d, "options", &opts) < 0)
		return -1;
	out = json_array();
	json_array_foreach (opts, i, o) {
		const char *n = NULL, *v = NULL;
		size_t s2 = path_push(c, ".options[%zu]", i);

		if (!json_is_object(o) || get_str(c, o, "name", &n) < 0 ||
		    get_str(c, o, "value", &v) < 0) {
			json_decref(out);
			return json_is_object(o) ? -1 : fail(c, "must be an object");
		}
		if (n == NULL) {
			json_decref(out);
			return fail_key(c, "name", "Required value");
		}
		json_array_append_new(out, v ? json_sprintf("%s:%s", n, v) : json_string(n));
		path_pop(c, s2);
	}
	if (json_array_size(out) > 0)
		json_object_set_new(body, "dns_options", out);
	else
		json_decref(out);
	path_pop(c, s);
	return 0;
}

static int
host_aliases(struct ctx *c, const json_t *spec, json_t *body)
{
	const json_t *list, *a;
	json_t *out;
	size_t i;

	if (get_arr(c, spec, "hostAliases", &list) < 0)
		return -1;
	if (list == NULL || json_array_size(list) == 0)
		return 0;
	out = json_array();
	json_object_set_new(body, "host_aliases", out);
	json_array_foreach (list, i, a) {
		static const char *const known[] = {"ip", "hostnames", NULL};
		size_t s = path_push(c, ".hostAliases[%zu]", i);
		const char *ip = NULL;
		json_t *names = NULL;

		if (!json_is_object(a) || check_fields(c, a, known, NULL) < 0 ||
		    get_str(c, a, "ip", &ip) < 0 || get_strings(c, a, "hostnames", &names) < 0)
			return json_is_object(a) ? -1 : fail(c, "must be an object");
		if (ip == NULL) {
			json_decref(names);
			return fail_key(c, "ip", "Required value");
		}
		json_array_append_new(out, json_pack("{s:s, s:o}", "ip", ip, "hostnames",
						     names ? names : json_array()));
		path_pop(c, s);
	}
	return 0;
}

/* A pod spec (a Pod's, or a template's) named @pod → a plan entry. */
static json_t *
pod(struct ctx *c, const json_t *meta, const json_t *spec, const char *pod_name, json_t *origin,
    const char *forced_policy)
{
	static const char *const known[] = {"containers",
					    "initContainers",
					    "restartPolicy",
					    "shareProcessNamespace",
					    "hostNetwork",
					    "hostPID",
					    "hostIPC",
					    "hostname",
					    "subdomain",
					    "dnsConfig",
					    "hostAliases",
					    "terminationGracePeriodSeconds",
					    "activeDeadlineSeconds",
					    "volumes",
					    "securityContext",
					    "hostUsers",
					    NULL};
	static const char *const quiet[] = {"dnsPolicy", "schedulerName", NULL};
	cleanup_json json_t *body = json_object();
	cleanup_json json_t *entry = json_object();
	cleanup_json json_t *vols = json_object();
	cleanup_json json_t *names = json_object();
	json_t *ctrs = json_array(), *pulls = json_array(), *claims = json_array();
	json_t *labels = NULL, *ann = NULL, *vlist;
	const json_t *list, *x, *psc;
	const char *rp = NULL, *hostname = NULL, *sub = NULL;
	int share, hnet, hpid, hipc, husers;
	long long grace, deadline;
	/* @origin is the pod's "kube" object, stolen on every path. */
	cleanup_json json_t *own_origin = origin;
	struct pod_build pb = {.pod = pod_name,
			       .meta = meta,
			       .names = names,
			       .pulls = pulls,
			       .pod_uid = -1,
			       .pod_gid = -1};
	size_t i, s;

	json_object_set_new(entry, "name", json_string(pod_name));
	json_object_set_new(entry, "pod", json_incref(body));
	json_object_set_new(entry, "containers", ctrs);
	json_object_set_new(entry, "pulls", pulls);
	json_object_set_new(entry, "claims", claims);
	json_object_set_new(body, "name", json_string(pod_name));
	if (string_map(c, meta, "labels", true, &labels) < 0)
		return NULL;
	if (labels != NULL)
		json_object_set_new(body, "labels", labels);
	if (string_map(c, meta, "annotations", false, &ann) < 0)
		return NULL;
	if (ann != NULL && json_object_size(ann) > 0)
		json_object_set_new(body, "annotations", ann);
	else
		json_decref(ann);
	if (spec == NULL) {
		fail_key(c, "spec", "Required value");
		return NULL;
	}
	s = path_key(c, "spec");
	if (check_fields(c, spec, known, quiet) < 0 || get_str(c, spec, "restartPolicy", &rp) < 0 ||
	    get_str(c, spec, "hostname", &hostname) < 0 ||
	    get_str(c, spec, "subdomain", &sub) < 0 ||
	    get_bool(c, spec, "shareProcessNamespace", &share) < 0 ||
	    get_bool(c, spec, "hostNetwork", &hnet) < 0 ||
	    get_bool(c, spec, "hostPID", &hpid) < 0 || get_bool(c, spec, "hostIPC", &hipc) < 0 ||
	    get_bool(c, spec, "hostUsers", &husers) < 0 ||
	    get_int(c, spec, "terminationGracePeriodSeconds", 0, 86400, &grace) < 0 ||
	    get_int(c, spec, "activeDeadlineSeconds", 1, 1LL << 31, &deadline) < 0 ||
	    get_obj(c, spec, "securityContext", &psc) < 0)
		return NULL;
	if (rp != NULL && strcmp(rp, "Always") != 0 && strcmp(rp, "OnFailure") != 0 &&
	    strcmp(rp, "Never") != 0) {
		fail_key(c, "restartPolicy", "must be Always, OnFailure or Never");
		return NULL;
	}
	if (forced_policy != NULL) {
		if (rp == NULL || (strcmp(rp, "Never") != 0 && strcmp(rp, "OnFailure") != 0)) {
			fail_key(c, "restartPolicy", "a Job's must be Never or OnFailure");
			return NULL;
		}
	}
	json_object_set_new(body, "restart_policy", json_string(rp ? rp : "Always"));
	pb.policy = rp ? rp : "Always";
	if (hostname != NULL) {
		if (!kube_dns_label(hostname)) {
			fail_key(c, "hostname", "not a lowercase RFC 1123 label");
			return NULL;
		}
		json_object_set_new(body, "hostname", json_string(hostname));
	}
	if (sub != NULL && sub[0] != '\0') {
		if (!kube_dns_label(sub)) {
			fail_key(c, "subdomain", "not a lowercase RFC 1123 label");
			return NULL;
		}
		json_object_set_new(body, "subdomain", json_string(sub));
		if (warn_key(c, "subdomain", "kept, not enforced yet") < 0)
			return NULL;
	}
	if (husers == 0) {
		if (warn_key(c, "hostUsers", "kept, not enforced yet") < 0)
			return NULL;
	}
	if (share == 1)
		json_object_set_new(body, "share_pid", json_true());
	if (hnet == 1) {
		json_object_set_new(body, "network", json_string("host"));
		pb.host_network = true;
	}
	if (hpid == 1)
		json_object_set_new(body, "host_pid", json_true());
	if (hipc == 1)
		json_object_set_new(body, "host_ipc", json_true());
	if (grace >= 0)
		json_object_set_new(body, "termination_grace_period", json_integer(grace));
	if (deadline > 0)
		json_object_set_new(body, "active_deadline", json_integer(deadline));
	if (psc != NULL) {
		static const char *const sk[] = {"runAsUser", "runAsGroup", NULL};
		size_t s2 = path_key(c, "securityContext");

		if (check_fields(c, psc, sk, NULL) < 0 ||
		    get_int(c, psc, "runAsUser", 0, 2147483647, &pb.pod_uid) < 0 ||
		    get_int(c, psc, "runAsGroup", 0, 2147483647, &pb.pod_gid) < 0)
			return NULL;
		path_pop(c, s2);
	}
	if (dns_config(c, spec, body) < 0 || host_aliases(c, spec, body) < 0)
		return NULL;
	/* Volumes first: the mounts name them. */
	if (get_arr(c, spec, "volumes", &list) < 0)
		return NULL;
	vlist = json_array();
	json_object_set_new(body, "volumes", vlist);
	json_array_foreach (list, i, x) {
		size_t s2 = path_push(c, ".volumes[%zu]", i);
		json_t *v = volume(c, x, claims);

		if (v == NULL)
			return NULL;
		if (json_object_get(vols, json_string_value(json_object_get(v, "name"))) != NULL) {
			json_decref(v);
			fail_key(c, "name", "Duplicate value");
			return NULL;
		}
		json_object_set_new(vols, json_string_value(json_object_get(v, "name")),
				    json_true());
		json_array_append_new(vlist, v);
		path_pop(c, s2);
	}
	if (json_array_size(vlist) == 0)
		json_object_del(body, "volumes");
	pb.volumes = vols;
	pb.publish = json_array();
	json_object_set_new(body, "ports", pb.publish);
	for (int pass = 0; pass < 2; pass++) {
		const char *key = pass == 0 ? "initContainers" : "containers";

		if (get_arr(c, spec, key, &list) < 0)
			return NULL;
		if (pass == 1 && json_array_size(list) == 0) {
			fail_key(c, key, "Required value");
			return NULL;
		}
		json_array_foreach (list, i, x) {
			size_t s2 = path_push(c, ".%s[%zu]", key, i);
			json_t *b = container(c, x, &pb, pass == 0 ? "init" : "app");

			if (b == NULL)
				return NULL;
			json_array_append_new(ctrs, b);
			path_pop(c, s2);
		}
	}
	if (json_array_size(pb.publish) == 0)
		json_object_del(body, "ports");
	path_pop(c, s);
	json_object_set(body, "kube", origin);
	return steal_ptr(entry);
}

/* ---- documents -------------------------------------------------------- */

static const char *
str_at(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
plan_doc(struct ctx *c, const json_t *doc, json_t *pods, json_t *seen)
{
	static const char *const doc_known[] = {"apiVersion", "kind", "metadata", "spec", NULL};
	static const char *const meta_known[] = {"name", "namespace", "labels", "annotations",
						 NULL};
	static const char *const quiet_meta[] = {"creationTimestamp", NULL};
	static const char *const tmpl_known[] = {"metadata", "spec", NULL};
	const char *kind = str_at(doc, "kind"), *api = str_at(doc, "apiVersion");
	const char *name = NULL, *ns = NULL;
	const json_t *meta, *spec, *tmpl = NULL, *tmeta, *tspec;
	long long replicas = 1;
	bool controller;

	if (strcmp(kind, "ConfigMap") == 0 || strcmp(kind, "Secret") == 0)
		return 0; /* kept in the first pass */
	if (check_fields(c, doc, doc_known, (const char *const[]){"status", NULL}) < 0 ||
	    get_obj(c, doc, "metadata", &meta) < 0 || get_obj(c, doc, "spec", &spec) < 0)
		return -1;
	if (meta == NULL || get_str(c, meta, "name", &name) < 0 || name == NULL)
		return fail_key(c, "metadata.name", "Required value");
	if (get_str(c, meta, "namespace", &ns) < 0)
		return -1;
	{
		size_t s = path_key(c, "metadata");
		int r = check_fields(c, meta, meta_known, quiet_meta);

		path_pop(c, s);
		if (r < 0)
			return -1;
	}
	if (!kube_dns_subdomain(name))
		return fail_key(c, "metadata.name", "not a lowercase RFC 1123 subdomain");
	controller = strcmp(kind, "Pod") != 0;
	if (strcmp(kind, "Pod") == 0 && strcmp(api, "v1") != 0)
		return fail_key(c, "apiVersion", "a Pod's is v1");
	if ((strcmp(kind, "Deployment") == 0 || strcmp(kind, "ReplicaSet") == 0 ||
	     strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0) &&
	    strcmp(api, "apps/v1") != 0)
		return fail_key(c, "apiVersion", "must be apps/v1");
	if (strcmp(kind, "Job") == 0 && strcmp(api, "batch/v1") != 0)
		return fail_key(c, "apiVersion", "a Job's is batch/v1");
	if (controller) {
		static const char *const known[] = {"template", "replicas", "selector",
						    "activeDeadlineSeconds", NULL};
		static const char *const quiet[] = {"strategy",
						    "serviceName",
						    "updateStrategy",
						    "revisionHistoryLimit",
						    "progressDeadlineSeconds",
						    NULL};
		const json_t *sel, *ml;
		long long jd;
		size_t s;

		if (spec == NULL)
			return fail_key(c, "spec", "Required value");
		s = path_key(c, "spec");
		if (check_fields(c, spec, known, quiet) < 0 ||
		    get_obj(c, spec, "template", &tmpl) < 0 ||
		    get_int(c, spec, "replicas", 0, KUBE_MAX_REPLICAS, &replicas) < 0 ||
		    get_obj(c, spec, "selector", &sel) < 0 ||
		    get_int(c, spec, "activeDeadlineSeconds", 1, 1LL << 31, &jd) < 0)
			return -1;
		if (jd > 0 && strcmp(kind, "Job") != 0)
			return fail_key(c, "activeDeadlineSeconds", "only a Job has one");
		if (replicas < 0 || strcmp(kind, "DaemonSet") == 0 || strcmp(kind, "Job") == 0)
			replicas = 1;
		if (tmpl == NULL)
			return fail_key(c, "template", "Required value");
		if (check_fields(c, tmpl, tmpl_known, NULL) < 0 ||
		    get_obj(c, tmpl, "metadata", &tmeta) < 0 ||
		    get_obj(c, tmpl, "spec", &tspec) < 0)
			return -1;
		if (strcmp(kind, "Job") != 0 && sel == NULL)
			return fail_key(c, "selector", "Required value");
		ml = sel ? json_object_get(sel, "matchLabels") : NULL;
		if (ml != NULL) {
			const char *k;
			json_t *v;
			const json_t *tl = json_object_get(tmeta, "labels");

			json_object_foreach ((json_t *)ml, k, v)
				if (!json_equal(json_object_get(tl, k), v))
					return fail_key(c, "template.metadata.labels",
							"does not match the selector");
		}
		path_pop(c, s);
		for (long long r = 0; r < replicas; r++) {
			char pname[256];
			size_t s2 = path_key(c, "spec.template");
			json_t *origin, *e;
			cleanup_json json_t *tm = tmeta ? json_deep_copy(tmeta) : json_object();

			if (snprintf(pname, sizeof(pname), "%s-%lld", name, r) >= 64)
				return fail_key(c, "metadata.name",
						"with its replica number, over podd's 63 bytes");
			json_object_set_new(tm, "name", json_string(pname));
			if (ns != NULL)
				json_object_set_new(tm, "namespace", json_string(ns));
			origin = json_pack("{s:s, s:s, s:s, s:I}", "kind", kind, "api_version", api,
					   "name", name, "replica", (json_int_t)r);
			if (ns != NULL)
				json_object_set_new(origin, "namespace", json_string(ns));
			if (json_object_get(seen, pname) != NULL) {
				json_decref(origin);
				return fail_key(c, "metadata.name", "a second pod of this name");
			}
			json_object_set_new(seen, pname, json_true());
			{
				size_t s3 = path_key(c, "metadata");
				int r2 = tmeta ? check_fields(c, tmeta, meta_known, quiet_meta) : 0;

				path_pop(c, s3);
				if (r2 < 0) {
					json_decref(origin);
					return -1;
				}
			}
			path_pop(c, s2);
			s2 = path_key(c, "spec.template");
			e = pod(c, tm, tspec, pname, origin,
				strcmp(kind, "Job") == 0 ? "job" : NULL);
			if (e == NULL)
				return -1;
			if (jd > 0)
				json_object_set_new(json_object_get(e, "pod"), "active_deadline",
						    json_integer(jd));
			json_object_set_new(e, "kind", json_string(kind));
			json_array_append_new(pods, e);
			path_pop(c, s2);
			if (json_array_size(pods) > KUBE_MAX_PODS)
				return fail(c, "more than %d pods", KUBE_MAX_PODS);
		}
		return 0;
	}
	{
		json_t *origin =
		    json_pack("{s:s, s:s, s:s}", "kind", kind, "api_version", api, "name", name);
		json_t *e;

		if (ns != NULL)
			json_object_set_new(origin, "namespace", json_string(ns));
		if (json_object_get(seen, name) != NULL) {
			json_decref(origin);
			return fail_key(c, "metadata.name", "a second pod of this name");
		}
		json_object_set_new(seen, name, json_true());
		if (strlen(name) > 63) {
			json_decref(origin);
			return fail_key(c, "metadata.name", "over podd's 63 bytes");
		}
		e = pod(c, meta, spec, name, origin, NULL);
		if (e == NULL)
			return -1;
		json_object_set_new(e, "kind", json_string(kind));
		json_array_append_new(pods, e);
	}
	return 0;
}

static const char *const kinds[] = {"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
				    "Job", "ConfigMap",  "Secret",     NULL};

/* The kind and name of a document, for messages: "Pod \"web\"". */
static int
doc_what(struct ctx *c, const json_t *doc, size_t index)
{
	const char *kind, *name;

	c->plen = 0;
	c->path[0] = '\0';
	if (!json_is_object(doc)) {
		(void)snprintf(c->what, sizeof(c->what), "document %zu", index + 1);
		return fail(c, "must be an object");
	}
	kind = str_at(doc, "kind");
	name = str_at(json_object_get(doc, "metadata"), "name");
	(void)snprintf(c->what, sizeof(c->what), "%s%s%.64s%s", kind ? kind : "document",
		       name ? " \"" : "", name ? name : "", name ? "\"" : "");
	if (kind == NULL)
		return fail_key(c, "kind", "Required value");
	if (!json_is_string(json_object_get(doc, "apiVersion")))
		return fail_key(c, "apiVersion", "Required value");
	if (!in_list(kind, kinds))
		return fail_key(c, "kind",
				"not supported (Pod, Deployment, ReplicaSet, "
				"StatefulSet, DaemonSet, Job, ConfigMap, Secret)");
	return 0;
}

int
kube_plan_make(const json_t *docs, const json_t *extra, bool strict, struct kube_plan *plan,
	       struct pd_err *err)
{
	cleanup_json json_t *cms = json_object();
	cleanup_json json_t *secs = json_object();
	cleanup_json json_t *pods = json_array();
	cleanup_json json_t *warnings = json_array();
	cleanup_json json_t *seen = json_object();
	struct ctx c = {
	    .err = err, .strict = strict, .configmaps = cms, .secrets = secs, .warnings = warnings};
	const json_t *d;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	for (int pass = 0; pass < 2; pass++) {
		const json_t *list = pass == 0 ? extra : docs;

		json_array_foreach (list, i, d) {
			const char *kind;

			if (doc_what(&c, d, i) < 0)
				return -1;
			kind = str_at(d, "kind");
			if (pass == 0 && strcmp(kind, "ConfigMap") != 0 &&
			    strcmp(kind, "Secret") != 0)
				return fail(
				    &c, "--configmap files hold ConfigMap and Secret documents");
			if ((strcmp(kind, "ConfigMap") == 0 || strcmp(kind, "Secret") == 0) &&
			    keep_data_doc(&c, d, strcmp(kind, "Secret") == 0) < 0)
				return -1;
		}
	}
	json_array_foreach (docs, i, d) {
		doc_what(&c, d, i);
		if (plan_doc(&c, d, pods, seen) < 0)
			return -1;
	}
	if (json_array_size(pods) == 0)
		return pd_fail(err, PD_E_INVALID,
			       "no Pod, Deployment, ReplicaSet, StatefulSet, "
			       "DaemonSet or Job in the manifest");
	plan->pods = steal_ptr(pods);
	plan->warnings = steal_ptr(warnings);
	return 0;
}

void
kube_plan_clear(struct kube_plan *plan)
{
	json_decref(plan->pods);
	json_decref(plan->warnings);
	plan->pods = plan->warnings = NULL;
}
