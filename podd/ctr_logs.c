/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Log streams (see ctr_logs.h). A stream reads the log file from its own
 * offset and sends whole lines that pass its filter as chunks of a chunked
 * reply. A followed container's log is watched with inotify; each change
 * reads every stream of that log.
 *
 * A stream holds at most STREAM_UNSENT_MAX bytes its client has not read:
 * past that it stops reading the file, and evhttp's "all written" callback
 * of the last chunk starts it again. A client that reads slowly or not at
 * all then costs podd that much memory, whatever the log's size. A stream
 * whose container has ended (or that never followed) moves to podd's
 * draining list and ends once it has sent the log to its end.
 *
 * podd has one inotify instance for every followed log, made on the first
 * follow: closing an inotify fd waits for an RCU grace period in the
 * kernel (5-20 ms measured here), which one instance per follower put on
 * the path of every `podctl run`.
 *
 * Only whole lines are sent; a line the shim is still writing waits for
 * the next read.
 */
#include "ctr_logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "log.h"
#include "xalloc.h"

/* The most of a log's end read to find where its last --tail lines start:
 * a tail longer than this starts this far from the end. */
#define TAIL_READ_MAX ((size_t)64 * 1024 * 1024)

/* Reply bytes a stream lets wait for its client before it stops reading. */
#define STREAM_UNSENT_MAX ((size_t)256 * 1024)
/* One read of the log file. */
#define STREAM_READ ((size_t)64 * 1024)

struct log_follower {
	TAILQ_ENTRY(log_follower) entry; /* in c->followers, or d->log_draining */
	struct podd *d;                  /* borrowed */
	struct container *c;             /* borrowed; NULL once draining */
	struct evhttp_request *req;      /* borrowed from evhttp */
	int fd;                          /* owned: the log file */
	off_t offset;                    /* where the next unread line starts */
	off_t end;                       /* draining: stop here (-1: at EOF) */
	struct pd_crilog_filter filter;
	bool blocked; /* waits for its client to read */
	/* issue 15: or to a sink of another dialect (req NULL) */
	const struct ctr_log_sink *sink;
	void *sink_arg;
	struct log_follower **handle; /* cleared when @f is freed */
};

static struct log_follower_list *
list_of(struct log_follower *f)
{
	return f->c != NULL ? &f->c->followers : &f->d->log_draining;
}

/* No one follows @c's log any more: drop its watch. */
static void
unwatch_if_idle(struct container *c)
{
	if (c->log_wd >= 0 && TAILQ_EMPTY(&c->followers)) {
		inotify_rm_watch(c->d->inotify_fd, c->log_wd);
		c->log_wd = -1;
	}
}

/* End @f's reply (if its client is still there) and free it. */
static void
stream_end(struct log_follower *f)
{
	struct container *c = f->c;

	TAILQ_REMOVE(list_of(f), f, entry);
	if (c != NULL)
		unwatch_if_idle(c);
	if (f->req != NULL) {
		http_conn_on_gone(f->req, NULL, NULL);
		evhttp_send_reply_end(f->req);
	}
	close_reset(&f->fd);
	if (f->handle != NULL)
		*f->handle = NULL;
	if (f->sink != NULL)
		f->sink->end(f->sink_arg);
	free(f);
}

/* The client left: evhttp has detached the request and leaves it to us;
 * ending the reply frees it. */
static void
on_client_gone(void *arg)
{
	struct log_follower *f = arg;

	evhttp_send_reply_end(f->req);
	f->req = NULL;
	stream_end(f);
}

static void
emit(void *arg, const char *line, size_t len)
{
	evbuffer_add(arg, line, len);
}

static void on_drained(struct evhttp_connection *evcon, void *arg);

/* Send what the log holds past @f's offset, as far as its client keeps up.
 * Returns true when @f has read all there is (to its end, or EOF). */
static bool
stream_read(struct log_follower *f)
{
	char buf[STREAM_READ];
	struct evbuffer *out = evbuffer_new();

	if (out == NULL)
		abort();
	for (;;) {
		size_t want = sizeof(buf), used;
		ssize_t n;

		if ((f->sink != NULL ? f->sink->unsent(f->sink_arg) : http_conn_unsent(f->req)) >=
		    STREAM_UNSENT_MAX) {
			f->blocked = true;
			break;
		}
		if (f->end >= 0 && f->end - f->offset < (off_t)want)
			want = (size_t)(f->end - f->offset);
		n = want > 0 ? pread(f->fd, buf, want, f->offset) : 0;
		if (n <= 0)
			break;
		used = pd_crilog_filter_lines(buf, (size_t)n, &f->filter, emit, out);
		/* A line longer than the buffer cannot come from the shim
		 * (PD_CRILOG_LINE_MAX splits them); skip rather than stall. */
		if (used == 0 && (size_t)n == sizeof(buf))
			used = (size_t)n;
		f->offset += (off_t)used;
		if (evbuffer_get_length(out) > 0 && f->sink != NULL)
			f->sink->lines(f->sink_arg, out);
		else if (evbuffer_get_length(out) > 0)
			evhttp_send_reply_chunk_with_cb(f->req, out, on_drained, f);
		/* A short read is the end of the log for now; what is left
		 * past the last newline is a line still being written. */
		if ((size_t)n < want)
			break;
	}
	evbuffer_free(out);
	return !f->blocked;
}

/* Read for @f; a draining stream that has sent everything ends. */
static void
stream_pump(struct log_follower *f)
{
	if ((f->req == NULL && f->sink == NULL) || f->blocked)
		return;
	if (stream_read(f) && f->c == NULL)
		stream_end(f);
}

/* Its client has read every byte sent: read on. */
static void
on_drained(struct evhttp_connection *evcon, void *arg)
{
	struct log_follower *f = arg;

	(void)evcon;
	ctr_logs_resume(f);
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

			/* A followed container's streams stay on its list. */
			TAILQ_FOREACH (c, &d->containers, entry)
				if (c->log_wd == ev->wd)
					TAILQ_FOREACH (f, &c->followers, entry)
						stream_pump(f);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static void
inotify_teardown(struct podd *d)
{
	if (d->inotify_ev != NULL)
		event_free(d->inotify_ev);
	d->inotify_ev = NULL;
	close_reset(&d->inotify_fd);
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
			inotify_teardown(d);
			return pd_fail(err, PD_E_SYSTEM, "cannot watch logs");
		}
	}
	if (c->log_wd >= 0)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c->log_wd = inotify_add_watch(d->inotify_fd, path, IN_MODIFY);
	if (c->log_wd < 0)
		return pd_fail_errno(err, errno, "watch the log of \"%s\"", c->rec.spec.name);
	return 0;
}

/* @f's container has ended: it sends the rest, then ends. */
static void
start_draining(struct log_follower *f)
{
	if (f->c != NULL) {
		TAILQ_REMOVE(&f->c->followers, f, entry);
		f->c = NULL;
	}
	TAILQ_INSERT_TAIL(&f->d->log_draining, f, entry);
	stream_pump(f);
}

/* A new stream of @c's log; the caller links and starts it. */
static struct log_follower *
follower_new(struct container *c, int fd, off_t offset, const struct pd_crilog_filter *filter,
	     bool follow, struct pd_err *err)
{
	struct log_follower *f = xcalloc(1, sizeof(*f));

	f->d = c->d;
	f->c = c;
	f->fd = fd;
	f->offset = offset;
	f->end = -1;
	f->filter = *filter;
	if (follow && watch_log(c, f->fd, err) < 0) {
		close_reset(&f->fd);
		free(f);
		return NULL;
	}
	return f;
}

/* Link @f (made by follower_new) and send what it may already send. */
static void
follower_run(struct log_follower *f, bool follow, bool head)
{
	if (follow) {
		TAILQ_INSERT_TAIL(&f->c->followers, f, entry);
		/* Lines written before the watch, and the log so far. */
		stream_pump(f);
		return;
	}
	/* The log as it is now: a writer that goes on does not make the
	 * reply endless. A HEAD gets no body, so nothing is read. */
	f->end = head ? f->offset : lseek(f->fd, 0, SEEK_END);
	f->c = NULL;
	TAILQ_INSERT_TAIL(&f->d->log_draining, f, entry);
	stream_pump(f);
}

int
ctr_logs_stream(struct container *c, struct evhttp_request *req, int fd, off_t offset,
		const struct pd_crilog_filter *filter, bool follow, struct pd_err *err)
{
	struct log_follower *f = follower_new(c, fd, offset, filter, follow, err);

	if (f == NULL)
		return -1;
	f->req = req;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	evhttp_send_reply_start(req, 200, "OK");
	http_conn_on_gone(req, on_client_gone, f);
	follower_run(f, follow, evhttp_request_get_command(req) == EVHTTP_REQ_HEAD);
	return 0;
}

int
ctr_logs_stream_sink(struct container *c, const struct ctr_log_sink *sink, void *arg,
		     struct log_follower **handle, int fd, off_t offset,
		     const struct pd_crilog_filter *filter, bool follow, struct pd_err *err)
{
	struct log_follower *f = follower_new(c, fd, offset, filter, follow, err);

	if (f == NULL)
		return -1;
	f->sink = sink;
	f->sink_arg = arg;
	f->handle = handle;
	*handle = f;
	follower_run(f, follow, false);
	return 0;
}

void
ctr_logs_resume(struct log_follower *f)
{
	if (!f->blocked)
		return;
	f->blocked = false;
	stream_pump(f);
}

void
ctr_logs_cancel(struct log_follower *f)
{
	f->sink = NULL;
	stream_end(f);
}

void
ctr_logs_finish(struct container *c)
{
	struct log_follower *f;

	while ((f = TAILQ_FIRST(&c->followers)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		start_draining(f);
	unwatch_if_idle(c);
}

void
ctr_logs_free(struct container *c)
{
	struct log_follower *f;

	while ((f = TAILQ_FIRST(&c->followers)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		stream_end(f);
}

void
ctr_logs_teardown(struct podd *d)
{
	struct log_follower *f;

	while ((f = TAILQ_FIRST(&d->log_draining)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		stream_end(f);
	inotify_teardown(d);
}

int
ctr_logs_rotate(struct container *c, struct pd_err *err)
{
	cleanup_free char *from = xasprintf("%s/%s", c->rec.id, CTR_LOG_NAME);
	cleanup_free char *to = xasprintf("%s/%s", c->rec.id, CTR_LOG_PREVIOUS_NAME);

	if (renameat(c->d->ctrs_fd, from, c->d->ctrs_fd, to) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "keep the previous log of \"%s\"",
				     c->rec.spec.name);
	return 0;
}

/* Moved from api_log.c (issue 15: the Engine's logs read them too). */
/* Open the log: a container that never ran has none yet, which reads as
 * empty. Returns the fd, or -1 with @err. */
int
ctr_logs_open(const struct container *c, bool previous, struct pd_err *err)
{
	cleanup_free char *root = ctr_root_dir(c);
	cleanup_free char *path =
	    xasprintf("%s/%s", root, previous ? CTR_LOG_PREVIOUS_NAME : CTR_LOG_NAME);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (previous ? 0 : O_CREAT), 0640);

	/* As kubectl says it: no instance before this one. */
	if (fd < 0 && previous && errno == ENOENT)
		pd_fail(err, PD_E_NOT_FOUND,
			"previous terminated container \"%s\" not found (it was not restarted "
			"by its policy)",
			c->rec.spec.name);
	else if (fd < 0)
		pd_fail_errno(err, errno, "open the log of \"%s\"", c->rec.spec.name);
	return fd;
}

/* Where the last @tail lines of the log at @fd start (0 for all). */
int
ctr_logs_tail_offset(int fd, long long tail, off_t *out, struct pd_err *err)
{
	struct stat st;
	cleanup_free char *data = NULL;
	size_t len = 0, want, start = 0;
	off_t from;
	ssize_t n;

	*out = 0;
	if (tail < 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "stat the log");
	from = (size_t)st.st_size > TAIL_READ_MAX ? st.st_size - (off_t)TAIL_READ_MAX : 0;
	want = (size_t)(st.st_size - from);
	data = xmalloc(want + 1);
	while (len < want && (n = pread(fd, data + len, want - len, from + (off_t)len)) > 0)
		len += (size_t)n;
	/* Reading from the middle: the first line is cut, skip it. */
	if (from > 0) {
		const char *nl = memchr(data, '\n', len);

		start = nl != NULL ? (size_t)(nl - data) + 1 : len;
	}
	*out = from + (off_t)(start + pd_crilog_tail_start(data + start, len - start, tail));
	return 0;
}
