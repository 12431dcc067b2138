/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP side of podd: routing, JSON replies, and pending replies for
 * operations that finish later. Every request is answered exactly once:
 * either at once (http_reply_*) or through a struct http_pending.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct evhttp_request;
struct podd;

/* Create, bind and listen on the unix socket at @path, mode 0660, group
 * podd's (--group, sock_group.h) when it exists (non-blocking,
 * close-on-exec). Returns the fd or -1. */
int http_listen_unix(const struct podd *d, const char *path, struct pd_err *err);

/* Reply @status with @j as the body (@j is borrowed). */
void http_reply_json(struct evhttp_request *req, int status, const json_t *j);

/* Reply @status with @body (drained); a HEAD gets the length and no body. */
struct evbuffer;
void http_reply_buffer(struct evhttp_request *req, int status, struct evbuffer *body);

/* Reply with the error's status and {"code","message"}. */
void http_reply_error(struct evhttp_request *req, const struct pd_err *err);

/* A request whose answer comes later. If the client goes away first, the
 * answer is dropped and the operation goes on. */
struct http_pending *http_pending_new(struct evhttp_request *req);
/* A request of another dialect (the Engine API, podd/api/dk.h) given to
 * podd's model: the answer goes to @done (@err set for an error, else the
 * /v1 reply's @status and JSON, borrowed), progress lines to @line (may be
 * NULL); @arg is the sink's until @done. */
struct http_pending_sink {
	void (*done)(void *arg, int status, const json_t *j, const struct pd_err *err);
	void (*line)(void *arg, const json_t *j);
};
struct http_pending *http_pending_new_sink(const struct http_pending_sink *sink, void *arg);
/* Send @p's status line and headers now (200, chunked, JSON), so the client
 * knows podd holds its request; the body follows with the answer, which is
 * then the JSON given to http_pending_reply_* whatever its status (an
 * error's body is still {"code","message"}). */
void http_pending_start_stream(struct http_pending *p);

/* Send @j as one JSON line of @p's stream, starting the stream if need
 * be (registry branch: pull and push progress). Dropped when the client has
 * left or has not read HTTP_STREAM_UNSENT_MAX bytes already: progress is
 * worth less than podd's memory. */
#define HTTP_STREAM_UNSENT_MAX (256 * 1024)
void http_pending_send_json(struct http_pending *p, const json_t *j);
/* Send @j as one JSON line of the chunked reply to @req (started). */
void http_send_json_line(struct evhttp_request *req, const json_t *j);

/* Answer and free @p. */
void http_pending_reply_json(struct http_pending *p, int status, const json_t *j);
void http_pending_reply_error(struct http_pending *p, const struct pd_err *err);

/* The fd @remote_fd of the client that sent @req, as a new fd of podd's
 * (close-on-exec; http_fd.c says why uploads come this way). PD_E_INVALID
 * when the client has no such fd. Returns the fd, or -1. */
int http_take_client_fd(struct evhttp_request *req, long long remote_fd, struct pd_err *err);

/* The query parameters of a request: the values of @names (NULL-terminated),
 * NULL when absent. An unknown parameter is PD_E_INVALID. The values live as
 * long as @q; free with http_query_free. */
struct http_query;
struct http_query *http_query_parse(struct evhttp_request *req, const char *const *names,
				    struct pd_err *err);
const char *http_query_get(const struct http_query *q, const char *name);
void http_query_free(struct http_query *q);

/* The front every action endpoint shares: only @params in the query and no
 * body. Returns the query (free it), or NULL once the request has been
 * answered with the error. */
struct http_query *http_action_query(struct evhttp_request *req, const char *const *params);

/* The fronts of stop/restart, of removals and of start: only
 * ?timeout=SECS (-1 when absent: the container's own stop timeout,
 * pod_seq_stop_timeout), or only one boolean @param (?force=BOOL,
 * ?attach=BOOL; false when absent), and no body. Return 0, or -1 once the
 * request has been answered with the error. */
int http_timeout_query(struct evhttp_request *req, long long *timeout_s);
int http_bool_query(struct evhttp_request *req, const char *param, bool *value);

/* Parse a boolean query value: "1", "true", "0", "false". */
int http_parse_bool(const char *s, const char *name, bool *out, struct pd_err *err);

/* The request body as JSON (a new reference), bounded by PD_API_MAX_BODY. */
json_t *http_body_json(struct evhttp_request *req, struct pd_err *err);

/* Fail unless the request has no body. */
int http_body_empty(struct evhttp_request *req, struct pd_err *err);

/* http_conn.c: the clients' connections (see there). All in seconds. */
struct http_limits {
	unsigned idle_timeout_s; /* no request in flight: closed after this */
	unsigned read_timeout_s; /* first byte to whole request */
	unsigned max_clients;    /* past this the oldest idle client is closed */
};
struct evhttp;
struct event_base;
struct evconnlistener;
struct http_conns;
struct http_conns *http_conns_new(struct event_base *base, struct evhttp *http,
				  struct evconnlistener *lst, const struct http_limits *lim);
/* Before evhttp_free: accept nothing more. */
void http_conns_stop(struct http_conns *cs);
/* After evhttp_free. */
void http_conns_free(struct http_conns *cs);
/* A handler takes @req (no timer runs while it holds it); then, once it
 * returns, the connection is watched for the client leaving. */
void http_conn_begin(struct evhttp_request *req);
void http_conn_handled(struct evhttp_request *req);
/* Call @fn(@arg) if the client of @req leaves before the reply ends (NULL:
 * no longer). evhttp has then detached @req: answering it frees it. */
typedef void http_gone_fn(void *arg);
void http_conn_on_gone(struct evhttp_request *req, http_gone_fn *fn, void *arg);
/* Bytes of the reply to @req that the client has not read yet. */
size_t http_conn_unsent(struct evhttp_request *req);

/* api_*.c: handlers. @arg is the path's {name} segment or NULL. */
typedef void http_handler_fn(struct podd *d, struct evhttp_request *req, const char *arg);
http_handler_fn api_version, api_info, api_system_df;
http_handler_fn api_pod_list, api_pod_create, api_pod_get, api_pod_start, api_pod_stop,
    api_pod_remove, api_pod_ports_add, api_pod_ports_remove;
http_handler_fn api_image_list, api_image_import, api_image_get, api_image_remove;
http_handler_fn api_image_load, api_image_save, api_image_prune, api_image_history, api_image_tag;
/* registry branch: api_registry.c */
http_handler_fn api_image_pull, api_image_push, api_registry_login;
http_handler_fn api_network_list, api_network_create, api_network_get, api_network_remove;
http_handler_fn api_network_connect, api_network_disconnect; /* issue 14, attach */
http_handler_fn api_container_list, api_container_create, api_container_get, api_container_remove,
    api_container_start, api_container_stop, api_container_kill, api_container_wait,
    api_container_logs, api_container_restart, api_container_exec;
/* issue 13, observe: api_observe.c (stats.h has the stats handlers) */
http_handler_fn api_container_top, api_container_pause, api_container_unpause, api_container_update;
http_handler_fn api_container_rename; /* issue 16, ux */
/* volumes (issue 11, volumes branch) */
http_handler_fn api_volume_list, api_volume_create, api_volume_get, api_volume_remove,
    api_volume_prune, api_container_copy_to, api_container_copy_from, api_container_export;
http_handler_fn api_ns; /* issue 16, nsmap: api_ns.c */
