/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing the shim's spec; see spec.h. Pure: jansson and lib/ only.
 */
#include "spec.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "name.h"
#include "ns.h"
#include "parse.h"
#include "shim.h"
#include "xalloc.h"

static const char *const ns_keys[SHIM_NS_COUNT] = {"net", "ipc", "uts", "pid"};

/* A string of at most @max bytes without NUL inside. NULL @v: absent. */
static int
get_str(const json_t *obj, const char *key, bool required, size_t max, const char **out,
	struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return pd_fail(err, PD_E_INVALID, "field \"%s\" is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be a string", key);
	if (json_string_length(v) > max)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" is over %zu bytes", key, max);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" holds a NUL byte", key);
	*out = json_string_value(v);
	return 0;
}

static int
check_abs(const char *key, const char *path, struct pd_err *err)
{
	if (path[0] != '/')
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an absolute path", key);
	return 0;
}

static int
get_path(const json_t *obj, const char *key, bool required, const char **out, struct pd_err *err)
{
	if (get_str(obj, key, required, SHIM_MAX_PATH, out, err) < 0)
		return -1;
	return *out == NULL ? 0 : check_abs(key, *out, err);
}

/* overlay splits its options on ',' and lowerdir on ':'; a backslash
 * escapes. A path holding one of them would change what is mounted. */
static int
check_overlay_path(const char *key, const char *path, struct pd_err *err)
{
	if (strpbrk(path, ",:\\") != NULL)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must not hold ',', ':' or '\\'",
			       key);
	return 0;
}

/* The array of strings @key into a new NULL-terminated array (*out, owned). */
static int
get_strv(const json_t *obj, const char *key, size_t max_n, const char ***out, size_t *n,
	 struct pd_err *err)
{
	json_t *arr = json_object_get(obj, key), *v;
	const char **vec;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		arr = NULL;
	else if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array of strings", key);
	*n = arr ? json_array_size(arr) : 0;
	if (*n > max_n)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" has more than %zu items", key,
			       max_n);
	/* Two spare slots: env may get a PATH, and a HOME (user.h). */
	vec = xcalloc(*n + 3, sizeof(*vec));
	*out = vec;
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			return pd_fail(err, PD_E_INVALID,
				       "field \"%s\" must be an array of strings", key);
		if (json_string_length(v) > SHIM_MAX_STRING)
			return pd_fail(err, PD_E_TOO_LARGE, "an item of \"%s\" is over %d bytes",
				       key, SHIM_MAX_STRING);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return pd_fail(err, PD_E_INVALID, "an item of \"%s\" holds a NUL byte",
				       key);
		vec[i] = json_string_value(v);
	}
	return 0;
}

static int
env_check(struct shim_spec *spec, struct pd_err *err)
{
	for (size_t i = 0; i < spec->n_env; i++) {
		const char *kv = spec->env[i], *eq = strchr(kv, '=');

		if (eq == NULL || eq == kv)
			return pd_fail(err, PD_E_INVALID, "env item \"%.64s\" is not KEY=VALUE",
				       kv);
		/* The last PATH wins, as getenv would find the first: no
		 * duplicates are expected from podd, so take the first. */
		if (spec->path == NULL && eq - kv == 4 && memcmp(kv, "PATH", 4) == 0)
			spec->path = eq + 1;
		if (eq - kv == 4 && memcmp(kv, "HOME", 4) == 0)
			spec->has_home = true;
	}
	/* As docker does, a workload gets the PATH it is searched in. */
	if (spec->path == NULL) {
		spec->path = SHIM_DEFAULT_PATH;
		spec->env[spec->n_env++] = "PATH=" SHIM_DEFAULT_PATH;
	}
	return 0;
}

static int
caps_check(const struct shim_spec *spec, struct pd_err *err)
{
	for (size_t i = 0; i < spec->n_caps; i++) {
		const char *c = spec->caps[i];
		size_t len = strlen(c);

		if (len <= 4 || len > SHIM_MAX_CAPNAME || strncmp(c, "CAP_", 4) != 0 ||
		    strspn(c + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != len - 4)
			return pd_fail(err, PD_E_INVALID, "bad capability name \"%.40s\"", c);
	}
	return 0;
}

/* "fd:N" with N in 3..1023 (0..2 are stdio; the sync fd is checked
 * against it in main). Returns N, or -1 when @v is not that. */
static int
fd_value(const char *v)
{
	long long fd;
	struct pd_err ignored;

	if (strncmp(v, PD_SHIM_NS_FD_PRE, strlen(PD_SHIM_NS_FD_PRE)) != 0 ||
	    pd_parse_int(v + strlen(PD_SHIM_NS_FD_PRE), 3, 1023, &fd, &ignored) < 0)
		return -1;
	return (int)fd;
}

static int
ns_value(const char *key, const char *v, struct shim_ns *ns, struct pd_err *err)
{
	ns->fd = -1;
	if (v == NULL)
		return pd_fail(err, PD_E_INVALID, "namespaces.%s must be a string", key);
	if (strcmp(v, PD_SHIM_NS_NEW) == 0) {
		ns->mode = SHIM_NS_NEW;
	} else if (strcmp(v, PD_SHIM_NS_HOST) == 0) {
		ns->mode = SHIM_NS_HOST;
	} else if (v[0] == '/') {
		ns->mode = SHIM_NS_PATH;
		ns->path = v;
	} else if (strncmp(v, PD_SHIM_NS_FD_PRE, strlen(PD_SHIM_NS_FD_PRE)) == 0) {
		ns->fd = fd_value(v);
		if (ns->fd < 0)
			return pd_fail(err, PD_E_INVALID,
				       "namespace \"%s\": bad fd in \"%.32s\" (use fd:3..fd:1023)",
				       key, v);
		ns->mode = SHIM_NS_FD;
	} else {
		return pd_fail(err, PD_E_INVALID,
			       "namespace \"%s\": bad value \"%.64s\" (use new, host, a path or "
			       "fd:N)",
			       key, v);
	}
	return 0;
}

static int
ns_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	static const char *const ns_allowed[] = {"net", "ipc", "uts", "pid", NULL};
	static const char *const hold_allowed[] = {"net", "ipc", "uts", NULL};
	json_t *nss = json_object_get(j, PD_SHIM_NAMESPACES);
	json_t *hold = json_object_get(j, PD_SHIM_HOLD);

	if (nss == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is required", PD_SHIM_NAMESPACES);
	if (pd_json_check_keys(nss, PD_SHIM_NAMESPACES, ns_allowed, err) < 0)
		return -1;
	if (hold != NULL && pd_json_check_keys(hold, PD_SHIM_HOLD, hold_allowed, err) < 0)
		return -1;
	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		struct shim_ns *ns = &spec->ns[i];
		const char *v = NULL;

		if (get_str(nss, ns_keys[i], true, SHIM_MAX_PATH, &v, err) < 0)
			return pd_err_prefix(err, "%s", PD_SHIM_NAMESPACES);
		if (ns_value(ns_keys[i], v, ns, err) < 0)
			return -1;
		if (hold == NULL || i == PD_NS_PID)
			continue;
		if (get_path(hold, ns_keys[i], false, &ns->hold, err) < 0)
			return pd_err_prefix(err, "%s", PD_SHIM_HOLD);
		if (ns->hold != NULL && ns->mode != SHIM_NS_NEW)
			return pd_fail(err, PD_E_INVALID,
				       "hold: \"%s\" given for a namespace that is not new",
				       ns_keys[i]);
	}
	return 0;
}

/* The dir every lower (absolute, checked) is a direct entry of (the store's
 * layers/), so that lowerdir can name them relative to it: mount(2) takes at most a page of
 * options, which 40-odd absolute layer paths fill. NULL when they differ. */
static void
lower_dir_find(struct shim_spec *spec)
{
	const char *first = spec->lowers[0], *slash = strrchr(first, '/');
	size_t len;

	free(spec->lower_dir);
	spec->lower_dir = NULL;
	if (slash == NULL)
		return;
	len = (size_t)(slash - first);
	if (len == 0 || slash[1] == '\0')
		return;
	for (size_t i = 1; i < spec->n_lowers; i++) {
		const char *l = spec->lowers[i];

		if (strncmp(l, first, len + 1) != 0 || l[len + 1] == '\0' ||
		    strchr(l + len + 1, '/') != NULL)
			return;
	}
	spec->lower_dir = xstrndup(first, len);
}

/* The image's layer dirs, exclusive with rootfs. */
static int
lowers_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	const json_t *a = json_object_get(j, PD_SHIM_LOWERS);

	if ((a == NULL) == (spec->rootfs == NULL))
		return pd_fail(err, PD_E_INVALID, "give exactly one of \"%s\" and \"%s\"",
			       PD_SHIM_ROOTFS, PD_SHIM_LOWERS);
	if (a == NULL)
		return 0;
	if (get_strv(j, PD_SHIM_LOWERS, SHIM_MAX_LOWERS, &spec->lowers, &spec->n_lowers, err) < 0)
		return -1;
	if (spec->n_lowers == 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must not be empty", PD_SHIM_LOWERS);
	for (size_t i = 0; i < spec->n_lowers; i++) {
		if (strlen(spec->lowers[i]) > SHIM_MAX_PATH)
			return pd_fail(err, PD_E_TOO_LARGE, "a lower dir is over %d bytes",
				       SHIM_MAX_PATH);
		if (check_abs(PD_SHIM_LOWERS, spec->lowers[i], err) < 0 ||
		    check_overlay_path(PD_SHIM_LOWERS, spec->lowers[i], err) < 0)
			return -1;
	}
	lower_dir_find(spec);
	return 0;
}

static int
paths_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	if (get_path(j, PD_SHIM_ROOTFS, false, &spec->rootfs, err) < 0 ||
	    lowers_parse(j, spec, err) < 0 ||
	    get_path(j, PD_SHIM_UPPER, !spec->read_only, &spec->upper, err) < 0 ||
	    get_path(j, PD_SHIM_WORK, !spec->read_only, &spec->work, err) < 0 ||
	    get_path(j, PD_SHIM_MOUNT_POINT, true, &spec->mount_point, err) < 0 ||
	    get_path(j, PD_SHIM_ETC_DIR, false, &spec->etc_dir, err) < 0 ||
	    get_path(j, PD_SHIM_LOG, true, &spec->log, err) < 0 ||
	    get_path(j, PD_SHIM_EXIT_FILE, true, &spec->exit_file, err) < 0 ||
	    get_path(j, PD_SHIM_CWD, false, &spec->cwd, err) < 0)
		return -1;
	if (spec->read_only && (spec->upper != NULL || spec->work != NULL))
		return pd_fail(err, PD_E_INVALID, "\"%s\" and \"%s\" must be absent when \"%s\"",
			       PD_SHIM_UPPER, PD_SHIM_WORK, PD_SHIM_READ_ONLY);
	if (!spec->read_only &&
	    ((spec->rootfs != NULL && check_overlay_path(PD_SHIM_ROOTFS, spec->rootfs, err) < 0) ||
	     check_overlay_path(PD_SHIM_UPPER, spec->upper, err) < 0 ||
	     check_overlay_path(PD_SHIM_WORK, spec->work, err) < 0))
		return -1;
	/* One read-only layer needs no overlay: it is bound as a rootfs is. */
	if (spec->read_only && spec->n_lowers == 1)
		spec->rootfs = spec->lowers[0];
	/* The exit file is written in its directory: it needs a name there. */
	if (spec->exit_file[strlen(spec->exit_file) - 1] == '/')
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must name a file",
			       PD_SHIM_EXIT_FILE);
	if (spec->cwd == NULL)
		spec->cwd = "/";
	return 0;
}

/* What a container has and an exec session does not. */
static const char *const container_keys[] = {
    PD_SHIM_ROOTFS,
    PD_SHIM_LOWERS,
    PD_SHIM_READ_ONLY,
    PD_SHIM_UPPER,
    PD_SHIM_WORK,
    PD_SHIM_MOUNT_POINT,
    PD_SHIM_ETC_DIR,
    PD_SHIM_HOSTNAME,
    PD_SHIM_HOLD,
    PD_SHIM_MOUNTS,
    NULL,
};

/* ---- mounts (issue 11, volumes) ---- */

/* A target inside the container: absolute, not "/", no "." or ".."
 * component (the shim resolves it in the root, never by lexical tricks). */
static int
check_target(const char *t, struct pd_err *err)
{
	const char *p = t;

	if (t[0] != '/' || t[1] == '\0')
		return pd_fail(err, PD_E_INVALID,
			       "mount target \"%.80s\" must be an absolute path "
			       "other than /",
			       t);
	while (*p != '\0') {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return pd_fail(err, PD_E_INVALID,
				       "mount target \"%.80s\" has a \".\" or \"..\" component", t);
		p += len;
	}
	return 0;
}

static int
mount_parse(const json_t *j, struct shim_mount *m, struct pd_err *err)
{
	static const char *const allowed[] = {
	    "type", "source", "target",   "read_only",       "copy_up",
	    "size", "mode",   "sub_path", "sub_path_create", NULL};
	const char *type = "";
	long long size = 0, mode = 01777;

	if (pd_json_check_keys(j, "mount", allowed, err) < 0 ||
	    get_str(j, "type", true, 16, &type, err) < 0 ||
	    get_path(j, "target", true, &m->target, err) < 0 ||
	    get_path(j, "source", false, &m->source, err) < 0 ||
	    pd_json_get_bool(j, "read_only", &m->read_only, err) < 0 ||
	    pd_json_get_bool(j, "copy_up", &m->copy_up, err) < 0 ||
	    pd_json_get_int(j, "size", 0, 1LL << 50, &size, err) < 0 ||
	    pd_json_get_int(j, "mode", 0, 07777, &mode, err) < 0 ||
	    get_str(j, "sub_path", false, SHIM_MAX_PATH, &m->sub_path, err) < 0 ||
	    pd_json_get_bool(j, "sub_path_create", &m->sub_path_create, err) < 0)
		return -1;
	if (check_target(m->target, err) < 0)
		return -1;
	/* issue 12, podspec: relative, and no ".." (podd checked it too). */
	if (m->sub_path != NULL) {
		char *abs = xasprintf("/%s", m->sub_path);
		int r =
		    m->sub_path[0] == '/' || m->sub_path[0] == '\0' ? -1 : check_target(abs, err);

		free(abs);
		if (r < 0)
			return pd_fail(err, PD_E_INVALID, "bad sub_path \"%.80s\"", m->sub_path);
		if (m->copy_up)
			return pd_fail(err, PD_E_INVALID, "a sub_path mount has no copy_up");
	}
	m->size = (unsigned long long)size;
	m->mode = (unsigned)mode;
	if (strcmp(type, "bind") == 0) {
		m->type = SHIM_MOUNT_BIND;
		if (m->source == NULL)
			return pd_fail(err, PD_E_INVALID, "a bind mount needs \"source\"");
		if (json_object_get(j, "size") != NULL || json_object_get(j, "mode") != NULL)
			return pd_fail(err, PD_E_INVALID, "size and mode are for a tmpfs");
		return 0;
	}
	if (m->sub_path != NULL) {
		return pd_fail(err, PD_E_INVALID, "a sub_path is for a bind mount");
	}
	if (strcmp(type, "tmpfs") == 0) {
		m->type = SHIM_MOUNT_TMPFS;
		if (m->source != NULL || m->copy_up)
			return pd_fail(err, PD_E_INVALID, "a tmpfs has no source and no copy_up");
		return 0;
	}
	return pd_fail(err, PD_E_INVALID, "mount type \"%.16s\" is not bind or tmpfs", type);
}

static int
mounts_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	json_t *arr = json_object_get(j, PD_SHIM_MOUNTS), *v;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array", PD_SHIM_MOUNTS);
	if (json_array_size(arr) > SHIM_MAX_MOUNTS)
		return pd_fail(err, PD_E_TOO_LARGE, "field \"%s\" has more than %d items",
			       PD_SHIM_MOUNTS, SHIM_MAX_MOUNTS);
	if (json_array_size(arr) == 0)
		return 0;
	spec->mounts = xcalloc(json_array_size(arr), sizeof(*spec->mounts));
	json_array_foreach (arr, i, v) {
		if (mount_parse(v, &spec->mounts[i], err) < 0)
			return pd_err_prefix(err, "%s[%zu]", PD_SHIM_MOUNTS, i);
		spec->n_mounts++;
	}
	return 0;
}

static int
container_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	if (get_str(j, PD_SHIM_HOSTNAME, false, PD_NAME_MAX, &spec->hostname, err) < 0 ||
	    (spec->hostname != NULL && pd_name_validate(spec->hostname, "hostname", err) < 0))
		return -1;
	if (pd_json_get_bool(j, PD_SHIM_READ_ONLY, &spec->read_only, err) < 0)
		return -1;
	if (paths_parse(j, spec, err) < 0 || mounts_parse(j, spec, err) < 0)
		return -1;
	return ns_parse(j, spec, err);
}

static int
exec_parse(const json_t *j, const char *target, struct shim_spec *spec, struct pd_err *err)
{
	for (size_t i = 0; container_keys[i] != NULL; i++)
		if (json_object_get(j, container_keys[i]) != NULL)
			return pd_fail(err, PD_E_INVALID,
				       "field \"%s\" is not for an exec session (\"%s\" is given)",
				       container_keys[i], PD_SHIM_TARGET);
	if (json_object_get(j, PD_SHIM_NAMESPACES) != NULL)
		return pd_fail(err, PD_E_INVALID,
			       "field \"%s\" is not for an exec session (\"%s\" is given)",
			       PD_SHIM_NAMESPACES, PD_SHIM_TARGET);
	spec->target = fd_value(target);
	if (spec->target < 0)
		return pd_fail(err, PD_E_INVALID,
			       "field \"%s\": bad value \"%.32s\" (use fd:3..fd:1023)",
			       PD_SHIM_TARGET, target);
	spec->ns[PD_NS_PID].mode = SHIM_NS_FD;
	spec->ns[PD_NS_PID].fd = spec->target;
	if (get_path(j, PD_SHIM_LOG, true, &spec->log, err) < 0 ||
	    get_path(j, PD_SHIM_EXIT_FILE, true, &spec->exit_file, err) < 0 ||
	    get_path(j, PD_SHIM_CWD, false, &spec->cwd, err) < 0)
		return -1;
	if (spec->exit_file[strlen(spec->exit_file) - 1] == '/')
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must name a file",
			       PD_SHIM_EXIT_FILE);
	if (spec->cwd == NULL)
		spec->cwd = "/";
	return 0;
}

/* ---- cgroups (issue 13) ---- */

static int
cgroup_mount_parse(const json_t *j, struct shim_cgroup_mount *m, struct pd_err *err)
{
	static const char *const allowed[] = {"type", "target", "options", NULL};
	const char *type = "";

	if (pd_json_check_keys(j, "cgroup mount", allowed, err) < 0 ||
	    get_str(j, "type", true, 16, &type, err) < 0 ||
	    get_path(j, "target", true, &m->target, err) < 0 ||
	    get_str(j, "options", false, 256, &m->options, err) < 0)
		return -1;
	if (strcmp(m->target, "/sys/fs/cgroup") != 0 &&
	    (strncmp(m->target, "/sys/fs/cgroup/", 15) != 0 || m->target[15] == '\0' ||
	     strchr(m->target + 15, '/') != NULL || strcmp(m->target + 15, "..") == 0 ||
	     strcmp(m->target + 15, ".") == 0))
		return pd_fail(err, PD_E_INVALID,
			       "cgroup mount target \"%.80s\" is not /sys/fs/cgroup[/NAME]",
			       m->target);
	m->v2 = strcmp(type, "cgroup2") == 0;
	if (!m->v2 && strcmp(type, "cgroup") != 0)
		return pd_fail(err, PD_E_INVALID, "cgroup mount type \"%.16s\"", type);
	if (m->v2 == (m->options != NULL))
		return pd_fail(err, PD_E_INVALID,
			       "a v1 cgroup mount needs \"options\", a cgroup2 one has none");
	if (m->options != NULL &&
	    strspn(m->options, "abcdefghijklmnopqrstuvwxyz_,=") != strlen(m->options))
		return pd_fail(err, PD_E_INVALID, "cgroup mount options \"%.40s\"", m->options);
	return 0;
}

static int
cgroups_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	json_t *arr = json_object_get(j, PD_SHIM_CGROUP_MOUNTS), *v;
	size_t i;

	if (get_strv(j, PD_SHIM_CGROUPS, SHIM_MAX_CGROUPS, &spec->cgroups, &spec->n_cgroups, err) <
		0 ||
	    pd_json_get_bool(j, PD_SHIM_CGROUP_NS, &spec->cgroup_ns, err) < 0)
		return -1;
	for (i = 0; i < spec->n_cgroups; i++)
		if (check_abs(PD_SHIM_CGROUPS, spec->cgroups[i], err) < 0 ||
		    strlen(spec->cgroups[i]) > SHIM_MAX_PATH)
			return pd_fail(err, PD_E_INVALID, "field \"%s\": bad dir", PD_SHIM_CGROUPS);
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > SHIM_MAX_CGROUPS)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array of at most %d",
			       PD_SHIM_CGROUP_MOUNTS, SHIM_MAX_CGROUPS);
	if (spec->target >= 0 || !spec->cgroup_ns)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is for a container with \"%s\"",
			       PD_SHIM_CGROUP_MOUNTS, PD_SHIM_CGROUP_NS);
	spec->cgroup_mounts = xcalloc(json_array_size(arr) + 1, sizeof(*spec->cgroup_mounts));
	json_array_foreach (arr, i, v) {
		if (cgroup_mount_parse(v, &spec->cgroup_mounts[i], err) < 0)
			return pd_err_prefix(err, "%s[%zu]", PD_SHIM_CGROUP_MOUNTS, i);
		spec->n_cgroup_mounts++;
	}
	return 0;
}

/* issue 13: the pod's user namespace, for containers and exec sessions. */
static int
userns_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_SHIM_USERNS_PATH,   PD_SHIM_USERNS_UID,
					      PD_SHIM_USERNS_GID,    PD_SHIM_USERNS_IDMAP,
					      PD_SHIM_USERNS_LAYERS, NULL};
	const json_t *u = json_object_get(j, PD_SHIM_USERNS);
	long long uid = 0, gid = 0;
	size_t n = 0;

	if (u == NULL)
		return 0;
	spec->userns_idmap = true;
	if (!json_is_object(u))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an object", PD_SHIM_USERNS);
	if (pd_json_check_keys(u, PD_SHIM_USERNS, allowed, err) < 0 ||
	    get_path(u, PD_SHIM_USERNS_PATH, true, &spec->userns, err) < 0 ||
	    pd_json_get_int(u, PD_SHIM_USERNS_UID, 1, UINT32_MAX - 65536, &uid, err) < 0 ||
	    pd_json_get_int(u, PD_SHIM_USERNS_GID, 1, UINT32_MAX - 65536, &gid, err) < 0 ||
	    pd_json_get_bool(u, PD_SHIM_USERNS_IDMAP, &spec->userns_idmap, err) < 0)
		return pd_err_prefix(err, "%s", PD_SHIM_USERNS);
	if (uid == 0 || gid == 0)
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" and \"%s\" are required",
			       PD_SHIM_USERNS, PD_SHIM_USERNS_UID, PD_SHIM_USERNS_GID);
	spec->userns_uid = (unsigned)uid;
	spec->userns_gid = (unsigned)gid;
	if (json_object_get(u, PD_SHIM_USERNS_LAYERS) == NULL)
		return 0;
	if (spec->userns_idmap || spec->lowers == NULL)
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" goes with lowers and no idmap",
			       PD_SHIM_USERNS, PD_SHIM_USERNS_LAYERS);
	if (get_strv(u, PD_SHIM_USERNS_LAYERS, SHIM_MAX_LOWERS, &spec->userns_layers, &n, err) < 0)
		return pd_err_prefix(err, "%s", PD_SHIM_USERNS);
	if (n != spec->n_lowers)
		return pd_fail(err, PD_E_INVALID, "%s: one of \"%s\" a lower", PD_SHIM_USERNS,
			       PD_SHIM_USERNS_LAYERS);
	for (size_t i = 0; i < n; i++)
		if (check_abs(PD_SHIM_USERNS_LAYERS, spec->userns_layers[i], err) < 0)
			return pd_err_prefix(err, "%s", PD_SHIM_USERNS);
	return 0;
}

/* The process's stdio and user: for containers and exec sessions alike. */
static int
stdio_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	long long uid = 0, gid = 0, attach_gid = -1;

	if (pd_json_get_bool(j, PD_SHIM_TTY, &spec->tty, err) < 0 ||
	    pd_json_get_bool(j, PD_SHIM_STDIN, &spec->open_stdin, err) < 0 ||
	    pd_json_get_bool(j, PD_SHIM_HOLD_OUTPUT, &spec->hold_output, err) < 0 ||
	    get_path(j, PD_SHIM_ATTACH, false, &spec->attach, err) < 0 ||
	    pd_json_get_int(j, PD_SHIM_UID, 0, SHIM_MAX_ID, &uid, err) < 0 ||
	    pd_json_get_int(j, PD_SHIM_GID, 0, SHIM_MAX_ID, &gid, err) < 0 ||
	    pd_json_get_int(j, PD_SHIM_ATTACH_GID, 0, INT32_MAX, &attach_gid, err) < 0)
		return -1;
	if (pd_json_get_tty_size(j, PD_SHIM_TTY_SIZE, &spec->tty_rows, &spec->tty_cols, err) < 0)
		return -1;
	if (get_str(j, PD_SHIM_USER, false, PD_USER_PART_MAX * 2 + 1, &spec->user, err) < 0 ||
	    (spec->user != NULL && pd_user_validate(spec->user, err) < 0))
		return -1;
	if (spec->user != NULL &&
	    (json_object_get(j, PD_SHIM_UID) != NULL || json_object_get(j, PD_SHIM_GID) != NULL))
		return pd_fail(err, PD_E_INVALID,
			       "fields \"%s\" and \"%s\" must be absent with \"%s\"", PD_SHIM_UID,
			       PD_SHIM_GID, PD_SHIM_USER);
	if (spec->attach != NULL && spec->attach[strlen(spec->attach) - 1] == '/')
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must name a file", PD_SHIM_ATTACH);
	if (spec->hold_output && spec->attach == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" needs \"%s\"", PD_SHIM_HOLD_OUTPUT,
			       PD_SHIM_ATTACH);
	spec->uid = (unsigned)uid;
	spec->gid = (unsigned)gid;
	spec->attach_gid = (int)attach_gid;
	return 0;
}

/* issue 13: the filter and no_new_privs. */
static int
seccomp_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	json_t *v = json_object_get(j, PD_SHIM_SECCOMP);

	spec->no_new_privs = true;
	if (pd_json_get_bool(j, PD_SHIM_NO_NEW_PRIVS, &spec->no_new_privs, err) < 0 ||
	    get_path(j, PD_SHIM_SECCOMP_CACHE, false, &spec->seccomp_cache, err) < 0)
		return -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v) && strcmp(json_string_value(v), PD_SHIM_SECCOMP_DEFAULT) == 0) {
		spec->seccomp = SHIM_SECCOMP_DEFAULT;
		return 0;
	}
	if (!json_is_object(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be \"%s\" or a profile object",
			       PD_SHIM_SECCOMP, PD_SHIM_SECCOMP_DEFAULT);
	spec->seccomp = SHIM_SECCOMP_PROFILE;
	if (pd_sc_profile_parse(v, &spec->profile, err) < 0)
		return pd_err_prefix(err, "%s", PD_SHIM_SECCOMP);
	return 0;
}

int
shim_spec_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_SHIM_ID,
					      PD_SHIM_NAME,
					      PD_SHIM_ROOTFS,
					      PD_SHIM_LOWERS,
					      PD_SHIM_READ_ONLY,
					      PD_SHIM_UPPER,
					      PD_SHIM_WORK,
					      PD_SHIM_MOUNT_POINT,
					      PD_SHIM_ETC_DIR,
					      PD_SHIM_LOG,
					      PD_SHIM_EXIT_FILE,
					      PD_SHIM_ARGS,
					      PD_SHIM_ENV,
					      PD_SHIM_CWD,
					      PD_SHIM_HOSTNAME,
					      PD_SHIM_CAPS,
					      PD_SHIM_NAMESPACES,
					      PD_SHIM_HOLD,
					      PD_SHIM_TTY,
					      PD_SHIM_STDIN,
					      PD_SHIM_ATTACH,
					      PD_SHIM_HOLD_OUTPUT,
					      PD_SHIM_UID,
					      PD_SHIM_GID,
					      PD_SHIM_TARGET,
					      PD_SHIM_TTY_SIZE,
					      PD_SHIM_USER,
					      PD_SHIM_MOUNTS,
					      PD_SHIM_CGROUPS,
					      PD_SHIM_CGROUP_NS,
					      PD_SHIM_CGROUP_MOUNTS,
					      SHIM_PRIV_KEYS,
					      PD_SHIM_SECCOMP,
					      PD_SHIM_NO_NEW_PRIVS,
					      PD_SHIM_SECCOMP_CACHE,
					      PD_SHIM_USERNS,
					      PD_SHIM_ATTACH_GID, /* issue 16 */
					      NULL};
	const char *target = NULL;

	memset(spec, 0, sizeof(*spec));
	spec->target = -1;
	spec->userns_fd = -1;
	for (int i = 0; i < SHIM_NS_COUNT; i++)
		spec->ns[i].fd = -1;
	if (pd_json_check_keys(j, "spec", allowed, err) < 0)
		return -1;
	if (get_str(j, PD_SHIM_ID, true, PD_ID_LEN, &spec->id, err) < 0)
		return -1;
	if (strlen(spec->id) != PD_ID_LEN || !pd_is_id_prefix(spec->id))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be %d lowercase hex digits",
			       PD_SHIM_ID, PD_ID_LEN);
	if (get_str(j, PD_SHIM_NAME, true, PD_NAME_MAX, &spec->name, err) < 0 ||
	    pd_name_validate(spec->name, "name", err) < 0)
		return -1;
	if (get_str(j, PD_SHIM_TARGET, false, 32, &target, err) < 0)
		return -1;
	if ((target != NULL ? exec_parse(j, target, spec, err) : container_parse(j, spec, err)) < 0)
		return -1;
	if (stdio_parse(j, spec, err) < 0 || userns_parse(j, spec, err) < 0 ||
	    shim_priv_parse(j, target != NULL, &spec->priv, err) < 0)
		return -1;
	if (get_strv(j, PD_SHIM_ARGS, SHIM_MAX_ARGS, &spec->args, &spec->n_args, err) < 0)
		return -1;
	if (spec->n_args == 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must hold the command",
			       PD_SHIM_ARGS);
	if (get_strv(j, PD_SHIM_ENV, SHIM_MAX_ENV, &spec->env, &spec->n_env, err) < 0 ||
	    env_check(spec, err) < 0)
		return -1;
	if (get_strv(j, PD_SHIM_CAPS, SHIM_MAX_CAPS, &spec->caps, &spec->n_caps, err) < 0 ||
	    caps_check(spec, err) < 0)
		return -1;
	if (cgroups_parse(j, spec, err) < 0)
		return -1;
	return seccomp_parse(j, spec, err);
}

void
shim_spec_clear(struct shim_spec *spec)
{
	free(spec->args);
	free(spec->env);
	free(spec->caps);
	free(spec->mounts);
	spec->mounts = NULL;
	shim_priv_clear(&spec->priv);
	free(spec->cgroups);
	spec->cgroups = NULL;
	free(spec->cgroup_mounts);
	spec->cgroup_mounts = NULL;
	spec->n_mounts = 0;
	free(spec->lowers);
	free(spec->userns_layers);
	spec->userns_layers = NULL;
	free(spec->lower_dir);
	spec->lowers = NULL;
	spec->lower_dir = NULL;
	spec->args = NULL;
	spec->env = NULL;
	spec->caps = NULL;
	pd_sc_profile_clear(&spec->profile);
}

char *
shim_overlay_opts(const struct shim_spec *spec)
{
	char *lower, *opts;

	if (spec->read_only && spec->lowers == NULL)
		return NULL;
	if (spec->read_only && spec->n_lowers == 1)
		return NULL;
	if (spec->lowers == NULL) {
		lower = xstrdup(spec->rootfs);
	} else {
		size_t len = 1, off = 0;
		/* Names in the lowers' common dir (the cwd at the mount). */
		size_t skip = spec->lower_dir != NULL ? strlen(spec->lower_dir) + 1 : 0;

		for (size_t i = 0; i < spec->n_lowers; i++)
			len += strlen(spec->lowers[i]) + 1;
		lower = xcalloc(1, len);
		for (size_t i = 0; i < spec->n_lowers; i++) {
			int n = snprintf(lower + off, len - off, "%s%s", i > 0 ? ":" : "",
					 spec->lowers[i] + skip);

			off += n > 0 ? (size_t)n : 0;
		}
	}
	if (spec->read_only)
		opts = xasprintf("lowerdir=%s", lower);
	else
		opts =
		    xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, spec->upper, spec->work);
	free(lower);
	return opts;
}
