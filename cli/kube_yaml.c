/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML ⇄ jansson over libyaml's event API (kube_yaml.h says how scalars are
 * typed and what is refused). The loader keeps a stack of the collections
 * being built; the dumper walks a value and emits events. libyaml's own
 * structs live only in this file.
 */
#include "kube_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

/* ---- scalars ------------------------------------------------------------ */

static bool
one_of(const char *s, size_t len, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strlen(*words) == len && memcmp(*words, s, len) == 0)
			return true;
	return false;
}

/* Digits of @base with '_' separators allowed (go-yaml drops them); the
 * value into *v. */
static bool
parse_digits(const char *s, size_t len, int base, bool neg, json_int_t *v)
{
	unsigned long long acc = 0;
	size_t ndig = 0;

	for (size_t i = 0; i < len; i++) {
		int d;

		if (s[i] == '_')
			continue;
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (acc > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			return false;
		acc = acc * (unsigned)base + (unsigned)d;
		ndig++;
	}
	if (ndig == 0)
		return false;
	if (neg ? acc > (unsigned long long)INT64_MAX + 1 : acc > (unsigned long long)INT64_MAX)
		return false;
	*v = neg ? (json_int_t)(0 - acc) : (json_int_t)acc;
	return true;
}

static bool
plain_int(const char *s, size_t len, json_int_t *v)
{
	bool neg = false;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	if (len == 0 || !isdigit((unsigned char)s[0]))
		return false;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, len - 2, 16, neg, v);
	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		return parse_digits(s + 2, len - 2, 8, neg, v);
	if (len > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return parse_digits(s + 2, len - 2, 2, neg, v);
	if (len > 1 && s[0] == '0') /* YAML 1.1 octal: defaultMode: 0644 */
		return parse_digits(s + 1, len - 1, 8, neg, v);
	return parse_digits(s, len, 10, neg, v);
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, go-yaml's float. */
static bool
plain_float_shape(const char *s, size_t len)
{
	size_t i = 0, d = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && isdigit((unsigned char)s[i])) {
		i++;
		d++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)s[i])) {
			i++;
			d++;
		}
	}
	if (d == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && isdigit((unsigned char)s[i])) {
			i++;
			e++;
		}
		if (e == 0)
			return false;
	}
	return i == len;
}

json_type
kube_yaml_plain_type(const char *s, size_t len, json_t **out)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
					    "y",    "Y",    "on",   "On",  "ON",  NULL};
	static const char *const falses[] = {"false", "False", "FALSE", "no",  "No",  "NO",
					     "n",     "N",     "off",   "Off", "OFF", NULL};
	static const char *const specials[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
					       "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
					       ".NaN",  ".NAN",  NULL};
	json_int_t iv;

	if (out != NULL)
		*out = NULL;
	if (one_of(s, len, nulls)) {
		if (out != NULL)
			*out = json_null();
		return JSON_NULL;
	}
	if (one_of(s, len, trues)) {
		if (out != NULL)
			*out = json_true();
		return JSON_TRUE;
	}
	if (one_of(s, len, falses)) {
		if (out != NULL)
			*out = json_false();
		return JSON_FALSE;
	}
	if (plain_int(s, len, &iv)) {
		if (out != NULL)
			*out = json_integer(iv);
		return JSON_INTEGER;
	}
	if (one_of(s, len, specials))
		return JSON_REAL; /* *out stays NULL: not a JSON number */
	if (plain_float_shape(s, len)) {
		if (out != NULL) {
			cleanup_free char *copy = xmalloc(len + 1);
			char *end = NULL;
			double d;

			memcpy(copy, s, len);
			copy[len] = '\0';
			errno = 0;
			d = strtod(copy, &end);
			if (*end == '\0' && isfinite(d))
				*out = json_real(d);
		}
		return JSON_REAL;
	}
	if (out != NULL)
		*out = json_stringn(s, len);
	return JSON_STRING;
}

/* ---- loading -------------------------------------------------------------- */

struct frame {
	json_t *node;  /* the collection being built */
	char *key;     /* a mapping's key waiting for its value, owned */
	char *anchor;  /* owned, or NULL */
	json_t *merge; /* a mapping's "<<" sources, applied at its end; owned */
	size_t nodes;  /* nodes in it so far, aliases expanded */
	bool merge_next;
};

struct anchor {
	char *name;
	json_t *value;
	size_t nodes;
};

struct loader {
	yaml_parser_t parser;
	struct frame stack[KUBE_YAML_MAX_DEPTH];
	int depth;
	struct anchor *anchors;
	size_t n_anchors;
	size_t total_nodes;
	json_t *docs;
	json_t *doc; /* the finished root of the current document */
};

static int fail_at(struct pd_err *err, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct pd_err *err, const yaml_mark_t *m, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_fail(err, PD_E_INVALID, "line %zu column %zu: %s", m->line + 1, m->column + 1,
		       msg);
}

static void
anchor_set(struct loader *l, const char *name, json_t *value, size_t nodes)
{
	for (size_t i = 0; i < l->n_anchors; i++) {
		if (strcmp(l->anchors[i].name, name) == 0) {
			json_decref(l->anchors[i].value);
			l->anchors[i].value = json_incref(value);
			l->anchors[i].nodes = nodes;
			return;
		}
	}
	l->anchors = xrealloc(l->anchors, (l->n_anchors + 1) * sizeof(*l->anchors));
	l->anchors[l->n_anchors].name = xstrdup(name);
	l->anchors[l->n_anchors].value = json_incref(value);
	l->anchors[l->n_anchors].nodes = nodes;
	l->n_anchors++;
}

static const struct anchor *
anchor_find(const struct loader *l, const char *name)
{
	for (size_t i = l->n_anchors; i > 0; i--)
		if (strcmp(l->anchors[i - 1].name, name) == 0)
			return &l->anchors[i - 1];
	return NULL;
}

/* A mapping key as JSON has it: the scalar's text, or the canonical text
 * of what it resolves to (go-yaml turns `yes:` into "true"). */
static char *
key_text(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	cleanup_json json_t *v = NULL;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.tag != NULL)
		return xstrdup(s);
	switch (kube_yaml_plain_type(s, len, &v)) {
	case JSON_NULL:
		return xstrdup("null");
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_INTEGER:
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
	case JSON_STRING:
	case JSON_OBJECT:
	case JSON_ARRAY:
		break;
	}
	return xstrdup(s);
}

/* The value of a scalar event, by its tag and style. */
static json_t *
scalar_value(const yaml_event_t *ev, struct pd_err *err)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	json_t *v = NULL;
	json_type t;

	if (tag != NULL && strcmp(tag, "!") != 0 && strcmp(tag, YAML_STR_TAG) != 0 &&
	    strcmp(tag, YAML_INT_TAG) != 0 && strcmp(tag, YAML_FLOAT_TAG) != 0 &&
	    strcmp(tag, YAML_BOOL_TAG) != 0 && strcmp(tag, YAML_NULL_TAG) != 0) {
		fail_at(err, &ev->start_mark, "unsupported tag \"%.64s\"", tag);
		return NULL;
	}
	if (tag != NULL && (strcmp(tag, "!") == 0 || strcmp(tag, YAML_STR_TAG) == 0))
		return json_stringn(s, len);
	if (tag == NULL && ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, len);
	t = kube_yaml_plain_type(s, len, &v);
	if (t == JSON_REAL && v == NULL) {
		fail_at(err, &ev->start_mark, "\"%.32s\" is not a number JSON can hold", s);
		return NULL;
	}
	if (tag != NULL) {
		bool ok =
		    (strcmp(tag, YAML_INT_TAG) == 0 && t == JSON_INTEGER) ||
		    (strcmp(tag, YAML_FLOAT_TAG) == 0 && (t == JSON_REAL || t == JSON_INTEGER)) ||
		    (strcmp(tag, YAML_BOOL_TAG) == 0 && (t == JSON_TRUE || t == JSON_FALSE)) ||
		    (strcmp(tag, YAML_NULL_TAG) == 0 && t == JSON_NULL);

		if (!ok) {
			json_decref(v);
			fail_at(err, &ev->start_mark, "\"%.32s\" does not match its tag", s);
			return NULL;
		}
		if (strcmp(tag, YAML_FLOAT_TAG) == 0 && t == JSON_INTEGER) {
			json_t *r = json_real((double)json_integer_value(v));

			json_decref(v);
			return r;
		}
	}
	return v;
}

/* Put the finished node @v (stolen) with @nodes nodes where it belongs:
 * under the pending key of the mapping on top, at the end of the sequence
 * on top, or as the document's root. */
static int
attach(struct loader *l, json_t *v, size_t nodes, const char *anchor, const yaml_mark_t *m,
       struct pd_err *err)
{
	struct frame *top;

	l->total_nodes += nodes;
	if (l->total_nodes > KUBE_YAML_MAX_NODES) {
		json_decref(v);
		return fail_at(err, m, "more than %d nodes (aliases expanded)",
			       KUBE_YAML_MAX_NODES);
	}
	if (anchor != NULL)
		anchor_set(l, anchor, v, nodes);
	if (l->depth == 0) {
		json_decref(l->doc);
		l->doc = v;
		return 0;
	}
	top = &l->stack[l->depth - 1];
	top->nodes += nodes;
	if (json_is_array(top->node)) {
		json_array_append_new(top->node, v);
		return 0;
	}
	if (top->merge_next) {
		top->merge_next = false;
		if (json_is_object(v)) {
			json_array_append_new(top->merge, v);
			return 0;
		}
		if (json_is_array(v)) {
			size_t i;
			json_t *s;

			json_array_foreach (v, i, s) {
				if (!json_is_object(s)) {
					json_decref(v);
					return fail_at(err, m, "%s", "a merge key takes mappings");
				}
				json_array_append(top->merge, s);
			}
			json_decref(v);
			return 0;
		}
		json_decref(v);
		return fail_at(err, m, "%s", "a merge key takes mappings");
	}
	if (top->key == NULL) {
		/* A key: only scalars reach here as keys (collections are refused
		 * at their start), so this is a scalar used as a key. */
		json_decref(v);
		return fail_at(err, m, "%s", "a mapping key must be a scalar");
	}
	if (json_object_get(top->node, top->key) != NULL) {
		json_decref(v);
		return fail_at(err, m, "duplicate key \"%.64s\"", top->key);
	}
	json_object_set_new(top->node, top->key, v);
	free(top->key);
	top->key = NULL;
	return 0;
}

/* On top is a mapping waiting for a key. */
static bool
wants_key(const struct loader *l)
{
	const struct frame *top;

	if (l->depth == 0)
		return false;
	top = &l->stack[l->depth - 1];
	return json_is_object(top->node) && top->key == NULL && !top->merge_next;
}

static int
push(struct loader *l, json_t *node, const yaml_event_t *ev, const char *anchor, struct pd_err *err)
{
	struct frame *f;

	if (wants_key(l)) {
		json_decref(node);
		return fail_at(err, &ev->start_mark, "%s", "a mapping key must be a scalar");
	}
	if (l->depth == KUBE_YAML_MAX_DEPTH) {
		json_decref(node);
		return fail_at(err, &ev->start_mark, "nested deeper than %d levels",
			       KUBE_YAML_MAX_DEPTH);
	}
	f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->anchor = anchor ? xstrdup(anchor) : NULL;
	f->merge = json_is_object(node) ? json_array() : NULL;
	return 0;
}

static int
pop(struct loader *l, const yaml_event_t *ev, struct pd_err *err)
{
	struct frame f = l->stack[--l->depth];
	size_t i;
	json_t *src;
	int r;

	if (f.merge != NULL) {
		/* Explicit keys win over merged ones; earlier sources over later. */
		json_array_foreach (f.merge, i, src) {
			const char *k;
			json_t *v;

			json_object_foreach (src, k, v)
				if (json_object_get(f.node, k) == NULL)
					json_object_set(f.node, k, v);
		}
		json_decref(f.merge);
	}
	free(f.key);
	r = attach(l, f.node, f.nodes + 1, f.anchor, &ev->start_mark, err);
	free(f.anchor);
	return r;
}

static int
on_scalar(struct loader *l, const yaml_event_t *ev, struct pd_err *err)
{
	const char *anchor = (const char *)ev->data.scalar.anchor;
	json_t *v;

	if (wants_key(l)) {
		struct frame *top = &l->stack[l->depth - 1];

		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    ev->data.scalar.tag == NULL &&
		    strcmp((char *)ev->data.scalar.value, "<<") == 0) {
			top->merge_next = true;
			return 0;
		}
		top->key = key_text(ev);
		if (anchor != NULL) {
			json_t *k = json_string(top->key);

			anchor_set(l, anchor, k, 1);
			json_decref(k);
		}
		return 0;
	}
	v = scalar_value(ev, err);
	if (v == NULL)
		return -1;
	return attach(l, v, 1, anchor, &ev->start_mark, err);
}

static int
on_alias(struct loader *l, const yaml_event_t *ev, struct pd_err *err)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a = anchor_find(l, name);

	if (a == NULL)
		return fail_at(err, &ev->start_mark, "unknown alias \"%.64s\"", name);
	if (wants_key(l)) {
		if (!json_is_string(a->value))
			return fail_at(err, &ev->start_mark, "%s",
				       "a mapping key must be a scalar");
		l->stack[l->depth - 1].key = xstrdup(json_string_value(a->value));
		return 0;
	}
	/* A copy, so that nothing built later is shared between places. */
	return attach(l, json_deep_copy(a->value), a->nodes, NULL, &ev->start_mark, err);
}

static int
on_event(struct loader *l, const yaml_event_t *ev, struct pd_err *err)
{
	switch (ev->type) {
	case YAML_NO_EVENT:
	case YAML_STREAM_START_EVENT:
	case YAML_STREAM_END_EVENT:
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (json_array_size(l->docs) >= KUBE_YAML_MAX_DOCS)
			return fail_at(err, &ev->start_mark, "more than %d documents",
				       KUBE_YAML_MAX_DOCS);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		if (l->doc != NULL && !json_is_null(l->doc))
			json_array_append(l->docs, l->doc);
		json_decref(l->doc);
		l->doc = NULL;
		return 0;
	case YAML_ALIAS_EVENT:
		return on_alias(l, ev, err);
	case YAML_SCALAR_EVENT:
		return on_scalar(l, ev, err);
	case YAML_SEQUENCE_START_EVENT:
		return push(l, json_array(), ev, (const char *)ev->data.sequence_start.anchor, err);
	case YAML_MAPPING_START_EVENT:
		return push(l, json_object(), ev, (const char *)ev->data.mapping_start.anchor, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return pop(l, ev, err);
	}
	return 0;
}

static void
loader_clear(struct loader *l)
{
	while (l->depth > 0) {
		struct frame *f = &l->stack[--l->depth];

		json_decref(f->node);
		json_decref(f->merge);
		free(f->key);
		free(f->anchor);
	}
	for (size_t i = 0; i < l->n_anchors; i++) {
		free(l->anchors[i].name);
		json_decref(l->anchors[i].value);
	}
	free(l->anchors);
	json_decref(l->doc);
	json_decref(l->docs);
	yaml_parser_delete(&l->parser);
}

json_t *
kube_yaml_load_all(const char *buf, size_t len, struct pd_err *err)
{
	struct loader l;
	bool done = false;

	if (len > KUBE_YAML_MAX_BYTES) {
		pd_fail(err, PD_E_TOO_LARGE, "YAML over %zu bytes", KUBE_YAML_MAX_BYTES);
		return NULL;
	}
	memset(&l, 0, sizeof(l));
	if (!yaml_parser_initialize(&l.parser)) {
		pd_fail(err, PD_E_SYSTEM, "libyaml: cannot make a parser");
		return NULL;
	}
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)buf, len);
	l.docs = json_array();
	while (!done) {
		yaml_event_t ev;
		int r;

		if (!yaml_parser_parse(&l.parser, &ev)) {
			pd_fail(err, PD_E_INVALID, "line %zu column %zu: %s",
				l.parser.problem_mark.line + 1, l.parser.problem_mark.column + 1,
				l.parser.problem ? l.parser.problem : "bad YAML");
			loader_clear(&l);
			return NULL;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		r = on_event(&l, &ev, err);
		yaml_event_delete(&ev);
		if (r < 0) {
			loader_clear(&l);
			return NULL;
		}
	}
	{
		json_t *docs = steal_ptr(l.docs);

		loader_clear(&l);
		return docs;
	}
}

/* ---- dumping ---------------------------------------------------------- */

struct outbuf {
	char *data;
	size_t len, cap;
};

static int
out_write(void *arg, unsigned char *buf, size_t size)
{
	struct outbuf *o = arg;

	if (o->len + size + 1 > o->cap) {
		o->cap = (o->len + size + 1) * 2;
		o->data = xrealloc(o->data, o->cap);
	}
	memcpy(o->data + o->len, buf, size);
	o->len += size;
	o->data[o->len] = '\0';
	return 1;
}

static int
emit(yaml_emitter_t *e, yaml_event_t *ev, struct pd_err *err)
{
	if (yaml_emitter_emit(e, ev))
		return 0;
	return pd_fail(err, PD_E_INVALID, "libyaml: %s", e->problem ? e->problem : "cannot emit");
}

static int
emit_scalar(yaml_emitter_t *e, const char *s, size_t len, bool plain_ok, yaml_scalar_style_t style,
	    struct pd_err *err)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, plain_ok,
					  !plain_ok || style != YAML_PLAIN_SCALAR_STYLE, style))
		return pd_fail(err, PD_E_INVALID, "libyaml: cannot make a scalar");
	return emit(e, &ev, err);
}

static int
emit_string(yaml_emitter_t *e, const char *s, size_t len, struct pd_err *err)
{
	yaml_event_t ev;
	bool plain_ok = kube_yaml_plain_type(s, len, NULL) == JSON_STRING;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (memchr(s, '\n', len) != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (!plain_ok)
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, plain_ok, 1,
					  style))
		return pd_fail(err, PD_E_INVALID, "libyaml: cannot make a scalar");
	return emit(e, &ev, err);
}

static int
emit_value(yaml_emitter_t *e, const json_t *v, struct pd_err *err)
{
	yaml_event_t ev;
	char num[64];
	const char *k;
	const json_t *c;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(
		    &ev, NULL, NULL, 1,
		    json_object_size(v) == 0 ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
		if (emit(e, &ev, err) < 0)
			return -1;
		json_object_foreach ((json_t *)v, k, c) {
			if (emit_string(e, k, strlen(k), err) < 0 || emit_value(e, c, err) < 0)
				return -1;
		}
		yaml_mapping_end_event_initialize(&ev);
		return emit(e, &ev, err);
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(
		    &ev, NULL, NULL, 1,
		    json_array_size(v) == 0 ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
		if (emit(e, &ev, err) < 0)
			return -1;
		json_array_foreach (v, i, c)
			if (emit_value(e, c, err) < 0)
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev, err);
	case JSON_STRING:
		return emit_string(e, json_string_value(v), json_string_length(v), err);
	case JSON_INTEGER:
		(void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(e, num, strlen(num), true, YAML_PLAIN_SCALAR_STYLE, err);
	case JSON_REAL:
		if (!isfinite(json_real_value(v)))
			return pd_fail(err, PD_E_INVALID, "a number YAML cannot hold");
		(void)snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		if (strpbrk(num, ".e") == NULL)
			strncat(num, ".0", sizeof(num) - strlen(num) - 1);
		return emit_scalar(e, num, strlen(num), true, YAML_PLAIN_SCALAR_STYLE, err);
	case JSON_TRUE:
		return emit_scalar(e, "true", 4, true, YAML_PLAIN_SCALAR_STYLE, err);
	case JSON_FALSE:
		return emit_scalar(e, "false", 5, true, YAML_PLAIN_SCALAR_STYLE, err);
	case JSON_NULL:
		return emit_scalar(e, "null", 4, true, YAML_PLAIN_SCALAR_STYLE, err);
	}
	return 0;
}

static int
emit_docs(yaml_emitter_t *e, const json_t *docs, struct pd_err *err)
{
	yaml_event_t ev;
	size_t i;
	const json_t *d;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(e, &ev, err) < 0)
		return -1;
	json_array_foreach (docs, i, d) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, i == 0);
		if (emit(e, &ev, err) < 0 || emit_value(e, d, err) < 0)
			return -1;
		yaml_document_end_event_initialize(&ev, 1);
		if (emit(e, &ev, err) < 0)
			return -1;
	}
	yaml_stream_end_event_initialize(&ev);
	return emit(e, &ev, err);
}

char *
kube_yaml_dump_all(const json_t *docs, struct pd_err *err)
{
	struct outbuf o = {0};
	yaml_emitter_t e;
	int r;

	if (!yaml_emitter_initialize(&e)) {
		pd_fail(err, PD_E_SYSTEM, "libyaml: cannot make an emitter");
		return NULL;
	}
	yaml_emitter_set_output(&e, out_write, &o);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_indent(&e, 2);
	yaml_emitter_set_width(&e, -1);
	r = emit_docs(&e, docs, err);
	if (r == 0 && !yaml_emitter_flush(&e))
		r = pd_fail(err, PD_E_SYSTEM, "libyaml: cannot flush");
	yaml_emitter_delete(&e);
	if (r < 0) {
		free(o.data);
		return NULL;
	}
	return o.data != NULL ? o.data : xstrdup("");
}
