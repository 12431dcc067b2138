/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16, ux: `podctl container prune` and `podctl system prune`, as
 * docker's: what is not running goes (stopped containers; with system
 * prune, pods that do not run, networks no pod uses, dangling images, or
 * every unused one with -a, and unused volumes with --volumes), after a
 * y/N question on the terminal unless -f. Everything is asked of podd one
 * request at a time, through the same /v1 routes `rm` and `pod rm` use.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

/* docker's question: true when the user answered y or yes. Without a
 * terminal on stdin nobody can answer: no. */
static bool
confirm(const char *what)
{
	char line[16];

	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "podctl: %s needs -f when stdin is not a terminal\n", what);
		return false;
	}
	printf("Are you sure you want to continue? [y/N] ");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* DELETE each element of @list (its "id") under @collection, printing the
 * ids removed under @title. Returns the last failure's code, or 0. */
static int
remove_each(struct podctl *ctl, const json_t *list, const char *collection, const char *key,
	    const char *title)
{
	const json_t *obj;
	size_t i;
	int rc = 0;
	bool said = false;

	json_array_foreach (list, i, obj) {
		const char *ref = json_string_value(json_object_get(obj, key));
		cleanup_free char *path = NULL;
		cleanup_json json_t *reply = NULL;
		struct pd_err err = {0};

		if (ref == NULL)
			continue;
		path = xasprintf("%s/%s", collection, ref);
		reply = client_call(ctl->socket_path, "DELETE", path, NULL, &err);
		if (reply == NULL && err.kind != PD_E_NOT_FOUND) {
			rc = cmd_error(&err);
			continue;
		}
		if (!said)
			printf("%s:\n", title);
		said = true;
		printf("%s\n", ref);
	}
	return rc;
}

/* The stopped containers (created or exited) that pass @filters. */
static json_t *
stopped_containers(struct podctl *ctl, const json_t *filters, struct pd_err *err)
{
	json_t *list = client_call(ctl->socket_path, "GET", PD_PATH_CONTAINERS "?" PD_Q_ALL "=true",
				   NULL, err);
	size_t i = 0;

	if (list == NULL)
		return NULL;
	if (!json_is_array(list)) {
		json_decref(list);
		pd_fail(err, PD_E_SYSTEM, "podd's list of containers is not a JSON array");
		return NULL;
	}
	filter_apply(FILTER_CONTAINERS, filters, list);
	while (i < json_array_size(list)) {
		const char *state =
		    json_string_value(json_object_get(json_array_get(list, i), PD_F_STATE));

		if (state != NULL &&
		    (strcmp(state, PD_STATE_EXITED) == 0 || strcmp(state, PD_STATE_CREATED) == 0))
			i++;
		else
			json_array_remove(list, i);
	}
	return list;
}

/* ---- container prune ------------------------------------------------- */

enum { CP_FORCE, CP_FILTER };

static const struct flag_spec cprune_flags[] = {
    [CP_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "do not ask for a confirmation"},
    [CP_FILTER] = {"filter", NULL, 0, FLAG_LIST, "KEY=VALUE",
		   "only the matching containers (ps's keys: label, name, ...)"},
    {.name = NULL},
};

static const struct cmd_usage cprune_usage = {
    .name = "container prune",
    .operands = "",
    .summary = "Remove every stopped (created or exited) container and print their ids.",
    .flags = cprune_flags,
    .min_operands = 0,
    .max_operands = 0,
};

int
cmd_container_prune(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *filters = NULL;
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&cprune_usage, argc, argv, &f, &rc))
		return rc;
	filters = cmd_list_filters(&cprune_usage, &f.v[CP_FILTER], FILTER_CONTAINERS, &rc);
	if (filters == NULL)
		return rc;
	if (!f.v[CP_FORCE].on) {
		printf("WARNING! This will remove all stopped containers.\n");
		if (!confirm("container prune"))
			return EXIT_PODCTL;
	}
	list = stopped_containers(ctl, filters, &err);
	if (list == NULL)
		return cmd_error(&err);
	return remove_each(ctl, list, PD_PATH_CONTAINERS, PD_F_ID, "Deleted Containers");
}
