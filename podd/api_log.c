/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /v1/containers/{name|id}/logs: the container's CRI log lines
 * (lib/crilog.h), filtered by ?since and ?tail, as a chunked stream. With
 * ?follow the stream goes on with what the shim appends until the
 * container exits. With ?previous=1 it is the log of the instance before
 * the current one (a restart by the policy keeps it, ctr_logs.h), never
 * followed. This file parses the request and finds where the
 * stream starts; ctr_logs.c streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/http.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "crilog.h"
#include "ctr_logs.h"
#include "http.h"
#include "parse.h"
#include "timefmt.h"
#include "xalloc.h"

/* What a request asks for. */
struct log_query {
	bool follow;
	bool previous;  /* restart: the instance before's log */
	long long tail; /* -1: all */
	struct pd_crilog_filter filter;
};

static int
parse_query(struct evhttp_request *req, struct log_query *lq, struct pd_err *err)
{
	static const char *const params[] = {PD_Q_FOLLOW, PD_Q_TAIL, PD_Q_SINCE, PD_Q_PREVIOUS,
					     NULL};
	struct http_query *q = http_action_query(req, params);
	const char *v;
	int r = 0;

	lq->follow = false;
	lq->previous = false;
	lq->tail = -1;
	lq->filter.has_since = false;
	if (q == NULL)
		return 1; /* answered */
	v = http_query_get(q, PD_Q_FOLLOW);
	if (v != NULL)
		r = http_parse_bool(v, PD_Q_FOLLOW, &lq->follow, err);
	v = http_query_get(q, PD_Q_PREVIOUS);
	if (r == 0 && v != NULL)
		r = http_parse_bool(v, PD_Q_PREVIOUS, &lq->previous, err);
	v = http_query_get(q, PD_Q_TAIL);
	if (r == 0 && v != NULL && strcmp(v, "all") != 0 &&
	    (r = pd_parse_int(v, 0, 1000000000, &lq->tail, err)) < 0)
		pd_err_prefix(err, "tail");
	v = http_query_get(q, PD_Q_SINCE);
	if (r == 0 && v != NULL) {
		if (pd_time_rfc3339_parse(v, &lq->filter.since) < 0)
			r = pd_fail(err, PD_E_INVALID, "since: \"%.64s\" is not an RFC 3339 time",
				    v);
		lq->filter.has_since = true;
	}
	http_query_free(q);
	return r;
}

void
api_container_logs(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct log_query lq;
	struct pd_err err = {0};
	struct container *c;
	cleanup_close int fd = -1;
	off_t start;
	int r = parse_query(req, &lq, &err);

	if (r > 0)
		return;
	if (r < 0)
		goto fail;
	c = container_find(d, arg, &err);
	if (c == NULL)
		goto fail;
	fd = ctr_logs_open(c, lq.previous, &err);
	if (fd < 0 || ctr_logs_tail_offset(fd, lq.tail, &start, &err) < 0)
		goto fail;
	/* A created container will run: following it from before its start
	 * (as podctl run does) misses nothing. A HEAD has no body to follow. */
	if (lq.follow && (lq.previous || c->rec.state == CTR_EXITED ||
			  evhttp_request_get_command(req) == EVHTTP_REQ_HEAD))
		lq.follow = false;
	if (ctr_logs_stream(c, req, steal_fd(fd), start, &lq.filter, lq.follow, &err) < 0)
		goto fail;
	return;
fail:
	http_reply_error(req, &err);
}
