/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl image: import, ls, inspect, rm. An image is a directory tree;
 * `import` names a directory or a tarball on this machine, which podd copies
 * into its store.
 */
#include <errno.h>
#include <limits.h>
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

/* An image as the user names it: its name, or its id or an id prefix. */
static int
check_ref(const char *ref, struct pd_err *err)
{
	if (pd_is_id_prefix(ref))
		return 0;
	return pd_name_validate(ref, "image name", err);
}

/* ---- import ---------------------------------------------------------- */

enum { IM_FORMAT };

static const struct flag_spec import_flags[] = {
    [IM_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the image as JSON"},
    {.name = NULL},
};

static const struct cmd_usage import_usage = {
    .name = "image import",
    .operands = "NAME (DIR | TARBALL)",
    .operand_what = "image name",
    .summary = "Copy a root file system tree, or unpack a tarball (tar, gzip, xz, zstd),\n"
	       "into podd's image store as NAME. Prints the image's id.",
    .flags = import_flags,
    .min_operands = 2,
    .max_operands = 2,
};

static int
image_import(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *img = NULL;
	struct pd_err err = {0};
	char path[PATH_MAX];
	bool json;
	int rc;

	if (!cmd_parse(&import_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&import_usage, f.v[IM_FORMAT].value, &json))
		return EXIT_PODCTL;
	if (pd_name_validate(f.args[0], "image name", &err) < 0)
		return cmd_error(&err);
	/* podd runs elsewhere in the file system's eyes: send an absolute path. */
	if (realpath(f.args[1], path) == NULL) {
		pd_fail_errno(&err, errno, "%s", f.args[1]);
		err.errnum = 0; /* not a connection error */
		return cmd_error(&err);
	}
	body = json_pack("{s:s, s:s}", PD_F_NAME, f.args[0], PD_F_PATH, path);
	img = client_call(ctl->socket_path, "POST", PD_PATH_IMAGES, body, &err);
	if (img == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, img) < 0 ? EXIT_PODCTL : 0;
	printf("%s\n", json_string_value(json_object_get(img, PD_F_ID)) ?: "-");
	return 0;
}

/* ---- ls -------------------------------------------------------------- */

enum { L_QUIET, L_FORMAT };

static const struct flag_spec ls_flags[] = {
    [L_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the images' names"},
    [L_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the images as JSON"},
    {.name = NULL},
};

static const struct cmd_usage ls_usage = {
    .name = "image ls",
    .operands = "",
    .summary = "List images. Also: image list, images.",
    .flags = ls_flags,
    .min_operands = 0,
    .max_operands = 0,
};

static int
image_ls(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {"NAME", "IMAGE ID", "CREATED", "SOURCE"};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *imgs = NULL;
	cleanup_table struct table t = {0};
	time_t now = time(NULL);
	int rc;

	imgs = cmd_list(ctl, &ls_usage, argc, argv, &f, L_FORMAT, PD_PATH_IMAGES, "images", &rc);
	if (imgs == NULL)
		return rc;
	if (!f.v[L_QUIET].on)
		table_init(&t, sizeof(header) / sizeof(header[0]), header);
	for (size_t i = 0; i < json_array_size(imgs); i++) {
		const json_t *img = json_array_get(imgs, i);
		const char *name = json_string_value(json_object_get(img, PD_F_NAME));
		const char *id = json_string_value(json_object_get(img, PD_F_ID));
		cleanup_free char *short_id = id ? xstrndup(id, 12) : NULL;
		cleanup_free char *created = output_created(img, now);
		const char *row[] = {name, short_id, created,
				     json_string_value(json_object_get(img, PD_F_SOURCE))};

		if (f.v[L_QUIET].on)
			printf("%s\n", name ?: "-");
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
    .name = "image inspect",
    .operands = "NAME...",
    .operand_what = "image name",
    .summary = "Print images as a JSON array.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static const struct cmd_usage rm_usage = {
    .name = "image rm",
    .operands = "NAME...",
    .operand_what = "image name",
    .summary = "Remove images from podd's store.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
image_inspect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *found = json_array();
	int rc;

	if (!cmd_parse(&inspect_usage, argc, argv, &f, &rc))
		return rc;
	rc = cmd_each(ctl, &f, PD_PATH_IMAGES, "GET", check_ref, found);
	if (output_json(stdout, found) < 0)
		return EXIT_PODCTL;
	return rc;
}

static int
image_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	return cmd_each(ctl, &f, PD_PATH_IMAGES, "DELETE", check_ref, NULL);
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd image_cmds[] = {
    {"import", image_import, "copy a directory or unpack a tarball as an image"},
    {"ls", image_ls, "list images (also: list)"},
    {"list", image_ls, NULL},
    {"inspect", image_inspect, "print images as JSON"},
    {"rm", image_rm, "remove images"},
    {.name = NULL},
};

static const struct cmd_group image_group = {
    .name = "podctl image",
    .summary = "Manage images: root file system trees that containers start from.",
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
