/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The names podd knows, for completion: one GET of a list through the
 * socket podctl would use. Completion must never get in the way of typing,
 * so any failure (podd down, an error reply) prints nothing.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "client.h"
#include "complete.h"
#include "json.h"

/* Shown for a container typed by id: docker's short id. */
#define SHORT_ID 12

static bool
is_hex(const char *s)
{
	return s[0] != '\0' && s[strspn(s, "0123456789abcdef")] == '\0';
}

static void
print_if(const char *head, const char *word, const char *prefix)
{
	if (word != NULL && strncmp(word, prefix, strlen(prefix)) == 0)
		printf("%s%s\n", head, word);
}

void
complete_names(const char *socket_path, const char *kind, const char *head, const char *prefix)
{
	static const struct {
		const char *kind;
		const char *path;
	} lists[] = {
	    {"container", PD_PATH_CONTAINERS "?" PD_Q_ALL "=true"},
	    {"pod", PD_PATH_PODS},
	    {"image", PD_PATH_IMAGES},
	    {"network", PD_PATH_NETWORKS},
	    {"volume", PD_PATH_VOLUMES},
	};
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};
	const char *path = NULL;
	bool by_id = strcmp(kind, "container") == 0 && is_hex(prefix);
	const json_t *o, *name;
	size_t i, j;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(lists[i].kind, kind) == 0)
			path = lists[i].path;
	if (path == NULL)
		return;
	list = client_call(socket_path, "GET", path, NULL, &err);
	if (!json_is_array(list))
		return;
	json_array_foreach (list, i, o) {
		const char *id = json_string_value(json_object_get(o, PD_F_ID));

		print_if(head, json_string_value(json_object_get(o, PD_F_NAME)), prefix);
		/* An image is named by its references (repo:tag). */
		json_array_foreach (json_object_get(o, PD_F_NAMES), j, name)
			print_if(head, json_string_value(name), prefix);
		if (by_id && id != NULL && strlen(id) >= SHORT_ID &&
		    strncmp(id, prefix, strlen(prefix)) == 0)
			printf("%s%.*s\n", head,
			       strlen(prefix) > SHORT_ID ? (int)strlen(id) : SHORT_ID, id);
	}
}
