/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Images: OCI images in a content-addressed store shared between them.
 *
 *   <root>/blobs/sha256/<hex>        every blob (blobs.h)
 *   <root>/layers/<diff_id hex>/     every unpacked layer, once (layers.h)
 *   <root>/images/<id>/image.json    one record per image; <id> is the hex
 *                                    of its config digest, as docker's
 *
 * A record names the image's manifest and config digests, its layers
 * (digest, diff_id, media type, size, unpacked size), its names (full
 * references, "docker.io/library/busybox:latest"), its repo digests, when
 * it was created (from the config) and its size. The config JSON itself is
 * read from its blob when podd starts. A name belongs to one image at a
 * time: naming another image with it moves it, and an image left without a
 * name is dangling ("<none>"), as docker's are.
 *
 * Images come in through image_commit (pull, load, import), once their
 * blobs are in the store. A removal deletes only the blobs and layers that
 * no other image (and no commit in progress) uses. Whether a container uses
 * an image is the caller's check: images know nothing of containers.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include <jansson.h>

#include "blobs.h"
#include "err.h"
#include "image_manifest.h"
#include "imgref.h"
#include "layers.h"

struct podd;
struct http_pending;

struct image {
	TAILQ_ENTRY(image) entry;
	struct podd *d; /* borrowed */
	char id[PD_DIGEST_HEX_LEN + 1];
	char manifest[PD_DIGEST_MAX + 1];
	char created[IMAGE_CREATED_MAX]; /* from the config, "" when it has none */
	json_t *names;                   /* owned: array of full references */
	json_t *digests;                 /* owned: array of "REPO@sha256:HEX" */
	struct image_manifest *m;        /* owned: config digest, layers bottom first */
	json_t *config;                  /* owned: the config blob */
	long long size;                  /* bytes of its layers unpacked */
	unsigned busy;                   /* saves reading its blobs: not removable */
};

TAILQ_HEAD(image_list, image);
struct image_commit;
TAILQ_HEAD(image_commit_list, image_commit);
struct image_op;
TAILQ_HEAD(image_op_list, image_op);

/* Commit an image whose blobs are all in the store: unpack the missing
 * layers (a podd-archive unpack task each; one unpack per layer however many
 * commits want it), write the record, then apply @names (full refs; a name
 * moves from another image to this one, as docker's tags do). @repo_digest
 * ("REPO@sha256:...") or NULL is added to its digests. An image already in
 * the store (same config) gains the names. @done runs once, from the loop
 * (never from within image_commit), with the image (borrowed) or NULL and
 * the error; at shutdown with PD_E_UNAVAILABLE. Returns 0 (@done will run)
 * or -1 (it will not). */
typedef void image_commit_fn(void *arg, struct image *img, const struct pd_err *err);
int image_commit(struct podd *d, const char *manifest_digest, const char *const *names,
		 const char *repo_digest, image_commit_fn *done, void *arg, struct pd_err *err);

/* The image config's "config" object (Entrypoint, Cmd, Env, WorkingDir,
 * User, ExposedPorts, Labels, StopSignal, Volumes, Healthcheck), borrowed;
 * an empty object when the image has none. */
const json_t *image_config(const struct image *img);

/* The layer dirs, top first (for the shim's lowers), a new array of
 * strings. */
json_t *image_lowers(const struct image *img);

/* Find by reference (any form pd_imgref_parse reads: "busybox" finds
 * docker.io/library/busybox:latest; "busybox@sha256:..." a repo digest), by
 * id or unique id prefix (3 hex digits at least), or by "sha256:<id>".
 * PD_E_NOT_FOUND "no such image: REF", PD_E_INVALID for an ambiguous prefix. */
struct image *image_find(struct podd *d, const char *ref, struct pd_err *err);

/* The name by which @ref found @img: its full reference when @ref names it,
 * else its first name, else "sha256:<id>" — into @buf (PD_IMGREF_MAX). */
void image_display_name(const struct image *img, const char *ref, char *buf, size_t len);

/* Give @img the name @ref (normalised; a tag, no digest), taking it from
 * the image that had it. Returns 0 or -1 (PD_E_INVALID for a bad ref). */
int image_tag(struct image *img, const char *ref, struct pd_err *err);

/* Remove the name @name (full, as in img->names) from @img; the image stays
 * (dangling when it was its last). Returns 0 or -1. */
int image_untag(struct image *img, const char *name, struct pd_err *err);

/* Remove @img and the blobs and layers only it used; @img is freed.
 * PD_E_CONFLICT while a save reads it. Returns 0 or -1. */
int image_remove(struct image *img, struct pd_err *err);

/* Remove what @ref names as both APIs do (api_image.c): a name of several
 * is untagged; the image goes with its last name, or by id (@force when it
 * has several names); PD_E_CONFLICT while a container uses it (unless
 * @force and by a name: then only the name goes). Returns
 * {"untagged": [NAME...], "deleted": [ID...]} (a new reference) or NULL. */
json_t *image_remove_ref(struct podd *d, const char *ref, bool force, struct pd_err *err);

/* The API's JSON for @img (a new reference); @history: its config's
 * history as `image history` shows it, newest first, instead. */
json_t *image_to_json(const struct image *img);
json_t *image_history_json(const struct image *img);

/* Load the store at start: blobs/tmp emptied, unfinished unpacks and
 * removals deleted, every record read (a record it cannot read, or an image
 * directory of the old format, is logged and ignored), then the layers and
 * blobs no image uses deleted (a commit cut short by a stop or a crash). */
int image_load_all(struct podd *d, struct pd_err *err);

/* Free every image, commit and operation at shutdown (their callbacks and
 * pending replies are told PD_E_UNAVAILABLE). */
void image_free_all(struct podd *d);
