/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl events`: podd's pod and container events (GET /v1/events), one
 * line each as they come, until interrupted or until --until. --since and
 * --until take an RFC 3339 time, unix seconds or an age ("10m"); podd
 * reads them. --format json prints each event's JSON as podd sent it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "lines.h"
#include "xalloc.h"

enum { E_SINCE, E_UNTIL, E_FILTER, E_FORMAT };

static const struct flag_spec events_flags[] = {
    [E_SINCE] = {"since", NULL, 0, FLAG_VALUE, "TIME",
		 "events since TIME (RFC 3339, unix seconds, or an age: 10m); podd keeps the "
		 "last 1024"},
    [E_UNTIL] = {"until", NULL, 0, FLAG_VALUE, "TIME", "stop at TIME (at once when it is past)"},
    [E_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "K=V",
		  "type=pod|container, event=ACTION, pod=NAME, container=NAME|ID (repeatable)"},
    [E_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FMT",
		  "table (default) or json: one JSON line each"},
    {.name = NULL},
};

static const struct cmd_usage events_usage = {
    .name = "events",
    .operands = "",
    .summary = "Print pod and container events as they happen.",
    .flags = events_flags,
    .min_operands = 0,
    .max_operands = 0,
};

struct events_out {
	bool json;
	struct line_buf lines;
};

static const char *
str_of(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s != NULL ? s : "";
}

/* "TIME TYPE ACTION NAME (key=value, ...)", as docker prints events. */
static void
print_event(const json_t *ev)
{
	const char *key;
	json_t *v;
	bool first = true;
	const char *pod = str_of(ev, "pod");
	const char *type = str_of(ev, "type");

	printf("%s %s %s %s", str_of(ev, "time"), type, str_of(ev, "action"), str_of(ev, "name"));
	if (pod[0] != '\0' && strcmp(type, "pod") != 0) {
		printf(" (pod=%s", pod);
		first = false;
	}
	json_object_foreach ((json_t *)json_object_get(ev, "attributes"), key, v) {
		cleanup_free char *s =
		    json_is_string(v)
			? xstrdup(json_string_value(v))
			: json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | PD_JSON_REALS);

		printf("%s%s=%s", first ? " (" : ", ", key, s != NULL ? s : "");
		first = false;
	}
	printf("%s\n", first ? "" : ")");
}

static int
print_line(const char *line, size_t len, void *arg, struct pd_err *err)
{
	struct events_out *o = arg;
	cleanup_json json_t *ev = NULL;

	if (o->json) {
		if (fwrite(line, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
			return pd_fail_errno(err, errno, "write the events");
	} else {
		ev = pd_json_load(line, len, 1024 * 1024, err);
		if (ev == NULL || !json_is_object(ev))
			return pd_fail(err, PD_E_SYSTEM,
				       "podd sent an event that is not a JSON object");
		print_event(ev);
	}
	/* Each event as it comes, also into a pipe or a file. */
	if (fflush(stdout) != 0)
		return pd_fail_errno(err, errno, "write the events");
	return 0;
}

static int
on_body(const char *data, size_t len, void *arg, struct pd_err *err)
{
	struct events_out *o = arg;

	return line_buf_feed(&o->lines, data, len, print_line, o, err);
}

/* "&key=escaped" appended to @q (a new string replaces it). */
static void
query_add(char **q, const char *key, const char *value)
{
	cleanup_free char *escaped = ctr_query_escape(value);
	char *with = xasprintf("%s%s%s=%s", *q, (*q)[0] != '\0' ? "&" : "?", key, escaped);

	free(*q);
	*q = with;
}

int
cmd_events(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = xstrdup("");
	cleanup_free char *path = NULL;
	struct events_out out = {.lines = {.what = "an event line"}};
	struct pd_err err = {0};
	struct client_request req = {.method = "GET", .on_body = on_body, .arg = &out};
	int rc;

	if (!cmd_parse(&events_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&events_usage, f.v[E_FORMAT].value, &out.json))
		return EXIT_PODCTL;
	if (f.v[E_SINCE].set)
		query_add(&query, PD_Q_SINCE, f.v[E_SINCE].value);
	if (f.v[E_UNTIL].set)
		query_add(&query, PD_Q_UNTIL, f.v[E_UNTIL].value);
	for (size_t i = 0; i < f.v[E_FILTER].count; i++) {
		if (strchr(f.v[E_FILTER].values[i], '=') == NULL)
			return cmd_usage_error(&events_usage, "--filter \"%.64s\": not KEY=VALUE",
					       f.v[E_FILTER].values[i]);
		query_add(&query, PD_Q_FILTER, f.v[E_FILTER].values[i]);
	}
	path = xasprintf("%s%s", PD_PATH_EVENTS, query);
	req.path = path;
	rc = client_stream(ctl->socket_path, &req, &err);
	line_buf_free(&out.lines);
	return rc < 0 ? cmd_error(&err) : 0;
}
