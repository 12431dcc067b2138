/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image references; see imgref.h. The grammar (distribution's reference
 * package, which docker and podman both follow):
 *   path-component: [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*
 *   domain:         a host name or IPv4 address, with an optional :port
 *   tag:            [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest:         sha256:[a-f0-9]{64} (the only algorithm podd reads)
 */
#include "imgref.h"

#include <stdio.h>
#include <string.h>

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool
pd_digest_valid(const char *s)
{
	if (strncmp(s, "sha256:", 7) != 0 || strlen(s + 7) != PD_DIGEST_HEX_LEN)
		return false;
	for (const char *p = s + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* One path component of @len bytes at @s. */
static bool
component_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	while (i < len) {
		size_t run = 0;

		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		/* A separator: ".", "_", "__" or any number of "-". */
		if (s[i] == '-') {
			while (i + run < len && s[i + run] == '-')
				run++;
		} else if (s[i] == '_') {
			run = i + 1 < len && s[i + 1] == '_' ? 2 : 1;
		} else if (s[i] == '.') {
			run = 1;
		} else {
			return false;
		}
		i += run;
		if (i >= len || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

/* A registry host: labels of letters, digits and '-', separated by '.',
 * then an optional :port; or "localhost". */
static bool
domain_valid(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t host_len = colon != NULL ? (size_t)(colon - s) : len;

	if (host_len == 0 || len > PD_IMGREF_HOST_MAX)
		return false;
	for (size_t i = 0; i < host_len; i++) {
		char c = s[i];

		if (c == '.') {
			if (i == 0 || i + 1 == host_len || s[i - 1] == '.')
				return false;
		} else if (c == '-') {
			if (i == 0 || s[i - 1] == '.' || i + 1 == host_len || s[i + 1] == '.')
				return false;
		} else if (!is_alnum(c)) {
			return false;
		}
	}
	if (colon != NULL) {
		size_t port_len = len - host_len - 1;
		unsigned port = 0;

		if (port_len == 0 || port_len > 5)
			return false;
		for (size_t i = host_len + 1; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			port = port * 10 + (unsigned)(s[i] - '0');
		}
		if (port == 0 || port > 65535)
			return false;
	}
	return true;
}

static bool
tag_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > PD_IMGREF_TAG_MAX || !(is_alnum(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* Split the name (everything before tag and digest) into registry and path. */
static int
parse_name(const char *name, size_t len, struct pd_imgref *ref, const char *s, struct pd_err *err)
{
	const char *slash = memchr(name, '/', len);
	const char *path = name;
	size_t path_len = len;
	int n;

	if (len == 0)
		return pd_fail(err, PD_E_INVALID,
			       "invalid reference \"%.200s\": no repository name", s);
	if (slash != NULL) {
		size_t first = (size_t)(slash - name);
		bool is_domain = memchr(name, '.', first) != NULL ||
				 memchr(name, ':', first) != NULL ||
				 (first == 9 && memcmp(name, "localhost", 9) == 0);

		if (is_domain) {
			if (!domain_valid(name, first))
				return pd_fail(
				    err, PD_E_INVALID,
				    "invalid reference \"%.200s\": bad registry \"%.*s\"", s,
				    (int)first, name);
			memcpy(ref->registry, name, first);
			ref->registry[first] = '\0';
			path = slash + 1;
			path_len = len - first - 1;
		}
	}
	if (ref->registry[0] == '\0' || strcmp(ref->registry, "index.docker.io") == 0 ||
	    strcmp(ref->registry, "registry-1.docker.io") == 0) {
		/* Cleared first, so that equal references are equal structs. */
		memset(ref->registry, 0, sizeof(ref->registry));
		memcpy(ref->registry, PD_IMGREF_DOCKER_IO, sizeof(PD_IMGREF_DOCKER_IO));
	}
	for (size_t i = 0, start = 0; i <= path_len; i++) {
		if (i < path_len && path[i] != '/')
			continue;
		if (!component_valid(path + start, i - start)) {
			for (size_t k = start; k < i; k++)
				if (path[k] >= 'A' && path[k] <= 'Z')
					return pd_fail(err, PD_E_INVALID,
						       "invalid reference \"%.200s\": repository "
						       "name must be lowercase",
						       s);
			return pd_fail(err, PD_E_INVALID,
				       "invalid reference \"%.200s\": bad repository name \"%.*s\"",
				       s, (int)path_len, path);
		}
		start = i + 1;
	}
	if (strcmp(ref->registry, PD_IMGREF_DOCKER_IO) == 0 && memchr(path, '/', path_len) == NULL)
		n = snprintf(ref->path, sizeof(ref->path), "library/%.*s", (int)path_len, path);
	else
		n = snprintf(ref->path, sizeof(ref->path), "%.*s", (int)path_len, path);
	if (n < 0 || (size_t)n >= sizeof(ref->path))
		return pd_fail(err, PD_E_INVALID,
			       "invalid reference \"%.200s\": repository name longer than %d", s,
			       PD_IMGREF_PATH_MAX);
	return 0;
}

int
pd_imgref_parse(const char *s, struct pd_imgref *ref, struct pd_err *err)
{
	const char *at = strchr(s, '@');
	size_t name_len = at != NULL ? (size_t)(at - s) : strlen(s);
	const char *last_slash, *colon;

	memset(ref, 0, sizeof(*ref));
	if (s[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "invalid reference: it is empty");
	if (strlen(s) >= PD_IMGREF_MAX)
		return pd_fail(err, PD_E_INVALID, "invalid reference: longer than %d bytes",
			       (int)PD_IMGREF_MAX - 1);
	if (at != NULL) {
		if (!pd_digest_valid(at + 1))
			return pd_fail(err, PD_E_INVALID,
				       "invalid reference \"%.200s\": bad digest \"%.80s\" (want "
				       "sha256: and 64 lowercase hex digits)",
				       s, at + 1);
		memcpy(ref->digest, at + 1, strlen(at + 1) + 1);
	}
	/* A tag is after the last ':' that follows the last '/' (a registry's
	 * port comes before a '/'). */
	last_slash = memrchr(s, '/', name_len);
	colon = memrchr(last_slash != NULL ? last_slash : s, ':',
			name_len - (size_t)(last_slash != NULL ? last_slash - s : 0));
	if (colon != NULL) {
		size_t tag_len = name_len - (size_t)(colon - s) - 1;
		char tag[PD_IMGREF_TAG_MAX + 2];

		if (tag_len >= sizeof(tag) - 1)
			return pd_fail(err, PD_E_INVALID,
				       "invalid reference \"%.200s\": tag longer than %d", s,
				       PD_IMGREF_TAG_MAX);
		memcpy(tag, colon + 1, tag_len);
		tag[tag_len] = '\0';
		if (!tag_valid(tag))
			return pd_fail(err, PD_E_INVALID,
				       "invalid reference \"%.200s\": bad tag \"%s\"", s, tag);
		memcpy(ref->tag, tag, tag_len + 1);
		name_len = (size_t)(colon - s);
	}
	if (parse_name(s, name_len, ref, s, err) < 0)
		return -1;
	if (ref->tag[0] == '\0' && ref->digest[0] == '\0')
		memcpy(ref->tag, PD_IMGREF_DEFAULT_TAG, sizeof(PD_IMGREF_DEFAULT_TAG));
	return 0;
}

void
pd_imgref_format(const struct pd_imgref *ref, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s/%s%s%s%s%s", ref->registry, ref->path, ref->tag[0] ? ":" : "",
		       ref->tag, ref->digest[0] ? "@" : "", ref->digest);
}

void
pd_imgref_familiar(const struct pd_imgref *ref, char *buf, size_t len)
{
	if (strcmp(ref->registry, PD_IMGREF_DOCKER_IO) != 0)
		(void)snprintf(buf, len, "%s/%s", ref->registry, ref->path);
	else if (strncmp(ref->path, "library/", 8) == 0 && strchr(ref->path + 8, '/') == NULL)
		(void)snprintf(buf, len, "%s", ref->path + 8);
	else
		(void)snprintf(buf, len, "%s", ref->path);
}

void
pd_imgref_familiar_name(const char *full, char *buf, size_t len)
{
	struct pd_imgref r;
	struct pd_err ignored = {0};
	char repo[PD_IMGREF_MAX];

	if (pd_imgref_parse(full, &r, &ignored) < 0) {
		(void)snprintf(buf, len, "%s", full);
		return;
	}
	pd_imgref_familiar(&r, repo, sizeof(repo));
	if (r.tag[0] != '\0')
		(void)snprintf(buf, len, "%s:%s", repo, r.tag);
	else
		(void)snprintf(buf, len, "%s@%s", repo, r.digest);
}
