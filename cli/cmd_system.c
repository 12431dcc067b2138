/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl version` and `podctl info`: what podctl and podd are, and where
 * podd keeps its state. Both read one endpoint and print it as text, or as
 * podd's JSON with --format json.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

enum { F_FORMAT };

static const struct flag_spec format_flags[] = {
    [F_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print podd's answer as JSON"},
    {.name = NULL},
};

static const struct cmd_usage version_usage = {
    .name = "version",
    .operands = "",
    .summary = "Print podctl's version and the version and API version of podd.",
    .flags = format_flags,
    .min_operands = 0,
    .max_operands = 0,
};

int
cmd_version(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *v = NULL;
	struct pd_err err = {0};
	bool json;
	int rc;

	if (!cmd_parse(&version_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&version_usage, f.v[F_FORMAT].value, &json))
		return EXIT_PODCTL;
	/* The client's half holds even when podd is not there. */
	if (!json)
		printf("Client: %s\n", PD_VERSION);
	v = client_call(ctl->socket_path, "GET", PD_PATH_VERSION, NULL, &err);
	if (v == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, v) < 0 ? EXIT_PODCTL : 0;
	printf("Server: %s (API %s)\n", json_string_value(json_object_get(v, PD_F_VERSION)) ?: "?",
	       json_string_value(json_object_get(v, PD_F_API_VERSION)) ?: "?");
	return 0;
}

static const struct cmd_usage info_usage = {
    .name = "info",
    .operands = "",
    .summary = "Print podd's directories, socket, pod counts, kernel, the cgroup layout it\n"
	       "uses, its cgroup parent, and the host's packet forwarding as podd's\n"
	       "firewall sees it.",
    .flags = format_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static const struct {
	const char *label;
	const char *field;
} info_rows[] = {
    {"Server version", PD_F_VERSION},
    {"API version", PD_F_API_VERSION},
    {"Root", PD_F_ROOT},
    {"Run dir", PD_F_RUN_DIR},
    {"Socket", PD_F_SOCKET},
    {"PID", PD_F_PID},
    {"Pods", PD_F_PODS},
    {"Running pods", PD_F_PODS_RUNNING},
    {"Kernel", PD_F_KERNEL},
    {"Cgroups", PD_F_CGROUP},
    {"Cgroup parent", PD_F_CGROUP_INFO ".parent"}, /* issue 13 */
    /* issue 14: the host's forwarding, as podd's firewall sees it */
    {"IPv4 forwarding", PD_F_FIREWALL "." PD_F_FW_IPV4_FORWARDING},
    {"IPv6 forwarding", PD_F_FIREWALL "." PD_F_FW_IPV6_FORWARDING},
    {"Firewall table", PD_F_FIREWALL "." PD_F_FW_TABLE},
    {"Forward drop chains", PD_F_FIREWALL "." PD_F_FW_DROP_CHAINS},
    {"Firewall warning", PD_F_FIREWALL "." PD_F_FW_WARNING},
};

#define INFO_ROWS (sizeof(info_rows) / sizeof(info_rows[0]))

/* A list of the info as a reader wants it: "a, b", or "none". */
static char *
list_text(const json_t *list)
{
	char *text = xstrdup("");
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		cleanup_free char *item = output_json_text(v);
		char *more = xasprintf("%s%s%s", text, i > 0 ? ", " : "", item);

		free(text);
		text = more;
	}
	if (text[0] == '\0') {
		free(text);
		text = xstrdup("none");
	}
	return text;
}

int
cmd_info(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *info = NULL;
	struct pd_err err = {0};
	size_t width = 0;
	bool json;
	int rc;

	if (!cmd_parse(&info_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&info_usage, f.v[F_FORMAT].value, &json))
		return EXIT_PODCTL;
	info = client_call(ctl->socket_path, "GET", PD_PATH_INFO, NULL, &err);
	if (info == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, info) < 0 ? EXIT_PODCTL : 0;
	for (size_t i = 0; i < INFO_ROWS; i++)
		if (strlen(info_rows[i].label) > width)
			width = strlen(info_rows[i].label);
	for (size_t i = 0; i < INFO_ROWS; i++) {
		/* "object.key": a key of an object of the info */
		const char *dot = strchr(info_rows[i].field, '.');
		cleanup_free char *obj =
		    dot != NULL ? xstrndup(info_rows[i].field, (size_t)(dot - info_rows[i].field))
				: NULL;
		json_t *v = dot == NULL ? json_object_get(info, info_rows[i].field)
					: json_object_get(json_object_get(info, obj), dot + 1);
		cleanup_free char *text = NULL;

		if (v == NULL)
			continue;
		text = json_is_array(v) ? list_text(v) : output_json_text(v);
		printf("%s:%*s %s\n", info_rows[i].label, (int)(width - strlen(info_rows[i].label)),
		       "", text);
	}
	return 0;
}
