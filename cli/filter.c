/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --filter keys of each list (filter.h), their values checked once when
 * parsed, and the matching of one object. Every key reads fields the /v1
 * lists already return; nothing here asks podd.
 */
#include "filter.h"

#include <fnmatch.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cleanup.h"
#include "filters.h"
#include "imgref.h"
#include "name.h"
#include "parse.h"
#include "timefmt.h"
#include "xalloc.h"

/* What a key's values may be. */
enum value_kind { V_ANY, V_BOOL, V_INT, V_CTR_STATUS, V_POD_STATUS, V_HEALTH, V_NET_TYPE };

struct key {
	const char *name;
	enum value_kind kind;
};

static const struct key ctr_keys[] = {
    {"id", V_ANY},        {"name", V_ANY},     {"label", V_ANY},  {"status", V_CTR_STATUS},
    {"pod", V_ANY},       {"ancestor", V_ANY}, {"exited", V_INT}, {"network", V_ANY},
    {"health", V_HEALTH}, {NULL, V_ANY},
};
static const struct key pod_keys[] = {
    {"id", V_ANY}, {"name", V_ANY}, {"label", V_ANY}, {"status", V_POD_STATUS}, {NULL, V_ANY},
};
static const struct key image_keys[] = {
    {"reference", V_ANY}, {"label", V_ANY}, {"dangling", V_BOOL},
    {"before", V_ANY},    {"since", V_ANY}, {NULL, V_ANY},
};
static const struct key network_keys[] = {
    {"name", V_ANY},      {"id", V_ANY},        {"label", V_ANY}, {"driver", V_ANY},
    {"dangling", V_BOOL}, {"type", V_NET_TYPE}, {NULL, V_ANY},
};
static const struct key volume_keys[] = {
    {"name", V_ANY}, {"label", V_ANY}, {"dangling", V_BOOL}, {"driver", V_ANY}, {NULL, V_ANY},
};

static const struct key *const keys_of[] = {
    [FILTER_CONTAINERS] = ctr_keys,   [FILTER_PODS] = pod_keys,       [FILTER_IMAGES] = image_keys,
    [FILTER_NETWORKS] = network_keys, [FILTER_VOLUMES] = volume_keys,
};

/* docker's container states (restarting, removing and dead never show in
 * podd, but are not errors), podd's pod states, a health status. */
static const char *const ctr_states[] = {"created", "restarting", "running", "removing",
					 "paused",  "exited",     "dead",    NULL};
static const char *const pod_states[] = {PD_STATE_CREATING, PD_STATE_RUNNING, PD_STATE_STOPPING,
					 PD_STATE_STOPPED,  PD_STATE_EXITED,  NULL};
static const char *const healths[] = {"starting", "healthy", "unhealthy", "none", NULL};
static const char *const net_types[] = {"custom", "builtin", NULL};
static const char *const bools[] = {"true", "false", "1", "0", NULL};

static bool
in(const char *const *set, const char *s)
{
	for (; *set != NULL; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

static bool
value_ok(enum value_kind kind, const char *v)
{
	long long n;
	struct pd_err ignored = {0};

	switch (kind) {
	case V_BOOL:
		return in(bools, v);
	case V_INT:
		return pd_parse_int(v, -1000000, 1000000, &n, &ignored) == 0;
	case V_CTR_STATUS:
		return in(ctr_states, v);
	case V_POD_STATUS:
		return in(pod_states, v);
	case V_HEALTH:
		return in(healths, v);
	case V_NET_TYPE:
		return in(net_types, v);
	case V_ANY:
		break;
	}
	return true;
}

json_t *
filter_parse(enum filter_list list, const char *const *values, size_t n, struct pd_err *err)
{
	json_auto_t *out = json_object();

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(values[i], '=');
		cleanup_free char *key =
		    eq != NULL ? xstrndup(values[i], (size_t)(eq - values[i])) : xstrdup(values[i]);
		const struct key *k = keys_of[list];
		json_t *arr;

		while (k->name != NULL && strcmp(k->name, key) != 0)
			k++;
		if (k->name == NULL) {
			pd_fail(err, PD_E_INVALID, "invalid filter '%.64s'", key);
			return NULL;
		}
		if (eq == NULL) {
			pd_fail(err, PD_E_INVALID,
				"bad format of filter '%.64s' (expected name=value)", values[i]);
			return NULL;
		}
		if (!value_ok(k->kind, eq + 1)) {
			pd_fail(err, PD_E_INVALID, "invalid filter '%.64s=%.64s'", key, eq + 1);
			return NULL;
		}
		arr = json_object_get(out, key);
		if (arr == NULL) {
			arr = json_array();
			json_object_set_new(out, key, arr);
		}
		json_array_append_new(arr, json_string(eq + 1));
	}
	return json_incref(out);
}

static const char *
str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Whether some value of @key passes @test against @obj (true when the key
 * is absent). */
typedef bool value_test(const json_t *obj, const char *value, const json_t *all);

static bool
any(const json_t *filters, const char *key, value_test *test, const json_t *obj, const json_t *all)
{
	const json_t *vals = json_object_get(filters, key), *v;
	size_t i;

	if (vals == NULL)
		return true;
	json_array_foreach (vals, i, v)
		if (test(obj, json_string_value(v), all))
			return true;
	return false;
}

static bool
is_true(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static bool
id_prefix(const json_t *obj, const char *v, const json_t *all)
{
	const char *id = str(obj, PD_F_ID);

	(void)all;
	if (strncmp(v, "sha256:", 7) == 0)
		v += 7;
	return id != NULL && strncmp(id, v, strlen(v)) == 0;
}

/* docker's name filter: a part of the name. */
static bool
name_part(const json_t *obj, const char *v, const json_t *all)
{
	const char *name = str(obj, PD_F_NAME);

	(void)all;
	return name != NULL && strstr(name, v) != NULL;
}

static bool
state_is(const json_t *obj, const char *v, const json_t *all)
{
	const char *state = str(obj, PD_F_STATE);

	(void)all;
	return state != NULL && strcmp(state, v) == 0;
}

static bool
driver_is(const json_t *obj, const char *v, const json_t *all)
{
	const char *driver = str(obj, PD_F_DRIVER);

	(void)all;
	return driver != NULL && strcmp(driver, v) == 0;
}

/* ---- containers ------------------------------------------------------ */

static bool
ctr_pod(const json_t *obj, const char *v, const json_t *all)
{
	const char *pod = str(obj, PD_F_POD), *pod_id = str(obj, PD_F_POD_ID);

	(void)all;
	return (pod != NULL && strcmp(pod, v) == 0) ||
	       (pod_id != NULL && pd_is_id_prefix(v) && strncmp(pod_id, v, strlen(v)) == 0);
}

/* An image as the user names it: its reference (normalised, "busybox" is
 * docker.io/library/busybox:latest) or its id or id prefix. */
static bool
image_is(const char *name, const char *id, const char *v)
{
	struct pd_imgref ref;
	struct pd_err ignored = {0};
	char full[PD_IMGREF_MAX];

	if (id != NULL && (pd_is_id_prefix(v) || strncmp(v, "sha256:", 7) == 0)) {
		const char *hex = strncmp(v, "sha256:", 7) == 0 ? v + 7 : v;

		if (*hex != '\0' && strncmp(id, hex, strlen(hex)) == 0)
			return true;
	}
	if (name == NULL || pd_imgref_parse(v, &ref, &ignored) < 0)
		return false;
	pd_imgref_format(&ref, full, sizeof(full));
	return strcmp(name, full) == 0;
}

static bool
ctr_ancestor(const json_t *obj, const char *v, const json_t *all)
{
	(void)all;
	return image_is(str(obj, PD_F_IMAGE), str(obj, PD_F_IMAGE_ID), v);
}

static bool
ctr_exited(const json_t *obj, const char *v, const json_t *all)
{
	long long code;
	struct pd_err ignored = {0};
	const json_t *have = json_object_get(obj, PD_F_EXIT_CODE);

	(void)all;
	return state_is(obj, PD_STATE_EXITED, NULL) && json_is_integer(have) &&
	       pd_parse_int(v, -1000000, 1000000, &code, &ignored) == 0 &&
	       json_integer_value(have) == code;
}

static bool
ctr_network(const json_t *obj, const char *v, const json_t *all)
{
	(void)all;
	return json_object_get(json_object_get(obj, PD_F_NETWORKS), v) != NULL;
}

static bool
ctr_health(const json_t *obj, const char *v, const json_t *all)
{
	const char *h = str(json_object_get(obj, PD_F_HEALTH), "status");

	(void)all;
	return h != NULL ? strcmp(h, v) == 0 : strcmp(v, "none") == 0;
}

/* The image's labels, then the container's own over them (docker's). */
static bool
ctr_labels(const json_t *obj, const json_t *wanted)
{
	const json_t *img = json_object_get(json_object_get(obj, PD_F_CONFIG), "Labels");
	const json_t *own = json_object_get(obj, PD_F_LABELS);
	json_auto_t *all = json_is_object(img) ? json_deep_copy(img) : json_object();

	if (json_is_object(own))
		json_object_update(all, (json_t *)own);
	return pd_filter_labels(all, wanted);
}

static bool
ctr_match(const json_t *f, const json_t *obj)
{
	return any(f, "id", id_prefix, obj, NULL) && any(f, "name", name_part, obj, NULL) &&
	       ctr_labels(obj, json_object_get(f, "label")) &&
	       any(f, "status", state_is, obj, NULL) && any(f, "pod", ctr_pod, obj, NULL) &&
	       any(f, "ancestor", ctr_ancestor, obj, NULL) &&
	       any(f, "exited", ctr_exited, obj, NULL) &&
	       any(f, "network", ctr_network, obj, NULL) && any(f, "health", ctr_health, obj, NULL);
}

/* ---- images ---------------------------------------------------------- */

/* docker's reference filter: a glob over the name as docker shows it
 * ("busybox:latest"), its repository alone ("busybox"), or the full name. */
static bool
image_reference(const json_t *obj, const char *v, const json_t *all)
{
	const json_t *n;
	size_t i;

	(void)all;
	json_array_foreach (json_object_get(obj, PD_F_NAMES), i, n) {
		const char *full = json_string_value(n);
		char familiar[PD_IMGREF_MAX];
		char *colon, *slash;

		if (full == NULL)
			continue;
		pd_imgref_familiar_name(full, familiar, sizeof(familiar));
		if (fnmatch(v, full, 0) == 0 || fnmatch(v, familiar, 0) == 0)
			return true;
		colon = strrchr(familiar, ':');
		slash = strrchr(familiar, '/');
		if (colon != NULL && (slash == NULL || colon > slash))
			*colon = '\0';
		if (fnmatch(v, familiar, 0) == 0)
			return true;
	}
	return false;
}

static bool
image_dangling(const json_t *obj, const char *v, const json_t *all)
{
	(void)all;
	return (json_array_size(json_object_get(obj, PD_F_NAMES)) == 0) == is_true(v);
}

/* The created time of @img, 0 when it has none podd can read. */
static time_t
created_of(const json_t *img)
{
	struct timespec ts = {0};
	const char *s = str(img, PD_F_CREATED);

	if (s == NULL || pd_time_rfc3339_parse(s, &ts) < 0)
		return 0;
	return ts.tv_sec;
}

/* The image of @all that @v names, or NULL. */
static const json_t *
image_named(const json_t *all, const char *v)
{
	const json_t *img, *n;
	size_t i, j;

	json_array_foreach (all, i, img) {
		json_array_foreach (json_object_get(img, PD_F_NAMES), j, n)
			if (image_is(json_string_value(n), NULL, v))
				return img;
		if (image_is(NULL, str(img, PD_F_ID), v))
			return img;
	}
	return NULL;
}

static bool
image_before(const json_t *obj, const char *v, const json_t *all)
{
	const json_t *ref = image_named(all, v);

	return ref != NULL && created_of(obj) < created_of(ref);
}

static bool
image_since(const json_t *obj, const char *v, const json_t *all)
{
	const json_t *ref = image_named(all, v);

	return ref != NULL && created_of(obj) > created_of(ref);
}

static bool
image_match(const json_t *f, const json_t *obj, const json_t *all)
{
	return any(f, "reference", image_reference, obj, all) &&
	       pd_filter_labels(json_object_get(json_object_get(obj, PD_F_CONFIG), "Labels"),
				json_object_get(f, "label")) &&
	       any(f, "dangling", image_dangling, obj, all) &&
	       any(f, "before", image_before, obj, all) && any(f, "since", image_since, obj, all);
}

/* ---- networks and volumes -------------------------------------------- */

static bool
net_dangling(const json_t *obj, const char *v, const json_t *all)
{
	bool unused = json_array_size(json_object_get(obj, PD_F_PODS)) == 0 &&
		      !json_is_true(json_object_get(obj, PD_F_BUILTIN));

	(void)all;
	return unused == is_true(v);
}

static bool
net_type(const json_t *obj, const char *v, const json_t *all)
{
	(void)all;
	return json_is_true(json_object_get(obj, PD_F_BUILTIN)) == (strcmp(v, "builtin") == 0);
}

static bool
vol_dangling(const json_t *obj, const char *v, const json_t *all)
{
	(void)all;
	return (json_array_size(json_object_get(obj, PD_F_CONTAINERS)) == 0) == is_true(v);
}

bool
filter_match(enum filter_list list, const json_t *f, const json_t *obj, const json_t *all)
{
	const json_t *labels = json_object_get(f, "label");

	switch (list) {
	case FILTER_CONTAINERS:
		return ctr_match(f, obj);
	case FILTER_PODS:
		return any(f, "id", id_prefix, obj, all) && any(f, "name", name_part, obj, all) &&
		       pd_filter_labels(json_object_get(obj, PD_F_LABELS), labels) &&
		       any(f, "status", state_is, obj, all);
	case FILTER_IMAGES:
		return image_match(f, obj, all);
	case FILTER_NETWORKS:
		return any(f, "name", name_part, obj, all) && any(f, "id", id_prefix, obj, all) &&
		       pd_filter_labels(json_object_get(obj, PD_F_LABELS), labels) &&
		       any(f, "driver", driver_is, obj, all) &&
		       any(f, "dangling", net_dangling, obj, all) &&
		       any(f, "type", net_type, obj, all);
	case FILTER_VOLUMES:
		return any(f, "name", name_part, obj, all) &&
		       pd_filter_labels(json_object_get(obj, PD_F_LABELS), labels) &&
		       any(f, "dangling", vol_dangling, obj, all) &&
		       any(f, "driver", driver_is, obj, all);
	}
	return false;
}

void
filter_apply(enum filter_list list, const json_t *filters, json_t *arr)
{
	json_auto_t *all = json_copy(arr);
	size_t i = 0;

	if (json_object_size(filters) == 0)
		return;
	while (i < json_array_size(arr))
		if (filter_match(list, filters, json_array_get(arr, i), all))
			i++;
		else
			json_array_remove(arr, i);
}
