/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl image: ls (images), inspect, tag, rm (rmi), prune, history; load,
 * save and import are in cmd_image_io.c. Images are named as docker names
 * them: "busybox" is docker.io/library/busybox:latest; an id or an id
 * prefix, or "sha256:ID", works too. A reference goes to podd as one
 * percent-encoded path segment.
 */
#include "cmd_image.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "imgref.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

#define SHORT_ID 12

char *
image_api_path(const char *ref, const char *action)
{
	cleanup_free char *enc = evhttp_uriencode(ref, -1, 0);

	if (enc == NULL)
		abort();
	if (action != NULL)
		return xasprintf(PD_PATH_IMAGES "/%s/%s", enc, action);
	return xasprintf(PD_PATH_IMAGES "/%s", enc);
}

/* A reference podctl can check before asking: not empty, no '/' at either
 * end; podd says the rest. */
static int
check_ref(const char *ref, struct pd_err *err)
{
	if (ref[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "an image reference is empty");
	return 0;
}

/* ---- ls ---------------------------------------------------------------- */

enum { L_QUIET, L_ALL, L_NO_TRUNC, L_DIGESTS, L_FORMAT, L_FILTER };

static const struct flag_spec ls_flags[] = {
    [L_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the images' ids"},
    [L_ALL] = {"all", NULL, 'a', FLAG_BOOL, NULL, "every image (podd keeps no intermediate ones)"},
    [L_NO_TRUNC] = {"no-trunc", NULL, 0, FLAG_BOOL, NULL, "print whole ids"},
    [L_DIGESTS] = {"digests", NULL, 0, FLAG_BOOL, NULL, "print the repo digests too"},
    [L_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the images as JSON"},
    /* issue 16, ux */
    [L_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "KEY=VALUE",
		  "only matching images: reference (a glob), label, dangling, before, since"},
    {.name = NULL},
};

static const struct cmd_usage ls_usage = {
    .name = "image ls",
    .operands = "",
    .summary = "List images: one row per name, <none> for an image without one.\n"
	       "Also: image list, images.",
    .flags = ls_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static int
by_created_desc(const void *a, const void *b)
{
	const json_t *ja = *(json_t *const *)a, *jb = *(json_t *const *)b;
	const char *ca = json_string_value(json_object_get(ja, PD_F_CREATED));
	const char *cb = json_string_value(json_object_get(jb, PD_F_CREATED));
	int r = strcmp(cb ? cb : "", ca ? ca : "");

	/* Made at the same moment: by id, so the order is the same each time. */
	if (r == 0)
		r = strcmp(json_string_value(json_object_get(ja, PD_F_ID)) ?: "",
			   json_string_value(json_object_get(jb, PD_F_ID)) ?: "");
	return r;
}

/* The repo digest of @img for the repository of @name, or "<none>". */
static const char *
digest_for(const json_t *img, const char *name)
{
	const json_t *digests = json_object_get(img, PD_F_DIGESTS), *v;
	size_t repo_len = name != NULL ? strcspn(name, "@") : 0, i;

	if (name != NULL) {
		const char *colon = strrchr(name, ':'), *slash = strrchr(name, '/');

		if (colon != NULL && (slash == NULL || colon > slash))
			repo_len = (size_t)(colon - name);
	}
	json_array_foreach (digests, i, v) {
		const char *s = json_string_value(v);

		if (name == NULL || (strncmp(s, name, repo_len) == 0 && s[repo_len] == '@'))
			return strchr(s, '@') + 1;
	}
	return "<none>";
}

static void
ls_rows(struct table *t, const json_t *img, const struct flags *f, time_t now)
{
	const json_t *names = json_object_get(img, PD_F_NAMES), *v;
	const char *id = json_string_value(json_object_get(img, PD_F_ID));
	cleanup_free char *shown =
	    f->v[L_NO_TRUNC].on ? xasprintf("sha256:%s", id) : xstrndup(id, SHORT_ID);
	cleanup_free char *created = output_created(img, now);
	char size[32];
	size_t i;

	if (output_size(json_integer_value(json_object_get(img, PD_F_SIZE)), size, sizeof(size)) <
	    0)
		(void)snprintf(size, sizeof(size), "-");
	json_array_foreach (names, i, v) {
		struct pd_imgref r;
		struct pd_err ignored = {0};
		char repo[PD_IMGREF_MAX];
		const char *name = json_string_value(v);

		if (pd_imgref_parse(name, &r, &ignored) < 0)
			continue;
		pd_imgref_familiar(&r, repo, sizeof(repo));
		if (f->v[L_DIGESTS].on) {
			const char *row[] = {repo,  r.tag,   digest_for(img, name),
					     shown, created, size};

			table_add_row(t, row);
		} else {
			const char *row[] = {repo, r.tag, shown, created, size};

			table_add_row(t, row);
		}
	}
	if (json_array_size(names) == 0) {
		const char *row_d[] = {"<none>", "<none>", digest_for(img, NULL),
				       shown,    created,  size};
		const char *row[] = {"<none>", "<none>", shown, created, size};

		table_add_row(t, f->v[L_DIGESTS].on ? row_d : row);
	}
}

static int
image_ls(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"};
	static const char *const header_d[] = {"REPOSITORY", "TAG",     "DIGEST",
					       "IMAGE ID",   "CREATED", "SIZE"};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *imgs = NULL;
	cleanup_table struct table t = {0};
	cleanup_free json_t **sorted = NULL;
	time_t now = time(NULL);
	size_t n;
	int rc;

	imgs = cmd_list_with_filter(ctl, &ls_usage, argc, argv, &f, L_FORMAT, L_FILTER,
				    FILTER_IMAGES, PD_PATH_IMAGES, "images", &rc);
	if (imgs == NULL)
		return rc;
	n = json_array_size(imgs);
	sorted = xcalloc(n + 1, sizeof(json_t *));
	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(imgs, i);
	qsort(sorted, n, sizeof(json_t *), by_created_desc);
	if (f.v[L_QUIET].on) {
		for (size_t i = 0; i < n; i++) {
			const char *id = json_string_value(json_object_get(sorted[i], PD_F_ID));

			if (f.v[L_NO_TRUNC].on)
				printf("sha256:%s\n", id);
			else
				printf("%.*s\n", SHORT_ID, id);
		}
		return 0;
	}
	if (f.v[L_DIGESTS].on)
		table_init(&t, 6, header_d);
	else
		table_init(&t, 5, header);
	for (size_t i = 0; i < n; i++)
		ls_rows(&t, sorted[i], &f, now);
	table_print(&t, stdout);
	return 0;
}

/* ---- inspect, history -------------------------------------------------- */

static const struct flag_spec no_flags[] = {{.name = NULL}};

static const struct cmd_usage inspect_usage = {
    .name = "image inspect",
    .operands = "IMAGE...",
    .operand_what = "image",
    .summary = "Print images as a JSON array: names, digests, config, layers.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
image_inspect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *found = json_array();
	int rc = 0;

	if (!cmd_parse(&inspect_usage, argc, argv, &f, &rc))
		return rc;
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_free char *path = image_api_path(f.args[i], NULL);
		struct pd_err err = {0};
		json_t *img;

		if (check_ref(f.args[i], &err) < 0 ||
		    (img = client_call(ctl->socket_path, "GET", path, NULL, &err)) == NULL) {
			rc = cmd_error(&err);
			if (err.errnum != 0)
				break;
			continue;
		}
		json_array_append_new(found, img);
	}
	if (output_json(stdout, found) < 0)
		return EXIT_PODCTL;
	return rc;
}

enum { H_NO_TRUNC, H_QUIET, H_FORMAT };

static const struct flag_spec history_flags[] = {
    [H_NO_TRUNC] = {"no-trunc", NULL, 0, FLAG_BOOL, NULL, "do not shorten CREATED BY"},
    [H_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the image id"},
    [H_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the history as JSON"},
    {.name = NULL},
};

static const struct cmd_usage history_usage = {
    .name = "image history",
    .operands = "IMAGE",
    .operand_what = "image",
    .summary = "Show how an image was made, newest step first (from its config).",
    .flags = history_flags,
    .min_operands = 1,
    .max_operands = 1,
};

static int
image_history(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {"IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *hist = NULL;
	cleanup_table struct table t = {0};
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	time_t now = time(NULL);
	bool json;
	size_t i;
	json_t *h;
	int rc;

	if (!cmd_parse(&history_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&history_usage, f.v[H_FORMAT].value, &json))
		return EXIT_PODCTL;
	path = image_api_path(f.args[0], PD_ACTION_HISTORY);
	hist = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (hist == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, hist) < 0 ? EXIT_PODCTL : 0;
	table_init(&t, 5, header);
	json_array_foreach (hist, i, h) {
		const char *id = json_string_value(json_object_get(h, PD_F_ID));
		const char *by = json_string_value(json_object_get(h, "created_by"));
		cleanup_free char *short_id =
		    id != NULL ? xstrndup(id, SHORT_ID) : xstrdup("<missing>");
		cleanup_free char *created = output_created(h, now);
		cleanup_free char *by_short = NULL;
		char size[32];
		const char *row[5];

		if (f.v[H_QUIET].on) {
			if (id != NULL)
				printf("%s\n", short_id);
			continue;
		}
		by = by != NULL ? by : "";
		by_short =
		    !f.v[H_NO_TRUNC].on && strlen(by) > 45 ? xasprintf("%.44s…", by) : xstrdup(by);
		if (output_size(json_integer_value(json_object_get(h, PD_F_SIZE)), size,
				sizeof(size)) < 0)
			(void)snprintf(size, sizeof(size), "-");
		row[0] = short_id;
		row[1] = created;
		row[2] = by_short;
		row[3] = size;
		row[4] = json_string_value(json_object_get(h, "comment"));
		table_add_row(&t, row);
	}
	if (!f.v[H_QUIET].on)
		table_print(&t, stdout);
	return 0;
}

/* ---- tag, rm, prune ---------------------------------------------------- */

static const struct cmd_usage tag_usage = {
    .name = "image tag",
    .operands = "IMAGE NEW_NAME",
    .operand_what = "image",
    .summary = "Give an image another name (NAME[:TAG]); the name moves from the image\n"
	       "that had it.",
    .flags = no_flags,
    .min_operands = 2,
    .max_operands = 2,
};

static int
image_tag(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *img = NULL;
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	struct pd_imgref r;
	int rc;

	if (!cmd_parse(&tag_usage, argc, argv, &f, &rc))
		return rc;
	if (pd_imgref_parse(f.args[1], &r, &err) < 0)
		return cmd_error(&err);
	path = image_api_path(f.args[0], PD_ACTION_TAG);
	body = json_pack("{s:s}", PD_F_NAME, f.args[1]);
	img = client_call(ctl->socket_path, "POST", path, body, &err);
	if (img == NULL)
		return cmd_error(&err);
	return 0;
}

enum { R_FORCE };

static const struct flag_spec rm_flags[] = {
    [R_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL,
		 "remove an image with several names by id; untag one a container uses"},
    {.name = NULL},
};

static const struct cmd_usage rm_usage = {
    .name = "image rm",
    .operands = "IMAGE...",
    .operand_what = "image",
    .summary = "Remove images, as docker rmi: a name of several is untagged, the image\n"
	       "goes with its last name. Only the layers no other image uses are deleted.\n"
	       "Also: rmi.",
    .flags = rm_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static void
print_removal(const json_t *reply)
{
	const json_t *v;
	size_t i;

	json_array_foreach (json_object_get(reply, PD_F_UNTAGGED), i, v) {
		char name[PD_IMGREF_MAX];

		pd_imgref_familiar_name(json_string_value(v), name, sizeof(name));
		printf("Untagged: %s\n", name);
	}
	json_array_foreach (json_object_get(reply, PD_F_DELETED), i, v)
		printf("Deleted: sha256:%s\n", json_string_value(v));
}

static int
image_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc = 0;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_free char *base = image_api_path(f.args[i], NULL);
		cleanup_free char *path =
		    f.v[R_FORCE].on ? xasprintf("%s?" PD_Q_FORCE "=true", base) : xstrdup(base);
		cleanup_json json_t *reply = NULL;
		struct pd_err err = {0};

		if (check_ref(f.args[i], &err) < 0 ||
		    (reply = client_call(ctl->socket_path, "DELETE", path, NULL, &err)) == NULL) {
			rc = cmd_error(&err);
			if (err.errnum != 0)
				break;
			continue;
		}
		print_removal(reply);
	}
	return rc;
}

enum { P_ALL, P_FORCE };

static const struct flag_spec prune_flags[] = {
    [P_ALL] = {"all", NULL, 'a', FLAG_BOOL, NULL, "every image no container uses, not only <none>"},
    [P_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "do not ask (podctl never asks)"},
    {.name = NULL},
};

static const struct cmd_usage prune_usage = {
    .name = "image prune",
    .operands = "",
    .summary = "Remove dangling images (no name, no container), or with -a every image\n"
	       "no container uses.",
    .flags = prune_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static int
image_prune(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *reply = NULL;
	struct pd_err err = {0};
	const json_t *deleted, *v;
	char size[32];
	size_t i;
	int rc;

	if (!cmd_parse(&prune_usage, argc, argv, &f, &rc))
		return rc;
	reply = client_call(ctl->socket_path, "POST",
			    f.v[P_ALL].on ? PD_PATH_IMAGES_PRUNE "?" PD_Q_ALL "=true"
					  : PD_PATH_IMAGES_PRUNE,
			    NULL, &err);
	if (reply == NULL)
		return cmd_error(&err);
	deleted = json_object_get(reply, PD_F_DELETED);
	if (json_array_size(deleted) > 0)
		printf("Deleted Images:\n");
	json_array_foreach (deleted, i, v)
		printf("deleted: sha256:%s\n", json_string_value(v));
	if (output_size(json_integer_value(json_object_get(reply, PD_F_RECLAIMED)), size,
			sizeof(size)) < 0)
		(void)snprintf(size, sizeof(size), "-");
	printf("Total reclaimed space: %s\n", size);
	return 0;
}

/* ---- the noun ---------------------------------------------------------- */

static const struct cmd image_cmds[] = {
    {"ls", image_ls, "list images (also: list, podctl images)"},
    {"list", image_ls, NULL},
    {"inspect", image_inspect, "print images as JSON"},
    {"history", image_history, "show the steps an image was made of"},
    {"tag", image_tag, "give an image another name"},
    {"rm", image_rm, "remove images or names (also: podctl rmi)"},
    {"prune", image_prune, "remove unused images"},
    {"load", image_load, "load images from a docker-archive, oci-archive or OCI layout"},
    {"save", image_save, "write images to a docker-archive or oci-archive"},
    {"import", image_import, "make an image of a root file system (dir or tarball)"},
    {.name = NULL},
};

static const struct cmd_group image_group = {
    .name = "podctl image",
    .summary = "Manage images: OCI images whose layers podd stores once and shares.",
    .cmds = image_cmds,
    .flags = NULL,
};

int
cmd_image(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&image_group, ctl, argc - 1, argv + 1);
}

int
cmd_images(struct podctl *ctl, int argc, char **argv)
{
	return image_ls(ctl, argc, argv);
}

int
cmd_rmi(struct podctl *ctl, int argc, char **argv)
{
	return image_rm(ctl, argc, argv);
}
