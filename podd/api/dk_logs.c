/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /containers/{id}/logs: the container's log (podd's CRI log, read by
 * ctr_logs.c as /v1's logs reads it) in the Engine's form: each line a frame
 * of docker's multiplexed stream (raw text for a container with a
 * terminal), ?stdout ?stderr choosing the streams, ?since ?until (unix
 * seconds, with a fraction) ?tail ("all" or a count), ?timestamps (each line
 * prefixed with its RFC 3339 time), ?follow (on until the container ends).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "container.h"
#include "crilog.h"
#include "ctr_logs.h"
#include "dk_stream.h"
#include "timefmt.h"
#include "xalloc.h"

/* Unsent bytes under which a paused stream reads on. */
#define LOGS_LOW_WATER ((size_t)64 * 1024)

struct dk_log {
	struct dk_req *r;
	struct log_follower *f; /* NULL once ended */
	bool tty, out, err, timestamps;
	bool has_until;
	struct timespec until;
};

/* Docker's time parameter: unix seconds with an optional fraction; "0" or
 * absent is none. Returns 0 (*@has set when given), or -1. */
static int
parse_time(const char *v, bool *has, struct timespec *ts)
{
	char *end;
	long long sec;
	long nsec = 0, scale = 100000000;

	*has = false;
	if (v == NULL || v[0] == '\0')
		return 0;
	sec = strtoll(v, &end, 10);
	if (end == v || sec < 0)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			nsec += (*end - '0') * scale;
	if (*end != '\0')
		return -1;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
	*has = sec > 0 || nsec > 0;
	return 0;
}

static bool
after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* CRI lines to the Engine's stream. */
static void
on_lines(void *arg, struct evbuffer *lines)
{
	struct dk_log *l = arg;
	struct evbuffer *out = evbuffer_new(), *msg = evbuffer_new();
	char *line;
	size_t len;

	if (out == NULL || msg == NULL)
		abort();
	while ((line = evbuffer_readln(lines, &len, EVBUFFER_EOL_LF)) != NULL) {
		struct pd_crilog_line cl;
		char ts[64];
		size_t n;

		if (pd_crilog_parse(line, len, &cl) < 0 ||
		    (cl.stream == PD_CRILOG_STDOUT ? !l->out : !l->err) ||
		    (l->has_until && after(&cl.time, &l->until))) {
			free(line);
			continue;
		}
		evbuffer_drain(msg, evbuffer_get_length(msg));
		if (l->timestamps && pd_time_rfc3339(&cl.time, ts, sizeof(ts)) >= 0) {
			evbuffer_add(msg, ts, strlen(ts));
			evbuffer_add(msg, " ", 1);
		}
		evbuffer_add(msg, cl.text, cl.text_len);
		if (!cl.partial)
			evbuffer_add(msg, "\n", 1);
		n = evbuffer_get_length(msg);
		if (l->tty)
			evbuffer_add_buffer(out, msg);
		else
			dk_frame_add(out, cl.stream == PD_CRILOG_STDOUT ? DK_STDOUT : DK_STDERR,
				     evbuffer_pullup(msg, -1), n);
		free(line);
	}
	evbuffer_drain(lines, evbuffer_get_length(lines));
	len = evbuffer_get_length(out);
	if (len > 0)
		dk_stream_write(l->r, evbuffer_pullup(out, -1), len);
	evbuffer_free(out);
	evbuffer_free(msg);
}

static size_t
on_unsent(void *arg)
{
	struct dk_log *l = arg;

	return dk_stream_unsent(l->r);
}

static void
on_end(void *arg)
{
	struct dk_log *l = arg;

	l->f = NULL;
	dk_on_gone(l->r, NULL, NULL);
	dk_on_drained(l->r, 0, NULL, NULL);
	dk_stream_end(l->r);
	free(l);
}

static const struct ctr_log_sink sink = {.lines = on_lines, .unsent = on_unsent, .end = on_end};

static void
on_drained(void *arg)
{
	struct dk_log *l = arg;

	if (l->f != NULL)
		ctr_logs_resume(l->f);
}

static void
on_gone(void *arg)
{
	struct dk_log *l = arg;

	if (l->f != NULL)
		ctr_logs_cancel(l->f);
	dk_stream_end(l->r);
	free(l);
}

void
dk_logs_get(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_crilog_filter filter = {0};
	struct pd_err err = {0};
	struct dk_log *l;
	const char *tail;
	long long n_tail = -1;
	bool follow;
	off_t start;
	int fd;

	if (c == NULL)
		return; /* answered: @r is freed */
	tail = dk_query(r, "tail");
	l = xcalloc(1, sizeof(*l));
	l->r = r;
	l->tty = c->rec.spec.tty;
	l->out = dk_query_bool(r, "stdout", false);
	l->err = dk_query_bool(r, "stderr", false);
	l->timestamps = dk_query_bool(r, "timestamps", false);
	follow = dk_query_bool(r, "follow", false) && c->rec.state != CTR_EXITED;
	if (!l->out && !l->err) {
		free(l);
		dk_reply_error(r, 400, "Bad parameters: you must choose at least one stream");
		return;
	}
	if (parse_time(dk_query(r, "since"), &filter.has_since, &filter.since) < 0 ||
	    parse_time(dk_query(r, "until"), &l->has_until, &l->until) < 0) {
		free(l);
		dk_reply_error(r, 400, "since, until: not a unix time in seconds");
		return;
	}
	if (tail != NULL && tail[0] != '\0' && strcmp(tail, "all") != 0) {
		char *end;

		n_tail = strtoll(tail, &end, 10);
		if (*end != '\0' || n_tail < 0)
			n_tail = -1; /* as the Engine: a bad tail is all */
	}
	fd = ctr_logs_open(c, false, &err);
	if (fd >= 0 && ctr_logs_tail_offset(fd, n_tail, &start, &err) < 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		free(l);
		dk_reply_err(r, &err);
		return;
	}
	dk_stream_start(r, 200,
			l->tty ? "application/vnd.docker.raw-stream"
			       : "application/vnd.docker.multiplexed-stream");
	dk_on_gone(r, on_gone, l);
	dk_on_drained(r, LOGS_LOW_WATER, on_drained, l);
	if (ctr_logs_stream_sink(c, &sink, l, &l->f, fd, start, &filter, follow, &err) < 0) {
		dk_on_gone(r, NULL, NULL);
		dk_stream_end(r);
		free(l);
	}
}
