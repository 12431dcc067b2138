/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image store; see image.h. The trees are copied, unpacked and deleted
 * by tasks (task.h), never by podd's loop.
 */
#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "file.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "paths.h"
#include "podd.h"
#include "task.h"
#include "xalloc.h"

#define IMAGE_FILE     "image.json"
#define IMAGE_FILE_MAX (64 * 1024)
#define IMPORT_PREFIX  ".import-"
#define REMOVE_PREFIX  ".rm-"

int
image_request_parse(const json_t *body, struct image_request *req, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME, PD_F_PATH, NULL};
	const char *name = NULL, *path = NULL;

	memset(req, 0, sizeof(*req));
	if (pd_json_check_keys(body, "image", allowed, err) < 0 ||
	    pd_json_get_string(body, PD_F_NAME, &name, err) < 0 ||
	    pd_json_get_string(body, PD_F_PATH, &path, err) < 0)
		return -1;
	if (name == NULL || path == NULL)
		return pd_fail(err, PD_E_INVALID, "fields \"name\" and \"path\" are required");
	if (pd_name_validate(name, "image name", err) < 0)
		return -1;
	if (path[0] != '/')
		return pd_fail(err, PD_E_INVALID, "path \"%.200s\" is not absolute", path);
	if (strlen(path) >= sizeof(req->path))
		return pd_fail(err, PD_E_INVALID, "path is too long");
	memcpy(req->name, name, strlen(name) + 1);
	memcpy(req->path, path, strlen(path) + 1);
	return 0;
}

static void
image_free(struct image *img)
{
	if (img->pending != NULL) {
		struct pd_err err;

		pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
		http_pending_reply_error(img->pending, &err);
	}
	free(img->source);
	free(img);
}

struct image *
image_find(struct podd *d, const char *ref, struct pd_err *err)
{
	struct image *img, *match = NULL;

	TAILQ_FOREACH (img, &d->images, entry)
		if (strcmp(img->name, ref) == 0 || strcmp(img->id, ref) == 0)
			return img;
	if (pd_is_id_prefix(ref)) {
		TAILQ_FOREACH (img, &d->images, entry) {
			if (strncmp(img->id, ref, strlen(ref)) != 0)
				continue;
			if (match != NULL) {
				pd_fail(err, PD_E_INVALID, "image id prefix \"%s\" is ambiguous",
					ref);
				return NULL;
			}
			match = img;
		}
		if (match != NULL)
			return match;
	}
	pd_fail(err, PD_E_NOT_FOUND, "no such image: %.80s", ref);
	return NULL;
}

json_t *
image_to_json(const struct image *img)
{
	cleanup_free char *rootfs = paths_image(img->d, img->id, "rootfs");

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", PD_F_ID, img->id, PD_F_NAME, img->name,
			 PD_F_CREATED, img->created, PD_F_SOURCE, img->source, PD_F_ROOTFS, rootfs,
			 PD_F_STATE, img->importing ? "importing" : "ready");
}

static json_t *
record_json(const struct image *img)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", img->id, "name", img->name, "created",
			 img->created, "source", img->source);
}

/* Delete <images>/@name as a task (fire and forget). */
static void
delete_tree(struct podd *d, const char *name)
{
	cleanup_free char *path = paths_image(d, name, NULL);

	task_delete_trees(d, (const char *const[]){path, NULL});
}

/* The first line of a task's stderr, for a one-line error, without the
 * "/bin/tar: " the tools put in front. */
static const char *
first_line(char *s)
{
	char *colon = strstr(s, ": ");

	s[strcspn(s, "\n")] = '\0';
	if (s[0] == '/' && colon != NULL)
		return colon + 2;
	return s;
}

static void
on_import_done(void *arg, int exit_code, const char *errors)
{
	struct image *img = arg;
	struct podd *d = img->d;
	cleanup_free char *tmp = xasprintf(IMPORT_PREFIX "%s", img->id);
	cleanup_free char *msg = xstrdup(errors);
	cleanup_json json_t *rec = NULL;
	cleanup_close int dirfd = -1;
	struct pd_err err = {0};
	struct http_pending *p = img->pending;

	img->pending = NULL;
	if (exit_code != 0) {
		pd_fail(&err, PD_E_INVALID, "cannot import %s: %s", img->source,
			msg[0] ? first_line(msg) : "the copy failed");
		goto fail;
	}
	rec = record_json(img);
	dirfd = openat(d->images_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pd_fail_errno(&err, errno, "open %s", tmp);
		goto fail;
	}
	if (pd_json_save(dirfd, IMAGE_FILE, rec, &err) < 0)
		goto fail;
	if (renameat(d->images_fd, tmp, d->images_fd, img->id) < 0 || fsync(d->images_fd) < 0) {
		pd_fail_errno(&err, errno, "publish image %s", img->name);
		goto fail;
	}
	img->importing = false;
	log_info("image \"%s\": imported from %s", img->name, img->source);
	{
		cleanup_json json_t *j = image_to_json(img);

		http_pending_reply_json(p, 201, j);
	}
	return;
fail:
	log_info("image \"%s\": %s", img->name, err.msg);
	delete_tree(d, tmp);
	TAILQ_REMOVE(&d->images, img, entry);
	http_pending_reply_error(p, &err);
	image_free(img);
}

int
image_import(struct podd *d, const struct image_request *req, struct http_pending *pending,
	     struct pd_err *err)
{
	cleanup_free char *tmp = NULL;
	cleanup_free char *rootfs = NULL;
	cleanup_free char *src = NULL;
	struct pd_err ignored;
	struct image *img;
	struct stat st;
	int r;

	if (image_find(d, req->name, &ignored) != NULL)
		return pd_fail(err, PD_E_CONFLICT, "image \"%s\" already exists", req->name);
	if (stat(req->path, &st) < 0)
		return pd_fail(err, errno == ENOENT ? PD_E_NOT_FOUND : PD_E_INVALID, "%s: %s",
			       req->path, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "%s is neither a directory nor a tarball",
			       req->path);
	img = xcalloc(1, sizeof(*img));
	img->d = d;
	memcpy(img->name, req->name, sizeof(img->name));
	img->source = xstrdup(req->path);
	img->importing = true;
	pd_time_rfc3339_now(img->created, sizeof(img->created));
	if (pd_id_generate(img->id, err) < 0) {
		image_free(img);
		return -1;
	}
	{
		cleanup_free char *name = xasprintf(IMPORT_PREFIX "%s", img->id);

		tmp = paths_image(d, name, NULL);
	}
	rootfs = xasprintf("%s/rootfs", tmp);
	if (mkdir(tmp, 0700) < 0 || mkdir(rootfs, 0755) < 0) {
		r = errno;
		rmdir(tmp);
		image_free(img);
		return pd_fail_errno(err, r, "mkdir %s", rootfs);
	}
	if (S_ISDIR(st.st_mode)) {
		src = xasprintf("%s/.", req->path);
		char *argv[] = {"/bin/cp", "-a", "--", src, rootfs, NULL};

		r = task_run(d, argv, on_import_done, img, err);
	} else {
		char *argv[] = {"/bin/tar", "-x", "--numeric-owner", "-f", (char *)req->path, "-C",
				rootfs,     NULL};

		r = task_run(d, argv, on_import_done, img, err);
	}
	if (r < 0) {
		rmdir(rootfs);
		rmdir(tmp);
		image_free(img);
		return -1;
	}
	img->pending = pending;
	TAILQ_INSERT_TAIL(&d->images, img, entry);
	log_info("image \"%s\": importing %s", img->name, img->source);
	return 0;
}

int
image_remove(struct image *img, struct pd_err *err)
{
	struct podd *d = img->d;
	cleanup_free char *gone = xasprintf(REMOVE_PREFIX "%s", img->id);

	if (img->importing)
		return pd_fail(err, PD_E_CONFLICT, "image \"%s\" is being imported", img->name);
	if (renameat(d->images_fd, img->id, d->images_fd, gone) < 0)
		return pd_fail_errno(err, errno, "remove image %s", img->name);
	delete_tree(d, gone);
	TAILQ_REMOVE(&d->images, img, entry);
	log_info("image \"%s\": removed", img->name);
	image_free(img);
	return 0;
}

static struct image *
load_one(struct podd *d, const char *id, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = NULL;
	const char *jid, *name, *created, *source;
	json_error_t jerr;
	struct image *img;

	dirfd = openat(d->images_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		pd_fail_errno(err, errno, "open images/%s", id);
		return NULL;
	}
	j = pd_json_load_file(dirfd, IMAGE_FILE, IMAGE_FILE_MAX, err);
	if (j == NULL)
		return NULL;
	if (json_unpack_ex(j, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s:s}", "id", &jid, "name", &name,
			   "created", &created, "source", &source) < 0) {
		pd_fail(err, PD_E_INVALID, "bad image record: %s", jerr.text);
		return NULL;
	}
	if (strcmp(jid, id) != 0 || pd_name_validate(name, "image name", err) < 0 ||
	    strlen(created) >= PD_TIME_RFC3339_MAX) {
		if (err->kind == 0)
			pd_fail(err, PD_E_INVALID, "bad image record");
		return NULL;
	}
	img = xcalloc(1, sizeof(*img));
	img->d = d;
	memcpy(img->id, id, PD_ID_LEN + 1);
	memcpy(img->name, name, strlen(name) + 1);
	memcpy(img->created, created, strlen(created) + 1);
	img->source = xstrdup(source);
	return img;
}

int
image_load_all(struct podd *d, struct pd_err *err)
{
	struct dirent *de;
	cleanup_closedir DIR *dir = pd_dir_stream(d->images_fd, ".", "images dir", err);

	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		struct pd_err e = {0};
		struct pd_err ignored;
		struct image *img;

		if (strncmp(de->d_name, IMPORT_PREFIX, strlen(IMPORT_PREFIX)) == 0 ||
		    strncmp(de->d_name, REMOVE_PREFIX, strlen(REMOVE_PREFIX)) == 0) {
			log_info("images/%s: left by an unfinished import or removal; deleting",
				 de->d_name);
			delete_tree(d, de->d_name);
			continue;
		}
		if (strlen(de->d_name) != PD_ID_LEN || !pd_is_id_prefix(de->d_name)) {
			log_warn("images/%s: not an image directory, ignored", de->d_name);
			continue;
		}
		img = load_one(d, de->d_name, &e);
		if (img == NULL) {
			log_error("images/%s: %s; image ignored", de->d_name, e.msg);
			continue;
		}
		if (image_find(d, img->name, &ignored) != NULL) {
			log_error("images/%s: a second image named \"%s\"; ignored", de->d_name,
				  img->name);
			image_free(img);
			continue;
		}
		TAILQ_INSERT_TAIL(&d->images, img, entry);
	}
	return 0;
}

void
image_free_all(struct podd *d)
{
	struct image *img;

	while ((img = TAILQ_FIRST(&d->images)) != NULL) {
		TAILQ_REMOVE(&d->images, img, entry);
		image_free(img);
	}
}

/* A directory image has no configuration (the store branch's OCI images
 * replace this). */
const json_t *
image_config(const struct image *img)
{
	(void)img;
	return NULL;
}
