/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16: system df. The reply is drawn at the request (who uses what,
 * the image records' sizes); the container and volume sizes come from one
 * podd-archive du task over their dirs, filled in when it ends.
 */
#include <stdlib.h>
#include <string.h>

#include <evhttp.h>

#include "sys_df.h"
#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "task.h"
#include "volume.h"
#include "xalloc.h"

struct sys_df {
	TAILQ_ENTRY(sys_df) entry;
	struct podd *d;               /* borrowed */
	struct http_pending *pending; /* owned */
	json_t *reply;                /* owned: sizes of containers and volumes to fill */
};

static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

static void
df_free(struct sys_df *op)
{
	json_decref(op->reply);
	free(op);
}

void
sys_df_free_all(struct podd *d)
{
	struct sys_df *op;
	struct pd_err err;

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((op = TAILQ_FIRST(&d->dfs)) != NULL) {
		TAILQ_REMOVE(&d->dfs, op, entry);
		http_pending_reply_error(op->pending, &err);
		df_free(op);
	}
}

/* Set each "size" of @list from @sizes, starting at *@at. */
static void
fill_sizes(json_t *list, const json_t *sizes, size_t *at)
{
	json_t *v;
	size_t i;

	json_array_foreach (list, i, v)
		json_object_set_new(
		    v, PD_F_SIZE, json_integer(json_integer_value(json_array_get(sizes, (*at)++))));
}

static void
on_du_done(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct sys_df *op = arg;
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	const json_t *sizes;
	size_t at = 0;

	TAILQ_REMOVE(&op->d->dfs, op, entry);
	j = exit_code == 0 ? json_loadb(out, out_len, 0, NULL) : NULL;
	sizes = json_object_get(j, "sizes");
	if (!json_is_array(sizes) ||
	    json_array_size(sizes) !=
		json_array_size(json_object_get(op->reply, PD_F_CONTAINERS)) +
		    json_array_size(json_object_get(op->reply, PD_F_VOLUMES))) {
		pd_fail(&err, PD_E_SYSTEM, "system df: the walk failed: %.*s",
			(int)strcspn(errors, "\n"), errors);
		http_pending_reply_error(op->pending, &err);
	} else {
		fill_sizes(json_object_get(op->reply, PD_F_CONTAINERS), sizes, &at);
		fill_sizes(json_object_get(op->reply, PD_F_VOLUMES), sizes, &at);
		http_pending_reply_json(op->pending, 200, op->reply);
	}
	df_free(op);
}

static json_t *
images_json(struct podd *d)
{
	json_t *list = json_array();
	struct image *img;

	TAILQ_FOREACH (img, &d->images, entry) {
		int users = 0;
		struct container *c;

		TAILQ_FOREACH (c, &d->containers, entry)
			users += strcmp(c->rec.spec.image, img->id) == 0;
		json_array_append_new(list, json_pack("{s:s, s:O, s:I, s:i}", PD_F_ID, img->id,
						      PD_F_NAMES, img->names, PD_F_SIZE,
						      (json_int_t)img->size, PD_F_USERS, users));
	}
	return list;
}

/* The containers' entries (sizes 0 until measured), their upper dirs
 * appended to @dirs. */
static json_t *
containers_json(struct podd *d, json_t *dirs)
{
	json_t *list = json_array();
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		cleanup_free char *root = ctr_root_dir(c);

		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:i}", PD_F_ID,
						      c->rec.id, PD_F_NAME, c->rec.spec.name,
						      PD_F_IMAGE, c->rec.spec.image, PD_F_STATE,
						      ctr_state_name(c->rec.state), PD_F_SIZE, 0));
		json_array_append_new(dirs, json_sprintf("%s/upper", root));
	}
	return list;
}

static json_t *
volumes_json(struct podd *d, json_t *dirs, struct pd_err *err)
{
	cleanup_json json_t *all = volume_list_json(d, err);
	json_t *list, *v;
	size_t i;

	if (all == NULL)
		return NULL;
	list = json_array();
	json_array_foreach (all, i, v) {
		const char *name = json_string_value(json_object_get(v, PD_F_NAME));

		json_array_append_new(
		    list, json_pack("{s:s, s:i, s:i}", PD_F_NAME, name, PD_F_SIZE, 0, PD_F_USERS,
				    (int)json_array_size(json_object_get(v, PD_F_CONTAINERS))));
		json_array_append_new(
		    dirs, json_string(json_string_value(json_object_get(v, PD_F_MOUNTPOINT))));
	}
	return list;
}

int
sys_df_start(struct podd *d, struct http_pending *pending, struct pd_err *err)
{
	cleanup_json json_t *dirs = json_array();
	cleanup_json json_t *reply = NULL;
	cleanup_free char **argv = NULL;
	struct task_io io = {.envp = (char *const *)envp, .stdin_fd = -1, .stdout_fd = -1};
	json_t *ctrs = containers_json(d, dirs), *vols = volumes_json(d, dirs, err), *v;
	struct sys_df *op;
	size_t i, n = 0;

	if (vols == NULL) {
		json_decref(ctrs);
		return -1;
	}
	reply = json_pack("{s:o, s:o, s:o}", PD_F_IMAGES, images_json(d), PD_F_CONTAINERS, ctrs,
			  PD_F_VOLUMES, vols);
	argv = xcalloc(json_array_size(dirs) + 3, sizeof(*argv));
	argv[n++] = d->cfg.archive_path;
	argv[n++] = "du";
	json_array_foreach (dirs, i, v)
		argv[n++] = (char *)json_string_value(v);
	io.argv = argv;
	io.die_with_podd = true;
	op = xcalloc(1, sizeof(*op));
	op->d = d;
	op->reply = json_incref(reply);
	if (task_run_io(d, &io, on_du_done, op, err) < 0) {
		df_free(op);
		return pd_err_prefix(err, "system df");
	}
	op->pending = pending;
	TAILQ_INSERT_TAIL(&d->dfs, op, entry);
	log_debug("system df: measuring %zu dirs", json_array_size(dirs));
	return 0;
}

void
api_system_df(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, no_params, &err);
	struct http_pending *p;

	(void)arg;
	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	p = http_pending_new(req);
	if (sys_df_start(d, p, &err) < 0)
		http_pending_reply_error(p, &err);
}
