/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container commands that make one request per container: ps, start,
 * stop, kill, rm, inspect and wait, and the `podctl container` noun that
 * gathers them with run and logs. Like docker's, each is also a top-level
 * command (`podctl ps`). A command over several containers goes on after a
 * failed one and exits with the last error's code. run, logs, exec and
 * attach, which stream, live in cmd_run.c, cmd_logs.c, cmd_exec.c and
 * cmd_attach.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "name.h"
#include "output.h"
#include "parse.h"
#include "xalloc.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)
#define STOP_DEFAULT  STRINGIFY(PD_STOP_TIMEOUT_DEFAULT_S)

/* What to do with podd's answer for one container. */
typedef int each_fn(const char *ref, json_t *reply, void *arg, struct pd_err *err);

/* Send @method to each container of @f's operands (with /@action and
 * ?@query if not NULL) and hand each answer to @fn. */
static int
each_container(struct podctl *ctl, const struct flags *f, const char *method, const char *action,
	       const char *query, each_fn *fn, void *arg)
{
	int rc = 0;

	for (size_t i = 0; i < f->nargs; i++) {
		const char *ref = f->args[i];
		cleanup_free char *path = NULL;
		cleanup_json json_t *reply = NULL;
		struct pd_err err = {0};

		if (ctr_check_ref(ref, &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = ctr_path(ref, action, query);
		reply = client_call(ctl->socket_path, method, path, NULL, &err);
		if (reply == NULL || fn(ref, reply, arg, &err) < 0) {
			rc = cmd_error(&err);
			/* A connection error would only repeat: it has an errno,
			 * podd's answers never do. */
			if (err.errnum != 0)
				break;
		}
	}
	return rc;
}

/* Print the container as the user named it: what docker's stop, rm... do. */
static int
print_ref(const char *ref, json_t *reply, void *arg, struct pd_err *err)
{
	(void)reply;
	(void)arg;
	(void)err;
	printf("%s\n", ref);
	return 0;
}

static const struct flag_spec no_flags[] = {{.name = NULL}};

/* ---- ps -------------------------------------------------------------- */

enum { P_ALL, P_POD, P_QUIET, P_FORMAT, P_FILTER, P_NO_TRUNC };

static const struct flag_spec ps_flags[] = {
    [P_ALL] = {"all", NULL, 'a', FLAG_BOOL, NULL, "all containers (default: running ones)"},
    [P_POD] = {"pod", NULL, 0, FLAG_VALUE, "POD", "only the containers of this pod"},
    [P_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the containers' ids"},
    [P_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the containers as JSON"},
    /* issue 16, ux */
    [P_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "KEY=VALUE",
		  "only matching containers: id, name, label, status, pod, ancestor, exited, "
		  "network, health"},
    [P_NO_TRUNC] = {"no-trunc", NULL, 0, FLAG_BOOL, NULL, "print full ids"},
    {.name = NULL},
};

static const struct cmd_usage ps_usage = {
    .name = "ps",
    .operands = "",
    .summary = "List containers: the running ones, or all with -a. Also: container ls.",
    .flags = ps_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static void
add_ctr_row(struct table *t, const json_t *ctr, time_t now, bool no_trunc)
{
	const char *id = json_string_value(json_object_get(ctr, PD_F_ID));
	const char *pod = json_string_value(json_object_get(ctr, PD_F_POD));
	cleanup_free char *short_id = id ? xstrndup(id, no_trunc ? PD_ID_LEN : PD_SHORT_ID) : NULL;
	cleanup_free char *image = ctr_image_text(ctr);
	cleanup_free char *command = ctr_command_text(json_object_get(ctr, PD_F_COMMAND));
	cleanup_free char *created = output_created(ctr, now);
	cleanup_free char *status = ctr_status_text(ctr, now);
	/* restart (issue 12): RESTARTS, as kubectl's. */
	cleanup_free char *restarts = xasprintf(
	    "%lld", (long long)json_integer_value(json_object_get(ctr, PD_F_RESTART_COUNT)));
	const char *row[] = {
	    short_id, json_string_value(json_object_get(ctr, PD_F_NAME)),
	    image,    command,
	    created,  status,
	    restarts, pod ?: "",
	};

	table_add_row(t, row);
}

int
cmd_ps(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {
	    "CONTAINER ID", "NAME", "IMAGE", "COMMAND", "CREATED", "STATUS", "RESTARTS", "POD",
	};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *ctrs = NULL;
	cleanup_json json_t *filters = NULL;
	cleanup_table struct table t = {0};
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	struct cmd_filter filter = {FILTER_CONTAINERS, NULL};
	const char *pod;
	bool all;
	int rc;

	if (!cmd_parse(&ps_usage, argc, argv, &f, &rc))
		return rc;
	filters = cmd_list_filters(&ps_usage, &f.v[P_FILTER], FILTER_CONTAINERS, &rc);
	if (filters == NULL)
		return rc;
	filter.filters = filters;
	/* As docker: asking for a state that is not running lists them all. */
	all = f.v[P_ALL].on || json_object_get(filters, "status") != NULL ||
	      json_object_get(filters, "exited") != NULL;
	pod = f.v[P_POD].value;
	/* Checked, so it needs no escaping. */
	if (pod != NULL && !pd_is_id_prefix(pod) && pd_name_validate(pod, "pod name", &err) < 0)
		return cmd_usage_error(&ps_usage, "--pod: %s", err.msg);
	path = xasprintf("%s?%s=%s", PD_PATH_CONTAINERS, PD_Q_ALL, all ? "true" : "false");
	if (pod != NULL) {
		char *with = xasprintf("%s&%s=%s", path, PD_Q_POD, pod);

		free(path);
		path = with;
	}
	ctrs = cmd_list_filtered(ctl, &ps_usage, &f, P_FORMAT, path, "containers", &filter, &rc);
	if (ctrs == NULL)
		return rc;
	if (f.v[P_QUIET].on) {
		output_ids(stdout, ctrs, f.v[P_NO_TRUNC].on);
		return 0;
	}
	table_init(&t, sizeof(header) / sizeof(header[0]), header);
	for (size_t i = 0; i < json_array_size(ctrs); i++)
		add_ctr_row(&t, json_array_get(ctrs, i), time(NULL), f.v[P_NO_TRUNC].on);
	table_print(&t, stdout);
	return 0;
}

/* ---- start ----------------------------------------------------------- */

static const struct cmd_usage start_usage = {
    .name = "start",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Start created or exited containers (without attaching to them).",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_start(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&start_usage, argc, argv, &f, &rc))
		return rc;
	return each_container(ctl, &f, "POST", PD_ACTION_START, NULL, print_ref, NULL);
}

/* ---- stop ------------------------------------------------------------ */

enum { S_TIME };

static const struct flag_spec stop_flags[] = {
    [S_TIME] = {"time", "timeout", 't', FLAG_VALUE, "SECS",
		"seconds between SIGTERM and SIGKILL (default: " STOP_DEFAULT ")"},
    {.name = NULL},
};

static const struct cmd_usage stop_usage = {
    .name = "stop",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Stop running containers: SIGTERM, then SIGKILL if the container has not\n"
	       "exited after the timeout. Returns once it has exited.",
    .flags = stop_flags,
    .min_operands = 1,
    .max_operands = -1,
};

/* stop and restart: ?timeout from -t, then @action on each container. */
static int
stop_or_restart(struct podctl *ctl, const struct cmd_usage *u, const char *action, int argc,
		char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = NULL;
	struct pd_err err = {0};
	long long secs;
	int rc;

	if (!cmd_parse(u, argc, argv, &f, &rc))
		return rc;
	if (f.v[S_TIME].set) {
		if (pd_parse_int(f.v[S_TIME].value, 0, PD_STOP_TIMEOUT_MAX_S, &secs, &err) < 0)
			return cmd_usage_error(u, "--time: %s", err.msg);
		query = xasprintf("%s=%lld", PD_Q_TIMEOUT, secs);
	}
	return each_container(ctl, &f, "POST", action, query, print_ref, NULL);
}

int
cmd_stop(struct podctl *ctl, int argc, char **argv)
{
	return stop_or_restart(ctl, &stop_usage, PD_ACTION_STOP, argc, argv);
}

/* ---- restart --------------------------------------------------------- */

static const struct cmd_usage restart_usage = {
    .name = "restart",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Stop containers (as stop does) and start them again. A container of its\n"
	       "own keeps its network, IPC and UTS namespaces, so a sidecar that joined\n"
	       "them (--network=container:NAME) keeps working.",
    .flags = stop_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_restart(struct podctl *ctl, int argc, char **argv)
{
	return stop_or_restart(ctl, &restart_usage, PD_ACTION_RESTART, argc, argv);
}

/* ---- kill ------------------------------------------------------------ */

enum { K_SIGNAL };

static const struct flag_spec kill_flags[] = {
    [K_SIGNAL] = {"signal", NULL, 's', FLAG_VALUE, "SIG",
		  "the signal: KILL, SIGKILL or 9 (default: KILL)"},
    {.name = NULL},
};

static const struct cmd_usage kill_usage = {
    .name = "kill",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Send a signal to the workload of running containers.",
    .flags = kill_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_kill(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = NULL;
	struct pd_err err = {0};
	int sig, rc;

	if (!cmd_parse(&kill_usage, argc, argv, &f, &rc))
		return rc;
	if (f.v[K_SIGNAL].set) {
		cleanup_free char *value = NULL;

		if (pd_parse_signal(f.v[K_SIGNAL].value, &sig, &err) < 0)
			return cmd_usage_error(&kill_usage, "--signal: %s", err.msg);
		/* As typed: podd parses it the same way and names it back. */
		value = ctr_query_escape(f.v[K_SIGNAL].value);
		query = xasprintf("%s=%s", PD_Q_SIGNAL, value);
	}
	return each_container(ctl, &f, "POST", PD_ACTION_KILL, query, print_ref, NULL);
}

/* ---- pause, unpause (issue 13, observe) -------------------------------- */

static const struct cmd_usage pause_usage = {
    .name = "pause",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Freeze every process of running containers (the cgroup freezer). A paused\n"
	       "container's state is \"paused\"; stop, kill and rm -f still end it.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static const struct cmd_usage unpause_usage = {
    .name = "unpause",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Thaw paused containers.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_pause(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&pause_usage, argc, argv, &f, &rc))
		return rc;
	return each_container(ctl, &f, "POST", PD_ACTION_PAUSE, NULL, print_ref, NULL);
}

int
cmd_unpause(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&unpause_usage, argc, argv, &f, &rc))
		return rc;
	return each_container(ctl, &f, "POST", PD_ACTION_UNPAUSE, NULL, print_ref, NULL);
}

/* ---- rm -------------------------------------------------------------- */

enum { R_FORCE, R_VOLUMES };

static const struct flag_spec rm_flags[] = {
    [R_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "kill a running container first"},
    [R_VOLUMES] = {"volumes", NULL, 'v', FLAG_BOOL, NULL,
		   "remove its anonymous volumes too (named ones stay)"},
    {.name = NULL},
};

static const struct cmd_usage rm_usage = {
    .name = "rm",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Remove containers and their logs. A running container is removed only\n"
	       "with --force.",
    .flags = rm_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = NULL;
	int rc;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	if (f.v[R_FORCE].on || f.v[R_VOLUMES].on)
		query = xasprintf("%s=%s&%s=%s", PD_Q_FORCE, f.v[R_FORCE].on ? "true" : "false",
				  PD_Q_VOLUMES, f.v[R_VOLUMES].on ? "true" : "false");
	return each_container(ctl, &f, "DELETE", NULL, query, print_ref, NULL);
}

/* ---- rename (issue 16, ux) --------------------------------------------- */

static const struct cmd_usage rename_usage = {
    .name = "rename",
    .operands = "CONTAINER NEW_NAME",
    .operand_what = "container name",
    .summary = "Give a container a new name; its id, files and namespaces stay.",
    .flags = no_flags,
    .min_operands = 2,
    .max_operands = 2,
};

int
cmd_rename(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *reply = NULL;
	cleanup_free char *query = NULL;
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&rename_usage, argc, argv, &f, &rc))
		return rc;
	if (ctr_check_ref(f.args[0], &err) < 0 ||
	    pd_name_validate(f.args[1], "container name", &err) < 0)
		return cmd_usage_error(&rename_usage, "%s", err.msg);
	query = xasprintf("%s=%s", PD_F_NAME, f.args[1]);
	path = ctr_path(f.args[0], PD_ACTION_RENAME, query);
	reply = client_call(ctl->socket_path, "POST", path, NULL, &err);
	return reply == NULL ? cmd_error(&err) : 0;
}

/* ---- inspect --------------------------------------------------------- */

enum { I_FORMAT };

static const struct flag_spec inspect_flags[] = {
    [I_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json (the default and only one)"},
    {.name = NULL},
};

static const struct cmd_usage inspect_usage = {
    .name = "inspect",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Print containers as a JSON array, as podd describes them.",
    .flags = inspect_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
collect(const char *ref, json_t *reply, void *arg, struct pd_err *err)
{
	(void)ref;
	(void)err;
	json_array_append(arg, reply);
	return 0;
}

int
cmd_inspect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *found = json_array();
	const char *format;
	int rc;

	if (!cmd_parse(&inspect_usage, argc, argv, &f, &rc))
		return rc;
	format = f.v[I_FORMAT].value;
	if (format != NULL && strcmp(format, "json") != 0)
		return cmd_usage_error(&inspect_usage, "--format is json, not \"%.64s\"", format);
	rc = each_container(ctl, &f, "GET", NULL, NULL, collect, found);
	if (output_json(stdout, found) < 0)
		return EXIT_PODCTL;
	return rc;
}

/* ---- wait ------------------------------------------------------------ */

static const struct cmd_usage wait_usage = {
    .name = "wait",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Wait until containers exit and print their exit codes, one a line.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
print_exit_code(const char *ref, json_t *reply, void *arg, struct pd_err *err)
{
	const json_t *code = json_object_get(reply, PD_F_EXIT_CODE);

	(void)arg;
	if (!json_is_integer(code))
		return pd_fail(err, PD_E_SYSTEM, "podd's answer to wait for \"%s\" has no %s", ref,
			       PD_F_EXIT_CODE);
	printf("%lld\n", (long long)json_integer_value(code));
	return 0;
}

int
cmd_wait(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&wait_usage, argc, argv, &f, &rc))
		return rc;
	/* Docker's wait prints each code as it comes, so a script sees the
	 * first container's before the second has exited. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return each_container(ctl, &f, "POST", PD_ACTION_WAIT, NULL, print_exit_code, NULL);
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd container_cmds[] = {
    {"run", cmd_run, "create and start a container, and attach to it (or -d)"},
    {"ls", cmd_ps, "list containers (also: ps, list)"},
    {"ps", cmd_ps, NULL},
    {"list", cmd_ps, NULL},
    {"exec", cmd_exec, "run a command in a running container"},
    {"attach", cmd_attach, "attach to a running container's terminal or output"},
    {"logs", cmd_logs, "print a container's output"},
    {"inspect", cmd_inspect, "print containers as JSON"},
    {"start", cmd_start, "start containers"},
    {"stop", cmd_stop, "stop containers"},
    {"restart", cmd_restart, "stop and start containers, in the same namespaces"},
    {"kill", cmd_kill, "send a signal to containers"},
    {"wait", cmd_wait, "wait for containers to exit"},
    {"rm", cmd_rm, "remove containers"},
    /* issue 13, observe */
    {"stats", cmd_stats, "show containers' CPU, memory, network and block I/O"},
    {"top", cmd_top, "list a container's processes"},
    {"pause", cmd_pause, "freeze containers"},
    {"unpause", cmd_unpause, "thaw paused containers"},
    {"update", cmd_update, "change the limits of containers"},
    /* issue 16, ux */
    {"create", cmd_create, "create a container without starting it"},
    {"rename", cmd_rename, "rename a container"},
    {"prune", cmd_container_prune, "remove every stopped container"},
    {.name = NULL},
};

static const struct cmd_group container_group = {
    .name = "podctl container",
    .summary = "Manage containers: processes with their own root file system, alone or\n"
	       "in a pod. Each command is also a top-level one (podctl ps, podctl run).",
    .cmds = container_cmds,
    .flags = NULL,
};

int
cmd_container(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&container_group, ctl, argc - 1, argv + 1);
}
