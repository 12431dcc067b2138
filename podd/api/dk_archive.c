/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `docker cp` and `docker export` use: a container's files as tar,
 * through the podd-archive tasks of podctl cp and export (ctr_copy.c), with
 * a pipe between the task and the connection instead of a client's fd.
 *
 *   HEAD /containers/{id}/archive?path=P   P's stat, in the header
 *                                          X-Docker-Container-Path-Stat
 *                                          (base64 of its JSON)
 *   GET  the same                          the stat header, then P as tar
 *   PUT  ?path=DIR                         a tar body unpacked into DIR
 *   GET  /containers/{id}/export           the whole tree as tar
 *
 * A transfer ends when both its halves have: the task (its answer) and the
 * bytes (the pipe's EOF going out, or the body all written in).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "cleanup.h"
#include "container.h"
#include "dk_stream.h"
#include "http.h"
#include "json.h"
#include "xalloc.h"

struct transfer {
	struct dk_req *r;
	bool task_done, bytes_done;
	bool streaming; /* the answer's status went out */
	bool failed;    /* the task's error: */
	struct pd_err err;
};

/* Both halves are done: answer or end the stream, and free @t. */
static void
transfer_end(struct transfer *t)
{
	if (!t->task_done || !t->bytes_done)
		return;
	if (t->streaming)
		/* The status went out with the first bytes: a task that failed
		 * midway leaves a short tar, which the client's reader sees. */
		dk_stream_end(t->r);
	else if (t->failed)
		dk_reply_err(t->r, &t->err);
	else
		dk_reply_empty(t->r, 200);
	free(t);
}

static void
task_done(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	struct transfer *t = arg;

	(void)status;
	(void)j;
	t->task_done = true;
	if (err != NULL) {
		t->failed = true;
		t->err = *err;
	}
	transfer_end(t);
}

static const struct http_pending_sink task_sink = {.done = task_done};

static void
stream_eof(struct dk_req *r, void *arg)
{
	struct transfer *t = arg;

	(void)r;
	t->bytes_done = true;
	transfer_end(t);
}

static void
body_done(struct dk_req *r, void *arg, const struct pd_err *err)
{
	struct transfer *t = arg;

	(void)r;
	(void)err; /* the task's own error says more (a missing dir ends it first) */
	t->bytes_done = true;
	transfer_end(t);
}

/* A pipe for a task: fds[0] to read, fds[1] to write, both close-on-exec. */
static int
make_pipe(struct dk_req *r, int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0) {
		struct pd_err err = {0};

		pd_fail_errno(&err, errno, "pipe");
		dk_reply_err(r, &err);
		return -1;
	}
	return 0;
}

/* Start the task of @kind on @c with @fd (taken); NULL when it did not
 * start (@r then answered with why). */
static struct transfer *
transfer_start(struct dk_req *r, struct container *c, enum copy_kind kind, int fd, const char *path)
{
	struct transfer *t = xcalloc(1, sizeof(*t));
	struct http_pending *p = http_pending_new_sink(&task_sink, t);
	struct pd_err err = {0};

	t->r = r;
	if (ctr_copy_start(c, kind, fd, path, p, &err) == 0)
		return t;
	t->bytes_done = true;
	http_pending_reply_error(p, &err); /* answers @r and frees @t */
	return NULL;
}

/* Stream @c's tar from a task of @kind (COPY_FROM of @path, or COPY_EXPORT). */
static void
stream_tar(struct dk_req *r, struct container *c, enum copy_kind kind, const char *path)
{
	struct transfer *t;
	int fds[2];

	if (make_pipe(r, fds) < 0)
		return;
	t = transfer_start(r, c, kind, fds[1], path);
	if (t == NULL) {
		close(fds[0]);
		return;
	}
	t->streaming = true;
	dk_stream_start(r, 200, "application/x-tar");
	dk_stream_fd(r, fds[0], stream_eof, t);
}

/* The path parameter every archive request needs; NULL after a 400. */
static const char *
path_param(struct dk_req *r)
{
	const char *path = dk_query(r, "path");

	if (path == NULL || path[0] == '\0') {
		dk_reply_error(r, 400, "bad parameter: path cannot be empty");
		return NULL;
	}
	return path;
}

/* The stat is in: its header, then nothing more (HEAD) or the tar (GET).
 * The container is looked up again: it may have gone meanwhile. */
static void
after_stat(struct dk_req *r, const json_t *reply, void *arg)
{
	cleanup_free char *s = pd_json_dump(reply);
	cleanup_free char *b64 = pd_base64_encode(s, strlen(s), false);
	struct container *c;

	(void)arg;
	dk_add_header(r, "X-Docker-Container-Path-Stat", b64);
	if (strcmp(dk_method(r), "HEAD") == 0)
		dk_reply_empty(r, 200);
	else if ((c = dk_container(r, dk_arg(r, 0))) != NULL)
		stream_tar(r, c, COPY_FROM, dk_query(r, "path"));
}

void
dk_archive_get(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	const char *path = c != NULL ? path_param(r) : NULL;
	struct http_pending *p;
	struct pd_err err = {0};

	if (path == NULL)
		return;
	p = dk_pending(r, after_stat, NULL, NULL);
	if (ctr_copy_start(c, COPY_STAT, -1, path, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
dk_archive_put(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	const char *path = c != NULL ? path_param(r) : NULL;
	struct transfer *t;
	int fds[2];

	/* noOverwriteDirNonDir and copyUIDGID are podd's unpacking's own
	 * rules (extract.c): it keeps the tar's owners. */
	if (path == NULL || make_pipe(r, fds) < 0)
		return;
	t = transfer_start(r, c, COPY_TO, fds[0], path);
	if (t == NULL) {
		close(fds[1]);
		return;
	}
	dk_body_to_fd(r, fds[1], body_done, t);
}

void
dk_export(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));

	if (c != NULL)
		stream_tar(r, c, COPY_EXPORT, NULL);
}
