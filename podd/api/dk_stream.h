/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the Engine dialect's stream endpoints (dk_attach.c, dk_exec.c,
 * dk_logs.c, dk_archive.c): the bridge between a hijacked connection and a
 * process's attach socket (lib/attach.h), and the handlers dk_attach.c's
 * route table names.
 */
#pragma once

#include <stdbool.h>

#include "dk.h"

struct bufferevent;
struct podd;

/* The process's exit code came (PD_ATTACH_EXIT), or its socket closed
 * without one (@code -1): called once, before the connection ends. */
typedef void dk_bridge_exit_fn(void *arg, int code);

/* Bridge @client (a hijacked connection, taken; NULL: the output is read
 * and dropped, a detached exec) and the attach socket @fd (taken): the
 * client's bytes become the process's stdin, its half-close the stdin's
 * end (PD_ATTACH_EOF); the output goes to the client, framed (docker's
 * 8-byte headers) unless @tty, each side read only as fast as the other
 * takes it. At the process's end the connection closes after the last
 * byte. @key names the bridge for dk_bridge_resize (a container's or an
 * exec's id). Returns 0, or -1 with @err (both closed). */
int dk_bridge_start(struct podd *d, struct bufferevent *client, int fd, bool tty, const char *key,
		    dk_bridge_exit_fn *exit_fn, void *arg, struct pd_err *err);
/* Send a terminal size to the bridge named @key; false when none. */
bool dk_bridge_resize(const char *key, unsigned rows, unsigned cols);
/* The bridge of @arg (an exec instance going away): no exit call any more. */
void dk_bridge_forget(void *arg);
/* Send a resize to the attach socket at @path (a short connection). */
int dk_attach_resize_path(const char *path, unsigned rows, unsigned cols, struct pd_err *err);
/* The ?h= and ?w= of a resize request: 0, or -1 after answering 400. */
int dk_resize_query(struct dk_req *r, unsigned *rows, unsigned *cols);

/* Shutdown: end every bridge and forget every exec instance. */
void dk_streams_teardown(void);

void dk_logs_get(struct dk_req *r);     /* dk_logs.c */
void dk_exec_create(struct dk_req *r);  /* dk_exec.c */
void dk_exec_start(struct dk_req *r);   /* dk_exec.c */
void dk_exec_resize(struct dk_req *r);  /* dk_exec.c */
void dk_exec_inspect(struct dk_req *r); /* dk_exec.c */
void dk_exec_teardown(void);            /* dk_exec.c */
void dk_archive_get(struct dk_req *r);  /* dk_archive.c: GET and HEAD */
void dk_archive_put(struct dk_req *r);  /* dk_archive.c */
void dk_export(struct dk_req *r);       /* dk_archive.c */
