/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /v1/containers/{name|id}/logs: the container's CRI log lines
 * (lib/crilog.h), filtered by ?since and ?tail. With ?follow the reply is
 * a chunked stream: new lines are sent as the shim appends them (an
 * inotify watch on the log file, an event in the loop) until the container
 * exits, when container.c calls log_followers_finish().
 *
 * podd has one inotify instance for every followed log, made on the first
 * follow: closing an inotify fd waits for an RCU grace period in the
 * kernel (5-20 ms measured here), which one instance per follower put on
 * the path of every `podctl run`.
 *
 * Only whole lines are sent; a line the shim is still writing waits for
 * the next read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "crilog.h"
#include "http.h"
#include "log.h"
#include "parse.h"
#include "timefmt.h"
#include "xalloc.h"

/* Largest log read in one go; a longer log is read from its last bytes
 * this many for --tail, or refused without a tail. */
#define LOG_READ_MAX ((size_t)64 * 1024 * 1024)

struct log_follower {
	TAILQ_ENTRY(log_follower) entry;
	struct container *c;        /* borrowed */
	struct evhttp_request *req; /* borrowed from evhttp */
	int fd;                     /* owned: the log file */
	off_t offset;               /* where the next unread line starts */
	bool has_since;
	struct timespec since;
};

/* What a request asks for. */
struct log_query {
	bool follow;
	long long tail; /* -1: all */
	bool has_since;
	struct timespec since;
};

static bool
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Append the whole lines of @data (@len bytes) that pass the filter to
 * @out. Returns the bytes consumed (up to the last newline). */
static size_t
add_lines(struct evbuffer *out, const char *data, size_t len, bool has_since,
	  const struct timespec *since)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n;
		struct pd_crilog_line line;

		if (nl == NULL)
			break;
		n = (size_t)(nl - (data + pos));
		if (pd_crilog_parse(data + pos, n, &line) == 0 &&
		    (!has_since || !before(&line.time, since)))
			evbuffer_add(out, data + pos, n + 1);
		pos += n + 1;
	}
	return pos;
}

/* The offset where the last @tail logical lines of @data start. A logical
 * line is P pieces ended by an F piece; trailing P pieces with no F yet
 * count as one. Bytes after the last newline are not a line yet. */
static size_t
tail_start(const char *data, size_t len, long long tail)
{
	long long lines = 0;
	bool last = true;
	size_t end;

	if (tail < 0)
		return 0;
	while (len > 0 && data[len - 1] != '\n')
		len--;
	end = len;
	while (end > 0) {
		size_t b = end - 1;
		struct pd_crilog_line line;
		bool partial;

		while (b > 0 && data[b - 1] != '\n')
			b--;
		partial = pd_crilog_parse(data + b, end - 1 - b, &line) == 0 && line.partial;
		if (!partial || last) {
			if (lines == tail)
				return end;
			lines++;
		}
		last = false;
		end = b;
	}
	return 0;
}

static int
parse_query(struct evhttp_request *req, struct log_query *lq, struct pd_err *err)
{
	static const char *const params[] = {PD_Q_FOLLOW, PD_Q_TAIL, PD_Q_SINCE, NULL};
	struct http_query *q = http_action_query(req, params);
	const char *v;
	int r = 0;

	lq->follow = false;
	lq->tail = -1;
	lq->has_since = false;
	if (q == NULL)
		return 1; /* answered */
	v = http_query_get(q, PD_Q_FOLLOW);
	if (v != NULL)
		r = http_parse_bool(v, PD_Q_FOLLOW, &lq->follow, err);
	v = http_query_get(q, PD_Q_TAIL);
	if (r == 0 && v != NULL && strcmp(v, "all") != 0 &&
	    (r = pd_parse_int(v, 0, 1000000000, &lq->tail, err)) < 0)
		pd_err_prefix(err, "tail");
	v = http_query_get(q, PD_Q_SINCE);
	if (r == 0 && v != NULL) {
		if (pd_time_rfc3339_parse(v, &lq->since) < 0)
			r = pd_fail(err, PD_E_INVALID, "since: \"%.64s\" is not an RFC 3339 time",
				    v);
		lq->has_since = true;
	}
	http_query_free(q);
	return r;
}

static void follower_free(struct log_follower *f);

/* No one follows @c's log any more: drop its watch. */
static void
unwatch_if_idle(struct container *c)
{
	if (c->log_wd >= 0 && TAILQ_EMPTY(&c->followers)) {
		inotify_rm_watch(c->d->inotify_fd, c->log_wd);
		c->log_wd = -1;
	}
}

/* The client left: evhttp has detached the request and leaves it to us;
 * ending the reply frees it. */
static void
on_client_gone(struct evhttp_connection *conn, void *arg)
{
	struct log_follower *f = arg;

	(void)conn;
	evhttp_send_reply_end(f->req);
	f->req = NULL;
	TAILQ_REMOVE(&f->c->followers, f, entry);
	unwatch_if_idle(f->c);
	follower_free(f);
}

static void
follower_free(struct log_follower *f)
{
	if (f->req != NULL)
		evhttp_connection_set_closecb(evhttp_request_get_connection(f->req), NULL, NULL);
	close_reset(&f->fd);
	free(f);
}

/* Send what was appended since the last read. */
static void
follower_read(struct log_follower *f)
{
	char buf[64 * 1024];
	struct evbuffer *out = evbuffer_new();
	ssize_t n;

	if (out == NULL)
		abort();
	while ((n = pread(f->fd, buf, sizeof(buf), f->offset)) > 0) {
		size_t used = add_lines(out, buf, (size_t)n, f->has_since, &f->since);

		/* A line longer than the buffer cannot come from the shim
		 * (PD_CRILOG_LINE_MAX splits them); skip rather than stall. */
		if (used == 0 && (size_t)n == sizeof(buf))
			used = (size_t)n;
		f->offset += (off_t)used;
		if (used < (size_t)n)
			break;
	}
	if (evbuffer_get_length(out) > 0 && f->req != NULL)
		evhttp_send_reply_chunk(f->req, out);
	evbuffer_free(out);
}

/* Logs were appended to: read each changed one for its followers. */
static void
on_log_changed(evutil_socket_t fd, short what, void *arg)
{
	struct podd *d = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)what;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			struct container *c;
			struct log_follower *f;

			TAILQ_FOREACH (c, &d->containers, entry)
				if (c->log_wd == ev->wd)
					TAILQ_FOREACH (f, &c->followers, entry)
						follower_read(f);
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* Watch @c's log, open at @fd, with podd's inotify instance. */
static int
watch_log(struct container *c, int fd, struct pd_err *err)
{
	struct podd *d = c->d;
	char path[64];

	if (d->inotify_fd < 0) {
		d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (d->inotify_fd < 0)
			return pd_fail_errno(err, errno, "inotify_init1");
		d->inotify_ev =
		    event_new(d->base, d->inotify_fd, EV_READ | EV_PERSIST, on_log_changed, d);
		if (d->inotify_ev == NULL || event_add(d->inotify_ev, NULL) < 0) {
			log_watch_teardown(d);
			return pd_fail(err, PD_E_SYSTEM, "cannot watch logs");
		}
	}
	if (c->log_wd >= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c->log_wd = inotify_add_watch(d->inotify_fd, path, IN_MODIFY);
	if (c->log_wd < 0)
		return pd_fail_errno(err, errno, "watch the log of \"%s\"", c->rec.spec.name);
	return 0;
}

void
log_watch_teardown(struct podd *d)
{
	if (d->inotify_ev != NULL)
		event_free(d->inotify_ev);
	d->inotify_ev = NULL;
	close_reset(&d->inotify_fd);
}

void
log_followers_finish(struct container *c)
{
	struct log_follower *f;

	while ((f = TAILQ_FIRST(&c->followers)) != NULL) {
		TAILQ_REMOVE(&c->followers, f, entry);
		follower_read(f);
		if (f->req != NULL) {
			evhttp_connection_set_closecb(evhttp_request_get_connection(f->req), NULL,
						      NULL);
			evhttp_send_reply_end(f->req);
			f->req = NULL;
		}
		follower_free(f);
	}
	unwatch_if_idle(c);
}

void
log_followers_free(struct container *c)
{
	log_followers_finish(c);
}

/* Is there more to follow? A created container will run: following it
 * from before its start (as podctl run does) misses nothing. */
static bool
is_live(const struct container *c)
{
	return c->rec.state != CTR_EXITED;
}

/* Open the log: a container that never ran has none yet, which reads as
 * empty. Returns the fd, or -1 with @err. */
static int
open_log(const struct container *c, struct pd_err *err)
{
	cleanup_free char *root = ctr_root_dir(c);
	cleanup_free char *path = xasprintf("%s/container.log", root);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_CREAT, 0640);

	if (fd < 0)
		pd_fail_errno(err, errno, "open the log of \"%s\"", c->rec.spec.name);
	return fd;
}

void
api_container_logs(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct log_query lq;
	struct pd_err err = {0};
	struct container *c;
	cleanup_close int fd = -1;
	cleanup_free char *data = NULL;
	struct evbuffer *out = NULL;
	struct log_follower *f;
	struct stat st;
	size_t len = 0, start;
	off_t from = 0;
	ssize_t n;
	int r = parse_query(req, &lq, &err);

	if (r > 0)
		return;
	if (r < 0)
		goto fail;
	c = container_find(d, arg, &err);
	if (c == NULL)
		goto fail;
	fd = open_log(c, &err);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail_errno;
	/* A long log: only its end is read when a tail is asked for. */
	if ((size_t)st.st_size > LOG_READ_MAX) {
		if (lq.tail < 0) {
			pd_fail(&err, PD_E_TOO_LARGE,
				"the log of \"%s\" is over %zu MiB: ask for a --tail",
				c->rec.spec.name, LOG_READ_MAX >> 20);
			goto fail;
		}
		from = st.st_size - (off_t)LOG_READ_MAX;
	}
	data = xmalloc((size_t)(st.st_size - from) + 1);
	while (len < (size_t)(st.st_size - from) &&
	       (n = pread(fd, data + len, (size_t)(st.st_size - from) - len, from + (off_t)len)) >
		   0)
		len += (size_t)n;
	/* Skip a cut first line when reading from the middle. */
	start = 0;
	if (from > 0) {
		const char *nl = memchr(data, '\n', len);

		start = nl != NULL ? (size_t)(nl - data) + 1 : len;
	}
	start += tail_start(data + start, len - start, lq.tail);
	out = evbuffer_new();
	if (out == NULL)
		abort();
	len = start + add_lines(out, data + start, len - start, lq.has_since, &lq.since);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	if (!lq.follow || !is_live(c)) {
		evhttp_send_reply(req, 200, "OK", out);
		evbuffer_free(out);
		return;
	}
	f = xcalloc(1, sizeof(*f));
	f->c = c;
	f->req = req;
	f->fd = steal_fd(fd);
	f->offset = from + (off_t)len;
	f->has_since = lq.has_since;
	f->since = lq.since;
	if (watch_log(c, f->fd, &err) < 0) {
		follower_free(f);
		evbuffer_free(out);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&c->followers, f, entry);
	evhttp_send_reply_start(req, 200, "OK");
	if (evbuffer_get_length(out) > 0)
		evhttp_send_reply_chunk(req, out);
	evbuffer_free(out);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_client_gone, f);
	/* Lines written between the read above and the watch. */
	follower_read(f);
	return;
fail_errno:
	if (err.kind == 0)
		pd_fail_errno(&err, errno, "read the log of \"%s\"", arg);
fail:
	http_reply_error(req, &err);
}
