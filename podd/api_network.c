/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network endpoints; the model is network.c.
 */
#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "http.h"
#include "json.h"
#include "network.h"
#include "podd.h"

void
api_network_list(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *list = json_array();
	struct network *n;

	(void)arg;
	TAILQ_FOREACH (n, &d->networks, entry)
		json_array_append_new(list, network_to_json(d, n));
	http_reply_json(req, 200, list);
}

void
api_network_create(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL, *j = NULL;
	struct http_query *q;
	struct pd_err err = {0};
	struct network *n;

	(void)arg;
	q = http_query_parse(req, no_params, &err);
	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	body = http_body_json(req, &err);
	n = body != NULL ? network_create(d, body, &err) : NULL;
	if (n == NULL) {
		http_reply_error(req, &err);
		return;
	}
	j = network_to_json(d, n);
	http_reply_json(req, 201, j);
}

void
api_network_get(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct network *n = network_find_ref(d, arg, &err);
	cleanup_json json_t *j = NULL;

	if (n == NULL) {
		http_reply_error(req, &err);
		return;
	}
	j = network_to_json(d, n);
	http_reply_json(req, 200, j);
}

void
api_network_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct http_query *q = http_action_query(req, no_params);
	struct pd_err err = {0};
	struct http_pending *p;
	struct network *n;

	if (q == NULL)
		return;
	http_query_free(q);
	n = network_find_ref(d, arg, &err);
	if (n == NULL) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (network_remove(d, n, p, &err) < 0)
		http_pending_reply_error(p, &err);
}
