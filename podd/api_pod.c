/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod endpoints: parse and check the request, call the model in pod.c,
 * reply (or hand the request to the model as a pending reply).
 */
#include <stdlib.h>

#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "json.h"
#include "parse.h"
#include "pod.h"

void
api_pod_list(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *list = json_array();
	cleanup_json json_t *by_pod = container_lists_by_pod(d);
	struct pod *pod;

	(void)arg;
	TAILQ_FOREACH (pod, &d->pods, entry) {
		json_t *containers = json_object_get(by_pod, pod->rec.id);

		json_array_append_new(list, pod_to_json_with(pod, containers != NULL
								      ? json_incref(containers)
								      : json_array()));
	}
	http_reply_json(req, 200, list);
}

void
api_pod_create(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct http_query *q = NULL;
	struct http_pending *p;
	struct pod_spec spec = {0};
	struct pd_err err = {0};

	(void)arg;
	q = http_query_parse(req, no_params, &err);
	if (q == NULL)
		goto fail;
	http_query_free(q);
	body = http_body_json(req, &err);
	if (body == NULL || pod_spec_parse(body, &spec, &err) < 0)
		goto fail;
	p = http_pending_new(req);
	if (pod_create(d, &spec, p, &err) < 0) {
		/* The request has not been answered: take it back. */
		http_pending_reply_error(p, &err);
		pod_spec_clear(&spec);
		return;
	}
	return;
fail:
	pod_spec_clear(&spec);
	http_reply_error(req, &err);
}

/* Look up the pod of the path, answering the request if there is none. */
static struct pod *
find_or_reply(struct podd *d, struct evhttp_request *req, const char *ref)
{
	struct pd_err err = {0};
	struct pod *pod = pod_find(d, ref, &err);

	if (pod == NULL)
		http_reply_error(req, &err);
	return pod;
}

void
api_pod_get(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pod *pod = find_or_reply(d, req, arg);
	cleanup_json json_t *j = NULL;

	if (pod == NULL)
		return;
	j = pod_to_json(pod);
	http_reply_json(req, 200, j);
}

void
api_pod_start(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct pd_err err = {0};
	struct http_query *q = http_action_query(req, no_params);
	struct http_pending *p;
	struct pod *pod;

	if (q == NULL)
		return;
	http_query_free(q);
	pod = find_or_reply(d, req, arg);
	if (pod == NULL)
		return;
	p = http_pending_new(req);
	if (pod_start(pod, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_pod_stop(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct http_pending *p;
	struct pod *obj;
	long long timeout_s;

	/* issue 12, podlife: without ?timeout= each container has its own
	 * (its stop_timeout, else the pod's termination_grace_period). */
	if (http_timeout_query(req, &timeout_s) < 0)
		return;
	obj = find_or_reply(d, req, arg);
	if (obj == NULL)
		return;
	p = http_pending_new(req);
	if (pod_stop(obj, timeout_s, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_pod_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct http_pending *p;
	struct pod *obj;
	bool force;

	if (http_bool_query(req, PD_Q_FORCE, &force) < 0)
		return;
	obj = find_or_reply(d, req, arg);
	if (obj == NULL)
		return;
	p = http_pending_new(req);
	if (pod_remove(obj, force, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

/* POST /v1/pods/{name}/ports {"ports": [...]}: publish more ports. */
void
api_pod_ports_add(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	static const char *const keys[] = {PD_F_PORTS, NULL};
	struct http_query *q;
	cleanup_json json_t *body = NULL, *ports = NULL, *j = NULL;
	struct pd_err err = {0};
	struct pod *pod;

	q = http_query_parse(req, no_params, &err);
	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	pod = find_or_reply(d, req, arg);
	if (pod == NULL)
		return;
	body = http_body_json(req, &err);
	if (body == NULL || pd_json_check_keys(body, "ports", keys, &err) < 0 ||
	    pod_ports_parse(json_object_get(body, PD_F_PORTS), &ports, &err) < 0)
		goto fail;
	if (pod->rec.spec.net != POD_NET_CNI) {
		pd_fail(&err, PD_E_INVALID, "pod \"%s\" has no network to publish ports from",
			pod->rec.spec.name);
		goto fail;
	}
	if (pod_ports_add(pod, ports, &err) < 0)
		goto fail;
	pod_save(pod, &err);
	j = pod_to_json(pod);
	http_reply_json(req, 200, j);
	return;
fail:
	http_reply_error(req, &err);
}

/* DELETE /v1/pods/{name}/ports?port=[HOSTIP:]HOSTPORT[-END][/PROTO]. */
void
api_pod_ports_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_Q_PORT, NULL};
	struct http_query *q = http_action_query(req, params);
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	struct pod *pod;

	if (q == NULL)
		return;
	pod = find_or_reply(d, req, arg);
	if (pod == NULL)
		goto out;
	if (http_query_get(q, PD_Q_PORT) == NULL) {
		pd_fail(&err, PD_E_INVALID, "which port? (?port=HOSTPORT[/PROTO])");
		http_reply_error(req, &err);
		goto out;
	}
	if (pod_ports_remove(pod, http_query_get(q, PD_Q_PORT), &err) < 0) {
		http_reply_error(req, &err);
		goto out;
	}
	pod_save(pod, &err);
	j = pod_to_json(pod);
	http_reply_json(req, 200, j);
out:
	http_query_free(q);
}
