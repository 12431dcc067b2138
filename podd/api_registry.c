/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry endpoints: pull and push (streams of progress lines, then
 * the end), and login (a check of the credentials; podd keeps nothing).
 * The credentials come with each request in X-Registry-Auth, as docker's
 * client sends them, and live in memory for that request only.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "api.h"
#include "cleanup.h"
#include "http.h"
#include "json.h"
#include "podd.h"
#include "pull.h"
#include "push.h"
#include "registry.h"
#include "xalloc.h"

static int
creds_from(struct evhttp_request *req, struct reg_creds *c, struct pd_err *err)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), REG_AUTH_HEADER);

	memset(c, 0, sizeof(*c));
	if (h == NULL || h[0] == '\0')
		return 0;
	return reg_creds_parse(h, c, err);
}

static void
on_stream_event(void *arg, const json_t *ev)
{
	http_pending_send_json(arg, ev);
}

static void
on_stream_done(void *arg, const json_t *final, const struct pd_err *err)
{
	if (final == NULL)
		http_pending_reply_error(arg, err);
	else
		http_pending_reply_json(arg, 200, final);
}

void
api_image_pull(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const keys[] = {PD_F_REFERENCE, PD_F_PLATFORM, PD_F_TLS_VERIFY, NULL};
	cleanup_json json_t *body = NULL;
	const char *ref = NULL, *platform = PD_DEFAULT_PLATFORM;
	struct pull_opts o = {.tls_verify = true};
	struct http_pending *p;
	struct pd_err err = {0};

	(void)arg;
	body = http_body_json(req, &err);
	if (body == NULL || pd_json_check_keys(body, "pull", keys, &err) < 0 ||
	    pd_json_get_string(body, PD_F_REFERENCE, &ref, &err) < 0 ||
	    pd_json_get_string(body, PD_F_PLATFORM, &platform, &err) < 0 ||
	    pd_json_get_bool(body, PD_F_TLS_VERIFY, &o.tls_verify, &err) < 0 ||
	    reg_platform_parse(platform, &o.platform, &err) < 0 ||
	    creds_from(req, &o.creds, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	if (ref == NULL) {
		pd_fail(&err, PD_E_INVALID, "pull: \"reference\" is required");
		http_reply_error(req, &err);
		return;
	}
	o.reference = ref;
	p = http_pending_new(req);
	if (pull_start(d, &o, on_stream_event, on_stream_done, p, &err) < 0)
		http_pending_reply_error(p, &err);
	reg_creds_clear(&o.creds);
}

void
api_image_push(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const keys[] = {PD_F_REFERENCE, PD_F_TLS_VERIFY, NULL};
	cleanup_json json_t *body = NULL;
	const char *ref = NULL;
	struct push_opts o = {.tls_verify = true};
	struct http_pending *p;
	struct pd_err err = {0};

	(void)arg;
	body = http_body_json(req, &err);
	if (body == NULL || pd_json_check_keys(body, "push", keys, &err) < 0 ||
	    pd_json_get_string(body, PD_F_REFERENCE, &ref, &err) < 0 ||
	    pd_json_get_bool(body, PD_F_TLS_VERIFY, &o.tls_verify, &err) < 0 ||
	    creds_from(req, &o.creds, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	if (ref == NULL) {
		pd_fail(&err, PD_E_INVALID, "push: \"reference\" is required");
		http_reply_error(req, &err);
		return;
	}
	o.reference = ref;
	p = http_pending_new(req);
	if (push_start(d, &o, on_stream_event, on_stream_done, p, &err) < 0)
		http_pending_reply_error(p, &err);
	reg_creds_clear(&o.creds);
}

struct login {
	struct http_pending *p; /* owned until answered */
	struct reg_session *s;  /* one reference */
	char registry[PD_IMGREF_HOST_MAX + 1];
};

static void
on_login(void *arg, const struct reg_reply *reply, const struct pd_err *xerr)
{
	struct login *l = arg;
	struct pd_err err = {0};
	cleanup_json json_t *j = NULL;
	cleanup_free char *what = xasprintf("login to %s", l->registry);

	if (xerr != NULL) {
		err = *xerr;
		http_pending_reply_error(l->p, &err);
	} else if (reply->status == 401) {
		pd_fail(&err, PD_E_FORBIDDEN, "%s: wrong username or password", what);
		http_pending_reply_error(l->p, &err);
	} else if (reply->status != 200) {
		reg_reply_error(reply, what, &err);
		http_pending_reply_error(l->p, &err);
	} else {
		j = json_pack("{s:s}", PD_F_STATUS, "Login Succeeded");
		http_pending_reply_json(l->p, 200, j);
	}
	reg_session_unref(l->s);
	free(l);
}

int
registry_login(struct podd *d, const char *registry, const struct reg_creds *c, bool tls_verify,
	       struct http_pending *p, struct pd_err *err)
{
	struct reg_request r = {.method = "GET", .url = "/v2/", .body_fd = -1, .max_body = 65536};
	struct login *l = xcalloc(1, sizeof(*l));

	memcpy(l->registry, registry, strlen(registry) + 1);
	l->s = reg_session_new(d, registry, "", false, tls_verify, c, err);
	if (l->s == NULL) {
		free(l);
		return -1;
	}
	l->p = p;
	r.done = on_login;
	r.arg = l;
	if (reg_send(l->s, &r, err) == NULL) {
		reg_session_unref(l->s);
		free(l);
		return -1;
	}
	return 0;
}

void
api_registry_login(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const keys[] = {PD_F_REGISTRY, PD_F_USERNAME, PD_F_PASSWORD,
					   PD_F_TLS_VERIFY, NULL};
	cleanup_json json_t *body = NULL;
	const char *registry = NULL, *user = NULL, *pass = NULL;
	struct reg_creds c = {0};
	bool tls_verify = true;
	struct pd_err err = {0};
	struct http_pending *p;

	(void)arg;
	body = http_body_json(req, &err);
	if (body == NULL || pd_json_check_keys(body, "login", keys, &err) < 0 ||
	    pd_json_get_string(body, PD_F_REGISTRY, &registry, &err) < 0 ||
	    pd_json_get_string(body, PD_F_USERNAME, &user, &err) < 0 ||
	    pd_json_get_string(body, PD_F_PASSWORD, &pass, &err) < 0 ||
	    pd_json_get_bool(body, PD_F_TLS_VERIFY, &tls_verify, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	if (registry == NULL || user == NULL || pass == NULL || user[0] == '\0' ||
	    strlen(user) >= sizeof(c.username) || strlen(pass) >= sizeof(c.password) ||
	    strlen(registry) > PD_IMGREF_HOST_MAX) {
		pd_fail(
		    &err, PD_E_INVALID,
		    "login: \"registry\", \"username\" and \"password\" are required and bounded");
		http_reply_error(req, &err);
		return;
	}
	memcpy(c.username, user, strlen(user) + 1);
	memcpy(c.password, pass, strlen(pass) + 1);
	p = http_pending_new(req);
	if (registry_login(d, registry, &c, tls_verify, p, &err) < 0)
		http_pending_reply_error(p, &err);
	reg_creds_clear(&c);
}
