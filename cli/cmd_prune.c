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
	(void)fflush(stdout);
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
		/* Gone meanwhile, or in use since: not for a prune. */
		if (reply == NULL && (err.kind == PD_E_NOT_FOUND || err.kind == PD_E_CONFLICT))
			continue;
		if (reply == NULL) {
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

/* GET @path, an array of @what, keeping what passes @filters of @list and
 * then @keep. */
static json_t *
list_of(struct podctl *ctl, const char *path, const char *what, enum filter_list list,
	const json_t *filters, bool (*keep)(const json_t *obj), struct pd_err *err)
{
	json_t *arr = client_call(ctl->socket_path, "GET", path, NULL, err);
	size_t i = 0;

	if (arr == NULL)
		return NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		pd_fail(err, PD_E_SYSTEM, "podd's list of %s is not a JSON array", what);
		return NULL;
	}
	filter_apply(list, filters, arr);
	while (i < json_array_size(arr))
		if (keep(json_array_get(arr, i)))
			i++;
		else
			json_array_remove(arr, i);
	return arr;
}

static bool
state_in(const json_t *obj, const char *a, const char *b)
{
	const char *state = json_string_value(json_object_get(obj, PD_F_STATE));

	return state != NULL && (strcmp(state, a) == 0 || strcmp(state, b) == 0);
}

/* A container that does not run: created or exited. */
static bool
ctr_stopped(const json_t *ctr)
{
	return state_in(ctr, PD_STATE_EXITED, PD_STATE_CREATED);
}

/* A pod whose infra is gone: stopped or exited. */
static bool
pod_stopped(const json_t *pod)
{
	return state_in(pod, PD_STATE_EXITED, PD_STATE_STOPPED);
}

/* A network of the user's that no pod uses. */
static bool
net_unused(const json_t *net)
{
	return !json_is_true(json_object_get(net, PD_F_BUILTIN)) &&
	       json_array_size(json_object_get(net, PD_F_PODS)) == 0;
}

static json_t *
stopped_containers(struct podctl *ctl, const json_t *filters, struct pd_err *err)
{
	return list_of(ctl, PD_PATH_CONTAINERS "?" PD_Q_ALL "=true", "containers",
		       FILTER_CONTAINERS, filters, ctr_stopped, err);
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

/* ---- system prune ---------------------------------------------------- */

enum { SP_ALL, SP_VOLUMES, SP_FORCE };

static const struct flag_spec sprune_flags[] = {
    [SP_ALL] = {"all", NULL, 'a', FLAG_BOOL, NULL, "every unused image, not only dangling ones"},
    [SP_VOLUMES] = {"volumes", NULL, 0, FLAG_BOOL, NULL, "the anonymous volumes no container uses"},
    [SP_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "do not ask for a confirmation"},
    {.name = NULL},
};

static const struct cmd_usage sprune_usage = {
    .name = "system prune",
    .operands = "",
    .summary = "Remove what does not run or is not used: stopped containers, stopped pods,\n"
	       "networks no pod uses, dangling images (-a: every unused one) and, with\n"
	       "--volumes, anonymous volumes no container uses.",
    .flags = sprune_flags,
    .min_operands = 0,
    .max_operands = 0,
};

/* POST @path (a prune of podd's) and print the @key strings of its answer
 * under @title; adds its reclaimed bytes to @reclaimed. */
static int
podd_prune(struct podctl *ctl, const char *path, const char *key, const char *title,
	   const char *prefix, long long *reclaimed)
{
	cleanup_json json_t *reply = NULL;
	struct pd_err err = {0};
	const json_t *list, *v;
	size_t i;

	reply = client_call(ctl->socket_path, "POST", path, NULL, &err);
	if (reply == NULL)
		return cmd_error(&err);
	list = json_object_get(reply, key);
	if (json_array_size(list) > 0)
		printf("%s:\n", title);
	json_array_foreach (list, i, v)
		printf("%s%s\n", prefix, json_string_value(v) ?: "-");
	*reclaimed += json_integer_value(json_object_get(reply, PD_F_RECLAIMED));
	return 0;
}

/* Remove what @keep chooses of @path's list, by @key. */
static int
prune_list(struct podctl *ctl, const char *path, const char *what, enum filter_list fl,
	   bool (*keep)(const json_t *obj), const char *collection, const char *key,
	   const char *title)
{
	cleanup_json json_t *none = json_object();
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};

	list = list_of(ctl, path, what, fl, none, keep, &err);
	if (list == NULL)
		return cmd_error(&err);
	return remove_each(ctl, list, collection, key, title);
}

static int
system_prune(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	long long reclaimed = 0;
	char size[32];
	int rc, last = 0;

	if (!cmd_parse(&sprune_usage, argc, argv, &f, &rc))
		return rc;
	if (!f.v[SP_FORCE].on) {
		printf("WARNING! This will remove:\n  - all stopped containers\n"
		       "  - all stopped pods\n  - all networks not used by a pod\n%s%s",
		       f.v[SP_VOLUMES].on ? "  - all anonymous volumes not used by a container\n"
					  : "",
		       f.v[SP_ALL].on ? "  - all images without a container\n"
				      : "  - all dangling images\n");
		if (!confirm("system prune"))
			return EXIT_PODCTL;
	}
	/* Containers first: then their pods, networks, images and volumes
	 * are free. */
	if ((rc = prune_list(ctl, PD_PATH_CONTAINERS "?" PD_Q_ALL "=true", "containers",
			     FILTER_CONTAINERS, ctr_stopped, PD_PATH_CONTAINERS, PD_F_ID,
			     "Deleted Containers")) != 0)
		last = rc;
	if ((rc = prune_list(ctl, PD_PATH_PODS, "pods", FILTER_PODS, pod_stopped, PD_PATH_PODS,
			     PD_F_ID, "Deleted Pods")) != 0)
		last = rc;
	if ((rc = prune_list(ctl, PD_PATH_NETWORKS, "networks", FILTER_NETWORKS, net_unused,
			     PD_PATH_NETWORKS, PD_F_NAME, "Deleted Networks")) != 0)
		last = rc;
	if (f.v[SP_VOLUMES].on &&
	    (rc = podd_prune(ctl, PD_PATH_VOLUMES "/" PD_ACTION_PRUNE, PD_F_REMOVED,
			     "Deleted Volumes", "", &reclaimed)) != 0)
		last = rc;
	if ((rc = podd_prune(ctl,
			     f.v[SP_ALL].on ? PD_PATH_IMAGES_PRUNE "?" PD_Q_ALL "=true"
					    : PD_PATH_IMAGES_PRUNE,
			     PD_F_DELETED, "Deleted Images", "deleted: sha256:", &reclaimed)) != 0)
		last = rc;
	if (output_size(reclaimed, size, sizeof(size)) < 0)
		(void)snprintf(size, sizeof(size), "-");
	/* podd measures what image removals free; the rest is not counted. */
	printf("Total reclaimed space (images): %s\n", size);
	return last;
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd system_cmds[] = {
    {"prune", system_prune, "remove stopped containers and pods, unused networks and images"},
    {"info", cmd_info, "show podd's directories, socket, pod counts and host"},
    {"df", cmd_system_df, "show the disk space images, containers and volumes take"},
    {.name = NULL},
};

static const struct cmd_group system_group = {
    .name = "podctl system",
    .summary = "Manage podd as a whole.",
    .cmds = system_cmds,
};

int
cmd_system(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&system_group, ctl, argc - 1, argv + 1);
}
