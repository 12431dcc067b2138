/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Images: directories of root file systems that containers start from.
 *
 *   <root>/images/<id>/image.json   {"id","name","created","source"}
 *   <root>/images/<id>/rootfs/      the tree
 *
 * An import copies a directory (cp -a) or unpacks a tarball (tar) into
 * <root>/images/.import-<id> as a task, then publishes it with one rename,
 * so a crash never leaves a half image under a real id. A removal renames
 * the image to .rm-<id> and deletes it as a task. Leftover .import-* and
 * .rm-* trees are deleted when podd starts.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include <jansson.h>

#include "err.h"
#include "name.h"
#include "timefmt.h"

struct podd;
struct http_pending;

struct image {
	TAILQ_ENTRY(image) entry;
	struct podd *d; /* borrowed */
	char id[PD_ID_LEN + 1];
	char name[PD_NAME_MAX + 1];
	char created[PD_TIME_RFC3339_MAX];
	char *source;                 /* owned: the path it was imported from */
	bool importing;               /* not usable until the import is done */
	struct http_pending *pending; /* owned while importing */
};

TAILQ_HEAD(image_list, image);

/* What an import request asks for, checked (pure; see image_request_parse). */
struct image_request {
	char name[PD_NAME_MAX + 1];
	char path[4096]; /* absolute */
};

/* Parse an import body {"name","path"}: a valid name and an absolute path. */
int image_request_parse(const json_t *body, struct image_request *req, struct pd_err *err);

/* Start importing @req; @pending (owned on success) is answered when done. */
int image_import(struct podd *d, const struct image_request *req, struct http_pending *pending,
		 struct pd_err *err);

/* Find a ready or importing image by name, id or unique id prefix. */
struct image *image_find(struct podd *d, const char *ref, struct pd_err *err);

/* Remove @img (not while it is being imported). Whether a container still
 * uses it is the caller's check (api_image.c): images know nothing of
 * containers. */
int image_remove(struct image *img, struct pd_err *err);

/* The API's JSON for @img (a new reference). */
json_t *image_to_json(const struct image *img);

/* Load the images at start, and delete what unfinished imports and removals
 * left behind. */
int image_load_all(struct podd *d, struct pd_err *err);

/* The store of issue 11 (contract.md): the registry and config branches
 * build against these. */

/* Commit an image whose blobs are all in the store: unpack the missing
 * layers (a podd-archive unpack task each; one unpack per layer however many
 * commits want it), write the record, then apply @names (full refs; a name
 * moves from another image to this one, as docker's tags do). @done runs
 * once, from the loop (never from within image_commit), with the image
 * (borrowed) or NULL and the error. Returns 0 (then @done will run) or -1. */
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

/* The path of blob @digest ("sha256:HEX", checked by the caller), a new
 * string, and whether the blob is present. */
char *blobs_path(struct podd *d, const char *digest);
bool blobs_have(struct podd *d, const char *digest);

/* Free every image at shutdown (pending imports are answered 503). */
void image_free_all(struct podd *d);
