/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docker load and docker save: podd's load and save tasks (image_io.c,
 * podd-archive) on a pipe. Load: the request body (a docker-archive)
 * goes into the pipe as it comes (dk_body_to_fd), and the answer, a JSON
 * stream of "Loaded image: NAME" lines, waits for both the body's end and
 * the task's. Save: the task writes a docker-archive into the pipe, which
 * is the answer's body (dk_stream_fd), read as fast as the client takes it.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dk_image.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "http.h"
#include "image_io.h"
#include "imgref.h"
#include "podd.h"
#include "xalloc.h"

/* ---- load ------------------------------------------------------------------ */

struct dk_load {
	struct dk_req *r;
	unsigned waiting; /* the body and the task */
	json_t *loaded;   /* owned: podd's answer, or NULL */
	struct pd_err err;
};

static void
load_answer(struct dk_load *l)
{
	struct dk_req *r = l->r;
	const json_t *img, *name;
	size_t i, k;

	if (l->loaded == NULL) {
		dk_reply_error(r, dk_err_status(&l->err) == 500 ? 400 : dk_err_status(&l->err),
			       "%s", l->err.msg);
	} else {
		dk_stream_start(r, 200, "application/json");
		json_array_foreach (json_object_get(l->loaded, PD_F_IMAGES), i, img) {
			const json_t *names = json_object_get(img, PD_F_NAMES);
			cleanup_free char *line = NULL;
			cleanup_json json_t *j = NULL;

			if (json_array_size(names) == 0) {
				line = xasprintf("Loaded image ID: sha256:%s\n",
						 json_string_value(json_object_get(img, PD_F_ID)));
				j = json_pack("{s:s}", "stream", line);
				dk_stream_json(r, j);
			}
			json_array_foreach (names, k, name) {
				char fam[PD_IMGREF_MAX];

				pd_imgref_familiar_name(json_string_value(name), fam, sizeof(fam));
				free(line);
				line = xasprintf("Loaded image: %s\n", fam);
				json_decref(j);
				j = json_pack("{s:s}", "stream", line);
				dk_stream_json(r, j);
			}
		}
		dk_stream_end(r);
	}
	json_decref(l->loaded);
	free(l);
}

static void
load_step(struct dk_load *l)
{
	if (--l->waiting == 0)
		load_answer(l);
}

static void
on_body(struct dk_req *r, void *arg, const struct pd_err *err)
{
	(void)r;
	(void)err; /* the task then fails, with the reason that counts */
	load_step(arg);
}

static void
on_loaded(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	struct dk_load *l = arg;

	if (err != NULL)
		l->err = *err;
	else if (status >= 400)
		pd_fail(&l->err, PD_E_INVALID, "%s",
			json_string_value(json_object_get(j, PD_F_MESSAGE)) != NULL
			    ? json_string_value(json_object_get(j, PD_F_MESSAGE))
			    : "the load failed");
	else
		l->loaded = json_incref((json_t *)j);
	load_step(l);
}

static const struct http_pending_sink load_sink = {.done = on_loaded};

void
dk_image_load(struct dk_req *r)
{
	int p[2];
	struct pd_err err = {0};
	struct http_pending *pending;
	struct dk_load *l;

	if (pipe2(p, O_CLOEXEC) < 0) {
		pd_fail_errno(&err, errno, "pipe");
		dk_reply_err(r, &err);
		return;
	}
	l = xcalloc(1, sizeof(*l));
	l->r = r;
	l->waiting = 2;
	pending = http_pending_new_sink(&load_sink, l);
	if (image_io_load(dk_podd(r), p[0], pending, &err) < 0) {
		/* the pending is still ours: answering it frees l */
		close(p[0]);
		close(p[1]);
		l->waiting = 1;
		http_pending_reply_error(pending, &err);
		return;
	}
	close(p[0]);
	dk_body_to_fd(r, p[1], on_body, l);
}

/* ---- save ------------------------------------------------------------------ */

static void
on_saved(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	/* The archive's end is the pipe's: the task's own answer adds nothing a
	 * stream already started could carry. */
	(void)arg;
	(void)status;
	(void)j;
	(void)err;
}

static const struct http_pending_sink save_sink = {.done = on_saved};

static void
on_save_eof(struct dk_req *r, void *arg)
{
	(void)arg;
	dk_stream_end(r);
}

void
dk_image_save(struct dk_req *r)
{
	const char *one = dk_arg(r, 0);
	const char *refs[PD_IMAGE_SAVE_MAX];
	cleanup_json json_t *names = dk_query_all(r, "names");
	struct pd_err err = {0};
	struct http_pending *pending;
	size_t n = 0;
	int p[2];

	if (one != NULL) {
		refs[n++] = one;
	} else {
		const json_t *v;
		size_t i;

		if (json_array_size(names) == 0 || json_array_size(names) > PD_IMAGE_SAVE_MAX) {
			dk_reply_error(r, 400, "names: between 1 and %d images", PD_IMAGE_SAVE_MAX);
			return;
		}
		json_array_foreach (names, i, v)
			refs[n++] = json_string_value(v);
	}
	for (size_t i = 0; i < n; i++)
		if (dk_image(r, refs[i]) == NULL)
			return;
	if (pipe2(p, O_CLOEXEC) < 0) {
		pd_fail_errno(&err, errno, "pipe");
		dk_reply_err(r, &err);
		return;
	}
	pending = http_pending_new_sink(&save_sink, NULL);
	if (image_io_save(dk_podd(r), p[1], refs, n, PD_IMAGE_FORMAT_DOCKER, pending, &err) < 0) {
		close(p[0]);
		close(p[1]);
		http_pending_reply_error(pending, &err);
		dk_reply_err(r, &err);
		return;
	}
	close(p[1]);
	dk_stream_start(r, 200, "application/x-tar");
	dk_stream_fd(r, p[0], on_save_eof, NULL);
}
