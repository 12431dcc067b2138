/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's container endpoints (dk.h): create, list, inspect and
 * the verbs, each a call of podd's model (container.h) through a
 * dk_pending, over the same containers as /v1. The create body's
 * translation is in dk_container_body.c, the Engine's views in
 * dk_container_json.c, stats and top in dk_container_stats.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "dk.h"
#include "dk_container.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "parse.h"
#include "pod_seq.h"
#include "podd.h"

static void
name_in_use(struct dk_req *r, const char *name, const struct container *other)
{
	dk_reply_error(r, 409,
		       "Conflict. The container name \"/%s\" is already in use by container "
		       "\"%s\". You have to remove (or rename) that container to be able to reuse "
		       "that name.",
		       name, other->rec.id);
}

static void
created(struct dk_req *r, const json_t *reply, void *arg)
{
	cleanup_json json_t *j =
	    json_pack("{s:O, s:[]}", "Id", json_object_get(reply, PD_F_ID), "Warnings");

	(void)arg;
	dk_reply_json(r, 201, j);
}

static void
create(struct dk_req *r)
{
	struct podd *d = dk_podd(r);
	const char *name = dk_query(r, "name");
	cleanup_json json_t *in = NULL, *body = NULL;
	struct ctr_spec spec = {0};
	struct pd_err err = {0};
	struct container *other;
	struct http_pending *p;
	const char *image;

	if (dk_query(r, "platform") != NULL && dk_query(r, "platform")[0] != '\0' &&
	    strncmp(dk_query(r, "platform"), "linux", 5) != 0) {
		dk_reply_error(r, 400, "platform \"%s\" is not supported", dk_query(r, "platform"));
		return;
	}
	if ((in = dk_body_json(r, false, &err)) == NULL ||
	    (body = dk_ctr_body(in, name, &err)) == NULL)
		goto fail;
	if (name != NULL && name[0] == '/')
		name++;
	if (name != NULL && name[0] != '\0' && (other = container_by_name(d, name)) != NULL) {
		name_in_use(r, name, other);
		return;
	}
	image = json_string_value(json_object_get(body, PD_F_IMAGE));
	if (image_find(d, image, &err) == NULL) {
		char shown[PD_IMGREF_MAX + 8];

		if (err.kind != PD_E_NOT_FOUND)
			goto fail;
		dk_image_shown(image, true, shown, sizeof(shown));
		dk_reply_error(r, 404, "No such image: %s", shown);
		return;
	}
	if (ctr_spec_parse(body, &spec, &err) < 0)
		goto fail;
	p = dk_pending(r, created, NULL, NULL);
	if (container_create(d, &spec, p, &err) < 0) {
		/* A 404 here would make the docker CLI pull the image: what is
		 * missing now (a network, a container to join) is a bad parameter. */
		if (err.kind == PD_E_NOT_FOUND)
			err.kind = PD_E_INVALID;
		http_pending_reply_error(p, &err);
		ctr_spec_clear(&spec);
		return;
	}
	return;
fail:
	ctr_spec_clear(&spec);
	dk_reply_err(r, &err);
}

static void
list(struct dk_req *r)
{
	struct podd *d = dk_podd(r);
	cleanup_json json_t *filters = dk_query_filters(r), *out = json_array();
	bool all = dk_query_bool(r, "all", false);
	long long limit = -1;
	struct pd_err err = {0};
	struct container *c;

	if (filters == NULL || dk_query_int(r, "limit", -1, &limit) < 0)
		return;
	/* Filters on the state look at every container, as the Engine's. */
	if (json_object_get(filters, "status") != NULL ||
	    json_object_get(filters, "exited") != NULL)
		all = true;
	TAILQ_FOREACH_REVERSE(c, &d->containers, container_head, entry)
	{
		int m;

		if (limit >= 0 && json_array_size(out) >= (size_t)limit)
			break;
		if (!all && limit < 0 && strcmp(dk_ctr_state(c), "running") != 0 &&
		    strcmp(dk_ctr_state(c), "paused") != 0 &&
		    strcmp(dk_ctr_state(c), "restarting") != 0)
			continue;
		if ((m = dk_ctr_match(c, filters, &err)) < 0) {
			dk_reply_err(r, &err);
			return;
		}
		if (m == 1)
			json_array_append_new(out, dk_ctr_summary(c));
	}
	dk_reply_json(r, 200, out);
}

static void
inspect(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	cleanup_json json_t *j = NULL;

	if (c == NULL)
		return;
	j = dk_ctr_inspect(c);
	dk_reply_json(r, 200, j);
}

static void
start(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	struct http_pending *p;

	if (c == NULL)
		return;
	if (ctr_state_up(c->rec.state)) {
		dk_reply_empty(r, 304);
		return;
	}
	p = dk_pending(r, NULL, NULL, NULL);
	if (container_start(c, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

/* ?t= (the Engine's; older clients send "timeout"): -1 when absent, the
 * container's own. */
static int
stop_timeout(struct dk_req *r, struct container *c, long long *t)
{
	const char *name = dk_query(r, "t") != NULL ? "t" : "timeout";

	if (dk_query(r, "signal") != NULL && dk_query(r, "signal")[0] != '\0') {
		dk_reply_error(r, 400,
			       "stop's signal parameter is not supported by podd: set the "
			       "container's StopSignal");
		return -1;
	}
	if (dk_query_int(r, name, -1, t) < 0)
		return -1;
	if (*t < 0)
		*t = pod_seq_stop_timeout(c, -1);
	return 0;
}

static void
stop(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	struct http_pending *p;
	long long t;

	if (c == NULL || stop_timeout(r, c, &t) < 0)
		return;
	if (!ctr_state_up(c->rec.state) && c->rec.state != CTR_STARTING) {
		dk_reply_empty(r, 304);
		return;
	}
	p = dk_pending(r, NULL, NULL, NULL);
	if (container_stop(c, t, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

static void
restart(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	struct http_pending *p;
	long long t;

	if (c == NULL || stop_timeout(r, c, &t) < 0)
		return;
	p = dk_pending(r, NULL, NULL, NULL);
	if (container_restart(c, t, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

static void
kill_(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	const char *s = dk_query(r, "signal");
	struct pd_err err = {0};
	int sig = SIGKILL;

	if (c == NULL)
		return;
	if (s != NULL && s[0] != '\0' && pd_parse_signal(s, &sig, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	if (!ctr_state_up(c->rec.state)) {
		dk_reply_error(r, 409, "Container %s is not running", c->rec.id);
		return;
	}
	if (container_kill(c, sig, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_empty(r, 204);
}

/* wait: the headers go at once (the docker CLI waits for them before it
 * starts the container), the status when it exits. */
static void
waited(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	struct dk_req *r = arg;
	cleanup_json json_t *out = NULL;

	(void)status;
	if (err != NULL)
		out = json_pack("{s:i, s:{s:s}}", "StatusCode", -1, "Error", "Message", err->msg);
	else
		out = json_pack("{s:O, s:n}", "StatusCode", json_object_get(j, PD_F_EXIT_CODE),
				"Error");
	dk_stream_json(r, out);
	dk_stream_end(r);
}

static const struct http_pending_sink wait_sink = {.done = waited, .line = NULL};

static void
wait_(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	const char *cond = dk_query(r, "condition");
	struct pd_err err = {0};

	if (c == NULL)
		return;
	if (cond == NULL || cond[0] == '\0')
		cond = "not-running";
	if (strcmp(cond, "not-running") != 0 && strcmp(cond, "next-exit") != 0 &&
	    strcmp(cond, "removed") != 0) {
		dk_reply_error(r, 400, "invalid condition: \"%s\"", cond);
		return;
	}
	if (strcmp(cond, "not-running") == 0 && c->rec.state == CTR_CREATED) {
		cleanup_json json_t *j = json_pack("{s:i, s:n}", "StatusCode", 0, "Error");

		dk_reply_json(r, 200, j);
		return;
	}
	dk_stream_start(r, 200, "application/json");
	if (strcmp(cond, "not-running") == 0)
		(void)container_wait(c, http_pending_new_sink(&wait_sink, r), &err);
	else
		container_wait_next(c, http_pending_new_sink(&wait_sink, r));
}

static void
removed(struct dk_req *r, const json_t *reply, void *arg)
{
	(void)reply;
	(void)arg;
	dk_reply_empty(r, 204);
}

static void
remove_(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	struct http_pending *p;

	if (c == NULL)
		return;
	if (dk_query_bool(r, "link", false)) {
		dk_reply_error(r, 400, "links are not supported by podd");
		return;
	}
	if (ctr_state_up(c->rec.state) && !dk_query_bool(r, "force", false)) {
		dk_reply_error(
		    r, 409,
		    "You cannot remove a running container %s. Stop the container before "
		    "attempting removal or force remove",
		    c->rec.id);
		return;
	}
	p = dk_pending(r, removed, NULL, NULL);
	if (container_remove_volumes(c, dk_query_bool(r, "force", false),
				     dk_query_bool(r, "v", false), p, &err) < 0)
		http_pending_reply_error(p, &err);
}

static void
rename_(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	const char *name = dk_query(r, "name");
	struct pd_err err = {0};
	struct container *other;

	if (c == NULL)
		return;
	if (name == NULL || name[0] == '\0') {
		dk_reply_error(r, 400, "Neither old nor new names may be empty");
		return;
	}
	if (name[0] == '/')
		name++;
	if ((other = container_by_name(dk_podd(r), name)) != NULL && other != c) {
		name_in_use(r, name, other);
		return;
	}
	if (container_rename(c, name, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_empty(r, 204);
}

static void
freeze(struct dk_req *r, bool pause)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};

	if (c == NULL)
		return;
	if (pause && c->rec.state == CTR_PAUSED) {
		dk_reply_error(r, 409, "Container %s is already paused", c->rec.id);
		return;
	}
	if (!pause && c->rec.state != CTR_PAUSED) {
		dk_reply_error(r, 409, "Container %s is not paused", c->rec.id);
		return;
	}
	if (pause && !ctr_state_up(c->rec.state)) {
		dk_reply_error(r, 409, "Container %s is not running", c->rec.id);
		return;
	}
	if ((pause ? container_pause(c, &err) : container_unpause(c, &err)) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_empty(r, 204);
}

static void
pause_(struct dk_req *r)
{
	freeze(r, true);
}

static void
unpause(struct dk_req *r)
{
	freeze(r, false);
}

static void
update(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	cleanup_json json_t *in = NULL, *body = NULL, *j = NULL;
	struct pd_err err = {0};

	if (c == NULL)
		return;
	if ((in = dk_body_json(r, false, &err)) == NULL ||
	    (body = dk_ctr_update_body(in, &err)) == NULL ||
	    (json_object_size(body) > 0 && container_update(c, body, &err) < 0)) {
		dk_reply_err(r, &err);
		return;
	}
	j = json_pack("{s:[]}", "Warnings");
	dk_reply_json(r, 200, j);
}

/* prune: stopped containers (exited, created), by label and until. */
static bool
prune_match(const struct container *c, const json_t *filters)
{
	json_t *until = json_object_get(filters, "until"), *lf = json_object_get(filters, "label");
	cleanup_json json_t *f = json_object();

	if (json_array_size(lf) > 0)
		json_object_set(f, "label", lf);
	if (dk_ctr_match(c, f, &(struct pd_err){0}) != 1)
		return false;
	for (size_t i = 0; i < json_array_size(until); i++)
		if (!dk_ctr_created_before(c, json_string_value(json_array_get(until, i))))
			return false;
	return true;
}

static void
prune_done(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	(void)arg;
	(void)status;
	(void)j;
	(void)err;
}

static const struct http_pending_sink prune_sink = {.done = prune_done, .line = NULL};

static void
prune(struct dk_req *r)
{
	struct podd *d = dk_podd(r);
	cleanup_json json_t *filters = dk_query_filters(r), *ids = json_array(), *out = NULL;
	struct container *c, *next;
	const char *key;
	json_t *v;

	if (filters == NULL)
		return;
	json_object_foreach (filters, key, v)
		if (strcmp(key, "label") != 0 && strcmp(key, "until") != 0) {
			dk_reply_error(r, 400, "invalid filter '%s'", key);
			return;
		}
	for (c = TAILQ_FIRST(&d->containers); c != NULL; c = next) {
		struct pd_err err = {0};
		struct http_pending *p;
		char id[PD_ID_LEN + 1];

		next = TAILQ_NEXT(c, entry);
		if ((c->rec.state != CTR_CREATED && c->rec.state != CTR_EXITED) ||
		    !prune_match(c, filters))
			continue;
		memcpy(id, c->rec.id, sizeof(id));
		p = http_pending_new_sink(&prune_sink, NULL);
		if (container_remove(c, false, p, &err) < 0)
			http_pending_reply_error(p, &err);
		else
			json_array_append_new(ids, json_string(id));
	}
	out = json_pack("{s:O, s:i}", "ContainersDeleted", ids, "SpaceReclaimed", 0);
	dk_reply_json(r, 200, out);
}

/* docker container resize on a container without a terminal: nothing to do. */

static const struct dk_route routes[] = {
    {"POST", "/containers/create", create, 0},     {"GET", "/containers/json", list, 0},
    {"POST", "/containers/prune", prune, 0},       {"GET", "/containers/*/json", inspect, 0},
    {"POST", "/containers/*/start", start, 0},     {"POST", "/containers/*/stop", stop, 0},
    {"POST", "/containers/*/restart", restart, 0}, {"POST", "/containers/*/kill", kill_, 0},
    {"POST", "/containers/*/wait", wait_, 0},      {"DELETE", "/containers/*", remove_, 0},
    {"POST", "/containers/*/rename", rename_, 0},  {"POST", "/containers/*/pause", pause_, 0},
    {"POST", "/containers/*/unpause", unpause, 0}, {"POST", "/containers/*/update", update, 0},
    {"GET", "/containers/*/top", dk_ctr_top, 0},   {"GET", "/containers/*/stats", dk_ctr_stats, 0},
};

DK_ROUTES(dk_container_routes, routes);
