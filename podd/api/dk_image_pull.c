/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pull and push in the Engine's way: podd's pull and push (pull.c,
 * push.c) with their progress turned into the Engine's JSON messages
 * ({"status", "id", "progressDetail"}), which the docker CLI renders, and
 * an error after the first message as {"errorDetail", "error"} (the status
 * is sent by then). An error before any message is the request's answer.
 * Credentials come in X-Registry-Auth, as for podd's own API.
 */
#include <string.h>

#include "dk_image.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "imgref.h"
#include "podd.h"
#include "pull.h"
#include "push.h"
#include "reg_auth.h"
#include "xalloc.h"

struct dk_xfer {
	struct dk_req *r;
	bool started;
	char tag[PD_IMGREF_TAG_MAX + 1];
	char path[PD_IMGREF_PATH_MAX + 1]; /* "library/busybox", as docker's progress names it */
};

static void
xfer_send(struct dk_xfer *x, const json_t *j)
{
	if (!x->started) {
		dk_stream_start(x->r, 200, "application/json");
		x->started = true;
	}
	dk_stream_json(x->r, j);
}

static void
xfer_status(struct dk_xfer *x, const char *status)
{
	cleanup_json json_t *j = json_pack("{s:s}", "status", status);

	xfer_send(x, j);
}

static void
on_event(void *arg, const json_t *ev)
{
	struct dk_xfer *x = arg;
	const char *status = json_string_value(json_object_get(ev, "status"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	const json_t *cur = json_object_get(ev, "current"), *total = json_object_get(ev, "total");
	cleanup_json json_t *j = NULL;
	cleanup_free char *from = NULL;

	if (status == NULL)
		return;
	if (strcmp(status, "Pulling from") == 0) {
		from = xasprintf("Pulling from %s", x->path);
		j = json_pack("{s:s, s:s}", "status", from, "id", x->tag);
		xfer_send(x, j);
		return;
	}
	j = json_pack("{s:s, s:{}}", "status", status, "progressDetail");
	if (id != NULL)
		json_object_set_new(j, "id", json_string(id));
	if (json_is_integer(cur) && json_is_integer(total)) {
		json_t *pd = json_object_get(j, "progressDetail");

		json_object_set(pd, "current", (json_t *)cur);
		json_object_set(pd, "total", (json_t *)total);
	}
	xfer_send(x, j);
}

/* The end: the error the Engine's way, or @final's digest and status. */
static void
xfer_end(struct dk_xfer *x, const json_t *final, const struct pd_err *err, bool pull)
{
	struct dk_req *r = x->r;

	if (final == NULL && !x->started) {
		if (err->kind == PD_E_NOT_FOUND)
			dk_reply_error(r, 404, "%s", err->msg);
		else
			dk_reply_err(r, err);
	} else if (final == NULL) {
		cleanup_json json_t *j = json_pack("{s:{s:s}, s:s}", "errorDetail", "message",
						   err->msg, "error", err->msg);

		xfer_send(x, j);
		dk_stream_end(r);
	} else {
		const char *digest = json_string_value(json_object_get(final, "digest"));
		const char *status = json_string_value(json_object_get(final, "status"));
		const char *ref = json_string_value(json_object_get(final, "reference"));
		char fam[PD_IMGREF_MAX];
		cleanup_free char *line = NULL;

		pd_imgref_familiar_name(ref != NULL ? ref : "", fam, sizeof(fam));
		if (pull && digest != NULL) {
			line = xasprintf("Digest: %s", digest);
			xfer_status(x, line);
			free(line);
		}
		if (pull && status != NULL && ref != NULL) {
			/* podd's status names the image in full; docker by its familiar name */
			const char *tail = strstr(status, " for ");

			line = tail != NULL ? xasprintf("Status: %.*s for %s", (int)(tail - status),
							status, fam)
					    : xasprintf("Status: %s", status);
		} else if (digest != NULL) {
			line = xasprintf("%s: digest: %s", x->tag, digest);
		} else {
			line = xstrdup(status != NULL ? status : "done");
		}
		xfer_status(x, line);
		dk_stream_end(r);
	}
	free(x);
}

static void
on_pull_done(void *arg, const json_t *final, const struct pd_err *err)
{
	xfer_end(arg, final, err, true);
}

static void
on_push_done(void *arg, const json_t *final, const struct pd_err *err)
{
	xfer_end(arg, final, err, false);
}

/* X-Registry-Auth into @c; -1 after answering @r. */
static int
creds(struct dk_req *r, struct reg_creds *c)
{
	const char *h = dk_header(r, REG_AUTH_HEADER);
	struct pd_err err = {0};

	memset(c, 0, sizeof(*c));
	if (h == NULL || h[0] == '\0' || reg_creds_parse(h, c, &err) == 0)
		return 0;
	dk_reply_error(r, 400, "X-Registry-Auth: %s", err.msg);
	return -1;
}

/* A transfer of @ref for @r: its tag and familiar name; NULL after
 * answering @r (400 for a bad reference). */
static struct dk_xfer *
xfer_new(struct dk_req *r, const char *ref)
{
	struct pd_imgref p;
	struct pd_err err = {0};
	struct dk_xfer *x;

	if (pd_imgref_parse(ref, &p, &err) < 0) {
		dk_reply_error(r, 400, "invalid reference format: %s", err.msg);
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->r = r;
	memcpy(x->tag, p.tag[0] != '\0' ? p.tag : p.digest,
	       strlen(p.tag[0] != '\0' ? p.tag : p.digest) + 1);
	memcpy(x->path, p.path, sizeof(x->path));
	return x;
}

void
dk_image_pull(struct dk_req *r)
{
	const char *from = dk_query(r, "fromImage"), *tag = dk_query(r, "tag");
	const char *platform = dk_query(r, "platform");
	struct pull_opts o = {.tls_verify = true};
	cleanup_free char *ref = NULL;
	struct pd_err err = {0};
	struct dk_xfer *x;

	if (dk_query(r, "fromSrc") != NULL) {
		dk_reply_error(r, 501,
			       "docker import is not supported by podd's Engine API: use "
			       "podctl image import");
		return;
	}
	if (from == NULL || from[0] == '\0') {
		dk_reply_error(r, 400, "fromImage is required");
		return;
	}
	if (tag == NULL || tag[0] == '\0' || strchr(from, '@') != NULL)
		ref = xstrdup(from);
	else
		ref = xasprintf("%s%s%s", from, strncmp(tag, "sha256:", 7) == 0 ? "@" : ":", tag);
	if (platform == NULL || platform[0] == '\0')
		platform = PD_DEFAULT_PLATFORM;
	if (reg_platform_parse(platform, &o.platform, &err) < 0) {
		dk_reply_error(r, 400, "%s", err.msg);
		return;
	}
	if (creds(r, &o.creds) < 0 || (x = xfer_new(r, ref)) == NULL) {
		reg_creds_clear(&o.creds);
		return;
	}
	o.reference = ref;
	if (pull_start(dk_podd(r), &o, on_event, on_pull_done, x, &err) < 0) {
		free(x);
		dk_reply_err(r, &err);
	}
	reg_creds_clear(&o.creds);
}

void
dk_image_push(struct dk_req *r)
{
	const char *name = dk_arg(r, 0), *tag = dk_query(r, "tag");
	struct push_opts o = {.tls_verify = true};
	cleanup_free char *ref = NULL;
	struct pd_err err = {0};
	struct dk_xfer *x;

	if (tag != NULL && tag[0] != '\0')
		ref = xasprintf("%s:%s", name, tag);
	else
		ref = xstrdup(name);
	if (dk_image(r, ref) == NULL)
		return;
	if (creds(r, &o.creds) < 0 || (x = xfer_new(r, ref)) == NULL) {
		reg_creds_clear(&o.creds);
		return;
	}
	o.reference = ref;
	if (push_start(dk_podd(r), &o, on_event, on_push_done, x, &err) < 0) {
		free(x);
		dk_reply_err(r, &err);
	}
	reg_creds_clear(&o.creds);
}
