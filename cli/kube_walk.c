/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest walk's shared parts (kube_walk.h): the path of the field
 * at hand, the first error and the warnings, typed getters, names.
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

/* ---- paths, errors, warnings ---------------------------------------- */

size_t
kw_path_push(struct ctx *c, const char *fmt, ...)
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

void
kw_path_pop(struct ctx *c, size_t saved)
{
	c->plen = saved;
	c->path[saved] = '\0';
}

/* "spec.containers[0]" + key: ".key" unless at the root. */
size_t
kw_path_key(struct ctx *c, const char *key)
{
	return kw_path_push(c, "%s%s", c->plen ? "." : "", key);
}

int
kw_fail(struct ctx *c, const char *fmt, ...)
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
int
kw_fail_key(struct ctx *c, const char *key, const char *msg)
{
	size_t s = kw_path_key(c, key);
	int r = kw_fail(c, "%s", msg);

	kw_path_pop(c, s);
	return r;
}

int
kw_warn_key(struct ctx *c, const char *key, const char *msg)
{
	size_t s = kw_path_key(c, key);

	if (c->strict) {
		kw_fail(c, "%s (--strict)", msg);
		kw_path_pop(c, s);
		return -1;
	}
	json_array_append_new(c->warnings, json_sprintf("%s: %s: %s", c->what, c->path, msg));
	kw_path_pop(c, s);
	return 0;
}

bool
kw_empty_value(const json_t *v)
{
	return v == NULL || json_is_null(v) || (json_is_object(v) && json_object_size(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

bool
kw_in_list(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* Every key of @obj not in @known (nor empty, nor in @quiet: fields that
 * mean nothing here, such as metadata.creationTimestamp) is warned about. */
int
kw_check_fields(struct ctx *c, const json_t *obj, const char *const *known,
		const char *const *quiet)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v) {
		if (kw_in_list(k, known) || kw_in_list(k, quiet) || kw_empty_value(v))
			continue;
		if (kw_warn_key(c, k, "not supported, ignored") < 0)
			return -1;
	}
	return 0;
}

/* ---- typed getters: absent is fine, a wrong type is an error ---------- */

int
kw_get_obj(struct ctx *c, const json_t *o, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return kw_fail_key(c, key, "must be an object");
	*out = v;
	return 0;
}

int
kw_get_arr(struct ctx *c, const json_t *o, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return kw_fail_key(c, key, "must be a list");
	*out = v;
	return 0;
}

int
kw_get_str(struct ctx *c, const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return kw_fail_key(c, key, "must be a string");
	*out = json_string_value(v);
	return 0;
}

int
kw_get_bool(struct ctx *c, const json_t *o, const char *key, int *out)
{
	const json_t *v = json_object_get(o, key);

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return kw_fail_key(c, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* An int in [min, max] into *out; *out = -1 when absent. */
int
kw_get_int(struct ctx *c, const json_t *o, const char *key, long long min, long long max,
	   long long *out)
{
	const json_t *v = json_object_get(o, key);
	char msg[96];

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return kw_fail_key(c, key, "must be an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		(void)snprintf(msg, sizeof(msg), "must be between %lld and %lld, not %lld", min,
			       max, (long long)json_integer_value(v));
		return kw_fail_key(c, key, msg);
	}
	*out = json_integer_value(v);
	return 0;
}

/* A list of strings, as a new array into *out (NULL when absent). */
int
kw_get_strings(struct ctx *c, const json_t *o, const char *key, json_t **out)
{
	const json_t *a;
	size_t i;
	const json_t *v;

	*out = NULL;
	if (kw_get_arr(c, o, key, &a) < 0)
		return -1;
	if (a == NULL)
		return 0;
	json_array_foreach (a, i, v) {
		if (!json_is_string(v)) {
			size_t s = kw_path_push(c, "%s%s[%zu]", c->plen ? "." : "", key, i);

			kw_fail(c, "must be a string");
			kw_path_pop(c, s);
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
bool
kw_port_name_ok(const char *s)
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
int
kw_string_map(struct ctx *c, const json_t *meta, const char *key, bool labels, json_t **out)
{
	const json_t *m;
	const char *k;
	json_t *v;
	size_t s;

	*out = NULL;
	if (kw_get_obj(c, meta, key, &m) < 0)
		return -1;
	if (m == NULL)
		return 0;
	s = kw_path_key(c, key);
	json_object_foreach ((json_t *)m, k, v) {
		if (!json_is_string(v))
			return kw_fail_key(c, k, "must be a string");
		if (labels && !label_key_ok(k))
			return kw_fail_key(c, k, "not a valid label key");
		if (labels && json_string_length(v) > 0 &&
		    !qualified_part(json_string_value(v), json_string_length(v)))
			return kw_fail_key(c, k, "not a valid label value");
	}
	kw_path_pop(c, s);
	*out = json_deep_copy(m);
	return 0;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of @o, sorted (Go's order of a map's keys). */
json_t *
kw_sorted_keys(const json_t *o)
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

/* issue 13, seccomp */
int
kw_seccomp_profile(struct ctx *c, const json_t *sc, const char **opt)
{
	static const char *const known[] = {"type", "localhostProfile", NULL};
	const json_t *p;
	const char *type = NULL;
	size_t s;

	if (kw_get_obj(c, sc, "seccompProfile", &p) < 0)
		return -1;
	if (p == NULL)
		return 0;
	s = kw_path_key(c, "seccompProfile");
	if (kw_check_fields(c, p, known, NULL) < 0 || kw_get_str(c, p, "type", &type) < 0)
		return -1;
	if (type == NULL)
		return kw_fail_key(c, "type", "Required value");
	if (strcmp(type, "RuntimeDefault") == 0)
		*opt = NULL;
	else if (strcmp(type, "Unconfined") == 0)
		*opt = "seccomp=unconfined";
	else if (strcmp(type, "Localhost") == 0)
		return kw_fail_key(c, "type",
				   "Localhost is not supported: run the container with podctl run "
				   "--security-opt seccomp=FILE");
	else
		return kw_fail_key(c, "type",
				   "Unsupported value: supported values: \"Localhost\", "
				   "\"RuntimeDefault\", \"Unconfined\"");
	kw_path_pop(c, s);
	return 0;
}
