/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl network connect / disconnect (issue 14, attach): another
 * interface (eth1, ...) for a pod or a container of its own, on a running
 * one at once, else at its next start; and its removal.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "name.h"
#include "xalloc.h"

enum { N_IP, N_ALIAS };

static const struct flag_spec connect_flags[] = {
    [N_IP] = {"ip", NULL, 0, FLAG_VALUE, "ADDR", "the IPv4 address to ask for on the network"},
    [N_ALIAS] = {"alias", NULL, 0, FLAG_LIST, "NAME",
		 "another name of it on the network; repeatable"},
    {.name = NULL},
};

static const struct flag_spec no_flags[] = {{.name = NULL}};

static const struct cmd_usage connect_usage = {
    .name = "network connect",
    .operands = "NETWORK POD|CONTAINER",
    .operand_what = "network name",
    .summary = "Give a pod or a container of its own one more interface (eth1, ...) on\n"
	       "NETWORK: at once when it runs, else from its next start.",
    .flags = connect_flags,
    .min_operands = 2,
    .max_operands = 2,
};

static const struct cmd_usage disconnect_usage = {
    .name = "network disconnect",
    .operands = "NETWORK POD|CONTAINER",
    .operand_what = "network name",
    .summary = "Remove a pod's or container's interface on NETWORK.",
    .flags = no_flags,
    .min_operands = 2,
    .max_operands = 2,
};

static int
check_refs(const struct flags *f, struct pd_err *err)
{
	if (pd_name_validate(f->args[0], "network name", err) < 0)
		return -1;
	return pd_is_id_prefix(f->args[1]) ? 0 : pd_name_validate(f->args[1], "name", err);
}

static int
post(struct podctl *ctl, const struct flags *f, const char *action, json_t *body)
{
	cleanup_free char *path = xasprintf("%s/%s/%s", PD_PATH_NETWORKS, f->args[0], action);
	cleanup_json json_t *reply = NULL;
	struct pd_err err = {0};

	reply = client_call(ctl->socket_path, "POST", path, body, &err);
	if (reply == NULL)
		return cmd_error(&err);
	return 0;
}

int
cmd_network_connect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&connect_usage, argc, argv, &f, &rc))
		return rc;
	if (check_refs(&f, &err) < 0)
		return cmd_error(&err);
	body = json_pack("{s:s}", "container", f.args[1]);
	if ((f.v[N_IP].value != NULL &&
	     body_set_string(body, PD_F_IP, f.v[N_IP].value, "--ip", &err) < 0) ||
	    (f.v[N_ALIAS].count > 0 && body_set_strings(body, PD_F_ALIASES, f.v[N_ALIAS].values,
							f.v[N_ALIAS].count, "--alias", &err) < 0))
		return cmd_error(&err);
	return post(ctl, &f, PD_ACTION_CONNECT, body);
}

int
cmd_network_disconnect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&disconnect_usage, argc, argv, &f, &rc))
		return rc;
	if (check_refs(&f, &err) < 0)
		return cmd_error(&err);
	body = json_pack("{s:s}", "container", f.args[1]);
	return post(ctl, &f, PD_ACTION_DISCONNECT, body);
}
