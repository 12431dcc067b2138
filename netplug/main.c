/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netplug, a CNI plugin: a bridge, a veth pair per attachment, host-local
 * style addresses, routes and lo, for CNI spec 0.3.0 to 1.1.0. A runtime
 * runs it once per operation with CNI_COMMAND and the other CNI_* variables
 * in the environment and the network config on stdin; it answers on stdout
 * with a result, nothing, or the spec's error object and a non-zero exit.
 *
 * main reads top to bottom as the protocol goes: the command, stdin, the
 * environment, the config (decode, version, fields, values), then the
 * command itself. Each stage that fails gives the spec's code for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "cni.h"
#include "fd.h"
#include "json.h"
#include "log.h"

static const cmd_fn commands[] = {
    [CNI_CMD_ADD] = cmd_add, [CNI_CMD_DEL] = cmd_del,       [CNI_CMD_CHECK] = cmd_check,
    [CNI_CMD_GC] = cmd_gc,   [CNI_CMD_STATUS] = cmd_status,
};

struct netplug {
	enum cni_cmd cmd;
	bool have_cmd;
	json_t *config; /* owned, may be NULL */
	struct cni_conf conf;
	struct cni_env env;
	json_t *result; /* owned, may be NULL: ADD's */
};

static const char *
env_get(const char *name)
{
	return getenv(name);
}

/* The config on stdin as JSON, or NULL with @err set. An empty stdin is
 * NULL with @err untouched (VERSION may come without one). */
static json_t *
read_config(struct pd_err *err, int *code)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	json_t *j;

	*code = CNI_E_IO;
	if (pd_fd_read_all(STDIN_FILENO, CNI_CONF_MAX, &buf, &len, err) < 0) {
		pd_err_prefix(err, "read the network config from stdin");
		return NULL;
	}
	*code = CNI_OK;
	if (strspn(buf, " \t\r\n") == len)
		return NULL;
	j = pd_json_load(buf, len, CNI_CONF_MAX, err);
	if (j == NULL) {
		*code = CNI_E_DECODE;
		pd_err_prefix(err, "network config");
	}
	return j;
}

static int
run(struct netplug *np, struct pd_err *err)
{
	int code;

	if (cni_command_parse(getenv("CNI_COMMAND"), &np->cmd, err) < 0)
		return CNI_E_ENV;
	np->have_cmd = true;
	/* All of stdin first, even when the environment is wrong: a runtime
	 * writing the config should not meet a closed pipe. */
	np->config = read_config(err, &code);
	if (code == CNI_E_IO)
		return code;
	if (cni_env_parse(np->cmd, env_get, &np->env, err) < 0)
		return CNI_E_ENV;
	if (code != CNI_OK)
		return code;
	if (np->cmd == CNI_CMD_VERSION)
		return CNI_OK;
	if (np->config == NULL) {
		pd_fail(err, PD_E_INVALID, "no network config on stdin");
		return CNI_E_DECODE;
	}
	if (cni_conf_version(np->config, np->cmd, &np->conf, err) < 0)
		return CNI_E_VERSION;
	if (cni_conf_check_fields(np->config, err) < 0)
		return CNI_E_FIELD;
	if (cni_conf_parse(np->config, np->cmd, &np->conf, err) < 0)
		return CNI_E_CONFIG;
	return commands[np->cmd](&np->conf, &np->env, &np->result, err);
}

/* Which operation failed, for the error's details. */
static void
describe(const struct netplug *np, char *buf, size_t len)
{
	const char *cmd = np->have_cmd ? cni_command_name(np->cmd) : "";
	const char *id = np->env.container_id, *net = np->conf.name;
	int n = snprintf(buf, len, "netplug %s%s%s%s%s%s%s", cmd, *id ? " of " : "", id,
			 *id ? "/" : "", np->env.ifname, *net ? " on network " : "", net);

	/* Every part is bounded (cni.h), so only a smaller @len cuts it. */
	if (n < 0 || (size_t)n >= len)
		(void)snprintf(buf, len, "netplug %s", cmd);
}

static int
reply(const char *text)
{
	struct pd_err err = {0};

	if (pd_fd_write_all(STDOUT_FILENO, text, strlen(text), &err) < 0 ||
	    pd_fd_write_all(STDOUT_FILENO, "\n", 1, &err) < 0) {
		log_error("write the reply: %s", err.msg);
		return 1;
	}
	return 0;
}

int
main(void)
{
	struct netplug np = {0};
	struct pd_err err = {0};
	cleanup_free char *out = NULL;
	int code, rc = 0;

	pd_log_init("netplug");
	code = run(&np, &err);
	if (code != CNI_OK) {
		char details[512];

		describe(&np, details, sizeof(details));
		out = cni_error_json(cni_reply_version(np.config), code, err.msg, details);
		(void)reply(out);
		rc = 1;
	} else if (np.cmd == CNI_CMD_VERSION) {
		out = cni_version_json(cni_reply_version(np.config));
		rc = reply(out);
	} else if (np.result != NULL) {
		out = pd_json_dump(np.result);
		rc = reply(out);
	}
	json_decref(np.result);
	json_decref(np.config);
	cni_conf_clear(&np.conf);
	return rc;
}
