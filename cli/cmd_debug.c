/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl debug (POD | CONTAINER | --process PID) [--target C] [--image IMAGE]
 * [--profile P] [--name N] -- CMD...: an ephemeral debug container, after
 * `kubectl debug`. Given a pod, it joins the pod's net, ipc and uts (and,
 * with --target, C's PID namespace); given a container, all four of that
 * container's; given a host process, all four of the process's, through a
 * pidfd (podd checks its start time at each start). It is a container like
 * any other (ps, logs, rm), marked ephemeral, and goes with its pod. The
 * profiles set capabilities as kubectl's do.
 */
#include <string.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "detachkeys.h"
#include "json.h"
#include "name.h"
#include "parse.h"
#include "xalloc.h"

#define DEBUG_IMAGE "netdebug"

enum { D_TARGET, D_PROCESS, D_IMAGE, D_PROFILE, D_NAME, D_TTY, D_INTERACTIVE, D_DETACH_KEYS };

static const struct flag_spec debug_flags[] = {
    [D_TARGET] = {"target", NULL, 0, FLAG_VALUE, "CONTAINER",
		  "join this container's PID namespace (with a pod)"},
    [D_PROCESS] = {"process", NULL, 0, FLAG_VALUE, "PID",
		   "join this host process's network, PID, IPC and UTS namespaces (no POD)"},
    [D_IMAGE] = {"image", NULL, 0, FLAG_VALUE, "IMAGE", "the image (default: " DEBUG_IMAGE ")"},
    [D_PROFILE] = {"profile", NULL, 0, FLAG_VALUE, "PROFILE",
		   "general (default: +SYS_PTRACE), netadmin (+NET_ADMIN, NET_RAW), sysadmin "
		   "(all), restricted (none)"},
    [D_NAME] = {"name", NULL, 0, FLAG_VALUE, "NAME", "the debug container's name"},
    [D_TTY] = {"tty", NULL, 't', FLAG_BOOL, NULL, "give the debug container a terminal"},
    [D_INTERACTIVE] = {"interactive", NULL, 'i', FLAG_BOOL, NULL,
		       "keep its stdin open and send podctl's to it"},
    [D_DETACH_KEYS] = {"detach-keys", NULL, 0, FLAG_VALUE, "KEYS",
		       "keys that detach, e.g. ctrl-x,q (default: " DETACHKEYS_DEFAULT
		       "; \"\": none)"},
    {.name = NULL},
};

static const struct cmd_usage debug_usage = {
    .name = "debug",
    .operands = "(POD | CONTAINER | --process PID) -- CMD [ARG...]",
    .operand_what = "pod or container name",
    .summary = "Run CMD in an ephemeral debug container that joins a pod's namespaces\n"
	       "(and, with --target, a container's PID namespace), all of a container's,\n"
	       "or all of a host process's (--process),\n"
	       "attached to its output. It stays until removed with podctl rm or with\n"
	       "its pod. With -it, a shell in it: the local terminal is put in raw mode,\n"
	       "Ctrl-C goes to the shell, Ctrl-P Ctrl-Q (see --detach-keys) detaches.",
    .flags = debug_flags,
    .min_operands = 1, /* 2 without --process: checked in cmd_debug */
    .max_operands = -1,
};

/* GET @path: the object (a new reference), NULL with *found false on 404,
 * NULL with @err on any other failure. */
static json_t *
lookup(const char *socket_path, const char *path, bool *found, struct pd_err *err)
{
	json_t *j = client_call(socket_path, "GET", path, NULL, err);

	*found = j != NULL || err->kind != PD_E_NOT_FOUND;
	if (j == NULL && !*found)
		pd_err_clear(err);
	return j;
}

/* The profile's capabilities into @body. */
static int
set_profile(json_t *body, const char *profile, struct pd_err *err)
{
	if (profile == NULL || strcmp(profile, "general") == 0)
		json_object_set_new(body, PD_F_CAP_ADD, json_pack("[s]", "SYS_PTRACE"));
	else if (strcmp(profile, "netadmin") == 0)
		json_object_set_new(body, PD_F_CAP_ADD,
				    json_pack("[s, s]", "NET_ADMIN", "NET_RAW"));
	else if (strcmp(profile, "sysadmin") == 0)
		json_object_set_new(body, PD_F_CAP_ADD, json_pack("[s]", "ALL"));
	else if (strcmp(profile, "restricted") == 0)
		json_object_set_new(body, PD_F_CAP_DROP, json_pack("[s]", "ALL"));
	else
		return pd_fail(err, PD_E_INVALID,
			       "unknown profile \"%.32s\" (use general, netadmin, sysadmin or "
			       "restricted)",
			       profile);
	return 0;
}

/* Join the namespaces of @target, a pod or a container. */
static int
set_target(struct podctl *ctl, const struct flags *f, json_t *body, struct pd_err *err)
{
	const char *target = f->args[0];
	const char *pid_target = f->v[D_TARGET].set ? f->v[D_TARGET].value : NULL;
	cleanup_free char *pod_path = xasprintf("%s/%s", PD_PATH_PODS, target);
	cleanup_free char *ctr = NULL;
	cleanup_json json_t *pod = NULL;
	cleanup_json json_t *c = NULL;
	const char *ctr_pod;
	bool found;

	if (!pd_is_id_prefix(target) && pd_name_validate(target, "pod or container name", err) < 0)
		return -1;
	if (pid_target != NULL && ctr_check_ref(pid_target, err) < 0)
		return pd_err_prefix(err, "--target");
	pod = lookup(ctl->socket_path, pod_path, &found, err);
	if (pod != NULL) {
		json_object_set_new(body, PD_F_POD, json_string(target));
		if (pid_target != NULL)
			json_object_set_new(body, PD_F_NS_PID,
					    json_sprintf("%s%s", PD_NS_MODE_CONTAINER, pid_target));
		return 0;
	}
	if (found)
		return -1;
	if (pid_target != NULL)
		return pd_fail(err, PD_E_INVALID,
			       "--target goes with a pod: given a container, podctl debug joins "
			       "its PID namespace already");
	ctr = ctr_path(target, NULL, NULL);
	c = lookup(ctl->socket_path, ctr, &found, err);
	if (c == NULL)
		return found ? -1
			     : pd_fail(err, PD_E_NOT_FOUND, "no such pod or container: %.80s",
				       target);
	ctr_pod = json_string_value(json_object_get(c, PD_F_POD));
	if (ctr_pod != NULL) {
		/* In a pod: the pod's namespaces, and the container's PIDs. */
		json_object_set_new(body, PD_F_POD, json_string(ctr_pod));
		json_object_set_new(body, PD_F_NS_PID,
				    json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
		return 0;
	}
	json_object_set_new(body, PD_F_NS_NETWORK,
			    json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
	json_object_set_new(body, PD_F_NS_IPC, json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
	json_object_set_new(body, PD_F_NS_UTS, json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
	json_object_set_new(body, PD_F_NS_PID, json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
	return 0;
}

int
cmd_debug(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = json_object();
	json_t *cmd = json_array();
	struct detachkeys keys;
	struct pd_err err = {0};
	int rc;

	json_object_set_new(body, PD_F_COMMAND, cmd);
	if (!cmd_parse(&debug_usage, argc, argv, &f, &rc))
		return rc;
	if (detachkeys_parse(f.v[D_DETACH_KEYS].value ?: DETACHKEYS_DEFAULT, &keys, &err) < 0)
		return cmd_usage_error(&debug_usage, "--detach-keys: %s", err.msg);
	if (f.v[D_NAME].set && pd_name_validate(f.v[D_NAME].value, "container name", &err) < 0)
		return cmd_usage_error(&debug_usage, "%s", err.msg);
	if (set_profile(body, f.v[D_PROFILE].set ? f.v[D_PROFILE].value : NULL, &err) < 0)
		return cmd_usage_error(&debug_usage, "%s", err.msg);
	if (f.v[D_PROCESS].set) {
		long long pid;

		if (f.v[D_TARGET].set)
			return cmd_usage_error(&debug_usage,
					       "--process and --target conflict: the container "
					       "takes the process's PID namespace");
		if (pd_parse_int(f.v[D_PROCESS].value, 1, 4194304, &pid, &err) < 0)
			return cmd_usage_error(&debug_usage, "--process: %s", err.msg);
		json_object_set_new(body, PD_F_TARGET_PROCESS, json_integer(pid));
	} else if (f.nargs < 2) {
		return cmd_usage_error(&debug_usage, "give a pod or a container, then CMD");
	} else if (set_target(ctl, &f, body, &err) < 0) {
		return cmd_error(&err);
	}
	for (size_t i = f.v[D_PROCESS].set ? 0 : 1; i < f.nargs; i++)
		json_array_append_new(cmd, json_string(f.args[i]));
	json_object_set_new(body, PD_F_IMAGE,
			    json_string(f.v[D_IMAGE].set ? f.v[D_IMAGE].value : DEBUG_IMAGE));
	if (f.v[D_NAME].set)
		json_object_set_new(body, PD_F_NAME, json_string(f.v[D_NAME].value));
	json_object_set_new(body, PD_F_EPHEMERAL, json_true());
	if (body_set_terminal(body, f.v[D_TTY].on, f.v[D_INTERACTIVE].on, true, &err) < 0)
		return cmd_error(&err);
	json_object_set_new(body, PD_F_START, json_false());
	return run_attached(ctl, body, stdout, &keys);
}
