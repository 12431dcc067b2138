/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The volume endpoints (lib/api.h); the model is volume.c.
 */
#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "http.h"
#include "json.h"
#include "name.h"
#include "pod_spec.h"
#include "podd.h"
#include "volume.h"

void
api_volume_list(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct http_query *q = http_action_query(req, no_params);
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};

	(void)arg;
	if (q == NULL)
		return;
	http_query_free(q);
	list = volume_list_json(d, &err);
	if (list == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_reply_json(req, 200, list);
}

void
api_volume_create(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	static const char *const allowed[] = {PD_F_NAME, PD_F_LABELS, NULL};
	cleanup_json json_t *body = NULL, *j = NULL;
	struct http_query *q;
	struct pd_err err = {0};
	const char *name = NULL;
	json_t *labels;
	char id[PD_ID_LEN + 1];
	bool made = false;

	(void)arg;
	q = http_query_parse(req, no_params, &err);
	if (q == NULL)
		goto fail;
	http_query_free(q);
	body = http_body_json(req, &err);
	if (body == NULL || pd_json_check_keys(body, "volume", allowed, &err) < 0 ||
	    pd_json_get_string(body, PD_F_NAME, &name, &err) < 0)
		goto fail;
	labels = json_object_get(body, PD_F_LABELS);
	if (labels != NULL && pod_labels_check(labels, &err) < 0)
		goto fail;
	/* No name: a new id, as docker names such a volume. */
	if (name == NULL && pd_id_generate(id, &err) < 0)
		goto fail;
	if (volume_ensure(d, name != NULL ? name : id, false, labels, &made, &err) < 0)
		goto fail;
	j = volume_get_json(d, name != NULL ? name : id, &err);
	if (j == NULL)
		goto fail;
	http_reply_json(req, made ? 201 : 200, j);
	return;
fail:
	http_reply_error(req, &err);
}

void
api_volume_get(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct http_query *q = http_action_query(req, no_params);
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};

	if (q == NULL)
		return;
	http_query_free(q);
	j = volume_get_json(d, arg, &err);
	if (j == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_reply_json(req, 200, j);
}

void
api_volume_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	bool force;

	/* ?force=true is accepted as docker's is, and changes nothing: a
	 * volume in use is never taken from its container. */
	if (http_bool_query(req, PD_Q_FORCE, &force) < 0)
		return;
	if (volume_remove(d, arg, &err) < 0) {
		if (!(force && err.kind == PD_E_NOT_FOUND)) {
			http_reply_error(req, &err);
			return;
		}
	}
	j = json_pack("{s:s}", PD_F_NAME, arg);
	http_reply_json(req, 200, j);
}

void
api_volume_prune(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *removed = NULL, *j = NULL;
	struct pd_err err = {0};
	bool all;

	(void)arg;
	if (http_bool_query(req, PD_Q_ALL, &all) < 0)
		return;
	removed = volume_prune(d, all, &err);
	if (removed == NULL) {
		http_reply_error(req, &err);
		return;
	}
	j = json_pack("{s:O}", PD_F_REMOVED, removed);
	http_reply_json(req, 200, j);
}
