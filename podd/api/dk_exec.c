/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's exec instances: POST /containers/{id}/exec makes one
 * (its config, kept until its start), POST /exec/{id}/start runs it as a
 * podd exec session (exec.c: a shim of its own, an attach socket), hijacking
 * the connection to bridge it (dk_attach.c) unless {"Detach": true}; then
 * podd reads and drops the output itself, to learn the exit code. GET
 * /exec/{id}/json says whether it runs and how it ended; POST
 * /exec/{id}/resize sizes its terminal.
 *
 * dockerd too keeps exec instances only in memory: they are here, at most
 * EXEC_MAX, the oldest ended ones dropped first, and dropped once their
 * container is gone.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>

#include "attach.h"

#include "cleanup.h"
#include "container.h"
#include "ctr_spec.h"
#include "dk_stream.h"
#include "http.h"
#include "json.h"
#include "name.h"
#include "xalloc.h"

#define EXEC_MAX 256

struct dk_exec {
	TAILQ_ENTRY(dk_exec) entry;
	char id[PD_ID_LEN + 1];
	char ctr[PD_ID_LEN + 1]; /* its container's id */
	json_t *body;            /* owned: the create body */
	bool tty, in, out, err;
	bool started, running;
	int exit_code; /* -1: none yet */
	long long pid;
	struct dk_req *start; /* the start request while exec.c starts it */
	bool detach;
};

TAILQ_HEAD(dk_exec_list, dk_exec);
static struct dk_exec_list execs = TAILQ_HEAD_INITIALIZER(execs);
static size_t n_execs;

static void
exec_free(struct dk_exec *x)
{
	TAILQ_REMOVE(&execs, x, entry);
	n_execs--;
	dk_bridge_forget(x);
	json_decref(x->body);
	free(x);
}

/* Drop instances whose container is gone, and the oldest ended ones past
 * the bound. */
static void
prune(struct podd *d)
{
	struct dk_exec *x, *next;
	struct pd_err ignored;

	for (x = TAILQ_FIRST(&execs); x != NULL; x = next) {
		next = TAILQ_NEXT(x, entry);
		if (x->start != NULL || x->running)
			continue;
		if (n_execs >= EXEC_MAX || container_find(d, x->ctr, &ignored) == NULL)
			exec_free(x);
	}
}

static struct dk_exec *
exec_find(struct dk_req *r)
{
	const char *id = dk_arg(r, 0);
	struct dk_exec *x;
	struct pd_err ignored;

	prune(dk_podd(r));
	TAILQ_FOREACH (x, &execs, entry)
		if (strcmp(x->id, id) == 0 && container_find(dk_podd(r), x->ctr, &ignored) != NULL)
			return x;
	dk_reply_error(r, 404, "No such exec instance: %s", id);
	return NULL;
}

static bool
flag(const json_t *body, const char *key)
{
	return json_is_true(json_object_get(body, key));
}

void
dk_exec_create(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *reply = NULL;
	struct dk_exec *x;
	const json_t *cmd;

	if (c == NULL)
		return;
	body = dk_body_json(r, false, &err);
	if (body == NULL) {
		dk_reply_err(r, &err);
		return;
	}
	cmd = json_object_get(body, "Cmd");
	if (!json_is_array(cmd) || json_array_size(cmd) == 0) {
		dk_reply_error(r, 400, "No exec command specified");
		return;
	}
	if (flag(body, "Privileged")) {
		dk_reply_error(r, 400, "Privileged: privileged exec is not supported by podd");
		return;
	}
	if (c->rec.state == CTR_PAUSED) {
		dk_reply_error(r, 409, "Container %s is paused, unpause the container before exec",
			       c->rec.id);
		return;
	}
	if (c->rec.state != CTR_RUNNING) {
		dk_reply_error(r, 409, "Container %s is not running", c->rec.id);
		return;
	}
	prune(dk_podd(r));
	x = xcalloc(1, sizeof(*x));
	if (pd_id_generate(x->id, &err) < 0) {
		free(x);
		dk_reply_err(r, &err);
		return;
	}
	memcpy(x->ctr, c->rec.id, sizeof(x->ctr));
	x->tty = flag(body, "Tty");
	x->in = flag(body, "AttachStdin");
	x->out = flag(body, "AttachStdout");
	x->err = flag(body, "AttachStderr");
	x->exit_code = -1;
	x->body = json_incref(body);
	TAILQ_INSERT_TAIL(&execs, x, entry);
	n_execs++;
	reply = json_pack("{s:s}", "Id", x->id);
	dk_reply_json(r, 201, reply);
}

static void
on_exit_code(void *arg, int code)
{
	struct dk_exec *x = arg;

	x->running = false;
	x->exit_code = code;
}

/* The session runs: bridge it. */
static void
on_started(struct dk_req *r, const json_t *reply, void *arg)
{
	struct dk_exec *x = arg;
	const char *sock = json_string_value(json_object_get(reply, PD_F_ATTACH_SOCKET));
	struct pd_err err = {0};
	struct bufferevent *bev = NULL;
	struct podd *d = dk_podd(r);
	int fd;

	x->start = NULL;
	x->pid = json_integer_value(json_object_get(reply, PD_F_PID));
	fd = sock != NULL ? pd_attach_connect(sock, &err) : -1;
	if (fd < 0) {
		/* It ended already, before podd could listen: its code is lost. */
		x->exit_code = x->exit_code < 0 ? 0 : x->exit_code;
		if (x->detach)
			dk_reply_data(r, 200, "application/json", "", 0);
		else if ((bev = dk_hijack(r, "application/vnd.docker.raw-stream")) != NULL)
			bufferevent_free(bev);
		return;
	}
	if (x->detach)
		dk_reply_data(r, 200, "application/json", "", 0);
	else if ((bev = dk_hijack(r, "application/vnd.docker.raw-stream")) == NULL) { /* frees @r */
		close(fd);
		return;
	}
	x->running = true;
	if (dk_bridge_start(d, bev, fd, x->tty, x->id, on_exit_code, x, &err) < 0)
		x->running = false;
}

/* Docker's exec body as podd's /v1 exec body. */
static json_t *
v1_body(const struct dk_exec *x)
{
	const json_t *b = x->body, *v;
	json_t *j = json_pack("{s:O, s:b, s:b, s:b}", PD_F_COMMAND, json_object_get(b, "Cmd"),
			      PD_F_TTY, x->tty, PD_F_STDIN, x->in, PD_F_DETACH, false);

	if (json_is_array(v = json_object_get(b, "Env")))
		json_object_set(j, PD_F_ENV, (json_t *)v);
	if (json_is_string(v = json_object_get(b, "WorkingDir")) && json_string_length(v) > 0)
		json_object_set(j, PD_F_WORKDIR, (json_t *)v);
	if (json_is_string(v = json_object_get(b, "User")) && json_string_length(v) > 0)
		json_object_set(j, PD_F_USER, (json_t *)v);
	return j;
}

void
dk_exec_start(struct dk_req *r)
{
	struct dk_exec *x = exec_find(r);
	struct pd_err err = {0};
	struct exec_spec spec = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *v1 = NULL;
	struct container *c;
	struct http_pending *p;

	if (x == NULL)
		return;
	body = dk_body_json(r, true, &err);
	if (body == NULL && err.kind != 0) {
		dk_reply_err(r, &err);
		return;
	}
	if (x->started) {
		dk_reply_error(r, 409, "Exec %s has already run", x->id);
		return;
	}
	c = dk_container(r, x->ctr);
	if (c == NULL)
		return;
	x->detach = flag(body, "Detach");
	v1 = v1_body(x);
	if (exec_spec_parse(v1, &spec, &err) < 0) {
		exec_spec_clear(&spec);
		dk_reply_error(r, 400, "%s", err.msg);
		return;
	}
	x->started = true;
	x->start = r;
	p = dk_pending(r, on_started, NULL, x);
	if (exec_start(c, &spec, p, &err) < 0) {
		x->start = NULL;
		http_pending_reply_error(p, &err);
	}
	exec_spec_clear(&spec);
}

void
dk_exec_resize(struct dk_req *r)
{
	struct dk_exec *x = exec_find(r);
	unsigned rows, cols;

	if (x == NULL || dk_resize_query(r, &rows, &cols) < 0)
		return;
	if (!dk_bridge_resize(x->id, rows, cols)) {
		dk_reply_error(r, 409, "Exec %s is not running", x->id);
		return;
	}
	dk_reply_data(r, 200, "text/plain", "", 0);
}

void
dk_exec_inspect(struct dk_req *r)
{
	struct dk_exec *x = exec_find(r);
	cleanup_json json_t *j = NULL;
	const json_t *cmd;
	const char *user, *wd;

	if (x == NULL)
		return;
	cmd = json_object_get(x->body, "Cmd");
	user = json_string_value(json_object_get(x->body, "User"));
	wd = json_string_value(json_object_get(x->body, "WorkingDir"));
	j = json_pack("{s:s, s:b, s:o, s:I, s:b, s:b, s:b, s:b, s:b, s:s, s:s, s:s, "
		      "s:{s:s, s:s, s:o, s:b, s:s}}",
		      "ID", x->id, "Running", x->running, "ExitCode",
		      x->exit_code >= 0 && !x->running ? json_integer(x->exit_code) : json_null(),
		      "Pid", (json_int_t)x->pid, "OpenStdin", x->in, "OpenStdout", x->out,
		      "OpenStderr", x->err, "CanRemove", false, "Privileged", false, "ContainerID",
		      x->ctr, "DetachKeys", "", "WorkingDir", wd != NULL ? wd : "", "ProcessConfig",
		      "entrypoint", json_string_value(json_array_get(cmd, 0)), "user",
		      user != NULL ? user : "", "arguments", json_array(), "tty", x->tty,
		      "privileged", "false");
	/* ProcessConfig's arguments: the command after its first word. */
	for (size_t i = 1; i < json_array_size(cmd); i++)
		json_array_append(json_object_get(json_object_get(j, "ProcessConfig"), "arguments"),
				  json_array_get(cmd, i));
	json_object_set_new(json_object_get(j, "ProcessConfig"), "privileged", json_false());
	dk_reply_json(r, 200, j);
}

void
dk_exec_teardown(void)
{
	struct dk_exec *x;

	while ((x = TAILQ_FIRST(&execs)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		exec_free(x);
}
