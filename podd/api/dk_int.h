/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the Engine dialect's server: the request as dk_server.c reads it
 * and dk_route.c routes it. Handlers use dk.h only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "dk.h"

struct dk_conn;
struct evbuffer;
struct event;

#define DK_MAX_ARGS    2
#define DK_MAX_HEADERS 64

struct dk_header {
	char *name;  /* owned */
	char *value; /* owned */
};

enum dk_answer { DK_UNANSWERED, DK_STREAMING, DK_ANSWERED };

struct dk_req {
	struct podd *d;
	struct dk_conn *conn; /* NULL once the client has left */
	char method[16];
	char *url;   /* owned: as sent */
	char *path;  /* owned: without the version prefix and the query */
	char *query; /* owned: after '?', or NULL */
	unsigned version;
	struct dk_header headers[DK_MAX_HEADERS];
	size_t n_headers;
	struct evbuffer *body; /* owned: read whole, or waiting for body_fd */
	bool body_done;        /* the whole body has been read */
	bool upgrade;          /* "Connection: Upgrade" asked */
	bool keep_alive;
	const struct dk_route *route;
	char *args[DK_MAX_ARGS]; /* owned, decoded */
	/* the answer */
	enum dk_answer answer;
	struct evbuffer *out_headers; /* owned: "Name: value\r\n" lines */
	dk_gone_fn *gone_fn;
	void *gone_arg;
	dk_drained_fn *drained_fn;
	void *drained_arg;
	size_t drained_low;
	/* a streamed body (dk_body_to_fd) */
	int body_fd;
	struct event *body_ev; /* owned: body_fd writable */
	dk_body_done_fn *body_done_fn;
	void *body_done_arg;
	/* a stream from an fd (dk_stream_fd) */
	int src_fd;
	struct event *src_ev; /* owned: src_fd readable */
	dk_done_fn *src_done;
	void *src_arg;
};

/* dk_route.c: find @r's route from its method and path (setting route and
 * args); false when none. */
bool dk_route_find(struct dk_req *r);
