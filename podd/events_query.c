/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and matching of an events request (events_query.h). Pure.
 */
#include "events_query.h"

#include <ctype.h>
#include <string.h>

#include "parse.h"
#include "timefmt.h"

#define NS_PER_S 1000000000LL

static const char *const filter_keys[EF_COUNT] = {
    [EF_TYPE] = "type", [EF_ACTION] = "action", [EF_POD] = "pod", [EF_CONTAINER] = "container"};

/* Shortest id prefix a container filter takes for an id. */
#define ID_PREFIX_MIN 12

void
events_query_init(struct events_query *q)
{
	memset(q, 0, sizeof(*q));
	q->since_ns = -1;
	q->until_ns = -1;
}

/* "SECONDS[.FRACTION]" as unix time. Returns 1 if @s is one, 0 if not. */
static int
unix_time(const char *s, int64_t *out)
{
	int64_t sec = 0, frac = 0, scale = NS_PER_S;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return 0;
	for (; isdigit((unsigned char)*p); p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > 9200000000LL) /* past what nanoseconds hold */
			return 0;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p != '\0')
		return 0;
	*out = sec * NS_PER_S + frac;
	return 1;
}

int
events_parse_time(const char *s, int64_t now_ns, int64_t *out_ns, struct pd_err *err)
{
	struct timespec ts;
	long long ms;
	struct pd_err ignored;

	if (pd_time_rfc3339_parse(s, &ts) == 0) {
		if (ts.tv_sec < 0 || ts.tv_sec > 9200000000LL) /* what nanoseconds hold */
			return pd_fail(err, PD_E_INVALID, "\"%.64s\": time out of range", s);
		*out_ns = (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
		return 0;
	}
	if (unix_time(s, out_ns))
		return 0;
	if (pd_parse_duration_ms(s, &ms, &ignored) == 0) {
		*out_ns = now_ns - (int64_t)ms * 1000000;
		if (*out_ns < 0)
			*out_ns = 0;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID,
		       "\"%.64s\" is neither an RFC 3339 time, unix seconds nor an age (10m)", s);
}

int
events_query_add_filter(struct events_query *q, const char *kv, struct pd_err *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen;
	int key = -1;

	if (eq == NULL || eq == kv)
		return pd_fail(err, PD_E_INVALID, "filter \"%.64s\": not KEY=VALUE", kv);
	klen = (size_t)(eq - kv);
	for (int k = 0; k < EF_COUNT; k++)
		if (strlen(filter_keys[k]) == klen && strncmp(kv, filter_keys[k], klen) == 0)
			key = k;
	if (klen == 5 && strncmp(kv, "event", 5) == 0)
		key = EF_ACTION;
	if (key < 0)
		return pd_fail(
		    err, PD_E_INVALID,
		    "filter \"%.64s\": unknown key (type, action, event, pod, container)", kv);
	if (eq[1] == '\0')
		return pd_fail(err, PD_E_INVALID, "filter \"%.64s\": empty value", kv);
	if (q->n_filters >= EVENTS_FILTER_MAX)
		return pd_fail(err, PD_E_INVALID, "more than %d filters", EVENTS_FILTER_MAX);
	q->filters[q->n_filters].key = (enum events_filter_key)key;
	if (pd_copy_bounded(q->filters[q->n_filters].value, sizeof(q->filters[q->n_filters].value),
			    eq + 1, "filter value", err) < 0)
		return -1;
	q->n_filters++;
	return 0;
}

static const char *
str_of(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s != NULL ? s : "";
}

static bool
one_matches(enum events_filter_key key, const char *v, const json_t *ev)
{
	const char *id;

	switch (key) {
	case EF_TYPE:
		return strcmp(str_of(ev, "type"), v) == 0;
	case EF_ACTION:
		return strcmp(str_of(ev, "action"), v) == 0;
	case EF_POD:
		return strcmp(str_of(ev, "pod"), v) == 0;
	case EF_CONTAINER:
		if (strcmp(str_of(ev, "type"), "container") != 0)
			return false;
		id = str_of(ev, "id");
		return strcmp(str_of(ev, "name"), v) == 0 || strcmp(id, v) == 0 ||
		       (strlen(v) >= ID_PREFIX_MIN && strncmp(id, v, strlen(v)) == 0);
	case EF_COUNT:
		break;
	}
	return false;
}

bool
events_query_match(const struct events_query *q, const json_t *ev)
{
	for (int k = 0; k < EF_COUNT; k++) {
		bool any = false, hit = false;

		for (size_t i = 0; i < q->n_filters; i++) {
			if (q->filters[i].key != (enum events_filter_key)k)
				continue;
			any = true;
			hit =
			    hit || one_matches((enum events_filter_key)k, q->filters[i].value, ev);
		}
		if (any && !hit)
			return false;
	}
	return true;
}
