/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pulls and the shared blob transfers; see pull.h. A pull's life:
 *
 *   PULL_MANIFEST   GET the manifest by tag or digest (verified and stored)
 *   PULL_PLATFORM   an index: GET the platform's manifest, unless stored
 *   PULL_BLOBS      the config and layers the store lacks, shared fetches
 *   PULL_COMMIT     image_commit: unpack the layers, record, tag
 *
 * and then @done, once. Every step runs from the loop.
 */
#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "fd.h"
#include "file.h"
#include "image.h"
#include "imgref.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "podd.h"
#include "registry.h"
#include "timefmt.h"
#include "xalloc.h"

#define PROGRESS_EVERY_MS 200 /* at most ~5 progress events a second per layer */
#define CONFIG_INDEX      ((size_t)-1)

enum pull_state {
	PULL_MANIFEST,
	PULL_PLATFORM,
	PULL_BLOBS,
	PULL_COMMIT,
};

enum layer_state {
	LAYER_WAITING,
	LAYER_DOWNLOADING,
	LAYER_DONE,
	LAYER_EXISTS,
};

struct pull_layer {
	struct reg_descriptor desc;
	enum layer_state state;
	bool fetched_here; /* this pull started the fetch that stored it */
	uint64_t current;
	uint64_t last_ms;
};

struct pull {
	TAILQ_ENTRY(pull) entry;
	struct podd *d; /* borrowed */
	struct pd_imgref ref;
	char name[PD_IMGREF_MAX];      /* the full reference */
	char repo_name[PD_IMGREF_MAX]; /* REGISTRY/PATH */
	struct reg_platform platform;
	struct reg_session *s; /* one reference */
	struct reg_xfer *x;    /* owned: the manifest request in flight */
	enum pull_state state;
	char top_digest[PD_DIGEST_MAX + 1];      /* what the tag names (index or manifest) */
	char manifest_digest[PD_DIGEST_MAX + 1]; /* the image manifest */
	struct reg_manifest m;
	struct pull_layer config;
	struct pull_layer *layers; /* owned: m.n_entries of them */
	size_t waiting;            /* blobs not in the store yet */
	bool fetched_any;
	bool written_manifest[2]; /* top and platform manifests stored by this pull */
	pull_event_fn *event;
	pull_done_fn *done;
	void *arg;
};

struct blob_waiter {
	struct pull *p; /* borrowed */
	size_t idx;     /* a layer, or CONFIG_INDEX */
};

struct blob_fetch {
	TAILQ_ENTRY(blob_fetch) entry;
	struct podd *d; /* borrowed */
	char digest[PD_DIGEST_MAX + 1];
	long long size;
	struct reg_xfer *x; /* owned */
	int fd;             /* owned: blobs/tmp/<tmp> */
	char tmp[PD_DIGEST_HEX_LEN + 32];
	struct pd_digest *md;  /* owned */
	struct blob_waiter *w; /* owned */
	size_t nw;
};

static void pull_fail(struct pull *p, const struct pd_err *err);
static void pull_next_blobs(struct pull *p);

/* ---- the blob store's dirs -------------------------------------------- */

int
reg_blobs_fd(struct podd *d, struct pd_err *err)
{
	/* Opened, and blobs/tmp emptied, when podd starts (blobs.c). */
	if (d->blobs_fd < 0)
		return pd_fail(err, PD_E_UNAVAILABLE, "the blob store is not open");
	return d->blobs_fd;
}

static int
tmp_open(struct podd *d, const char *digest, char *name, size_t len, struct pd_err *err)
{
	int bfd = reg_blobs_fd(d, err);
	char rnd[PD_ID_LEN + 1];
	int fd;

	if (bfd < 0 || pd_id_generate(rnd, err) < 0)
		return -1;
	(void)snprintf(name, len, "tmp/%.16s-%.12s", pd_digest_hex(digest), rnd);
	fd = openat(bfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return pd_fail_errno(err, errno, "create %s", name);
	return fd;
}

/* Move a verified blobs/@tmp to blobs/sha256/HEX after syncing it. */
static int
tmp_commit(struct podd *d, int fd, const char *tmp, const char *digest, struct pd_err *err)
{
	int bfd = reg_blobs_fd(d, err);
	char dst[PD_DIGEST_HEX_LEN + 16];

	if (bfd < 0)
		return -1;
	(void)snprintf(dst, sizeof(dst), "sha256/%s", pd_digest_hex(digest));
	if (fdatasync(fd) < 0)
		return pd_fail_errno(err, errno, "sync blob %s", digest);
	if (renameat(bfd, tmp, bfd, dst) < 0)
		return pd_fail_errno(err, errno, "store blob %s", digest);
	return 0;
}

static void
blob_unlink(struct podd *d, const char *digest)
{
	struct pd_err err = {0};
	int bfd = reg_blobs_fd(d, &err);
	char dst[PD_DIGEST_HEX_LEN + 16];

	if (bfd < 0)
		return;
	(void)snprintf(dst, sizeof(dst), "sha256/%s", pd_digest_hex(digest));
	if (unlinkat(bfd, dst, 0) < 0 && errno != ENOENT)
		log_warn("remove blob %s: %s", digest, strerror(errno));
}

/* Store a small blob held in memory (a manifest), unless present. */
static int
blob_put(struct podd *d, const char *digest, const char *buf, size_t len, bool *written,
	 struct pd_err *err)
{
	char tmp[PD_DIGEST_HEX_LEN + 32];
	cleanup_close int fd = -1;
	int bfd;

	*written = false;
	if (blobs_have(d, digest))
		return 0;
	fd = tmp_open(d, digest, tmp, sizeof(tmp), err);
	if (fd < 0)
		return -1;
	bfd = reg_blobs_fd(d, err);
	if (pd_fd_write_all(fd, buf, len, err) < 0 || tmp_commit(d, fd, tmp, digest, err) < 0) {
		(void)unlinkat(bfd, tmp, 0);
		return -1;
	}
	*written = true;
	return 0;
}

/* ---- progress ----------------------------------------------------------- */

static void
emit(struct pull *p, json_t *ev)
{
	if (p->event != NULL)
		p->event(p->arg, ev);
	json_decref(ev);
}

static void
emit_layer(struct pull *p, const struct pull_layer *l, const char *status, bool with_bytes)
{
	char id[13];
	json_t *ev;

	(void)snprintf(id, sizeof(id), "%.12s", pd_digest_hex(l->desc.digest));
	ev = json_pack("{s:s, s:s}", "id", id, "status", status);
	if (with_bytes) {
		json_object_set_new(ev, "current", json_integer((json_int_t)l->current));
		json_object_set_new(ev, "total", json_integer(l->desc.size));
	}
	emit(p, ev);
}

static struct pull_layer *
layer_at(struct pull *p, size_t idx)
{
	return idx == CONFIG_INDEX ? &p->config : &p->layers[idx];
}

static void
layer_progress(struct pull *p, size_t idx, uint64_t got)
{
	struct pull_layer *l = layer_at(p, idx);
	uint64_t now = pd_time_mono_ms();

	l->current = got;
	if (idx == CONFIG_INDEX || now - l->last_ms < PROGRESS_EVERY_MS)
		return;
	l->last_ms = now;
	emit_layer(p, l, "Downloading", true);
}

/* ---- shared blob fetches ----------------------------------------------- */

static void
fetch_free(struct blob_fetch *f, bool unlink_tmp)
{
	struct pd_err err = {0};

	TAILQ_REMOVE(&f->d->registry->fetches, f, entry);
	reg_xfer_cancel(f->x);
	close_reset(&f->fd);
	if (unlink_tmp) {
		int bfd = reg_blobs_fd(f->d, &err);

		if (bfd >= 0 && unlinkat(bfd, f->tmp, 0) < 0 && errno != ENOENT)
			log_warn("remove %s: %s", f->tmp, strerror(errno));
	}
	pd_digest_free(f->md);
	free(f->w);
	free(f);
}

static void
fetch_add_waiter(struct blob_fetch *f, struct pull *p, size_t idx)
{
	f->w = xrealloc(f->w, (f->nw + 1) * sizeof(*f->w));
	f->w[f->nw].p = p;
	f->w[f->nw].idx = idx;
	f->nw++;
}

/* @p no longer waits for any blob: a fetch nobody waits for stops. */
static void
fetch_drop_pull(struct podd *d, struct pull *p)
{
	struct blob_fetch *f, *next;

	if (d->registry == NULL)
		return;
	for (f = TAILQ_FIRST(&d->registry->fetches); f != NULL; f = next) {
		size_t k = 0;

		next = TAILQ_NEXT(f, entry);
		for (size_t i = 0; i < f->nw; i++)
			if (f->w[i].p != p)
				f->w[k++] = f->w[i];
		f->nw = k;
		if (f->nw == 0)
			fetch_free(f, true);
	}
}

static int
on_blob_data(void *arg, const char *data, size_t len, struct pd_err *err)
{
	struct blob_fetch *f = arg;
	uint64_t got;

	pd_digest_update(f->md, data, len);
	got = pd_digest_size(f->md);
	if (got > (uint64_t)f->size)
		return pd_fail(err, PD_E_INVALID, "blob %s: more bytes than its size %lld",
			       f->digest, f->size);
	if (pd_fd_write_all(f->fd, data, len, err) < 0)
		return pd_err_prefix(err, "blob %s", f->digest);
	for (size_t i = 0; i < f->nw; i++)
		layer_progress(f->w[i].p, f->w[i].idx, got);
	return 0;
}

/* Tell every waiter of @f (freed first, so that they may start others). */
static void
fetch_end(struct blob_fetch *f, const struct pd_err *err)
{
	struct blob_waiter *w = steal_ptr(f->w);
	size_t nw = f->nw;
	struct pd_err e = {0};
	cleanup_free const void **failed = xcalloc(nw + 1, sizeof(*failed));
	size_t nfailed = 0;

	f->x = NULL; /* ended: its request frees itself */
	f->nw = 0;
	fetch_free(f, err != NULL);
	for (size_t i = 0; i < nw; i++) {
		struct pull *p = w[i].p;
		struct pull_layer *l;

		if (err != NULL) {
			bool already = false;

			/* A manifest may list one blob twice: one pull, one failure. */
			for (size_t k = 0; k < nfailed; k++)
				already = already || failed[k] == p;
			if (already)
				continue;
			failed[nfailed++] = p;
			e = *err;
			pull_fail(p, &e);
			continue;
		}
		l = layer_at(p, w[i].idx);
		l->state = LAYER_DONE;
		l->current = (uint64_t)l->desc.size;
		if (w[i].idx != CONFIG_INDEX)
			emit_layer(p, l, "Download complete", false);
		p->waiting--;
		pull_next_blobs(p);
	}
	free(w);
}

static void
on_blob_done(void *arg, const struct reg_reply *reply, const struct pd_err *xerr)
{
	struct blob_fetch *f = arg;
	char got[PD_DIGEST_MAX + 1];
	struct pd_err err = {0};
	cleanup_free char *what = xasprintf("blob %s", f->digest);

	if (xerr != NULL) {
		err = *xerr;
	} else if (reply->status != 200) {
		reg_reply_error(reply, what, &err);
	} else if (pd_digest_size(f->md) != (uint64_t)f->size) {
		pd_fail(&err, PD_E_INVALID, "blob %s: %llu bytes, the manifest says %lld",
			f->digest, (unsigned long long)pd_digest_size(f->md), f->size);
	} else {
		pd_digest_final(f->md, got);
		if (pd_digest_check(f->digest, got, what, &err) == 0 &&
		    tmp_commit(f->d, f->fd, f->tmp, f->digest, &err) == 0) {
			fetch_end(f, NULL);
			return;
		}
	}
	fetch_end(f, &err);
}

static struct blob_fetch *
fetch_find(struct podd *d, const char *digest)
{
	struct blob_fetch *f;

	TAILQ_FOREACH (f, &d->registry->fetches, entry)
		if (strcmp(f->digest, digest) == 0)
			return f;
	return NULL;
}

static int
fetch_start(struct pull *p, size_t idx, struct pd_err *err)
{
	struct pull_layer *l = layer_at(p, idx);
	struct blob_fetch *f = fetch_find(p->d, l->desc.digest);
	cleanup_free char *url = NULL;
	struct reg_request r = {0};

	if (f != NULL) {
		fetch_add_waiter(f, p, idx);
		return 0;
	}
	f = xcalloc(1, sizeof(*f));
	f->d = p->d;
	f->fd = -1;
	memcpy(f->digest, l->desc.digest, sizeof(f->digest));
	f->size = l->desc.size;
	f->fd = tmp_open(p->d, f->digest, f->tmp, sizeof(f->tmp), err);
	if (f->fd < 0) {
		free(f);
		return -1;
	}
	f->md = pd_digest_new();
	TAILQ_INSERT_TAIL(&p->d->registry->fetches, f, entry);
	url = xasprintf("/v2/%s/blobs/%s", p->ref.path, f->digest);
	r.method = "GET";
	r.url = url;
	r.body_fd = -1;
	r.on_data = on_blob_data;
	r.done = on_blob_done;
	r.arg = f;
	f->x = reg_send(p->s, &r, err);
	if (f->x == NULL) {
		fetch_free(f, true);
		return -1;
	}
	fetch_add_waiter(f, p, idx);
	l->fetched_here = true;
	p->fetched_any = true;
	return 0;
}

/* ---- a pull ------------------------------------------------------------ */

static void
pull_free(struct pull *p)
{
	TAILQ_REMOVE(&p->d->registry->pulls, p, entry);
	fetch_drop_pull(p->d, p);
	reg_xfer_cancel(p->x);
	reg_session_unref(p->s);
	reg_manifest_free(&p->m);
	free(p->layers);
	free(p);
}

/* Whether another pull in flight wants blob @digest. */
static bool
wanted_elsewhere(struct pull *p, const char *digest)
{
	struct pull *o;

	TAILQ_FOREACH (o, &p->d->registry->pulls, entry) {
		if (o == p)
			continue;
		if (strcmp(o->top_digest, digest) == 0 || strcmp(o->manifest_digest, digest) == 0 ||
		    strcmp(o->config.desc.digest, digest) == 0)
			return true;
		for (size_t i = 0; o->layers != NULL && i < o->m.n_entries; i++)
			if (strcmp(o->layers[i].desc.digest, digest) == 0)
				return true;
	}
	return false;
}

/* A failed pull keeps nothing: the blobs it alone brought go again. */
static void
pull_fail(struct pull *p, const struct pd_err *err)
{
	pull_done_fn *done = p->done;
	void *arg = p->arg;
	struct pd_err e = *err;

	fetch_drop_pull(p->d, p);
	if (p->state != PULL_COMMIT) {
		for (size_t i = 0; p->layers != NULL && i < p->m.n_entries; i++)
			if (p->layers[i].fetched_here && p->layers[i].state == LAYER_DONE &&
			    !wanted_elsewhere(p, p->layers[i].desc.digest))
				blob_unlink(p->d, p->layers[i].desc.digest);
		if (p->config.fetched_here && p->config.state == LAYER_DONE &&
		    !wanted_elsewhere(p, p->config.desc.digest))
			blob_unlink(p->d, p->config.desc.digest);
		if (p->written_manifest[1] && !wanted_elsewhere(p, p->manifest_digest))
			blob_unlink(p->d, p->manifest_digest);
		if (p->written_manifest[0] && !wanted_elsewhere(p, p->top_digest))
			blob_unlink(p->d, p->top_digest);
	}
	pd_err_prefix(&e, "pull %s", p->name);
	pull_free(p);
	done(arg, NULL, &e);
}

static void
on_commit(void *arg, struct image *img, const struct pd_err *err)
{
	struct pull *p = arg;
	cleanup_json json_t *final = NULL;
	cleanup_json json_t *ij = NULL;
	cleanup_free char *status = NULL;
	pull_done_fn *done = p->done;
	void *darg = p->arg;

	if (img == NULL) {
		pull_fail(p, err);
		return;
	}
	for (size_t i = 0; i < p->m.n_entries; i++)
		if (p->layers[i].state == LAYER_DONE)
			emit_layer(p, &p->layers[i], "Pull complete", false);
	ij = image_to_json(img);
	status = p->fetched_any ? xasprintf("Downloaded newer image for %s", p->name)
				: xasprintf("Image is up to date for %s", p->name);
	final = json_pack("{s:s, s:O?, s:s, s:s}", "status", status, "id",
			  json_object_get(ij, "id"), "digest", p->top_digest, "reference", p->name);
	pull_free(p);
	done(darg, final, NULL);
}

static void
pull_commit(struct pull *p)
{
	const char *names[2] = {NULL, NULL};
	cleanup_free char *repo_digest = xasprintf("%s@%s", p->repo_name, p->top_digest);
	struct pd_err err = {0};

	p->state = PULL_COMMIT;
	if (p->ref.tag[0] != '\0')
		names[0] = p->name;
	for (size_t i = 0; i < p->m.n_entries; i++)
		if (p->layers[i].state == LAYER_DONE)
			emit_layer(p, &p->layers[i], "Extracting", false);
	if (image_commit(p->d, p->manifest_digest, names, repo_digest, on_commit, p, &err) < 0)
		pull_fail(p, &err);
}

/* Called whenever a blob arrives: go on when all are in. */
static void
pull_next_blobs(struct pull *p)
{
	if (p->state == PULL_BLOBS && p->waiting == 0)
		pull_commit(p);
}

static void
pull_blobs(struct pull *p)
{
	struct pd_err err = {0};

	p->state = PULL_BLOBS;
	p->config.desc = p->m.config;
	p->layers = xcalloc(p->m.n_entries, sizeof(*p->layers));
	for (size_t i = 0; i < p->m.n_entries; i++)
		p->layers[i].desc = p->m.entries[i];
	/* Count first: a fetch may end (and tell us) only from the loop. */
	for (size_t i = 0; i <= p->m.n_entries; i++) {
		size_t idx = i == p->m.n_entries ? CONFIG_INDEX : i;
		struct pull_layer *l = layer_at(p, idx);

		if (blobs_have(p->d, l->desc.digest)) {
			l->state = LAYER_EXISTS;
			if (idx != CONFIG_INDEX)
				emit_layer(p, l, "Already exists", false);
			continue;
		}
		l->state = LAYER_DOWNLOADING;
		p->waiting++;
	}
	for (size_t i = 0; i <= p->m.n_entries; i++) {
		size_t idx = i == p->m.n_entries ? CONFIG_INDEX : i;
		struct pull_layer *l = layer_at(p, idx);

		if (l->state != LAYER_DOWNLOADING)
			continue;
		if (idx != CONFIG_INDEX)
			emit_layer(p, l, "Pulling fs layer", false);
		if (fetch_start(p, idx, &err) < 0) {
			pull_fail(p, &err);
			return;
		}
	}
	pull_next_blobs(p);
}

static int send_manifest(struct pull *p, const char *ref, struct pd_err *err);

/* An image manifest or an index in hand (verified, stored): go on. */
static void
pull_manifest_in(struct pull *p, const char *body, size_t len, const char *content_type)
{
	struct pd_err err = {0};
	const struct reg_descriptor *d;
	cleanup_free char *stored = NULL;
	size_t slen = 0;
	char what[PD_DIGEST_HEX_LEN + 16];

	reg_manifest_free(&p->m);
	if (reg_manifest_parse(body, len, content_type, &p->m, &err) < 0) {
		pull_fail(p, &err);
		return;
	}
	if (p->m.kind == REG_MANIFEST_IMAGE) {
		pull_blobs(p);
		return;
	}
	if (p->state == PULL_PLATFORM) {
		pd_fail(&err, PD_E_INVALID, "an index names another index");
		pull_fail(p, &err);
		return;
	}
	d = reg_manifest_choose(&p->m, &p->platform, &err);
	if (d == NULL) {
		pull_fail(p, &err);
		return;
	}
	p->state = PULL_PLATFORM;
	memcpy(p->manifest_digest, d->digest, sizeof(p->manifest_digest));
	/* Stored already: no request. */
	(void)snprintf(what, sizeof(what), "sha256/%s", pd_digest_hex(d->digest));
	if (blobs_have(p->d, d->digest) && reg_blobs_fd(p->d, &err) >= 0 &&
	    pd_file_read(reg_blobs_fd(p->d, &err), what, REG_MANIFEST_MAX_BYTES, &stored, &slen,
			 &err) == 0) {
		cleanup_free char *copy = steal_ptr(stored);

		pull_manifest_in(p, copy, slen, NULL);
		return;
	}
	if (send_manifest(p, p->manifest_digest, &err) < 0)
		pull_fail(p, &err);
}

static void
on_manifest(void *arg, const struct reg_reply *reply, const struct pd_err *xerr)
{
	struct pull *p = arg;
	char got[PD_DIGEST_MAX + 1];
	struct pd_err err = {0};
	const char *want;
	bool *written;

	p->x = NULL;
	if (xerr != NULL) {
		pull_fail(p, xerr);
		return;
	}
	if (reply->status != 200) {
		reg_reply_error(reply, "manifest", &err);
		if (reply->status == 404)
			pd_fail(&err, PD_E_NOT_FOUND, "manifest unknown: %s is not in the registry",
				p->state == PULL_MANIFEST ? p->name : p->manifest_digest);
		pull_fail(p, &err);
		return;
	}
	pd_digest_buf(reply->body ? reply->body : "", reply->body_len, got);
	want = p->state == PULL_MANIFEST ? p->ref.digest : p->manifest_digest;
	if (want[0] != '\0' && pd_digest_check(want, got, "manifest", &err) < 0) {
		pull_fail(p, &err);
		return;
	}
	if (p->state == PULL_MANIFEST) {
		/* As docker: said once the registry knows the image. */
		emit(p, json_pack("{s:s, s:s}", "status", "Pulling from", "id", p->repo_name));
		memcpy(p->top_digest, got, sizeof(p->top_digest));
		memcpy(p->manifest_digest, got, sizeof(p->manifest_digest));
	}
	written = &p->written_manifest[p->state == PULL_MANIFEST ? 0 : 1];
	if (blob_put(p->d, got, reply->body ? reply->body : "", reply->body_len, written, &err) <
	    0) {
		pull_fail(p, &err);
		return;
	}
	pull_manifest_in(p, reply->body ? reply->body : "", reply->body_len, reply->content_type);
}

static int
send_manifest(struct pull *p, const char *ref, struct pd_err *err)
{
	cleanup_free char *url = xasprintf("/v2/%s/manifests/%s", p->ref.path, ref);
	struct reg_request r = {
	    .method = "GET",
	    .url = url,
	    .accept = REG_MANIFEST_ACCEPT,
	    .body_fd = -1,
	    .max_body = REG_MANIFEST_MAX_BYTES,
	    .done = on_manifest,
	    .arg = p,
	};

	p->x = reg_send(p->s, &r, err);
	return p->x == NULL ? -1 : 0;
}

int
pull_start(struct podd *d, const struct pull_opts *o, pull_event_fn *event, pull_done_fn *done,
	   void *arg, struct pd_err *err)
{
	struct pull *p = xcalloc(1, sizeof(*p));
	struct pd_imgref repo;

	if (pd_imgref_parse(o->reference, &p->ref, err) < 0) {
		free(p);
		return -1;
	}
	if (registry_get(d, err) == NULL) {
		free(p);
		return -1;
	}
	pd_imgref_format(&p->ref, p->name, sizeof(p->name));
	repo = p->ref;
	repo.tag[0] = repo.digest[0] = '\0';
	pd_imgref_format(&repo, p->repo_name, sizeof(p->repo_name));
	p->d = d;
	p->platform = o->platform;
	p->event = event;
	p->done = done;
	p->arg = arg;
	p->s =
	    reg_session_new(d, p->ref.registry, p->ref.path, false, o->tls_verify, &o->creds, err);
	if (p->s == NULL) {
		free(p);
		return -1;
	}
	TAILQ_INSERT_TAIL(&d->registry->pulls, p, entry);
	if (send_manifest(p, p->ref.digest[0] ? p->ref.digest : p->ref.tag, err) < 0) {
		pull_free(p);
		return -1;
	}
	return 0;
}

void
pull_free_all(struct podd *d)
{
	struct pd_err err = {0};
	struct pull *p;
	struct blob_fetch *f;

	if (d->registry == NULL)
		return;
	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	/* Each pass unlinks the first element; the analyzer loses track of that
	 * through the TAILQ macros. */
	while ((p = TAILQ_FIRST(&d->registry->pulls)) != NULL) {
		pull_done_fn *done = p->done; /* NOLINT(clang-analyzer-unix.Malloc) */
		void *arg = p->arg;

		pull_free(p);
		done(arg, NULL, &err);
	}
	while ((f = TAILQ_FIRST(&d->registry->fetches)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		fetch_free(f, true);
}
