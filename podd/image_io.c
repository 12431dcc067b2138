/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Images in and out through files: load (docker-archive, oci-archive, an
 * OCI layout dir), save (docker-archive or oci-archive) and import (a flat
 * root file system, tarball or dir). The bytes never pass through podd: the
 * client hands over an fd (http_fd.c), podd gives it to a podd-archive task
 * as stdin or stdout, and answers when the task, and the commits of what it
 * brought, are done. One struct image_op per request, in d->image_ops.
 */
#include "image_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "http.h"
#include "image_int.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "task.h"
#include "xalloc.h"

enum op_kind { OP_LOAD, OP_IMPORT, OP_SAVE };

struct image_op {
	TAILQ_ENTRY(image_op) entry;
	struct podd *d; /* borrowed */
	enum op_kind kind;
	struct http_pending *pending; /* owned */
	char name[PD_IMGREF_MAX];     /* import: the name to give */
	struct image **busy;          /* save: the images it reads (busy++), owned array */
	size_t n_busy;
	size_t waiting;         /* commits not reported yet */
	json_t *loaded;         /* owned: [{"id","names"}] */
	struct image *imported; /* borrowed: an import's image */
	struct pd_err err;      /* the first failure */
};

static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

static const char *
verb(enum op_kind k)
{
	switch (k) {
	case OP_LOAD:
		return "load";
	case OP_IMPORT:
		return "import";
	case OP_SAVE:
		return "save";
	}
	return "?";
}

static void
op_free(struct image_op *op)
{
	for (size_t i = 0; i < op->n_busy; i++)
		op->busy[i]->busy--;
	free(op->busy);
	json_decref(op->loaded);
	free(op);
}

/* Answer and forget @op. */
static void
op_end(struct image_op *op)
{
	TAILQ_REMOVE(&op->d->image_ops, op, entry);
	if (op->err.kind != 0) {
		http_pending_reply_error(op->pending, &op->err);
	} else if (op->kind == OP_IMPORT && op->imported != NULL) {
		cleanup_json json_t *j = image_to_json(op->imported);

		http_pending_reply_json(op->pending, 201, j);
	} else if (op->kind == OP_SAVE) {
		cleanup_json json_t *j = json_object();

		http_pending_reply_json(op->pending, 200, j);
	} else {
		cleanup_json json_t *j = json_pack("{s:O}", PD_F_IMAGES, op->loaded);

		http_pending_reply_json(op->pending, 200, j);
	}
	op_free(op);
}

static void
op_fail(struct image_op *op, const struct pd_err *err)
{
	if (op->err.kind == 0)
		op->err = *err;
}

static void
on_committed(void *arg, struct image *img, const struct pd_err *err)
{
	struct image_op *op = arg;

	if (img == NULL) {
		op_fail(op, err);
	} else {
		json_array_append_new(
		    op->loaded, json_pack("{s:s, s:O}", PD_F_ID, img->id, PD_F_NAMES, img->names));
		op->imported = img;
	}
	if (--op->waiting == 0)
		op_end(op);
}

/* A task's failure as one line: "cannot load: <its first stderr line>". */
static void
task_failed(struct image_op *op, int exit_code, const char *errors)
{
	struct pd_err err = {0};
	int n = (int)strcspn(errors, "\n");

	if (exit_code == 127 || exit_code == 126)
		pd_fail(&err, PD_E_SYSTEM, "cannot %s: cannot run %s", verb(op->kind),
			op->d->cfg.archive_path);
	else
		pd_fail(&err, PD_E_INVALID, "cannot %s: %.*s", verb(op->kind), n,
			n > 0 ? errors : "podd-archive failed");
	op_fail(op, &err);
}

/* podd-archive load/import printed {"images":[{"manifest","names"}]}:
 * commit each. */
static void
on_brought(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct image_op *op = arg;
	cleanup_json json_t *j = NULL;
	const json_t *imgs, *v;
	struct pd_err err = {0};
	size_t i;

	if (exit_code != 0) {
		task_failed(op, exit_code, errors);
		op_end(op);
		return;
	}
	j = pd_json_load(out, out_len, TASK_OUTPUT_MAX, &err);
	imgs = json_object_get(j, PD_F_IMAGES);
	if (j == NULL || !json_is_array(imgs) || json_array_size(imgs) == 0) {
		pd_fail(&err, PD_E_INVALID, "cannot %s: no image in it", verb(op->kind));
		op_fail(op, &err);
		op_end(op);
		return;
	}
	op->waiting = 1; /* itself, until every commit is asked for */
	json_array_foreach (imgs, i, v) {
		const char *manifest = json_string_value(json_object_get(v, "manifest"));
		const json_t *names = json_object_get(v, PD_F_NAMES);
		const char *list[PD_IMAGE_SAVE_MAX + 1] = {NULL};
		size_t n = 0, k;
		const json_t *name;

		if (op->kind == OP_IMPORT) {
			list[n++] = op->name;
		} else {
			json_array_foreach (names, k, name)
				if (json_is_string(name) && n < PD_IMAGE_SAVE_MAX)
					list[n++] = json_string_value(name);
		}
		if (manifest == NULL ||
		    image_commit(op->d, manifest, list, NULL, on_committed, op, &err) < 0) {
			if (manifest == NULL)
				pd_fail(&err, PD_E_SYSTEM,
					"podd-archive: an image without manifest");
			op_fail(op, &err);
			continue;
		}
		op->waiting++;
	}
	if (--op->waiting == 0)
		op_end(op);
}

static void
on_saved(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct image_op *op = arg;

	(void)out;
	(void)out_len;
	if (exit_code != 0)
		task_failed(op, exit_code, errors);
	op_end(op);
}

/* Start podd-archive @argv with @fd as its stdin (@in) or stdout. */
static int
op_start(struct image_op *op, char *const *argv, int fd, bool in, task_io_done_fn *done,
	 struct pd_err *err)
{
	struct task_io io = {.argv = argv,
			     .envp = (char *const *)envp,
			     .stdin_fd = in ? fd : -1,
			     .stdout_fd = in ? -1 : fd};

	if (task_run_io(op->d, &io, done, op, err) < 0)
		return -1;
	TAILQ_INSERT_TAIL(&op->d->image_ops, op, entry);
	return 0;
}

static struct image_op *
op_new(struct podd *d, enum op_kind kind)
{
	struct image_op *op = xcalloc(1, sizeof(*op));

	op->d = d;
	op->kind = kind;
	op->loaded = json_array();
	return op;
}

/* What may be loaded or imported from: a file, a pipe, a directory. */
static int
check_source(int fd, const char *what, struct pd_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "%s", what);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !S_ISSOCK(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "%s is neither a directory nor a tarball", what);
	return 0;
}

int
image_io_load(struct podd *d, int fd, struct http_pending *pending, struct pd_err *err)
{
	char *argv[] = {d->cfg.archive_path, "load", "--store", d->cfg.root, NULL};
	struct image_op *op;

	if (check_source(fd, "the archive", err) < 0)
		return -1;
	op = op_new(d, OP_LOAD);
	if (op_start(op, argv, fd, true, on_brought, err) < 0) {
		op_free(op);
		return -1;
	}
	op->pending = pending;
	return 0;
}

int
image_io_import(struct podd *d, const char *name, int fd, const char *what,
		struct http_pending *pending, struct pd_err *err)
{
	struct image_op *op;
	struct pd_imgref r;

	if (pd_imgref_parse(name, &r, err) < 0)
		return -1;
	if (r.digest[0] != '\0')
		return pd_fail(err, PD_E_INVALID, "\"%.200s\": a name takes a tag, not a digest",
			       name);
	if (check_source(fd, what, err) < 0)
		return -1;
	op = op_new(d, OP_IMPORT);
	pd_imgref_format(&r, op->name, sizeof(op->name));
	{
		char *argv[] = {d->cfg.archive_path,
				"import",
				"--store",
				d->cfg.root,
				"--name",
				op->name,
				NULL};

		if (op_start(op, argv, fd, true, on_brought, err) < 0) {
			op_free(op);
			return -1;
		}
	}
	op->pending = pending;
	return 0;
}

/* Add @img under @name (NULL: by id) to the save list @list. */
static void
save_add(json_t *list, const struct image *img, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach (list, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "manifest")), img->manifest) != 0)
			continue;
		if (name != NULL)
			json_array_append_new(json_object_get(v, PD_F_NAMES), json_string(name));
		return;
	}
	v = json_pack("{s:s, s:[]}", "manifest", img->manifest, PD_F_NAMES);
	if (name != NULL)
		json_array_append_new(json_object_get(v, PD_F_NAMES), json_string(name));
	json_array_append_new(list, v);
}

int
image_io_save(struct podd *d, int fd, const char *const *refs, size_t n, const char *format,
	      struct http_pending *pending, struct pd_err *err)
{
	cleanup_json json_t *list = json_array();
	cleanup_free char *images = NULL;
	struct image_op *op;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "the output");
	if (S_ISDIR(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "cannot save into a directory");
	op = op_new(d, OP_SAVE);
	op->busy = xcalloc(n + 1, sizeof(struct image *));
	for (size_t i = 0; i < n; i++) {
		struct image *img = image_find(d, refs[i], err);
		char name[PD_IMGREF_MAX];
		struct pd_imgref r;
		struct pd_err ignored = {0};
		bool by_name = false;

		if (img == NULL) {
			op_free(op);
			return -1;
		}
		if (pd_imgref_parse(refs[i], &r, &ignored) == 0 && r.digest[0] == '\0') {
			image_display_name(img, refs[i], name, sizeof(name));
			by_name = strncmp(name, "sha256:", 7) != 0;
		}
		save_add(list, img, by_name ? name : NULL);
		img->busy++;
		op->busy[op->n_busy++] = img;
	}
	images = pd_json_dump(list);
	{
		char *argv[] = {d->cfg.archive_path, "save",     "--store", d->cfg.root, "--format",
				(char *)format,      "--images", images,    NULL};

		if (op_start(op, argv, fd, false, on_saved, err) < 0) {
			op_free(op);
			return -1;
		}
	}
	op->pending = pending;
	return 0;
}

void
image_ops_free_all(struct podd *d)
{
	struct image_op *op;
	struct pd_err err = {0};

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((op = TAILQ_FIRST(&d->image_ops)) != NULL) {
		TAILQ_REMOVE(&d->image_ops, op, entry);
		if (op->pending != NULL)
			http_pending_reply_error(op->pending, &err);
		op_free(op);
	}
}
