/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing mounts; see mount_spec.h.
 */
#include "mount_spec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "json.h"
#include "pod_volume.h"
#include "parse.h"
#include "xalloc.h"

static const char *const type_names[] = {
    [MOUNT_BIND] = "bind",
    [MOUNT_VOLUME] = "volume",
    [MOUNT_TMPFS] = "tmpfs",
};

void
mount_spec_clear(struct mount_spec *m)
{
	free(m->source);
	free(m->target);
	m->source = m->target = NULL;
}

int
mount_spec_check_volume_name(const char *name, struct pd_err *err)
{
	size_t n = strlen(name);

	if (n == 0)
		return pd_fail(err, PD_E_INVALID, "a volume name is empty");
	if (n >= MOUNT_VOLUME_MAX)
		return pd_fail(err, PD_E_INVALID, "volume name \"%.40s...\" is over %d bytes", name,
			       MOUNT_VOLUME_MAX - 1);
	if (!isalnum((unsigned char)name[0]) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return pd_fail(err, PD_E_INVALID,
			       "\"%.80s\" is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*) nor an "
			       "absolute path",
			       name);
	return 0;
}

/* @path cleaned into a new string: absolute, repeated and trailing '/'
 * dropped, no "." or ".." component. @what names it in errors. */
static char *
clean_path(const char *path, const char *what, struct pd_err *err)
{
	size_t n = strlen(path), o = 0;
	cleanup_free char *out = NULL;
	const char *p = path;

	if (path[0] != '/') {
		pd_fail(err, PD_E_INVALID, "%s \"%.80s\" is not an absolute path", what, path);
		return NULL;
	}
	if (n >= MOUNT_PATH_MAX) {
		pd_fail(err, PD_E_INVALID, "%s is over %d bytes", what, MOUNT_PATH_MAX - 1);
		return NULL;
	}
	out = xmalloc(n + 2);
	while (*p != '\0') {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
			pd_fail(err, PD_E_INVALID, "%s \"%.80s\" has a \"%.*s\" component", what,
				path, (int)len, p);
			return NULL;
		}
		out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return steal_ptr(out);
}

int
mount_spec_parse_size(const char *s, uint64_t *out, struct pd_err *err)
{
	unsigned long long v;

	if (pd_parse_size(s, MOUNT_TMPFS_MAX, &v, err) < 0)
		return pd_fail(
		    err, PD_E_INVALID,
		    "size \"%.40s\" is not a size (a number with k, m or g; up to 1 PiB)", s);
	*out = v;
	return 0;
}

static int
parse_mode(const char *s, unsigned *out, struct pd_err *err)
{
	char *end = NULL;
	unsigned long v;

	if (*s == '\0' || strspn(s, "01234567") != strlen(s))
		goto bad;
	v = strtoul(s, &end, 8);
	if (end == NULL || *end != '\0' || v > 07777)
		goto bad;
	*out = (unsigned)v;
	return 0;
bad:
	return pd_fail(err, PD_E_INVALID, "mode \"%.40s\" is not an octal mode up to 7777", s);
}

/* A boolean option's value: absent (just the key) is true. */
static int
parse_bool_opt(const char *key, const char *v, bool *out, struct pd_err *err)
{
	if (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) {
		*out = false;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID, "\"%s=%.40s\": the value must be true or false", key, v);
}

/* The parts every form shares: the source decides bind or volume. */
static int
set_source(struct mount_spec *m, const char *src, struct pd_err *err)
{
	if (src[0] == '/') {
		m->type = MOUNT_BIND;
		m->source = clean_path(src, "bind source", err);
		return m->source == NULL ? -1 : 0;
	}
	m->type = MOUNT_VOLUME;
	if (mount_spec_check_volume_name(src, err) < 0)
		return -1;
	m->source = xstrdup(src);
	return 0;
}

static int
set_target(struct mount_spec *m, const char *dst, struct pd_err *err)
{
	m->target = clean_path(dst, "mount target", err);
	if (m->target == NULL)
		return -1;
	if (strcmp(m->target, "/") == 0)
		return pd_fail(err, PD_E_INVALID, "the mount target cannot be \"/\"");
	return 0;
}

static int
check_length(const char *s, const char *flag, struct pd_err *err)
{
	json_t *utf8;

	if (strlen(s) >= MOUNT_SPEC_STR_MAX)
		return pd_fail(err, PD_E_INVALID, "%s: the value is over %d bytes", flag,
			       MOUNT_SPEC_STR_MAX - 1);
	if (*s == '\0')
		return pd_fail(err, PD_E_INVALID, "%s: the value is empty", flag);
	/* What is kept goes into JSON: jansson takes UTF-8 only. */
	utf8 = json_string(s);
	if (utf8 == NULL)
		return pd_fail(err, PD_E_INVALID, "%s: the value is not valid UTF-8", flag);
	json_decref(utf8);
	return 0;
}

/* Split @s at ':' into at most three fields (into a copy, @buf). */
static size_t
split_colons(char *buf, char *fields[3])
{
	size_t n = 0;
	char *p = buf;

	fields[n++] = p;
	while ((p = strchr(p, ':')) != NULL) {
		if (n == 3)
			return 4;
		*p++ = '\0';
		fields[n++] = p;
	}
	return n;
}

int
mount_spec_parse_volume(const char *s, struct mount_spec *m, struct pd_err *err)
{
	cleanup_free char *buf = NULL;
	char *f[3] = {NULL, NULL, NULL};
	size_t n;
	char *opt, *save = NULL;

	memset(m, 0, sizeof(*m));
	if (check_length(s, "-v", err) < 0)
		return -1;
	buf = xstrdup(s);
	n = split_colons(buf, f);
	if (n > 3)
		return pd_fail(err, PD_E_INVALID,
			       "-v \"%.80s\": use SRC:DST[:OPTIONS] (too many ':')", s);
	if (n == 1) {
		/* -v /data: an anonymous volume. */
		m->type = MOUNT_VOLUME;
		m->anonymous = true;
		m->source = xstrdup("");
		if (set_target(m, f[0], err) < 0)
			return pd_err_prefix(err, "-v %.80s", s);
		return 0;
	}
	if (f[0][0] == '\0')
		return pd_fail(err, PD_E_INVALID, "-v \"%.80s\": the source is empty", s);
	if (set_source(m, f[0], err) < 0 || set_target(m, f[1], err) < 0)
		return pd_err_prefix(err, "-v %.80s", s);
	for (opt = n == 3 ? strtok_r(f[2], ",", &save) : NULL; opt != NULL;
	     opt = strtok_r(NULL, ",", &save)) {
		if (strcmp(opt, "ro") == 0)
			m->read_only = true;
		else if (strcmp(opt, "rw") == 0)
			m->read_only = false;
		else if (strcmp(opt, "nocopy") == 0 && m->type == MOUNT_VOLUME)
			m->no_copy = true;
		else if (strcmp(opt, "z") == 0 || strcmp(opt, "Z") == 0)
			continue; /* SELinux relabelling: nothing to do without it */
		else
			return pd_fail(err, PD_E_INVALID,
				       "-v %.80s: unknown option \"%.40s\" (use ro, rw%s)", s, opt,
				       m->type == MOUNT_VOLUME ? " or nocopy" : "");
	}
	if (n == 3 && f[2][0] == '\0')
		return pd_fail(err, PD_E_INVALID, "-v %.80s: the options are empty", s);
	return 0;
}

/* tmpfs options shared by --tmpfs (size=, mode=, ro, rw). */
static int
tmpfs_option(struct mount_spec *m, const char *opt, const char *flag, struct pd_err *err)
{
	if (strncmp(opt, "size=", 5) == 0)
		return mount_spec_parse_size(opt + 5, &m->tmpfs_size, err) < 0
			   ? pd_err_prefix(err, "%s", flag)
			   : 0;
	if (strncmp(opt, "mode=", 5) == 0)
		return parse_mode(opt + 5, &m->tmpfs_mode, err) < 0 ? pd_err_prefix(err, "%s", flag)
								    : 0;
	if (strcmp(opt, "ro") == 0) {
		m->read_only = true;
		return 0;
	}
	if (strcmp(opt, "rw") == 0) {
		m->read_only = false;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID,
		       "%s: unknown option \"%.40s\" (use size=, mode=, ro or rw)", flag, opt);
}

int
mount_spec_parse_tmpfs(const char *s, struct mount_spec *m, struct pd_err *err)
{
	cleanup_free char *buf = NULL;
	char *colon, *opt, *save = NULL;

	memset(m, 0, sizeof(*m));
	if (check_length(s, "--tmpfs", err) < 0)
		return -1;
	buf = xstrdup(s);
	m->type = MOUNT_TMPFS;
	m->source = xstrdup("");
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon++ = '\0';
	if (set_target(m, buf, err) < 0)
		return pd_err_prefix(err, "--tmpfs %.80s", s);
	if (colon != NULL && *colon == '\0')
		return pd_fail(err, PD_E_INVALID, "--tmpfs %.80s: the options are empty", s);
	for (opt = colon != NULL ? strtok_r(colon, ",", &save) : NULL; opt != NULL;
	     opt = strtok_r(NULL, ",", &save))
		if (tmpfs_option(m, opt, "--tmpfs", err) < 0)
			return -1;
	return 0;
}

/* One KEY[=VALUE] of --mount. */
static int
mount_key(struct mount_spec *m, const char *key, const char *v, const char **src, const char **dst,
	  const char **type, struct pd_err *err)
{
	const char **slot = NULL;

	if (strcmp(key, "type") == 0)
		slot = type;
	else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0)
		slot = src;
	else if (strcmp(key, "target") == 0 || strcmp(key, "destination") == 0 ||
		 strcmp(key, "dst") == 0)
		slot = dst;
	if (slot != NULL) {
		if (v == NULL || *v == '\0')
			return pd_fail(err, PD_E_INVALID, "--mount: \"%s\" needs a value", key);
		*slot = v;
		return 0;
	}
	if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0)
		return parse_bool_opt(key, v, &m->read_only, err);
	if (strcmp(key, "volume-nocopy") == 0)
		return parse_bool_opt(key, v, &m->no_copy, err);
	if (strcmp(key, "tmpfs-size") == 0 && v != NULL)
		return mount_spec_parse_size(v, &m->tmpfs_size, err);
	if (strcmp(key, "tmpfs-mode") == 0 && v != NULL)
		return parse_mode(v, &m->tmpfs_mode, err);
	if (strcmp(key, "bind-propagation") == 0 && v != NULL && strcmp(v, "rprivate") == 0)
		return 0; /* what every mount of a container is */
	return pd_fail(err, PD_E_INVALID,
		       "--mount: unknown key \"%.40s\" (use type, source, target, readonly, "
		       "volume-nocopy, tmpfs-size, tmpfs-mode)",
		       key);
}

static int
mount_fields(struct mount_spec *m, char *buf, const char *s, struct pd_err *err)
{
	const char *src = NULL, *dst = NULL, *type = "volume";
	char *kv, *save = NULL;

	for (kv = strtok_r(buf, ",", &save); kv != NULL; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (eq != NULL)
			*eq++ = '\0';
		if (mount_key(m, kv, eq, &src, &dst, &type, err) < 0)
			return -1;
	}
	if (strcmp(type, "bind") == 0) {
		m->type = MOUNT_BIND;
	} else if (strcmp(type, "volume") == 0) {
		m->type = MOUNT_VOLUME;
	} else if (strcmp(type, "tmpfs") == 0) {
		m->type = MOUNT_TMPFS;
	} else {
		return pd_fail(err, PD_E_INVALID,
			       "--mount: unknown type \"%.40s\" (use bind, volume or tmpfs)", type);
	}
	if (dst == NULL)
		return pd_fail(err, PD_E_INVALID, "--mount %.80s: \"target\" is required", s);
	if (set_target(m, dst, err) < 0)
		return -1;
	if (m->type != MOUNT_TMPFS && (m->tmpfs_size != 0 || m->tmpfs_mode != 0))
		return pd_fail(err, PD_E_INVALID,
			       "--mount: tmpfs-size and tmpfs-mode are for tmpfs");
	if (m->type != MOUNT_VOLUME && m->no_copy)
		return pd_fail(err, PD_E_INVALID, "--mount: volume-nocopy is for a volume");
	switch (m->type) {
	case MOUNT_BIND:
		if (src == NULL)
			return pd_fail(err, PD_E_INVALID, "--mount: a bind mount needs a source");
		if (src[0] != '/')
			return pd_fail(err, PD_E_INVALID,
				       "--mount: bind source \"%.80s\" is not an absolute path",
				       src);
		m->source = clean_path(src, "bind source", err);
		return m->source == NULL ? -1 : 0;
	case MOUNT_VOLUME:
		if (src == NULL) {
			m->anonymous = true;
			m->source = xstrdup("");
			return 0;
		}
		if (mount_spec_check_volume_name(src, err) < 0)
			return -1;
		m->source = xstrdup(src);
		return 0;
	case MOUNT_TMPFS:
		if (src != NULL)
			return pd_fail(err, PD_E_INVALID, "--mount: a tmpfs has no source");
		m->source = xstrdup("");
		return 0;
	}
	return 0;
}

int
mount_spec_parse_mount(const char *s, struct mount_spec *m, struct pd_err *err)
{
	cleanup_free char *buf = NULL;

	memset(m, 0, sizeof(*m));
	if (check_length(s, "--mount", err) < 0)
		return -1;
	buf = xstrdup(s);
	return mount_fields(m, buf, s, err);
}

json_t *
mount_spec_to_json(const struct mount_spec *m)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:b}", "type", type_names[m->type], "source",
			      m->source != NULL ? m->source : "", "target", m->target, "read_only",
			      m->read_only);

	if (m->type == MOUNT_VOLUME) {
		json_object_set_new(j, "no_copy", json_boolean(m->no_copy));
		json_object_set_new(j, "anonymous", json_boolean(m->anonymous));
	}
	if (m->type == MOUNT_TMPFS) {
		json_object_set_new(j, "tmpfs_size", json_integer((json_int_t)m->tmpfs_size));
		json_object_set_new(
		    j, "tmpfs_mode",
		    json_integer(m->tmpfs_mode != 0 ? m->tmpfs_mode : MOUNT_TMPFS_MODE));
	}
	return j;
}

int
mount_spec_from_json(const json_t *j, struct mount_spec *m, struct pd_err *err)
{
	static const char *const allowed[] = {"type",       "source",     "target",
					      "read_only",  "no_copy",    "anonymous",
					      "tmpfs_size", "tmpfs_mode", NULL};
	const char *type = NULL, *src = "", *dst = NULL;
	long long size = 0, mode = 0;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (pd_json_check_keys(j, "mount", allowed, err) < 0 ||
	    pd_json_get_string(j, "type", &type, err) < 0 ||
	    pd_json_get_string(j, "source", &src, err) < 0 ||
	    pd_json_get_string(j, "target", &dst, err) < 0 ||
	    pd_json_get_bool(j, "read_only", &m->read_only, err) < 0 ||
	    pd_json_get_bool(j, "no_copy", &m->no_copy, err) < 0 ||
	    pd_json_get_bool(j, "anonymous", &m->anonymous, err) < 0 ||
	    pd_json_get_int(j, "tmpfs_size", 0, (long long)MOUNT_TMPFS_MAX, &size, err) < 0 ||
	    pd_json_get_int(j, "tmpfs_mode", 0, 07777, &mode, err) < 0)
		return -1;
	if (type == NULL || dst == NULL)
		return pd_fail(err, PD_E_INVALID, "a mount needs \"type\" and \"target\"");
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type, type_names[i]) == 0)
			break;
	if (i == sizeof(type_names) / sizeof(type_names[0]))
		return pd_fail(err, PD_E_INVALID, "unknown mount type \"%.40s\"", type);
	m->type = (enum mount_type)i;
	if (json_object_get(j, "source") != NULL &&
	    strlen(src) != json_string_length(json_object_get(j, "source")))
		return pd_fail(err, PD_E_INVALID, "a mount source holds a NUL byte");
	if (set_target(m, dst, err) < 0)
		return -1;
	m->tmpfs_size = (uint64_t)size;
	m->tmpfs_mode = (unsigned)mode;
	switch (m->type) {
	case MOUNT_BIND:
		m->source = clean_path(src, "bind source", err);
		if (m->source == NULL)
			return -1;
		break;
	case MOUNT_VOLUME:
		if (mount_spec_check_volume_name(src, err) < 0)
			return -1;
		m->source = xstrdup(src);
		break;
	case MOUNT_TMPFS:
		if (src[0] != '\0')
			return pd_fail(err, PD_E_INVALID, "a tmpfs has no source");
		m->source = xstrdup("");
		break;
	}
	if ((m->type != MOUNT_VOLUME && (m->no_copy || m->anonymous)) ||
	    (m->type != MOUNT_TMPFS && (size != 0 || mode != 0)))
		return pd_fail(err, PD_E_INVALID, "mount options do not fit its type");
	return 0;
}

typedef int parse_fn(const char *s, struct mount_spec *m, struct pd_err *err);

static int
add_all(const json_t *arr, const char *field, parse_fn *parse, json_t *out, struct pd_err *err)
{
	size_t i;
	json_t *v;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array of strings",
			       field);
	json_array_foreach (arr, i, v) {
		struct mount_spec m;
		int r;

		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return pd_fail(err, PD_E_INVALID,
				       "field \"%s\" must be an array of strings", field);
		if (json_array_size(out) >= MOUNT_MAX)
			return pd_fail(err, PD_E_INVALID, "more than %d mounts", MOUNT_MAX);
		r = parse(json_string_value(v), &m, err);
		if (r == 0)
			json_array_append_new(out, mount_spec_to_json(&m));
		mount_spec_clear(&m);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Two mounts on one target: docker refuses them too. */
static int
check_duplicates(const json_t *mounts, struct pd_err *err)
{
	size_t i, k;
	json_t *a, *b;

	json_array_foreach (mounts, i, a) {
		const char *t = json_string_value(json_object_get(a, "target"));

		json_array_foreach (mounts, k, b) {
			if (k >= i)
				break;
			if (strcmp(t, json_string_value(json_object_get(b, "target"))) == 0)
				return pd_fail(err, PD_E_INVALID, "two mounts on %.80s", t);
		}
	}
	return 0;
}

int
mount_spec_parse_body(const json_t *volumes, const json_t *tmpfs, const json_t *mount, json_t **out,
		      struct pd_err *err)
{
	cleanup_json json_t *all = json_array();

	*out = NULL;
	if (add_all(volumes, "volumes", mount_spec_parse_volume, all, err) < 0 ||
	    add_all(tmpfs, "tmpfs", mount_spec_parse_tmpfs, all, err) < 0 ||
	    add_all(mount, "mount", mount_spec_parse_mount, all, err) < 0 ||
	    check_duplicates(all, err) < 0)
		return -1;
	*out = steal_ptr(all);
	return 0;
}

int
mount_spec_check_list(const json_t *mounts, struct pd_err *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(mounts))
		return pd_fail(err, PD_E_INVALID, "\"mounts\" must be an array");
	if (json_array_size(mounts) > MOUNT_MAX)
		return pd_fail(err, PD_E_INVALID, "more than %d mounts", MOUNT_MAX);
	json_array_foreach (mounts, i, v) {
		struct mount_spec m;
		int r;

		/* issue 12, podspec: a mount of a pod's volume (pod_volume.h). */
		if (json_is_string(json_object_get(v, "type")) &&
		    strcmp(json_string_value(json_object_get(v, "type")), "pod") == 0) {
			if (pod_mount_check(v, err) < 0)
				return pd_err_prefix(err, "mount %zu", i);
			continue;
		}
		r = mount_spec_from_json(v, &m, err);

		if (r == 0 && m.type == MOUNT_VOLUME && m.source[0] == '\0')
			r = pd_fail(err, PD_E_INVALID, "a volume mount has no name");
		mount_spec_clear(&m);
		if (r < 0)
			return pd_err_prefix(err, "mount %zu", i);
	}
	return check_duplicates(mounts, err);
}
