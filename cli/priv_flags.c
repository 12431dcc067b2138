/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privilege flags into a create body; see priv_flags.h. podd checks the
 * values again; here they are split as docker's CLI splits them.
 */
#include "priv_flags.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "device.h"
#include "json.h"
#include "parse.h"
#include "xalloc.h"

/* --device HOST[:CTR[:rwm]], or HOST:rwm as docker reads two parts whose
 * second is permissions. */
static int
device_flag(const char *s, json_t *devs, struct pd_err *err)
{
	cleanup_free char *copy = xstrdup(s);
	char *parts[3] = {copy, NULL, NULL};
	char perms[4];
	size_t n = 1;
	json_t *d;

	for (char *c = copy; *c != '\0' && n <= 3; c++) {
		if (*c != ':')
			continue;
		if (n == 3)
			return pd_fail(err, PD_E_INVALID, "--device %.80s: too many ':'", s);
		*c = '\0';
		parts[n++] = c + 1;
	}
	if (n == 2 && pd_dev_perms_parse(parts[1], perms, err) == 0) {
		parts[2] = parts[1];
		parts[1] = NULL;
	}
	if (parts[0][0] != '/')
		return pd_fail(err, PD_E_INVALID, "--device %.80s: the host path must be absolute",
			       s);
	d = json_pack("{s:s}", "host_path", parts[0]);
	if (d == NULL)
		return pd_fail(err, PD_E_INVALID, "--device %.80s is not valid UTF-8", s);
	if (parts[1] != NULL && parts[1][0] != '\0')
		json_object_set_new(d, "container_path", json_string(parts[1]));
	if (parts[2] != NULL) {
		if (pd_dev_perms_parse(parts[2], perms, err) < 0) {
			json_decref(d);
			return pd_err_prefix(err, "--device %.80s", s);
		}
		json_object_set_new(d, "permissions", json_string(perms));
	}
	json_array_append_new(devs, d);
	return 0;
}

/* One rlimit value: a number, -1 or "unlimited". */
static int
rlimit_value(const char *s, long long *v, struct pd_err *err)
{
	if (strcmp(s, "unlimited") == 0) {
		*v = -1;
		return 0;
	}
	return pd_parse_int(s, -1, 1LL << 62, v, err);
}

/* --ulimit NAME=SOFT[:HARD]; the hard limit is the soft one when absent. */
static int
ulimit_flag(const char *s, json_t *ulimits, struct pd_err *err)
{
	cleanup_free char *name = NULL;
	const char *value = NULL;
	cleanup_free char *soft_s = NULL;
	const char *colon;
	long long soft, hard;

	if (pd_parse_kv(s, &name, &value, err) < 0)
		return pd_err_prefix(err, "--ulimit");
	colon = strchr(value, ':');
	soft_s = colon != NULL ? xstrndup(value, (size_t)(colon - value)) : xstrdup(value);
	if (rlimit_value(soft_s, &soft, err) < 0 ||
	    rlimit_value(colon != NULL ? colon + 1 : soft_s, &hard, err) < 0)
		return pd_err_prefix(err, "--ulimit %.64s", s);
	json_array_append_new(ulimits, json_pack("{s:s, s:I, s:I}", "name", name, "soft",
						 (json_int_t)soft, "hard", (json_int_t)hard));
	return 0;
}

int
priv_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	if (v[PRIV_F_PRIVILEGED].set)
		json_object_set_new(body, PD_F_PRIVILEGED, json_boolean(v[PRIV_F_PRIVILEGED].on));
	if (v[PRIV_F_INIT].set)
		json_object_set_new(body, PD_F_INIT, json_boolean(v[PRIV_F_INIT].on));
	if (v[PRIV_F_DEVICE].count > 0) {
		json_t *devs = json_array();

		json_object_set_new(body, PD_F_DEVICES, devs);
		for (size_t i = 0; i < v[PRIV_F_DEVICE].count; i++)
			if (device_flag(v[PRIV_F_DEVICE].values[i], devs, err) < 0)
				return -1;
	}
	if (v[PRIV_F_SHM_SIZE].set) {
		unsigned long long n;

		if (pd_parse_size(v[PRIV_F_SHM_SIZE].value, 1ULL << 40, &n, err) < 0)
			return pd_err_prefix(err, "--shm-size");
		if (n == 0)
			return pd_fail(err, PD_E_INVALID, "--shm-size must be more than 0");
		json_object_set_new(body, PD_F_SHM_SIZE, json_integer((json_int_t)n));
	}
	if (v[PRIV_F_SYSCTL].count > 0) {
		json_t *o = json_object();

		json_object_set_new(body, PD_F_SYSCTLS, o);
		for (size_t i = 0; i < v[PRIV_F_SYSCTL].count; i++) {
			cleanup_free char *key = NULL;
			const char *value = NULL;
			json_t *str;

			if (pd_parse_kv(v[PRIV_F_SYSCTL].values[i], &key, &value, err) < 0)
				return pd_err_prefix(err, "--sysctl");
			str = json_string(value);
			if (str == NULL || json_object_set_new(o, key, str) < 0)
				return pd_fail(err, PD_E_INVALID,
					       "--sysctl %.64s is not valid UTF-8",
					       v[PRIV_F_SYSCTL].values[i]);
		}
	}
	if (v[PRIV_F_ULIMIT].count > 0) {
		json_t *a = json_array();

		json_object_set_new(body, PD_F_ULIMITS, a);
		for (size_t i = 0; i < v[PRIV_F_ULIMIT].count; i++)
			if (ulimit_flag(v[PRIV_F_ULIMIT].values[i], a, err) < 0)
				return -1;
	}
	if (v[PRIV_F_OOM_SCORE_ADJ].set) {
		long long n;

		if (pd_parse_int(v[PRIV_F_OOM_SCORE_ADJ].value, -1000, 1000, &n, err) < 0)
			return pd_err_prefix(err, "--oom-score-adj");
		json_object_set_new(body, PD_F_OOM_SCORE_ADJ, json_integer(n));
	}
	return 0;
}
