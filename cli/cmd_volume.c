/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl volume: create, ls, inspect, rm, prune. A volume is a directory
 * podd keeps under its root for containers (`run -v NAME:/path`), made on
 * first use and kept until removed; it is refused removal while a
 * container, running or not, names it.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

static const char *
field(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "-";
}

/* A volume name, checked by podctl for a quick message; podd checks again. */
static int
check_name(const char *name, struct pd_err *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > 127 || name[0] == '.' || name[0] == '-' || name[0] == '_' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return pd_fail(err, PD_E_INVALID,
			       "\"%.80s\" is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)", name);
	return 0;
}

/* ---- create ---------------------------------------------------------- */

enum { C_FORMAT, C_LABEL, C_DRIVER };

static const struct flag_spec create_flags[] = {
    [C_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the volume as JSON"},
    [C_LABEL] = {"label", NULL, 'l', FLAG_LIST, "K=V", "set a label; repeatable"},
    [C_DRIVER] = {"driver", NULL, 'd', FLAG_VALUE, "NAME", "local (the only one)"},
    {.name = NULL},
};

static const struct cmd_usage create_usage = {
    .name = "volume create",
    .operands = "[NAME]",
    .operand_what = "volume name",
    .summary = "Create a volume (a new id for a name when none is given) and print its\n"
	       "name. A volume that exists already is left as it is.",
    .flags = create_flags,
    .min_operands = 0,
    .max_operands = 1,
};

static int
volume_create(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = json_object(), *vol = NULL;
	struct pd_err err = {0};
	bool json;
	int rc;

	if (!cmd_parse(&create_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&create_usage, f.v[C_FORMAT].value, &json))
		return EXIT_PODCTL;
	if (f.v[C_DRIVER].value != NULL && strcmp(f.v[C_DRIVER].value, PD_VOLUME_DRIVER) != 0)
		return cmd_usage_error(&create_usage, "--driver: only %s is known, not \"%.40s\"",
				       PD_VOLUME_DRIVER, f.v[C_DRIVER].value);
	if (f.v[C_LABEL].count > 0) {
		json_t *labels = cmd_labels(&f.v[C_LABEL], &err);

		if (labels == NULL)
			return cmd_usage_error(&create_usage, "--label: %s", err.msg);
		json_object_set_new(body, PD_F_LABELS, labels);
	}
	if (f.nargs == 1) {
		if (check_name(f.args[0], &err) < 0)
			return cmd_error(&err);
		json_object_set_new(body, PD_F_NAME, json_string(f.args[0]));
	}
	vol = client_call(ctl->socket_path, "POST", PD_PATH_VOLUMES, body, &err);
	if (vol == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, vol) < 0 ? EXIT_PODCTL : 0;
	printf("%s\n", field(vol, PD_F_NAME));
	return 0;
}

/* ---- ls -------------------------------------------------------------- */

enum { L_QUIET, L_FORMAT, L_FILTER };

static const struct flag_spec ls_flags[] = {
    [L_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the volumes' names"},
    [L_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the volumes as JSON"},
    /* issue 16, ux */
    [L_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "KEY=VALUE",
		  "only matching volumes: name, label, dangling, driver"},
    {.name = NULL},
};

static const struct cmd_usage ls_usage = {
    .name = "volume ls",
    .operands = "",
    .summary = "List volumes. Also: volume list.",
    .flags = ls_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static int
volume_ls(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {"DRIVER", "VOLUME NAME", "CONTAINERS"};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *vols = NULL;
	cleanup_table struct table t = {0};
	int rc;

	vols = cmd_list_with_filter(ctl, &ls_usage, argc, argv, &f, L_FORMAT, L_FILTER,
				    FILTER_VOLUMES, PD_PATH_VOLUMES, "volumes", &rc);
	if (vols == NULL)
		return rc;
	if (!f.v[L_QUIET].on)
		table_init(&t, sizeof(header) / sizeof(header[0]), header);
	for (size_t i = 0; i < json_array_size(vols); i++) {
		const json_t *v = json_array_get(vols, i);
		cleanup_free char *users =
		    xasprintf("%zu", json_array_size(json_object_get(v, PD_F_CONTAINERS)));
		const char *row[] = {field(v, PD_F_DRIVER), field(v, PD_F_NAME), users};

		if (f.v[L_QUIET].on)
			printf("%s\n", row[1]);
		else
			table_add_row(&t, row);
	}
	if (!f.v[L_QUIET].on)
		table_print(&t, stdout);
	return 0;
}

/* ---- inspect and rm --------------------------------------------------- */

static const struct flag_spec no_flags[] = {{.name = NULL}};

static const struct cmd_usage inspect_usage = {
    .name = "volume inspect",
    .operands = "NAME...",
    .operand_what = "volume name",
    .summary = "Print volumes as a JSON array: where each is on the host and which\n"
	       "containers use it.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
volume_inspect(struct podctl *ctl, int argc, char **argv)
{
	return cmd_inspect_each(ctl, &inspect_usage, argc, argv, PD_PATH_VOLUMES, check_name);
}

enum { R_FORCE };

static const struct flag_spec rm_flags[] = {
    [R_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "no error for a volume that does not exist"},
    {.name = NULL},
};

static const struct cmd_usage rm_usage = {
    .name = "volume rm",
    .operands = "NAME...",
    .operand_what = "volume name",
    .summary = "Remove volumes and their data. A volume a container uses (running or\n"
	       "not) is not removed: remove the container first.",
    .flags = rm_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
volume_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc, last = 0;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_free char *path = NULL;
		cleanup_json json_t *j = NULL;
		struct pd_err err = {0};

		if (check_name(f.args[i], &err) < 0) {
			last = cmd_error(&err);
			continue;
		}
		path = xasprintf("%s/%s%s", PD_PATH_VOLUMES, f.args[i],
				 f.v[R_FORCE].on ? "?" PD_Q_FORCE "=true" : "");
		j = client_call(ctl->socket_path, "DELETE", path, NULL, &err);
		if (j == NULL) {
			last = cmd_error(&err);
			if (err.kind == PD_E_UNAVAILABLE)
				return last;
			continue;
		}
		printf("%s\n", f.args[i]);
	}
	return last;
}

/* ---- prune ----------------------------------------------------------- */

enum { P_ALL, P_FORCE };

static const struct flag_spec prune_flags[] = {
    [P_ALL] = {"all", NULL, 'a', FLAG_BOOL, NULL, "named volumes too, not only anonymous ones"},
    [P_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "do not ask (podctl never asks)"},
    {.name = NULL},
};

static const struct cmd_usage prune_usage = {
    .name = "volume prune",
    .operands = "",
    .summary = "Remove the anonymous volumes no container uses (with --all, every\n"
	       "volume no container uses), and print their names.",
    .flags = prune_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static int
volume_prune(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *path = NULL;
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	const json_t *removed;
	int rc;

	if (!cmd_parse(&prune_usage, argc, argv, &f, &rc))
		return rc;
	path = xasprintf("%s/%s%s", PD_PATH_VOLUMES, PD_ACTION_PRUNE,
			 f.v[P_ALL].on ? "?" PD_Q_ALL "=true" : "");
	j = client_call(ctl->socket_path, "POST", path, NULL, &err);
	if (j == NULL)
		return cmd_error(&err);
	removed = json_object_get(j, PD_F_REMOVED);
	for (size_t i = 0; i < json_array_size(removed); i++)
		printf("%s\n", json_string_value(json_array_get(removed, i)) ?: "-");
	return 0;
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd volume_cmds[] = {
    {"create", volume_create, "create a volume"},
    {"ls", volume_ls, "list volumes (also: list)"},
    {"list", volume_ls, NULL},
    {"inspect", volume_inspect, "print volumes as JSON"},
    {"rm", volume_rm, "remove volumes"},
    {"prune", volume_prune, "remove volumes no container uses"},
    {.name = NULL},
};

static const struct cmd_group volume_group = {
    .name = "podctl volume",
    .summary = "Manage volumes: directories podd keeps for containers, mounted with\n"
	       "`run -v NAME:/path` (made on first use, filled with the image's content\n"
	       "at that path) and kept after the containers are gone.",
    .cmds = volume_cmds,
    .flags = NULL,
};

int
cmd_volume(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&volume_group, ctl, argc - 1, argv + 1);
}
