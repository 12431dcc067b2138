/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a GET /v1/events asks for: a time window and filters. Pure (unit
 * tested): parsing the values and matching an event's JSON.
 *
 * Filters, as docker's: "type=pod|container", "action=X" (or "event=X"),
 * "pod=NAME" (the pod's own events and its containers'), "container=NAME|ID"
 * (a name, a full id or an id prefix of 12 or more). Values of one key are
 * alternatives; different keys must all match.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define EVENTS_FILTER_MAX 32 /* filters in one request */

enum events_filter_key { EF_TYPE, EF_ACTION, EF_POD, EF_CONTAINER, EF_COUNT };

struct events_query {
	int64_t since_ns; /* -1: only new events */
	int64_t until_ns; /* -1: no end */
	size_t n_filters;
	struct {
		enum events_filter_key key;
		char value[128];
	} filters[EVENTS_FILTER_MAX];
};

void events_query_init(struct events_query *q);

/* A time as since/until take it: RFC 3339, unix seconds ("1700000000" or
 * "1700000000.5"), or an age ("10m", "1h30m") before @now_ns. */
int events_parse_time(const char *s, int64_t now_ns, int64_t *out_ns, struct pd_err *err);

/* Add one "KEY=VALUE" filter. */
int events_query_add_filter(struct events_query *q, const char *kv, struct pd_err *err);

/* Whether the event @ev (its JSON) passes @q's filters (not its times). */
bool events_query_match(const struct events_query *q, const json_t *ev);
