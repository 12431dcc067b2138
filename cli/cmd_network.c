/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl network: create, ls, inspect, rm. A network is a CNI conflist
 * that podd runs to attach a pod: one it writes for netplug (a bridge and
 * a subnet), or one the user gives, which may chain any CNI plugins.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "name.h"
#include "output.h"
#include "xalloc.h"

/* ---- create ---------------------------------------------------------- */

enum { C_SUBNET, C_GATEWAY, C_BRIDGE, C_CONFLIST, C_FORMAT, C_INTERNAL, C_IPV6, C_LABEL };

static const struct flag_spec create_flags[] = {
    [C_SUBNET] = {"subnet", NULL, 0, FLAG_LIST, "CIDR",
		  "its subnet (default: a free 10.78.N.0/24); twice: an IPv4 and an IPv6 one"},
    [C_GATEWAY] = {"gateway", NULL, 0, FLAG_LIST, "IP",
		   "the bridge's address, once per family (default: the subnet's first)"},
    [C_BRIDGE] = {"bridge", NULL, 0, FLAG_VALUE, "NAME", "its bridge (default: pd-NAME)"},
    [C_CONFLIST] = {"conflist", NULL, 0, FLAG_VALUE, "FILE",
		    "a CNI conflist to run as it is, instead of the flags above"},
    [C_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the network as JSON"},
    [C_INTERNAL] = {"internal", NULL, 0, FLAG_BOOL, NULL,
		    "no way out: pods reach each other and the host only (no masquerade)"},
    [C_IPV6] = {"ipv6", NULL, 0, FLAG_BOOL, NULL,
		"dual-stack: an IPv6 subnet too (default: a free fd78:N::/64)"},
    [C_LABEL] = {"label", NULL, 0, FLAG_LIST, "K=V", "set a label; repeatable"}, /* issue 16 */
    {.name = NULL},
};

/* --subnet and --gateway, each given once or twice: a value with a ':' is
 * IPv6's. Returns -1 after an error. */
static int
add_families(json_t *body, const struct flag_value *subnets, const struct flag_value *gateways,
	     struct pd_err *err)
{
	json_t *list = json_array();

	for (size_t i = 0; i < gateways->count; i++) {
		const char *g = gateways->values[i];
		const char *key = strchr(g, ':') != NULL ? PD_F_GATEWAY6 : PD_F_GATEWAY;

		if (json_object_get(body, key) != NULL) {
			json_decref(list);
			return pd_fail(err, PD_E_INVALID,
				       "--gateway: give at most one per family (IPv4, IPv6)");
		}
		json_object_set_new(body, key, json_string(g));
	}
	for (size_t i = 0; i < subnets->count; i++)
		json_array_append_new(list, json_string(subnets->values[i]));
	if (subnets->count == 1)
		json_object_set(body, PD_F_SUBNET, json_array_get(list, 0));
	else if (subnets->count > 1)
		json_object_set(body, PD_F_SUBNET, list);
	json_decref(list);
	return 0;
}

static const struct cmd_usage create_usage = {
    .name = "network create",
    .operands = "NAME",
    .operand_what = "network name",
    .summary = "Create a network pods can join with `pod create --net NAME`: a bridge\n"
	       "and a subnet, served by netplug, or a CNI conflist of your own.",
    .flags = create_flags,
    .min_operands = 1,
    .max_operands = 1,
};

static int
network_create(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL, *net = NULL;
	struct pd_err err = {0};
	bool json;
	int rc;

	if (!cmd_parse(&create_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&create_usage, f.v[C_FORMAT].value, &json))
		return EXIT_PODCTL;
	if (pd_name_validate(f.args[0], "network name", &err) < 0)
		return cmd_error(&err);
	body = json_pack("{s:s}", PD_F_NAME, f.args[0]);
	if (f.v[C_CONFLIST].value != NULL) {
		json_t *c = pd_json_load_file(AT_FDCWD, f.v[C_CONFLIST].value, 1024 * 1024, &err);

		if (c == NULL)
			return cmd_error(&err);
		json_object_set_new(body, PD_F_CONFLIST, c);
	}
	if (add_families(body, &f.v[C_SUBNET], &f.v[C_GATEWAY], &err) < 0)
		return cmd_error(&err);
	if (f.v[C_INTERNAL].on)
		json_object_set_new(body, PD_F_INTERNAL, json_true());
	if (f.v[C_IPV6].on)
		json_object_set_new(body, PD_F_IPV6, json_true());
	if (f.v[C_BRIDGE].value != NULL)
		json_object_set_new(body, PD_F_BRIDGE, json_string(f.v[C_BRIDGE].value));
	if (f.v[C_LABEL].count > 0) { /* issue 16, ux */
		json_t *labels = cmd_labels(&f.v[C_LABEL], &err);

		if (labels == NULL)
			return cmd_error(&err);
		json_object_set_new(body, PD_F_LABELS, labels);
	}
	net = client_call(ctl->socket_path, "POST", PD_PATH_NETWORKS, body, &err);
	if (net == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, net) < 0 ? EXIT_PODCTL : 0;
	printf("%s\n", f.args[0]);
	return 0;
}

/* ---- ls -------------------------------------------------------------- */

enum { L_QUIET, L_FORMAT, L_FILTER };

static const struct flag_spec ls_flags[] = {
    [L_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the networks' names"},
    [L_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the networks as JSON"},
    /* issue 16, ux */
    [L_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "KEY=VALUE",
		  "only matching networks: name, id, label, driver, dangling, type"},
    {.name = NULL},
};

static const struct cmd_usage ls_usage = {
    .name = "network ls",
    .operands = "",
    .summary = "List networks. Also: network list.",
    .flags = ls_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static const char *
field(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "-";
}

static int
network_ls(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {"NAME",   "DRIVER", "SUBNET", "GATEWAY",
					     "BRIDGE", "PODS",   "SUBNET6"};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *nets = NULL;
	cleanup_table struct table t = {0};
	int rc;

	nets = cmd_list_with_filter(ctl, &ls_usage, argc, argv, &f, L_FORMAT, L_FILTER,
				    FILTER_NETWORKS, PD_PATH_NETWORKS, "networks", &rc);
	if (nets == NULL)
		return rc;
	if (!f.v[L_QUIET].on)
		table_init(&t, sizeof(header) / sizeof(header[0]), header);
	for (size_t i = 0; i < json_array_size(nets); i++) {
		const json_t *n = json_array_get(nets, i);
		cleanup_free char *pods =
		    xasprintf("%zu", json_array_size(json_object_get(n, PD_F_PODS)));
		const char *v6 = field(n, PD_F_SUBNET6);
		const char *row[] = {field(n, PD_F_NAME),   field(n, PD_F_DRIVER),
				     field(n, PD_F_SUBNET), field(n, PD_F_GATEWAY),
				     field(n, PD_F_BRIDGE), pods,
				     *v6 != '\0' ? v6 : "-"};

		if (f.v[L_QUIET].on)
			printf("%s\n", row[0]);
		else
			table_add_row(&t, row);
	}
	if (!f.v[L_QUIET].on)
		table_print(&t, stdout);
	return 0;
}

/* ---- inspect and rm --------------------------------------------------- */

static int
check_name(const char *name, struct pd_err *err)
{
	return pd_name_validate(name, "network name", err);
}

static const struct flag_spec no_flags[] = {{.name = NULL}};

static const struct cmd_usage inspect_usage = {
    .name = "network inspect",
    .operands = "NAME...",
    .operand_what = "network name",
    .summary = "Print networks as a JSON array, their CNI conflists included.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static const struct cmd_usage rm_usage = {
    .name = "network rm",
    .operands = "NAME...",
    .operand_what = "network name",
    .summary = "Remove networks (refused while a pod is on one). Its addresses and\n"
	       "bridge go with it.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
network_inspect(struct podctl *ctl, int argc, char **argv)
{
	return cmd_inspect_each(ctl, &inspect_usage, argc, argv, PD_PATH_NETWORKS, check_name);
}

static int
network_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	return cmd_each(ctl, &f, PD_PATH_NETWORKS, "DELETE", check_name, NULL);
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd network_cmds[] = {
    {"create", network_create, "create a network"},
    {"ls", network_ls, "list networks (also: list)"},
    {"list", network_ls, NULL},
    {"inspect", network_inspect, "print networks as JSON"},
    {"rm", network_rm, "remove networks"},
    /* issue 14, attach */
    {"connect", cmd_network_connect, "give a pod or container another interface on a network"},
    {"disconnect", cmd_network_disconnect, "remove a pod's or container's interface"},
    {.name = NULL},
};

static const struct cmd_group network_group = {
    .name = "podctl network",
    .summary = "Manage networks: CNI conflists pods are attached with.",
    .cmds = network_cmds,
    .flags = NULL,
};

int
cmd_network(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&network_group, ctl, argc - 1, argv + 1);
}
