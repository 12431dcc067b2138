/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image endpoints: parse and check, call the store (image.c,
 * image_io.c), reply. Loads, saves and imports reply when their task is
 * done; the rest at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "image.h"
#include "image_io.h"
#include "image_request.h"
#include "json.h"
#include "podd.h"

static const char *const no_params[] = {NULL};

/* The body of a request that takes no query, or NULL once answered. */
static json_t *
body_of(struct evhttp_request *req)
{
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, no_params, &err);
	json_t *body = NULL;

	if (q != NULL) {
		http_query_free(q);
		body = http_body_json(req, &err);
	}
	if (body == NULL)
		http_reply_error(req, &err);
	return body;
}

void
api_image_list(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *list = json_array();
	struct image *img;

	(void)arg;
	TAILQ_FOREACH (img, &d->images, entry)
		json_array_append_new(list, image_to_json(img));
	http_reply_json(req, 200, list);
}

void
api_image_import(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *body = body_of(req);
	cleanup_close int fd = -1;
	struct image_import_req ireq;
	struct http_pending *p;
	struct pd_err err = {0};

	(void)arg;
	if (body == NULL)
		return;
	if (image_import_req_parse(body, &ireq, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	if (ireq.fd >= 0)
		fd = http_take_client_fd(req, ireq.fd, &err);
	else /* O_NONBLOCK: a FIFO must not hold the loop until a writer comes */
		fd = open(ireq.path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0 && ireq.fd < 0 && fcntl(fd, F_SETFL, 0) < 0)
		close_reset(&fd);
	if (fd < 0 && ireq.fd < 0)
		pd_fail(&err, errno == ENOENT ? PD_E_NOT_FOUND : PD_E_INVALID, "%s: %s", ireq.path,
			strerror(errno));
	if (fd < 0) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (image_io_import(d, ireq.name, fd, ireq.fd >= 0 ? "the source" : ireq.path, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_image_load(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *body = body_of(req);
	cleanup_close int fd = -1;
	struct http_pending *p;
	struct pd_err err = {0};
	long long remote;

	(void)arg;
	if (body == NULL)
		return;
	if (image_load_req_parse(body, &remote, &err) < 0 ||
	    (fd = http_take_client_fd(req, remote, &err)) < 0) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (image_io_load(d, fd, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_image_save(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *body = body_of(req);
	cleanup_close int fd = -1;
	struct image_save_req sreq;
	struct http_pending *p;
	struct pd_err err = {0};

	(void)arg;
	if (body == NULL)
		return;
	if (image_save_req_parse(body, &sreq, &err) < 0 ||
	    (fd = http_take_client_fd(req, sreq.fd, &err)) < 0) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (image_io_save(d, fd, sreq.refs, sreq.n_refs, sreq.format, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

void
api_image_get(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct image *img = image_find(d, arg, &err);
	cleanup_json json_t *j = NULL;

	if (img == NULL) {
		http_reply_error(req, &err);
		return;
	}
	j = image_to_json(img);
	http_reply_json(req, 200, j);
}

void
api_image_history(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct image *img = image_find(d, arg, &err);
	cleanup_json json_t *j = NULL;

	if (img == NULL) {
		http_reply_error(req, &err);
		return;
	}
	j = image_history_json(img);
	http_reply_json(req, 200, j);
}

void
api_image_tag(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *body = body_of(req);
	cleanup_json json_t *j = NULL;
	char name[PD_IMGREF_MAX];
	struct pd_err err = {0};
	struct image *img;

	if (body == NULL)
		return;
	img = image_find(d, arg, &err);
	if (img == NULL || image_tag_req_parse(body, name, &err) < 0 ||
	    image_tag(img, name, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	j = image_to_json(img);
	http_reply_json(req, 200, j);
}

/* The full name @ref gives when it names @img by a tag, into @full. */
static bool
named_by(const struct image *img, const char *ref, char *full, size_t len)
{
	struct pd_imgref r;
	struct pd_err ignored = {0};
	size_t i;
	const json_t *v;

	if (pd_imgref_parse(ref, &r, &ignored) < 0 || r.digest[0] != '\0')
		return false;
	pd_imgref_format(&r, full, len);
	json_array_foreach (img->names, i, v)
		if (strcmp(json_string_value(v), full) == 0)
			return true;
	return false;
}

json_t *
image_remove_ref(struct podd *d, const char *ref, bool force, struct pd_err *err)
{
	struct image *img = image_find(d, ref, err);
	cleanup_json json_t *j = NULL;
	char full[PD_IMGREF_MAX];
	bool by_name, used;

	if (img == NULL)
		return NULL;
	by_name = named_by(img, ref, full, sizeof(full));
	used = container_uses_image(d, img->id);
	j = json_pack("{s:[], s:[]}", PD_F_UNTAGGED, PD_F_DELETED);
	/* As docker: a name of several is untagged; the image goes with its
	 * last name, or by id (forced when it has several names). */
	if (by_name && (json_array_size(img->names) > 1 || (used && force))) {
		if (image_untag(img, full, err) < 0)
			return NULL;
		json_array_append_new(json_object_get(j, PD_F_UNTAGGED), json_string(full));
		return json_incref(j);
	}
	if (used) {
		pd_fail(err, PD_E_CONFLICT,
			"image %.12s is used by a container: remove the container first", img->id);
		return NULL;
	}
	if (!by_name && json_array_size(img->names) > 1 && !force) {
		pd_fail(err, PD_E_CONFLICT,
			"image %.12s has %zu names: remove them one by one, or force (-f)", img->id,
			json_array_size(img->names));
		return NULL;
	}
	json_array_extend(json_object_get(j, PD_F_UNTAGGED), img->names);
	json_array_append_new(json_object_get(j, PD_F_DELETED), json_string(img->id));
	if (image_remove(img, err) < 0)
		return NULL;
	return json_incref(j);
}

void
api_image_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	cleanup_json json_t *j = NULL;
	bool force;

	if (http_bool_query(req, PD_Q_FORCE, &force) < 0)
		return;
	j = image_remove_ref(d, arg, force, &err);
	if (j == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_reply_json(req, 200, j);
}

void
api_image_prune(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *deleted = json_array();
	cleanup_json json_t *j = NULL;
	struct image *img, *next;
	long long reclaimed = 0;
	bool all;

	(void)arg;
	if (http_bool_query(req, PD_Q_ALL, &all) < 0)
		return;
	for (img = TAILQ_FIRST(&d->images); img != NULL; img = next) {
		struct pd_err err = {0};
		char id[PD_DIGEST_HEX_LEN + 1];
		long long size = img->size;

		next = TAILQ_NEXT(img, entry);
		if ((!all && json_array_size(img->names) > 0) || img->busy > 0 ||
		    container_uses_image(d, img->id))
			continue;
		memcpy(id, img->id, sizeof(id));
		if (image_remove(img, &err) < 0)
			continue;
		json_array_append_new(deleted, json_string(id));
		reclaimed += size;
	}
	j = json_pack("{s:O, s:I}", PD_F_DELETED, deleted, PD_F_RECLAIMED, (json_int_t)reclaimed);
	http_reply_json(req, 200, j);
}
