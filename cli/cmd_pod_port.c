/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl pod port: the published ports of a pod, listed as docker's
 * `port` lists a container's, and added to or removed from a running pod
 * (which docker and podman cannot do: they publish at create only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "body.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "name.h"
#include "xalloc.h"

static const struct flag_spec no_flags[] = {{.name = NULL}};

static int
check_pod(const char *ref, struct pd_err *err)
{
	return pd_is_id_prefix(ref) ? 0 : pd_name_validate(ref, "pod name", err);
}

/* "80/tcp -> 0.0.0.0:18080" lines, as `docker port`; with @only
 * ("80" or "80/udp"), the host sides of that port alone. Returns the
 * number of lines. */
static int
print_ports(const json_t *owner, const char *only)
{
	const json_t *ports = json_object_get(owner, PD_F_PORTS), *p;
	size_t i;
	int n = 0;

	json_array_foreach (ports, i, p) {
		long long port = json_integer_value(json_object_get(p, PD_F_POD_PORT));
		const char *proto = json_string_value(json_object_get(p, PD_F_PROTOCOL));
		const char *ip = json_string_value(json_object_get(p, PD_F_HOST_IP));
		long long host = json_integer_value(json_object_get(p, PD_F_HOST_PORT));
		char want[32];

		(void)snprintf(want, sizeof(want), "%lld/%s", port, proto);
		if (only != NULL && strcmp(only, want) != 0 &&
		    !(strchr(only, '/') == NULL && strcmp(proto, "tcp") == 0 &&
		      strtoll(only, NULL, 10) == port))
			continue;
		if (only != NULL)
			printf("%s:%lld\n", ip, host);
		else
			printf("%s -> %s:%lld\n", want, ip, host);
		n++;
	}
	return n;
}

static const struct cmd_usage list_usage = {
    .name = "pod port",
    .operands = "POD",
    .operand_what = "pod name",
    .summary = "List the pod's published ports, as POD_PORT/PROTO -> HOST_IP:HOST_PORT.\n"
	       "`pod port add` and `pod port rm` change them on a running pod.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = 1,
};

static int
port_list(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *path = NULL;
	cleanup_json json_t *pod = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&list_usage, argc, argv, &f, &rc))
		return rc;
	if (check_pod(f.args[0], &err) < 0)
		return cmd_error(&err);
	path = xasprintf("%s/%s", PD_PATH_PODS, f.args[0]);
	pod = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (pod == NULL)
		return cmd_error(&err);
	print_ports(pod, NULL);
	return 0;
}

static const struct cmd_usage add_usage = {
    .name = "pod port add",
    .operands = "POD [HOSTIP:]HOSTPORT[-END]:PORT[-END][/PROTO]...",
    .operand_what = "pod name",
    .summary = "Publish more of a pod's ports on the host, at once if it runs.",
    .flags = no_flags,
    .min_operands = 2,
    .max_operands = -1,
};

static int
port_add(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *path = NULL;
	cleanup_json json_t *body = json_object(), *pod = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&add_usage, argc, argv, &f, &rc))
		return rc;
	if (check_pod(f.args[0], &err) < 0 ||
	    body_set_strings(body, PD_F_PORTS, (const char *const *)f.args + 1, f.nargs - 1, "port",
			     &err) < 0)
		return cmd_error(&err);
	path = xasprintf("%s/%s/%s", PD_PATH_PODS, f.args[0], PD_ACTION_PORTS);
	pod = client_call(ctl->socket_path, "POST", path, body, &err);
	if (pod == NULL)
		return cmd_error(&err);
	print_ports(pod, NULL);
	return 0;
}

static const struct cmd_usage rm_usage = {
    .name = "pod port rm",
    .operands = "POD [HOSTIP:]HOSTPORT[-END][/PROTO]...",
    .operand_what = "pod name",
    .summary = "Stop publishing ports of a pod, named by their host side (tcp unless\n"
	       "/udp is given). Connections through them are closed.",
    .flags = no_flags,
    .min_operands = 2,
    .max_operands = -1,
};

static int
port_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct pd_err err = {0};
	int rc = 0;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	if (check_pod(f.args[0], &err) < 0)
		return cmd_error(&err);
	for (size_t i = 1; i < f.nargs; i++) {
		cleanup_free char *query = ctr_query_escape(f.args[i]);
		cleanup_free char *path = xasprintf("%s/%s/%s?%s=%s", PD_PATH_PODS, f.args[0],
						    PD_ACTION_PORTS, PD_Q_PORT, query);
		json_t *pod = client_call(ctl->socket_path, "DELETE", path, NULL, &err);

		if (pod == NULL) {
			rc = cmd_error(&err);
			if (err.errnum != 0)
				break;
			continue;
		}
		printf("%s\n", f.args[i]);
		json_decref(pod);
	}
	return rc;
}

static const struct cmd port_cmds[] = {
    {"add", port_add, "publish more ports"},
    {"rm", port_rm, "stop publishing ports"},
    {.name = NULL},
};

static const struct cmd_group port_group = {
    .name = "podctl pod port",
    .summary = "A pod's published ports: `pod port POD` lists them.",
    .cmds = port_cmds,
    .flags = NULL,
};

int
cmd_pod_port(struct podctl *ctl, int argc, char **argv)
{
	/* "pod port POD" lists; "pod port add|rm ..." changes. */
	if (walk_mode() == WALK_MAN) { /* issue 16: the man page has both */
		port_list(ctl, argc, argv);
		return cmd_dispatch(&port_group, ctl, argc - 1, argv + 1);
	}
	if (argc >= 2 && (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "rm") == 0 ||
			  strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cmd_dispatch(&port_group, ctl, argc - 1, argv + 1);
	return port_list(ctl, argc, argv);
}

/* issue 14, attach: podctl port CONTAINER|POD [PRIVATE_PORT[/PROTO]] */
static const struct cmd_usage port_usage = {
    .name = "port",
    .operands = "CONTAINER|POD [PRIVATE_PORT[/PROTO]]",
    .operand_what = "container name",
    .summary = "List the published ports of a container (a container in a pod: its pod's)\n"
	       "or of a pod, as PORT/PROTO -> HOST_IP:HOST_PORT; with PRIVATE_PORT, the\n"
	       "host sides of that port only.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = 2,
};

int
cmd_port(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *path = NULL;
	cleanup_json json_t *owner = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&port_usage, argc, argv, &f, &rc))
		return rc;
	if (check_pod(f.args[0], &err) < 0)
		return cmd_error(&err);
	path = xasprintf("%s/%s", PD_PATH_CONTAINERS, f.args[0]);
	owner = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (owner == NULL && err.kind == PD_E_NOT_FOUND) {
		free(path);
		path = xasprintf("%s/%s", PD_PATH_PODS, f.args[0]);
		err = (struct pd_err){0};
		owner = client_call(ctl->socket_path, "GET", path, NULL, &err);
		if (owner == NULL && err.kind == PD_E_NOT_FOUND)
			pd_fail(&err, PD_E_NOT_FOUND, "no container or pod \"%s\"", f.args[0]);
	}
	if (owner == NULL)
		return cmd_error(&err);
	if (print_ports(owner, f.nargs > 1 ? f.args[1] : NULL) == 0 && f.nargs > 1) {
		pd_fail(&err, PD_E_NOT_FOUND, "no public port '%s' published for %s", f.args[1],
			f.args[0]);
		return cmd_error(&err);
	}
	return 0;
}
