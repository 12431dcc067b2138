/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl exec NAME CMD...`: run another process in a running container's
 * namespaces, as docker exec does. podd starts it (answering once CMD was
 * exec'd, so a missing command is exit 127 here, as with run) and gives
 * the session's attach socket (lib/attach.h), through which podctl shows
 * its output, sends its stdin (-i) and drives its terminal (-t); podctl
 * exits with its exit code. With -d it runs on without podctl, its output
 * dropped.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "detachkeys.h"
#include "json.h"
#include "session.h"
#include "xalloc.h"

enum { E_INTERACTIVE, E_TTY, E_DETACH, E_ENV, E_WORKDIR, E_USER, E_DETACH_KEYS };

static const struct flag_spec exec_flags[] = {
    [E_INTERACTIVE] = {"interactive", NULL, 'i', FLAG_BOOL, NULL,
		       "send podctl's stdin to the command"},
    [E_TTY] = {"tty", NULL, 't', FLAG_BOOL, NULL, "give the command a terminal"},
    [E_DETACH] = {"detach", NULL, 'd', FLAG_BOOL, NULL,
		  "run it in the background (its output is dropped)"},
    [E_ENV] = {"env", NULL, 'e', FLAG_LIST, "K=V",
	       "set an environment variable (K alone: podctl's value); repeatable"},
    [E_WORKDIR] = {"workdir", NULL, 'w', FLAG_VALUE, "DIR", "the command's working directory"},
    [E_USER] = {"user", NULL, 'u', FLAG_VALUE, "USER[:GROUP]",
		"run as this user (a name in the container's /etc/passwd, or UID[:GID])"},
    [E_DETACH_KEYS] = {"detach-keys", NULL, 0, FLAG_VALUE, "KEYS",
		       "keys that detach, e.g. ctrl-x,q (default: " DETACHKEYS_DEFAULT
		       "; \"\": none)"},
    {.name = NULL},
};

static const struct cmd_usage exec_usage = {
    .name = "exec",
    .operands = "NAME [--] CMD [ARG...]",
    .operand_what = "container name",
    .summary = "Run CMD in a running container, attached to its output, and exit with\n"
	       "its exit code; with -d, in the background. Flags end at NAME: what\n"
	       "follows is the command. With -it the local terminal is put in raw mode,\n"
	       "so Ctrl-C goes to CMD; Ctrl-P Ctrl-Q (see --detach-keys) detaches and\n"
	       "leaves it running.",
    .flags = exec_flags,
    .min_operands = 2,
    .max_operands = -1,
    .flag_opts = FLAGS_STOP_AT_OPERAND,
};

/* The body of POST .../exec. PD_E_INVALID. */
static json_t *
exec_body(const struct flags *f, struct pd_err *err)
{
	cleanup_json json_t *body = json_object();
	const struct flag_value *v = f->v;
	size_t cmd = 1;

	if (strcmp(f->args[cmd], "--") == 0)
		cmd++;
	if (cmd == f->nargs) {
		pd_fail(err, PD_E_INVALID, "exec needs a command after NAME");
		return NULL;
	}
	if (body_set_strings(body, PD_F_COMMAND, (const char *const *)f->args + cmd, f->nargs - cmd,
			     "command argument", err) < 0)
		return NULL;
	if (v[E_ENV].count > 0 && body_set_env(body, &v[E_ENV], err) < 0)
		return NULL;
	if (v[E_WORKDIR].set &&
	    body_set_string(body, PD_F_WORKDIR, v[E_WORKDIR].value, "--workdir", err) < 0)
		return NULL;
	if (v[E_USER].set && body_set_user(body, v[E_USER].value, err) < 0)
		return NULL;
	if (body_set_terminal(body, v[E_TTY].on, v[E_INTERACTIVE].on, !v[E_DETACH].on, err) < 0)
		return NULL;
	json_object_set_new(body, PD_F_DETACH, json_boolean(v[E_DETACH].on));
	return steal_ptr(body);
}

/* Attach to the session podd started, to its end. */
static int
exec_attach(const struct flags *f, const json_t *reply, const struct detachkeys *keys)
{
	const char *sock_path = json_string_value(json_object_get(reply, PD_F_ATTACH_SOCKET));
	const char *id = json_string_value(json_object_get(reply, PD_F_ID)) ?: "?";
	struct session_opts opts = {
	    .tty = f->v[E_TTY].on,
	    .interactive = f->v[E_INTERACTIVE].on,
	    .keys = keys,
	};
	struct session_result res = {0};
	int code;
	struct pd_err err = {0};

	if (sock_path == NULL) {
		pd_fail(&err, PD_E_SYSTEM, "podd's exec session has no %s", PD_F_ATTACH_SOCKET);
		return cmd_error(&err);
	}
	if (session_run(sock_path, &opts, &res, &err) < 0) {
		if (err.kind == PD_E_NOT_FOUND)
			pd_fail(&err, PD_E_SYSTEM,
				"exec session %.12s: its process ended before podctl could attach",
				id);
		return cmd_error(&err);
	}
	if (session_exit_code(&res, &code))
		return code;
	pd_fail(&err, PD_E_SYSTEM,
		"exec session %.12s: the attach socket closed without an exit code", id);
	return cmd_error(&err);
}

int
cmd_exec(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *reply = NULL;
	cleanup_free char *path = NULL;
	struct detachkeys keys;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&exec_usage, argc, argv, &f, &rc))
		return rc;
	if (ctr_check_ref(f.args[0], &err) < 0)
		return cmd_usage_error(&exec_usage, "%s", err.msg);
	if (detachkeys_parse(f.v[E_DETACH_KEYS].value ?: DETACHKEYS_DEFAULT, &keys, &err) < 0)
		return cmd_usage_error(&exec_usage, "--detach-keys: %s", err.msg);
	body = exec_body(&f, &err);
	if (body == NULL)
		return cmd_usage_error(&exec_usage, "%s", err.msg);
	path = ctr_path(f.args[0], PD_ACTION_EXEC, NULL);
	reply = client_call(ctl->socket_path, "POST", path, body, &err);
	if (reply == NULL)
		return cmd_error(&err);
	if (f.v[E_DETACH].on)
		return 0; /* docker's exec -d prints nothing */
	return exec_attach(&f, reply, &keys);
}
