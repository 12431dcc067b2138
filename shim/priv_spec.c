/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing the privilege keys of the shim's spec; see priv_spec.h. Pure:
 * jansson and lib/ only.
 */
#include "priv_spec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "device.h"
#include "json.h"
#include "rlimit.h"
#include "sysctl.h"
#include "xalloc.h"

static int
device_parse(const json_t *j, struct shim_device *d, struct pd_err *err)
{
	static const char *const allowed[] = {"path",      "type", "major", "minor",
					      "file_mode", "uid",  "gid",   NULL};
	const char *path = NULL, *type = NULL;
	long long major = -1, minor = -1, mode = 0666, uid = 0, gid = 0;

	if (pd_json_check_keys(j, "device", allowed, err) < 0 ||
	    pd_json_get_string(j, "path", &path, err) < 0 ||
	    pd_json_get_string(j, "type", &type, err) < 0 ||
	    pd_json_get_int(j, "major", 0, 4095, &major, err) < 0 ||
	    pd_json_get_int(j, "minor", 0, (1 << 20) - 1, &minor, err) < 0 ||
	    pd_json_get_int(j, "file_mode", 0, 07777, &mode, err) < 0 ||
	    pd_json_get_int(j, "uid", 0, 0xfffffffe, &uid, err) < 0 ||
	    pd_json_get_int(j, "gid", 0, 0xfffffffe, &gid, err) < 0)
		return -1;
	if (path == NULL || !pd_dev_path_valid(path))
		return pd_fail(err, PD_E_INVALID,
			       "device path \"%.80s\" is not a path under /dev (without \".\" or "
			       "\"..\")",
			       path != NULL ? path : "");
	if (type == NULL || (strcmp(type, "c") != 0 && strcmp(type, "b") != 0))
		return pd_fail(err, PD_E_INVALID, "device %s: type must be \"c\" or \"b\"", path);
	if (major < 0 || minor < 0)
		return pd_fail(err, PD_E_INVALID, "device %s: major and minor are required", path);
	memcpy(d->path, path, strlen(path) + 1);
	d->type = type[0];
	d->major = (unsigned)major;
	d->minor = (unsigned)minor;
	d->mode = (unsigned)mode;
	d->uid = (unsigned)uid;
	d->gid = (unsigned)gid;
	return 0;
}

static int
devices_parse(const json_t *a, struct shim_priv *p, struct pd_err *err)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array", PD_SHIM_DEVICES);
	if (json_array_size(a) > SHIM_MAX_DEVICES)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" has more than %d items",
			       PD_SHIM_DEVICES, SHIM_MAX_DEVICES);
	if (json_array_size(a) == 0)
		return 0;
	p->devices = xcalloc(json_array_size(a), sizeof(*p->devices));
	json_array_foreach (a, i, v) {
		if (device_parse(v, &p->devices[i], err) < 0)
			return pd_err_prefix(err, "%s[%zu]", PD_SHIM_DEVICES, i);
		p->n_devices++;
	}
	return 0;
}

static int
sysctls_parse(const json_t *o, struct shim_priv *p, struct pd_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an object",
			       PD_SHIM_SYSCTLS);
	if (json_object_size(o) > SHIM_MAX_SYSCTLS)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" has more than %d items",
			       PD_SHIM_SYSCTLS, SHIM_MAX_SYSCTLS);
	if (json_object_size(o) == 0)
		return 0;
	p->sysctls = xcalloc(json_object_size(o), sizeof(*p->sysctls));
	json_object_foreach ((json_t *)o, key, v) {
		const char *value = json_string_value(v);

		if (value == NULL || strlen(value) != json_string_length(v))
			return pd_fail(err, PD_E_INVALID,
				       "sysctl %.64s: the value must be a string", key);
		if (pd_sysctl_check(key, value, err) < 0)
			return -1;
		p->sysctls[p->n_sysctls].name = key;
		p->sysctls[p->n_sysctls].value = value;
		p->n_sysctls++;
	}
	return 0;
}

static int
rlimit_parse(const json_t *j, struct shim_rlimit *r, struct pd_err *err)
{
	static const char *const allowed[] = {"name", "soft", "hard", NULL};
	const char *name = NULL;
	long long soft = -2, hard = -2;

	if (pd_json_check_keys(j, "rlimit", allowed, err) < 0 ||
	    pd_json_get_string(j, "name", &name, err) < 0 ||
	    pd_json_get_int(j, "soft", -1, 1LL << 62, &soft, err) < 0 ||
	    pd_json_get_int(j, "hard", -1, 1LL << 62, &hard, err) < 0)
		return -1;
	if (name == NULL || soft == -2 || hard == -2)
		return pd_fail(err, PD_E_INVALID,
			       "an rlimit needs \"name\", \"soft\" and \"hard\"");
	if (pd_rlimit_from_name(name, &r->resource, err) < 0 ||
	    pd_rlimit_check(name, soft, hard, err) < 0)
		return -1;
	r->soft = soft == PD_RLIMIT_UNLIMITED ? RLIM_INFINITY : (unsigned long long)soft;
	r->hard = hard == PD_RLIMIT_UNLIMITED ? RLIM_INFINITY : (unsigned long long)hard;
	return 0;
}

static int
rlimits_parse(const json_t *a, struct shim_priv *p, struct pd_err *err)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array", PD_SHIM_RLIMITS);
	if (json_array_size(a) > SHIM_MAX_RLIMITS)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" has more than %d items",
			       PD_SHIM_RLIMITS, SHIM_MAX_RLIMITS);
	json_array_foreach (a, i, v) {
		if (rlimit_parse(v, &p->rlimits[i], err) < 0)
			return pd_err_prefix(err, "%s[%zu]", PD_SHIM_RLIMITS, i);
		p->n_rlimits++;
	}
	return 0;
}

int
shim_priv_parse(const json_t *j, bool is_exec, struct shim_priv *p, struct pd_err *err)
{
	static const char *const keys[] = {SHIM_PRIV_KEYS, NULL};
	long long shm = 0, oom = 0;
	const json_t *v;

	memset(p, 0, sizeof(*p));
	p->shm_size = SHIM_SHM_DEFAULT;
	for (size_t i = 0; is_exec && keys[i] != NULL; i++)
		if (json_object_get(j, keys[i]) != NULL)
			return pd_fail(err, PD_E_INVALID, "field \"%s\" is not for an exec session",
				       keys[i]);
	if (pd_json_get_bool(j, PD_SHIM_PRIVILEGED, &p->privileged, err) < 0 ||
	    pd_json_get_string(j, PD_SHIM_INIT, &p->init, err) < 0 ||
	    pd_json_get_int(j, PD_SHIM_SHM_SIZE, 1, 1LL << 50, &shm, err) < 0 ||
	    pd_json_get_int(j, PD_SHIM_OOM_SCORE_ADJ, -1000, 1000, &oom, err) < 0)
		return -1;
	if (p->init != NULL && (p->init[0] != '/' || strlen(p->init) > 4096))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an absolute path",
			       PD_SHIM_INIT);
	if (shm > 0)
		p->shm_size = (unsigned long long)shm;
	p->has_oom_score_adj = json_object_get(j, PD_SHIM_OOM_SCORE_ADJ) != NULL;
	p->oom_score_adj = (int)oom;
	if ((v = json_object_get(j, PD_SHIM_DEVICES)) != NULL && devices_parse(v, p, err) < 0)
		return -1;
	if ((v = json_object_get(j, PD_SHIM_SYSCTLS)) != NULL && sysctls_parse(v, p, err) < 0)
		return -1;
	if ((v = json_object_get(j, PD_SHIM_RLIMITS)) != NULL && rlimits_parse(v, p, err) < 0)
		return -1;
	return 0;
}

void
shim_priv_clear(struct shim_priv *p)
{
	free(p->devices);
	free(p->sysctls);
	free(p->init_argv);
	p->devices = NULL;
	p->sysctls = NULL;
	p->init_argv = NULL;
	p->n_devices = p->n_sysctls = 0;
}
