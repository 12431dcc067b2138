/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl logs`: a container's output, from podd's CRI log stream, written
 * back to stdout and stderr as the container wrote them (logstream.c). With
 * -f it follows the log until the container exits. With -p (--previous),
 * the log of the instance before, as kubectl's. --since takes a time or
 * an age ("10s", "5m"), sent to podd as an absolute time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "logstream.h"
#include "parse.h"
#include "timefmt.h"
#include "xalloc.h"

enum { L_FOLLOW, L_TAIL, L_TIMESTAMPS, L_SINCE, L_PREVIOUS };

static const struct flag_spec logs_flags[] = {
    [L_FOLLOW] = {"follow", NULL, 'f', FLAG_BOOL, NULL, "go on until the container exits"},
    [L_TAIL] = {"tail", NULL, 'n', FLAG_VALUE, "N", "only the last N lines (default: all)"},
    [L_TIMESTAMPS] = {"timestamps", NULL, 't', FLAG_BOOL, NULL,
		      "put each line's time (RFC 3339) in front of it"},
    [L_SINCE] = {"since", NULL, 0, FLAG_VALUE, "TIME",
		 "only lines since TIME (RFC 3339) or since an age (10s, 5m, 1h)"},
    [L_PREVIOUS] = {"previous", NULL, 'p', FLAG_BOOL, NULL,
		    "the output of the instance before, which its restart policy restarted"},
    {.name = NULL},
};

static const struct cmd_usage logs_usage = {
    .name = "logs",
    .operands = "NAME",
    .operand_what = "container name",
    .summary = "Print a container's output: its stdout to stdout, its stderr to stderr.",
    .flags = logs_flags,
    .min_operands = 1,
    .max_operands = 1,
};

/* --since as an RFC 3339 time in UTC, into @buf. */
static int
since_time(const char *s, char *buf, size_t len, struct pd_err *err)
{
	struct timespec ts;
	long long ms;

	if (pd_time_rfc3339_parse(s, &ts) < 0) {
		if (pd_parse_duration_ms(s, &ms, err) < 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "\"%.64s\" is neither an RFC 3339 time nor an age such as 10s", s);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec -= ms / 1000;
		ts.tv_nsec -= (ms % 1000) * 1000000;
		if (ts.tv_nsec < 0) {
			ts.tv_nsec += 1000000000;
			ts.tv_sec--;
		}
	}
	if (pd_time_rfc3339(&ts, buf, len) < 0)
		return pd_fail(err, PD_E_INVALID, "\"%.64s\": time out of range", s);
	return 0;
}

/* The query of GET .../logs from the flags. A new string. */
static char *
logs_query(const struct flags *f, struct pd_err *err)
{
	cleanup_free char *q =
	    xasprintf("%s=%s", PD_Q_FOLLOW, f->v[L_FOLLOW].on ? "true" : "false");
	long long tail;

	if (f->v[L_TAIL].set && strcmp(f->v[L_TAIL].value, "all") != 0) {
		char *with;

		if (pd_parse_int(f->v[L_TAIL].value, 0, 1LL << 40, &tail, err) < 0) {
			pd_err_prefix(err, "--tail");
			return NULL;
		}
		with = xasprintf("%s&%s=%lld", q, PD_Q_TAIL, tail);
		free(q);
		q = with;
	}
	if (f->v[L_SINCE].set) {
		char when[PD_TIME_RFC3339_MAX];
		cleanup_free char *escaped = NULL;
		char *with;

		if (since_time(f->v[L_SINCE].value, when, sizeof(when), err) < 0) {
			pd_err_prefix(err, "--since");
			return NULL;
		}
		escaped = ctr_query_escape(when);
		with = xasprintf("%s&%s=%s", q, PD_Q_SINCE, escaped);
		free(q);
		q = with;
	}
	if (f->v[L_PREVIOUS].on) { /* restart (issue 12) */
		char *with = xasprintf("%s&%s=true", q, PD_Q_PREVIOUS);

		free(q);
		q = with;
	}
	return steal_ptr(q);
}

static int
on_log(const char *data, size_t len, void *arg, struct pd_err *err)
{
	return logstream_feed(arg, data, len, err);
}

int
cmd_logs(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_logstream struct logstream ls = {0};
	cleanup_reply struct client_reply reply = {0};
	cleanup_free char *query = NULL;
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	struct client_request req = {.method = "GET", .on_body = on_log, .arg = &ls};
	int rc;

	if (!cmd_parse(&logs_usage, argc, argv, &f, &rc))
		return rc;
	query = logs_query(&f, &err);
	if (query == NULL)
		return cmd_usage_error(&logs_usage, "%s", err.msg);
	if (ctr_check_ref(f.args[0], &err) < 0)
		return cmd_error(&err);
	path = ctr_path(f.args[0], PD_ACTION_LOGS, query);
	req.path = path;
	logstream_init(&ls, stdout, stderr, f.v[L_TIMESTAMPS].on);
	if (client_request(ctl->socket_path, &req, &reply, &err) < 0)
		return cmd_error(&err);
	if (reply.status < 200 || reply.status >= 300) {
		client_reply_error(&reply, &err);
		return cmd_error(&err);
	}
	if (logstream_end(&ls, &err) < 0)
		return cmd_error(&err);
	return 0;
}
