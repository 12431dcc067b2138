/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image store's model: records, names, lookups and removals; see
 * image.h. Commits are in image_commit.c, loads and saves in image_io.c.
 * Trees are unpacked and deleted by tasks, never by podd's loop.
 */
#include "image_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "podd.h"
#include "task.h"
#include "xalloc.h"

#define IMAGE_FILE     "image.json"
#define IMAGE_FILE_MAX (256 * 1024)

struct image *
image_alloc(struct podd *d)
{
	struct image *img = xcalloc(1, sizeof(*img));

	img->d = d;
	img->names = json_array();
	img->digests = json_array();
	img->m = xcalloc(1, sizeof(*img->m));
	return img;
}

void
image_free(struct image *img)
{
	if (img == NULL)
		return;
	json_decref(img->names);
	json_decref(img->digests);
	json_decref(img->config);
	free(img->m);
	free(img);
}

const json_t *
image_config(const struct image *img)
{
	/* image_set_config made sure there is one. */
	return json_object_get(img->config, "config");
}

void
image_set_config(struct image *img, json_t *config)
{
	json_decref(img->config);
	img->config = config;
	if (!json_is_object(json_object_get(config, "config")))
		json_object_set_new(config, "config", json_object());
}

json_t *
image_lowers(const struct image *img)
{
	json_t *a = json_array();

	for (size_t i = img->m->n_layers; i > 0; i--) {
		cleanup_free char *path = layers_path(img->d, img->m->layers[i - 1].diff_id);

		json_array_append_new(a, json_string(path));
	}
	return a;
}

/* ---- records ----------------------------------------------------------- */

static json_t *
layers_json(const struct image_manifest *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->n_layers; i++) {
		const struct image_layer *l = &m->layers[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I, s:I}", "digest", l->digest,
						   "diff_id", l->diff_id, "media_type",
						   l->media_type, "size", (json_int_t)l->size,
						   "unpacked", (json_int_t)l->unpacked));
	}
	return a;
}

static json_t *
record_json(const struct image *img)
{
	return json_pack("{s:s, s:s, s:s, s:O, s:O, s:o, s:s, s:I}", "id", img->id, "manifest",
			 img->manifest, "config", img->m->config, "names", img->names, "digests",
			 img->digests, "layers", layers_json(img->m), "created", img->created,
			 "size", (json_int_t)img->size);
}

int
image_record_save(struct image *img, struct pd_err *err)
{
	cleanup_json json_t *rec = record_json(img);
	cleanup_close int dirfd = -1;

	if (mkdirat(img->d->images_fd, img->id, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir images/%.12s", img->id);
	dirfd = openat(img->d->images_fd, img->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return pd_fail_errno(err, errno, "open images/%.12s", img->id);
	return pd_json_save(dirfd, IMAGE_FILE, rec, err);
}

static bool
strings_valid(const json_t *a, bool digests)
{
	size_t i;
	const json_t *v;

	if (!json_is_array(a))
		return false;
	json_array_foreach (a, i, v) {
		const char *s = json_string_value(v);
		struct pd_imgref ref;
		struct pd_err err;

		if (s == NULL || pd_imgref_parse(s, &ref, &err) < 0 ||
		    (digests ? ref.digest[0] == '\0' : ref.tag[0] == '\0'))
			return false;
	}
	return true;
}

static int
record_layers_parse(const json_t *a, struct image_manifest *m, struct pd_err *err)
{
	size_t i;
	const json_t *v;

	if (!json_is_array(a) || json_array_size(a) > IMAGE_MAX_LAYERS)
		return pd_fail(err, PD_E_INVALID, "bad \"layers\"");
	json_array_foreach (a, i, v) {
		struct image_layer *l = &m->layers[i];
		const char *digest, *diff_id, *mt;
		json_int_t size, unpacked;
		json_error_t jerr;

		if (json_unpack_ex((json_t *)v, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:I, s:I}",
				   "digest", &digest, "diff_id", &diff_id, "media_type", &mt,
				   "size", &size, "unpacked", &unpacked) < 0 ||
		    !pd_digest_valid(digest) || !pd_digest_valid(diff_id) ||
		    strlen(mt) >= sizeof(l->media_type))
			return pd_fail(err, PD_E_INVALID, "bad layer %zu", i + 1);
		memcpy(l->digest, digest, strlen(digest) + 1);
		memcpy(l->diff_id, diff_id, strlen(diff_id) + 1);
		memcpy(l->media_type, mt, strlen(mt) + 1);
		l->size = size;
		l->unpacked = unpacked;
	}
	m->n_layers = json_array_size(a);
	return 0;
}

static struct image *
load_one(struct podd *d, const char *id, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = NULL;
	const char *jid, *manifest, *config, *created;
	json_t *names, *digests, *layers, *j2;
	json_int_t size;
	json_error_t jerr;
	struct image *img;

	dirfd = openat(d->images_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		pd_fail_errno(err, errno, "open images/%s", id);
		return NULL;
	}
	if (faccessat(dirfd, "rootfs", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		pd_fail(err, PD_E_INVALID,
			"an image of the old store (a rootfs tree): "
			"import it again");
		return NULL;
	}
	j = pd_json_load_file(dirfd, IMAGE_FILE, IMAGE_FILE_MAX, err);
	if (j == NULL)
		return NULL;
	if (json_unpack_ex(j, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:I}", "id",
			   &jid, "manifest", &manifest, "config", &config, "names", &names,
			   "digests", &digests, "layers", &layers, "created", &created, "size",
			   &size) < 0) {
		pd_fail(err, PD_E_INVALID, "bad image record: %s", jerr.text);
		return NULL;
	}
	if (strcmp(jid, id) != 0 || !pd_digest_valid(manifest) || !pd_digest_valid(config) ||
	    strcmp(config + strlen("sha256:"), id) != 0 || strlen(created) >= IMAGE_CREATED_MAX ||
	    !strings_valid(names, false) || !strings_valid(digests, true)) {
		pd_fail(err, PD_E_INVALID, "bad image record");
		return NULL;
	}
	img = image_alloc(d);
	if (record_layers_parse(layers, img->m, err) < 0) {
		image_free(img);
		return NULL;
	}
	memcpy(img->id, id, strlen(id) + 1);
	memcpy(img->manifest, manifest, strlen(manifest) + 1);
	memcpy(img->m->config, config, strlen(config) + 1);
	memcpy(img->created, created, strlen(created) + 1);
	json_array_extend(img->names, names);
	json_array_extend(img->digests, digests);
	img->size = size;
	j2 = blobs_read_json(d, config, err);
	if (j2 == NULL) {
		image_free(img);
		return NULL;
	}
	image_set_config(img, j2);
	return img;
}

/* Delete the entries of <root>/@dir (layers, or blobs/sha256) named by a
 * digest's hex that no image uses: what a commit cut short by a stop or a
 * crash left. At start only, before any pull, load or commit runs. */
static void
sweep(struct podd *d, int dirfd, const char *dir, bool layer)
{
	struct pd_err err = {0};
	cleanup_closedir DIR *ds = pd_dir_stream(dirfd, dir, dir, &err);
	struct dirent *de;

	if (ds == NULL) {
		log_warn("%s", err.msg);
		return;
	}
	while ((de = pd_dir_next(ds)) != NULL) {
		char digest[PD_DIGEST_MAX + 1];

		if (strlen(de->d_name) != PD_DIGEST_HEX_LEN || !pd_is_id_prefix(de->d_name))
			continue;
		(void)snprintf(digest, sizeof(digest), "sha256:%.64s", de->d_name);
		if (image_store_uses(d, digest, layer, NULL))
			continue;
		log_info("%s/%s: no image uses it; deleting", dir, de->d_name);
		if (layer)
			layers_remove(d, digest);
		else
			blobs_remove(d, digest);
	}
}

int
image_load_all(struct podd *d, struct pd_err *err)
{
	struct dirent *de;
	cleanup_closedir DIR *dir = NULL;

	if (blobs_init(d, err) < 0 || layers_init(d, err) < 0)
		return -1;
	dir = pd_dir_stream(d->images_fd, ".", "images dir", err);
	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		struct pd_err e = {0};
		struct image *img;
		size_t i;
		json_t *v;

		if (strlen(de->d_name) != PD_DIGEST_HEX_LEN || !pd_is_id_prefix(de->d_name)) {
			log_warn("images/%s: not an image directory, ignored", de->d_name);
			continue;
		}
		img = load_one(d, de->d_name, &e);
		if (img == NULL) {
			log_error("images/%s: %s; image ignored", de->d_name, e.msg);
			continue;
		}
		/* Two records claiming one name (a crash between two saves of a
		 * move): the first keeps it. */
		json_array_foreach (img->names, i, v)
			image_take_name(d, json_string_value(v), NULL);
		TAILQ_INSERT_TAIL(&d->images, img, entry);
	}
	sweep(d, d->layers_fd, ".", true);
	sweep(d, d->blobs_fd, "sha256", false);
	return 0;
}

void
image_free_all(struct podd *d)
{
	struct image *img;

	/* Commits first: their callbacks may end operations. */
	image_commits_free_all(d);
	image_ops_free_all(d);
	layers_free_all(d);
	while ((img = TAILQ_FIRST(&d->images)) != NULL) {
		TAILQ_REMOVE(&d->images, img, entry);
		image_free(img);
	}
}

/* ---- names and lookups -------------------------------------------------- */

static ssize_t
string_index(const json_t *a, const char *s)
{
	size_t i;
	const json_t *v;

	json_array_foreach (a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return (ssize_t)i;
	return -1;
}

void
image_take_name(struct podd *d, const char *name, const struct image *keep)
{
	struct image *img;

	TAILQ_FOREACH (img, &d->images, entry) {
		ssize_t i;
		struct pd_err err = {0};

		if (img == keep || (i = string_index(img->names, name)) < 0)
			continue;
		json_array_remove(img->names, (size_t)i);
		if (image_record_save(img, &err) < 0)
			log_error("image %.12s: %s", img->id, err.msg);
		log_info("image %.12s: name %s moved away", img->id, name);
	}
}

int
image_tag(struct image *img, const char *ref, struct pd_err *err)
{
	struct pd_imgref r;
	char full[PD_IMGREF_MAX];

	if (pd_imgref_parse(ref, &r, err) < 0)
		return -1;
	if (r.digest[0] != '\0')
		return pd_fail(err, PD_E_INVALID, "\"%.200s\": a name takes a tag, not a digest",
			       ref);
	pd_imgref_format(&r, full, sizeof(full));
	image_take_name(img->d, full, img);
	if (string_index(img->names, full) >= 0)
		return 0;
	json_array_append_new(img->names, json_string(full));
	return image_record_save(img, err);
}

int
image_untag(struct image *img, const char *name, struct pd_err *err)
{
	ssize_t i = string_index(img->names, name);

	if (i < 0)
		return pd_fail(err, PD_E_NOT_FOUND, "image %.12s has no name %s", img->id, name);
	json_array_remove(img->names, (size_t)i);
	return image_record_save(img, err);
}

/* Does @img answer to the parsed reference @r? */
static bool
answers_to(const struct image *img, const struct pd_imgref *r, const char *full)
{
	char repo[PD_IMGREF_MAX];
	size_t i;
	const json_t *v;

	if (r->tag[0] != '\0' && string_index(img->names, full) < 0)
		return false;
	if (r->digest[0] == '\0')
		return true;
	/* REPO@DIGEST: a repo digest it has, or its manifest under a name of
	 * that repository (what a load gave, before any pull). */
	if (string_index(img->digests, full) >= 0 && r->tag[0] == '\0')
		return true;
	if (strcmp(img->manifest, r->digest) != 0)
		return false;
	(void)snprintf(repo, sizeof(repo), "%s/%s", r->registry, r->path);
	json_array_foreach (img->names, i, v)
		if (strncmp(json_string_value(v), repo, strlen(repo)) == 0 &&
		    json_string_value(v)[strlen(repo)] == ':')
			return true;
	json_array_foreach (img->digests, i, v)
		if (strncmp(json_string_value(v), repo, strlen(repo)) == 0 &&
		    json_string_value(v)[strlen(repo)] == '@')
			return true;
	return false;
}

static struct image *
find_by_id(struct podd *d, const char *hex, struct pd_err *err)
{
	struct image *img, *match = NULL;
	size_t n = 0;

	TAILQ_FOREACH (img, &d->images, entry)
		if (strncmp(img->id, hex, strlen(hex)) == 0) {
			match = img;
			n++;
		}
	if (n > 1) {
		pd_fail(err, PD_E_INVALID, "prefix \"%s\" matches %zu images", hex, n);
		return NULL;
	}
	return match;
}

struct image *
image_find(struct podd *d, const char *ref, struct pd_err *err)
{
	struct pd_imgref r;
	struct pd_err ignored = {0};
	char full[PD_IMGREF_MAX];
	struct image *img;

	if (strncmp(ref, "sha256:", 7) == 0 && pd_is_id_prefix(ref + 7)) {
		img = find_by_id(d, ref + 7, err);
		if (img != NULL || err->kind != 0)
			return img;
	} else if (pd_imgref_parse(ref, &r, &ignored) == 0) {
		pd_imgref_format(&r, full, sizeof(full));
		TAILQ_FOREACH (img, &d->images, entry)
			if (answers_to(img, &r, full))
				return img;
	}
	if (pd_is_id_prefix(ref)) {
		img = find_by_id(d, ref, err);
		if (img != NULL || err->kind != 0)
			return img;
	}
	/* Neither a reference nor an id: say what is wrong with it. */
	if (ignored.kind != 0 && strncmp(ref, "sha256:", 7) != 0) {
		*err = ignored;
		return NULL;
	}
	pd_fail(err, PD_E_NOT_FOUND, "no such image: %.200s", ref);
	return NULL;
}

void
image_display_name(const struct image *img, const char *ref, char *buf, size_t len)
{
	struct pd_imgref r;
	struct pd_err ignored = {0};
	char full[PD_IMGREF_MAX];

	if (ref != NULL && pd_imgref_parse(ref, &r, &ignored) == 0) {
		pd_imgref_format(&r, full, sizeof(full));
		if (string_index(img->names, full) >= 0 || string_index(img->digests, full) >= 0) {
			(void)snprintf(buf, len, "%s", full);
			return;
		}
	}
	if (json_array_size(img->names) > 0)
		(void)snprintf(buf, len, "%s", json_string_value(json_array_get(img->names, 0)));
	else
		(void)snprintf(buf, len, "sha256:%s", img->id);
}

/* ---- removal ------------------------------------------------------------ */

/* Does @img use the blob @digest (@layer false) or the layer @digest? */
static bool
image_has(const struct image *img, const char *digest, bool layer)
{
	if (!layer && (strcmp(img->manifest, digest) == 0 || strcmp(img->m->config, digest) == 0))
		return true;
	for (size_t i = 0; i < img->m->n_layers; i++)
		if (strcmp(layer ? img->m->layers[i].diff_id : img->m->layers[i].digest, digest) ==
		    0)
			return true;
	return false;
}

bool
image_store_uses(struct podd *d, const char *digest, bool layer, const struct image *except)
{
	const struct image *img;

	TAILQ_FOREACH (img, &d->images, entry)
		if (img != except && image_has(img, digest, layer))
			return true;
	return image_commits_use(d, digest, layer);
}

long long
image_layer_unpacked(struct podd *d, const char *diff_id)
{
	const struct image *img;

	TAILQ_FOREACH (img, &d->images, entry)
		for (size_t i = 0; i < img->m->n_layers; i++)
			if (strcmp(img->m->layers[i].diff_id, diff_id) == 0)
				return img->m->layers[i].unpacked;
	return -1;
}

void
image_gc(struct podd *d, const char *manifest, const struct image_manifest *m,
	 const struct image *except)
{
	if (manifest != NULL && !image_store_uses(d, manifest, false, except))
		blobs_remove(d, manifest);
	if (m == NULL)
		return;
	if (m->config[0] != '\0' && !image_store_uses(d, m->config, false, except))
		blobs_remove(d, m->config);
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct image_layer *l = &m->layers[i];

		if (!image_store_uses(d, l->digest, false, except))
			blobs_remove(d, l->digest);
		if (l->diff_id[0] != '\0' && !image_store_uses(d, l->diff_id, true, except))
			layers_remove(d, l->diff_id);
	}
}

int
image_remove(struct image *img, struct pd_err *err)
{
	struct podd *d = img->d;

	if (img->busy > 0)
		return pd_fail(err, PD_E_CONFLICT, "image %.12s is being saved", img->id);
	/* The record first: a crash after this leaves unused blobs, never an
	 * image whose layers are gone. */
	if (pd_rm_rf_at(d->images_fd, img->id, err) < 0)
		return -1;
	TAILQ_REMOVE(&d->images, img, entry);
	image_gc(d, img->manifest, img->m, img);
	log_info("image %.12s: removed", img->id);
	image_free(img);
	return 0;
}

/* ---- the API's JSON ----------------------------------------------------- */

json_t *
image_to_json(const struct image *img)
{
	const char *os = json_string_value(json_object_get(img->config, "os"));
	const char *arch = json_string_value(json_object_get(img->config, "architecture"));

	return json_pack("{s:s, s:O, s:O, s:s, s:I, s:O, s:o, s:s, s:s, s:s, s:s}", "id", img->id,
			 "names", img->names, "digests", img->digests, "created", img->created,
			 "size", (json_int_t)img->size, "config", image_config(img), "layers",
			 layers_json(img->m), "architecture", arch ? arch : "", "os", os ? os : "",
			 "manifest", img->manifest, "config_digest", img->m->config);
}

json_t *
image_history_json(const struct image *img)
{
	const json_t *hist = json_object_get(img->config, "history");
	json_t *out = json_array();
	size_t layer = 0, i;
	const json_t *h;

	if (!json_is_array(hist))
		return out;
	json_array_foreach (hist, i, h) {
		bool empty = json_is_true(json_object_get(h, "empty_layer"));
		long long size = 0;
		const char *s;
		json_t *row = json_object();

		if (!empty && layer < img->m->n_layers)
			size = img->m->layers[layer++].unpacked;
		s = json_string_value(json_object_get(h, "created"));
		json_object_set_new(row, "created", json_string(s ? s : ""));
		s = json_string_value(json_object_get(h, "created_by"));
		json_object_set_new(row, "created_by", json_string(s ? s : ""));
		s = json_string_value(json_object_get(h, "comment"));
		json_object_set_new(row, "comment", json_string(s ? s : ""));
		json_object_set_new(row, "size", json_integer(size));
		json_object_set_new(row, "empty_layer", json_boolean(empty));
		json_array_insert_new(out, 0, row);
	}
	if (json_array_size(out) > 0)
		json_object_set_new(json_array_get(out, 0), "id", json_string(img->id));
	return out;
}
