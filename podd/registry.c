/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry sessions and their requests on libcurl's multi interface; see
 * registry.h for the rules (schemes, CAs, the 401 dance).
 */
#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "api.h"
#include "base64.h"
#include "cleanup.h"
#include "curl_loop.h"
#include "digest.h"
#include "json.h"
#include "log.h"
#include "timefmt.h"
#include "podd.h"
#include "pull.h"
#include "push.h"
#include "xalloc.h"

#define REG_DOCKER_ENDPOINT "registry-1.docker.io"
#define REG_ERROR_BODY_MAX  (64 * 1024)
#define REG_URL_MAX         4096

struct reg_host {
	TAILQ_ENTRY(reg_host) entry;
	char *host; /* owned */
};

struct reg_token {
	TAILQ_ENTRY(reg_token) entry;
	char *key;  /* owned: "ENDPOINT SCOPE sha256(USER:PASSWORD)" */
	char *auth; /* owned: the Authorization header line */
	uint64_t expires_ms;
};

struct reg_session {
	struct podd *d; /* borrowed */
	int refs;
	char host[PD_IMGREF_HOST_MAX + 1];     /* as in references: "docker.io" */
	char endpoint[PD_IMGREF_HOST_MAX + 1]; /* what is contacted */
	char repo[PD_IMGREF_PATH_MAX + 1];
	char scope[PD_IMGREF_PATH_MAX + 32];
	bool tls_verify;
	bool http_ok;  /* plain HTTP may be tried */
	bool use_http; /* ... and is what the registry speaks */
	struct reg_creds creds;
	char *auth;      /* owned: the Authorization header line, or NULL */
	char *certs_dir; /* owned: CERTS_DIR/HOST, or NULL when there is none */
};

enum xfer_stage {
	XFER_MAIN,  /* the request itself */
	XFER_TOKEN, /* fetching a token after a Bearer challenge */
};

struct reg_xfer {
	TAILQ_ENTRY(reg_xfer) entry;
	struct reg_session *s; /* one reference */
	struct reg_request r;  /* strings below are owned copies */
	char *method, *url, *accept, *content_type, *body;
	enum xfer_stage stage;
	bool retried;               /* the 401 has been answered once */
	bool http_fallback;         /* already sent again over plain HTTP */
	CURL *easy;                 /* owned */
	struct curl_slist *headers; /* owned */
	struct reg_reply reply;
	size_t body_cap;
	char www_auth[REG_REALM_MAX + REG_SERVICE_MAX + REG_SCOPE_MAX + 64];
	struct pd_err data_err; /* set when on_data or the size limit stopped it */
	bool data_failed;
	long long upload_off;
};

static void finish(struct reg_xfer *x, const struct pd_err *err);
static void token_forget_all(struct registry *reg, bool all);

/* ---- podd's registry state -------------------------------------------- */

struct registry *
registry_get(struct podd *d, struct pd_err *err)
{
	struct registry *reg;

	if (d->registry != NULL)
		return d->registry;
	reg = xcalloc(1, sizeof(*reg));
	TAILQ_INIT(&reg->http_only);
	TAILQ_INIT(&reg->pulls);
	TAILQ_INIT(&reg->fetches);
	TAILQ_INIT(&reg->pushes);
	TAILQ_INIT(&reg->xfers);
	TAILQ_INIT(&reg->tokens);
	reg->loop = curl_loop_new(d->base, err);
	if (reg->loop == NULL) {
		free(reg);
		return NULL;
	}
	d->registry = reg;
	return reg;
}

void
registry_free_all(struct podd *d)
{
	struct registry *reg = d->registry;
	struct reg_host *h;
	struct reg_xfer *x;
	struct pd_err err = {0};

	if (reg == NULL)
		return;
	pull_free_all(d);
	push_free_all(d);
	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((x = TAILQ_FIRST(&reg->xfers)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		finish(x, &err);
	curl_loop_free(reg->loop);
	token_forget_all(reg, true);
	while ((h = TAILQ_FIRST(&reg->http_only)) != NULL) {
		TAILQ_REMOVE(&reg->http_only, h, entry);
		free(h->host);
		free(h);
	}
	free(reg);
	d->registry = NULL;
	curl_global_cleanup();
}

static bool
is_http_only(struct registry *reg, const char *host)
{
	struct reg_host *h;

	TAILQ_FOREACH (h, &reg->http_only, entry)
		if (strcmp(h->host, host) == 0)
			return true;
	return false;
}

static void
note_http_only(struct registry *reg, const char *host)
{
	struct reg_host *h;

	if (is_http_only(reg, host))
		return;
	h = xcalloc(1, sizeof(*h));
	h->host = xstrdup(host);
	TAILQ_INSERT_TAIL(&reg->http_only, h, entry);
}

/* ---- tokens ------------------------------------------------------------ */

static void
token_free(struct registry *reg, struct reg_token *t)
{
	TAILQ_REMOVE(&reg->tokens, t, entry);
	explicit_bzero(t->auth, strlen(t->auth));
	free(t->auth);
	free(t->key);
	free(t);
}

/* Drop the expired tokens, or all. */
static void
token_forget_all(struct registry *reg, bool all)
{
	uint64_t now = pd_time_mono_ms();
	struct reg_token *t, *next;

	for (t = TAILQ_FIRST(&reg->tokens); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (all || t->expires_ms <= now)
			token_free(reg, t);
	}
}

/* The credentials are part of the key (hashed: a token got with the right
 * password must not answer for a wrong one). */
static char *
token_key(const struct reg_session *s)
{
	char *pair = xasprintf("%s:%s", s->creds.username, s->creds.password);
	char who[PD_DIGEST_MAX + 1];

	pd_digest_buf(pair, strlen(pair), who);
	explicit_bzero(pair, strlen(pair));
	free(pair);
	return xasprintf("%s %s %s", s->endpoint, s->scope, who);
}

static struct reg_token *
token_find(struct registry *reg, const char *key)
{
	struct reg_token *t;

	token_forget_all(reg, false);
	TAILQ_FOREACH (t, &reg->tokens, entry)
		if (strcmp(t->key, key) == 0)
			return t;
	return NULL;
}

/* Keep @s's new token for a little less than it lives. */
static void
token_keep(struct reg_session *s, long long expires_s)
{
	struct registry *reg = s->d->registry;
	char *key = token_key(s);
	struct reg_token *t = token_find(reg, key);

	if (expires_s <= 10) {
		free(key);
		return;
	}
	if (t != NULL)
		token_free(reg, t);
	t = xcalloc(1, sizeof(*t));
	t->key = key;
	t->auth = xstrdup(s->auth);
	t->expires_ms = pd_time_mono_ms() + (uint64_t)(expires_s - 10) * 1000;
	TAILQ_INSERT_TAIL(&reg->tokens, t, entry);
}

/* ---- sessions --------------------------------------------------------- */

/* localhost, 127.0.0.0/8 and ::1, with or without a port. */
static bool
is_loopback(const char *host)
{
	char name[PD_IMGREF_HOST_MAX + 1];
	size_t n;

	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0;
	n = strcspn(host, ":");
	if (n >= sizeof(name))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	return strcmp(name, "localhost") == 0 || strncmp(name, "127.", 4) == 0;
}

/* The certs.d dir of @host, or NULL when none has one. */
static char *
find_certs_dir(struct podd *d, const char *host)
{
	const char *dirs[] = {d->cfg.certs_dir, NULL, NULL};

	if (dirs[0] == NULL) {
		dirs[0] = "/etc/containers/certs.d";
		dirs[1] = "/etc/docker/certs.d";
	}
	for (size_t i = 0; i < 2 && dirs[i] != NULL; i++) {
		char *p = xasprintf("%s/%s", dirs[i], host);

		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

struct reg_session *
reg_session_new(struct podd *d, const char *registry, const char *repo, bool push, bool tls_verify,
		const struct reg_creds *creds, struct pd_err *err)
{
	cleanup_free char *key = NULL;
	struct reg_token *t;
	struct reg_session *s;

	if (strlen(registry) > PD_IMGREF_HOST_MAX || strlen(repo) > PD_IMGREF_PATH_MAX ||
	    strpbrk(registry, "/@ \r\n") != NULL) {
		pd_fail(err, PD_E_INVALID, "registry \"%.64s\" is not a host[:port]", registry);
		return NULL;
	}
	if (registry_get(d, err) == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->d = d;
	s->refs = 1;
	memcpy(s->host, registry, strlen(registry) + 1);
	(void)snprintf(s->endpoint, sizeof(s->endpoint), "%s",
		       strcmp(registry, PD_IMGREF_DOCKER_IO) == 0 ? REG_DOCKER_ENDPOINT : registry);
	memcpy(s->repo, repo, strlen(repo) + 1);
	/* A login asks for no repository: the token then carries no access. */
	if (repo[0] != '\0')
		(void)snprintf(s->scope, sizeof(s->scope), "repository:%s:%s", repo,
			       push ? "pull,push" : "pull");
	s->tls_verify = tls_verify;
	s->http_ok = !tls_verify || is_loopback(s->endpoint);
	s->use_http = s->http_ok && is_http_only(d->registry, s->endpoint);
	if (creds != NULL)
		s->creds = *creds;
	s->certs_dir = find_certs_dir(d, s->endpoint);
	key = token_key(s);
	t = token_find(d->registry, key);
	if (t != NULL)
		s->auth = xstrdup(t->auth);
	return s;
}

struct reg_session *
reg_session_ref(struct reg_session *s)
{
	s->refs++;
	return s;
}

void
reg_session_unref(struct reg_session *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	reg_creds_clear(&s->creds);
	if (s->auth != NULL)
		explicit_bzero(s->auth, strlen(s->auth));
	free(s->auth);
	free(s->certs_dir);
	free(s);
}

const char *
reg_session_repo(const struct reg_session *s)
{
	return s->repo;
}

/* ---- one transfer ------------------------------------------------------ */

static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct reg_xfer *x = arg;
	size_t len = size * n, klen;
	const char *v;
	char *field = NULL;
	size_t field_len = 0;

	/* A new response (after a redirect) starts over. */
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		x->reply.content_type[0] = x->reply.location[0] = x->reply.digest[0] = '\0';
		x->www_auth[0] = '\0';
		return len;
	}
	v = memchr(buf, ':', len);
	if (v == NULL)
		return len;
	klen = (size_t)(v - buf);
	for (v++; v < buf + len && *v == ' '; v++)
		;
	const struct {
		const char *name;
		char *dst;
		size_t len;
	} kept[] = {
	    {"Content-Type", x->reply.content_type, sizeof(x->reply.content_type)},
	    {"Location", x->reply.location, sizeof(x->reply.location)},
	    {"Docker-Content-Digest", x->reply.digest, sizeof(x->reply.digest)},
	    {"WWW-Authenticate", x->www_auth, sizeof(x->www_auth)},
	};

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]) && field == NULL; i++) {
		if (klen == strlen(kept[i].name) && strncasecmp(buf, kept[i].name, klen) == 0) {
			field = kept[i].dst;
			field_len = kept[i].len;
		}
	}
	if (field != NULL) {
		size_t vlen = (size_t)(buf + len - v);

		while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
			vlen--;
		if (vlen < field_len) {
			memcpy(field, v, vlen);
			field[vlen] = '\0';
		}
	}
	return len;
}

static size_t
on_write(char *buf, size_t size, size_t n, void *arg)
{
	struct reg_xfer *x = arg;
	size_t len = size * n;
	long status = 0;
	size_t max;

	(void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (x->stage == XFER_MAIN && x->r.on_data != NULL && status >= 200 && status < 300) {
		if (x->r.on_data(x->r.arg, buf, len, &x->data_err) < 0) {
			x->data_failed = true;
			return 0; /* CURLE_WRITE_ERROR */
		}
		return len;
	}
	max = x->stage == XFER_MAIN && x->r.on_data == NULL && status >= 200 && status < 300
		  ? x->r.max_body
		  : REG_ERROR_BODY_MAX;
	if (x->reply.body_len + len > max) {
		pd_fail(&x->data_err, PD_E_TOO_LARGE, "the registry's reply is over %zu bytes",
			max);
		x->data_failed = true;
		return 0;
	}
	if (x->reply.body_len + len + 1 > x->body_cap) {
		x->body_cap = (x->reply.body_len + len + 1) * 2;
		x->reply.body = xrealloc(x->reply.body, x->body_cap);
	}
	memcpy(x->reply.body + x->reply.body_len, buf, len);
	x->reply.body_len += len;
	x->reply.body[x->reply.body_len] = '\0';
	return len;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct reg_xfer *x = arg;
	ssize_t r = pread(x->r.body_fd, buf, size * n, x->upload_off);

	if (r < 0)
		return CURL_READFUNC_ABORT;
	x->upload_off += r;
	return (size_t)r;
}

static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct reg_xfer *x = arg;

	if (origin != SEEK_SET)
		return CURL_SEEKFUNC_CANTSEEK;
	x->upload_off = offset;
	return CURL_SEEKFUNC_OK;
}

/* Add the registry's own CAs to the system's (podman's certs.d rule). */
static CURLcode
on_ssl_ctx(CURL *easy, void *ctx, void *arg)
{
	struct reg_session *s = arg;
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	cleanup_closedir DIR *dir = NULL;
	struct dirent *de;

	(void)easy;
	if (s->certs_dir == NULL || (dir = opendir(s->certs_dir)) == NULL)
		return CURLE_OK;
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		cleanup_free char *p = NULL;

		if (len < 5 || strcmp(de->d_name + len - 4, ".crt") != 0)
			continue;
		p = xasprintf("%s/%s", s->certs_dir, de->d_name);
		if (X509_STORE_load_file(store, p) != 1)
			log_warn("registry %s: cannot load CA %s", s->host, p);
	}
	return CURLE_OK;
}

/* A client certificate: the first NAME.cert with its NAME.key. */
static void
set_client_cert(struct reg_session *s, CURL *easy)
{
	cleanup_closedir DIR *dir = NULL;
	struct dirent *de;

	if (s->certs_dir == NULL || (dir = opendir(s->certs_dir)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		cleanup_free char *cert = NULL;
		cleanup_free char *key = NULL;

		if (len < 6 || strcmp(de->d_name + len - 5, ".cert") != 0)
			continue;
		cert = xasprintf("%s/%s", s->certs_dir, de->d_name);
		key = xasprintf("%s/%.*s.key", s->certs_dir, (int)(len - 5), de->d_name);
		if (access(key, R_OK) != 0)
			continue;
		(void)curl_easy_setopt(easy, CURLOPT_SSLCERT, cert);
		(void)curl_easy_setopt(easy, CURLOPT_SSLKEY, key);
		return;
	}
}

static void xfer_free(struct reg_xfer *x);
static void on_done(CURL *easy, CURLcode rc, void *arg);

/* The easy handle for the stage at hand, configured from scratch. */
static int
xfer_start(struct reg_xfer *x, const char *url, struct pd_err *err)
{
	struct reg_session *s = x->s;
	CURL *e;

	if (x->easy == NULL)
		x->easy = curl_easy_init();
	else
		curl_easy_reset(x->easy);
	e = x->easy;
	if (e == NULL)
		return pd_fail(err, PD_E_SYSTEM, "libcurl: cannot make a request");
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	free(x->reply.body);
	x->reply.body = NULL;
	x->reply.body_len = x->body_cap = 0;
	x->reply.status = 0;
	x->upload_off = 0;
	(void)curl_easy_setopt(e, CURLOPT_URL, url);
	(void)curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	(void)curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	(void)curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	(void)curl_easy_setopt(e, CURLOPT_MAXREDIRS, 8L);
	(void)curl_easy_setopt(e, CURLOPT_USERAGENT, "podd/" PD_VERSION);
	(void)curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A transfer that stalls for a minute fails rather than hangs. */
	(void)curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	(void)curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	(void)curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	(void)curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	(void)curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	(void)curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	(void)curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->tls_verify ? 1L : 0L);
	(void)curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->tls_verify ? 2L : 0L);
	(void)curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	(void)curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, s);
	set_client_cert(s, e);
	if (x->stage == XFER_TOKEN) {
		if (s->creds.username[0] != '\0') {
			(void)curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
			(void)curl_easy_setopt(e, CURLOPT_USERNAME, s->creds.username);
			(void)curl_easy_setopt(e, CURLOPT_PASSWORD, s->creds.password);
		}
		return curl_loop_add(s->d->registry->loop, e, on_done, x, err);
	}
	if (s->auth != NULL)
		x->headers = curl_slist_append(x->headers, s->auth);
	if (x->accept != NULL) {
		cleanup_free char *h = xasprintf("Accept: %s", x->accept);

		x->headers = curl_slist_append(x->headers, h);
	}
	if (x->content_type != NULL) {
		cleanup_free char *h = xasprintf("Content-Type: %s", x->content_type);

		x->headers = curl_slist_append(x->headers, h);
	}
	/* No "Expect: 100-continue" wait on uploads. */
	x->headers = curl_slist_append(x->headers, "Expect:");
	(void)curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	if (strcmp(x->method, "HEAD") == 0) {
		(void)curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (x->r.body_fd >= 0) {
		(void)curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		(void)curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		(void)curl_easy_setopt(e, CURLOPT_READDATA, x);
		(void)curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		(void)curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
		(void)curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->r.body_size);
		(void)curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	} else if (strcmp(x->method, "GET") != 0) {
		(void)curl_easy_setopt(e, CURLOPT_POST, 1L);
		(void)curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body != NULL ? x->body : "");
		(void)curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)(x->body != NULL ? x->r.body_len : 0));
		(void)curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
	}
	return curl_loop_add(s->d->registry->loop, e, on_done, x, err);
}

/* The URL of the main request on the session's scheme. */
static char *
main_url(const struct reg_xfer *x)
{
	if (strncmp(x->url, "https://", 8) == 0 || strncmp(x->url, "http://", 7) == 0)
		return xstrdup(x->url);
	return xasprintf("%s://%s%s", x->s->use_http ? "http" : "https", x->s->endpoint, x->url);
}

static void
finish(struct reg_xfer *x, const struct pd_err *err)
{
	reg_done_fn *done = x->r.done;
	void *arg = x->r.arg;
	struct reg_reply reply = x->reply;

	x->reply.body = NULL;
	xfer_free(x);
	done(arg, err == NULL ? &reply : NULL, err);
	free(reply.body);
}

static char *
token_url(struct reg_xfer *x, const struct reg_challenge *c)
{
	char *service = curl_easy_escape(x->easy, c->service, 0);
	char *scope = curl_easy_escape(x->easy, x->s->scope, 0);
	char *url = xasprintf("%s%sservice=%s%s%s", c->realm, strchr(c->realm, '?') ? "&" : "?",
			      service ? service : "", scope && scope[0] ? "&scope=" : "",
			      scope && scope[0] ? scope : "");

	curl_free(service);
	curl_free(scope);
	return url;
}

/* A 401 to the main request: answer its challenge. Returns 1 when a new
 * transfer was started, 0 when the 401 stands, -1 on error. */
static int
answer_challenge(struct reg_xfer *x, struct pd_err *err)
{
	struct reg_session *s = x->s;
	struct reg_challenge c;
	cleanup_free char *url = NULL;
	cleanup_free char *basic = NULL;
	cleanup_free char *pair = NULL;

	if (x->retried || x->www_auth[0] == '\0')
		return 0;
	x->retried = true;
	if (reg_challenge_parse(x->www_auth, &c, err) < 0)
		return pd_err_prefix(err, "registry %s", s->host);
	if (c.scheme == REG_SCHEME_BASIC) {
		if (s->creds.username[0] == '\0')
			return 0;
		pair = xasprintf("%s:%s", s->creds.username, s->creds.password);
		basic = pd_base64_encode(pair, strlen(pair), false);
		explicit_bzero(pair, strlen(pair));
		free(s->auth);
		s->auth = xasprintf("Authorization: Basic %s", basic);
		explicit_bzero(basic, strlen(basic));
		url = main_url(x);
		return xfer_start(x, url, err) < 0 ? -1 : 1;
	}
	x->stage = XFER_TOKEN;
	url = token_url(x, &c);
	return xfer_start(x, url, err) < 0 ? -1 : 1;
}

static void
on_token(struct reg_xfer *x, CURLcode rc)
{
	struct reg_session *s = x->s;
	char *token = NULL;
	cleanup_free char *url = NULL;
	struct pd_err err = {0};
	long long expires_s = 0;
	long status = 0;

	(void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		pd_fail(&err, PD_E_SYSTEM, "registry %s: token server: %s", s->host,
			curl_easy_strerror(rc));
		finish(x, &err);
		return;
	}
	if (status == 401 || status == 403) {
		pd_fail(&err, PD_E_FORBIDDEN, "registry %s: %s", s->host,
			s->creds.username[0] ? "wrong username or password"
					     : "authentication required (podctl login)");
		finish(x, &err);
		return;
	}
	if (status != 200) {
		pd_fail(&err, PD_E_SYSTEM, "registry %s: token server answered HTTP %ld", s->host,
			status);
		finish(x, &err);
		return;
	}
	token = xmalloc(REG_TOKEN_MAX);
	if (reg_token_parse(x->reply.body ? x->reply.body : "", x->reply.body_len, token,
			    &expires_s, &err) < 0) {
		free(token);
		pd_err_prefix(&err, "registry %s", s->host);
		finish(x, &err);
		return;
	}
	free(s->auth);
	s->auth = xasprintf("Authorization: Bearer %s", token);
	explicit_bzero(token, strlen(token));
	free(token);
	token_keep(s, expires_s);
	x->stage = XFER_MAIN;
	url = main_url(x);
	if (xfer_start(x, url, &err) < 0)
		finish(x, &err);
}

static void
on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct reg_xfer *x = arg;
	struct reg_session *s = x->s;
	cleanup_free char *url = NULL;
	struct pd_err err = {0};
	int r;

	(void)easy;
	if (x->stage == XFER_TOKEN) {
		on_token(x, rc);
		return;
	}
	if (x->data_failed) {
		err = x->data_err;
		finish(x, &err);
		return;
	}
	if (rc != CURLE_OK) {
		/* An insecure registry that does not speak TLS: the handshake
		 * fails (a plain HTTP server answers the ClientHello with a 400).
		 * A certificate that does not verify is not that: no fallback. */
		if (rc == CURLE_SSL_CONNECT_ERROR && s->http_ok && !s->use_http &&
		    !x->http_fallback && x->url[0] == '/') {
			log_debug("registry %s: %s over HTTPS; trying plain HTTP", s->host,
				  curl_easy_strerror(rc));
			x->http_fallback = true;
			s->use_http = true;
			note_http_only(s->d->registry, s->endpoint);
			url = main_url(x);
			if (xfer_start(x, url, &err) < 0)
				finish(x, &err);
			return;
		}
		pd_fail(&err, PD_E_SYSTEM, "registry %s: %s", s->host, curl_easy_strerror(rc));
		finish(x, &err);
		return;
	}
	(void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->reply.status);
	if (x->reply.status == 401) {
		r = answer_challenge(x, &err);
		if (r < 0)
			finish(x, &err);
		if (r != 0)
			return;
		if (s->creds.username[0] != '\0' && x->retried) {
			pd_fail(&err, PD_E_FORBIDDEN, "registry %s: wrong username or password",
				s->host);
			finish(x, &err);
			return;
		}
	}
	finish(x, NULL);
}

struct reg_xfer *
reg_send(struct reg_session *s, const struct reg_request *r, struct pd_err *err)
{
	struct reg_xfer *x = xcalloc(1, sizeof(*x));
	cleanup_free char *url = NULL;

	if (strlen(r->url) > REG_URL_MAX || strpbrk(r->url, " \r\n") != NULL) {
		free(x);
		pd_fail(err, PD_E_INVALID, "registry %s: bad URL", s->host);
		return NULL;
	}
	x->s = reg_session_ref(s);
	TAILQ_INSERT_TAIL(&s->d->registry->xfers, x, entry);
	x->r = *r;
	x->method = xstrdup(r->method);
	x->url = xstrdup(r->url);
	x->accept = r->accept ? xstrdup(r->accept) : NULL;
	x->content_type = r->content_type ? xstrdup(r->content_type) : NULL;
	if (r->body != NULL) {
		x->body = xmalloc(r->body_len + 1);
		memcpy(x->body, r->body, r->body_len);
		x->body[r->body_len] = '\0';
	}
	url = main_url(x);
	if (xfer_start(x, url, err) < 0) {
		xfer_free(x);
		return NULL;
	}
	return x;
}

static void
xfer_free(struct reg_xfer *x)
{
	TAILQ_REMOVE(&x->s->d->registry->xfers, x, entry);
	if (x->easy != NULL) {
		curl_loop_cancel(x->s->d->registry->loop, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->headers);
	free(x->reply.body);
	free(x->method);
	free(x->url);
	free(x->accept);
	free(x->content_type);
	free(x->body);
	reg_session_unref(x->s);
	free(x);
}

void
reg_xfer_cancel(struct reg_xfer *x)
{
	if (x != NULL)
		xfer_free(x);
}

int
reg_reply_error(const struct reg_reply *reply, const char *what, struct pd_err *err)
{
	cleanup_json json_t *j = NULL;
	const char *msg = NULL, *code = NULL;
	enum pd_kind kind = PD_E_SYSTEM;
	struct pd_err ignored = {0};

	if (reply->status == 404)
		kind = PD_E_NOT_FOUND;
	else if (reply->status == 401 || reply->status == 403)
		kind = PD_E_FORBIDDEN;
	if (reply->body != NULL && reply->body_len > 0)
		j = pd_json_load(reply->body, reply->body_len, REG_ERROR_BODY_MAX, &ignored);
	if (j != NULL) {
		const json_t *e = json_array_get(json_object_get(j, "errors"), 0);

		code = json_string_value(json_object_get(e, "code"));
		msg = json_string_value(json_object_get(e, "message"));
	}
	if (reply->status == 401)
		return pd_fail(err, kind, "%s: authentication required (podctl login)", what);
	if (msg != NULL)
		return pd_fail(err, kind, "%s: %.100s%s%.60s", what, msg, code ? ": " : "",
			       code ? code : "");
	return pd_fail(err, kind, "%s: the registry answered HTTP %ld", what, reply->status);
}
