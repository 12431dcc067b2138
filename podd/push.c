/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pushes; see push.h. One blob at a time, config first, each:
 *
 *   PUSH_HEAD   HEAD /v2/REPO/blobs/DIGEST: 200 means the registry has it
 *   PUSH_POST   POST /v2/REPO/blobs/uploads/: 202 with the upload's Location
 *   PUSH_PUT    PUT LOCATION?digest=DIGEST with the blob streamed from the store
 *
 * then PUSH_MANIFEST: PUT /v2/REPO/manifests/TAG.
 */
#include "push.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "file.h"
#include "image.h"
#include "imgref.h"
#include "json.h"
#include "log.h"
#include "reg_manifest.h"
#include "podd.h"
#include "pull.h"
#include "registry.h"
#include "xalloc.h"

enum push_stage {
	PUSH_HEAD,
	PUSH_POST,
	PUSH_PUT,
	PUSH_MANIFEST,
};

struct push {
	TAILQ_ENTRY(push) entry;
	struct podd *d; /* borrowed */
	struct pd_imgref ref;
	char name[PD_IMGREF_MAX];
	struct reg_session *s; /* one reference */
	struct reg_xfer *x;    /* owned: the request in flight */
	enum push_stage stage;
	char manifest_digest[PD_DIGEST_MAX + 1];
	char *manifest; /* owned: its bytes */
	size_t manifest_len;
	struct reg_manifest m;
	size_t next; /* 0: the config, then layer next-1 */
	int fd;      /* owned: the blob being sent */
	unsigned pushed, skipped;
	push_event_fn *event;
	push_done_fn *done;
	void *arg;
};

static void push_step(struct push *p);
static void push_put(struct push *p, const char *location);

static const struct reg_descriptor *
current_blob(const struct push *p)
{
	return p->next == 0 ? &p->m.config : &p->m.entries[p->next - 1];
}

static void
push_free(struct push *p)
{
	TAILQ_REMOVE(&p->d->registry->pushes, p, entry);
	reg_xfer_cancel(p->x);
	close_reset(&p->fd);
	reg_session_unref(p->s);
	reg_manifest_free(&p->m);
	free(p->manifest);
	free(p);
}

static void
push_end(struct push *p, const json_t *final, const struct pd_err *err)
{
	push_done_fn *done = p->done;
	void *arg = p->arg;
	struct pd_err e = {0};

	if (err != NULL) {
		e = *err;
		pd_err_prefix(&e, "push %s", p->name);
	}
	push_free(p);
	done(arg, final, err != NULL ? &e : NULL);
}

static void
emit_blob(struct push *p, const char *status)
{
	char id[13];
	json_t *ev;

	(void)snprintf(id, sizeof(id), "%.12s", pd_digest_hex(current_blob(p)->digest));
	ev = json_pack("{s:s, s:s}", "id", id, "status", status);
	if (p->event != NULL)
		p->event(p->arg, ev);
	json_decref(ev);
}

static void
on_reply(void *arg, const struct reg_reply *reply, const struct pd_err *xerr)
{
	struct push *p = arg;
	struct pd_err err = {0};
	cleanup_free char *what = NULL;
	cleanup_json json_t *final = NULL;

	p->x = NULL;
	close_reset(&p->fd);
	if (xerr != NULL) {
		push_end(p, NULL, xerr);
		return;
	}
	switch (p->stage) {
	case PUSH_HEAD:
		if (reply->status == 200) {
			emit_blob(p, "Layer already exists");
			p->skipped++;
			p->next++;
		} else {
			p->stage = PUSH_POST;
		}
		push_step(p);
		return;
	case PUSH_POST:
		if (reply->status != 202 || reply->location[0] == '\0') {
			what = xasprintf("start upload of %s", current_blob(p)->digest);
			reg_reply_error(reply, what, &err);
			push_end(p, NULL, &err);
			return;
		}
		p->stage = PUSH_PUT;
		push_put(p, reply->location);
		return;
	case PUSH_PUT:
		if (reply->status != 201) {
			what = xasprintf("upload of %s", current_blob(p)->digest);
			reg_reply_error(reply, what, &err);
			push_end(p, NULL, &err);
			return;
		}
		emit_blob(p, "Pushed");
		p->pushed++;
		p->next++;
		p->stage = PUSH_HEAD;
		push_step(p);
		return;
	case PUSH_MANIFEST:
		if (reply->status != 201 && reply->status != 200) {
			reg_reply_error(reply, "manifest", &err);
			push_end(p, NULL, &err);
			return;
		}
		final = json_pack("{s:s, s:s, s:s, s:i, s:i}", "status", "Pushed", "reference",
				  p->name, "digest", p->manifest_digest, "pushed", p->pushed,
				  "skipped", p->skipped);
		push_end(p, final, NULL);
		return;
	}
}

static void
send_or_fail(struct push *p, const struct reg_request *r)
{
	struct pd_err err = {0};

	p->x = reg_send(p->s, r, &err);
	if (p->x == NULL)
		push_end(p, NULL, &err);
}

static void
push_put(struct push *p, const char *location)
{
	const struct reg_descriptor *b = current_blob(p);
	cleanup_free char *path = blobs_path(p->d, b->digest);
	cleanup_free char *url =
	    xasprintf("%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?", b->digest);
	struct reg_request r = {.method = "PUT",
				.url = url,
				.content_type = "application/octet-stream",
				.body_size = b->size,
				.max_body = 65536,
				.done = on_reply,
				.arg = p};
	struct pd_err err = {0};

	p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0) {
		pd_fail_errno(&err, errno, "blob %s", b->digest);
		push_end(p, NULL, &err);
		return;
	}
	r.body_fd = p->fd;
	send_or_fail(p, &r);
}

static void
push_step(struct push *p)
{
	cleanup_free char *url = NULL;
	struct reg_request r = {.body_fd = -1, .max_body = 65536, .done = on_reply, .arg = p};

	if (p->next > p->m.n_entries) {
		p->stage = PUSH_MANIFEST;
		url = xasprintf("/v2/%s/manifests/%s", p->ref.path,
				p->ref.tag[0] ? p->ref.tag : p->ref.digest);
		r.method = "PUT";
		r.url = url;
		r.content_type = p->m.media_type;
		r.body = p->manifest;
		r.body_len = p->manifest_len;
		send_or_fail(p, &r);
		return;
	}
	if (p->stage == PUSH_HEAD) {
		url = xasprintf("/v2/%s/blobs/%s", p->ref.path, current_blob(p)->digest);
		r.method = "HEAD";
	} else {
		url = xasprintf("/v2/%s/blobs/uploads/", p->ref.path);
		r.method = "POST";
	}
	r.url = url;
	send_or_fail(p, &r);
}

int
push_start(struct podd *d, const struct push_opts *o, push_event_fn *event, push_done_fn *done,
	   void *arg, struct pd_err *err)
{
	struct push *p;
	struct image *img;
	char rel[PD_DIGEST_HEX_LEN + 16];
	int bfd;

	img = image_find(d, o->reference, err);
	if (img == NULL || registry_get(d, err) == NULL)
		return -1;
	bfd = reg_blobs_fd(d, err);
	if (bfd < 0)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->fd = -1;
	p->d = d;
	p->event = event;
	p->done = done;
	p->arg = arg;
	if (pd_imgref_parse(o->reference, &p->ref, err) < 0) {
		free(p);
		return -1;
	}
	pd_imgref_format(&p->ref, p->name, sizeof(p->name));
	memcpy(p->manifest_digest, img->manifest, sizeof(p->manifest_digest));
	(void)snprintf(rel, sizeof(rel), "sha256/%s", pd_digest_hex(p->manifest_digest));
	if (pd_file_read(bfd, rel, REG_MANIFEST_MAX_BYTES, &p->manifest, &p->manifest_len, err) <
		0 ||
	    reg_manifest_parse(p->manifest, p->manifest_len, NULL, &p->m, err) < 0 ||
	    p->m.kind != REG_MANIFEST_IMAGE) {
		if (err->kind == 0)
			pd_fail(err, PD_E_INVALID, "image %s has no image manifest", p->name);
		reg_manifest_free(&p->m);
		free(p->manifest);
		free(p);
		return -1;
	}
	p->s =
	    reg_session_new(d, p->ref.registry, p->ref.path, true, o->tls_verify, &o->creds, err);
	if (p->s == NULL) {
		reg_manifest_free(&p->m);
		free(p->manifest);
		free(p);
		return -1;
	}
	TAILQ_INSERT_TAIL(&d->registry->pushes, p, entry);
	push_step(p);
	return 0;
}

void
push_free_all(struct podd *d)
{
	struct pd_err err = {0};
	struct push *p;

	if (d->registry == NULL)
		return;
	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((p = TAILQ_FIRST(&d->registry->pushes)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		push_end(p, NULL, &err);
}
