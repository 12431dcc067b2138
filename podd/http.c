/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server: evhttp on a unix socket we create ourselves, a route
 * table, JSON replies, and pending replies. Handlers live in api_*.c; this
 * file knows nothing about pods.
 */
#include "http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "api.h"
#include "events.h"
#include "stats.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "podd.h"
#include "sock_group.h" /* issue 16 */
#include "xalloc.h"

struct route {
	enum evhttp_cmd_type method;
	const char *pattern; /* '*' matches one path segment, handed to the handler */
	http_handler_fn *fn;
};

static const struct route routes[] = {
    {EVHTTP_REQ_GET, PD_PATH_VERSION, api_version},
    {EVHTTP_REQ_GET, PD_PATH_INFO, api_info},
    {EVHTTP_REQ_GET, PD_PATH_SYSTEM_DF, api_system_df},
    {EVHTTP_REQ_GET, PD_PATH_PODS, api_pod_list},
    {EVHTTP_REQ_POST, PD_PATH_PODS, api_pod_create},
    {EVHTTP_REQ_GET, PD_PATH_PODS "/*", api_pod_get},
    {EVHTTP_REQ_DELETE, PD_PATH_PODS "/*", api_pod_remove},
    {EVHTTP_REQ_POST, PD_PATH_PODS "/*/" PD_ACTION_START, api_pod_start},
    {EVHTTP_REQ_POST, PD_PATH_PODS "/*/" PD_ACTION_STOP, api_pod_stop},
    {EVHTTP_REQ_POST, PD_PATH_PODS "/*/" PD_ACTION_PORTS, api_pod_ports_add},
    {EVHTTP_REQ_DELETE, PD_PATH_PODS "/*/" PD_ACTION_PORTS, api_pod_ports_remove},
    /* registry branch: before any route on one image */
    {EVHTTP_REQ_POST, PD_PATH_IMAGES "/" PD_ACTION_PULL, api_image_pull},
    {EVHTTP_REQ_POST, PD_PATH_IMAGES "/" PD_ACTION_PUSH, api_image_push},
    {EVHTTP_REQ_POST, PD_PATH_REGISTRY_LOGIN, api_registry_login},
    {EVHTTP_REQ_GET, PD_PATH_IMAGES, api_image_list},
    {EVHTTP_REQ_POST, PD_PATH_IMAGES, api_image_import},
    /* The image store (store branch). */
    {EVHTTP_REQ_POST, PD_PATH_IMAGES_LOAD, api_image_load},
    {EVHTTP_REQ_POST, PD_PATH_IMAGES_SAVE, api_image_save},
    {EVHTTP_REQ_POST, PD_PATH_IMAGES_PRUNE, api_image_prune},
    {EVHTTP_REQ_GET, PD_PATH_IMAGES "/*", api_image_get},
    {EVHTTP_REQ_DELETE, PD_PATH_IMAGES "/*", api_image_remove},
    {EVHTTP_REQ_GET, PD_PATH_IMAGES "/*/" PD_ACTION_HISTORY, api_image_history},
    {EVHTTP_REQ_POST, PD_PATH_IMAGES "/*/" PD_ACTION_TAG, api_image_tag},
    {EVHTTP_REQ_GET, PD_PATH_NETWORKS, api_network_list},
    {EVHTTP_REQ_POST, PD_PATH_NETWORKS, api_network_create},
    {EVHTTP_REQ_GET, PD_PATH_NETWORKS "/*", api_network_get},
    {EVHTTP_REQ_DELETE, PD_PATH_NETWORKS "/*", api_network_remove},
    /* issue 14, attach */
    {EVHTTP_REQ_POST, PD_PATH_NETWORKS "/*/" PD_ACTION_CONNECT, api_network_connect},
    {EVHTTP_REQ_POST, PD_PATH_NETWORKS "/*/" PD_ACTION_DISCONNECT, api_network_disconnect},
    {EVHTTP_REQ_GET, PD_PATH_CONTAINERS, api_container_list},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS, api_container_create},
    {EVHTTP_REQ_GET, PD_PATH_CONTAINERS "/*", api_container_get},
    {EVHTTP_REQ_DELETE, PD_PATH_CONTAINERS "/*", api_container_remove},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_START, api_container_start},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_STOP, api_container_stop},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_KILL, api_container_kill},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_RESTART, api_container_restart},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_WAIT, api_container_wait},
    {EVHTTP_REQ_GET, PD_PATH_CONTAINERS "/*/" PD_ACTION_LOGS, api_container_logs},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_EXEC, api_container_exec},
    /* issue 13, observe */
    {EVHTTP_REQ_GET, PD_PATH_CONTAINERS "/*/" PD_ACTION_STATS, api_container_stats},
    {EVHTTP_REQ_GET, PD_PATH_STATS, api_stats},
    {EVHTTP_REQ_GET, PD_PATH_CONTAINERS "/*/" PD_ACTION_TOP, api_container_top},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_PAUSE, api_container_pause},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_UNPAUSE, api_container_unpause},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_UPDATE, api_container_update},
    /* volumes and cp (issue 11, volumes branch) */
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_COPY_TO, api_container_copy_to},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_COPY_OUT, api_container_copy_from},
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_EXPORT, api_container_export},
    {EVHTTP_REQ_GET, PD_PATH_VOLUMES, api_volume_list},
    {EVHTTP_REQ_POST, PD_PATH_VOLUMES, api_volume_create},
    {EVHTTP_REQ_POST, PD_PATH_VOLUMES "/" PD_ACTION_PRUNE, api_volume_prune},
    {EVHTTP_REQ_GET, PD_PATH_VOLUMES "/*", api_volume_get},
    {EVHTTP_REQ_DELETE, PD_PATH_VOLUMES "/*", api_volume_remove},
    /* issue 12, podspec: the event stream */
    {EVHTTP_REQ_GET, PD_PATH_EVENTS, api_events},
    /* issue 16, ux */
    {EVHTTP_REQ_POST, PD_PATH_CONTAINERS "/*/" PD_ACTION_RENAME, api_container_rename},
    {EVHTTP_REQ_GET, PD_PATH_NS, api_ns}, /* issue 16, nsmap */
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* Percent-decode the @n bytes at @src into @dst (room for @dst_len with
 * its NUL). A client encodes a segment that holds '/' or ':' (an image
 * reference "127.0.0.1:5000/team/app:v2" is one segment); a bad escape or
 * an encoded NUL is no segment. */
static bool
segment_decode(const char *src, size_t n, char *dst, size_t dst_len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = src[i];

		if (c == '%') {
			int hi = i + 2 < n ? pd_parse_hex_digit(src[i + 1]) : -1;
			int lo = i + 2 < n ? pd_parse_hex_digit(src[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= dst_len)
			return false;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return o > 0;
}

/* Match @path against @pattern; the '*' segment is percent-decoded into
 * @arg, so handlers see "docker.io/library/busybox:latest" for
 * "docker.io%2Flibrary%2Fbusybox%3Alatest". */
static bool
route_match(const char *pattern, const char *path, char *arg, size_t arg_len)
{
	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0 || !segment_decode(path, n, arg, arg_len))
				return false;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *pattern == '\0' && *path == '\0';
}

void
http_reply_json(struct evhttp_request *req, int status, const json_t *j)
{
	struct evbuffer *buf = evbuffer_new();
	cleanup_free char *s = pd_json_dump(j);

	if (buf == NULL)
		abort();
	evbuffer_add(buf, s, strlen(s));
	evbuffer_add(buf, "\n", 1);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	http_reply_buffer(req, status, buf);
	evbuffer_free(buf);
}

void
http_reply_buffer(struct evhttp_request *req, int status, struct evbuffer *body)
{
	char len[32];

	/* evhttp sends a HEAD reply's body and leaves out its length; a
	 * client then reads the body as the next response. The headers of
	 * the GET, the body's length, and no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		(void)snprintf(len, sizeof(len), "%zu", evbuffer_get_length(body));
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Length", len);
		evhttp_send_reply(req, status, NULL, NULL);
		return;
	}
	evhttp_send_reply(req, status, NULL, body);
}

void
http_reply_error(struct evhttp_request *req, const struct pd_err *err)
{
	const struct pd_err_info *info = pd_err_info(err->kind);
	cleanup_json json_t *j =
	    json_pack("{s:s, s:s}", PD_F_CODE, info->code, PD_F_MESSAGE, err->msg);

	log_debug("%s: %d %s", evhttp_request_get_uri(req), info->http_status, err->msg);
	http_reply_json(req, info->http_status, j);
}

/* When the client goes away first, evhttp detaches the request from its
 * connection and leaves it to us: the reply we send later goes nowhere and
 * frees it (evhttp_send_reply and evhttp_send_reply_end free a request
 * that has no connection). */
struct http_pending {
	struct evhttp_request *req; /* ours until answered (see above); NULL with a sink */
	const struct http_pending_sink *sink; /* or the answer goes there */
	void *sink_arg;
	bool streaming; /* the headers have been sent */
	bool gone;      /* the client has left */
};

static void
on_pending_gone(void *arg)
{
	struct http_pending *p = arg;

	p->gone = true;
}

struct http_pending *
http_pending_new(struct evhttp_request *req)
{
	struct http_pending *p = xcalloc(1, sizeof(*p));

	p->req = req;
	http_conn_on_gone(req, on_pending_gone, p);
	return p;
}

struct http_pending *
http_pending_new_sink(const struct http_pending_sink *sink, void *arg)
{
	struct http_pending *p = xcalloc(1, sizeof(*p));

	p->sink = sink;
	p->sink_arg = arg;
	return p;
}

/* Answer @p through its sink and free it. */
static void
sink_done(struct http_pending *p, int status, const json_t *j, const struct pd_err *err)
{
	const struct http_pending_sink *sink = p->sink;
	void *arg = p->sink_arg;

	free(p);
	sink->done(arg, status, j, err);
}

/* Detach @p from its connection and free it; returns the request, which
 * the caller must answer (an answer to a client that left frees it). */
static struct evhttp_request *
pending_take(struct http_pending *p)
{
	struct evhttp_request *req = p->req;

	if (!p->gone)
		http_conn_on_gone(req, NULL, NULL);
	free(p);
	return req;
}

void
http_pending_start_stream(struct http_pending *p)
{
	if (p->sink != NULL || p->gone || p->streaming)
		return;
	evhttp_add_header(evhttp_request_get_output_headers(p->req), "Content-Type",
			  "application/json");
	evhttp_send_reply_start(p->req, 200, "OK");
	p->streaming = true;
}

void
http_pending_send_json(struct http_pending *p, const json_t *j)
{
	if (p->sink != NULL) {
		if (p->sink->line != NULL)
			p->sink->line(p->sink_arg, j);
		return;
	}
	if (p->gone)
		return;
	http_pending_start_stream(p);
	if (http_conn_unsent(p->req) > HTTP_STREAM_UNSENT_MAX)
		return;
	http_send_json_line(p->req, j);
}

void
http_send_json_line(struct evhttp_request *req, const json_t *j)
{
	struct evbuffer *buf = evbuffer_new();
	cleanup_free char *s = pd_json_dump(j);

	if (buf == NULL)
		abort();
	evbuffer_add(buf, s, strlen(s));
	evbuffer_add(buf, "\n", 1);
	evhttp_send_reply_chunk(req, buf);
	evbuffer_free(buf);
}

/* The end of a streamed reply: @j as its body. */
static void
end_stream(struct evhttp_request *req, const json_t *j)
{
	struct evbuffer *buf = evbuffer_new();
	cleanup_free char *s = pd_json_dump(j);

	if (buf == NULL)
		abort();
	evbuffer_add(buf, s, strlen(s));
	evbuffer_add(buf, "\n", 1);
	evhttp_send_reply_chunk(req, buf);
	evhttp_send_reply_end(req);
	evbuffer_free(buf);
}

void
http_pending_reply_json(struct http_pending *p, int status, const json_t *j)
{
	bool streaming = p->streaming;
	struct evhttp_request *req;

	if (p->sink != NULL) {
		sink_done(p, status, j, NULL);
		return;
	}
	req = pending_take(p);

	if (streaming)
		end_stream(req, j);
	else
		http_reply_json(req, status, j);
}

void
http_pending_reply_error(struct http_pending *p, const struct pd_err *err)
{
	bool streaming = p->streaming;
	struct evhttp_request *req;
	cleanup_json json_t *j = NULL;

	if (p->sink != NULL) {
		sink_done(p, pd_err_info(err->kind)->http_status, NULL, err);
		return;
	}
	req = pending_take(p);

	if (!streaming) {
		http_reply_error(req, err);
		return;
	}
	j = json_pack("{s:s, s:s}", PD_F_CODE, pd_err_info(err->kind)->code, PD_F_MESSAGE,
		      err->msg);
	end_stream(req, j);
}

struct http_query {
	struct evkeyvalq kv;
};

struct http_query *
http_query_parse(struct evhttp_request *req, const char *const *names, struct pd_err *err)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct http_query *q = xcalloc(1, sizeof(*q));
	struct evkeyval *kv;

	TAILQ_INIT(&q->kv);
	if (query != NULL && evhttp_parse_query_str(query, &q->kv) < 0) {
		http_query_free(q);
		pd_fail(err, PD_E_INVALID, "malformed query string");
		return NULL;
	}
	TAILQ_FOREACH (kv, &q->kv, next) {
		bool known = false;

		for (size_t i = 0; names[i] != NULL && !known; i++)
			known = strcmp(kv->key, names[i]) == 0;
		if (!known) {
			pd_fail(err, PD_E_INVALID, "unknown query parameter \"%.64s\"", kv->key);
			http_query_free(q);
			return NULL;
		}
	}
	return q;
}

const char *
http_query_get(const struct http_query *q, const char *name)
{
	return evhttp_find_header(&q->kv, name);
}

void
http_query_free(struct http_query *q)
{
	if (q == NULL)
		return;
	evhttp_clear_headers(&q->kv);
	free(q);
}

int
http_parse_bool(const char *s, const char *name, bool *out, struct pd_err *err)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0) {
		*out = false;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID, "%s must be true or false, not \"%.32s\"", name, s);
}

json_t *
http_body_json(struct evhttp_request *req, struct pd_err *err)
{
	struct evbuffer *buf = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(buf);
	const char *data;

	if (len == 0) {
		pd_fail(err, PD_E_INVALID, "a JSON body is required");
		return NULL;
	}
	if (len > PD_API_MAX_BODY) {
		pd_fail(err, PD_E_TOO_LARGE, "request body of %zu bytes is over the limit of %d",
			len, PD_API_MAX_BODY);
		return NULL;
	}
	data = (const char *)evbuffer_pullup(buf, (ssize_t)len);
	return pd_json_load(data, len, PD_API_MAX_BODY, err);
}

int
http_body_empty(struct evhttp_request *req, struct pd_err *err)
{
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) != 0)
		return pd_fail(err, PD_E_INVALID, "this endpoint takes no request body");
	return 0;
}

struct http_query *
http_action_query(struct evhttp_request *req, const char *const *params)
{
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, params, &err);

	if (q == NULL || http_body_empty(req, &err) < 0) {
		http_query_free(q);
		http_reply_error(req, &err);
		return NULL;
	}
	return q;
}

int
http_timeout_query(struct evhttp_request *req, long long *timeout_s)
{
	static const char *const params[] = {PD_Q_TIMEOUT, NULL};
	struct http_query *q = http_action_query(req, params);
	struct pd_err err = {0};
	const char *t;
	int r = 0;

	if (q == NULL)
		return -1;
	*timeout_s = -1;
	t = http_query_get(q, PD_Q_TIMEOUT);
	if (t != NULL && (r = pd_parse_int(t, 0, PD_STOP_TIMEOUT_MAX_S, timeout_s, &err)) < 0)
		pd_err_prefix(&err, "timeout");
	http_query_free(q);
	if (r < 0)
		http_reply_error(req, &err);
	return r;
}

int
http_bool_query(struct evhttp_request *req, const char *param, bool *value)
{
	const char *const params[] = {param, NULL};
	struct http_query *q = http_action_query(req, params);
	struct pd_err err = {0};
	const char *f;
	int r = 0;

	if (q == NULL)
		return -1;
	*value = false;
	f = http_query_get(q, param);
	if (f != NULL)
		r = http_parse_bool(f, param, value, &err);
	http_query_free(q);
	if (r < 0)
		http_reply_error(req, &err);
	return r;
}

static const char *
method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_PUT:
		return "PUT";
	default:
		return "";
	}
}

/* 405: the methods @path takes go in Allow (HEAD wherever GET is). */
static void
reply_not_allowed(struct evhttp_request *req, const char *path, unsigned allowed)
{
	static const enum evhttp_cmd_type order[] = {EVHTTP_REQ_GET, EVHTTP_REQ_POST,
						     EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE};
	cleanup_json json_t *j = NULL;
	char allow[64] = "";
	struct pd_err err = {0};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(allowed & order[i]))
			continue;
		if (allow[0] != '\0')
			strncat(allow, ", ", sizeof(allow) - strlen(allow) - 1);
		strncat(allow, method_name(order[i]), sizeof(allow) - strlen(allow) - 1);
		if (order[i] == EVHTTP_REQ_GET)
			strncat(allow, ", HEAD", sizeof(allow) - strlen(allow) - 1);
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
	pd_fail(&err, PD_E_INVALID, "method not allowed on %.128s (allowed: %s)", path, allow);
	j = json_pack("{s:s, s:s}", PD_F_CODE, "method_not_allowed", PD_F_MESSAGE, err.msg);
	http_reply_json(req, 405, j);
}

/* Find @path's handler for @method; the methods the path takes go to
 * *allowed when none matches. */
static const struct route *
route_find(const char *path, enum evhttp_cmd_type method, char *seg, size_t seg_len,
	   unsigned *allowed)
{
	/* HEAD is a GET whose body is not sent (http_reply_buffer). */
	enum evhttp_cmd_type want = method == EVHTTP_REQ_HEAD ? EVHTTP_REQ_GET : method;

	*allowed = 0;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!route_match(routes[i].pattern, path, seg, seg_len))
			continue;
		if (routes[i].method == want)
			return &routes[i];
		*allowed |= (unsigned)routes[i].method;
	}
	return NULL;
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct podd *d = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	const struct route *r;
	char seg[1024];
	unsigned allowed;
	struct pd_err err = {0};

	if (path == NULL)
		path = "";
	http_conn_begin(req);
	r = route_find(path, evhttp_request_get_command(req), seg, sizeof(seg), &allowed);
	if (d->shutting_down) {
		pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
		http_reply_error(req, &err);
	} else if (r != NULL) {
		r->fn(d, req, strchr(r->pattern, '*') ? seg : NULL);
	} else if (allowed != 0) {
		reply_not_allowed(req, path, allowed);
	} else {
		pd_fail(&err, PD_E_NOT_FOUND, "no such API path: %.128s", path);
		http_reply_error(req, &err);
	}
	http_conn_handled(req);
}

int
http_listen_unix(const struct podd *d, const char *path, struct pd_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;
	mode_t old;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return pd_fail(err, PD_E_INVALID, "socket path is over %zu bytes: %s",
			       sizeof(sa.sun_path) - 1, path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return pd_fail_errno(err, errno, "socket");
	/* The state dir lock is held, so a socket left here is stale. */
	if (unlink(path) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "remove stale socket %s", path);
	old = umask(0117);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return pd_fail_errno(err, errno, "bind %s", path);
	/* issue 16: root's and podd's group's (sock_group.h) */
	if (sock_group_give(d, path, 0660, err) < 0) {
		unlink(path);
		return -1;
	}
	if (listen(fd, 128) < 0) {
		r = errno;
		unlink(path);
		return pd_fail_errno(err, r, "listen on %s", path);
	}
	return steal_fd(fd);
}

int
http_start(struct podd *d, struct pd_err *err)
{
	struct evconnlistener *lst;
	int fd = http_listen_unix(d, d->cfg.socket_path, err);

	if (fd < 0)
		return -1;
	d->http = evhttp_new(d->base);
	if (d->http == NULL) {
		close(fd);
		unlink(d->cfg.socket_path);
		return pd_fail(err, PD_E_SYSTEM, "evhttp_new failed");
	}
	evhttp_set_max_body_size(d->http, PD_API_MAX_BODY);
	evhttp_set_max_headers_size(d->http, PD_API_MAX_HEADERS);
	/* No evhttp timeout: http_conn.c times idle and reading clients and
	 * never a reply that waits for an event. */
	evhttp_set_timeout_tv(d->http, NULL);
	/* Every method reaches on_request, which answers 405 with Allow. */
	evhttp_set_allowed_methods(d->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE |
						EVHTTP_REQ_PUT | EVHTTP_REQ_HEAD |
						EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(d->http, on_request, d);
	lst = evconnlistener_new(d->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
				 -1, fd);
	if (lst == NULL) {
		close(fd);
		unlink(d->cfg.socket_path);
		return pd_fail(err, PD_E_SYSTEM, "evconnlistener_new failed");
	}
	if (evhttp_bind_listener(d->http, lst) == NULL) {
		evconnlistener_free(lst);
		unlink(d->cfg.socket_path);
		return pd_fail(err, PD_E_SYSTEM, "evhttp_bind_listener failed");
	}
	d->http_conns = http_conns_new(d->base, d->http, lst, &d->cfg.http);
	return 0;
}

void
http_stop(struct podd *d)
{
	if (d->http == NULL)
		return;
	http_conns_stop(d->http_conns);
	evhttp_free(d->http);
	d->http = NULL;
	http_conns_free(d->http_conns);
	d->http_conns = NULL;
	unlink(d->cfg.socket_path);
}
