/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming a container's log to a client: the reply to `logs` (to the end
 * of the log as it was asked for) and `logs -f` (then what the shim
 * appends, until the container exits). The model calls ctr_logs_finish
 * when a container's output ends; api_log.c only parses the request.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "crilog.h"

struct container;
struct evhttp_request;
struct podd;
struct pd_err;

/* Stream @c's log, open at @fd (taken), to @req from @offset: lines that
 * pass @filter; with @follow on while @c runs, else to the log's end as it
 * is now. Answers @req (an error too) and returns 0, or -1 with @err and
 * @req unanswered. */
int ctr_logs_stream(struct container *c, struct evhttp_request *req, int fd, off_t offset,
		    const struct pd_crilog_filter *filter, bool follow, struct pd_err *err);

/* issue 15: a stream to another dialect's client (the Engine API's logs):
 * @lines gets whole CRI lines that passed the filter (take them from the
 * buffer); @unsent says what its client has not taken yet (past 256 KiB the
 * stream stops reading until ctr_logs_resume); @end says the stream has
 * ended (the log's end, or the container's with follow). */
struct evbuffer;
struct log_follower;
struct ctr_log_sink {
	void (*lines)(void *arg, struct evbuffer *lines);
	size_t (*unsent)(void *arg);
	void (*end)(void *arg);
};
/* As ctr_logs_stream, to @sink with @arg; *@handle is the stream until it
 * ends (then NULL). @sink's calls may come before this returns, @end too. */
int ctr_logs_stream_sink(struct container *c, const struct ctr_log_sink *sink, void *arg,
			 struct log_follower **handle, int fd, off_t offset,
			 const struct pd_crilog_filter *filter, bool follow, struct pd_err *err);
/* The sink's client has taken its bytes: read on. */
void ctr_logs_resume(struct log_follower *f);
/* The sink's client has left: free the stream, without calling @end. */
void ctr_logs_cancel(struct log_follower *f);
/* @c's log (the previous instance's with @previous): the fd, or -1 with
 * @err; a container that never ran has an empty one. */
int ctr_logs_open(const struct container *c, bool previous, struct pd_err *err);
/* Where the last @tail lines of the log at @fd start (0 for all, @tail < 0). */
int ctr_logs_tail_offset(int fd, long long tail, off_t *out, struct pd_err *err);

/* @c's output has ended (exited, removed, start failed): each follower
 * gets the rest of the log, then its reply ends. */
void ctr_logs_finish(struct container *c);
/* @c goes away (shutdown): end its followers' replies now. */
void ctr_logs_free(struct container *c);
/* restart (issue 12): the log so far becomes the previous instance's
 * (container.log → container.log.1, replacing it), before a restart's
 * start; no log yet is fine. */
int ctr_logs_rotate(struct container *c, struct pd_err *err);
#define CTR_LOG_NAME          "container.log"
#define CTR_LOG_PREVIOUS_NAME "container.log.1"

/* Shutdown: end every stream and close podd's inotify instance. */
void ctr_logs_teardown(struct podd *d);
