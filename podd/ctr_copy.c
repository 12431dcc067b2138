/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's files in and out as tar (podctl cp, podctl export): the
 * endpoints copy-to, copy-from and export (lib/api.h). The bytes never pass
 * through podd: the client hands over an fd (http_fd.c) and a podd-archive
 * task (cp-in, cp-out, export) reads or writes it, inside the container's
 * root: /proc/PID/root of a running workload (its mounts, volumes included,
 * as it sees them), or the overlay of a stopped one, which the task mounts
 * detached for itself (its volumes are then not there: a limit). One struct
 * ctr_copy per request, in d->copies, answered when its task ends. The
 * Engine API (podd/api/dk_archive.c) uses the same tasks through
 * ctr_copy_start, with pipes for fds, and a stat of a path besides.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "proc.h"
#include "task.h"
#include "xalloc.h"

struct ctr_copy {
	TAILQ_ENTRY(ctr_copy) entry;
	struct podd *d;               /* borrowed */
	struct http_pending *pending; /* owned */
	enum copy_kind kind;
	char name[PD_NAME_MAX + 1]; /* the container's, for messages */
};

static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

void
ctr_copy_free_all(struct podd *d)
{
	struct ctr_copy *op;
	struct pd_err err;

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((op = TAILQ_FIRST(&d->copies)) != NULL) {
		TAILQ_REMOVE(&d->copies, op, entry);
		http_pending_reply_error(op->pending, &err);
		free(op);
	}
}

static void
on_copy_done(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct ctr_copy *op = arg;
	struct pd_err err = {0};
	cleanup_json json_t *j = NULL;
	int n = (int)strcspn(errors, "\n");

	TAILQ_REMOVE(&op->d->copies, op, entry);
	if (exit_code == 0 && op->kind == COPY_STAT) {
		json_error_t jerr;

		j = json_loadb(out, out_len, 0, &jerr);
		if (!json_is_object(j)) {
			pd_fail(&err, PD_E_SYSTEM, "container \"%s\": the stat said no JSON",
				op->name);
			http_pending_reply_error(op->pending, &err);
		} else {
			http_pending_reply_json(op->pending, 200, j);
		}
	} else if (exit_code == 0) {
		j = json_pack("{s:s}", PD_F_NAME, op->name);
		http_pending_reply_json(op->pending, 200, j);
	} else {
		/* podd-archive's own line says what ("... not found in the
		 * container"); its "podd-archive: " prefix is not the user's. */
		const char *msg = errors;
		const char *colon = strstr(msg, ": ");

		/* "podd-archive: " or "podd-archive VERB: " is not the user's */
		if (strncmp(msg, "podd-archive", 12) == 0 && colon != NULL && colon - msg < n) {
			n -= (int)(colon + 2 - msg);
			msg = colon + 2;
		}
		if (n <= 0)
			pd_fail(&err, PD_E_SYSTEM,
				"container \"%s\": the copy ended with code %d%s", op->name,
				exit_code, exit_code == 128 + 13 ? " (its reader went away)" : "");
		else
			pd_fail(&err,
				strstr(msg, "not found") != NULL ? PD_E_NOT_FOUND : PD_E_INVALID,
				"container \"%s\": %.*s", op->name, n, msg);
		http_pending_reply_error(op->pending, &err);
	}
	free(op);
}

static int
mkdir_in(int dirfd, const char *name, struct pd_err *err)
{
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", name);
	return 0;
}

/* --overlay LOWERS:UPPER:WORK of a container that does not run (its upper
 * and work made as a start makes them). A new string. */
static char *
overlay_spec(struct container *c, bool write, struct pd_err *err)
{
	const struct ctr_spec *s = &c->rec.spec;
	cleanup_close int fd = -1;
	cleanup_free char *root = ctr_root_dir(c), *lowers = NULL;

	if (s->read_only && write)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is read-only", s->name), NULL;
	if (s->rootfs != NULL) {
		lowers = xstrdup(s->rootfs);
	} else {
		struct image *img = image_find(c->d, s->image, err);
		cleanup_json json_t *l = NULL;
		size_t i;
		json_t *v;

		if (img == NULL)
			return NULL;
		l = image_lowers(img);
		lowers = xstrdup("");
		json_array_foreach (l, i, v) {
			char *more =
			    xasprintf("%s%s%s", lowers, i > 0 ? "," : "", json_string_value(v));

			free(lowers);
			lowers = more;
		}
	}
	if (strpbrk(lowers, ":") != NULL)
		return pd_fail(err, PD_E_INVALID, "a lower dir holds ':'"), NULL;
	fd = openat(c->d->ctrs_fd, c->rec.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open containers/%s", c->rec.id), NULL;
	if (mkdir_in(fd, "upper", err) < 0 || mkdir_in(fd, "work", err) < 0)
		return NULL;
	if (fchmodat(fd, "upper", 0755, 0) < 0)
		return pd_fail_errno(err, errno, "chmod upper"), NULL;
	return xasprintf("%s:%s/upper:%s/work", lowers, root, root);
}

/* The root option pair of @c for podd-archive into @opt and @val. */
static int
root_of(struct container *c, bool write, const char **opt, char **val, struct pd_err *err)
{
	uint64_t start;

	switch (c->rec.state) {
	case CTR_STARTING:
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is starting; try again",
			       c->rec.spec.name);
	case CTR_RUNNING:
	case CTR_STOPPING:
	case CTR_PAUSED:
		/* The pid is the workload's while its start time is. */
		if (c->rec.pid <= 0 || pd_proc_start_time(c->rec.pid, &start, err) < 0 ||
		    start != c->rec.pid_start_time)
			return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is exiting; try again",
				       c->rec.spec.name);
		*opt = "--root";
		*val = xasprintf("/proc/%d/root", (int)c->rec.pid);
		return 0;
	case CTR_CREATED:
	case CTR_EXITED:
		*opt = "--overlay";
		*val = overlay_spec(c, write, err);
		return *val == NULL ? -1 : 0;
	}
	PD_UNREACHABLE("container state out of its enum");
}

int
ctr_copy_start(struct container *c, enum copy_kind kind, int fd, const char *path,
	       struct http_pending *pending, struct pd_err *err)
{
	static const char *const verbs[] = {[COPY_TO] = "cp-in",
					    [COPY_FROM] = "cp-out",
					    [COPY_EXPORT] = "export",
					    [COPY_STAT] = "stat"};
	struct podd *d = c->d;
	cleanup_close int own = fd;
	cleanup_free char *root = NULL, *abs = NULL;
	const char *opt = NULL;
	struct ctr_copy *op;
	struct task_io io = {.envp = (char *const *)envp, .stdin_fd = -1, .stdout_fd = -1};
	char *argv[8];
	int n = 0;

	if (root_of(c, kind == COPY_TO, &opt, &root, err) < 0)
		return -1;
	argv[n++] = d->cfg.archive_path;
	argv[n++] = (char *)verbs[kind];
	argv[n++] = (char *)opt;
	argv[n++] = root;
	if (kind != COPY_EXPORT) {
		/* Relative to the working directory, as docker's cp. */
		abs =
		    path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", c->rec.spec.workdir, path);
		argv[n++] = "--path";
		argv[n++] = abs;
	}
	argv[n] = NULL;
	io.argv = argv;
	if (kind == COPY_TO)
		io.stdin_fd = own;
	else if (kind != COPY_STAT)
		io.stdout_fd = own;
	op = xcalloc(1, sizeof(*op));
	op->d = d;
	op->kind = kind;
	(void)snprintf(op->name, sizeof(op->name), "%s", c->rec.spec.name);
	if (task_run_io(d, &io, on_copy_done, op, err) < 0) {
		free(op);
		return pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
	}
	op->pending = pending;
	TAILQ_INSERT_TAIL(&d->copies, op, entry);
	log_debug("container \"%s\": %s %s", c->rec.spec.name, verbs[kind], abs ? abs : "");
	return 0;
}

/* The body {"fd"[,"path"]}: the client's fd, taken. */
static int
copy_body(struct evhttp_request *req, bool with_path, const char **path, json_t **body,
	  struct pd_err *err)
{
	static const char *const with[] = {PD_F_FD, PD_F_PATH, NULL};
	static const char *const without[] = {PD_F_FD, NULL};
	long long remote = -1;

	*body = http_body_json(req, err);
	if (*body == NULL ||
	    pd_json_check_keys(*body, "copy", with_path ? with : without, err) < 0 ||
	    pd_json_get_int(*body, PD_F_FD, 0, 1 << 20, &remote, err) < 0 ||
	    (with_path && pd_json_get_string(*body, PD_F_PATH, path, err) < 0))
		return -1;
	if (remote < 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is required", PD_F_FD);
	if (with_path && (*path == NULL || (*path)[0] == '\0' || strlen(*path) >= 4096 ||
			  strlen(*path) != json_string_length(json_object_get(*body, PD_F_PATH))))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be a path in the container",
			       PD_F_PATH);
	return http_take_client_fd(req, remote, err);
}

static void
api_copy(struct podd *d, struct evhttp_request *req, const char *arg, enum copy_kind kind)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, no_params, &err);
	const char *path = NULL;
	struct container *c;
	struct http_pending *p;
	int fd;

	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	c = container_find(d, arg, &err);
	if (c == NULL) {
		http_reply_error(req, &err);
		return;
	}
	fd = copy_body(req, kind != COPY_EXPORT, &path, &body, &err);
	if (fd < 0) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (ctr_copy_start(c, kind, fd, path, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_container_copy_to(struct podd *d, struct evhttp_request *req, const char *arg)
{
	api_copy(d, req, arg, COPY_TO);
}

void
api_container_copy_from(struct podd *d, struct evhttp_request *req, const char *arg)
{
	api_copy(d, req, arg, COPY_FROM);
}

void
api_container_export(struct podd *d, struct evhttp_request *req, const char *arg)
{
	api_copy(d, req, arg, COPY_EXPORT);
}
