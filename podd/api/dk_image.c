/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's image endpoints (dk.h): list, inspect, tag, remove,
 * history, prune here; pull and push in dk_image_pull.c, load and save in
 * dk_image_io.c. podd's images are shown the Engine's way: ids as
 * "sha256:HEX", names as docker shows them ("busybox:latest" for
 * docker.io/library/busybox:latest), times as unix seconds in lists and
 * RFC 3339 in inspect. Build and search are not podd's: they answer so.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <time.h>

#include "dk_image.h"
#include "cleanup.h"
#include "filters.h"
#include "json.h"
#include "container.h"
#include "image.h"
#include "imgref.h"
#include "podd.h"
#include "timefmt.h"
#include "xalloc.h"

long long
dk_image_created(const struct image *img)
{
	struct timespec ts;

	if (img->created[0] == '\0' || pd_time_rfc3339_parse(img->created, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec;
}

static json_t *
familiar_array(const json_t *names)
{
	json_t *out = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach (names, i, v) {
		char buf[PD_IMGREF_MAX];

		pd_imgref_familiar_name(json_string_value(v), buf, sizeof(buf));
		json_array_append_new(out, json_string(buf));
	}
	return out;
}

static json_t *
image_labels(const struct image *img)
{
	const json_t *l = json_object_get(image_config(img), "Labels");

	return json_is_object(l) ? json_deep_copy(l) : json_object();
}

static json_t *
list_entry(const struct image *img, json_t *tags)
{
	cleanup_free char *id = xasprintf("sha256:%s", img->id);

	return json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:i, s:o, s:i}", "Id", id, "ParentId",
			 "", "RepoTags", tags, "RepoDigests", familiar_array(img->digests),
			 "Created", (json_int_t)dk_image_created(img), "Size",
			 (json_int_t)img->size, "VirtualSize", (json_int_t)img->size, "SharedSize",
			 -1, "Labels", image_labels(img), "Containers", -1);
}

/* Whether the image's labels match every "key" or "key=value" of @want. */
/* Whether the name @fam ("busybox:latest") matches the pattern @pat as
 * docker's `reference` filter does: "busybox", "busybox:latest", "team/...". */
static bool
reference_match(const char *fam, const char *pat)
{
	char repo[PD_IMGREF_MAX];
	const char *colon = strrchr(fam, ':');

	if (fnmatch(pat, fam, 0) == 0)
		return true;
	if (colon == NULL || strchr(pat, ':') != NULL)
		return false;
	(void)snprintf(repo, sizeof(repo), "%.*s", (int)(colon - fam), fam);
	return fnmatch(pat, repo, 0) == 0;
}

/* The created time of the image @ref names (before/since), or -1 after
 * answering @r. */
static long long
created_of(struct dk_req *r, const char *ref)
{
	struct pd_err err = {0};
	struct image *img = image_find(dk_podd(r), ref, &err);

	if (img == NULL) {
		dk_reply_err(r, &err);
		return -1;
	}
	return dk_image_created(img);
}

/* @img's names as docker shows them that match one of @refs (every name
 * when @refs is NULL): a new array. */
static json_t *
repo_tags(const struct image *img, const json_t *refs)
{
	json_t *out = familiar_array(img->names);
	size_t i = 0;

	while (refs != NULL && i < json_array_size(out)) {
		const char *fam = json_string_value(json_array_get(out, i));
		const json_t *v;
		size_t k;
		bool keep = false;

		json_array_foreach (refs, k, v)
			keep = keep ||
			       (json_is_string(v) && reference_match(fam, json_string_value(v)));
		if (keep)
			i++;
		else
			json_array_remove(out, i);
	}
	return out;
}

static const char *
first(const json_t *filters, const char *key)
{
	return json_string_value(json_array_get(json_object_get(filters, key), 0));
}

static void
image_list(struct dk_req *r)
{
	static const char *const known[] = {"reference", "dangling", "label",
					    "before",    "since",    NULL};
	cleanup_json json_t *filters = dk_query_filters(r);
	cleanup_json json_t *out = json_array();
	long long before = -1, since = -1;
	const char *dangling;
	struct image *img;

	if (filters == NULL || dk_filters_check(r, filters, known) < 0)
		return;
	dangling = first(filters, "dangling");
	if (dangling != NULL && strcmp(dangling, "true") != 0 && strcmp(dangling, "false") != 0) {
		dk_reply_error(r, 400, "invalid filter 'dangling=%s'", dangling);
		return;
	}
	if ((first(filters, "before") != NULL &&
	     (before = created_of(r, first(filters, "before"))) < 0) ||
	    (first(filters, "since") != NULL &&
	     (since = created_of(r, first(filters, "since"))) < 0))
		return;
	TAILQ_FOREACH (img, &dk_podd(r)->images, entry) {
		cleanup_json json_t *labels = image_labels(img);
		long long created = dk_image_created(img);
		bool is_dangling = json_array_size(img->names) == 0;

		if (dangling != NULL && is_dangling != (strcmp(dangling, "true") == 0))
			continue;
		const json_t *refs = json_object_get(filters, "reference");
		json_t *tags;

		if (!pd_filter_labels(labels, json_object_get(filters, "label")))
			continue;
		if ((before >= 0 && created >= before) || (since >= 0 && created <= since))
			continue;
		tags = repo_tags(img, refs);
		if (refs != NULL && json_array_size(tags) == 0) {
			json_decref(tags);
			continue;
		}
		json_array_append_new(out, list_entry(img, tags));
	}
	dk_reply_json(r, 200, out);
}

/* The image @r's first argument names, or NULL after answering 404 the
 * Engine's way. */
struct image *
dk_image(struct dk_req *r, const char *ref)
{
	struct pd_err err = {0};
	struct image *img = image_find(dk_podd(r), ref, &err);

	if (img == NULL) {
		if (err.kind == PD_E_NOT_FOUND)
			dk_reply_error(r, 404, "No such image: %s", ref);
		else
			dk_reply_err(r, &err);
	}
	return img;
}

/* The image config's "config" in the Engine's shape: every key docker's
 * inspect has, null where the image has none. */
static json_t *
inspect_config(const struct image *img)
{
	static const char *const keys[] = {"Hostname", "Domainname", "User",       "Env",
					   "Cmd",      "Entrypoint", "WorkingDir", "ExposedPorts",
					   "Labels",   "Volumes",    "StopSignal", "Healthcheck",
					   "OnBuild",  "Image"};
	const json_t *cfg = image_config(img);
	json_t *out = json_object();

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(cfg, keys[i]);

		if (v != NULL)
			json_object_set_new(out, keys[i], json_deep_copy(v));
		else if (i < 3 || strcmp(keys[i], "WorkingDir") == 0 ||
			 strcmp(keys[i], "Image") == 0)
			json_object_set_new(out, keys[i], json_string(""));
		else
			json_object_set_new(out, keys[i], json_null());
	}
	json_object_set_new(out, "AttachStdin", json_false());
	json_object_set_new(out, "AttachStdout", json_false());
	json_object_set_new(out, "AttachStderr", json_false());
	json_object_set_new(out, "Tty", json_false());
	json_object_set_new(out, "OpenStdin", json_false());
	json_object_set_new(out, "StdinOnce", json_false());
	return out;
}

static void
image_inspect(struct dk_req *r)
{
	struct image *img = dk_image(r, dk_arg(r, 0));
	cleanup_json json_t *j = NULL, *pj = NULL;
	cleanup_free char *id = NULL;
	json_t *layers = json_array();
	const char *created;

	if (img == NULL) {
		json_decref(layers);
		return;
	}
	pj = image_to_json(img);
	for (size_t i = 0; i < img->m->n_layers; i++)
		json_array_append_new(layers, json_string(img->m->layers[i].diff_id));
	id = xasprintf("sha256:%s", img->id);
	created = img->created[0] != '\0' ? img->created : "0001-01-01T00:00:00Z";
	j = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, "
		      "s:I, s:I, s:{s:s, s:{}}, s:{s:s, s:o}, s:{s:s}}",
		      "Id", id, "RepoTags", familiar_array(img->names), "RepoDigests",
		      familiar_array(img->digests), "Parent", "", "Comment", "", "Created", created,
		      "Container", "", "DockerVersion", "", "Author", "", "Variant", "", "Config",
		      inspect_config(img), "Architecture",
		      json_string_value(json_object_get(pj, "architecture")), "Os",
		      json_string_value(json_object_get(pj, "os")), "Size", (json_int_t)img->size,
		      "VirtualSize", (json_int_t)img->size, "GraphDriver", "Name", "overlay",
		      "Data", "RootFS", "Type", "layers", "Layers", layers, "Metadata",
		      "LastTagTime", "0001-01-01T00:00:00Z");
	dk_reply_json(r, 200, j);
}

static void
image_tag_(struct dk_req *r)
{
	struct image *img = dk_image(r, dk_arg(r, 0));
	const char *repo = dk_query(r, "repo"), *tag = dk_query(r, "tag");
	cleanup_free char *name = NULL;
	struct pd_err err = {0};

	if (img == NULL)
		return;
	if (repo == NULL || repo[0] == '\0') {
		dk_reply_error(r, 400, "repository name (repo) is required");
		return;
	}
	name = xasprintf("%s:%s", repo, tag != NULL && tag[0] != '\0' ? tag : "latest");
	if (image_tag(img, name, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_empty(r, 201);
}

static void
image_delete(struct dk_req *r)
{
	const char *ref = dk_arg(r, 0);
	struct image *img = dk_image(r, ref);
	cleanup_json json_t *j = NULL;
	cleanup_json json_t *out = json_array();
	struct pd_err err = {0};
	const json_t *v;
	size_t i;

	if (img == NULL)
		return;
	j = image_remove_ref(dk_podd(r), ref, dk_query_bool(r, "force", false), &err);
	if (j == NULL) {
		if (err.kind == PD_E_CONFLICT && container_uses_image(dk_podd(r), img->id))
			dk_reply_error(r, 409,
				       "conflict: unable to remove image %s (must force) - image "
				       "%.12s is being used by a container",
				       ref, img->id);
		else if (err.kind == PD_E_CONFLICT)
			dk_reply_error(r, 409,
				       "conflict: unable to delete %s (must be forced) - %s", ref,
				       err.msg);
		else
			dk_reply_err(r, &err);
		return;
	}
	json_array_foreach (json_object_get(j, PD_F_UNTAGGED), i, v) {
		char fam[PD_IMGREF_MAX];

		pd_imgref_familiar_name(json_string_value(v), fam, sizeof(fam));
		json_array_append_new(out, json_pack("{s:s}", "Untagged", fam));
	}
	json_array_foreach (json_object_get(j, PD_F_DELETED), i, v) {
		cleanup_free char *id = xasprintf("sha256:%s", json_string_value(v));

		json_array_append_new(out, json_pack("{s:s}", "Deleted", id));
	}
	dk_reply_json(r, 200, out);
}

static void
image_history(struct dk_req *r)
{
	struct image *img = dk_image(r, dk_arg(r, 0));
	cleanup_json json_t *h = NULL;
	cleanup_json json_t *out = json_array();
	const json_t *row;
	size_t i;

	if (img == NULL)
		return;
	h = image_history_json(img);
	json_array_foreach (h, i, row) {
		const char *id = json_string_value(json_object_get(row, "id"));
		const char *created = json_string_value(json_object_get(row, "created"));
		cleanup_free char *full = id != NULL ? xasprintf("sha256:%s", id) : NULL;
		struct timespec ts = {0};

		if (created == NULL || pd_time_rfc3339_parse(created, &ts) < 0)
			ts.tv_sec = 0;
		json_array_append_new(out,
				      json_pack("{s:s, s:I, s:O, s:o, s:O, s:O}", "Id",
						full != NULL ? full : "<missing>", "Created",
						(json_int_t)ts.tv_sec, "CreatedBy",
						json_object_get(row, "created_by"), "Tags",
						i == 0 ? familiar_array(img->names) : json_null(),
						"Size", json_object_get(row, "size"), "Comment",
						json_object_get(row, "comment")));
	}
	dk_reply_json(r, 200, out);
}

/* Whether @img is older than docker's `until` (a unix time or RFC 3339). */
static int
until_time(struct dk_req *r, const char *s, long long *out)
{
	struct timespec ts;
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end != s && (*end == '\0' || *end == '.')) {
		*out = v;
		return 0;
	}
	if (pd_time_rfc3339_parse(s, &ts) == 0) {
		*out = ts.tv_sec;
		return 0;
	}
	dk_reply_error(r, 400, "invalid filter 'until=%s': a unix time or an RFC 3339 time", s);
	return -1;
}

static void
image_prune(struct dk_req *r)
{
	cleanup_json json_t *filters = dk_query_filters(r);
	cleanup_json json_t *deleted = json_array();
	cleanup_json json_t *j = NULL;
	const char *dangling, *until;
	long long reclaimed = 0, until_s = -1;
	struct image *img, *next;
	bool only_dangling = true;

	if (filters == NULL)
		return;
	dangling = first(filters, "dangling");
	until = first(filters, "until");
	if (dangling != NULL)
		only_dangling = strcmp(dangling, "false") != 0 && strcmp(dangling, "0") != 0;
	if (until != NULL && until_time(r, until, &until_s) < 0)
		return;
	for (img = TAILQ_FIRST(&dk_podd(r)->images); img != NULL; img = next) {
		cleanup_json json_t *labels = image_labels(img);
		cleanup_free char *full = NULL;
		struct pd_err err = {0};
		long long size = img->size;
		const json_t *v;
		size_t i;

		next = TAILQ_NEXT(img, entry);
		if ((only_dangling && json_array_size(img->names) > 0) || img->busy > 0 ||
		    container_uses_image(dk_podd(r), img->id) ||
		    !pd_filter_labels(labels, json_object_get(filters, "label")) ||
		    (until_s >= 0 && dk_image_created(img) >= until_s))
			continue;
		full = xasprintf("sha256:%s", img->id);
		json_array_foreach (img->names, i, v) {
			char fam[PD_IMGREF_MAX];

			pd_imgref_familiar_name(json_string_value(v), fam, sizeof(fam));
			json_array_append_new(deleted, json_pack("{s:s}", "Untagged", fam));
		}
		if (image_remove(img, &err) < 0)
			continue;
		json_array_append_new(deleted, json_pack("{s:s}", "Deleted", full));
		reclaimed += size;
	}
	j = json_pack("{s:O, s:I}", "ImagesDeleted", deleted, "SpaceReclaimed",
		      (json_int_t)reclaimed);
	dk_reply_json(r, 200, j);
}

static void
build_refuse(struct dk_req *r, void *arg, const struct pd_err *err)
{
	(void)arg;
	(void)err;
	dk_reply_error(r, 501,
		       "docker build is not supported by podd: build the image with another "
		       "tool, then docker load or docker pull it");
}

/* The build context is read to its end (into /dev/null) before the
 * refusal, so that the client, still sending it, reads the answer. */
static void
build(struct dk_req *r)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		build_refuse(r, NULL, NULL);
		return;
	}
	dk_body_to_fd(r, fd, build_refuse, NULL);
}

static void
search(struct dk_req *r)
{
	dk_reply_error(r, 501,
		       "docker search is not supported by podd: search the registry's own site");
}

static const struct dk_route routes[] = {
    {"GET", "/images/json", image_list, 0},
    {"POST", "/build", build, DK_STREAM_BODY},
    {"GET", "/images/search", search, 0},
    {"POST", "/images/create", dk_image_pull, 0},
    {"POST", "/images/load", dk_image_load, DK_STREAM_BODY},
    {"GET", "/images/get", dk_image_save, 0},
    {"POST", "/images/prune", image_prune, 0},
    {"GET", "/images/**/json", image_inspect, 0},
    {"GET", "/images/**/history", image_history, 0},
    {"GET", "/images/**/get", dk_image_save, 0},
    {"POST", "/images/**/tag", image_tag_, 0},
    {"POST", "/images/**/push", dk_image_push, 0},
    {"DELETE", "/images/**", image_delete, 0},
};

DK_ROUTES(dk_image_routes, routes);
