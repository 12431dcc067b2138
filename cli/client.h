/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl's HTTP/1.1 client for podd's API over a unix socket: one request per
 * connection ("Connection: close"), written and read through a libevent
 * bufferevent, the reply parsed by http-parser (chunked bodies included).
 * A reply body is either collected whole or, for streams (logs -f, events),
 * handed to a callback piece by piece as it arrives. A request runs either
 * alone (client_request, client_call: a base of its own, dispatched until the
 * reply is in) or on the caller's event_base next to others (client_start:
 * `podctl run` waits, starts and reads logs at once). This file knows HTTP and
 * podd's error body; it knows nothing of pods.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <jansson.h>

#include "err.h"

/* Where podd listens: @flag (--socket) if not NULL, else $PODD_SOCKET if set
 * and not empty, else the default. Borrowed from the arguments or environ. */
const char *client_socket_path(const char *flag);

struct client_request {
	const char *method; /* "GET", "POST", "DELETE" */
	const char *path;   /* with its query string, e.g. "/v1/pods/web/stop?timeout=5" */
	const char *body;   /* sent with Content-Type: application/json, or NULL */
	size_t body_len;
	/* Extra header lines, each ending in "\r\n" (X-Registry-Auth), or NULL. */
	const char *headers;
	/* If not NULL, the body of a 2xx reply goes to on_body piece by piece
	 * instead of into client_reply.body; a return < 0 (with @err filled)
	 * ends the request with that error. Error replies are always
	 * collected, so that client_reply_error() can read them. */
	int (*on_body)(const char *data, size_t len, void *arg, struct pd_err *err);
	/* If not NULL, called once the reply's status line and headers are in,
	 * before any of its body: podd answers a wait or a log follow with its
	 * headers as soon as it holds the request, so this says it does. */
	void (*on_headers)(int status, void *arg);
	void *arg; /* for on_body and on_headers */
};

struct client_reply {
	int status;         /* HTTP status, e.g. 200 */
	char *body;         /* owned, NUL-terminated, never NULL after success */
	size_t body_len;    /* without the NUL */
	char *content_type; /* owned, or NULL when podd sent none */
};

/* Largest reply body collected, in bytes. */
#define CLIENT_MAX_REPLY ((size_t)64 * 1024 * 1024)

/* Send @req to podd at @socket_path and read the whole reply into @reply
 * (zeroed by the caller; free it with client_reply_free() whatever the
 * result). Any HTTP status is a success here: see client_reply_error().
 * Errors: PD_E_UNAVAILABLE when nothing listens at the path,
 * PD_E_FORBIDDEN when the socket may not be opened, PD_E_INVALID for a path
 * too long for a socket, PD_E_TOO_LARGE for a body over CLIENT_MAX_REPLY,
 * PD_E_SYSTEM when the connection fails or the reply is not HTTP, or what
 * on_body set. Returns 0 or -1. */
int client_request(const char *socket_path, const struct client_request *req,
		   struct client_reply *reply, struct pd_err *err);

/* A new event_base for podctl's connections (a few fds: poll, no locks).
 * PD_E_SYSTEM if libevent cannot make one. */
struct event_base *client_base_new(struct pd_err *err);

/* A request in flight on a caller's base; owned by client.c. */
struct client_conn;

/* Called once when a request started by client_start() ends: @rc 0 with
 * the reply in the caller's @reply (any HTTP status), or -1 with @err (owned
 * by the connection, valid during the call). The connection is freed when
 * the callback returns; it may start or cancel other requests, but must not
 * cancel its own. */
typedef void client_done_fn(int rc, const struct pd_err *err, void *arg);

/* Connect to podd at @socket_path, queue @req on @base and return at once.
 * @req is copied (its strings are needed only during the call; on_body and
 * arg until the end); @reply (zeroed) and @arg are borrowed until @done has
 * been called or the request is cancelled. The request goes on when the
 * caller dispatches @base; SIGPIPE must be ignored meanwhile. Errors, at
 * once and without calling @done: those of client_request() for the
 * connection and the path. Returns the connection, or NULL. */
struct client_conn *client_start(struct event_base *base, const char *socket_path,
				 const struct client_request *req, struct client_reply *reply,
				 client_done_fn *done, void *arg, struct pd_err *err);

/* End a request still in flight without calling its done callback: the
 * connection is closed (podd goes on with what it was asked) and freed.
 * NULL is ignored. */
void client_cancel(struct client_conn *conn);

/* Free what client_request() put in @reply and zero it. */
void client_reply_free(struct client_reply *reply);

#define cleanup_reply __attribute__((cleanup(client_reply_free)))

/* Turn an error reply (status >= 400) into @err: podd's {"code","message"}
 * gives the kind of the code and the message; any other body (libevent
 * answers some errors in HTML) gives PD_E_SYSTEM "podd answered HTTP N".
 * Returns -1. */
int client_reply_error(const struct client_reply *reply, struct pd_err *err);

/* Decode a reply: the JSON of a 2xx reply (a new reference; JSON null for
 * an empty body), or NULL with @err from client_reply_error() or from a body
 * that is not JSON (@what, "POST /v1/...", says whose reply it was). */
json_t *client_reply_json(const struct client_reply *reply, const char *what, struct pd_err *err);

/* A streamed request whose body goes to @req->on_body: 0 once podd has
 * ended a 2xx reply, -1 with @err for a failure or an error reply. */
int client_stream(const char *socket_path, const struct client_request *req, struct pd_err *err);

/* The common case: send @body (or no body if NULL) as JSON, and return the
 * decoded JSON of a 2xx reply (a new reference). An error reply becomes @err
 * through client_reply_error(). Returns NULL on any failure. */
json_t *client_call(const char *socket_path, const char *method, const char *path,
		    const json_t *body, struct pd_err *err);
