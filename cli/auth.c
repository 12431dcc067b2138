/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The auth files; see auth.h.
 */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "xalloc.h"

#define AUTH_FILE_MAX (1024 * 1024)

char *
auth_file_path(const char *flag, struct pd_err *err)
{
	const char *env = getenv("REGISTRY_AUTH_FILE");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (flag != NULL && flag[0] != '\0')
		return xstrdup(flag);
	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/podd/auth.json", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.config/podd/auth.json", home);
	pd_fail(err, PD_E_INVALID, "no auth file: set HOME or use --authfile");
	return NULL;
}

/* The JSON of @path, or NULL with *missing when it does not exist. */
static json_t *
load(const char *path, bool *missing, struct pd_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	json_t *j;

	*missing = false;
	if (pd_file_read(AT_FDCWD, path, AUTH_FILE_MAX, &buf, &len, err) < 0) {
		if (err->kind == PD_E_NOT_FOUND || err->errnum == ENOENT) {
			*missing = true;
			pd_err_clear(err);
		}
		return NULL;
	}
	j = pd_json_load(buf, len, AUTH_FILE_MAX, err);
	explicit_bzero(buf, len);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		pd_fail(err, PD_E_INVALID, "auth file %s is not a JSON object", path);
		return NULL;
	}
	return j;
}

/* The names a registry may be filed under: docker's hub has several. */
static bool
key_matches(const char *key, const char *registry)
{
	static const char *const hub[] = {"docker.io", "registry-1.docker.io", "index.docker.io",
					  "https://index.docker.io/v1/", NULL};
	const char *k = key;

	if (strcmp(registry, "docker.io") == 0) {
		for (size_t i = 0; hub[i] != NULL; i++)
			if (strcmp(key, hub[i]) == 0)
				return true;
		return false;
	}
	/* "https://host/" as docker files some. */
	if (strncmp(k, "https://", 8) == 0)
		k += 8;
	else if (strncmp(k, "http://", 7) == 0)
		k += 7;
	return strncmp(k, registry, strlen(registry)) == 0 &&
	       (k[strlen(registry)] == '\0' || k[strlen(registry)] == '/');
}

/* 1 found, 0 not, -1 error. */
static int
lookup_in(const char *path, const char *registry, struct auth_creds *c, struct pd_err *err)
{
	bool missing;
	cleanup_json json_t *j = load(path, &missing, err);
	const json_t *auths, *v;
	const char *key;
	cleanup_free char *raw = NULL;
	size_t len = 0;
	char *colon;

	if (j == NULL)
		return missing ? 0 : -1;
	auths = json_object_get(j, "auths");
	json_object_foreach ((json_t *)auths, key, v) {
		const char *a = json_string_value(json_object_get(v, "auth"));

		if (!key_matches(key, registry) || a == NULL)
			continue;
		raw = pd_base64_decode(a, &len, err);
		if (raw == NULL)
			return pd_fail(err, PD_E_INVALID, "auth file %s: %s: auth is not base64",
				       path, key);
		colon = strchr(raw, ':');
		if (colon == NULL || (size_t)(colon - raw) >= sizeof(c->username) ||
		    strlen(colon + 1) >= sizeof(c->password)) {
			explicit_bzero(raw, len);
			return pd_fail(err, PD_E_INVALID,
				       "auth file %s: %s: auth is not user:password", path, key);
		}
		*colon = '\0';
		memcpy(c->username, raw, strlen(raw) + 1);
		memcpy(c->password, colon + 1, strlen(colon + 1) + 1);
		explicit_bzero(raw, len);
		return 1;
	}
	return 0;
}

int
auth_lookup(const char *flag, const char *registry, struct auth_creds *c, struct pd_err *err)
{
	cleanup_free char *own = auth_file_path(flag, err);
	cleanup_free char *podman = NULL;
	cleanup_free char *docker = NULL;
	const char *run = getenv("XDG_RUNTIME_DIR");
	const char *home = getenv("HOME");
	int r;

	memset(c, 0, sizeof(*c));
	if (own == NULL)
		return -1;
	r = lookup_in(own, registry, c, err);
	if (r != 0 || (flag != NULL && flag[0] != '\0'))
		return r;
	if (run != NULL && run[0] == '/') {
		podman = xasprintf("%s/containers/auth.json", run);
		r = lookup_in(podman, registry, c, err);
		if (r != 0)
			return r;
	}
	if (home != NULL && home[0] == '/') {
		docker = xasprintf("%s/.docker/config.json", home);
		r = lookup_in(docker, registry, c, err);
	}
	return r;
}

static int
save(const char *path, const json_t *j, struct pd_err *err)
{
	cleanup_free char *dir = xstrdup(path);
	cleanup_free char *base = xstrdup(path);
	cleanup_close int dfd = -1;
	cleanup_free char *s = NULL;
	int r;

	if (pd_mkdir_p(dirname(dir), 0700, err) < 0)
		return -1;
	dfd = pd_dir_open(dir, err);
	if (dfd < 0)
		return -1;
	s = pd_json_dump(j);
	r = pd_file_write_atomic(dfd, basename(base), s, strlen(s), err);
	explicit_bzero(s, strlen(s));
	return r;
}

/* The auth file at @path (NULL: auth_file_path failed) to be changed: its
 * object, an empty one when there is no file yet, or NULL with @err. */
static json_t *
load_for_change(const char *path, struct pd_err *err)
{
	json_t *j;
	bool missing;

	if (path == NULL)
		return NULL;
	j = load(path, &missing, err);
	if (j == NULL && missing)
		j = json_object();
	return j;
}

int
auth_store(const char *flag, const char *registry, const struct auth_creds *c, struct pd_err *err)
{
	cleanup_free char *path = auth_file_path(flag, err);
	cleanup_json json_t *j = load_for_change(path, err);
	cleanup_free char *pair = NULL;
	cleanup_free char *enc = NULL;
	json_t *auths;

	if (j == NULL)
		return -1;
	auths = json_object_get(j, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	pair = xasprintf("%s:%s", c->username, c->password);
	enc = pd_base64_encode(pair, strlen(pair), false);
	explicit_bzero(pair, strlen(pair));
	json_object_set_new(auths, registry, json_pack("{s:s}", "auth", enc));
	explicit_bzero(enc, strlen(enc));
	return save(path, j, err);
}

int
auth_remove(const char *flag, const char *registry, struct pd_err *err)
{
	cleanup_free char *path = auth_file_path(flag, err);
	cleanup_json json_t *j = load_for_change(path, err);
	json_t *auths;

	if (j == NULL)
		return -1;
	auths = json_object_get(j, "auths");
	if (json_object_get(auths, registry) == NULL)
		return pd_fail(err, PD_E_NOT_FOUND, "not logged in to %s", registry);
	json_object_del(auths, registry);
	return save(path, j, err);
}

char *
auth_header(const struct auth_creds *c, const char *registry)
{
	cleanup_json json_t *j = json_pack("{s:s, s:s, s:s}", "username", c->username, "password",
					   c->password, "serveraddress", registry);
	cleanup_free char *s = pd_json_dump(j);
	cleanup_free char *enc = pd_base64_encode(s, strlen(s), true);
	char *h = xasprintf("X-Registry-Auth: %s\r\n", enc);

	explicit_bzero(s, strlen(s));
	explicit_bzero(enc, strlen(enc));
	return h;
}

void
auth_creds_clear(struct auth_creds *c)
{
	explicit_bzero(c, sizeof(*c));
}
