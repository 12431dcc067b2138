/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive load --store ROOT
 *
 * stdin is a `docker save` / `podman save` archive (docker-archive), an
 * oci-archive (both tars, maybe gzip or zstd compressed, read once as a
 * stream) or a directory fd holding an OCI image layout. Every blob goes to
 * the store with its digest checked; for a docker-archive, whose manifest.json
 * names files rather than digests and comes last, every file is stored under
 * the digest it hashes to while it streams by, and an OCI image manifest is
 * made for each image once manifest.json is read. Blobs this load made and no
 * image uses are removed again; a failure removes all it made.
 * Prints {"images":[{"manifest":"sha256:..","names":["docker.io/library/x:tag"]}]}.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "json.h"
#include "manifest.h"
#include "podd_archive.h"
#include "xalloc.h"

#define LOAD_JSON_MAX (8u << 20)

/* A file of the archive stored as a blob (docker-archive), or a symlink. */
struct file {
	char *path;
	char *link; /* a symlink's target, resolved against path's directory */
	char digest[PD_DIGEST_MAX + 1];
};

struct load {
	struct store *st;
	int dirfd; /* an OCI layout directory, or -1 for a tar stream */
	struct blob_set created, used;
	struct file *files;
	size_t nfiles, cap;
	json_t *manifest_json, *index_json, *oci_layout;
	json_t *images; /* the output array */
};

/* The clean relative form of an archive path ("./a//b" -> "a/b"). */
static void
clean_path(const char *raw, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = raw; *p != '\0' && n + 1 < len;) {
		size_t c = strcspn(p, "/");

		if (c > 0 && !(c == 1 && p[0] == '.')) {
			if (n > 0 && n + 1 < len)
				out[n++] = '/';
			if (n + c >= len)
				c = len - n - 1;
			memcpy(out + n, p, c);
			n += c;
		}
		p += c;
		while (*p == '/')
			p++;
	}
	out[n] = '\0';
}

/* "blobs/sha256/<hex>" -> "sha256:<hex>" when valid. */
static bool
blob_path_digest(const char *path, char out[PD_DIGEST_MAX + 1])
{
	if (strncmp(path, "blobs/sha256/", 13) != 0)
		return false;
	(void)snprintf(out, PD_DIGEST_MAX + 1, "sha256:%s", path + 13);
	return strlen(path + 13) == PD_DIGEST_HEX_LEN && pd_digest_valid(out);
}

static void
add_file(struct load *ld, const char *path, const char *link, const char *digest)
{
	struct file *f;

	if (ld->nfiles == ld->cap) {
		ld->cap = ld->cap ? 2 * ld->cap : 32;
		ld->files = xrealloc(ld->files, ld->cap * sizeof(*ld->files));
	}
	f = &ld->files[ld->nfiles++];
	*f = (struct file){.path = xstrdup(path), .link = link ? xstrdup(link) : NULL};
	(void)snprintf(f->digest, sizeof(f->digest), "%s", digest ? digest : "");
}

/* The blob a docker-archive path names (following the archive's symlinks). */
static const char *
file_digest(struct load *ld, const char *raw)
{
	char path[PATH_MAX];
	static char from_path[PD_DIGEST_MAX + 1];

	clean_path(raw, path, sizeof(path));
	for (int hops = 0; hops < 8; hops++) {
		const struct file *f = NULL;

		for (size_t i = 0; i < ld->nfiles && f == NULL; i++)
			if (strcmp(ld->files[i].path, path) == 0)
				f = &ld->files[i];
		if (f == NULL)
			return blob_path_digest(path, from_path) && blob_have(ld->st, from_path)
				   ? from_path
				   : NULL;
		if (f->link == NULL)
			return f->digest;
		(void)snprintf(path, sizeof(path), "%s", f->link);
	}
	return NULL;
}

/* Stream the entry's data into the store; @want NULL: any digest. */
static int
store_entry(struct load *ld, struct archive *a, const char *want, char out[PD_DIGEST_MAX + 1],
	    struct pd_err *err)
{
	struct blob_writer w;
	const void *buf;
	size_t len;
	la_int64_t off;
	bool created = false;
	int r;

	if (blob_begin(ld->st, &w, err) < 0)
		return -1;
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
		if (blob_write(&w, buf, len, err) < 0) {
			blob_abort(&w);
			return -1;
		}
	if (r != ARCHIVE_EOF) {
		blob_abort(&w);
		return archive_fail(err, a, "read the archive");
	}
	if (blob_commit(&w, want, out, &created, err) < 0)
		return -1;
	if (created)
		blob_set_add(&ld->created, out);
	return 0;
}

static json_t *
read_json_entry(struct archive *a, const char *path, struct pd_err *err)
{
	cleanup_free char *buf = xmalloc(LOAD_JSON_MAX);
	size_t len = 0;
	la_ssize_t n;

	while ((n = archive_read_data(a, buf + len, LOAD_JSON_MAX - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		return archive_fail(err, a, path), NULL;
	if (len == LOAD_JSON_MAX)
		return pd_fail(err, PD_E_TOO_LARGE, "%s: over %u bytes", path, LOAD_JSON_MAX), NULL;
	return pd_json_load(buf, len, LOAD_JSON_MAX, err);
}

static int
load_entry(struct load *ld, struct archive *a, struct archive_entry *e, struct pd_err *err)
{
	char path[PATH_MAX], digest[PD_DIGEST_MAX + 1], want[PD_DIGEST_MAX + 1];
	json_t **slot = NULL;

	clean_path(archive_entry_pathname(e) ? archive_entry_pathname(e) : "", path, sizeof(path));
	if (archive_entry_filetype(e) == AE_IFLNK && archive_entry_symlink(e) != NULL) {
		char target[PATH_MAX * 2], dir[PATH_MAX];
		const char *slash = strrchr(path, '/');

		(void)snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 0, path);
		/* Relative to the link's directory; ".." steps are resolved. */
		(void)snprintf(target, sizeof(target), "%s/%s", dir, archive_entry_symlink(e));
		{
			char parts[PATH_MAX] = "";
			size_t n = 0;

			for (char *save = NULL, *c = strtok_r(target, "/", &save); c != NULL;
			     c = strtok_r(NULL, "/", &save)) {
				if (strcmp(c, ".") == 0)
					continue;
				if (strcmp(c, "..") == 0) {
					char *s = strrchr(parts, '/');

					n = s ? (size_t)(s - parts) : 0;
					parts[n] = '\0';
					continue;
				}
				n += (size_t)snprintf(parts + n, sizeof(parts) - n, "%s%s",
						      n ? "/" : "", c);
				if (n >= sizeof(parts))
					return pd_fail(err, PD_E_INVALID, "%s: link too long",
						       path);
			}
			add_file(ld, path, parts, NULL);
		}
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if (strcmp(path, "manifest.json") == 0)
		slot = &ld->manifest_json;
	else if (strcmp(path, "index.json") == 0)
		slot = &ld->index_json;
	else if (strcmp(path, "oci-layout") == 0)
		slot = &ld->oci_layout;
	if (slot != NULL) {
		json_decref(*slot);
		*slot = read_json_entry(a, path, err);
		return *slot != NULL ? 0 : pd_err_prefix(err, "%s", path);
	}
	if (strcmp(path, "repositories") == 0)
		return 0;
	if (blob_path_digest(path, want)) {
		if (store_entry(ld, a, want, digest, err) < 0)
			return pd_err_prefix(err, "%s", path);
		return 0;
	}
	if (store_entry(ld, a, NULL, digest, err) < 0)
		return pd_err_prefix(err, "%s", path);
	add_file(ld, path, NULL, digest);
	return 0;
}

static int
read_tar(struct load *ld, int fd, struct pd_err *err)
{
	struct archive *a = tar_reader_open(fd, "read the archive", err);
	struct archive_entry *e;
	int r = 0;

	if (a == NULL)
		return -1;
	while (r == 0) {
		int h = archive_read_next_header(a, &e);

		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN)
			r = archive_fail(err, a, "read the archive");
		else
			r = load_entry(ld, a, e, err);
	}
	archive_read_free(a);
	return r;
}

/* In a layout directory: copy blob @digest into the store unless there. */
static int
need_blob(struct load *ld, const char *digest, struct pd_err *err)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	char path[PATH_MAX], got[PD_DIGEST_MAX + 1];
	cleanup_close int fd = -1;
	struct blob_writer w;
	bool created = false;
	char buf[65536];

	blob_set_add(&ld->used, digest);
	if (blob_have(ld->st, digest))
		return 0;
	if (ld->dirfd < 0)
		return pd_fail(err, PD_E_INVALID, "blob %s is not in the archive", digest);
	(void)snprintf(path, sizeof(path), "blobs/sha256/%s", pd_digest_hex(digest));
	fd = (int)syscall(SYS_openat2, ld->dirfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == ENOENT
			   ? pd_fail(err, PD_E_INVALID, "blob %s is not in the layout", digest)
			   : pd_fail_errno(err, errno, "open %s", path);
	if (blob_begin(ld->st, &w, err) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				blob_abort(&w);
				return pd_fail_errno(err, errno, "read %s", path);
			}
			break;
		}
		if (blob_write(&w, buf, (size_t)n, err) < 0) {
			blob_abort(&w);
			return -1;
		}
	}
	if (blob_commit(&w, digest, got, &created, err) < 0)
		return pd_err_prefix(err, "%s", path);
	if (created)
		blob_set_add(&ld->created, got);
	return 0;
}

/* Add @names to the output for @manifest (merged with an entry already there). */
static void
add_image(struct load *ld, const char *manifest, json_t *names)
{
	json_t *img;
	size_t i;

	json_array_foreach (ld->images, i, img) {
		if (strcmp(json_string_value(json_object_get(img, "manifest")), manifest) == 0) {
			json_t *have = json_object_get(img, "names");
			json_t *n;
			size_t k;

			json_array_foreach (names, k, n) {
				bool dup = false;
				json_t *h;
				size_t m;

				json_array_foreach (have, m, h)
					dup = dup || json_equal(h, n);
				if (!dup)
					json_array_append(have, n);
			}
			json_decref(names);
			return;
		}
	}
	json_array_append_new(ld->images,
			      json_pack("{s:s, s:o}", "manifest", manifest, "names", names));
}

/* Every blob of an image manifest is there (copied from a layout). */
static int
need_image(struct load *ld, const char *digest, struct pd_err *err)
{
	cleanup_json json_t *j = NULL;
	struct manifest m;
	int r = 0;

	if (need_blob(ld, digest, err) < 0)
		return -1;
	j = blob_read_json(ld->st, digest, err);
	if (j == NULL || manifest_parse(j, &m, err) < 0)
		return pd_err_prefix(err, "manifest %s", digest);
	r = need_blob(ld, m.config.digest, err);
	for (size_t i = 0; r == 0 && i < m.nlayers; i++)
		r = need_blob(ld, m.layers[i].digest, err);
	manifest_free(&m);
	return r;
}

/* The image manifest for linux/amd64 that @d names (an index is followed). */
static int
resolve_manifest(struct load *ld, const struct desc *d, char out[PD_DIGEST_MAX + 1],
		 struct pd_err *err)
{
	struct desc cur = *d;

	for (int depth = 0; depth < 4; depth++) {
		cleanup_json json_t *j = NULL;
		enum manifest_kind kind;

		if (need_blob(ld, cur.digest, err) < 0)
			return -1;
		j = blob_read_json(ld->st, cur.digest, err);
		if (j == NULL || manifest_kind(j, &kind, err) < 0)
			return -1;
		if (kind == MANIFEST_IMAGE) {
			memcpy(out, cur.digest, sizeof(cur.digest));
			return need_image(ld, cur.digest, err);
		}
		if (index_choose(j, "linux", "amd64", &cur, err) < 0)
			return pd_err_prefix(err, "%s", d->digest);
	}
	return pd_fail(err, PD_E_INVALID, "%s: indexes nested too deep", d->digest);
}

static int
load_oci(struct load *ld, struct pd_err *err)
{
	const json_t *entries = json_object_get(ld->index_json, "manifests");
	const json_t *e;
	size_t i;

	if (!json_is_array(entries))
		return pd_fail(err, PD_E_INVALID, "index.json: no manifests array");
	json_array_foreach (entries, i, e) {
		char name[PD_IMGREF_MAX], why[PD_ERR_MSG_MAX], digest[PD_DIGEST_MAX + 1];
		json_t *names = json_array();
		struct desc d;

		if (desc_parse(e, &d, err) < 0 || resolve_manifest(ld, &d, digest, err) < 0) {
			json_decref(names);
			return pd_err_prefix(err, "index.json entry %zu", i);
		}
		if (index_entry_name(e, name, sizeof(name), why, sizeof(why)) == 1)
			json_array_append_new(names, json_string(name));
		else if (why[0] != '\0')
			note("image %s: name skipped: %s", digest, why);
		add_image(ld, digest, names);
	}
	return 0;
}

/* The OCI manifest of one image of a docker-archive, made and stored. */
static int
docker_image(struct load *ld, const struct docker_image *img, char out[PD_DIGEST_MAX + 1],
	     struct pd_err *err)
{
	const char *config = file_digest(ld, img->config);
	cleanup_json json_t *m = NULL;
	cleanup_free char *text = NULL;
	json_t *layers = json_array();
	bool created = false;
	struct stat st;

	m = json_pack("{s:i, s:s, s:o}", "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST, "layers",
		      layers);
	if (config == NULL)
		return pd_fail(err, PD_E_INVALID, "config \"%.100s\" is not in the archive",
			       img->config);
	if (fstatat(ld->st->blobs, pd_digest_hex(config), &st, 0) < 0)
		return pd_fail_errno(err, errno, "stat blob %s", config);
	json_object_set_new(m, "config",
			    json_pack("{s:s, s:s, s:I}", "mediaType", MT_OCI_CONFIG, "digest",
				      config, "size", (json_int_t)st.st_size));
	blob_set_add(&ld->used, config);
	for (size_t i = 0; i < img->nlayers; i++) {
		const char *d = file_digest(ld, img->layers[i]);
		unsigned char head[4] = {0};
		cleanup_close int fd = -1;
		ssize_t n;

		if (d == NULL)
			return pd_fail(err, PD_E_INVALID, "layer \"%.100s\" is not in the archive",
				       img->layers[i]);
		fd = blob_open(ld->st, d, err);
		if (fd < 0 || fstat(fd, &st) < 0)
			return fd < 0 ? -1 : pd_fail_errno(err, errno, "stat blob %s", d);
		n = read(fd, head, sizeof(head));
		json_array_append_new(layers,
				      json_pack("{s:s, s:s, s:I}", "mediaType",
						layer_media_type(head, n > 0 ? (size_t)n : 0),
						"digest", d, "size", (json_int_t)st.st_size));
		blob_set_add(&ld->used, d);
	}
	text = pd_json_dump(m);
	if (blob_put(ld->st, text, strlen(text), out, &created, err) < 0)
		return -1;
	if (created)
		blob_set_add(&ld->created, out);
	blob_set_add(&ld->used, out);
	return 0;
}

static int
load_docker(struct load *ld, struct pd_err *err)
{
	struct docker_image *imgs = NULL;
	size_t n = 0;
	int r = 0;

	if (docker_manifest_parse(ld->manifest_json, &imgs, &n, err) < 0)
		return -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		char digest[PD_DIGEST_MAX + 1];
		json_t *names = json_array();

		r = docker_image(ld, &imgs[i], digest, err);
		if (r < 0) {
			json_decref(names);
			pd_err_prefix(err, "manifest.json image %zu", i);
			break;
		}
		for (size_t t = 0; t < imgs[i].ntags; t++) {
			struct pd_err perr = {0};
			struct pd_imgref ref;
			char name[PD_IMGREF_MAX];

			if (pd_imgref_parse(imgs[i].tags[t], &ref, &perr) < 0) {
				note("image %s: name skipped: %s", digest, perr.msg);
				continue;
			}
			pd_imgref_format(&ref, name, sizeof(name));
			json_array_append_new(names, json_string(name));
		}
		add_image(ld, digest, names);
	}
	docker_images_free(imgs, n);
	return r;
}

static int
load_run(struct load *ld, int in, struct pd_err *err)
{
	struct stat st;

	if (fstat(in, &st) < 0)
		return pd_fail_errno(err, errno, "stat stdin");
	if (S_ISDIR(st.st_mode)) {
		ld->dirfd = in;
		ld->oci_layout = pd_json_load_file(in, "oci-layout", LOAD_JSON_MAX, err);
		if (ld->oci_layout == NULL)
			return pd_err_prefix(err, "not an OCI image layout");
		ld->index_json = pd_json_load_file(in, "index.json", LOAD_JSON_MAX, err);
		if (ld->index_json == NULL)
			return pd_err_prefix(err, "OCI image layout");
		return load_oci(ld, err);
	}
	if (read_tar(ld, in, err) < 0)
		return -1;
	if (ld->manifest_json != NULL)
		return load_docker(ld, err);
	if (ld->index_json != NULL)
		return load_oci(ld, err);
	return pd_fail(err, PD_E_INVALID,
		       "not an image archive: no manifest.json (docker-archive) or index.json "
		       "(oci-archive)");
}

int
cmd_load(int argc, char **argv, struct pd_err *err)
{
	const char *root = NULL;
	const struct opt opts[] = {{"store", &root, true}, {NULL, NULL, false}};
	struct load ld = {.dirfd = -1};
	struct store st;
	int r;

	if (opts_parse(argc, argv, opts, err) < 0)
		return -1;
	if (store_open(root, &st, err) < 0)
		return -1;
	ld.st = &st;
	ld.images = json_array();
	r = load_run(&ld, STDIN_FILENO, err);
	if (r == 0 && json_array_size(ld.images) == 0)
		r = pd_fail(err, PD_E_INVALID, "the archive holds no image");
	/* What this load made and no image uses goes; on failure, all of it. */
	for (size_t i = 0; i < ld.created.n; i++)
		if (r < 0 || !blob_set_has(&ld.used, ld.created.digests[i]))
			blob_remove(&st, ld.created.digests[i]);
	if (r == 0) {
		json_t *out = json_pack("{s:O}", "images", ld.images);

		r = print_json(out, err);
		json_decref(out);
	}
	for (size_t i = 0; i < ld.nfiles; i++) {
		free(ld.files[i].path);
		free(ld.files[i].link);
	}
	free(ld.files);
	blob_set_free(&ld.created);
	blob_set_free(&ld.used);
	json_decref(ld.manifest_json);
	json_decref(ld.index_json);
	json_decref(ld.oci_layout);
	json_decref(ld.images);
	store_close(&st);
	return r;
}
