/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Committing an image whose blobs are in the store (image.h): read its
 * manifest and config, have every missing layer unpacked (layers.c shares
 * an unpack between commits), then write the record and move the names.
 * A commit that fails deletes what it alone brought: blobs and layers no
 * image and no other commit uses.
 */
#include "image_int.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

struct commit_slot {
	struct image_commit *c; /* borrowed */
	size_t layer;
};

struct image_commit {
	TAILQ_ENTRY(image_commit) entry;
	struct podd *d; /* borrowed */
	char manifest[PD_DIGEST_MAX + 1];
	char created[IMAGE_CREATED_MAX];
	struct image_manifest *m;  /* owned */
	json_t *config;            /* owned */
	json_t *names;             /* owned: full references */
	char *repo_digest;         /* owned, may be NULL */
	struct commit_slot *slots; /* owned: one per layer */
	size_t waiting;            /* unpacks that have not reported */
	struct event *later;       /* owned: ends a commit that waits for nothing */
	struct pd_err err;         /* the first failure */
	image_commit_fn *done;
	void *arg; /* borrowed */
};

static void
commit_free(struct image_commit *c)
{
	if (c->later != NULL)
		event_free(c->later);
	json_decref(c->config);
	json_decref(c->names);
	free(c->m);
	free(c->slots);
	free(c->repo_digest);
	free(c);
}

bool
image_commits_use(struct podd *d, const char *digest, bool layer)
{
	const struct image_commit *c;

	TAILQ_FOREACH (c, &d->commits, entry) {
		if (!layer &&
		    (strcmp(c->manifest, digest) == 0 || strcmp(c->m->config, digest) == 0))
			return true;
		for (size_t i = 0; i < c->m->n_layers; i++)
			if (strcmp(layer ? c->m->layers[i].diff_id : c->m->layers[i].digest,
				   digest) == 0)
				return true;
	}
	return false;
}

static bool
contains_string(const json_t *a, const char *s)
{
	size_t i;
	const json_t *v;

	json_array_foreach (a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static void
add_digest(struct image *img, const char *repo_digest)
{
	size_t i;
	const json_t *v;

	if (repo_digest == NULL)
		return;
	json_array_foreach (img->digests, i, v)
		if (strcmp(json_string_value(v), repo_digest) == 0)
			return;
	json_array_append_new(img->digests, json_string(repo_digest));
}

/* Every layer is there: make or update the image. */
static struct image *
commit_publish(struct image_commit *c, struct pd_err *err)
{
	struct podd *d = c->d;
	const char *id = c->m->config + strlen("sha256:");
	struct image *img;
	bool fresh = false;
	size_t i;
	const json_t *v;

	TAILQ_FOREACH (img, &d->images, entry)
		if (strcmp(img->id, id) == 0)
			break;
	if (img == NULL) {
		fresh = true;
		img = image_alloc(d);
		memcpy(img->id, id, strlen(id) + 1);
		memcpy(img->manifest, c->manifest, sizeof(img->manifest));
		memcpy(img->created, c->created, sizeof(img->created));
		*img->m = *c->m;
		image_set_config(img, steal_ptr(c->config));
		for (i = 0; i < img->m->n_layers; i++)
			img->size += img->m->layers[i].unpacked;
	}
	add_digest(img, c->repo_digest);
	json_array_foreach (c->names, i, v) {
		image_take_name(d, json_string_value(v), img);
		if (!contains_string(img->names, json_string_value(v)))
			json_array_append(img->names, (json_t *)v);
	}
	if (image_record_save(img, err) < 0) {
		if (fresh)
			image_free(img);
		return NULL;
	}
	if (fresh)
		TAILQ_INSERT_TAIL(&d->images, img, entry);
	else /* the same config came another way (a docker-archive's manifest,
	      * a registry's): what of it the image does not use goes */
		image_gc(d, c->manifest, c->m, NULL);
	log_info("image %.12s: committed (%zu layers, %zu names)", img->id, img->m->n_layers,
		 json_array_size(c->names));
	return img;
}

static void
commit_end(struct image_commit *c)
{
	struct podd *d = c->d;
	struct image *img = NULL;

	TAILQ_REMOVE(&d->commits, c, entry);
	if (c->err.kind == 0)
		img = commit_publish(c, &c->err);
	if (img == NULL) {
		log_info("commit of %s failed: %s", c->manifest, c->err.msg);
		image_gc(d, c->manifest, c->m, NULL);
	}
	c->done(c->arg, img, img != NULL ? NULL : &c->err);
	commit_free(c);
}

static void
on_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	commit_end(arg);
}

static void
on_layer(void *arg, long long unpacked, const struct pd_err *err)
{
	struct commit_slot *s = arg;
	struct image_commit *c = s->c;

	if (err != NULL && c->err.kind == 0)
		c->err = *err;
	c->m->layers[s->layer].unpacked = unpacked;
	if (--c->waiting == 0)
		commit_end(c);
}

/* The names as full references, each a tag. */
static json_t *
names_parse(const char *const *names, struct pd_err *err)
{
	cleanup_json json_t *out = json_array();

	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		struct pd_imgref r;
		char full[PD_IMGREF_MAX];

		if (pd_imgref_parse(names[i], &r, err) < 0)
			return NULL;
		if (r.digest[0] != '\0') {
			pd_fail(err, PD_E_INVALID, "\"%.200s\": a name takes a tag, not a digest",
				names[i]);
			return NULL;
		}
		pd_imgref_format(&r, full, sizeof(full));
		if (!contains_string(out, full))
			json_array_append_new(out, json_string(full));
	}
	return steal_ptr(out);
}

/* Read the manifest and config blobs into @c. */
static int
commit_read(struct image_commit *c, struct pd_err *err)
{
	cleanup_json json_t *manifest = blobs_read_json(c->d, c->manifest, err);

	if (manifest == NULL || image_manifest_parse(manifest, c->m, err) < 0)
		return pd_err_prefix(err, "image %s", c->manifest);
	c->config = blobs_read_json(c->d, c->m->config, err);
	if (c->config == NULL || image_config_parse(c->config, c->m, c->created, err) < 0)
		return pd_err_prefix(err, "image %s", c->manifest);
	for (size_t i = 0; i < c->m->n_layers; i++)
		if (!blobs_have(c->d, c->m->layers[i].digest) &&
		    !layers_have(c->d, c->m->layers[i].diff_id))
			return pd_fail(err, PD_E_NOT_FOUND,
				       "image %s: layer %s is not in the store", c->manifest,
				       c->m->layers[i].digest);
	return 0;
}

int
image_commit(struct podd *d, const char *manifest_digest, const char *const *names,
	     const char *repo_digest, image_commit_fn *done, void *arg, struct pd_err *err)
{
	static const struct timeval now = {0, 0};
	struct image_commit *c;

	if (!pd_digest_valid(manifest_digest))
		return pd_fail(err, PD_E_INVALID, "\"%.80s\" is not a sha256 digest",
			       manifest_digest);
	c = xcalloc(1, sizeof(*c));
	c->d = d;
	c->done = done;
	c->arg = arg;
	memcpy(c->manifest, manifest_digest, strlen(manifest_digest) + 1);
	c->m = xcalloc(1, sizeof(*c->m));
	c->repo_digest = repo_digest != NULL ? xstrdup(repo_digest) : NULL;
	c->names = names_parse(names, err);
	if (c->names == NULL || commit_read(c, err) < 0) {
		commit_free(c);
		return -1;
	}
	c->slots = xcalloc(c->m->n_layers + 1, sizeof(*c->slots));
	/* Counted as waiting on itself until every unpack is asked for, so
	 * that no report ends it early. */
	c->waiting = 1;
	for (size_t i = 0; i < c->m->n_layers; i++) {
		struct image_layer *l = &c->m->layers[i];
		long long known = image_layer_unpacked(d, l->diff_id);

		if (known >= 0 && layers_have(d, l->diff_id)) {
			l->unpacked = known;
			continue;
		}
		c->slots[i] = (struct commit_slot){.c = c, .layer = i};
		if (layers_unpack(d, l->digest, l->diff_id, on_layer, &c->slots[i], &c->err) < 0)
			break;
		c->waiting++;
	}
	TAILQ_INSERT_TAIL(&d->commits, c, entry);
	/* The rest ends from the loop: the last unpack, or this timer. */
	c->later = evtimer_new(d->base, on_later, c);
	if (c->later == NULL)
		abort();
	if (--c->waiting == 0)
		evtimer_add(c->later, &now);
	return 0;
}

void
image_commits_free_all(struct podd *d)
{
	struct image_commit *c;
	struct pd_err err = {0};

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	while ((c = TAILQ_FIRST(&d->commits)) != NULL) {
		TAILQ_REMOVE(&d->commits, c, entry);
		c->done(c->arg, NULL, &err);
		commit_free(c);
	}
}
