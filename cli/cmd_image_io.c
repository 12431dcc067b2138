/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl image load, save and import. The archive never travels in an HTTP
 * body: podctl opens the file (or uses its own stdin or stdout) and names
 * the fd in the request; podd takes a copy of it (podd/http_fd.c) for the
 * podd-archive task that reads or writes it. So the bytes go from the file
 * to the task without passing through podctl or podd, the user's own
 * permissions decide what may be read or written, and podctl keeps the fd
 * open until the reply comes.
 */
#include "cmd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "imgref.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

/* open(2) failed on @path: a message for the user, not a connection error. */
static int
open_error(const char *path)
{
	struct pd_err err = {0};

	pd_fail_errno(&err, errno, "%s", path);
	err.errnum = 0;
	err.kind = PD_E_INVALID;
	return cmd_error(&err);
}

/* ---- load -------------------------------------------------------------- */

enum { LD_INPUT, LD_QUIET };

static const struct flag_spec load_flags[] = {
    [LD_INPUT] = {"input", NULL, 'i', FLAG_VALUE, "FILE",
		  "read FILE (an archive, or an OCI layout directory) instead of stdin"},
    [LD_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print nothing"},
    {.name = NULL},
};

static const struct cmd_usage load_usage = {
    .name = "image load",
    .operands = "",
    .summary = "Load every image and name of a docker-archive (docker save, podman save),\n"
	       "an oci-archive or an OCI image layout directory; gzip or zstd compressed\n"
	       "archives too. Reads stdin without -i.",
    .flags = load_flags,
    .min_operands = 0,
    .max_operands = 0,
};

int
image_load(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *reply = NULL;
	cleanup_close int fd = -1;
	struct pd_err err = {0};
	const char *input;
	const json_t *v;
	size_t i;
	int rc;

	if (!cmd_parse(&load_usage, argc, argv, &f, &rc))
		return rc;
	input = f.v[LD_INPUT].value;
	if (input != NULL) {
		fd = open(input, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return open_error(input);
	} else if (isatty(STDIN_FILENO)) {
		pd_fail(
		    &err, PD_E_INVALID,
		    "requested load from stdin, but stdin is a terminal: use -i FILE or a pipe");
		return cmd_error(&err);
	}
	body = json_pack("{s:i}", PD_F_FD, fd >= 0 ? fd : STDIN_FILENO);
	reply = client_call(ctl->socket_path, "POST", PD_PATH_IMAGES_LOAD, body, &err);
	if (reply == NULL)
		return cmd_error(&err);
	if (f.v[LD_QUIET].on)
		return 0;
	json_array_foreach (json_object_get(reply, PD_F_IMAGES), i, v) {
		const json_t *names = json_object_get(v, PD_F_NAMES), *n;
		size_t k;

		json_array_foreach (names, k, n) {
			char name[PD_IMGREF_MAX];

			pd_imgref_familiar_name(json_string_value(n), name, sizeof(name));
			printf("Loaded image: %s\n", name);
		}
		if (json_array_size(names) == 0)
			printf("Loaded image ID: sha256:%s\n",
			       json_string_value(json_object_get(v, PD_F_ID)));
	}
	return 0;
}

/* ---- save -------------------------------------------------------------- */

enum { SV_OUTPUT, SV_FORMAT };

static const struct flag_spec save_flags[] = {
    [SV_OUTPUT] = {"output", NULL, 'o', FLAG_VALUE, "FILE", "write FILE instead of stdout"},
    [SV_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT",
		   PD_IMAGE_FORMAT_DOCKER " (default) or " PD_IMAGE_FORMAT_OCI},
    {.name = NULL},
};

static const struct cmd_usage save_usage = {
    .name = "image save",
    .operands = "IMAGE...",
    .operand_what = "image",
    .summary = "Write images to one archive that docker load, podman load and skopeo read:\n"
	       "a docker-archive, or an oci-archive with --format. Writes stdout without -o.",
    .flags = save_flags,
    .min_operands = 1,
    .max_operands = PD_IMAGE_SAVE_MAX,
};

int
image_save(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *reply = NULL;
	cleanup_json json_t *names = json_array();
	cleanup_close int fd = -1;
	struct pd_err err = {0};
	const char *output, *format;
	bool created = false;
	int rc;

	if (!cmd_parse(&save_usage, argc, argv, &f, &rc))
		return rc;
	output = f.v[SV_OUTPUT].value;
	format = f.v[SV_FORMAT].value != NULL ? f.v[SV_FORMAT].value : PD_IMAGE_FORMAT_DOCKER;
	if (strcmp(format, PD_IMAGE_FORMAT_DOCKER) != 0 && strcmp(format, PD_IMAGE_FORMAT_OCI) != 0)
		return cmd_usage_error(&save_usage, "--format must be %s or %s, not \"%s\"",
				       PD_IMAGE_FORMAT_DOCKER, PD_IMAGE_FORMAT_OCI, format);
	for (size_t i = 0; i < f.nargs; i++)
		json_array_append_new(names, json_string(f.args[i]));
	if (output != NULL) {
		created = access(output, F_OK) < 0;
		fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0)
			return open_error(output);
	} else if (isatty(STDOUT_FILENO)) {
		pd_fail(&err, PD_E_INVALID,
			"cowardly refusing to save to a terminal: use -o FILE or redirect");
		return cmd_error(&err);
	}
	body = json_pack("{s:i, s:O, s:s}", PD_F_FD, fd >= 0 ? fd : STDOUT_FILENO, PD_F_NAMES,
			 names, PD_F_FORMAT, format);
	reply = client_call(ctl->socket_path, "POST", PD_PATH_IMAGES_SAVE, body, &err);
	if (reply == NULL) {
		/* Leave no half archive that podctl made. */
		if (created)
			(void)unlink(output);
		return cmd_error(&err);
	}
	return 0;
}

/* ---- import ------------------------------------------------------------ */

enum { IM_FORMAT };

static const struct flag_spec import_flags[] = {
    [IM_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the image as JSON"},
    {.name = NULL},
};

static const struct cmd_usage import_usage = {
    .name = "image import",
    .operands = "NAME (DIR | TARBALL | -)",
    .operand_what = "image name",
    .summary = "Make an image of one layer from a root file system: a directory, or a\n"
	       "tarball (tar, gzip, xz, zstd; - for stdin). An image archive (docker save,\n"
	       "oci-archive) is refused: that is image load. Prints the image's id.",
    .flags = import_flags,
    .min_operands = 2,
    .max_operands = 2,
};

int
image_import(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *img = NULL;
	cleanup_close int fd = -1;
	struct pd_err err = {0};
	struct pd_imgref r;
	struct stat st;
	const char *path;
	bool json;
	int rc;

	if (!cmd_parse(&import_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&import_usage, f.v[IM_FORMAT].value, &json))
		return EXIT_PODCTL;
	if (pd_imgref_parse(f.args[0], &r, &err) < 0)
		return cmd_error(&err);
	path = f.args[1];
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return open_error(path);
		if (fstat(fd, &st) < 0)
			return open_error(path);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			pd_fail(&err, PD_E_INVALID, "%s is neither a directory nor a tarball",
				path);
			return cmd_error(&err);
		}
		/* O_NONBLOCK only kept a FIFO from blocking the open. */
		if (fcntl(fd, F_SETFL, 0) < 0)
			return open_error(path);
	}
	body = json_pack("{s:s, s:i}", PD_F_NAME, f.args[0], PD_F_FD, fd >= 0 ? fd : STDIN_FILENO);
	img = client_call(ctl->socket_path, "POST", PD_PATH_IMAGES, body, &err);
	if (img == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, img) < 0 ? EXIT_PODCTL : 0;
	printf("%s\n", json_string_value(json_object_get(img, PD_F_ID)) ?: "-");
	return 0;
}
