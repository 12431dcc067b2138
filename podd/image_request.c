/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image request bodies; see image_request.h.
 */
#include "image_request.h"

#include <limits.h>
#include <string.h>

#include "json.h"

/* A reference that can be a name: parsed, with no digest. */
static int
check_name(const char *s, struct pd_err *err)
{
	struct pd_imgref r;

	if (pd_imgref_parse(s, &r, err) < 0)
		return -1;
	if (r.digest[0] != '\0')
		return pd_fail(err, PD_E_INVALID, "\"%.200s\": a name takes a tag, not a digest",
			       s);
	return 0;
}

static int
get_fd(const json_t *body, long long *fd, bool required, struct pd_err *err)
{
	*fd = -1;
	if (pd_json_get_int(body, PD_F_FD, 0, INT_MAX, fd, err) < 0)
		return -1;
	if (required && *fd < 0)
		return pd_fail(err, PD_E_INVALID, "field \"fd\" is required");
	return 0;
}

int
image_import_req_parse(const json_t *body, struct image_import_req *r, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME, PD_F_PATH, PD_F_FD, NULL};
	const char *name = NULL, *path = NULL;

	memset(r, 0, sizeof(*r));
	if (pd_json_check_keys(body, "image", allowed, err) < 0 ||
	    pd_json_get_string(body, PD_F_NAME, &name, err) < 0 ||
	    pd_json_get_string(body, PD_F_PATH, &path, err) < 0 ||
	    get_fd(body, &r->fd, false, err) < 0)
		return -1;
	if (name == NULL || (path == NULL) == (r->fd < 0))
		return pd_fail(err, PD_E_INVALID,
			       "fields \"name\" and one of \"path\" and \"fd\" are required");
	if (strlen(name) >= sizeof(r->name) || check_name(name, err) < 0)
		return pd_err_prefix(err, "image name");
	memcpy(r->name, name, strlen(name) + 1);
	if (path != NULL) {
		if (path[0] != '/')
			return pd_fail(err, PD_E_INVALID, "path \"%.200s\" is not absolute", path);
		if (strlen(path) >= sizeof(r->path))
			return pd_fail(err, PD_E_INVALID, "path is too long");
		memcpy(r->path, path, strlen(path) + 1);
	}
	return 0;
}

int
image_load_req_parse(const json_t *body, long long *fd, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_FD, NULL};

	if (pd_json_check_keys(body, "load", allowed, err) < 0)
		return -1;
	return get_fd(body, fd, true, err);
}

int
image_save_req_parse(const json_t *body, struct image_save_req *r, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_FD, PD_F_NAMES, PD_F_FORMAT, NULL};
	const json_t *names = json_object_get(body, PD_F_NAMES), *v;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->format = PD_IMAGE_FORMAT_DOCKER;
	if (pd_json_check_keys(body, "save", allowed, err) < 0 ||
	    get_fd(body, &r->fd, true, err) < 0 ||
	    pd_json_get_string(body, PD_F_FORMAT, &r->format, err) < 0)
		return -1;
	if (strcmp(r->format, PD_IMAGE_FORMAT_DOCKER) != 0 &&
	    strcmp(r->format, PD_IMAGE_FORMAT_OCI) != 0)
		return pd_fail(err, PD_E_INVALID,
			       "format \"%.40s\" is not " PD_IMAGE_FORMAT_DOCKER
			       " or " PD_IMAGE_FORMAT_OCI,
			       r->format);
	if (!json_is_array(names) || json_array_size(names) == 0)
		return pd_fail(err, PD_E_INVALID, "field \"names\" must be a non-empty array");
	if (json_array_size(names) > PD_IMAGE_SAVE_MAX)
		return pd_fail(err, PD_E_TOO_LARGE, "more than %d images in one save",
			       PD_IMAGE_SAVE_MAX);
	json_array_foreach (names, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL || s[0] == '\0' || strlen(s) >= PD_IMGREF_MAX)
			return pd_fail(err, PD_E_INVALID, "\"names\" must hold image references");
		r->refs[r->n_refs++] = s;
	}
	return 0;
}

int
image_tag_req_parse(const json_t *body, char *name, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME, NULL};
	const char *s = NULL;

	if (pd_json_check_keys(body, "tag", allowed, err) < 0 ||
	    pd_json_get_string(body, PD_F_NAME, &s, err) < 0)
		return -1;
	if (s == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"name\" is required");
	if (strlen(s) >= PD_IMGREF_MAX || check_name(s, err) < 0)
		return -1;
	memcpy(name, s, strlen(s) + 1);
	return 0;
}
