/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Docker Engine API dialect: what the docker CLI, the Docker SDKs and
 * docker-compose speak, served on a socket of its own (podd --docker-socket,
 * default RUN_DIR/docker.sock) beside podd's /v1 API, over the same state.
 *
 * Why its own server and socket: libevent 2.1's evhttp buffers whole request
 * bodies and cannot hand a connection over, and the Engine needs both
 * (image load and `PUT /archive` stream their bodies; attach and exec start
 * take over the connection, "Upgrade: tcp"). evhttp also owns every
 * connection accepted on its listener, with no public way to give it one
 * after a first look at the request line, so one socket would mean serving
 * /v1 with this server too. Here each connection is a bufferevent whose
 * requests http-parser reads (dk_server.c); the routes are tables, one per
 * group of endpoints (dk_route.c).
 *
 * A handler (dk_handler_fn) answers its request exactly once: at once
 * (dk_reply_*), later (keep the request, or hand podd's model a dk_pending),
 * as a stream (dk_stream_*, ended with dk_stream_end), or by taking the
 * connection (dk_hijack). A client that leaves first does not free the
 * request: the handler learns it (dk_on_gone, dk_gone) and its answer then
 * frees it.
 *
 * Files: dk_server.c (connections, parsing, replies, streams, hijack),
 * dk_route.c (versions, routes, errors), dk_system.c (/_ping, /version,
 * /info, /events, /auth), dk_container*.c, dk_exec.c, dk_attach.c,
 * dk_logs.c, dk_archive.c, dk_image*.c, dk_network.c, dk_volume.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct podd;
struct bufferevent;
struct http_pending;

/* The API version podd implements, and the oldest it serves (paths
 * /v1.24/... to /v1.41/...; a path without a version is the newest). */
#define DK_API_VERSION     "1.41"
#define DK_API_MIN_VERSION "1.24"
#define DK_API_VERSION_NUM 141 /* dk_version()'s form: 100 * major + minor */

/* The default socket's name in the run dir. */
#define DK_SOCKET_NAME "docker.sock"

/* Largest request body read whole (create bodies, JSON); streamed bodies
 * (DK_STREAM_BODY routes) have no limit. */
#define DK_MAX_BODY (4 * 1024 * 1024)

/* Docker's stream types in a multiplexed stream's frame header. */
enum dk_stream_kind { DK_STDIN = 0, DK_STDOUT = 1, DK_STDERR = 2 };

struct dk_req;

/* ---- the request ------------------------------------------------------- */
struct podd *dk_podd(const struct dk_req *r);
/* "GET", "HEAD", "POST", "PUT", "DELETE", ... */
const char *dk_method(const struct dk_req *r);
/* The path without its /vX.YY prefix and query, not decoded. */
const char *dk_path(const struct dk_req *r);
/* The API version the client asked for (dk_version 141 = "1.41"). */
unsigned dk_version(const struct dk_req *r);
/* The route's '*' or '**' segment number @i (0, 1), percent-decoded;
 * NULL if the route has no such segment. */
const char *dk_arg(const struct dk_req *r, unsigned i);
/* A query parameter, percent-decoded ('+' is a space), or NULL. */
const char *dk_query(const struct dk_req *r, const char *name);
/* Every value of a parameter given several times (?names=a&names=b), in
 * order, decoded: a new array of strings (empty when absent). */
json_t *dk_query_all(const struct dk_req *r, const char *name);
/* A boolean parameter as the Engine reads one: absent is @dflt; "", "0",
 * "false", "False" are false; anything else is true. */
bool dk_query_bool(const struct dk_req *r, const char *name, bool dflt);
/* An integer parameter: absent is @dflt. Returns 0, or -1 after answering
 * @r with 400 (a value that is no integer). */
int dk_query_int(struct dk_req *r, const char *name, long long dflt, long long *out);
/* The `filters` parameter, {"key": ["v", ...]} (the Engine also takes
 * {"key": {"v": true}}, folded into the first form); absent or empty: an
 * empty object. NULL after answering @r with 400. A new reference. */
json_t *dk_query_filters(struct dk_req *r);
/* A request header, case-insensitive, or NULL. */
const char *dk_header(const struct dk_req *r, const char *name);
/* The body read whole (NUL-terminated; "" when there is none). */
const char *dk_body(const struct dk_req *r, size_t *len);
/* The body as JSON (a new reference): an empty body is JSON null when
 * @optional, else PD_E_INVALID; bad JSON is PD_E_INVALID. */
json_t *dk_body_json(const struct dk_req *r, bool optional, struct pd_err *err);

/* ---- answers ----------------------------------------------------------- */
/* Every answer carries the Engine's headers (Api-Version, Server, Ostype,
 * Docker-Experimental). A HEAD request gets headers and no body. */
void dk_reply_json(struct dk_req *r, int status, const json_t *j);
/* No body: 204 No Content, 304 Not Modified, or any status with a length 0. */
void dk_reply_empty(struct dk_req *r, int status);
void dk_reply_data(struct dk_req *r, int status, const char *content_type, const void *data,
		   size_t len);
/* The Engine's error: @status and {"message": "..."} (printf-style). */
__attribute__((format(printf, 3, 4))) void dk_reply_error(struct dk_req *r, int status,
							  const char *fmt, ...);
/* A podd error, with the Engine's status for its kind (dk_err_status). */
void dk_reply_err(struct dk_req *r, const struct pd_err *err);
/* not found 404, conflict 409, invalid or too large 400, forbidden 403,
 * no command / not executable 500 (the Engine's for those), else 500. */
int dk_err_status(const struct pd_err *err);
/* Add a header to the answer not sent yet (e.g. X-Docker-Container-Path-Stat). */
void dk_add_header(struct dk_req *r, const char *name, const char *value);

/* ---- streams ------------------------------------------------------------ */
/* Start a chunked answer: @status, Content-Type @content_type. */
void dk_stream_start(struct dk_req *r, int status, const char *content_type);
void dk_stream_write(struct dk_req *r, const void *data, size_t len);
/* @j as one line of JSON ("\n" after it): events, pull progress, stats. */
void dk_stream_json(struct dk_req *r, const json_t *j);
/* One frame of a multiplexed stream (8-byte header, then @data) into
 * @out; for logs, attach and exec without a terminal. */
struct evbuffer;
void dk_frame_add(struct evbuffer *out, enum dk_stream_kind kind, const void *data, size_t len);
/* Bytes written to the stream that the client has not taken yet. */
size_t dk_stream_unsent(const struct dk_req *r);
/* Call @fn(@arg) once the unsent bytes fall under @low (NULL: no longer):
 * for a producer that paused itself. */
typedef void dk_drained_fn(void *arg);
void dk_on_drained(struct dk_req *r, size_t low, dk_drained_fn *fn, void *arg);
/* End the stream (and free @r if its client has left). */
void dk_stream_end(struct dk_req *r);
/* Stream what comes from @fd (taken: closed at its EOF) as the answer's
 * body, reading only as fast as the client takes it; at EOF call
 * @done(@r, @arg), which must end the stream (dk_stream_end). Start the
 * stream first. A read error is an EOF. */
typedef void dk_done_fn(struct dk_req *r, void *arg);
void dk_stream_fd(struct dk_req *r, int fd, dk_done_fn *done, void *arg);

/* ---- the client leaving ---------------------------------------------------- */
typedef void dk_gone_fn(void *arg);
/* Call @fn(@arg) if the client leaves before the answer ends (NULL: no
 * longer). The handler must then answer or end the stream, which frees @r. */
void dk_on_gone(struct dk_req *r, dk_gone_fn *fn, void *arg);
bool dk_gone(const struct dk_req *r);

/* ---- streamed request bodies (DK_STREAM_BODY routes) ---------------------- */
/* Write the body, as it comes, to @fd (taken: made non-blocking, closed at
 * the body's end); the connection is read only as fast as @fd takes it.
 * Then @done(@r, @arg, NULL), or @done(@r, @arg, err) when the client left
 * or @fd refused the bytes (EPIPE). The request is answered afterwards, by
 * @done or later. A DK_STREAM_BODY request answered without this: its
 * connection closes after the answer. */
typedef void dk_body_done_fn(struct dk_req *r, void *arg, const struct pd_err *err);
void dk_body_to_fd(struct dk_req *r, int fd, dk_body_done_fn *done, void *arg);

/* ---- taking the connection (attach, exec start) ---------------------------- */
/* Answer @r by handing its connection over: "101 UPGRADED" with
 * "Upgrade: tcp" when the client asked for an upgrade, else "200 OK", with
 * Content-Type @content_type (application/vnd.docker.raw-stream), then the
 * raw bytes. Returns the connection's bufferevent, now the caller's: its
 * callbacks, its timeouts (none are set) and bufferevent_free (which closes
 * the socket). Bytes the client sent after the request are already in its
 * input. @r is freed. NULL (and @r answered 500) if the client has left. */
struct bufferevent *dk_hijack(struct dk_req *r, const char *content_type);

/* ---- podd's model -------------------------------------------------------- */
/* A pending reply (http.h) for podd's model calls (container_create,
 * container_stop, ...) that answers @r: an error the Engine's way
 * (dk_reply_err); success through @after(@r, the /v1 reply's JSON, @arg),
 * which must answer @r; NULL @after answers 204 No Content. Progress lines
 * (pull, push) go to @line when not NULL. @arg must live until then. */
typedef void dk_after_fn(struct dk_req *r, const json_t *reply, void *arg);
typedef void dk_line_fn(struct dk_req *r, const json_t *line, void *arg);
struct http_pending *dk_pending(struct dk_req *r, dk_after_fn *after, dk_line_fn *line, void *arg);

/* dk_find.c: the container @ref names (id, unique id prefix, name or
 * "/name"), or NULL after answering @r (404 "No such container: REF"). */
struct container;
struct container *dk_container(struct dk_req *r, const char *ref);

/* The podd network that docker's name @name stands for: "bridge" and
 * "default" are podd's default network, others are themselves. Borrowed. */
const char *dk_network_name(const struct podd *d, const char *name);

/* dk_filter.c: the Engine's `filters` (dk_query_filters's form). */
/* Answer 400 "invalid filter 'KEY'" (and return -1) when @filters has a
 * key not in @known (NULL-terminated); else 0. */
int dk_filters_check(struct dk_req *r, const json_t *filters, const char *const *known);
/* Matching: lib/filters.h (pd_filter_labels, pd_filter_bool, pd_filter_any). */

/* ---- routes -------------------------------------------------------------- */
typedef void dk_handler_fn(struct dk_req *r);
#define DK_STREAM_BODY 1u /* the handler runs before the body: dk_body_to_fd */
struct dk_route {
	const char *method;  /* "GET" also serves HEAD */
	const char *pattern; /* "/containers/ * /start": '*' is one segment (dk_arg),
				'**' one or more (an image name with '/'), at most one */
	dk_handler_fn *fn;
	unsigned flags;
};
struct dk_routes {
	const struct dk_route *routes;
	size_t n;
};
#define DK_ROUTES(name, table) \
	const struct dk_routes name = {table, sizeof(table) / sizeof((table)[0])}

/* A group with no route yet. */
#define DK_ROUTES_NONE(name) const struct dk_routes name = {NULL, 0}

/* One table per group, each in its own file. */
extern const struct dk_routes dk_system_routes;    /* dk_system.c */
extern const struct dk_routes dk_container_routes; /* dk_container.c */
extern const struct dk_routes dk_stream_routes;    /* dk_attach.c: attach, exec, logs, archive */
extern const struct dk_routes dk_image_routes;     /* dk_image.c */
extern const struct dk_routes dk_network_routes;   /* dk_network.c */
/* dk_volume.c: the Engine's volume object of podd's volume JSON @v (a new
 * reference). */
json_t *dk_volume_json(const json_t *v);

extern const struct dk_routes dk_volume_routes; /* dk_volume.c */

/* dk_route.c: dispatch @r (method, path, version), answering 404 or 400
 * itself when no route takes it. */
void dk_dispatch(struct dk_req *r);
/* dk_route.c: whether @r's route streams its body (DK_STREAM_BODY). */
bool dk_route_streams_body(struct dk_req *r);

/* dk_server.c: serve the dialect on d->cfg.docker_socket (none: NULL). */
int dk_server_start(struct podd *d, struct pd_err *err);
void dk_server_stop(struct podd *d);
