/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Talking to a registry (OCI Distribution API v2) from podd's loop: a
 * session per registry and repository, and requests that carry the
 * session's authentication and answer through a callback.
 *
 * A session tries HTTPS first. Plain HTTP is allowed only for a registry on
 * localhost / 127.0.0.0/8 / ::1 or when the caller turned TLS verification
 * off; then a transfer that fails over HTTPS is tried again over HTTP and
 * the host is remembered, so later sessions go straight to it (docker's
 * rule for insecure registries). A registry's own CAs and client
 * certificate come from a certs.d directory as podman's and docker's:
 * CERTS_DIR/HOST[:PORT]/ *.crt (CAs, added to the system's), *.cert with its
 * *.key (a client certificate). CERTS_DIR is podd's --certs-dir, else
 * /etc/containers/certs.d, then /etc/docker/certs.d.
 *
 * A 401 is answered once per request: a Bearer challenge fetches a token
 * from its realm (with the session's credentials as Basic, or anonymous) for
 * the session's scope, a Basic challenge sends the credentials; the request
 * is then sent again. The token is kept by the session, so the requests
 * after the first carry it. Credentials live in the session's memory only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include "err.h"
#include "imgref.h"
#include "reg_auth.h"

struct podd;
struct curl_loop;
struct pull;
struct blob_fetch;
struct push;
struct reg_host;
struct reg_token;
struct reg_xfer;
TAILQ_HEAD(reg_token_list, reg_token);
TAILQ_HEAD(reg_xfer_list, reg_xfer);
TAILQ_HEAD(pull_list, pull);
TAILQ_HEAD(blob_fetch_list, blob_fetch);
TAILQ_HEAD(push_list, push);
TAILQ_HEAD(reg_host_list, reg_host);

/* podd's registry side, made on first use (d->registry). */
struct registry {
	struct curl_loop *loop;         /* owned */
	struct reg_host_list http_only; /* owned: hosts that answered over plain HTTP only */
	struct pull_list pulls;         /* owned by pull.c */
	struct blob_fetch_list fetches; /* owned by pull.c: blobs in flight, by digest */
	struct push_list pushes;        /* owned by push.c */
	struct reg_xfer_list xfers;     /* every request in flight (registry.c) */
	/* owned: Bearer tokens until they expire, by registry, scope and user
	 * (in memory only), so a pull after a pull asks no token server */
	struct reg_token_list tokens;
};

/* d->registry, made if needed. PD_E_SYSTEM. Returns it, or NULL. */
struct registry *registry_get(struct podd *d, struct pd_err *err);
/* At shutdown: stop every pull and push (their requests are answered 503
 * by their owners), end any other request with PD_E_UNAVAILABLE through its
 * callback, and free it all. */
void registry_free_all(struct podd *d);

struct reg_session;
struct http_pending;

/* Check @c against @registry (GET /v2/ with them; podd keeps nothing) and
 * answer @p: {"status": "Login Succeeded"}, PD_E_FORBIDDEN for wrong
 * credentials, else the registry's error (api_registry.c, both APIs).
 * Returns 0 (@p taken), or -1 (@p still the caller's). */
int registry_login(struct podd *d, const char *registry, const struct reg_creds *c, bool tls_verify,
		   struct http_pending *p, struct pd_err *err);

/* A session for @repo ("library/busybox") on @registry ("docker.io",
 * "127.0.0.1:5000"); @push asks for push rights as well as pull.
 * @creds (may be NULL: anonymous) is copied. Returns it (one reference),
 * or NULL (PD_E_INVALID for a registry name podd cannot use). */
struct reg_session *reg_session_new(struct podd *d, const char *registry, const char *repo,
				    bool push, bool tls_verify, const struct reg_creds *creds,
				    struct pd_err *err);
struct reg_session *reg_session_ref(struct reg_session *s);
void reg_session_unref(struct reg_session *s);
/* The repository, as given. */
const char *reg_session_repo(const struct reg_session *s);

struct reg_reply {
	long status;     /* HTTP status of the last response */
	char *body;      /* owned by the request: the collected body (NUL-terminated) */
	size_t body_len; /* 0 when streamed to on_data */
	char content_type[128];
	char location[2048];
	char digest[PD_DIGEST_MAX + 1]; /* Docker-Content-Digest, or "" */
};

/* A 2xx body piece; < 0 (with @err) stops the request with that error. */
typedef int reg_data_fn(void *arg, const char *data, size_t len, struct pd_err *err);
/* Called once: @reply (borrowed for the call) with any status, or NULL and
 * @err when the transfer failed (connection, TLS, auth, on_data). */
typedef void reg_done_fn(void *arg, const struct reg_reply *reply, const struct pd_err *err);

struct reg_request {
	const char *method;       /* "GET", "HEAD", "PUT", "POST" */
	const char *url;          /* "/v2/..." on the session's registry, or an absolute URL */
	const char *accept;       /* Accept, or NULL */
	const char *content_type; /* of the body, or NULL */
	const char *body;         /* copied, or NULL */
	size_t body_len;
	int body_fd;          /* a file to send (PUT), or -1; borrowed until done */
	long long body_size;  /* its size */
	size_t max_body;      /* bytes of a body collected (not on_data); more fails */
	reg_data_fn *on_data; /* 2xx bodies go here instead of being collected */
	reg_done_fn *done;
	void *arg;
};

struct reg_xfer;
/* Send @r on @s. @done runs once from the loop, never within this call.
 * Returns the request (owned by the session until done; cancel it to stop
 * early) or NULL. */
struct reg_xfer *reg_send(struct reg_session *s, const struct reg_request *r, struct pd_err *err);
/* Stop @x without calling its callback; NULL is fine. */
void reg_xfer_cancel(struct reg_xfer *x);

/* An error reply (status >= 300) as @err, with the registry's own message
 * when its body has the distribution spec's {"errors":[{code,message}]}:
 * PD_E_NOT_FOUND for 404, PD_E_FORBIDDEN for 401/403, else PD_E_SYSTEM.
 * @what says which request ("manifest busybox:latest"). Returns -1. */
int reg_reply_error(const struct reg_reply *reply, const char *what, struct pd_err *err);
