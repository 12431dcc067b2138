/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl attach NAME`: attach to a running container's terminal or
 * stdio through its attach socket (lib/attach.h), as docker attach does:
 * its output here, podctl's stdin to it if it keeps one open (-i), the
 * detach keys to leave it running. Exits with the container's exit code,
 * or 0 after a detach.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "detachkeys.h"
#include "json.h"
#include "session.h"
#include "xalloc.h"

enum { A_DETACH_KEYS, A_NO_STDIN };

static const struct flag_spec attach_flags[] = {
    [A_DETACH_KEYS] = {"detach-keys", NULL, 0, FLAG_VALUE, "KEYS",
		       "keys that detach, e.g. ctrl-x,q (default: " DETACHKEYS_DEFAULT
		       "; \"\": none)"},
    [A_NO_STDIN] = {"no-stdin", NULL, 0, FLAG_BOOL, NULL, "do not send podctl's stdin"},
    {.name = NULL},
};

static const struct cmd_usage attach_usage = {
    .name = "attach",
    .operands = "NAME",
    .operand_what = "container name",
    .summary = "Attach to a running container: its output here and, if it was started\n"
	       "with -i, podctl's stdin to it. With a terminal (-t), the local one is\n"
	       "put in raw mode, so Ctrl-C goes to the container; Ctrl-P Ctrl-Q (see\n"
	       "--detach-keys) detaches and leaves it running. Exits with the\n"
	       "container's exit code, or 0 after a detach.",
    .flags = attach_flags,
    .min_operands = 1,
    .max_operands = 1,
};

/* The session ended without an exit code (the monitor closed, or was gone
 * when podctl came): podd knows whether the container exited. */
static int
exit_code_from_podd(struct podctl *ctl, const char *ref, const char *path)
{
	cleanup_json json_t *ctr = NULL;
	struct pd_err err = {0};
	const json_t *code;
	const char *state;

	ctr = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (ctr == NULL)
		return cmd_error(&err);
	state = json_string_value(json_object_get(ctr, PD_F_STATE));
	code = json_object_get(ctr, PD_F_EXIT_CODE);
	if (state != NULL && strcmp(state, PD_STATE_EXITED) == 0 && json_is_integer(code))
		return (int)json_integer_value(code);
	pd_fail(&err, PD_E_SYSTEM, "container %.64s: its attach socket closed, but it is %s", ref,
		state != NULL ? state : "not known to have exited");
	return cmd_error(&err);
}

int
cmd_attach(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *ctr = NULL;
	cleanup_free char *path = NULL;
	struct session_opts opts = {0};
	struct session_result res = {0};
	int code;
	struct detachkeys keys;
	struct pd_err err = {0};
	const char *ref, *state, *sock_path;
	int rc;

	if (!cmd_parse(&attach_usage, argc, argv, &f, &rc))
		return rc;
	ref = f.args[0];
	if (ctr_check_ref(ref, &err) < 0)
		return cmd_usage_error(&attach_usage, "%s", err.msg);
	if (detachkeys_parse(f.v[A_DETACH_KEYS].value ?: DETACHKEYS_DEFAULT, &keys, &err) < 0)
		return cmd_usage_error(&attach_usage, "--detach-keys: %s", err.msg);
	path = ctr_path(ref, NULL, NULL);
	ctr = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (ctr == NULL)
		return cmd_error(&err);
	state = json_string_value(json_object_get(ctr, PD_F_STATE));
	if (state == NULL || strcmp(state, PD_STATE_RUNNING) != 0) {
		pd_fail(&err, PD_E_CONFLICT, "container %.64s is not running", ref);
		return cmd_error(&err);
	}
	sock_path = json_string_value(json_object_get(ctr, PD_F_ATTACH_SOCKET));
	if (sock_path == NULL) {
		pd_fail(&err, PD_E_SYSTEM, "podd's container %.64s has no %s", ref,
			PD_F_ATTACH_SOCKET);
		return cmd_error(&err);
	}
	opts.tty = json_is_true(json_object_get(ctr, PD_F_TTY));
	opts.interactive = json_is_true(json_object_get(ctr, PD_F_STDIN)) && !f.v[A_NO_STDIN].on;
	opts.keys = &keys;
	if (session_run(sock_path, &opts, &res, &err) < 0) {
		/* Gone between podd's answer and the connect: it exited. */
		if (err.kind == PD_E_NOT_FOUND)
			return exit_code_from_podd(ctl, ref, path);
		return cmd_error(&err);
	}
	if (session_exit_code(&res, &code))
		return code;
	return exit_code_from_podd(ctl, ref, path);
}
