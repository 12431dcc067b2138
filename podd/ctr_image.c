/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image configuration merged into a container at create; see
 * ctr_image.h.
 */
#include "ctr_image.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "name.h"
#include "parse.h"
#include "xalloc.h"

/* The image's keys (OCI image spec, config.md: "config"). */
#define IMG_ENTRYPOINT "Entrypoint"
#define IMG_CMD        "Cmd"
#define IMG_ENV        "Env"
#define IMG_WORKDIR    "WorkingDir"
#define IMG_USER       "User"
#define IMG_STOPSIGNAL "StopSignal"

/* A string without NUL of at most @max bytes. */
static bool
good_string(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) == strlen(json_string_value(v)) &&
	       json_string_length(v) <= max;
}

/* The image's array of strings @key: NULL when absent or null, checked. */
static int
image_strings(const json_t *cfg, const char *key, size_t max, const json_t **out,
	      struct pd_err *err)
{
	const json_t *a = json_object_get(cfg, key);
	size_t i;
	json_t *v;

	*out = NULL;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "the image's %s is not an array of strings", key);
	if (json_array_size(a) > max)
		return pd_fail(err, PD_E_INVALID, "the image's %s has more than %zu entries", key,
			       max);
	json_array_foreach (a, i, v)
		if (!good_string(v, CTR_PATH_MAX * 8))
			return pd_fail(err, PD_E_INVALID, "entry %zu of the image's %s is bad", i,
				       key);
	*out = a;
	return 0;
}

/* The image's string @key: NULL when absent, null or "". */
static int
image_string(const json_t *cfg, const char *key, size_t max, const char **out, struct pd_err *err)
{
	const json_t *v = json_object_get(cfg, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!good_string(v, max))
		return pd_fail(err, PD_E_INVALID,
			       "the image's %s is not a string of up to %zu bytes", key, max);
	if (json_string_length(v) > 0)
		*out = json_string_value(v);
	return 0;
}

json_t *
ctr_env_merge(const json_t *base, const json_t *over)
{
	json_t *env = json_array(), *v, *o;
	size_t i, k;

	json_array_foreach (base, i, v) {
		const char *kv = json_string_value(v);
		const char *eq = strchr(kv, '=');
		size_t klen = (eq != NULL ? (size_t)(eq - kv) : strlen(kv)) + 1;
		bool overridden = false;

		json_array_foreach (over, k, o)
			overridden |= strncmp(json_string_value(o), kv, klen - 1) == 0 &&
				      json_string_value(o)[klen - 1] == '=';
		if (!overridden)
			json_array_append(env, v);
	}
	json_array_extend(env, (json_t *)over);
	return env;
}

/* Entrypoint + Cmd, by docker's rules (ctr_image.h). A new reference. */
static json_t *
command_of(const struct ctr_spec *spec, const json_t *img_ep, const json_t *img_cmd,
	   json_t **entrypoint)
{
	const json_t *ep = spec->entrypoint != NULL ? spec->entrypoint : img_ep;
	const json_t *cmd = json_array_size(spec->command) > 0 ? spec->command : img_cmd;
	json_t *argv = json_array();

	/* --entrypoint resets the image's Cmd: only the request's arguments. */
	if (spec->entrypoint != NULL)
		cmd = spec->command;
	*entrypoint = ep != NULL ? json_deep_copy(ep) : json_array();
	json_array_extend(argv, *entrypoint);
	if (cmd != NULL)
		json_array_extend(argv, (json_t *)cmd);
	return argv;
}

/* The image's Env, every entry K=V. */
static int
check_env(const json_t *env, struct pd_err *err)
{
	size_t i;
	json_t *v;

	json_array_foreach (env, i, v) {
		const char *eq = strchr(json_string_value(v), '=');

		if (eq == NULL || eq == json_string_value(v))
			return pd_fail(err, PD_E_INVALID,
				       "the image's Env entry \"%.64s\" is not KEY=VALUE",
				       json_string_value(v));
	}
	return 0;
}

int
ctr_image_apply(struct ctr_spec *spec, const json_t *cfg, struct pd_err *err)
{
	cleanup_json json_t *empty = json_object();
	cleanup_json json_t *argv = NULL, *entrypoint = NULL, *env = NULL;
	const json_t *img_ep, *img_cmd, *img_env;
	const char *img_wd, *img_user, *img_sig;
	cleanup_free char *workdir = NULL;
	int sig = spec->stop_signal;

	if (cfg == NULL || json_is_null(cfg))
		cfg = empty;
	if (!json_is_object(cfg))
		return pd_fail(err, PD_E_INVALID, "the image's config is not an object");
	if (image_strings(cfg, IMG_ENTRYPOINT, CTR_MAX_ARGS, &img_ep, err) < 0 ||
	    image_strings(cfg, IMG_CMD, CTR_MAX_ARGS, &img_cmd, err) < 0 ||
	    image_strings(cfg, IMG_ENV, CTR_MAX_ENV, &img_env, err) < 0 ||
	    image_string(cfg, IMG_WORKDIR, CTR_PATH_MAX - 1, &img_wd, err) < 0 ||
	    image_string(cfg, IMG_USER, PD_USER_MAX - 1, &img_user, err) < 0 ||
	    image_string(cfg, IMG_STOPSIGNAL, 32, &img_sig, err) < 0)
		return -1;
	if (img_env != NULL && check_env(img_env, err) < 0)
		return -1;
	if (spec->user == NULL && img_user != NULL && pd_user_validate(img_user, err) < 0)
		return pd_err_prefix(err, "the image's User");
	if (sig == 0 && img_sig != NULL && pd_parse_signal(img_sig, &sig, err) < 0)
		return pd_err_prefix(err, "the image's StopSignal");

	argv = command_of(spec, img_ep, img_cmd, &entrypoint);
	if (json_array_size(argv) == 0)
		return pd_fail(err, PD_E_INVALID,
			       "no command specified: the image has no Entrypoint or Cmd, give "
			       "one after the image");
	if (json_array_size(argv) > CTR_MAX_ARGS)
		return pd_fail(err, PD_E_INVALID, "the command has more than %d arguments",
			       CTR_MAX_ARGS);
	if (json_string_length(json_array_get(argv, 0)) == 0)
		return pd_fail(err, PD_E_INVALID, "the command is an empty string");

	env = ctr_env_merge(img_env, spec->env);
	if (json_array_size(env) > CTR_MAX_ENV)
		return pd_fail(err, PD_E_INVALID, "the environment has more than %d entries",
			       CTR_MAX_ENV);

	if (spec->workdir == NULL && img_wd != NULL) {
		/* Docker makes a relative WorkingDir absolute ("/" + it). */
		workdir = img_wd[0] == '/' ? xstrdup(img_wd) : xasprintf("/%s", img_wd);
		if (strlen(workdir) >= CTR_PATH_MAX)
			return pd_fail(err, PD_E_INVALID, "the image's WorkingDir is too long");
	}

	/* Nothing fails from here: @spec changes all at once. */
	json_decref(spec->command);
	spec->command = steal_ptr(argv);
	json_decref(spec->entrypoint);
	spec->entrypoint = steal_ptr(entrypoint);
	json_decref(spec->env);
	spec->env = steal_ptr(env);
	if (spec->workdir == NULL)
		spec->workdir = workdir != NULL ? steal_ptr(workdir) : xstrdup("/");
	if (spec->user == NULL && img_user != NULL)
		spec->user = xstrdup(img_user);
	spec->stop_signal = sig;
	json_decref(spec->image_config);
	spec->image_config = json_deep_copy(cfg);
	return 0;
}

int
ctr_stop_signal(const struct ctr_spec *spec)
{
	return spec->stop_signal > 0 ? spec->stop_signal : SIGTERM;
}
