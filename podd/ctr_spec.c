/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising containers; see ctr_spec.h.
 */
#include "ctr_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "caps.h"
#include "cleanup.h"
#include "ctr_privileges.h"
#include "json.h"
#include "mount_spec.h"
#include "parse.h"
#include "pod_spec.h" /* issue 14, dns: pod_dns_keys_parse */
#include "pod_volume.h"
#include "xalloc.h"

static int ctr_dns_check(const struct ctr_spec *spec, struct pd_err *err); /* issue 14 */

static const char *const state_names[] = {
    [CTR_CREATED] = PD_STATE_CREATED, [CTR_STARTING] = PD_STATE_CREATED,
    [CTR_RUNNING] = PD_STATE_RUNNING, [CTR_STOPPING] = PD_STATE_RUNNING,
    [CTR_EXITED] = PD_STATE_EXITED,   [CTR_PAUSED] = PD_STATE_PAUSED,
};

/* What the state file says, where the API folds states together. */
static const char *const record_states[] = {
    [CTR_CREATED] = "created",   [CTR_STARTING] = "starting", [CTR_RUNNING] = "running",
    [CTR_STOPPING] = "stopping", [CTR_EXITED] = "exited",     [CTR_PAUSED] = "paused",
};

#define N_STATES (sizeof(record_states) / sizeof(record_states[0]))

const char *
ctr_state_name(enum ctr_state state)
{
	return state_names[state];
}

bool
ctr_state_up(enum ctr_state state)
{
	return state == CTR_RUNNING || state == CTR_STOPPING || state == CTR_PAUSED;
}

static const char *const ns_fields[CTR_NS_KINDS] = {
    [CTR_NS_NET] = PD_F_NS_NETWORK,
    [CTR_NS_IPC] = PD_F_NS_IPC,
    [CTR_NS_UTS] = PD_F_NS_UTS,
    [CTR_NS_PID] = PD_F_NS_PID,
};

/* The flag a user typed, for messages. */
static const char *const ns_flags[CTR_NS_KINDS] = {
    [CTR_NS_NET] = "--network",
    [CTR_NS_IPC] = "--ipc",
    [CTR_NS_UTS] = "--uts",
    [CTR_NS_PID] = "--pid",
};

const char *
ctr_ns_field(enum ctr_ns_kind kind)
{
	return ns_fields[kind];
}

void
ctr_ns_mode_format(const struct ctr_ns_mode *m, char *buf, size_t len)
{
	const char *what = "";

	if (m->how == CTR_NS_HOST)
		what = PD_NS_MODE_HOST;
	else if (m->how == CTR_NS_NONE)
		what = PD_NS_MODE_NONE;
	if (m->how == CTR_NS_CONTAINER)
		(void)snprintf(buf, len, "%s%s", PD_NS_MODE_CONTAINER, m->target);
	else if (m->how == CTR_NS_NETWORK) /* issue 14, attach */
		(void)snprintf(buf, len, "%s", m->target);
	else
		(void)snprintf(buf, len, "%s", what);
}

/* Parse a namespace mode @s for @kind ("" is the default). */
static int
ns_mode_parse(enum ctr_ns_kind kind, const char *s, struct ctr_ns_mode *m, struct pd_err *err)
{
	size_t pre = strlen(PD_NS_MODE_CONTAINER);

	memset(m, 0, sizeof(*m));
	if (s[0] == '\0')
		return 0;
	if (strcmp(s, PD_NS_MODE_HOST) == 0) {
		m->how = CTR_NS_HOST;
		return 0;
	}
	if (kind == CTR_NS_NET && strcmp(s, PD_NS_MODE_NONE) == 0) {
		m->how = CTR_NS_NONE;
		return 0;
	}
	if (strncmp(s, PD_NS_MODE_CONTAINER, pre) == 0 && s[pre] != '\0' &&
	    strlen(s + pre) < sizeof(m->target)) {
		m->how = CTR_NS_CONTAINER;
		memcpy(m->target, s + pre, strlen(s + pre) + 1);
		return 0;
	}
	/* issue 14, attach: a network's name; "bridge" is the default one */
	if (kind == CTR_NS_NET && strchr(s, ':') == NULL) {
		struct pd_err ignored;

		if (strcmp(s, PD_NET_BRIDGE) == 0)
			s = PD_NET_DEFAULT;
		if (pd_name_validate(s, "network", &ignored) == 0) {
			m->how = CTR_NS_NETWORK;
			memcpy(m->target, s, strlen(s) + 1);
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID,
		       "%s: \"%.64s\" is not a mode (use host%s or container:NAME)", ns_flags[kind],
		       s, kind == CTR_NS_NET ? ", none, bridge, a network's name" : "");
}

/* A string of exactly strlen() bytes (no NUL inside), at most @max. */
static int
check_string(const json_t *v, size_t max, const char *what, struct pd_err *err)
{
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "%s must be a string", what);
	if (json_string_length(v) != strlen(json_string_value(v)))
		return pd_fail(err, PD_E_INVALID, "%s holds a NUL byte", what);
	if (json_string_length(v) > max)
		return pd_fail(err, PD_E_INVALID, "%s is over %zu bytes", what, max);
	return 0;
}

/* An array of at most @max strings; each checked by @each when not NULL. */
static int
check_array(const json_t *a, size_t max, const char *field,
	    int (*each)(const char *s, const char *field, struct pd_err *err), struct pd_err *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array of strings",
			       field);
	if (json_array_size(a) > max)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" has more than %zu entries", field,
			       max);
	json_array_foreach (a, i, v) {
		if (check_string(v, CTR_PATH_MAX * 8, field, err) < 0)
			return pd_err_prefix(err, "entry %zu of \"%s\"", i, field);
		if (each != NULL && each(json_string_value(v), field, err) < 0)
			return -1;
	}
	return 0;
}

static int
check_env(const char *s, const char *field, struct pd_err *err)
{
	const char *eq = strchr(s, '=');

	(void)field;
	if (eq == NULL || eq == s)
		return pd_fail(err, PD_E_INVALID, "environment entry \"%.64s\" is not KEY=VALUE",
			       s);
	return 0;
}

/* Copy an optional array field, checked, into *out (an empty array when
 * absent). */
static int
get_array(const json_t *body, const char *field, size_t max,
	  int (*each)(const char *s, const char *field, struct pd_err *err), json_t **out,
	  struct pd_err *err)
{
	json_t *v = json_object_get(body, field);

	if (v == NULL || json_is_null(v)) {
		*out = json_array();
		return 0;
	}
	if (check_array(v, max, field, each, err) < 0)
		return -1;
	*out = json_deep_copy(v);
	return 0;
}

/* A NULL-terminated vector of the strings of @a, borrowed from it. */
static const char **
strv_of(const json_t *a)
{
	const char **v = xcalloc(json_array_size(a) + 1, sizeof(*v));
	size_t i;
	json_t *s;

	json_array_foreach (a, i, s)
		v[i] = json_string_value(s);
	return v;
}

static int
compute_caps(struct ctr_spec *spec, struct pd_err *err)
{
	cleanup_free const char **add = strv_of(spec->cap_add);
	cleanup_free const char **drop = strv_of(spec->cap_drop);

	return pd_caps_compute(add, drop, &spec->caps, err);
}

static int
copy_ref(char *dst, size_t len, const char *src, const char *what, struct pd_err *err)
{
	size_t n = strlen(src);

	if (n == 0 || n >= len)
		return pd_fail(err, PD_E_INVALID, "%s \"%.80s\" is not a name or an id", what, src);
	memcpy(dst, src, n + 1);
	return 0;
}

static int
check_abs_path(const char *path, const char *what, struct pd_err *err)
{
	if (path[0] != '/')
		return pd_fail(err, PD_E_INVALID, "%s must be an absolute path, not \"%.80s\"",
			       what, path);
	if (strlen(path) >= CTR_PATH_MAX)
		return pd_fail(err, PD_E_INVALID, "%s is too long", what);
	return 0;
}

/* issue 11, config: "entrypoint", "user" and "stop_signal" of a create
 * request. */
static int
config_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	const char *user = NULL, *sig = NULL;
	json_t *ep = json_object_get(body, PD_F_ENTRYPOINT);

	if (pd_json_get_string(body, PD_F_USER, &user, err) < 0 ||
	    pd_json_get_string(body, PD_F_STOP_SIGNAL, &sig, err) < 0)
		return -1;
	if (ep != NULL && !json_is_null(ep) &&
	    get_array(body, PD_F_ENTRYPOINT, CTR_MAX_ARGS, NULL, &spec->entrypoint, err) < 0)
		return -1;
	if (user != NULL) {
		if (check_string(json_object_get(body, PD_F_USER), PD_USER_MAX - 1,
				 "field \"user\"", err) < 0 ||
		    pd_user_validate(user, err) < 0)
			return -1;
		spec->user = xstrdup(user);
	}
	if (sig != NULL && pd_parse_signal(sig, &spec->stop_signal, err) < 0)
		return pd_err_prefix(err, "--stop-signal");
	return 0;
}

/* probes branch: the probes and the healthcheck of a create request or a
 * record, each kept as its canonical JSON (probe_spec.h). */
static int
probes_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	for (int k = 0; k < PROBE_KINDS; k++) {
		json_t *v = json_object_get(body, probe_kind_field((enum probe_kind)k));

		if (v != NULL && !json_is_null(v) &&
		    probe_spec_canonical(v, (enum probe_kind)k, &spec->probes[k], err) < 0)
			return -1;
	}
	return 0;
}

/* restart (issue 12): "restart_policy", checked and spelt as docker does;
 * --rm with a policy is refused, as docker refuses it. */
static int
restart_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	struct restart_policy p;
	const char *s = NULL;

	if (pd_json_get_string(body, PD_F_RESTART_POLICY, &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (check_string(json_object_get(body, PD_F_RESTART_POLICY), RESTART_POLICY_MAX - 1,
			 "field \"restart_policy\"", err) < 0 ||
	    restart_policy_parse(s, &p, err) < 0)
		return -1;
	if (spec->auto_remove && p.mode != RESTART_NO)
		return pd_fail(
		    err, PD_E_INVALID,
		    "conflicting options: a restart policy (%.32s) and auto-remove (--rm)", s);
	restart_policy_format(&p, spec->restart_policy, sizeof(spec->restart_policy));
	return 0;
}

/* issue 13, cgroups: "limits", then the keys it leaves unset from the k8s
 * "resources" (already in spec->k8s), as the kubelet maps them. */
static int
ctr_limits_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	if (cg_limits_parse(json_object_get(body, PD_F_LIMITS), &spec->limits, err) < 0)
		return -1;
	if (spec->k8s != NULL && cg_limits_from_resources(json_object_get(spec->k8s, "resources"),
							  &spec->limits, err) < 0)
		return -1;
	return cg_limits_check_pairs(&spec->limits, err);
}

int
ctr_spec_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME,
					      PD_F_POD,
					      PD_F_IMAGE,
					      PD_F_ROOTFS,
					      PD_F_COMMAND,
					      PD_F_ENV,
					      PD_F_WORKDIR,
					      PD_F_HOSTNAME,
					      PD_F_CAP_ADD,
					      PD_F_CAP_DROP,
					      PD_F_READ_ONLY,
					      PD_F_AUTO_REMOVE,
					      PD_F_START,
					      PD_F_NS_NETWORK,
					      PD_F_NS_PID,
					      PD_F_NS_IPC,
					      PD_F_NS_UTS,
					      PD_F_EPHEMERAL,
					      PD_F_TTY,
					      PD_F_STDIN,
					      PD_F_TTY_SIZE,
					      PD_F_TARGET_PROCESS,
					      PD_F_ENTRYPOINT,
					      PD_F_USER,
					      PD_F_STOP_SIGNAL,
					      PD_F_VOLUMES,
					      PD_F_TMPFS,
					      PD_F_MOUNT,
					      PD_F_ROLE,
					      PD_F_STOP_TIMEOUT,
					      PD_F_LIVENESS_PROBE,
					      PD_F_READINESS_PROBE,
					      PD_F_STARTUP_PROBE,
					      PD_F_HEALTHCHECK,
					      PD_F_RESTART_POLICY, /* restart */
					      CTR_SPEC_K8S_KEYS,
					      "pod_mounts",
					      CTR_PRIV_KEYS,     /* issue 13 */
					      PD_F_LIMITS,       /* issue 13, cgroups */
					      PD_F_SECURITY_OPT, /* issue 13 */
					      PD_F_PORTS,        /* issue 14, attach */
					      PD_F_PUBLISH_ALL,
					      NULL};
	const char *name = NULL, *pod = NULL, *image = NULL, *rootfs = NULL, *workdir = NULL;
	const char *hostname = NULL;
	long long target = 0;
	json_t *v;

	memset(spec, 0, sizeof(*spec));
	if (pd_json_check_keys(body, "container", allowed, err) < 0)
		return -1;
	if (pd_json_get_int(body, PD_F_TARGET_PROCESS, 1, 4194304, &target, err) < 0)
		return -1;
	spec->target_pid = (pid_t)target;
	if (pd_json_get_string(body, PD_F_NAME, &name, err) < 0 ||
	    pd_json_get_string(body, PD_F_POD, &pod, err) < 0 ||
	    pd_json_get_string(body, PD_F_IMAGE, &image, err) < 0 ||
	    pd_json_get_string(body, PD_F_ROOTFS, &rootfs, err) < 0 ||
	    pd_json_get_string(body, PD_F_WORKDIR, &workdir, err) < 0 ||
	    pd_json_get_string(body, PD_F_HOSTNAME, &hostname, err) < 0 ||
	    pd_json_get_bool(body, PD_F_READ_ONLY, &spec->read_only, err) < 0 ||
	    pd_json_get_bool(body, PD_F_AUTO_REMOVE, &spec->auto_remove, err) < 0 ||
	    pd_json_get_bool(body, PD_F_EPHEMERAL, &spec->ephemeral, err) < 0 ||
	    pd_json_get_bool(body, PD_F_TTY, &spec->tty, err) < 0 ||
	    pd_json_get_bool(body, PD_F_STDIN, &spec->open_stdin, err) < 0 ||
	    pd_json_get_tty_size(body, PD_F_TTY_SIZE, &spec->tty_rows, &spec->tty_cols, err) < 0 ||
	    pd_json_get_bool(body, PD_F_START, &spec->start, err) < 0)
		return -1;
	if (name != NULL) {
		if (pd_name_validate(name, "container name", err) < 0)
			return -1;
		memcpy(spec->name, name, strlen(name) + 1);
	}
	if (pod != NULL && copy_ref(spec->pod, sizeof(spec->pod), pod, "pod", err) < 0)
		return -1;
	if ((image == NULL) == (rootfs == NULL))
		return pd_fail(err, PD_E_INVALID, "give exactly one of \"image\" and \"rootfs\"");
	if (image != NULL && copy_ref(spec->image, sizeof(spec->image), image, "image", err) < 0)
		return -1;
	if (rootfs != NULL) {
		v = json_object_get(body, PD_F_ROOTFS);
		if (check_string(v, CTR_PATH_MAX - 1, "field \"rootfs\"", err) < 0 ||
		    check_abs_path(rootfs, "rootfs", err) < 0)
			return -1;
		spec->rootfs = xstrdup(rootfs);
	}
	if (workdir != NULL) {
		v = json_object_get(body, PD_F_WORKDIR);
		if (check_string(v, CTR_PATH_MAX - 1, "field \"workdir\"", err) < 0 ||
		    check_abs_path(workdir, "workdir", err) < 0)
			return -1;
		spec->workdir = xstrdup(workdir);
	}
	if (config_parse(body, spec, err) < 0)
		return -1;
	if (hostname != NULL) {
		if (pd_name_validate(hostname, "hostname", err) < 0)
			return -1;
		memcpy(spec->hostname, hostname, strlen(hostname) + 1);
	}
	if (get_array(body, PD_F_COMMAND, CTR_MAX_ARGS, NULL, &spec->command, err) < 0 ||
	    get_array(body, PD_F_ENV, CTR_MAX_ENV, check_env, &spec->env, err) < 0 ||
	    get_array(body, PD_F_CAP_ADD, CTR_MAX_CAPS, NULL, &spec->cap_add, err) < 0 ||
	    get_array(body, PD_F_CAP_DROP, CTR_MAX_CAPS, NULL, &spec->cap_drop, err) < 0)
		return -1;
	for (int k = 0; k < CTR_NS_KINDS; k++) {
		const char *mode = "";

		if (pd_json_get_string(body, ns_fields[k], &mode, err) < 0 ||
		    ns_mode_parse((enum ctr_ns_kind)k, mode, &spec->ns[k], err) < 0)
			return -1;
		/* In a pod, only another container's PID namespace may be
		 * joined (a debug container's --target), checked to be of the
		 * same pod when the target is resolved. */
		if (spec->ns[k].how != CTR_NS_DEFAULT && spec->pod[0] != '\0' &&
		    !(k == CTR_NS_PID && spec->ns[k].how == CTR_NS_CONTAINER))
			return pd_fail(
			    err, PD_E_INVALID,
			    "--pod and %s=%s conflict: a container in a pod has the pod's "
			    "namespaces",
			    ns_flags[k], mode);
	}
	for (int k = 0; k < CTR_NS_KINDS && spec->target_pid > 0; k++)
		if (spec->ns[k].how != CTR_NS_DEFAULT)
			return pd_fail(err, PD_E_INVALID,
				       "--process and %s conflict: the container takes the "
				       "process's namespaces",
				       ns_flags[k]);
	if (spec->target_pid > 0 && (spec->pod[0] != '\0' || spec->hostname[0] != '\0'))
		return pd_fail(err, PD_E_INVALID,
			       "--process and %s conflict: the container takes the process's "
			       "namespaces",
			       spec->pod[0] != '\0' ? "--pod" : "--hostname");
	if (spec->hostname[0] != '\0' && spec->ns[CTR_NS_UTS].how != CTR_NS_DEFAULT)
		return pd_fail(err, PD_E_INVALID,
			       "--hostname and --uts conflict: the hostname is the namespace's");
	if (ctr_net_parse(body, spec, err) < 0) /* issue 14, attach */
		return -1;
	/* No command is fine here: the image may have one (ctr_image.h). */
	if (ctr_life_parse(body, spec, err) < 0 || restart_parse(body, spec, err) < 0)
		return -1;
	if (mount_spec_parse_body(json_object_get(body, PD_F_VOLUMES),
				  json_object_get(body, PD_F_TMPFS),
				  json_object_get(body, PD_F_MOUNT), &spec->mounts, err) < 0)
		return -1;
	/* issue 12, podspec */
	if (pod_mounts_parse(json_object_get(body, "pod_mounts"), spec->mounts, err) < 0 ||
	    ctr_spec_k8s_parse(body, spec, err) < 0)
		return -1;
	if (security_opt_parse(
		json_object_get(body, PD_F_SECURITY_OPT),
		json_is_false(json_object_get(spec->k8s, "allow_privilege_escalation")), &spec->sec,
		err) < 0)
		return -1;
	if (ctr_dns_check(spec, err) < 0) /* issue 14, dns */
		return -1;
	if (spec->pod[0] == '\0' && json_array_size(json_object_get(body, "pod_mounts")) > 0)
		return pd_fail(err, PD_E_INVALID, "\"pod_mounts\" are for a container in a pod");
	if (probes_parse(body, spec, err) < 0)
		return -1;
	if (ctr_limits_parse(body, spec, err) < 0) /* issue 13, cgroups */
		return -1;
	if (compute_caps(spec, err) < 0)
		return -1;
	return ctr_priv_parse_spec(body, spec, err); /* issue 13, privileges */
}

void
ctr_spec_clear(struct ctr_spec *spec)
{
	free(spec->rootfs);
	free(spec->workdir);
	json_decref(spec->command);
	json_decref(spec->env);
	json_decref(spec->cap_add);
	json_decref(spec->cap_drop);
	json_decref(spec->entrypoint);
	json_decref(spec->image_config);
	free(spec->user);
	spec->rootfs = spec->workdir = spec->user = NULL;
	spec->command = spec->env = spec->cap_add = spec->cap_drop = NULL;
	spec->entrypoint = spec->image_config = NULL;
	json_decref(spec->mounts);
	spec->mounts = NULL;
	json_decref(spec->ports); /* issue 14, attach */
	spec->ports = NULL;
	json_decref(spec->k8s); /* issue 12, podspec */
	spec->k8s = NULL;
	json_decref(spec->priv); /* issue 13 */
	spec->priv = NULL;
	security_opt_clear(&spec->sec);
	for (int k = 0; k < PROBE_KINDS; k++) {
		json_decref(spec->probes[k]);
		spec->probes[k] = NULL;
	}
}

int
exec_spec_parse(const json_t *body, struct exec_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_COMMAND, PD_F_ENV,      PD_F_WORKDIR,
					      PD_F_USER,    PD_F_TTY,      PD_F_STDIN,
					      PD_F_DETACH,  PD_F_TTY_SIZE, NULL};
	const char *workdir = NULL, *user = NULL;
	json_t *v;

	memset(spec, 0, sizeof(*spec));
	if (pd_json_check_keys(body, "exec", allowed, err) < 0)
		return -1;
	if (pd_json_get_string(body, PD_F_WORKDIR, &workdir, err) < 0 ||
	    pd_json_get_string(body, PD_F_USER, &user, err) < 0 ||
	    pd_json_get_bool(body, PD_F_TTY, &spec->tty, err) < 0 ||
	    pd_json_get_bool(body, PD_F_STDIN, &spec->open_stdin, err) < 0 ||
	    pd_json_get_bool(body, PD_F_DETACH, &spec->detach, err) < 0 ||
	    pd_json_get_tty_size(body, PD_F_TTY_SIZE, &spec->tty_rows, &spec->tty_cols, err) < 0)
		return -1;
	if (get_array(body, PD_F_COMMAND, CTR_MAX_ARGS, NULL, &spec->command, err) < 0 ||
	    get_array(body, PD_F_ENV, CTR_MAX_ENV, check_env, &spec->env, err) < 0)
		return -1;
	if (json_array_size(spec->command) == 0)
		return pd_fail(err, PD_E_INVALID, "field \"command\" is required: what to run");
	if (json_string_length(json_array_get(spec->command, 0)) == 0)
		return pd_fail(err, PD_E_INVALID, "the command is an empty string");
	if (workdir != NULL) {
		v = json_object_get(body, PD_F_WORKDIR);
		if (check_string(v, CTR_PATH_MAX - 1, "field \"workdir\"", err) < 0 ||
		    check_abs_path(workdir, "workdir", err) < 0)
			return -1;
		spec->workdir = xstrdup(workdir);
	}
	if (user != NULL) {
		if (check_string(json_object_get(body, PD_F_USER), PD_USER_MAX - 1,
				 "field \"user\"", err) < 0 ||
		    pd_user_validate(user, err) < 0)
			return -1;
		memcpy(spec->user, user, strlen(user) + 1);
	}
	return 0;
}

void
exec_spec_clear(struct exec_spec *spec)
{
	json_decref(spec->command);
	json_decref(spec->env);
	free(spec->workdir);
	spec->command = spec->env = NULL;
	spec->workdir = NULL;
}

json_t *
ctr_caps_json(uint64_t caps)
{
	json_t *a = json_array();

	for (int i = 0; i <= PD_CAP_LAST; i++)
		if (caps & (UINT64_C(1) << i))
			json_array_append_new(a, json_string(pd_cap_name(i)));
	return a;
}

/* issue 11, config: the record's optional keys (older records have none). */
static void
config_to_json(const struct ctr_spec *s, json_t *j)
{
	if (s->entrypoint != NULL)
		json_object_set(j, PD_F_ENTRYPOINT, s->entrypoint);
	if (s->user != NULL)
		json_object_set_new(j, PD_F_USER, json_string(s->user));
	if (s->stop_signal != 0)
		json_object_set_new(j, PD_F_STOP_SIGNAL, json_integer(s->stop_signal));
	if (s->image_config != NULL)
		json_object_set(j, PD_F_CONFIG, s->image_config);
}

/* The same keys off @rest (a copy of the record) into @s, checked. */
static int
config_from_json(json_t *rest, struct ctr_spec *s, struct pd_err *err)
{
	json_t *ep = json_object_get(rest, PD_F_ENTRYPOINT);
	json_t *user = json_object_get(rest, PD_F_USER);
	json_t *sig = json_object_get(rest, PD_F_STOP_SIGNAL);
	json_t *cfg = json_object_get(rest, PD_F_CONFIG);

	if (ep != NULL && check_array(ep, CTR_MAX_ARGS, PD_F_ENTRYPOINT, NULL, err) < 0)
		return pd_err_prefix(err, "bad container record");
	if (user != NULL && (check_string(user, PD_USER_MAX - 1, PD_F_USER, err) < 0 ||
			     pd_user_validate(json_string_value(user), err) < 0))
		return pd_err_prefix(err, "bad container record");
	if (sig != NULL &&
	    (!json_is_integer(sig) || json_integer_value(sig) < 1 || json_integer_value(sig) > 64))
		return pd_fail(err, PD_E_INVALID, "bad container record: bad %s", PD_F_STOP_SIGNAL);
	if (cfg != NULL && !json_is_object(cfg))
		return pd_fail(err, PD_E_INVALID, "bad container record: bad %s", PD_F_CONFIG);
	s->entrypoint = json_incref(ep);
	s->user = user != NULL ? xstrdup(json_string_value(user)) : NULL;
	s->stop_signal = sig != NULL ? (int)json_integer_value(sig) : 0;
	s->image_config = json_incref(cfg);
	json_object_del(rest, PD_F_ENTRYPOINT);
	json_object_del(rest, PD_F_USER);
	json_object_del(rest, PD_F_STOP_SIGNAL);
	json_object_del(rest, PD_F_CONFIG);
	return 0;
}

json_t *
ctr_record_to_json(const struct ctr_record *r)
{
	const struct ctr_spec *s = &r->spec;
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s*, s:O, s:O, s:s, s:s, s:O, s:O, s:I, "
	    "s:b, s:b, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I}",
	    "id", r->id, "name", s->name, "pod_id", s->pod, "image_id", s->image, "image_name",
	    r->image_name, "rootfs", s->rootfs, "command", s->command, "env", s->env, "workdir",
	    s->workdir, "hostname", s->hostname, "cap_add", s->cap_add, "cap_drop", s->cap_drop,
	    "caps", (json_int_t)s->caps, "read_only", s->read_only, "auto_remove", s->auto_remove,
	    "state", record_states[r->state], "created", r->created, "started", r->started,
	    "finished", r->finished, "exit_code", r->exit_code, "signal", r->signal, "reason",
	    r->reason, "shim_pid", (json_int_t)r->shim_pid, "shim_start_time",
	    (json_int_t)r->shim_start_time, "pid", (json_int_t)r->pid, "pid_start_time",
	    (json_int_t)r->pid_start_time);

	for (int k = 0; k < CTR_NS_KINDS && j != NULL; k++) {
		char mode[PD_ID_LEN + 16];

		ctr_ns_mode_format(&s->ns[k], mode, sizeof(mode));
		json_object_set_new(j, ns_fields[k], json_string(mode));
	}
	if (j != NULL) {
		json_object_set_new(j, PD_F_EPHEMERAL, json_boolean(s->ephemeral));
		json_object_set_new(j, PD_F_TTY, json_boolean(s->tty));
		json_object_set_new(j, PD_F_STDIN, json_boolean(s->open_stdin));
		if (s->mounts != NULL && json_array_size(s->mounts) > 0)
			json_object_set_new(j, PD_F_MOUNTS, json_deep_copy(s->mounts));
		if (s->target_pid > 0)
			json_object_set_new(j, PD_F_TARGET_PROCESS,
					    json_pack("[i, I]", (int)s->target_pid,
						      (json_int_t)s->target_start_time));
		config_to_json(s, j);
		ctr_life_to_json(r, j);
		if (r->oom_killed) /* issue 13, observe */
			json_object_set_new(j, PD_F_OOM_KILLED, json_true());
		for (int k = 0; k < PROBE_KINDS; k++)
			if (s->probes[k] != NULL)
				json_object_set(j, probe_kind_field((enum probe_kind)k),
						s->probes[k]);
		/* restart (issue 12) */
		json_object_set_new(j, PD_F_RESTART_POLICY, json_string(s->restart_policy));
		json_object_set_new(j, "restart", ctr_restart_to_json(&r->restart));
		if (s->k8s != NULL) /* issue 12, podspec */
			json_object_update(j, s->k8s);
		if (s->priv != NULL) /* issue 13 */
			json_object_update(j, s->priv);
		if (!cg_limits_empty(&s->limits)) /* issue 13, cgroups */
			json_object_set_new(j, PD_F_LIMITS, cg_limits_json(&s->limits));
		security_opt_to_record(&s->sec, j); /* issue 13 */
		ctr_net_to_record(r, j);            /* issue 14, attach */
	}
	return j;
}

static int
record_rest(const json_t *j, struct ctr_record *r, struct pd_err *err)
{
	const char *id, *name, *pod, *image, *image_name, *rootfs = NULL, *workdir, *hostname;
	const char *state, *created, *started, *finished, *sig, *reason;
	json_t *command, *env, *cap_add, *cap_drop;
	json_int_t caps, shim_pid, shim_start, pid, pid_start;
	int read_only, auto_remove, exit_code;
	struct ctr_spec *s = &r->spec;
	json_error_t jerr;
	bool found = false;

	memset(r, 0, sizeof(*r));
	if (json_unpack_ex(
		(json_t *)j, &jerr, JSON_STRICT,
		"{s:s, s:s, s:s, s:s, s:s, s?s, s:o, s:o, s:s, s:s, s:o, s:o, s:I, "
		"s:b, s:b, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I}",
		"id", &id, "name", &name, "pod_id", &pod, "image_id", &image, "image_name",
		&image_name, "rootfs", &rootfs, "command", &command, "env", &env, "workdir",
		&workdir, "hostname", &hostname, "cap_add", &cap_add, "cap_drop", &cap_drop, "caps",
		&caps, "read_only", &read_only, "auto_remove", &auto_remove, "state", &state,
		"created", &created, "started", &started, "finished", &finished, "exit_code",
		&exit_code, "signal", &sig, "reason", &reason, "shim_pid", &shim_pid,
		"shim_start_time", &shim_start, "pid", &pid, "pid_start_time", &pid_start) < 0)
		return pd_fail(err, PD_E_INVALID, "bad container record: %s", jerr.text);
	if (strlen(id) != PD_ID_LEN || !pd_is_id_prefix(id))
		return pd_fail(err, PD_E_INVALID, "bad container record: bad id");
	memcpy(r->id, id, PD_ID_LEN + 1);
	if (pd_name_validate(name, "container name", err) < 0)
		return pd_err_prefix(err, "bad container record");
	memcpy(s->name, name, strlen(name) + 1);
	if (pd_copy_bounded(s->pod, sizeof(s->pod), pod, "pod_id", err) < 0 ||
	    pd_copy_bounded(s->image, sizeof(s->image), image, "image_id", err) < 0 ||
	    pd_copy_bounded(r->image_name, sizeof(r->image_name), image_name, "image_name", err) <
		0 ||
	    pd_copy_bounded(s->hostname, sizeof(s->hostname), hostname, "hostname", err) < 0 ||
	    pd_copy_bounded(r->created, sizeof(r->created), created, "created", err) < 0 ||
	    pd_copy_bounded(r->started, sizeof(r->started), started, "started", err) < 0 ||
	    pd_copy_bounded(r->finished, sizeof(r->finished), finished, "finished", err) < 0 ||
	    pd_copy_bounded(r->signal, sizeof(r->signal), sig, "signal", err) < 0 ||
	    pd_copy_bounded(r->reason, sizeof(r->reason), reason, "reason", err) < 0)
		return pd_err_prefix(err, "bad container record");
	if ((rootfs != NULL && check_abs_path(rootfs, "rootfs", err) < 0) ||
	    check_abs_path(workdir, "workdir", err) < 0)
		return pd_err_prefix(err, "bad container record");
	if (check_array(command, CTR_MAX_ARGS, "command", NULL, err) < 0 ||
	    json_array_size(command) == 0 ||
	    check_array(env, CTR_MAX_ENV, "env", check_env, err) < 0 ||
	    check_array(cap_add, CTR_MAX_CAPS, "cap_add", NULL, err) < 0 ||
	    check_array(cap_drop, CTR_MAX_CAPS, "cap_drop", NULL, err) < 0) {
		if (err->kind == 0)
			pd_fail(err, PD_E_INVALID, "no command");
		return pd_err_prefix(err, "bad container record");
	}
	s->rootfs = rootfs != NULL ? xstrdup(rootfs) : NULL;
	s->workdir = xstrdup(workdir);
	s->command = json_incref(command);
	s->env = json_incref(env);
	s->cap_add = json_incref(cap_add);
	s->cap_drop = json_incref(cap_drop);
	s->caps = (uint64_t)caps & PD_CAP_ALL;
	s->read_only = read_only;
	s->auto_remove = auto_remove;
	for (size_t i = 0; i < N_STATES && !found; i++) {
		if (strcmp(state, record_states[i]) == 0) {
			r->state = (enum ctr_state)i;
			found = true;
		}
	}
	if (!found)
		return pd_fail(err, PD_E_INVALID, "bad container record: unknown state \"%.32s\"",
			       state);
	if (shim_pid < 0 || shim_pid > 4194304 || pid < 0 || pid > 4194304 || shim_start < 0 ||
	    pid_start < 0 || exit_code < -1 || exit_code > 255)
		return pd_fail(err, PD_E_INVALID,
			       "bad container record: process fields out of range");
	r->exit_code = exit_code;
	r->shim_pid = (pid_t)shim_pid;
	r->shim_start_time = (uint64_t)shim_start;
	r->pid = (pid_t)pid;
	r->pid_start_time = (uint64_t)pid_start;
	return 0;
}

int
ctr_record_from_json(const json_t *j, struct ctr_record *r, struct pd_err *err)
{
	cleanup_json json_t *rest = json_is_object(j) ? json_copy((json_t *)j) : NULL;
	const char *modes[CTR_NS_KINDS];
	pid_t target_pid = 0;
	uint64_t target_start = 0;
	json_t *target, *mounts;
	char restart_buf[RESTART_POLICY_MAX];
	struct ctr_restart restart_state;
	cleanup_json json_t *k8s = NULL;
	cleanup_json json_t *priv = NULL;
	struct cg_limits limits; /* issue 13 */

	memset(r, 0, sizeof(*r));
	if (rest == NULL)
		return pd_fail(err, PD_E_INVALID, "bad container record: not an object");
	/* The namespace modes come off a copy, so that the strict unpack of
	 * the rest sees only its own keys. */
	for (int k = 0; k < CTR_NS_KINDS; k++) {
		json_t *v = json_object_get(j, ns_fields[k]);

		if (!json_is_string(v))
			return pd_fail(err, PD_E_INVALID, "bad container record: no %s",
				       ns_fields[k]);
		modes[k] = json_string_value(v);
		json_object_del(rest, ns_fields[k]);
	}
	if (!json_is_boolean(json_object_get(j, PD_F_EPHEMERAL)))
		return pd_fail(err, PD_E_INVALID, "bad container record: no %s", PD_F_EPHEMERAL);
	json_object_del(rest, PD_F_EPHEMERAL);
	/* Optional: records written before terminals came have neither. */
	for (size_t i = 0; i < 2; i++) {
		const char *key = i == 0 ? PD_F_TTY : PD_F_STDIN;
		json_t *v = json_object_get(j, key);

		if (v != NULL && !json_is_boolean(v))
			return pd_fail(err, PD_E_INVALID, "bad container record: bad %s", key);
		json_object_del(rest, key);
	}
	/* Optional too: [pid, start time] of debug --process. */
	target = json_object_get(j, PD_F_TARGET_PROCESS);
	if (target != NULL) {
		json_int_t pid, start;

		if (json_unpack(target, "[I, I]", &pid, &start) < 0 || pid < 1 || pid > 4194304 ||
		    start < 0)
			return pd_fail(err, PD_E_INVALID, "bad container record: bad %s",
				       PD_F_TARGET_PROCESS);
		target_pid = (pid_t)pid;
		target_start = (uint64_t)start;
		json_object_del(rest, PD_F_TARGET_PROCESS);
	}
	/* Optional: records written before volumes came have none. */
	mounts = json_object_get(j, PD_F_MOUNTS);
	if (mounts != NULL && mount_spec_check_list(mounts, err) < 0)
		return pd_err_prefix(err, "bad container record");
	json_object_del(rest, PD_F_MOUNTS);
	ctr_net_strip(rest); /* issue 14, attach */
	/* restart (issue 12): optional, records before it have neither. */
	{
		struct ctr_restart rs = {0};
		struct restart_policy p = {0};
		json_t *pol = json_object_get(j, PD_F_RESTART_POLICY);
		json_t *st = json_object_get(j, "restart");

		if (pol != NULL && (!json_is_string(pol) ||
				    json_string_length(pol) >= sizeof(r->spec.restart_policy) ||
				    restart_policy_parse(json_string_value(pol), &p, err) < 0))
			return pd_fail(err, PD_E_INVALID, "bad container record: bad %s",
				       PD_F_RESTART_POLICY);
		if (st != NULL && ctr_restart_from_json(st, &rs, err) < 0)
			return -1;
		json_object_del(rest, PD_F_RESTART_POLICY);
		json_object_del(rest, "restart");
		restart_buf[0] = '\0'; /* "": none, read as "no" */
		if (pol != NULL && json_string_length(pol) > 0)
			restart_policy_format(&p, restart_buf, sizeof(restart_buf));
		/* podd writes it as docker spells it: anything else is not
		 * its record. */
		if (pol != NULL && strcmp(restart_buf, json_string_value(pol)) != 0)
			return pd_fail(err, PD_E_INVALID, "bad container record: bad %s",
				       PD_F_RESTART_POLICY);
		restart_state = rs;
	}
	/* issue 13, cgroups: optional, records before them have none. */
	if (cg_limits_parse(json_object_get(j, PD_F_LIMITS), &limits, err) < 0)
		return pd_err_prefix(err, "bad container record");
	json_object_del(rest, PD_F_LIMITS);
	/* issue 13, observe: optional, only when true. */
	if (json_object_get(j, PD_F_OOM_KILLED) != NULL &&
	    !json_is_boolean(json_object_get(j, PD_F_OOM_KILLED)))
		return pd_fail(err, PD_E_INVALID, "bad container record: bad %s", PD_F_OOM_KILLED);
	json_object_del(rest, PD_F_OOM_KILLED);
	/* issue 12, podspec: its keys, off the copy too. */
	{
		static const char *const k8s_keys[] = {CTR_SPEC_K8S_KEYS};
		struct ctr_spec k = {0};

		if (ctr_spec_k8s_parse(j, &k, err) < 0) {
			json_decref(k.k8s);
			return pd_err_prefix(err, "bad container record");
		}
		k8s = k.k8s;
		for (size_t i = 0; i < sizeof(k8s_keys) / sizeof(k8s_keys[0]); i++)
			json_object_del(rest, k8s_keys[i]);
	}
	/* issue 13: optional, records before it have none. */
	{
		static const char *const priv_keys[] = {CTR_PRIV_KEYS};

		if (ctr_priv_parse(j, &priv, err) < 0)
			return pd_err_prefix(err, "bad container record");
		for (size_t i = 0; i < sizeof(priv_keys) / sizeof(priv_keys[0]); i++)
			json_object_del(rest, priv_keys[i]);
	}
	security_opt_record_strip(rest); /* issue 13, read at the end */
	{
		struct ctr_spec cfg = {0};
		struct ctr_record life;

		/* issue 12, podlife: role, stop_timeout, seq. */
		if (ctr_life_from_json(rest, &life, err) < 0)
			return -1;
		/* Optional: probes (records before them have none). */
		if (probes_parse(j, &cfg, err) < 0) {
			ctr_spec_clear(&cfg);
			return pd_err_prefix(err, "bad container record");
		}
		for (int k = 0; k < PROBE_KINDS; k++)
			json_object_del(rest, probe_kind_field((enum probe_kind)k));
		if (config_from_json(rest, &cfg, err) < 0) {
			ctr_spec_clear(&cfg);
			return -1;
		}
		if (record_rest(rest, r, err) < 0) {
			ctr_spec_clear(&cfg);
			return -1;
		}
		r->spec.entrypoint = cfg.entrypoint;
		r->spec.user = cfg.user;
		r->spec.stop_signal = cfg.stop_signal;
		r->spec.image_config = cfg.image_config;
		memcpy(r->spec.role, life.spec.role, sizeof(r->spec.role));
		r->spec.stop_timeout = life.spec.stop_timeout;
		r->seq = life.seq;
		memcpy(r->spec.probes, cfg.probes, sizeof(cfg.probes));
	}
	r->spec.mounts = mounts != NULL ? json_deep_copy(mounts) : json_array();
	memcpy(r->spec.restart_policy, restart_buf, sizeof(restart_buf));
	r->restart = restart_state;
	r->spec.k8s = steal_ptr(k8s);
	r->spec.priv = steal_ptr(priv);
	r->spec.limits = limits; /* issue 13 */
	r->oom_killed = json_is_true(json_object_get(j, PD_F_OOM_KILLED));
	if (security_opt_from_record(j, &r->spec.sec, err) < 0)
		return -1;
	r->spec.target_pid = target_pid;
	r->spec.target_start_time = target_start;
	r->spec.tty = json_is_true(json_object_get(j, PD_F_TTY));
	r->spec.open_stdin = json_is_true(json_object_get(j, PD_F_STDIN));
	r->spec.ephemeral = json_is_true(json_object_get(j, PD_F_EPHEMERAL));
	for (int k = 0; k < CTR_NS_KINDS; k++)
		if (ns_mode_parse((enum ctr_ns_kind)k, modes[k], &r->spec.ns[k], err) < 0)
			return pd_err_prefix(err, "bad container record");
	return ctr_net_from_record(j, r, err); /* issue 14, attach */
}

/* ---- issue 12, podlife: role, stop_timeout, seq ----------------------- */

int
ctr_life_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	const char *role = PD_ROLE_APP;
	long long timeout = -1;

	if (pd_json_get_string(body, PD_F_ROLE, &role, err) < 0 ||
	    pd_json_get_int(body, PD_F_STOP_TIMEOUT, 0, PD_STOP_TIMEOUT_MAX_S, &timeout, err) < 0)
		return -1;
	if (strcmp(role, PD_ROLE_APP) != 0 && strcmp(role, PD_ROLE_INIT) != 0 &&
	    strcmp(role, PD_ROLE_SIDECAR) != 0)
		return pd_fail(err, PD_E_INVALID, "role: \"%.32s\" is not app, init or sidecar",
			       role);
	if (strcmp(role, PD_ROLE_APP) != 0 && spec->pod[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "role %s: an %s container needs a pod", role,
			       role);
	memcpy(spec->role, role, strlen(role) + 1);
	spec->stop_timeout = timeout;
	return 0;
}

void
ctr_life_to_json(const struct ctr_record *r, json_t *j)
{
	if (r->spec.role[0] != '\0' && strcmp(r->spec.role, PD_ROLE_APP) != 0)
		json_object_set_new(j, PD_F_ROLE, json_string(r->spec.role));
	if (r->spec.stop_timeout >= 0)
		json_object_set_new(j, PD_F_STOP_TIMEOUT, json_integer(r->spec.stop_timeout));
	if (r->seq > 0)
		json_object_set_new(j, PD_F_SEQ, json_integer(r->seq));
}

int
ctr_life_from_json(json_t *rest, struct ctr_record *r, struct pd_err *err)
{
	long long seq = 0;

	memset(r, 0, sizeof(*r));
	/* A role other than app needs a pod: the record's pod id stands in. */
	memcpy(r->spec.pod, "x", 2);
	if (ctr_life_parse(rest, &r->spec, err) < 0 ||
	    pd_json_get_int(rest, PD_F_SEQ, 1, 1000000000, &seq, err) < 0)
		return pd_err_prefix(err, "bad container record");
	r->seq = (unsigned)seq;
	json_object_del(rest, PD_F_ROLE);
	json_object_del(rest, PD_F_STOP_TIMEOUT);
	json_object_del(rest, PD_F_SEQ);
	return 0;
}

/* ---- issue 12, podspec: the Kubernetes-facing fields -------------------- */

/* A port name as Kubernetes takes it (IANA_SVC_NAME): 1 to 15 of a-z, 0-9
 * and '-', a letter among them, no "--", no '-' at an end. */
static bool
is_port_name(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-' || strstr(s, "--") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
		else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return false;
	}
	return letter;
}

static int
ports_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	json_t *list = json_array();
	const json_t *p;
	size_t i;

	json_object_set_new(out, "container_ports", list);
	if (!json_is_array(a) || json_array_size(a) > CTR_PORTS_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "field \"container_ports\" must be an array of at most %d",
			       CTR_PORTS_MAX);
	json_array_foreach (a, i, p) {
		static const char *const allowed[] = {"name",      "container_port", "protocol",
						      "host_port", "host_ip",        NULL};
		const char *name = NULL, *proto = "TCP", *host_ip = NULL;
		long long port = 0, host_port = 0;
		json_t *o;

		if (pd_json_check_keys(p, "container port", allowed, err) < 0 ||
		    pd_json_get_string(p, "name", &name, err) < 0 ||
		    pd_json_get_int(p, "container_port", 1, 65535, &port, err) < 0 ||
		    pd_json_get_string(p, "protocol", &proto, err) < 0 ||
		    pd_json_get_int(p, "host_port", 1, 65535, &host_port, err) < 0 ||
		    pd_json_get_string(p, "host_ip", &host_ip, err) < 0)
			return pd_err_prefix(err, "container_ports %zu", i);
		if (port == 0)
			return pd_fail(err, PD_E_INVALID, "container_ports %zu: no container_port",
				       i);
		if (strcmp(proto, "TCP") != 0 && strcmp(proto, "UDP") != 0 &&
		    strcmp(proto, "SCTP") != 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "container_ports %zu: protocol \"%.16s\" is not TCP, UDP or SCTP", i,
			    proto);
		if (name != NULL && !is_port_name(name))
			return pd_fail(
			    err, PD_E_INVALID,
			    "container_ports %zu: \"%.32s\" is not a port name (1 to 15 of "
			    "a-z, 0-9, '-', with a letter)",
			    i, name);
		for (size_t k = 0; name != NULL && k < json_array_size(list); k++)
			if (json_is_string(json_object_get(json_array_get(list, k), "name")) &&
			    strcmp(
				json_string_value(json_object_get(json_array_get(list, k), "name")),
				name) == 0)
				return pd_fail(err, PD_E_INVALID,
					       "container_ports: two ports are named \"%s\"", name);
		o = json_pack("{s:I, s:s}", "container_port", (json_int_t)port, "protocol", proto);
		if (name != NULL)
			json_object_set_new(o, "name", json_string(name));
		if (host_port > 0)
			json_object_set_new(o, "host_port", json_integer(host_port));
		if (host_ip != NULL)
			json_object_set_new(o, "host_ip", json_string(host_ip));
		json_array_append_new(list, o);
	}
	return 0;
}

/* A Kubernetes quantity: a decimal number and a suffix (binary Ki..Ei,
 * decimal m k M G T P E, or an exponent e3), as "500m", "1.5Gi", "2e3". */
static bool
is_quantity(const char *s)
{
	static const char *const suffixes[] = {"",   "m",  "k",  "M",  "G",  "T",  "P", "E",
					       "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL};
	const char *p = s;
	size_t digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0 || strlen(s) > 64)
		return false;
	if (*p == 'e' || *p == 'E') {
		const char *e = p + 1;

		if (*e == '+' || *e == '-')
			e++;
		if (*e >= '0' && *e <= '9') {
			while (*e >= '0' && *e <= '9')
				e++;
			return *e == '\0';
		}
	}
	for (size_t i = 0; suffixes[i] != NULL; i++)
		if (strcmp(p, suffixes[i]) == 0)
			return true;
	return false;
}

static int
resources_parse(const json_t *r, json_t *out, struct pd_err *err)
{
	static const char *const allowed[] = {"limits", "requests", NULL};

	if (!json_is_object(r))
		return pd_fail(err, PD_E_INVALID, "field \"resources\" must be an object");
	if (pd_json_check_keys(r, "resources", allowed, err) < 0)
		return -1;
	for (size_t i = 0; allowed[i] != NULL; i++) {
		const json_t *m = json_object_get(r, allowed[i]);
		const char *key;
		json_t *v;

		if (m == NULL || json_is_null(m))
			continue;
		if (!json_is_object(m) || json_object_size(m) > 32)
			return pd_fail(err, PD_E_INVALID, "resources: \"%s\" must be an object",
				       allowed[i]);
		json_object_foreach ((json_t *)m, key, v) {
			bool ok = key[0] != '\0' && strlen(key) <= 253;

			for (size_t k = 0; ok && key[k] != '\0'; k++)
				ok = (key[k] >= 'a' && key[k] <= 'z') ||
				     (key[k] >= 'A' && key[k] <= 'Z') ||
				     (key[k] >= '0' && key[k] <= '9') ||
				     strchr("-._/", key[k]) != NULL;
			if (!ok)
				return pd_fail(err, PD_E_INVALID,
					       "resources: \"%.64s\" is not a resource name", key);
			if (!json_is_string(v) || !is_quantity(json_string_value(v)))
				return pd_fail(
				    err, PD_E_INVALID,
				    "resources: %s \"%.64s\": not a quantity (such as 500m, "
				    "128Mi, 1)",
				    allowed[i], key);
		}
	}
	json_object_set_new(out, "resources", json_deep_copy(r));
	return 0;
}

/* issue 14, dns: a container that takes its network namespace from a pod
 * or another container has their resolv.conf and hosts. */
static int
ctr_dns_check(const struct ctr_spec *spec, struct pd_err *err)
{
	static const char *const keys[] = {CTR_SPEC_DNS_KEYS};
	static const char *const flags[] = {"--dns", "--dns-search", "--dns-option", "--add-host",
					    "--network-alias"};

	/* The DNS keys only: labels, last of CTR_SPEC_DNS_KEYS, are a
	 * container's own, in a pod too (issue 16: flags[] has no row for
	 * them, and printed a NULL). */
	_Static_assert(sizeof(keys) / sizeof(keys[0]) == sizeof(flags) / sizeof(flags[0]) + 1,
		       "a flag per DNS key");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (json_object_get(spec->k8s, keys[i]) == NULL)
			continue;
		if (spec->pod[0] != '\0')
			return pd_fail(err, PD_E_INVALID,
				       "%s is the pod's: give it to podctl pod create", flags[i]);
		if (spec->ns[CTR_NS_NET].how == CTR_NS_CONTAINER)
			return pd_fail(err, PD_E_INVALID,
				       "%s and --network container: conflict: the network is the "
				       "other container's",
				       flags[i]);
	}
	return 0;
}

int
ctr_spec_k8s_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	json_t *out = json_object(), *v;
	bool b;

	json_decref(spec->k8s);
	spec->k8s = out;
	for (size_t i = 0; i < 2; i++) {
		const char *key = i == 0 ? "privileged" : "allow_privilege_escalation";

		if (pd_json_get_bool(body, key, &b, err) < 0)
			return -1;
		if (json_object_get(body, key) != NULL)
			json_object_set_new(out, key, json_boolean(b));
	}
	if ((v = json_object_get(body, "container_ports")) != NULL && !json_is_null(v) &&
	    ports_parse(v, out, err) < 0)
		return -1;
	if ((v = json_object_get(body, "resources")) != NULL && !json_is_null(v) &&
	    resources_parse(v, out, err) < 0)
		return -1;
	if (pod_dns_keys_parse(body, true, out, err) < 0) /* issue 14, dns */
		return -1;
	/* issue 15: labels, as a pod's */
	if ((v = json_object_get(body, PD_F_LABELS)) != NULL && !json_is_null(v)) {
		if (pod_labels_check(v, err) < 0)
			return -1;
		json_object_set_new(out, PD_F_LABELS, json_deep_copy(v));
	}
	if ((v = json_object_get(body, "kube")) != NULL && !json_is_null(v)) {
		cleanup_free char *dump = NULL;

		if (!json_is_object(v))
			return pd_fail(err, PD_E_INVALID, "field \"kube\" must be an object");
		dump = json_dumps(v, JSON_COMPACT);
		if (dump == NULL || strlen(dump) > 64 * 1024)
			return pd_fail(err, PD_E_INVALID, "field \"kube\" is over 64 KiB");
		json_object_set_new(out, "kube", json_deep_copy(v));
	}
	return 0;
}
