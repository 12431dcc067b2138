/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine dialect's HTTP server (dk.h says why it is not evhttp): a
 * listener on its own unix socket, one bufferevent per client, requests
 * read by http-parser, one request at a time per connection (a pipelined
 * one waits in the input buffer), answers written straight to the
 * bufferevent: with a length, chunked (streams), or by handing the
 * connection over (hijack).
 *
 * Timeouts, as on the /v1 socket (http_conn.c): a connection with no
 * request in the hands of a handler is closed after the idle timeout
 * (--idle-timeout) without a byte, and a request must be in whole within
 * the read timeout (--read-timeout) of its first byte; a handler's request
 * has none, however long its answer takes (a wait, a log follow, an
 * attach). Connections are capped (--max-clients): past the cap a new one
 * is closed at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <http_parser.h>

#include "api.h"
#include "cleanup.h"
#include "dk_int.h"
#include "dk_stream.h"
#include "fd.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

/* A streamed body read ahead of its fd, and a stream from an fd written
 * ahead of the client, are held to this many bytes. */
#define DK_STREAM_AHEAD (256 * 1024)

struct dk_conn {
	TAILQ_ENTRY(dk_conn) entry;
	struct dk_server *srv;   /* borrowed */
	struct bufferevent *bev; /* owned */
	struct http_parser parser;
	struct dk_req *req;     /* owned while the connection holds it */
	struct event *deadline; /* owned: the read timeout of a request coming in */
	bool in_handler;        /* a handler holds req */
	bool close_after;       /* close once the answer is out */
	bool header_value_last; /* http-parser: the last piece was a value */
	bool too_big;           /* a header or the body is over its limit */
	bool paused;            /* the parser stopped at a request's end */
};
TAILQ_HEAD(dk_conn_list, dk_conn);

struct dk_server {
	struct podd *d;
	struct evconnlistener *lst; /* owned */
	struct dk_conn_list conns;
	size_t n_conns;
};

static void arm_idle(struct dk_conn *conn);
static void conn_free(struct dk_conn *conn);
static void conn_event(struct bufferevent *bev, short what, void *arg);
static void conn_on_read(struct bufferevent *bev, void *arg);
static void conn_on_write(struct bufferevent *bev, void *arg);

/* ---- the request ------------------------------------------------------- */

static struct dk_req *
req_new(struct dk_conn *conn)
{
	struct dk_req *r = xcalloc(1, sizeof(*r));

	r->d = conn->srv->d;
	r->conn = conn;
	r->body = evbuffer_new();
	r->out_headers = evbuffer_new();
	if (r->body == NULL || r->out_headers == NULL)
		abort();
	r->body_fd = -1;
	r->src_fd = -1;
	return r;
}

static void
req_free(struct dk_req *r)
{
	if (r == NULL)
		return;
	free(r->url);
	free(r->path);
	free(r->query);
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	for (size_t i = 0; i < DK_MAX_ARGS; i++)
		free(r->args[i]);
	evbuffer_free(r->body);
	evbuffer_free(r->out_headers);
	if (r->body_ev != NULL)
		event_free(r->body_ev);
	if (r->body_fd >= 0)
		close(r->body_fd);
	if (r->src_ev != NULL)
		event_free(r->src_ev);
	if (r->src_fd >= 0)
		close(r->src_fd);
	free(r);
}

struct podd *
dk_podd(const struct dk_req *r)
{
	return r->d;
}

const char *
dk_method(const struct dk_req *r)
{
	return r->method;
}

const char *
dk_path(const struct dk_req *r)
{
	return r->path;
}

unsigned
dk_version(const struct dk_req *r)
{
	return r->version;
}

const char *
dk_arg(const struct dk_req *r, unsigned i)
{
	return i < DK_MAX_ARGS ? r->args[i] : NULL;
}

const char *
dk_header(const struct dk_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *
dk_body(const struct dk_req *r, size_t *len)
{
	size_t n = evbuffer_get_length(r->body);
	/* The buffer holds the body and a NUL after it (see on_message_complete). */
	const char *p = (const char *)evbuffer_pullup(r->body, -1);

	if (len != NULL)
		*len = n > 0 ? n - 1 : 0;
	return p != NULL ? p : "";
}

json_t *
dk_body_json(const struct dk_req *r, bool optional, struct pd_err *err)
{
	size_t len;
	const char *s = dk_body(r, &len);
	json_error_t jerr;
	json_t *j;

	if (len == 0) {
		if (optional)
			return json_null();
		pd_fail(err, PD_E_INVALID, "the request needs a JSON body");
		return NULL;
	}
	j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		pd_fail(err, PD_E_INVALID, "bad JSON body: %s (line %d)", jerr.text, jerr.line);
	return j;
}

/* ---- answers ----------------------------------------------------------- */

static const char *
status_text(int status)
{
	switch (status) {
	case 101:
		return "UPGRADED";
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

void
dk_add_header(struct dk_req *r, const char *name, const char *value)
{
	if (r->answer != DK_UNANSWERED)
		return;
	/* A value from elsewhere must not end the header early. */
	if (strpbrk(value, "\r\n") != NULL)
		return;
	evbuffer_add_printf(r->out_headers, "%s: %s\r\n", name, value);
}

/* The status line and the headers of @r's answer into the connection. */
static void
write_head(struct dk_req *r, int status, const char *content_type, const char *framing)
{
	struct evbuffer *out = bufferevent_get_output(r->conn->bev);

	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n", status, status_text(status));
	evbuffer_add_printf(out, "Api-Version: " DK_API_VERSION "\r\nServer: podd/" PD_VERSION
				 " (linux)\r\nOstype: linux\r\nDocker-Experimental: false\r\n");
	if (content_type != NULL)
		evbuffer_add_printf(out, "Content-Type: %s\r\n", content_type);
	evbuffer_add_buffer(out, r->out_headers);
	if (framing != NULL)
		evbuffer_add_printf(out, "%s\r\n", framing);
	if (r->conn->close_after)
		evbuffer_add_printf(out, "Connection: close\r\n");
	evbuffer_add(out, "\r\n", 2);
}

/* @r is answered: free it and go on with its connection, if any. The
 * connection reads its next request, or closes, from the loop (deferred
 * callbacks): a handler may answer from deep in conn_read. */
static void
finish(struct dk_req *r)
{
	struct dk_conn *conn = r->conn;

	r->answer = DK_ANSWERED;
	if (conn == NULL) {
		req_free(r);
		return;
	}
	/* A streamed body not all written to its fd: the rest of it is
	 * still coming, and only closing the connection skips it. */
	if (!r->body_done)
		conn->close_after = true;
	conn->req = NULL;
	conn->in_handler = false;
	req_free(r);
	if (conn->close_after) {
		bufferevent_disable(conn->bev, EV_READ);
		bufferevent_trigger(conn->bev, EV_WRITE,
				    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
		return;
	}
	arm_idle(conn);
	evtimer_del(conn->deadline);
	bufferevent_trigger(conn->bev, EV_READ,
			    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

void
dk_reply_data(struct dk_req *r, int status, const char *content_type, const void *data, size_t len)
{
	char framing[64];

	if (r->answer != DK_UNANSWERED)
		return;
	if (r->conn != NULL) {
		bool no_body = status == 204 || status == 304;

		(void)snprintf(framing, sizeof(framing), "Content-Length: %zu", no_body ? 0 : len);
		write_head(r, status, no_body ? NULL : content_type, no_body ? NULL : framing);
		if (!no_body && strcmp(r->method, "HEAD") != 0 && len > 0)
			evbuffer_add(bufferevent_get_output(r->conn->bev), data, len);
	}
	finish(r);
}

void
dk_reply_json(struct dk_req *r, int status, const json_t *j)
{
	cleanup_free char *s = pd_json_dump(j);
	size_t n = strlen(s);

	/* The Engine ends its JSON answers with a newline. */
	s = xrealloc(s, n + 2);
	memcpy(s + n, "\n", 2);
	dk_reply_data(r, status, "application/json", s, n + 1);
}

void
dk_reply_empty(struct dk_req *r, int status)
{
	dk_reply_data(r, status, NULL, NULL, 0);
}

void
dk_reply_error(struct dk_req *r, int status, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	cleanup_json json_t *j = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	log_debug("docker %s %s: %d %s", r->method, r->url != NULL ? r->url : "", status, msg);
	j = json_pack("{s:s}", "message", msg);
	dk_reply_json(r, status, j);
}

int
dk_err_status(const struct pd_err *err)
{
	switch (err->kind) {
	case PD_E_NOT_FOUND:
		return 404;
	case PD_E_CONFLICT:
		return 409;
	case PD_E_INVALID:
	case PD_E_TOO_LARGE:
		return 400;
	case PD_E_FORBIDDEN:
		return 403;
	case PD_E_UNAVAILABLE:
		return 503;
	default:
		return 500;
	}
}

void
dk_reply_err(struct dk_req *r, const struct pd_err *err)
{
	char msg[PD_ERR_MSG_MAX];
	char *p;

	/* The docker CLI exits 126 for a start error that says "permission
	 * denied" (case and all), 127 for "no such file or directory". */
	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	if (err->kind == PD_E_NOT_EXECUTABLE && (p = strstr(msg, "Permission denied")) != NULL)
		*p = 'p';
	dk_reply_error(r, dk_err_status(err), "%s", msg);
}

/* ---- streams ------------------------------------------------------------ */

void
dk_stream_start(struct dk_req *r, int status, const char *content_type)
{
	if (r->answer != DK_UNANSWERED)
		return;
	r->answer = DK_STREAMING;
	if (r->conn != NULL)
		write_head(r, status, content_type, "Transfer-Encoding: chunked");
}

void
dk_stream_write(struct dk_req *r, const void *data, size_t len)
{
	struct evbuffer *out;

	if (r->answer != DK_STREAMING || r->conn == NULL || len == 0 ||
	    strcmp(r->method, "HEAD") == 0)
		return;
	out = bufferevent_get_output(r->conn->bev);
	evbuffer_add_printf(out, "%zx\r\n", len);
	evbuffer_add(out, data, len);
	evbuffer_add(out, "\r\n", 2);
}

void
dk_stream_json(struct dk_req *r, const json_t *j)
{
	cleanup_free char *s = pd_json_dump(j);
	size_t n = strlen(s);

	s = xrealloc(s, n + 2);
	memcpy(s + n, "\n", 2);
	dk_stream_write(r, s, n + 1);
}

void
dk_frame_add(struct evbuffer *out, enum dk_stream_kind kind, const void *data, size_t len)
{
	unsigned char h[8] = {(unsigned char)kind, 0, 0, 0};

	h[4] = (unsigned char)(len >> 24);
	h[5] = (unsigned char)(len >> 16);
	h[6] = (unsigned char)(len >> 8);
	h[7] = (unsigned char)len;
	evbuffer_add(out, h, sizeof(h));
	evbuffer_add(out, data, len);
}

size_t
dk_stream_unsent(const struct dk_req *r)
{
	if (r->conn == NULL)
		return 0;
	return evbuffer_get_length(bufferevent_get_output(r->conn->bev));
}

void
dk_on_drained(struct dk_req *r, size_t low, dk_drained_fn *fn, void *arg)
{
	r->drained_fn = fn;
	r->drained_arg = arg;
	r->drained_low = low;
}

void
dk_stream_end(struct dk_req *r)
{
	if (r->answer == DK_ANSWERED)
		return;
	if (r->answer == DK_UNANSWERED) {
		dk_reply_empty(r, 200);
		return;
	}
	if (r->conn != NULL && strcmp(r->method, "HEAD") != 0)
		evbuffer_add(bufferevent_get_output(r->conn->bev), "0\r\n\r\n", 5);
	finish(r);
}

/* dk_stream_fd: read @r->src_fd while the client keeps up. */
static void
src_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct dk_req *r = arg;
	char buf[65536];
	ssize_t n;

	(void)what;
	if (r->conn != NULL && dk_stream_unsent(r) > DK_STREAM_AHEAD) {
		/* The client is slow: wait for it (conn_on_write resumes). */
		event_del(r->src_ev);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		dk_stream_write(r, buf, (size_t)n);
		return;
	}
	event_free(r->src_ev);
	r->src_ev = NULL;
	close(r->src_fd);
	r->src_fd = -1;
	r->src_done(r, r->src_arg);
}

void
dk_stream_fd(struct dk_req *r, int fd, dk_done_fn *done, void *arg)
{
	struct pd_err err = {0};

	/* A pipe from podd's own pipe2: only a broken fd fails, and the
	 * event loop then reads or writes it as any other. */
	if (pd_fd_set_nonblock(fd, &err) < 0)
		log_warn("%s", err.msg);
	r->src_fd = fd;
	r->src_done = done;
	r->src_arg = arg;
	r->src_ev = event_new(r->d->base, fd, EV_READ | EV_PERSIST, src_on_read, r);
	if (r->src_ev == NULL)
		abort();
	event_add(r->src_ev, NULL);
}

/* ---- the client leaving ---------------------------------------------------- */

void
dk_on_gone(struct dk_req *r, dk_gone_fn *fn, void *arg)
{
	r->gone_fn = fn;
	r->gone_arg = arg;
}

bool
dk_gone(const struct dk_req *r)
{
	return r->conn == NULL;
}

/* ---- streamed request bodies -------------------------------------------- */

static void body_flush(struct dk_req *r);

static void
body_on_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	body_flush(arg);
}

/* The body's end (all written, or @err): close the fd, tell the handler. */
static void
body_end(struct dk_req *r, const struct pd_err *err)
{
	dk_body_done_fn *fn = r->body_done_fn;

	if (r->body_ev != NULL)
		event_free(r->body_ev);
	r->body_ev = NULL;
	close(r->body_fd);
	r->body_fd = -1;
	r->body_done_fn = NULL;
	if (fn != NULL)
		fn(r, r->body_done_arg, err);
}

/* Write what has been read of the body to its fd. */
static void
body_flush(struct dk_req *r)
{
	struct pd_err err = {0};

	while (evbuffer_get_length(r->body) > 0) {
		int n = evbuffer_write(r->body, r->body_fd);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			event_add(r->body_ev, NULL);
			return;
		}
		if (n <= 0) {
			pd_fail_errno(&err, errno, "writing the request's body");
			if (r->conn != NULL)
				r->conn->close_after = true;
			body_end(r, &err);
			return;
		}
	}
	if (r->body_done) {
		body_end(r, NULL);
		return;
	}
	/* Room again: read more of the body. */
	if (r->conn != NULL)
		bufferevent_enable(r->conn->bev, EV_READ);
}

void
dk_body_to_fd(struct dk_req *r, int fd, dk_body_done_fn *done, void *arg)
{
	struct pd_err err = {0};

	/* A pipe from podd's own pipe2: only a broken fd fails, and the
	 * event loop then reads or writes it as any other. */
	if (pd_fd_set_nonblock(fd, &err) < 0)
		log_warn("%s", err.msg);
	r->body_fd = fd;
	r->body_done_fn = done;
	r->body_done_arg = arg;
	r->body_ev = event_new(r->d->base, fd, EV_WRITE, body_on_writable, r);
	if (r->body_ev == NULL)
		abort();
	if (r->conn != NULL && r->conn->paused) {
		/* The parser stopped at the headers: read the body, from the loop. */
		r->conn->paused = false;
		http_parser_pause(&r->conn->parser, 0);
		bufferevent_enable(r->conn->bev, EV_READ);
		bufferevent_trigger(r->conn->bev, EV_READ,
				    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	}
}

/* ---- hijack ---------------------------------------------------------------- */

struct bufferevent *
dk_hijack(struct dk_req *r, const char *content_type)
{
	struct dk_conn *conn = r->conn;
	struct bufferevent *bev;

	if (conn == NULL) {
		dk_reply_error(r, 500, "the client has left");
		return NULL;
	}
	if (r->upgrade) {
		dk_add_header(r, "Connection", "Upgrade");
		dk_add_header(r, "Upgrade", "tcp");
	}
	write_head(r, r->upgrade ? 101 : 200, content_type, NULL);
	bev = conn->bev;
	conn->bev = NULL;
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	bufferevent_set_timeouts(bev, NULL, NULL);
	conn->req = NULL;
	r->conn = NULL;
	r->answer = DK_ANSWERED;
	req_free(r);
	conn_free(conn);
	return bev;
}

/* ---- podd's model ---------------------------------------------------------- */

struct dk_call {
	struct dk_req *r;
	dk_after_fn *after;
	dk_line_fn *line;
	void *arg;
};

static void
call_done(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	struct dk_call *call = arg;
	struct dk_req *r = call->r;

	if (err != NULL)
		dk_reply_err(r, err);
	else if (status >= 400)
		dk_reply_error(r, status, "%s",
			       json_string_value(json_object_get(j, PD_F_MESSAGE)) != NULL
				   ? json_string_value(json_object_get(j, PD_F_MESSAGE))
				   : "the operation failed");
	else if (call->after != NULL)
		call->after(r, j, call->arg);
	else
		dk_reply_empty(r, 204);
	free(call);
}

static void
call_line(void *arg, const json_t *j)
{
	struct dk_call *call = arg;

	if (call->line != NULL)
		call->line(call->r, j, call->arg);
}

static const struct http_pending_sink dk_sink = {.done = call_done, .line = call_line};

struct http_pending *
dk_pending(struct dk_req *r, dk_after_fn *after, dk_line_fn *line, void *arg)
{
	struct dk_call *call = xcalloc(1, sizeof(*call));

	call->r = r;
	call->after = after;
	call->line = line;
	call->arg = arg;
	return http_pending_new_sink(&dk_sink, call);
}

/* ---- reading requests -------------------------------------------------------- */

static struct dk_conn *
parser_conn(struct http_parser *p)
{
	return p->data;
}

static int
on_message_begin(struct http_parser *p)
{
	struct dk_conn *conn = parser_conn(p);

	req_free(conn->req);
	conn->req = req_new(conn);
	conn->header_value_last = false;
	return 0;
}

static int
on_url(struct http_parser *p, const char *at, size_t len)
{
	struct dk_req *r = parser_conn(p)->req;
	size_t old = r->url != NULL ? strlen(r->url) : 0;

	if (old + len > 8192) {
		parser_conn(p)->too_big = true;
		return -1;
	}
	r->url = xrealloc(r->url, old + len + 1);
	memcpy(r->url + old, at, len);
	r->url[old + len] = '\0';
	return 0;
}

/* Append @len bytes at @at to the string @s (owned). */
static char *
append(char *s, const char *at, size_t len)
{
	size_t old = s != NULL ? strlen(s) : 0;

	s = xrealloc(s, old + len + 1);
	memcpy(s + old, at, len);
	s[old + len] = '\0';
	return s;
}

static int
on_header_field(struct http_parser *p, const char *at, size_t len)
{
	struct dk_conn *conn = parser_conn(p);
	struct dk_req *r = conn->req;

	if (conn->header_value_last || r->n_headers == 0) {
		if (r->n_headers == DK_MAX_HEADERS) {
			conn->too_big = true;
			return -1;
		}
		r->n_headers++;
		conn->header_value_last = false;
	}
	r->headers[r->n_headers - 1].name = append(r->headers[r->n_headers - 1].name, at, len);
	return 0;
}

static int
on_header_value(struct http_parser *p, const char *at, size_t len)
{
	struct dk_conn *conn = parser_conn(p);
	struct dk_req *r = conn->req;

	if (r->n_headers == 0)
		return -1;
	conn->header_value_last = true;
	r->headers[r->n_headers - 1].value = append(r->headers[r->n_headers - 1].value, at, len);
	return 0;
}

static int
on_headers_complete(struct http_parser *p)
{
	struct dk_conn *conn = parser_conn(p);
	struct dk_req *r = conn->req;

	for (size_t i = 0; i < r->n_headers; i++)
		if (r->headers[i].value == NULL)
			r->headers[i].value = xstrdup("");
	(void)snprintf(r->method, sizeof(r->method), "%s", http_method_str(p->method));
	r->keep_alive = http_should_keep_alive(p) != 0;
	r->upgrade = p->upgrade != 0;
	if (r->url == NULL)
		r->url = xstrdup("/");
	/* A route that takes its body as it comes runs now (conn_read). */
	conn->paused = true;
	http_parser_pause(p, 1);
	return 0;
}

static int
on_body(struct http_parser *p, const char *at, size_t len)
{
	struct dk_conn *conn = parser_conn(p);
	struct dk_req *r = conn->req;

	if (r->body_fd < 0 && evbuffer_get_length(r->body) + len > DK_MAX_BODY) {
		conn->too_big = true;
		return -1;
	}
	evbuffer_add(r->body, at, len);
	return 0;
}

static int
on_message_complete(struct http_parser *p)
{
	struct dk_conn *conn = parser_conn(p);
	struct dk_req *r = conn->req;

	r->body_done = true;
	if (r->body_fd < 0)
		evbuffer_add(r->body, "", 1); /* dk_body's NUL */
	conn->paused = true;
	http_parser_pause(p, 1);
	return 0;
}

static const struct http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* Split @r's URL into version, path and query. False: 400 answered. */
static bool
split_url(struct dk_req *r)
{
	const char *u = r->url;
	const char *q = strchr(u, '?');
	size_t n = q != NULL ? (size_t)(q - u) : strlen(u);
	unsigned major = 0, minor = 0;
	int used = 0;

	r->version = DK_API_VERSION_NUM;
	if (n >= 3 && u[0] == '/' && u[1] == 'v' &&
	    sscanf(u + 2, "%u.%u%n", &major, &minor, &used) == 2 &&
	    (u[2 + used] == '/' || u + 2 + used == u + n)) {
		unsigned v = major * 100 + minor;

		if (v > DK_API_VERSION_NUM) {
			dk_reply_error(r, 400,
				       "client version %u.%u is too new. Maximum supported API "
				       "version is " DK_API_VERSION,
				       major, minor);
			return false;
		}
		if (v < 124) {
			dk_reply_error(r, 400,
				       "client version %u.%u is too old. Minimum supported API "
				       "version is " DK_API_MIN_VERSION
				       ", please upgrade your client to a newer version",
				       major, minor);
			return false;
		}
		r->version = v;
		u += 2 + used;
		n -= 2 + (size_t)used;
	}
	r->path = n > 0 ? xstrndup(u, n) : xstrdup("/");
	r->query = q != NULL ? xstrdup(q + 1) : NULL;
	return true;
}

/* The connection is idle, or reading a request: bound it. */
static void
arm_idle(struct dk_conn *conn)
{
	struct timeval tv = {.tv_sec = conn->srv->d->cfg.http.idle_timeout_s};

	bufferevent_set_timeouts(conn->bev, &tv, NULL);
}

/* Hand a request whose headers (and, unless its route streams its body,
 * whole body) are in to its handler. */
static void
dispatch(struct dk_conn *conn)
{
	struct dk_req *r = conn->req;

	conn->in_handler = true;
	bufferevent_set_timeouts(conn->bev, NULL, NULL);
	evtimer_del(conn->deadline);
	if (!r->keep_alive)
		conn->close_after = true;
	dk_dispatch(r);
}

/* Parse what is in the input, up to one request; hand it on. */
static void
conn_read(struct dk_conn *conn)
{
	struct evbuffer *in = bufferevent_get_input(conn->bev);

	for (;;) {
		size_t len = evbuffer_get_length(in);
		struct dk_req *r;
		const char *data;
		size_t used;

		if (conn->in_handler && conn->req != NULL && conn->req->body_fd < 0)
			return; /* a request is being answered: the next waits */
		if (conn->req != NULL && conn->req->body_fd >= 0 &&
		    evbuffer_get_length(conn->req->body) > DK_STREAM_AHEAD) {
			bufferevent_disable(conn->bev, EV_READ); /* body_flush resumes */
			return;
		}
		if (len == 0)
			return;
		data = (const char *)evbuffer_pullup(in, (ssize_t)len);
		used = http_parser_execute(&conn->parser, &settings, data, len);
		evbuffer_drain(in, used);
		if (HTTP_PARSER_ERRNO(&conn->parser) != HPE_OK &&
		    HTTP_PARSER_ERRNO(&conn->parser) != HPE_PAUSED) {
			r = conn->req != NULL ? conn->req : req_new(conn);
			conn->req = r;
			conn->close_after = true;
			conn->in_handler = true;
			r->body_done = true;
			if (conn->too_big)
				dk_reply_error(r, 413, "the request is too large");
			else
				dk_reply_error(
				    r, 400, "bad HTTP request: %s",
				    http_errno_description(HTTP_PARSER_ERRNO(&conn->parser)));
			return;
		}
		r = conn->req;
		if (r != NULL && r->body_fd >= 0) {
			/* a streamed body: on to its fd (body_flush may end it) */
			if (conn->paused) {
				conn->paused = false;
				http_parser_pause(&conn->parser, 0);
			}
			body_flush(r);
			if (conn->req == NULL || conn->req->body_fd < 0)
				return;
			continue;
		}
		if (!conn->paused) {
			if (used == 0)
				return;
			continue;
		}
		conn->paused = false;
		http_parser_pause(&conn->parser, 0);
		if (r == NULL)
			return; /* paused only ever with a request */
		if (!conn->in_handler && !r->body_done) {
			/* The headers are in. */
			conn->in_handler = true; /* an answer from split_url ends it */
			if (!split_url(r))
				return;
			conn->in_handler = false;
			if (r->upgrade || !dk_route_streams_body(r))
				continue;    /* read the body whole first */
			conn->paused = true; /* until dk_body_to_fd */
			http_parser_pause(&conn->parser, 1);
			dispatch(conn);
			return;
		}
		if (r->body_done && !conn->in_handler) {
			dispatch(conn);
			return;
		}
	}
}

static void
conn_on_read(struct bufferevent *bev, void *arg)
{
	struct dk_conn *conn = arg;

	if (!conn->in_handler) {
		struct timeval tv = {.tv_sec = conn->srv->d->cfg.http.read_timeout_s};

		arm_idle(conn);
		if (evbuffer_get_length(bufferevent_get_input(bev)) > 0 &&
		    !evtimer_pending(conn->deadline, NULL))
			evtimer_add(conn->deadline, &tv);
	}
	conn_read(conn);
}

static void
conn_on_write(struct bufferevent *bev, void *arg)
{
	struct dk_conn *conn = arg;
	struct dk_req *r = conn->req;

	(void)bev;
	if (r == NULL) {
		if (conn->close_after &&
		    evbuffer_get_length(bufferevent_get_output(conn->bev)) == 0)
			conn_free(conn);
		return;
	}
	if (r->src_ev != NULL && dk_stream_unsent(r) <= DK_STREAM_AHEAD / 2)
		event_add(r->src_ev, NULL);
	if (r->drained_fn != NULL && dk_stream_unsent(r) <= r->drained_low) {
		dk_drained_fn *fn = r->drained_fn;

		r->drained_fn = NULL;
		fn(r->drained_arg);
	}
}

/* The client left (or the connection failed, or timed out idle). */
static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct dk_conn *conn = arg;
	struct dk_req *r = conn->req;

	(void)bev;
	if ((what & BEV_EVENT_EOF) && !conn->in_handler) {
		/* The client is done sending: answer what it sent, then close. */
		conn->close_after = true;
		bufferevent_disable(conn->bev, EV_READ);
		for (;;) {
			size_t before = evbuffer_get_length(bufferevent_get_input(conn->bev));

			conn_read(conn);
			if (conn->in_handler)
				return; /* finish closes the connection after the answer */
			if (evbuffer_get_length(bufferevent_get_input(conn->bev)) == before)
				break;
		}
		if (conn->req != NULL) {
			/* half a request: nothing to answer */
			req_free(conn->req);
			conn->req = NULL;
		}
		bufferevent_trigger(conn->bev, EV_WRITE,
				    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
		return;
	}
	if (r != NULL && conn->in_handler) {
		/* The handler keeps the request; its answer frees it. */
		conn->req = NULL;
		r->conn = NULL;
		if (r->body_fd >= 0 && !r->body_done) {
			struct pd_err err = {0};

			pd_fail(&err, PD_E_INVALID, "the client left before the end of its body");
			body_end(r, &err);
		}
		if (r->gone_fn != NULL)
			r->gone_fn(r->gone_arg);
	}
	conn_free(conn);
}

/* Free @conn, out of its server's list already. */
static void
conn_release(struct dk_conn *conn)
{
	if (conn->req != NULL) {
		conn->req->conn = NULL;
		if (!conn->in_handler)
			req_free(conn->req);
	}
	if (conn->bev != NULL)
		bufferevent_free(conn->bev);
	event_free(conn->deadline);
	free(conn);
}

static void
conn_free(struct dk_conn *conn)
{
	TAILQ_REMOVE(&conn->srv->conns, conn, entry);
	conn->srv->n_conns--;
	conn_release(conn);
}

/* A request did not come in whole in time. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct dk_conn *conn = arg;

	(void)fd;
	(void)what;
	if (!conn->in_handler)
		conn_free(conn);
}

static void
on_accept(struct evconnlistener *lst, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	struct dk_server *srv = arg;
	struct dk_conn *conn;

	(void)lst;
	(void)sa;
	(void)salen;
	if (srv->n_conns >= srv->d->cfg.http.max_clients) {
		log_warn("docker socket: %zu clients already, one more refused", srv->n_conns);
		close(fd);
		return;
	}
	conn = xcalloc(1, sizeof(*conn));
	conn->srv = srv;
	conn->bev = bufferevent_socket_new(srv->d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (conn->bev == NULL)
		abort();
	conn->deadline = evtimer_new(srv->d->base, on_deadline, conn);
	if (conn->deadline == NULL)
		abort();
	http_parser_init(&conn->parser, HTTP_REQUEST);
	conn->parser.data = conn;
	TAILQ_INSERT_TAIL(&srv->conns, conn, entry);
	srv->n_conns++;
	bufferevent_setcb(conn->bev, conn_on_read, conn_on_write, conn_event, conn);
	arm_idle(conn);
	bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
}

static void
on_accept_error(struct evconnlistener *lst, void *arg)
{
	(void)lst;
	(void)arg;
	log_warn("docker socket: accept: %s", strerror(errno));
}

int
dk_server_start(struct podd *d, struct pd_err *err)
{
	struct dk_server *srv;
	int fd;

	if (d->cfg.docker_socket == NULL)
		return 0;
	fd = http_listen_unix(d, d->cfg.docker_socket, err);
	if (fd < 0)
		return -1;
	srv = xcalloc(1, sizeof(*srv));
	srv->d = d;
	TAILQ_INIT(&srv->conns);
	srv->lst = evconnlistener_new(d->base, on_accept, srv,
				      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (srv->lst == NULL) {
		close(fd);
		unlink(d->cfg.docker_socket);
		free(srv);
		return pd_fail(err, PD_E_SYSTEM, "evconnlistener_new failed");
	}
	evconnlistener_set_error_cb(srv->lst, on_accept_error);
	d->dk = srv;
	return 0;
}

void
dk_server_stop(struct podd *d)
{
	struct dk_server *srv = d->dk;

	if (srv == NULL)
		return;
	evconnlistener_free(srv->lst);
	dk_streams_teardown(); /* issue 15, dkstream: bridges and exec instances */
	/* Requests still held by handlers are freed by their answers, which
	 * podd's own shutdown gives (their operations end). */
	struct dk_conn *conn;

	while ((conn = TAILQ_FIRST(&srv->conns)) != NULL) {
		TAILQ_REMOVE(&srv->conns, conn, entry);
		if (conn->req != NULL && conn->in_handler) {
			conn->req->conn = NULL;
			conn->req = NULL;
		}
		conn_release(conn);
	}
	unlink(d->cfg.docker_socket);
	free(srv);
	d->dk = NULL;
}
