/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: the endpoints of top, pause, unpause and update
 * (lib/api.h); stats and its streams are in stats.c.
 */
#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "json.h"
#include "stats.h"

/* The container of the path, once the request has no query: NULL once
 * the request has been answered. */
static struct container *
target(struct podd *d, struct evhttp_request *req, const char *ref)
{
	static const char *const no_params[] = {NULL};
	struct http_query *q = http_action_query(req, no_params);
	struct pd_err err = {0};
	struct container *c;

	if (q == NULL)
		return NULL;
	http_query_free(q);
	c = container_find(d, ref, &err);
	if (c == NULL)
		http_reply_error(req, &err);
	return c;
}

static void
reply_container(struct evhttp_request *req, const struct container *c)
{
	cleanup_json json_t *j = container_to_json(c);

	http_reply_json(req, 200, j);
}

void
api_container_top(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	struct container *c = target(d, req, arg);

	if (c == NULL)
		return;
	j = top_container(c, &err);
	if (j == NULL)
		http_reply_error(req, &err);
	else
		http_reply_json(req, 200, j);
}

/* pause and unpause */
static void
freeze(struct podd *d, struct evhttp_request *req, const char *arg, bool pause)
{
	struct pd_err err = {0};
	struct container *c = target(d, req, arg);

	if (c == NULL)
		return;
	if (http_body_empty(req, &err) < 0 ||
	    (pause ? container_pause(c, &err) : container_unpause(c, &err)) < 0) {
		http_reply_error(req, &err);
		return;
	}
	reply_container(req, c);
}

void
api_container_pause(struct podd *d, struct evhttp_request *req, const char *arg)
{
	freeze(d, req, arg, true);
}

void
api_container_unpause(struct podd *d, struct evhttp_request *req, const char *arg)
{
	freeze(d, req, arg, false);
}

void
api_container_update(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, no_params, &err);
	struct container *c;

	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	c = container_find(d, arg, &err);
	if (c == NULL || (body = http_body_json(req, &err)) == NULL ||
	    container_update(c, body, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	reply_container(req, c);
}

/* issue 16, ux: POST .../rename?name=NEW (podctl rename; docker's query).
 * PD_E_CONFLICT (409) for a name taken. Answers the container. */
void
api_container_rename(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_F_NAME, NULL};
	struct http_query *q = http_action_query(req, params);
	struct pd_err err = {0};
	struct container *c;
	const char *name;

	if (q == NULL)
		return;
	name = http_query_get(q, PD_F_NAME);
	c = container_find(d, arg, &err);
	if (c == NULL ||
	    (name == NULL && pd_fail(&err, PD_E_INVALID, "rename needs ?name=NEW") < 0) ||
	    container_rename(c, name, &err) < 0) {
		http_query_free(q);
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	reply_container(req, c);
}
