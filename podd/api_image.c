/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image endpoints: parse and check, call the store in image.c, reply
 * (an import replies when its copy is done).
 */
#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "podd.h"

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
	cleanup_json json_t *body = NULL;
	struct image_request ireq;
	struct http_pending *p;
	struct pd_err err = {0};

	(void)arg;
	body = http_body_json(req, &err);
	if (body == NULL || image_request_parse(body, &ireq, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (image_import(d, &ireq, p, &err) < 0)
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
api_image_remove(struct podd *d, struct evhttp_request *req, const char *arg)
{
	struct pd_err err = {0};
	struct image *img = image_find(d, arg, &err);
	cleanup_json json_t *j = NULL;

	if (img == NULL || http_body_empty(req, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	j = json_pack("{s:s, s:s}", PD_F_ID, img->id, PD_F_NAME, img->name);
	if (!img->importing && container_uses_image(d, img->id))
		pd_fail(&err, PD_E_CONFLICT,
			"image \"%s\" is used by a container: remove the container first",
			img->name);
	if (err.kind != 0 || image_remove(img, &err) < 0) {
		http_reply_error(req, &err);
		return;
	}
	http_reply_json(req, 200, j);
}
