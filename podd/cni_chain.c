/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A network's CNI plugin chain, run from the loop; see cni_chain.h.
 */
#include "cni_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "task.h"
#include "xalloc.h"

/* A plugin that takes longer than this is killed (a hung DHCP, say). */
#define CNI_TIMEOUT_S 60

static const char *const cmd_names[] = {
    [CNI_ADD] = "ADD", [CNI_DEL] = "DEL", [CNI_CHECK] = "CHECK", [CNI_GC] = "GC"};

struct cni_op {
	TAILQ_ENTRY(cni_op) entry;
	struct podd *d;   /* borrowed */
	json_t *conflist; /* owned reference */
	enum cni_cmd cmd;
	char *container_id, *netns, *ifname, *args; /* owned, may be NULL */
	json_t *prev;                               /* owned: prevResult for the next plugin */
	json_t *valid;                              /* owned, GC only */
	size_t n, i;                                /* plugins, and the next one (in run order) */
	struct pd_err first_err;                    /* DEL: the first failure, kind 0 if none */
	struct event *kick;                         /* owned: the first step, off this call */
	cni_done_fn *done;                          /* NULL once cancelled */
	bool undo;                                  /* abandoned: DEL what this ADD made */
	void *arg;                                  /* borrowed */
};

static void
op_free(struct cni_op *op)
{
	if (op->kick != NULL)
		event_free(op->kick);
	json_decref(op->conflist);
	json_decref(op->prev);
	json_decref(op->valid);
	free(op->container_id);
	free(op->netns);
	free(op->ifname);
	free(op->args);
	free(op);
}

static void
op_end(struct cni_op *op, const struct pd_err *err)
{
	json_t *result = NULL;

	TAILQ_REMOVE(&op->d->cni_ops, op, entry);
	if (err == NULL && op->cmd == CNI_ADD)
		result = steal_ptr(op->prev);
	if (op->undo) {
		struct cni_req del = {.conflist = op->conflist,
				      .cmd = CNI_DEL,
				      .container_id = op->container_id,
				      .ifname = op->ifname,
				      .prev_result = result};
		struct pd_err e = {0};

		if (cni_run(op->d, &del, NULL, NULL, &e) == NULL)
			log_warn("%s", e.msg);
	}
	if (op->done != NULL)
		op->done(op->arg, result, err);
	else
		json_decref(result);
	op_free(op);
}

void
cni_error_message(const char *out, char *buf, size_t len)
{
	cleanup_json json_t *j = json_loads(out, 0, NULL);
	const char *msg = j != NULL ? json_string_value(json_object_get(j, "msg")) : NULL;
	const char *details = j != NULL ? json_string_value(json_object_get(j, "details")) : NULL;
	json_int_t code = j != NULL ? json_integer_value(json_object_get(j, "code")) : 0;

	/* A message cut to @len is still the plugin's message: truncation is
	 * accepted here, and the (void) says so. */
	if (msg == NULL)
		(void)snprintf(buf, len, "%s", "no error message");
	else if (details != NULL && details[0] != '\0')
		(void)snprintf(buf, len, "%s: %s (CNI error %lld)", msg, details, (long long)code);
	else
		(void)snprintf(buf, len, "%s (CNI error %lld)", msg, (long long)code);
	/* One line, whatever the plugin wrote. */
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* The plugin at run position @i (DEL runs the chain backwards). */
static const json_t *
plugin_at(const struct cni_op *op, size_t i)
{
	const json_t *plugins = json_object_get(op->conflist, "plugins");

	return json_array_get(plugins, op->cmd == CNI_DEL ? op->n - 1 - i : i);
}

/* @type's executable in the CNI path, or NULL. */
static char *
find_plugin(const struct podd *d, const char *type)
{
	cleanup_free char *path = xstrdup(d->cfg.cni_path);
	char *save = NULL;

	for (char *dir = strtok_r(path, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		char *exe = xasprintf("%s/%s", dir, type);

		if (dir[0] == '/' && access(exe, X_OK) == 0)
			return exe;
		free(exe);
	}
	return NULL;
}

static void run_next(struct cni_op *op);

static void
on_plugin_done(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct cni_op *op = arg;
	const char *type = json_string_value(json_object_get(plugin_at(op, op->i), "type"));
	struct pd_err err = {0};
	char msg[PD_ERR_MSG_MAX];

	op->i++;
	if (exit_code != 0) {
		if (out_len > 0)
			cni_error_message(out, msg, sizeof(msg));
		else
			(void)snprintf(msg, sizeof(msg), "exited with code %d%s%s", exit_code,
				       errors[0] != '\0' ? ": " : "", errors);
		pd_fail(&err, PD_E_SYSTEM, "network \"%s\": %s %s: %s",
			json_string_value(json_object_get(op->conflist, "name")), type,
			cmd_names[op->cmd], msg);
		if (op->cmd != CNI_DEL) {
			op_end(op, &err);
			return;
		}
		/* DEL goes on, so that what the other plugins hold is freed. */
		log_warn("%s", err.msg);
		if (op->first_err.kind == 0)
			op->first_err = err;
	} else if (op->cmd == CNI_ADD) {
		json_t *result = json_loadb(out, out_len, 0, NULL);

		if (!json_is_object(result)) {
			json_decref(result);
			pd_fail(&err, PD_E_SYSTEM, "network \"%s\": %s ADD: its result is not JSON",
				json_string_value(json_object_get(op->conflist, "name")), type);
			op_end(op, &err);
			return;
		}
		json_decref(op->prev);
		op->prev = result;
	}
	run_next(op);
}

/* The config the plugin reads on stdin: its own object, with the network's
 * name and version, and prevResult or the GC list. */
static char *
plugin_config(const struct cni_op *op, const json_t *plugin)
{
	cleanup_json json_t *conf = json_deep_copy(plugin);

	json_object_set(conf, "name", json_object_get(op->conflist, "name"));
	json_object_set(conf, "cniVersion", json_object_get(op->conflist, "cniVersion"));
	if (op->prev != NULL && op->cmd != CNI_GC)
		json_object_set(conf, "prevResult", op->prev);
	if (op->cmd == CNI_GC)
		json_object_set(conf, "cni.dev/valid-attachments", op->valid);
	return pd_json_dump(conf);
}

/* Free the heap entries of a plugin's environment: all but the first. */
static void
free_env_tail(char *(*envp)[8])
{
	for (size_t i = 1; i < 8 && (*envp)[i] != NULL; i++)
		free((*envp)[i]);
}

static void
run_next(struct cni_op *op)
{
	const json_t *plugin;
	cleanup_free char *exe = NULL, *config = NULL;
	/* envp[0] is a literal; the rest are ours until the task has copied them. */
	__attribute__((cleanup(free_env_tail))) char *envp[8] = {0};
	char *argv[2];
	size_t n = 0;
	struct pd_err err = {0};
	const char *type;

	envp[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	if (op->i >= op->n) {
		op_end(op, op->first_err.kind != 0 ? &op->first_err : NULL);
		return;
	}
	plugin = plugin_at(op, op->i);
	type = json_string_value(json_object_get(plugin, "type"));
	exe = find_plugin(op->d, type);
	if (exe == NULL) {
		pd_fail(&err, PD_E_INVALID, "network \"%s\": CNI plugin \"%s\" not found in %s",
			json_string_value(json_object_get(op->conflist, "name")), type,
			op->d->cfg.cni_path);
		if (op->cmd == CNI_DEL && op->first_err.kind == 0)
			op->first_err = err;
		if (op->cmd == CNI_DEL) {
			op->i++;
			run_next(op);
			return;
		}
		op_end(op, &err);
		return;
	}
	config = plugin_config(op, plugin);
	envp[n++] = xasprintf("CNI_COMMAND=%s", cmd_names[op->cmd]);
	envp[n++] = xasprintf("CNI_PATH=%s", op->d->cfg.cni_path);
	if (op->container_id != NULL)
		envp[n++] = xasprintf("CNI_CONTAINERID=%s", op->container_id);
	if (op->netns != NULL)
		envp[n++] = xasprintf("CNI_NETNS=%s", op->netns);
	if (op->ifname != NULL)
		envp[n++] = xasprintf("CNI_IFNAME=%s", op->ifname);
	if (op->args != NULL)
		envp[n++] = xasprintf("CNI_ARGS=%s", op->args);
	envp[n] = NULL;
	argv[0] = exe;
	argv[1] = NULL;
	{
		struct task_io io = {.argv = argv,
				     .envp = envp,
				     .input = config,
				     .input_len = strlen(config),
				     .timeout_s = CNI_TIMEOUT_S,
				     /* An ADD cut by a crash of podd is undone by
				      * the restarted podd's DEL (store.c): it must
				      * not finish after it. A DEL runs on. */
				     .die_with_podd = op->cmd == CNI_ADD,
				     .stdin_fd = -1,
				     .stdout_fd = -1};

		if (task_run_io(op->d, &io, on_plugin_done, op, &err) < 0) {
			pd_err_prefix(&err, "network \"%s\"",
				      json_string_value(json_object_get(op->conflist, "name")));
			op_end(op, &err);
		}
	}
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	run_next(arg);
}

struct cni_op *
cni_run(struct podd *d, const struct cni_req *req, cni_done_fn *done, void *arg, struct pd_err *err)
{
	const json_t *plugins = json_object_get(req->conflist, "plugins");
	const struct timeval now = {0, 0};
	struct cni_op *op;

	if (!json_is_array(plugins) || json_array_size(plugins) == 0) {
		pd_fail(err, PD_E_INVALID, "the network's conflist has no plugins");
		return NULL;
	}
	op = xcalloc(1, sizeof(*op));
	op->d = d;
	op->conflist = json_incref((json_t *)req->conflist);
	op->cmd = req->cmd;
	op->container_id = dup_or_null(req->container_id);
	op->netns = dup_or_null(req->netns);
	op->ifname = dup_or_null(req->ifname);
	op->args = dup_or_null(req->args);
	if (req->prev_result != NULL)
		op->prev = json_deep_copy(req->prev_result);
	if (req->valid_attachments != NULL)
		op->valid = json_deep_copy(req->valid_attachments);
	op->n = json_array_size(plugins);
	op->done = done;
	op->arg = arg;
	TAILQ_INSERT_TAIL(&d->cni_ops, op, entry);
	log_debug("network \"%s\": CNI %s for %.12s",
		  json_string_value(json_object_get(op->conflist, "name")), cmd_names[op->cmd],
		  op->container_id != NULL ? op->container_id : "-");
	/* The first plugin is spawned from the loop, so that @done never runs
	 * within this call. */
	op->kick = evtimer_new(d->base, on_kick, op);
	if (op->kick == NULL || evtimer_add(op->kick, &now) < 0) {
		TAILQ_REMOVE(&d->cni_ops, op, entry);
		op_free(op);
		pd_fail(err, PD_E_SYSTEM, "cannot schedule the CNI plugins");
		return NULL;
	}
	return op;
}

void
cni_cancel(struct cni_op *op)
{
	op->done = NULL;
}

void
cni_abandon(struct cni_op *op)
{
	op->done = NULL;
	op->undo = op->cmd == CNI_ADD;
}

void
cni_free_all(struct podd *d)
{
	struct cni_op *op;

	while ((op = TAILQ_FIRST(&d->cni_ops)) != NULL) {
		TAILQ_REMOVE(&d->cni_ops, op, entry);
		op_free(op);
	}
}
