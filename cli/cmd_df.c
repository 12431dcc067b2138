/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16: `podctl system df`, as docker's: how much images, containers
 * (their writable layers) and volumes take, how much of it is in use and
 * what removing the unused would give back. podd measures (GET
 * /v1/system/df); this file sums and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "imgref.h"
#include "json.h"
#include "output.h"
#include "xalloc.h"

#define SHORT_ID 12

enum { DF_VERBOSE, DF_FORMAT };

static const struct flag_spec df_flags[] = {
    [DF_VERBOSE] = {"verbose", NULL, 'v', FLAG_BOOL, NULL,
		    "one table per type: each image, container and volume with its size"},
    [DF_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT",
		   "json: podd's measures and the summary as JSON (sizes in bytes)"},
    {.name = NULL},
};

static const struct cmd_usage df_usage = {
    .name = "system df",
    .operands = "",
    .summary = "Show the disk space images, containers (their writable layers) and volumes\n"
	       "take, how much is in use and what is reclaimable. Sizes in decimal units.",
    .flags = df_flags,
    .min_operands = 0,
    .max_operands = 0,
};

/* One line of the summary: a type's totals. */
struct df_sum {
	const char *type;
	long long total, active, size, reclaimable;
};

static long long
num(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key)) ?: "";
}

static bool
ctr_active(const json_t *c)
{
	return strcmp(str(c, PD_F_STATE), PD_STATE_RUNNING) == 0;
}

static bool
used(const json_t *v)
{
	return num(v, PD_F_USERS) > 0;
}

/* Sum @list of @reply: everything, and the reclaimable part (not @active). */
static struct df_sum
sum_of(const json_t *reply, const char *list, const char *type, bool (*active)(const json_t *))
{
	struct df_sum s = {.type = type};
	const json_t *v;
	size_t i;

	json_array_foreach (json_object_get(reply, list), i, v) {
		bool on = active(v);

		s.total++;
		s.active += on;
		s.size += num(v, PD_F_SIZE);
		s.reclaimable += on ? 0 : num(v, PD_F_SIZE);
	}
	return s;
}

/* @bytes as docker prints them: 3 significant digits in the tables of -v,
 * 4 in the summary (@summary). */
static void
size_text(long long bytes, bool summary, char *buf, size_t len)
{
	if ((summary ? output_size_4(bytes, buf, len) : output_size(bytes, buf, len)) < 0)
		(void)snprintf(buf, len, "-");
}

static void
print_summary(const struct df_sum *sums, size_t n)
{
	static const char *const header[] = {"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"};
	cleanup_table struct table t = {0};

	table_init(&t, 5, header);
	for (size_t i = 0; i < n; i++) {
		char total[24], active[24], size[32], rec[32], shown[48];

		(void)snprintf(total, sizeof(total), "%lld", sums[i].total);
		(void)snprintf(active, sizeof(active), "%lld", sums[i].active);
		size_text(sums[i].size, true, size, sizeof(size));
		size_text(sums[i].reclaimable, true, rec, sizeof(rec));
		/* docker's: the share only when there is a size to share */
		if (sums[i].size > 0)
			(void)snprintf(shown, sizeof(shown), "%s (%lld%%)", rec,
				       sums[i].reclaimable * 100 / sums[i].size);
		else
			(void)snprintf(shown, sizeof(shown), "%s", rec);
		const char *row[] = {sums[i].type, total, active, size, shown};

		table_add_row(&t, row);
	}
	table_print(&t, stdout);
}

/* The REPOSITORY and TAG docker shows for the image JSON @img (its first
 * name; "<none>" for none) into @repo and *@tag (borrowed from @r). */
static void
repo_tag(const json_t *img, struct pd_imgref *r, char *repo, size_t len, const char **tag)
{
	const json_t *names = json_object_get(img, PD_F_NAMES);
	struct pd_err ignored = {0};

	(void)snprintf(repo, len, "<none>");
	*tag = "<none>";
	if (json_array_size(names) > 0 &&
	    pd_imgref_parse(json_string_value(json_array_get(names, 0)), r, &ignored) == 0) {
		pd_imgref_familiar(r, repo, len);
		*tag = r->tag;
	}
}

/* A row of -v's tables for @v (@reply for what it refers to) into @t. */
typedef void df_row_fn(struct table *t, const json_t *v, const json_t *reply);

static void
image_row(struct table *t, const json_t *img, const json_t *reply)
{
	cleanup_free char *id = xstrndup(str(img, PD_F_ID), SHORT_ID);
	cleanup_free char *users = xasprintf("%lld", num(img, PD_F_USERS));
	char repo[PD_IMGREF_MAX], size[32];
	struct pd_imgref r = {0};
	const char *tag;

	(void)reply;
	repo_tag(img, &r, repo, sizeof(repo), &tag);
	size_text(num(img, PD_F_SIZE), false, size, sizeof(size));
	const char *row[] = {repo, tag, id, size, users};

	table_add_row(t, row);
}

/* A container's image as docker shows it: its name, else its short id. */
static void
container_row(struct table *t, const json_t *c, const json_t *reply)
{
	cleanup_free char *id = xstrndup(str(c, PD_F_ID), SHORT_ID);
	cleanup_free char *image = xstrndup(str(c, PD_F_IMAGE), SHORT_ID);
	char repo[PD_IMGREF_MAX], size[32];
	const json_t *img;
	size_t i;

	json_array_foreach (json_object_get(reply, PD_F_IMAGES), i, img) {
		struct pd_imgref r = {0};
		const char *tag;

		if (strcmp(str(img, PD_F_ID), str(c, PD_F_IMAGE)) != 0 ||
		    json_array_size(json_object_get(img, PD_F_NAMES)) == 0)
			continue;
		repo_tag(img, &r, repo, sizeof(repo), &tag);
		free(image);
		image = strcmp(tag, "latest") == 0 ? xstrdup(repo) : xasprintf("%s:%s", repo, tag);
		break;
	}
	size_text(num(c, PD_F_SIZE), false, size, sizeof(size));
	const char *row[] = {id, image, size, str(c, PD_F_STATE), str(c, PD_F_NAME)};

	table_add_row(t, row);
}

static void
volume_row(struct table *t, const json_t *v, const json_t *reply)
{
	cleanup_free char *links = xasprintf("%lld", num(v, PD_F_USERS));
	char size[32];

	(void)reply;
	size_text(num(v, PD_F_SIZE), false, size, sizeof(size));
	const char *row[] = {str(v, PD_F_NAME), links, size};

	table_add_row(t, row);
}

/* One table of -v: @title, then a row of @fn per entry of @reply's @list. */
static void
print_section(const char *title, const char *const *header, size_t ncols, const json_t *reply,
	      const char *list, df_row_fn *fn)
{
	cleanup_table struct table t = {0};
	const json_t *v;
	size_t i;

	printf("%s space usage:\n\n", title);
	table_init(&t, ncols, header);
	json_array_foreach (json_object_get(reply, list), i, v)
		fn(&t, v, reply);
	table_print(&t, stdout);
}

static void
print_verbose(const json_t *reply)
{
	static const char *const images[] = {"REPOSITORY", "TAG", "IMAGE ID", "SIZE", "CONTAINERS"};
	static const char *const ctrs[] = {"CONTAINER ID", "IMAGE", "SIZE", "STATUS", "NAMES"};
	static const char *const vols[] = {"VOLUME NAME", "LINKS", "SIZE"};

	print_section("Images", images, 5, reply, PD_F_IMAGES, image_row);
	printf("\n");
	print_section("Containers", ctrs, 5, reply, PD_F_CONTAINERS, container_row);
	printf("\n");
	print_section("Local Volumes", vols, 3, reply, PD_F_VOLUMES, volume_row);
}

int
cmd_system_df(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *reply = NULL;
	struct pd_err err = {0};
	struct df_sum sums[3];
	bool json;
	int rc;

	if (!cmd_parse(&df_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&df_usage, f.v[DF_FORMAT].value, &json))
		return EXIT_PODCTL;
	reply = client_call(ctl->socket_path, "GET", PD_PATH_SYSTEM_DF, NULL, &err);
	if (reply == NULL)
		return cmd_error(&err);
	sums[0] = sum_of(reply, PD_F_IMAGES, "Images", used);
	sums[1] = sum_of(reply, PD_F_CONTAINERS, "Containers", ctr_active);
	sums[2] = sum_of(reply, PD_F_VOLUMES, "Local Volumes", used);
	if (json) {
		json_t *summary = json_array();

		for (size_t i = 0; i < 3; i++)
			json_array_append_new(
			    summary, json_pack("{s:s, s:I, s:I, s:I, s:I}", "type", sums[i].type,
					       "total", (json_int_t)sums[i].total, "active",
					       (json_int_t)sums[i].active, PD_F_SIZE,
					       (json_int_t)sums[i].size, "reclaimable",
					       (json_int_t)sums[i].reclaimable));
		json_object_set_new(reply, "summary", summary);
		return output_json(stdout, reply) < 0 ? EXIT_PODCTL : 0;
	}
	if (!f.v[DF_VERBOSE].on) {
		print_summary(sums, 3);
		return 0;
	}
	print_verbose(reply);
	return 0;
}
