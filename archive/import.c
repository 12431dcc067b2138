/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive import --store ROOT [--name REF]
 *
 * stdin is a flat root filesystem: a tarball (gzip, zstd, xz... or none) or
 * a directory fd. It becomes a one-layer image: an uncompressed layer blob
 * (a tar rewritten by libarchive, entries checked as unpack checks them), a
 * config (linux/amd64, rootfs.diff_ids, created now) and an OCI manifest. An
 * image archive (manifest.json or oci-layout at its top) is refused: that is
 * what `podctl image load` reads.
 * Prints {"images":[{"manifest":"sha256:..","names":[REF]}]}.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "imgref.h"
#include "json.h"
#include "manifest.h"
#include "podd_archive.h"
#include "timefmt.h"

static int
image_archive_refused(const char *what, struct pd_err *err)
{
	return pd_fail(err, PD_E_INVALID,
		       "this is an image archive (it has %s): use podctl image load", what);
}

/* Copy the entries of the tar on @fd into @w, paths made clean. */
static int
copy_tar(int fd, struct archive *w, struct pd_err *err)
{
	struct archive *a = tar_reader_open(fd, "read the tarball", err);
	struct archive_entry *e;
	int r = 0;

	if (a == NULL)
		return -1;
	while (r == 0) {
		char path[PATH_MAX], link[PATH_MAX];
		int h = archive_read_next_header(a, &e);
		const void *buf;
		size_t len;
		la_int64_t off;

		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN) {
			r = archive_fail(err, a, "read the tarball");
			break;
		}
		if (archive_entry_pathname(e) == NULL) {
			r = pd_fail(err, PD_E_INVALID, "an entry has no readable path");
			break;
		}
		r = entry_path_clean(archive_entry_pathname(e), path, sizeof(path), err);
		if (r == 0 && archive_entry_hardlink(e) != NULL)
			r = entry_path_clean(archive_entry_hardlink(e), link, sizeof(link), err);
		if (r < 0)
			break;
		if (strcmp(path, "manifest.json") == 0 || strcmp(path, "oci-layout") == 0) {
			r = image_archive_refused(path, err);
			break;
		}
		if (path[0] == '\0')
			continue; /* the root directory itself */
		archive_entry_copy_pathname(e, path);
		if (archive_entry_hardlink(e) != NULL)
			archive_entry_copy_hardlink(e, link);
		if (archive_write_header(w, e) < ARCHIVE_WARN) {
			r = archive_fail(err, w, path);
			break;
		}
		while ((h = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data(w, buf, len) < 0)
				break;
		if (h != ARCHIVE_EOF)
			r = h == ARCHIVE_OK ? archive_fail(err, w, path)
					    : archive_fail(err, a, path);
	}
	archive_read_free(a);
	return r;
}

/* The layer blob from stdin; @diff_id and @size get its digest and size. */
static int
make_layer(struct store *st, int in, char diff_id[PD_DIGEST_MAX + 1], uint64_t *size, bool *created,
	   struct pd_err *err)
{
	struct blob_writer bw;
	struct archive *w = NULL;
	struct stat sb;
	int r;

	if (fstat(in, &sb) < 0)
		return pd_fail_errno(err, errno, "stat stdin");
	if (S_ISDIR(sb.st_mode)) {
		if (faccessat(in, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return image_archive_refused("manifest.json", err);
		if (faccessat(in, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return image_archive_refused("oci-layout", err);
	}
	if (blob_begin(st, &bw, err) < 0)
		return -1;
	w = tar_writer_blob(&bw, err);
	if (w == NULL) {
		blob_abort(&bw);
		return -1;
	}
	if (S_ISDIR(sb.st_mode))
		r = tar_write_tree(w, in, "", "", err);
	else
		r = copy_tar(in, w, err);
	if (r == 0)
		r = tar_writer_close(w, err);
	else
		archive_write_free(w);
	if (r < 0) {
		blob_abort(&bw);
		return -1;
	}
	*size = pd_digest_size(bw.digest);
	return blob_commit(&bw, NULL, diff_id, created, err);
}

static int
import(struct store *st, const char *name, struct pd_err *err)
{
	char layer[PD_DIGEST_MAX + 1], config[PD_DIGEST_MAX + 1], manifest[PD_DIGEST_MAX + 1];
	char now[64];
	cleanup_json json_t *cfg = NULL, *m = NULL, *out = NULL;
	cleanup_free char *cfg_text = NULL, *m_text = NULL;
	bool layer_new = false, config_new = false, created = false;
	uint64_t size = 0;

	if (make_layer(st, STDIN_FILENO, layer, &size, &layer_new, err) < 0)
		return -1;
	if (pd_time_rfc3339_now(now, sizeof(now)) < 0)
		(void)snprintf(now, sizeof(now), "1970-01-01T00:00:00Z");
	cfg = json_pack("{s:s, s:s, s:s, s:{}, s:{s:s, s:[s]}, s:[{s:s, s:s}]}", "architecture",
			"amd64", "os", "linux", "created", now, "config", "rootfs", "type",
			"layers", "diff_ids", layer, "history", "created", now, "created_by",
			"podctl image import");
	cfg_text = pd_json_dump(cfg);
	if (blob_put(st, cfg_text, strlen(cfg_text), config, &config_new, err) < 0)
		goto undo_layer;
	m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2,
		      "mediaType", MT_OCI_MANIFEST, "config", "mediaType", MT_OCI_CONFIG, "digest",
		      config, "size", (json_int_t)strlen(cfg_text), "layers", "mediaType",
		      MT_OCI_LAYER, "digest", layer, "size", (json_int_t)size);
	m_text = pd_json_dump(m);
	if (blob_put(st, m_text, strlen(m_text), manifest, &created, err) < 0)
		goto undo_config;
	out = json_pack("{s:[{s:s, s:[]}]}", "images", "manifest", manifest, "names");
	if (name != NULL)
		json_array_append_new(
		    json_object_get(json_array_get(json_object_get(out, "images"), 0), "names"),
		    json_string(name));
	if (print_json(out, err) < 0)
		goto undo_manifest;
	return 0;
undo_manifest:
	if (created)
		blob_remove(st, manifest);
undo_config:
	if (config_new)
		blob_remove(st, config);
undo_layer:
	if (layer_new)
		blob_remove(st, layer);
	return -1;
}

int
cmd_import(int argc, char **argv, struct pd_err *err)
{
	const char *root = NULL, *name = NULL;
	const struct opt opts[] = {
	    {"store", &root, true},
	    {"name", &name, false},
	    {NULL, NULL, false},
	};
	char full[PD_IMGREF_MAX];
	struct pd_imgref ref;
	struct store st;
	int r;

	if (opts_parse(argc, argv, opts, err) < 0)
		return -1;
	if (name != NULL) {
		if (pd_imgref_parse(name, &ref, err) < 0)
			return -1;
		if (ref.digest[0] != '\0')
			return pd_fail(err, PD_E_INVALID,
				       "name \"%.200s\": an imported image is named by a tag, not "
				       "a digest",
				       name);
		pd_imgref_format(&ref, full, sizeof(full));
	}
	if (store_open(root, &st, err) < 0)
		return -1;
	r = import(&st, name != NULL ? full : NULL, err);
	store_close(&st);
	return r;
}
