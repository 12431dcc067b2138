/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's volume endpoints (dk.h), over podd's named volumes
 * (volume.c): the driver is "local", and podd has no driver options.
 */
#include <string.h>

#include "dk.h"
#include "filters.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "name.h"
#include "pod_spec.h"
#include "podd.h"
#include "volume.h"

json_t *
dk_volume_json(const json_t *v)
{
	return json_pack("{s:O, s:s, s:O, s:O, s:O, s:s, s:n}", "Name",
			 json_object_get(v, PD_F_NAME), "Driver", PD_VOLUME_DRIVER, "Mountpoint",
			 json_object_get(v, PD_F_MOUNTPOINT), "CreatedAt",
			 json_object_get(v, PD_F_CREATED), "Labels",
			 json_object_get(v, PD_F_LABELS), "Scope", "local", "Options");
}

/* Whether the volume @v passes @filters (name, label, dangling, driver). */
static bool
wanted(const json_t *filters, const json_t *v)
{
	const char *name = json_string_value(json_object_get(v, PD_F_NAME));
	const json_t *list = json_object_get(filters, "name"), *x;
	int dangling = pd_filter_bool(filters, "dangling");
	bool hit = json_array_size(list) == 0;
	size_t i;

	json_array_foreach (list, i, x)
		hit |= strstr(name, json_string_value(x)) != NULL;
	if (!hit || !pd_filter_any(filters, "driver", PD_VOLUME_DRIVER) ||
	    !pd_filter_labels(json_object_get(v, PD_F_LABELS), json_object_get(filters, "label")))
		return false;
	return dangling < 0 ||
	       (dangling == 1) == (json_array_size(json_object_get(v, PD_F_CONTAINERS)) == 0);
}

/* Every volume's JSON (a new reference) and, in *@filters, those of @r,
 * checked against @known; NULL after answering. */
static json_t *
volumes_of(struct dk_req *r, const char *const *known, json_t **filters)
{
	struct pd_err err = {0};
	json_t *all;

	*filters = dk_query_filters(r);
	if (*filters == NULL)
		return NULL;
	if (dk_filters_check(r, *filters, known) < 0)
		return NULL;
	all = volume_list_json(dk_podd(r), &err);
	if (all == NULL)
		dk_reply_err(r, &err);
	return all;
}

static void
list(struct dk_req *r)
{
	static const char *const known[] = {"name", "label", "dangling", "driver", NULL};
	cleanup_json json_t *filters = NULL, *out = NULL, *j = NULL;
	cleanup_json json_t *all = volumes_of(r, known, &filters);
	const json_t *v;
	size_t i;

	if (all == NULL)
		return;
	out = json_array();
	json_array_foreach (all, i, v)
		if (wanted(filters, v))
			json_array_append_new(out, dk_volume_json(v));
	j = json_pack("{s:O, s:[]}", "Volumes", out, "Warnings");
	dk_reply_json(r, 200, j);
}

/* The volume @name's JSON, or NULL after answering (404 the Engine's way). */
static json_t *
get(struct dk_req *r, const char *name)
{
	struct pd_err err = {0};
	json_t *v = volume_get_json(dk_podd(r), name, &err);

	if (v == NULL && err.kind == PD_E_NOT_FOUND)
		dk_reply_error(r, 404, "get %s: no such volume", name);
	else if (v == NULL)
		dk_reply_err(r, &err);
	return v;
}

static void
create(struct dk_req *r)
{
	static const char *const keys[] = {
	    "Name", "Driver", "DriverOpts", "Labels", "ClusterVolumeSpec", NULL};
	struct pd_err err = {0};
	cleanup_json json_t *body = dk_body_json(r, false, &err), *v = NULL, *j = NULL;
	const char *name = NULL, *driver = NULL;
	const json_t *labels;
	char id[PD_ID_LEN + 1];
	bool made;

	if (body == NULL || pd_json_check_keys(body, "volume", keys, &err) < 0 ||
	    pd_json_get_string(body, "Name", &name, &err) < 0 ||
	    pd_json_get_string(body, "Driver", &driver, &err) < 0)
		goto fail;
	if (driver != NULL && driver[0] != '\0' && strcmp(driver, PD_VOLUME_DRIVER) != 0) {
		dk_reply_error(r, 400, "volume driver %.64s is not supported: podd's is \"local\"",
			       driver);
		return;
	}
	if (json_object_size(json_object_get(body, "DriverOpts")) > 0) {
		dk_reply_error(r, 400,
			       "DriverOpts are not supported: podd's volumes are "
			       "directories of its own, with no options");
		return;
	}
	if (json_object_get(body, "ClusterVolumeSpec") != NULL &&
	    !json_is_null(json_object_get(body, "ClusterVolumeSpec"))) {
		dk_reply_error(r, 400, "ClusterVolumeSpec is swarm's: not supported");
		return;
	}
	labels = json_object_get(body, "Labels");
	if (json_is_null(labels))
		labels = NULL;
	if (labels != NULL && pod_labels_check(labels, &err) < 0)
		goto fail;
	/* No name: a new id, as docker names such a volume. */
	if (name == NULL || name[0] == '\0') {
		if (pd_id_generate(id, &err) < 0)
			goto fail;
		name = id;
	}
	if (volume_ensure(dk_podd(r), name, false, labels, &made, &err) < 0)
		goto fail;
	v = get(r, name);
	if (v == NULL)
		return;
	/* An existing volume is answered as it is, as the Engine does. */
	j = dk_volume_json(v);
	dk_reply_json(r, 201, j);
	return;
fail:
	dk_reply_err(r, &err);
}

static void
inspect(struct dk_req *r)
{
	cleanup_json json_t *v = get(r, dk_arg(r, 0)), *j = NULL;

	if (v == NULL)
		return;
	j = dk_volume_json(v);
	dk_reply_json(r, 200, j);
}

static void
remove_volume(struct dk_req *r)
{
	const char *name = dk_arg(r, 0);
	bool force = dk_query_bool(r, "force", false);
	cleanup_json json_t *v = NULL;
	struct pd_err err = {0};

	if (volume_remove(dk_podd(r), name, &err) == 0) {
		dk_reply_empty(r, 204);
		return;
	}
	if (err.kind == PD_E_NOT_FOUND) {
		if (force)
			dk_reply_empty(r, 204);
		else
			dk_reply_error(r, 404, "get %s: no such volume", name);
		return;
	}
	if (err.kind == PD_E_CONFLICT) {
		/* force does not take a volume from its container (volume.h) */
		v = volume_get_json(dk_podd(r), name, &(struct pd_err){0});
		cleanup_free char *users =
		    json_dumps(json_object_get(v, PD_F_CONTAINERS), JSON_COMPACT);

		dk_reply_error(r, 409, "remove %s: volume is in use - %s", name,
			       users != NULL ? users : "[]");
		return;
	}
	dk_reply_err(r, &err);
}

/* API 1.41's prune: every volume no container uses (the label filters
 * choosing among them). */
static void
prune(struct dk_req *r)
{
	static const char *const known[] = {"label", NULL};
	cleanup_json json_t *filters = NULL, *gone = NULL, *j = NULL;
	cleanup_json json_t *all = volumes_of(r, known, &filters);
	const json_t *v;
	size_t i;

	if (all == NULL)
		return;
	gone = json_array();
	json_array_foreach (all, i, v) {
		const char *name = json_string_value(json_object_get(v, PD_F_NAME));
		struct pd_err e = {0};

		if (json_array_size(json_object_get(v, PD_F_CONTAINERS)) > 0 ||
		    !pd_filter_labels(json_object_get(v, PD_F_LABELS),
				      json_object_get(filters, "label")))
			continue;
		if (volume_remove(dk_podd(r), name, &e) == 0)
			json_array_append_new(gone, json_string(name));
	}
	j = json_pack("{s:O, s:i}", "VolumesDeleted", gone, "SpaceReclaimed", 0);
	dk_reply_json(r, 200, j);
}

static const struct dk_route routes[] = {
    {"GET", "/volumes", list, 0},
    {"POST", "/volumes/create", create, 0},
    {"POST", "/volumes/prune", prune, 0},
    {"GET", "/volumes/*", inspect, 0},
    {"DELETE", "/volumes/*", remove_volume, 0},
};

DK_ROUTES(dk_volume_routes, routes);
