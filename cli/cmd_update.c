/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: `podctl update`, as docker's: change the limits (run's
 * limit flags, cli/limits_flags.h: only those given) and the restart
 * policy of containers, at once in the cgroup of a running one
 * (POST /v1/containers/X/update).
 */
#include <stdio.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "limits_flags.h"

enum {
	U_LIMITS,
	U_LIMITS_LAST = U_LIMITS + LIMITS_FLAG_N - 1,
	U_RESTART,
};

static const struct flag_spec update_flags[] = {
    LIMITS_FLAG_ROWS(U_LIMITS),
    [U_RESTART] = {"restart", NULL, 0, FLAG_VALUE, "POLICY",
		   "restart policy: no, on-failure[:N], always, unless-stopped"},
    {.name = NULL},
};

static const struct cmd_usage update_usage = {
    .name = "update",
    .operands = "NAME...",
    .operand_what = "container name",
    .summary = "Change the limits or the restart policy of containers; only the flags given\n"
	       "change. A running container's cgroup takes them at once.",
    .flags = update_flags,
    .min_operands = 1,
    .max_operands = -1,
};

int
cmd_update(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = json_object();
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&update_usage, argc, argv, &f, &rc))
		return rc;
	if (limits_flags_body(body, &f.v[U_LIMITS], &err) < 0)
		return cmd_usage_error(&update_usage, "%s", err.msg);
	if (f.v[U_RESTART].set)
		json_object_set_new(body, PD_F_RESTART_POLICY, json_string(f.v[U_RESTART].value));
	if (json_object_size(body) == 0)
		return cmd_usage_error(&update_usage,
				       "nothing to update: give a limit or --restart");
	rc = 0;
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_free char *path = NULL;
		cleanup_json json_t *reply = NULL;

		if (ctr_check_ref(f.args[i], &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = ctr_path(f.args[i], PD_ACTION_UPDATE, NULL);
		reply = client_call(ctl->socket_path, "POST", path, body, &err);
		if (reply == NULL) {
			rc = cmd_error(&err);
			if (err.errnum != 0)
				break;
			continue;
		}
		printf("%s\n", f.args[i]);
	}
	return rc;
}
