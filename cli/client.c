/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP client of client.h. libevent 2.1's evhttp client cannot connect to
 * a unix socket and libcurl costs milliseconds of start-up, so the request is
 * formatted here, written through a bufferevent, and the reply is fed to
 * http-parser as it arrives. A connection is an object on a base: the
 * synchronous calls make a base for one request (podctl makes a handful per
 * run, and a base costs microseconds), `podctl run` puts several on one.
 */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <http_parser.h>

#include "api.h"
#include "cleanup.h"
#include "fd.h"
#include "json.h"
#include "xalloc.h"

/* The longest Content-Type value kept; podd sends "application/json". */
#define CONTENT_TYPE_MAX 256

/* One request in flight: what the parser and bufferevent callbacks need. */
struct client_conn {
	struct client_request
	    req; /* a copy; only on_body, on_headers and arg are used after the start */
	struct client_reply *reply; /* borrowed: filled as the reply arrives */
	struct bufferevent *bev;
	char *socket_path; /* for messages */
	client_done_fn *done;
	void *done_arg; /* borrowed */
	struct http_parser parser;
	char field[16]; /* the header name being read, if short enough to matter */
	size_t field_len;
	bool field_long;      /* the name did not fit: not one we look for */
	bool in_value;        /* the last callback was a header value */
	bool in_content_type; /* the value being read is Content-Type's */
	size_t body_cap;      /* bytes allocated for reply->body */
	bool complete;        /* the whole reply has been parsed */
	bool failed;          /* err is filled; stop */
	struct pd_err err;
};

static void
free_base(struct event_base **base)
{
	if (*base != NULL)
		event_base_free(*base);
}

#define cleanup_base __attribute__((cleanup(free_base)))

const char *
client_socket_path(const char *flag)
{
	const char *env = getenv(PD_SOCKET_ENV);

	if (flag != NULL)
		return flag;
	if (env != NULL && env[0] != '\0')
		return env;
	return PD_DEFAULT_SOCKET;
}

static int
connect_error(const char *path, int errnum, struct pd_err *err)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
	case ECONNREFUSED:
		pd_fail(err, PD_E_UNAVAILABLE, "cannot connect to podd at %s: %s (%s)", path,
			strerror(errnum), "is podd running? start it with: sudo podd");
		break;
	case EACCES:
	case EPERM:
		pd_fail(err, PD_E_FORBIDDEN,
			"permission denied on %s: podd's socket is for root and podd's group "
			"('%s' unless podd --group says otherwise)",
			path, PD_SOCKET_GROUP);
		break;
	default:
		return pd_fail_errno(err, errnum, "cannot connect to podd at %s", path);
	}
	err->errnum = errnum;
	return -1;
}

/* A connected, non-blocking socket to @path. The connect itself blocks: on a
 * unix socket it completes at once, or waits only while podd's backlog is
 * full, and its errno is exactly what the user needs to be told. */
static int
connect_unix(const char *path, struct pd_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(sa.sun_path))
		return pd_fail(err, PD_E_INVALID, "socket path \"%.64s\" is %s", path,
			       len == 0 ? "empty" : "too long for a unix socket");
	memcpy(sa.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pd_fail_errno(err, errno, "socket");
	while (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		if (errno != EINTR)
			return connect_error(path, errno, err);
	if (pd_fd_set_nonblock(fd, err) < 0)
		return -1;
	return steal_fd(fd);
}

/* ---- http-parser callbacks ------------------------------------------- */

static int
on_header_field(struct http_parser *p, const char *at, size_t len)
{
	struct client_conn *c = p->data;

	if (c->in_value) {
		c->field_len = 0;
		c->field_long = false;
		c->in_value = false;
	}
	if (c->field_len + len > sizeof(c->field)) {
		c->field_long = true;
		return 0;
	}
	memcpy(c->field + c->field_len, at, len);
	c->field_len += len;
	return 0;
}

static int
on_header_value(struct http_parser *p, const char *at, size_t len)
{
	static const char ct[] = "content-type";
	struct client_conn *c = p->data;
	struct client_reply *r = c->reply;
	size_t have;

	if (!c->in_value) {
		c->in_value = true;
		c->in_content_type = !c->field_long && c->field_len == sizeof(ct) - 1 &&
				     strncasecmp(c->field, ct, sizeof(ct) - 1) == 0;
	}
	if (!c->in_content_type)
		return 0;
	have = r->content_type != NULL ? strlen(r->content_type) : 0;
	if (have + len > CONTENT_TYPE_MAX)
		return 0;
	r->content_type = xrealloc(r->content_type, have + len + 1);
	memcpy(r->content_type + have, at, len);
	r->content_type[have + len] = '\0';
	return 0;
}

static int
on_headers_complete(struct http_parser *p)
{
	struct client_conn *c = p->data;

	c->reply->status = (int)p->status_code;
	if (c->req.on_headers != NULL)
		c->req.on_headers(c->reply->status, c->req.arg);
	return 0;
}

static bool
is_success(int status)
{
	return status >= 200 && status < 300;
}

static int
on_body(struct http_parser *p, const char *at, size_t len)
{
	struct client_conn *c = p->data;
	struct client_reply *r = c->reply;

	if (c->req.on_body != NULL && is_success(r->status)) {
		if (c->req.on_body(at, len, c->req.arg, &c->err) < 0) {
			c->failed = true;
			return -1;
		}
		return 0;
	}
	if (r->body_len + len > CLIENT_MAX_REPLY) {
		pd_fail(&c->err, PD_E_TOO_LARGE, "podd's reply is over the limit of %zu bytes",
			CLIENT_MAX_REPLY);
		c->failed = true;
		return -1;
	}
	if (r->body_len + len + 1 > c->body_cap) {
		size_t cap = c->body_cap ? c->body_cap : 4096;

		while (cap < r->body_len + len + 1)
			cap *= 2;
		r->body = xrealloc(r->body, cap);
		c->body_cap = cap;
	}
	memcpy(r->body + r->body_len, at, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return 0;
}

static int
on_message_complete(struct http_parser *p)
{
	struct client_conn *c = p->data;

	c->complete = true;
	/* Anything after the reply is not ours to parse. */
	http_parser_pause(p, 1);
	return 0;
}

static const struct http_parser_settings parser_settings = {
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- bufferevent callbacks ------------------------------------------- */

/* Give @len bytes of the reply to the parser. */
static void
feed(struct client_conn *c, const char *data, size_t len)
{
	enum http_errno e;

	http_parser_execute(&c->parser, &parser_settings, data, len);
	if (c->complete || c->failed)
		return;
	e = HTTP_PARSER_ERRNO(&c->parser);
	if (e != HPE_OK) {
		pd_fail(&c->err, PD_E_SYSTEM, "podd's reply is not valid HTTP: %s",
			http_errno_description(e));
		c->failed = true;
	}
}

static void
conn_free(struct client_conn *c)
{
	if (c == NULL)
		return;
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	free(c->socket_path);
	free(c);
}

/* The request is over: tell the caller, then let go of everything. */
static void
finish(struct client_conn *c)
{
	int rc = c->failed ? -1 : 0;

	if (rc == 0 && c->reply->body == NULL)
		c->reply->body = xstrdup("");
	c->done(rc, &c->err, c->done_arg);
	conn_free(c);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct client_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;

	while (!c->complete && !c->failed && (len = evbuffer_get_contiguous_space(in)) > 0) {
		feed(c, (const char *)evbuffer_pullup(in, (ev_ssize_t)len), len);
		evbuffer_drain(in, len);
	}
	if (c->complete || c->failed)
		finish(c);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct client_conn *c = arg;
	int e = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (c->complete || c->failed)
		return;
	if (what & BEV_EVENT_EOF) {
		/* A reply without a length ends at EOF; any other is cut. */
		http_parser_execute(&c->parser, &parser_settings, NULL, 0);
		if (!c->complete && !c->failed) {
			pd_fail(&c->err, PD_E_SYSTEM,
				"podd at %s closed the connection before the end of its reply",
				c->socket_path);
			c->failed = true;
		}
	} else if (what & BEV_EVENT_ERROR) {
		/* podd may answer early (413 for a body over its limit) and
		 * close before reading it all; libevent stops writing and the
		 * reply is still there to read. */
		if ((what & BEV_EVENT_WRITING) && (e == EPIPE || e == ECONNRESET))
			return;
		pd_fail_errno(&c->err, e, "connection to podd at %s", c->socket_path);
		c->failed = true;
	}
	if (c->complete || c->failed)
		finish(c);
}

/* ---- requests -------------------------------------------------------- */

/* A base for one connection. poll(2) is enough for one fd; epoll costs an
 * extra fd and two syscalls (measured: no difference in podctl's start-up,
 * so this is about not paying for what one fd does not need). */
struct event_base *
client_base_new(struct pd_err *err)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base = NULL;

	if (cfg != NULL) {
		event_config_avoid_method(cfg, "epoll");
		event_config_avoid_method(cfg, "select");
		event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
		base = event_base_new_with_config(cfg);
		event_config_free(cfg);
	}
	if (base == NULL)
		base = event_base_new();
	if (base == NULL)
		pd_fail(err, PD_E_SYSTEM, "cannot create an event loop");
	return base;
}

static char *
format_head(const struct client_request *req)
{
	return xasprintf(
	    "%s %s HTTP/1.1\r\n"
	    "Host: podd\r\n"
	    "%s%s"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "\r\n",
	    req->method, req->path, req->body != NULL ? "Content-Type: application/json\r\n" : "",
	    req->headers != NULL ? req->headers : "", req->body != NULL ? req->body_len : 0);
}

struct client_conn *
client_start(struct event_base *base, const char *socket_path, const struct client_request *req,
	     struct client_reply *reply, client_done_fn *done, void *arg, struct pd_err *err)
{
	cleanup_free char *head = NULL;
	cleanup_close int fd = -1;
	struct client_conn *c;

	/* The path goes on the request line as it is. */
	if (strpbrk(req->path, " \r\n") != NULL || req->path[0] != '/') {
		pd_fail(err, PD_E_INVALID, "bad request path \"%.64s\"", req->path);
		return NULL;
	}
	fd = connect_unix(socket_path, err);
	if (fd < 0)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		pd_fail(err, PD_E_SYSTEM, "cannot create a bufferevent");
		conn_free(c);
		return NULL;
	}
	(void)steal_fd(fd); /* the bufferevent closes it now */
	c->req = *req;
	c->req.method = c->req.path = c->req.body = c->req.headers =
	    NULL; /* borrowed only until now */
	c->reply = reply;
	c->socket_path = xstrdup(socket_path);
	c->done = done;
	c->done_arg = arg;
	http_parser_init(&c->parser, HTTP_RESPONSE);
	c->parser.data = c;
	head = format_head(req);
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	if (bufferevent_write(c->bev, head, strlen(head)) < 0 ||
	    (req->body != NULL && bufferevent_write(c->bev, req->body, req->body_len) < 0) ||
	    bufferevent_enable(c->bev, EV_READ | EV_WRITE) < 0) {
		pd_fail(err, PD_E_SYSTEM, "cannot queue the request to podd");
		conn_free(c);
		return NULL;
	}
	return c;
}

void
client_cancel(struct client_conn *conn)
{
	conn_free(conn);
}

/* What a synchronous request waits for. */
struct sync_call {
	bool done;
	struct pd_err *err; /* borrowed: the caller's */
};

static void
sync_done(int rc, const struct pd_err *err, void *arg)
{
	struct sync_call *s = arg;

	s->done = true;
	if (rc < 0)
		*s->err = *err;
}

int
client_request(const char *socket_path, const struct client_request *req,
	       struct client_reply *reply, struct pd_err *err)
{
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	cleanup_base struct event_base *base = NULL;
	struct pd_err mine = {0};
	struct sync_call s = {.err = &mine};
	struct client_conn *c;

	base = client_base_new(err);
	if (base == NULL)
		return -1;
	/* A write to a socket podd has closed must be an error, not a
	 * SIGPIPE that ends podctl; the caller's disposition comes back. */
	sigaction(SIGPIPE, &ignore, &old);
	c = client_start(base, socket_path, req, reply, sync_done, &s, err);
	if (c != NULL)
		event_base_dispatch(base);
	sigaction(SIGPIPE, &old, NULL);
	if (c == NULL)
		return -1;
	if (!s.done) {
		/* The loop ended without the reply: libevent failed. */
		client_cancel(c);
		return pd_fail(err, PD_E_SYSTEM, "no reply from podd at %s", socket_path);
	}
	if (mine.kind != 0) {
		*err = mine;
		return -1;
	}
	return 0;
}

void
client_reply_free(struct client_reply *reply)
{
	free(reply->body);
	free(reply->content_type);
	memset(reply, 0, sizeof(*reply));
}

int
client_reply_error(const struct client_reply *reply, struct pd_err *err)
{
	cleanup_json json_t *j = NULL;
	const char *code, *msg, *reason;
	struct pd_err ignored;

	if (reply->body != NULL && reply->body_len > 0)
		j = pd_json_load(reply->body, reply->body_len, CLIENT_MAX_REPLY, &ignored);
	code = json_string_value(json_object_get(j, PD_F_CODE));
	msg = json_string_value(json_object_get(j, PD_F_MESSAGE));
	if (msg != NULL && msg[0] != '\0')
		return pd_fail(err, pd_err_kind_from_code(code), "%s", msg);
	reason = http_status_str((enum http_status)reply->status);
	if (reason[0] == '<') /* "<unknown>" */
		return pd_fail(err, pd_err_kind_from_code(code), "podd answered HTTP %d",
			       reply->status);
	return pd_fail(err, pd_err_kind_from_code(code), "podd answered HTTP %d (%s)",
		       reply->status, reason);
}

json_t *
client_reply_json(const struct client_reply *reply, const char *what, struct pd_err *err)
{
	json_t *j;

	if (!is_success(reply->status)) {
		client_reply_error(reply, err);
		return NULL;
	}
	if (reply->body_len == 0)
		return json_null();
	j = pd_json_load(reply->body, reply->body_len, CLIENT_MAX_REPLY, err);
	if (j == NULL)
		pd_err_prefix(err, "podd's reply to %s", what);
	return j;
}

json_t *
client_call(const char *socket_path, const char *method, const char *path, const json_t *body,
	    struct pd_err *err)
{
	cleanup_reply struct client_reply reply = {0};
	cleanup_free char *text = body != NULL ? pd_json_dump(body) : NULL;
	struct client_request req = {
	    .method = method,
	    .path = path,
	    .body = text,
	    .body_len = text != NULL ? strlen(text) : 0,
	};
	cleanup_free char *what = NULL;

	if (client_request(socket_path, &req, &reply, err) < 0)
		return NULL;
	what = xasprintf("%s %s", method, path);
	return client_reply_json(&reply, what, err);
}

int
client_stream(const char *socket_path, const struct client_request *req, struct pd_err *err)
{
	cleanup_reply struct client_reply reply = {0};

	if (client_request(socket_path, req, &reply, err) < 0)
		return -1;
	if (reply.status < 200 || reply.status >= 300)
		return client_reply_error(&reply, err);
	return 0;
}
