/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's privileges, checked; see ctr_privileges.h. Pure: jansson
 * and lib/ only.
 */
#include "ctr_privileges.h"

#include <string.h>

#include "api.h"
#include "caps.h"
#include "cleanup.h"
#include "ctr_spec.h"
#include "device.h"
#include "json.h"
#include "rlimit.h"
#include "sysctl.h"

/* A path of at most @max bytes given as a string. */
static int
get_path(const json_t *obj, const char *key, size_t max, const char **out, struct pd_err *err)
{
	const json_t *v = json_object_get(obj, key);

	if (pd_json_get_string(obj, key, out, err) < 0)
		return -1;
	if (*out == NULL)
		return 0;
	if (json_string_length(v) != strlen(*out) || strlen(*out) > max || (*out)[0] != '/')
		return pd_fail(err, PD_E_INVALID, "device: \"%s\" must be an absolute path", key);
	return 0;
}

static int
device_parse(const json_t *d, json_t *out, struct pd_err *err)
{
	static const char *const allowed[] = {"host_path", "container_path", "permissions", NULL};
	const char *host = NULL, *ctr = NULL, *perms = "rwm";
	char p[4];

	if (!json_is_object(d))
		return pd_fail(err, PD_E_INVALID, "a device must be an object");
	if (pd_json_check_keys(d, "device", allowed, err) < 0 ||
	    get_path(d, "host_path", 4095, &host, err) < 0 ||
	    get_path(d, "container_path", 4095, &ctr, err) < 0 ||
	    pd_json_get_string(d, "permissions", &perms, err) < 0)
		return -1;
	if (host == NULL)
		return pd_fail(err, PD_E_INVALID, "device: \"host_path\" is required");
	if (ctr == NULL)
		ctr = host;
	if (!pd_dev_path_valid(ctr))
		return pd_fail(err, PD_E_INVALID,
			       "device %.80s: the path in the container must be under /dev, "
			       "without \".\" or \"..\"",
			       ctr);
	if (pd_dev_perms_parse(perms, p, err) < 0)
		return pd_err_prefix(err, "device %.80s", host);
	json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "host_path", host, "container_path",
					     ctr, "permissions", p));
	return 0;
}

static int
devices_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	json_t *devs = json_array(), *v;
	size_t i;

	json_object_set_new(out, PD_F_DEVICES, devs);
	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array", PD_F_DEVICES);
	if (json_array_size(a) > CTR_MAX_DEVICES)
		return pd_fail(err, PD_E_INVALID, "more than %d devices", CTR_MAX_DEVICES);
	json_array_foreach ((json_t *)a, i, v) {
		if (device_parse(v, devs, err) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_object_get(json_array_get(devs, k), "container_path"),
				       json_object_get(json_array_get(devs, i), "container_path")))
				return pd_fail(err, PD_E_INVALID, "device %s is given twice",
					       json_string_value(json_object_get(
						   json_array_get(devs, i), "container_path")));
	}
	return 0;
}

static int
sysctls_parse(const json_t *o, json_t *out, struct pd_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an object", PD_F_SYSCTLS);
	if (json_object_size(o) > CTR_MAX_SYSCTLS)
		return pd_fail(err, PD_E_INVALID, "more than %d sysctls", CTR_MAX_SYSCTLS);
	json_object_foreach ((json_t *)o, key, v) {
		const char *value = json_string_value(v);

		if (value == NULL || strlen(value) != json_string_length(v))
			return pd_fail(err, PD_E_INVALID,
				       "sysctl %.64s: the value must be a string", key);
		if (pd_sysctl_check(key, value, err) < 0)
			return -1;
		if (pd_sysctl_ns_of(key) == PD_SYSCTL_NS_NONE)
			return pd_fail(
			    err, PD_E_INVALID,
			    "sysctl \"%s\" is not allowed in a container: only namespaced ones "
			    "(net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, "
			    "kernel.domainname)%s",
			    key, strcmp(key, "kernel.hostname") == 0 ? "; use --hostname" : "");
	}
	json_object_set_new(out, PD_F_SYSCTLS, json_deep_copy(o));
	return 0;
}

static int
ulimit_parse(const json_t *u, json_t *out, struct pd_err *err)
{
	static const char *const allowed[] = {"name", "soft", "hard", NULL};
	const char *name = NULL;
	long long soft = -2, hard = -2;
	int resource;

	if (!json_is_object(u))
		return pd_fail(err, PD_E_INVALID, "a ulimit must be an object");
	if (pd_json_check_keys(u, "ulimit", allowed, err) < 0 ||
	    pd_json_get_string(u, "name", &name, err) < 0 ||
	    pd_json_get_int(u, "soft", -1, 1LL << 62, &soft, err) < 0 ||
	    pd_json_get_int(u, "hard", -1, 1LL << 62, &hard, err) < 0)
		return -1;
	if (name == NULL || soft == -2 || hard == -2)
		return pd_fail(err, PD_E_INVALID, "a ulimit needs \"name\", \"soft\" and \"hard\"");
	if (pd_rlimit_from_name(name, &resource, err) < 0 ||
	    pd_rlimit_check(name, soft, hard, err) < 0)
		return -1;
	json_array_append_new(out, json_pack("{s:s, s:I, s:I}", "name", name, "soft",
					     (json_int_t)soft, "hard", (json_int_t)hard));
	return 0;
}

static int
ulimits_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	json_t *us = json_array(), *v;
	size_t i;

	json_object_set_new(out, PD_F_ULIMITS, us);
	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array", PD_F_ULIMITS);
	if (json_array_size(a) > CTR_MAX_ULIMITS)
		return pd_fail(err, PD_E_INVALID, "more than %d ulimits", CTR_MAX_ULIMITS);
	json_array_foreach ((json_t *)a, i, v) {
		if (ulimit_parse(v, us, err) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_object_get(json_array_get(us, k), "name"),
				       json_object_get(json_array_get(us, i), "name")))
				return pd_fail(err, PD_E_INVALID, "ulimit \"%s\" is given twice",
					       json_string_value(
						   json_object_get(json_array_get(us, i), "name")));
	}
	return 0;
}

int
ctr_priv_parse(const json_t *obj, json_t **out, struct pd_err *err)
{
	cleanup_json json_t *o = json_object();
	const json_t *v;
	long long n = 0;
	bool init = false;

	*out = NULL;
	if (pd_json_get_bool(obj, PD_F_INIT, &init, err) < 0)
		return -1;
	if (init)
		json_object_set_new(o, PD_F_INIT, json_true());
	if (pd_json_get_int(obj, PD_F_SHM_SIZE, 1, 1LL << 40, &n, err) < 0)
		return -1;
	if (n > 0)
		json_object_set_new(o, PD_F_SHM_SIZE, json_integer(n));
	if (json_object_get(obj, PD_F_OOM_SCORE_ADJ) != NULL) {
		if (pd_json_get_int(obj, PD_F_OOM_SCORE_ADJ, -1000, 1000, &n, err) < 0)
			return -1;
		json_object_set_new(o, PD_F_OOM_SCORE_ADJ, json_integer(n));
	}
	if ((v = json_object_get(obj, PD_F_DEVICES)) != NULL && !json_is_null(v) &&
	    devices_parse(v, o, err) < 0)
		return -1;
	if ((v = json_object_get(obj, PD_F_SYSCTLS)) != NULL && !json_is_null(v) &&
	    sysctls_parse(v, o, err) < 0)
		return -1;
	if ((v = json_object_get(obj, PD_F_ULIMITS)) != NULL && !json_is_null(v) &&
	    ulimits_parse(v, o, err) < 0)
		return -1;
	*out = steal_ptr(o);
	return 0;
}

bool
ctr_is_privileged(const struct ctr_spec *spec)
{
	return json_is_true(json_object_get(spec->k8s, PD_F_PRIVILEGED));
}

int
ctr_priv_parse_spec(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	static const enum ctr_ns_kind kinds[] = {
	    [PD_SYSCTL_NS_NET] = CTR_NS_NET,
	    [PD_SYSCTL_NS_IPC] = CTR_NS_IPC,
	    [PD_SYSCTL_NS_UTS] = CTR_NS_UTS,
	};
	const char *key;
	json_t *v;

	json_decref(spec->priv);
	if (ctr_priv_parse(body, &spec->priv, err) < 0)
		return -1;
	json_object_foreach (json_object_get(spec->priv, PD_F_SYSCTLS), key, v) {
		enum pd_sysctl_ns ns = pd_sysctl_ns_of(key);
		const struct ctr_ns_mode *m = &spec->ns[kinds[ns]];

		if (m->how == CTR_NS_HOST || m->how == CTR_NS_CONTAINER)
			return pd_fail(err, PD_E_INVALID,
				       "sysctl \"%s\" is not allowed with %s=%s: the namespace is "
				       "not the container's",
				       key, ctr_ns_field(kinds[ns]),
				       m->how == CTR_NS_HOST ? "host" : "container:...");
	}
	if (ctr_is_privileged(spec))
		spec->caps = PD_CAP_ALL;
	return 0;
}
