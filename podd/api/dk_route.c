/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine dialect's routes and request parameters: which handler takes
 * a request (method and path; the version prefix is gone, dk_server.c),
 * query values decoded, `filters` read, docker's network names.
 */
#include <stdlib.h>
#include <string.h>

#include "dk_int.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "parse.h"
#include "podd.h"
#include "xalloc.h"

static const struct dk_routes *const groups[] = {
    &dk_system_routes, &dk_container_routes, &dk_stream_routes,
    &dk_image_routes,  &dk_network_routes,   &dk_volume_routes,
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* Percent-decode @n bytes at @s ('+' a space when @plus); NULL for a bad
 * escape or an encoded NUL. */
static char *
decode(const char *s, size_t n, bool plus)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 2 < n ? pd_parse_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? pd_parse_hex_digit(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(unsigned char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
			if (plus && s[i] == '+')
				out[o - 1] = ' ';
		}
	}
	out[o] = '\0';
	return out;
}

/* The path segment starting at @s: its length. */
static size_t
seg_len(const char *s)
{
	const char *e = strchr(s, '/');

	return e != NULL ? (size_t)(e - s) : strlen(s);
}

/* Match @path against @pattern, filling @r's args. */
static bool
match(struct dk_req *r, const char *pattern, const char *path)
{
	unsigned n_args = 0;
	const char *p = pattern, *s = path;

	for (size_t i = 0; i < DK_MAX_ARGS; i++) {
		free(r->args[i]);
		r->args[i] = NULL;
	}
	while (*p != '\0' && *s != '\0') {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		if (strncmp(p, "**", 2) == 0 && (p[2] == '/' || p[2] == '\0')) {
			/* one or more segments: the tail of the path that leaves
			 * the rest of the pattern to match its end */
			const char *rest = p + 2;
			size_t rest_len = strlen(rest), s_len = strlen(s);

			if (s_len <= rest_len || strcmp(s + s_len - rest_len, rest) != 0)
				return false;
			if (n_args == DK_MAX_ARGS)
				return false;
			r->args[n_args] = decode(s, s_len - rest_len, false);
			return r->args[n_args] != NULL && r->args[n_args][0] != '\0';
		}
		if (p[0] == '*' && (p[1] == '/' || p[1] == '\0')) {
			size_t n = seg_len(s);

			if (n == 0 || n_args == DK_MAX_ARGS)
				return false;
			r->args[n_args] = decode(s, n, false);
			if (r->args[n_args++] == NULL)
				return false;
			p++;
			s += n;
			continue;
		}
		size_t pn = seg_len(p), sn = seg_len(s);

		if (pn != sn || strncmp(p, s, pn) != 0)
			return false;
		p += pn;
		s += sn;
	}
	/* A trailing '/' on the path is the same path. */
	if (*s == '/' && s[1] == '\0')
		s++;
	return *p == '\0' && *s == '\0';
}

static bool
method_ok(const struct dk_route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

bool
dk_route_find(struct dk_req *r)
{
	for (size_t g = 0; g < N_GROUPS; g++)
		for (size_t i = 0; i < groups[g]->n; i++) {
			const struct dk_route *rt = &groups[g]->routes[i];

			if (method_ok(rt, r->method) && match(r, rt->pattern, r->path)) {
				r->route = rt;
				return true;
			}
		}
	return false;
}

bool
dk_route_streams_body(struct dk_req *r)
{
	if (r->route == NULL && !dk_route_find(r))
		return false;
	return (r->route->flags & DK_STREAM_BODY) != 0;
}

void
dk_dispatch(struct dk_req *r)
{
	if (r->route == NULL && !dk_route_find(r)) {
		/* A path some route has, with another method: 405. */
		for (size_t g = 0; g < N_GROUPS; g++)
			for (size_t i = 0; i < groups[g]->n; i++)
				if (match(r, groups[g]->routes[i].pattern, r->path)) {
					dk_reply_error(r, 405, "%s is not allowed on %s", r->method,
						       r->path);
					return;
				}
		dk_reply_error(r, 404, "page not found: %s %s is no API path of podd's Engine API",
			       r->method, r->path);
		return;
	}
	r->route->fn(r);
}

/* ---- the query ------------------------------------------------------------- */

/* The (first) value of @name in @r's query, decoded (owned by the
 * caller), or NULL. */
static char *
query_value(const struct dk_req *r, const char *name)
{
	cleanup_json json_t *all = dk_query_all(r, name);
	const char *v = json_string_value(json_array_get(all, 0));

	return v != NULL ? xstrdup(v) : NULL;
}

/* A value lives as long as the request: it is kept in the request's header
 * list, under a name no header can have ("?name"). */
const char *
dk_query(const struct dk_req *r, const char *name)
{
	struct dk_req *w = (struct dk_req *)r;
	char *v = query_value(r, name);

	if (v == NULL)
		return NULL;
	if (w->n_headers == DK_MAX_HEADERS) {
		free(v);
		return NULL;
	}
	w->headers[w->n_headers].name = xasprintf("?%s", name);
	w->headers[w->n_headers].value = v;
	w->n_headers++;
	return v;
}

json_t *
dk_query_all(const struct dk_req *r, const char *name)
{
	json_t *out = json_array();
	const char *s = r->query;

	while (s != NULL && *s != '\0') {
		const char *amp = strchr(s, '&');
		size_t n = amp != NULL ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', n);
		size_t klen = eq != NULL ? (size_t)(eq - s) : n;
		cleanup_free char *key = decode(s, klen, true);

		if (key != NULL && strcmp(key, name) == 0) {
			char *v = eq != NULL ? decode(eq + 1, n - klen - 1, true) : xstrdup("");

			if (v != NULL)
				json_array_append_new(out, json_string(v));
			free(v);
		}
		s = amp != NULL ? amp + 1 : NULL;
	}
	return out;
}

bool
dk_query_bool(const struct dk_req *r, const char *name, bool dflt)
{
	const char *v = dk_query(r, name);

	if (v == NULL)
		return dflt;
	return !(v[0] == '\0' || strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0);
}

int
dk_query_int(struct dk_req *r, const char *name, long long dflt, long long *out)
{
	const char *v = dk_query(r, name);
	struct pd_err err = {0};

	*out = dflt;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (pd_parse_int(v, -(1LL << 62), 1LL << 62, out, &err) < 0) {
		dk_reply_error(r, 400, "invalid value for %s: %s", name, v);
		return -1;
	}
	return 0;
}

json_t *
dk_query_filters(struct dk_req *r)
{
	const char *v = dk_query(r, "filters");
	json_t *in, *out, *val;
	json_error_t jerr;
	const char *key;

	if (v == NULL || v[0] == '\0')
		return json_object();
	in = json_loads(v, 0, &jerr);
	if (!json_is_object(in)) {
		json_decref(in);
		dk_reply_error(r, 400, "invalid filter: %s", v);
		return NULL;
	}
	out = json_object();
	json_object_foreach (in, key, val) {
		json_t *list = json_array();
		const char *k;
		json_t *x;
		size_t i;

		if (json_is_array(val)) {
			json_array_foreach (val, i, x)
				if (json_is_string(x))
					json_array_append(list, x);
		} else if (json_is_object(val)) {
			json_object_foreach (val, k, x)
				if (json_is_true(x))
					json_array_append_new(list, json_string(k));
		} else {
			json_decref(list);
			json_decref(in);
			json_decref(out);
			dk_reply_error(r, 400, "invalid filter '%s'", key);
			return NULL;
		}
		json_object_set_new(out, key, list);
	}
	json_decref(in);
	return out;
}

const char *
dk_network_name(const struct podd *d, const char *name)
{
	(void)d;
	if (strcmp(name, "bridge") == 0 || strcmp(name, "default") == 0)
		return PD_NET_DEFAULT;
	return name;
}
