/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container endpoints: parse and check the request, call the model in
 * container.c, reply (or hand the request over as a pending reply). The
 * logs endpoint is in api_log.c.
 */
#include <string.h>

#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "json.h"
#include "parse.h"
#include "pod.h"
#include "pod_seq.h"
#include "restart.h"

void
api_container_list(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_Q_ALL, PD_Q_POD, NULL};
	cleanup_json json_t *list = json_array();
	struct pd_err err = {0};
	struct http_query *q = http_action_query(req, params);
	struct container *c;
	struct pod *pod = NULL;
	const char *v;
	bool all = false;

	(void)arg;
	if (q == NULL)
		return;
	v = http_query_get(q, PD_Q_ALL);
	if (v != NULL && http_parse_bool(v, PD_Q_ALL, &all, &err) < 0)
		goto fail;
	v = http_query_get(q, PD_Q_POD);
	if (v != NULL && (pod = pod_find(d, v, &err)) == NULL)
		goto fail;
	http_query_free(q);
	TAILQ_FOREACH (c, &d->containers, entry) {
		/* restart: a container in its backoff is listed, as docker's
		 * restarting ones. */
		if (!all && !ctr_state_up(c->rec.state) && !restart_pending(c))
			continue;
		if (pod != NULL && strcmp(c->rec.spec.pod, pod->rec.id) != 0)
			continue;
		json_array_append_new(list, container_to_json(c));
	}
	http_reply_json(req, 200, list);
	return;
fail:
	http_query_free(q);
	http_reply_error(req, &err);
}

void
api_container_create(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct http_query *q = NULL;
	struct http_pending *p;
	struct ctr_spec spec = {0};
	struct pd_err err = {0};

	(void)arg;
	q = http_query_parse(req, no_params, &err);
	if (q == NULL)
		goto fail;
	http_query_free(q);
	body = http_body_json(req, &err);
	if (body == NULL || ctr_spec_parse(body, &spec, &err) < 0)
		goto fail;
	p = http_pending_new(req);
	if (container_create(d, &spec, p, &err) < 0) {
		http_pending_reply_error(p, &err);
		ctr_spec_clear(&spec);
		return;
	}
	return;
fail:
	ctr_spec_clear(&spec);
	http_reply_error(req, &err);
}

/* Look up the container of the path, answering the request if there is none. */
static struct container *
find_or_reply(struct podd *d, struct evhttp_request *req, const char *ref)
{
	struct pd_err err = {0};
	struct container *c = container_find(d, ref, &err);

	if (c == NULL)
		http_reply_error(req, &err);
	return c;
}

void
api_container_get(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct http_query *q = http_action_query(req, no_params);
	cleanup_json json_t *j = NULL;
	struct container *c;

	if (q == NULL)
		return;
	http_query_free(q);
	c = find_or_reply(d, req, arg);
	if (c == NULL)
		return;
	j = container_to_json(c);
	http_reply_json(req, 200, j);
}

void
api_container_start(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct http_pending *p;
	struct container *c;
	bool attach;

	if (http_bool_query(req, PD_Q_ATTACH, &attach) < 0)
		return;
	c = find_or_reply(d, req, arg);
	if (c == NULL)
		return;
	/* Held for this start only: a later start (restart) nobody
	 * attaches to must not wait for a client. */
	c->hold_output = attach;
	p = http_pending_new(req);
	if (container_start(c, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_container_exec(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct http_query *q = NULL;
	struct exec_spec spec = {0};
	struct pd_err err = {0};
	struct http_pending *p;
	struct container *c;

	q = http_query_parse(req, no_params, &err);
	if (q == NULL)
		goto fail;
	http_query_free(q);
	body = http_body_json(req, &err);
	if (body == NULL || exec_spec_parse(body, &spec, &err) < 0)
		goto fail;
	c = container_find(d, arg, &err);
	if (c == NULL)
		goto fail;
	p = http_pending_new(req);
	if (exec_start(c, &spec, p, &err) < 0)
		http_pending_reply_error(p, &err);
	exec_spec_clear(&spec);
	return;
fail:
	exec_spec_clear(&spec);
	http_reply_error(req, &err);
}

void
api_container_stop(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct http_pending *p;
	struct container *obj;
	long long timeout_s;

	if (http_timeout_query(req, &timeout_s) < 0)
		return;
	obj = find_or_reply(d, req, arg);
	if (obj == NULL)
		return;
	if (timeout_s < 0)
		timeout_s = pod_seq_stop_timeout(obj, -1);
	p = http_pending_new(req);
	if (container_stop(obj, timeout_s, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_container_restart(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct http_pending *p;
	struct container *obj;
	long long timeout_s;

	if (http_timeout_query(req, &timeout_s) < 0)
		return;
	obj = find_or_reply(d, req, arg);
	if (obj == NULL)
		return;
	if (timeout_s < 0)
		timeout_s = pod_seq_stop_timeout(obj, -1);
	p = http_pending_new(req);
	if (container_restart(obj, timeout_s, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_container_kill(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_Q_SIGNAL, NULL};
	struct pd_err err = {0};
	struct http_query *q = http_action_query(req, params);
	cleanup_json json_t *j = NULL;
	struct container *c;
	const char *s;
	int sig = 9, r = 0;

	if (q == NULL)
		return;
	s = http_query_get(q, PD_Q_SIGNAL);
	if (s != NULL)
		r = pd_parse_signal(s, &sig, &err);
	http_query_free(q);
	if (r < 0) {
		http_reply_error(req, &err);
		return;
	}
	c = find_or_reply(d, req, arg);
	if (c == NULL)
		return;
	if (container_kill(c, sig, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	j = container_to_json(c);
	http_reply_json(req, 200, j);
}

void
api_container_wait(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const no_params[] = {NULL};
	struct pd_err err = {0};
	struct http_query *q = http_action_query(req, no_params);
	struct http_pending *p;
	struct container *c;

	if (q == NULL)
		return;
	http_query_free(q);
	c = find_or_reply(d, req, arg);
	if (c == NULL)
		return;
	p = http_pending_new(req);
	if (container_wait(c, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_container_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_Q_FORCE, PD_Q_VOLUMES, NULL};
	struct http_query *q = http_action_query(req, params);
	struct pd_err err = {0};
	struct http_pending *p;
	struct container *obj;
	bool force = false, volumes = false;
	const char *v;

	if (q == NULL)
		return;
	v = http_query_get(q, PD_Q_FORCE);
	if (v != NULL && http_parse_bool(v, PD_Q_FORCE, &force, &err) < 0)
		goto fail;
	v = http_query_get(q, PD_Q_VOLUMES);
	if (v != NULL && http_parse_bool(v, PD_Q_VOLUMES, &volumes, &err) < 0)
		goto fail;
	http_query_free(q);
	obj = find_or_reply(d, req, arg);
	if (obj == NULL)
		return;
	p = http_pending_new(req);
	if (container_remove_volumes(obj, force, volumes, p, &err) < 0)
		http_pending_reply_error(p, &err);
	return;
fail:
	http_query_free(q);
	http_reply_error(req, &err);
}
