/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive save --store ROOT --format docker-archive|oci-archive
 *                   --images '[{"manifest":"sha256:..","names":["REF",...]},...]'
 *
 * Writes the images as one archive to stdout (the fd podctl handed podd),
 * in a form `docker load`, `podman load` and skopeo read:
 *   docker-archive: <config-hex>.json, <diff-id-hex>.tar per layer (the
 *     uncompressed tar: a compressed blob is decompressed, and checked
 *     against its diff_id), manifest.json [{Config, RepoTags, Layers}] and
 *     repositories, as skopeo writes them;
 *   oci-archive: oci-layout, blobs/sha256/<hex> (as stored), index.json with
 *     a descriptor per name (org.opencontainers.image.ref.name and
 *     io.containerd.image.name, the full reference).
 * Each blob is written once however many images share it. Nothing is
 * printed on stdout but the archive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "imgref.h"
#include "json.h"
#include "manifest.h"
#include "podd_archive.h"

#define SAVE_IMAGES_MAX (1u << 20)

struct image {
	const char *manifest; /* borrowed from the --images JSON */
	const json_t *names;
	struct manifest m;
	json_t *config; /* the config blob's JSON */
	int64_t manifest_size;
	char media_type[MEDIA_TYPE_MAX + 1]; /* the manifest's own (OCI or Docker's) */
};

struct save {
	struct store *st;
	struct archive *w;
	struct blob_set written;
	struct image *imgs;
	size_t n;
};

static struct archive_entry *
file_entry(const char *path, int64_t size)
{
	struct archive_entry *e = archive_entry_new();

	if (e == NULL)
		abort();
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, 0, 0);
	return e;
}

static int
write_buf(struct save *s, const char *path, const void *buf, size_t len, struct pd_err *err)
{
	struct archive_entry *e = file_entry(path, (int64_t)len);
	int r = 0;

	if (archive_write_header(s->w, e) < ARCHIVE_WARN ||
	    (len > 0 && archive_write_data(s->w, buf, len) < 0))
		r = archive_fail(err, s->w, path);
	archive_entry_free(e);
	return r;
}

static int
write_json(struct save *s, const char *path, const json_t *j, struct pd_err *err)
{
	cleanup_free char *text = pd_json_dump(j);

	return write_buf(s, path, text, strlen(text), err);
}

/* Blob @digest as entry @path, as stored. */
static int
write_blob(struct save *s, const char *digest, const char *path, struct pd_err *err)
{
	cleanup_close int fd = blob_open(s->st, digest, err);
	struct archive_entry *e = NULL;
	struct stat st;
	char buf[65536];
	int r = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "stat blob %s", digest);
	e = file_entry(path, st.st_size);
	if (archive_write_header(s->w, e) < ARCHIVE_WARN)
		r = archive_fail(err, s->w, path);
	archive_entry_free(e);
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = pd_fail_errno(err, errno, "read blob %s", digest);
		if (n <= 0)
			break;
		if (archive_write_data(s->w, buf, (size_t)n) < 0)
			r = archive_fail(err, s->w, path);
	}
	return r;
}

/* The uncompressed bytes of blob @digest: counted (@w NULL) or written to
 * @w; @got gets their digest. */
static int
pass_layer(struct save *s, const char *digest, struct archive *w, int64_t *size,
	   char got[PD_DIGEST_MAX + 1], struct pd_err *err)
{
	cleanup_close int fd = blob_open(s->st, digest, err);
	cleanup_digest struct pd_digest *d = pd_digest_new();
	struct archive *a = NULL;
	char buf[65536];
	la_ssize_t n;
	int r = 0;

	if (fd < 0)
		return -1;
	a = raw_reader_open(fd, err);
	if (a == NULL)
		return pd_err_prefix(err, "layer %s", digest);
	*size = 0;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		pd_digest_update(d, buf, (size_t)n);
		*size += n;
		if (w != NULL && archive_write_data(w, buf, (size_t)n) < 0) {
			r = archive_fail(err, w, "write the layer");
			break;
		}
	}
	if (r == 0 && n < 0)
		r = archive_fail(err, a, "read the layer");
	archive_read_free(a);
	pd_digest_final(d, got);
	return r;
}

/* Layer @i of @img as "<diff-id hex>.tar", uncompressed. */
static int
write_docker_layer(struct save *s, const struct desc *layer, const char *diff_id,
		   struct pd_err *err)
{
	char path[PD_DIGEST_HEX_LEN + 8], got[PD_DIGEST_MAX + 1];
	struct archive_entry *e = NULL;
	int64_t size = 0;
	int r;

	(void)snprintf(path, sizeof(path), "%s.tar", pd_digest_hex(diff_id));
	if (blob_set_has(&s->written, diff_id))
		return 0;
	blob_set_add(&s->written, diff_id);
	if (strcmp(layer->digest, diff_id) == 0)
		return write_blob(s, layer->digest, path, err);
	/* Compressed: the size first, then the bytes (a tar header holds the size). */
	if (pass_layer(s, layer->digest, NULL, &size, got, err) < 0)
		return -1;
	if (pd_digest_check(diff_id, got, "uncompressed layer", err) < 0)
		return -1;
	e = file_entry(path, size);
	r = archive_write_header(s->w, e) < ARCHIVE_WARN ? archive_fail(err, s->w, path) : 0;
	archive_entry_free(e);
	if (r == 0)
		r = pass_layer(s, layer->digest, s->w, &size, got, err);
	return r;
}

/* "busybox:latest" for docker.io/library/busybox:latest; 0 when @name has
 * no tag. */
static int
repo_tag(const char *name, char *repo, size_t rlen, char *tag, size_t tlen)
{
	struct pd_err err = {0};
	struct pd_imgref ref;

	if (pd_imgref_parse(name, &ref, &err) < 0 || ref.tag[0] == '\0')
		return 0;
	pd_imgref_familiar(&ref, repo, rlen);
	(void)snprintf(tag, tlen, "%s", ref.tag);
	return 1;
}

static int
save_docker(struct save *s, struct pd_err *err)
{
	cleanup_json json_t *manifest = json_array(), *repos = json_object();

	for (size_t i = 0; i < s->n; i++) {
		struct image *img = &s->imgs[i];
		const json_t *diff_ids =
		    json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
		char path[PD_DIGEST_HEX_LEN + 8];
		json_t *layers = json_array(), *tags = json_array(), *name;
		size_t k;

		if (!json_is_array(diff_ids) || json_array_size(diff_ids) != img->m.nlayers) {
			json_decref(layers);
			json_decref(tags);
			return pd_fail(err, PD_E_INVALID,
				       "image %s: its config's diff_ids do not match its layers",
				       img->manifest);
		}
		for (size_t l = 0; l < img->m.nlayers; l++) {
			const char *diff_id = json_string_value(json_array_get(diff_ids, l));

			if (diff_id == NULL || !pd_digest_valid(diff_id) ||
			    write_docker_layer(s, &img->m.layers[l], diff_id, err) < 0) {
				json_decref(layers);
				json_decref(tags);
				return diff_id == NULL || !pd_digest_valid(diff_id)
					   ? pd_fail(err, PD_E_INVALID, "image %s: bad diff_id",
						     img->manifest)
					   : -1;
			}
			(void)snprintf(path, sizeof(path), "%s.tar", pd_digest_hex(diff_id));
			json_array_append_new(layers, json_string(path));
		}
		(void)snprintf(path, sizeof(path), "%s.json", pd_digest_hex(img->m.config.digest));
		if (!blob_set_has(&s->written, img->m.config.digest)) {
			blob_set_add(&s->written, img->m.config.digest);
			if (write_blob(s, img->m.config.digest, path, err) < 0) {
				json_decref(layers);
				json_decref(tags);
				return -1;
			}
		}
		json_array_foreach (img->names, k, name) {
			char repo[PD_IMGREF_MAX], tag[PD_IMGREF_TAG_MAX + 1];
			char rt[PD_IMGREF_MAX + PD_IMGREF_TAG_MAX + 2];
			json_t *r;

			if (!repo_tag(json_string_value(name), repo, sizeof(repo), tag,
				      sizeof(tag)))
				continue;
			(void)snprintf(rt, sizeof(rt), "%s:%s", repo, tag);
			json_array_append_new(tags, json_string(rt));
			r = json_object_get(repos, repo);
			if (r == NULL) {
				r = json_object();
				json_object_set_new(repos, repo, r);
			}
			if (img->m.nlayers > 0)
				json_object_set_new(
				    r, tag,
				    json_string(pd_digest_hex(json_string_value(
					json_array_get(diff_ids, img->m.nlayers - 1)))));
		}
		json_array_append_new(manifest, json_pack("{s:s, s:o, s:o}", "Config", path,
							  "RepoTags", tags, "Layers", layers));
	}
	if (write_json(s, "manifest.json", manifest, err) < 0)
		return -1;
	return write_json(s, "repositories", repos, err);
}

static int
save_oci_blob(struct save *s, const char *digest, struct pd_err *err)
{
	char path[PD_DIGEST_HEX_LEN + 16];

	if (blob_set_has(&s->written, digest))
		return 0;
	blob_set_add(&s->written, digest);
	(void)snprintf(path, sizeof(path), "blobs/sha256/%s", pd_digest_hex(digest));
	return write_blob(s, digest, path, err);
}

static int
save_oci(struct save *s, struct pd_err *err)
{
	cleanup_json json_t *layout = json_pack("{s:s}", "imageLayoutVersion", "1.0.0");
	cleanup_json json_t *index = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType",
					       MT_OCI_INDEX, "manifests");
	json_t *entries = json_object_get(index, "manifests");

	if (write_json(s, "oci-layout", layout, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		struct image *img = &s->imgs[i];
		json_t *name;
		size_t k;

		for (size_t l = 0; l < img->m.nlayers; l++)
			if (save_oci_blob(s, img->m.layers[l].digest, err) < 0)
				return -1;
		if (save_oci_blob(s, img->m.config.digest, err) < 0 ||
		    save_oci_blob(s, img->manifest, err) < 0)
			return -1;
		json_array_foreach (img->names, k, name)
			json_array_append_new(
			    entries, json_pack("{s:s, s:s, s:I, s:{s:O, s:O}}", "mediaType",
					       img->media_type, "digest", img->manifest, "size",
					       (json_int_t)img->manifest_size, "annotations",
					       ANN_REF_NAME, name, ANN_CONTAINERD_NAME, name));
		if (json_array_size(img->names) == 0)
			json_array_append_new(entries,
					      json_pack("{s:s, s:s, s:I}", "mediaType",
							img->media_type, "digest", img->manifest,
							"size", (json_int_t)img->manifest_size));
	}
	return write_json(s, "index.json", index, err);
}

/* Read the --images list and every manifest and config it names. */
static int
read_images(struct save *s, const json_t *list, struct pd_err *err)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return pd_fail(err, PD_E_INVALID, "--images: not a non-empty array");
	s->imgs = calloc(json_array_size(list), sizeof(*s->imgs));
	if (s->imgs == NULL)
		abort();
	json_array_foreach (list, i, item) {
		struct image *img = &s->imgs[i];
		const json_t *names = json_object_get(item, "names");
		cleanup_json json_t *m = NULL;
		const json_t *n;
		struct stat st;
		size_t k;

		img->manifest = json_string_value(json_object_get(item, "manifest"));
		if (img->manifest == NULL || !pd_digest_valid(img->manifest))
			return pd_fail(err, PD_E_INVALID, "--images[%zu]: bad manifest digest", i);
		if (names != NULL && !json_is_array(names))
			return pd_fail(err, PD_E_INVALID, "--images[%zu]: names not an array", i);
		json_array_foreach (names, k, n) {
			struct pd_imgref ref;

			if (!json_is_string(n) ||
			    pd_imgref_parse(json_string_value(n), &ref, err) < 0)
				return pd_fail(err, PD_E_INVALID, "--images[%zu]: bad name", i);
		}
		img->names = names;
		m = blob_read_json(s->st, img->manifest, err);
		if (m == NULL || manifest_parse(m, &img->m, err) < 0)
			return pd_err_prefix(err, "image %s", img->manifest);
		(void)snprintf(img->media_type, sizeof(img->media_type), "%s",
			       json_is_string(json_object_get(m, "mediaType"))
				   ? json_string_value(json_object_get(m, "mediaType"))
				   : MT_OCI_MANIFEST);
		s->n = i + 1;
		img->config = blob_read_json(s->st, img->m.config.digest, err);
		if (img->config == NULL)
			return pd_err_prefix(err, "image %s", img->manifest);
		if (fstatat(s->st->blobs, pd_digest_hex(img->manifest), &st, 0) < 0)
			return pd_fail_errno(err, errno, "stat blob %s", img->manifest);
		img->manifest_size = st.st_size;
	}
	return 0;
}

int
cmd_save(int argc, char **argv, struct pd_err *err)
{
	const char *root = NULL, *format = NULL, *images = NULL;
	const struct opt opts[] = {
	    {"store", &root, true},
	    {"format", &format, true},
	    {"images", &images, true},
	    {NULL, NULL, false},
	};
	cleanup_json json_t *list = NULL;
	struct save s = {0};
	struct store st;
	int r;

	if (opts_parse(argc, argv, opts, err) < 0)
		return -1;
	if (strcmp(format, "docker-archive") != 0 && strcmp(format, "oci-archive") != 0) {
		usage_error = true;
		return pd_fail(err, PD_E_INVALID,
			       "--format \"%.80s\": want docker-archive or oci-archive", format);
	}
	list = pd_json_load(images, strlen(images), SAVE_IMAGES_MAX, err);
	if (list == NULL)
		return pd_err_prefix(err, "--images");
	if (store_open(root, &st, err) < 0)
		return -1;
	s.st = &st;
	r = read_images(&s, list, err);
	if (r == 0) {
		s.w = tar_writer_fd(STDOUT_FILENO, err);
		r = s.w == NULL ? -1 : 0;
	}
	if (r == 0)
		r = strcmp(format, "oci-archive") == 0 ? save_oci(&s, err) : save_docker(&s, err);
	if (s.w != NULL) {
		if (r == 0)
			r = tar_writer_close(s.w, err);
		else
			archive_write_free(s.w);
	}
	for (size_t i = 0; i < s.n; i++) {
		manifest_free(&s.imgs[i].m);
		json_decref(s.imgs[i].config);
	}
	free(s.imgs);
	blob_set_free(&s.written);
	store_close(&st);
	return r;
}
