/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pool of subordinate ids and a pod's "userns" key; see userns.h.
 */
#include "userns.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "parse.h"

/* One line "NAME:START:COUNT" of @user, into @r: 1 when it is @user's, 0
 * when another's, -1 with @err when @user's is malformed. */
static int
parse_line(const char *line, size_t len, const char *user, struct userns_range *r,
	   struct pd_err *err)
{
	char buf[256], *start, *count;
	long long s, c;
	size_t ulen = strlen(user);

	if (len < ulen + 1 || memcmp(line, user, ulen) != 0 || line[ulen] != ':')
		return 0;
	if (len >= sizeof(buf))
		return pd_fail(err, PD_E_INVALID, "line too long");
	memcpy(buf, line, len);
	buf[len] = '\0';
	start = buf + ulen + 1;
	count = strchr(start, ':');
	if (count == NULL)
		return pd_fail(err, PD_E_INVALID, "\"%s\": want NAME:START:COUNT", buf);
	*count++ = '\0';
	if (pd_parse_int(start, 0, UINT32_MAX, &s, err) < 0 ||
	    pd_parse_int(count, 1, UINT32_MAX, &c, err) < 0)
		return pd_err_prefix(err, "entry of %s", user);
	/* The last id, 2^32-1, is the kernel's invalid id. */
	if (s + c > (long long)UINT32_MAX)
		return pd_fail(err, PD_E_INVALID, "entry of %s: range past 4294967294", user);
	r->start = (uint32_t)s;
	r->count = (uint32_t)c;
	return 1;
}

int
userns_pool_parse(const char *text, const char *user, struct userns_pool *pool, struct pd_err *err)
{
	int lineno = 0;

	for (const char *p = text; *p != '\0';) {
		const char *end = strchrnul(p, '\n');
		size_t len = (size_t)(end - p);
		struct userns_range r;
		int k;

		lineno++;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
			len--;
		if (len > 0 && p[0] != '#') {
			k = parse_line(p, len, user, &r, err);
			if (k < 0)
				return pd_err_prefix(err, "line %d", lineno);
			if (k == 1 && pool->n == USERNS_POOL_MAX)
				return pd_fail(err, PD_E_INVALID, "line %d: more than %d entries",
					       lineno, USERNS_POOL_MAX);
			if (k == 1)
				pool->r[pool->n++] = r;
		}
		p = *end == '\0' ? end : end + 1;
	}
	return 0;
}

void
userns_pool_builtin(struct userns_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->r[0].start = USERNS_BUILTIN_START;
	pool->r[0].count = USERNS_BUILTIN_COUNT;
	pool->n = 1;
	pool->builtin = true;
}

static bool
overlaps(uint64_t start, uint64_t end, const struct userns_range *used, size_t n_used)
{
	for (size_t i = 0; i < n_used; i++) {
		uint64_t us = used[i].start, ue = us + used[i].count;

		if (start < ue && us < end)
			return true;
	}
	return false;
}

int
userns_pool_alloc(const struct userns_pool *pool, const struct userns_range *used, size_t n_used,
		  uint32_t *start, struct pd_err *err)
{
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < pool->n; i++) {
		uint64_t end = (uint64_t)pool->r[i].start + pool->r[i].count;
		uint64_t s = pool->r[i].start;

		for (; s + USERNS_SIZE <= end && s < best; s += USERNS_SIZE)
			if (!overlaps(s, s + USERNS_SIZE, used, n_used)) {
				best = s;
				break;
			}
	}
	if (best == UINT64_MAX)
		return pd_fail(err, PD_E_UNAVAILABLE,
			       "no free range of %u ids left in the pool of subordinate ids (%s)",
			       USERNS_SIZE,
			       pool->builtin ? "podd's built-in pool" : "entries of " USERNS_USER);
	*start = (uint32_t)best;
	return 0;
}

int
userns_parse_mode(const json_t *body, struct userns_ids *ids, struct pd_err *err)
{
	const char *mode = NULL;

	memset(ids, 0, sizeof(*ids));
	if (json_is_null(json_object_get(body, PD_F_USERNS)))
		return 0;
	if (pd_json_get_string(body, PD_F_USERNS, &mode, err) < 0)
		return -1;
	if (mode == NULL || strcmp(mode, PD_USERNS_HOST) == 0)
		return 0;
	if (strcmp(mode, PD_USERNS_AUTO) != 0)
		return pd_fail(err, PD_E_INVALID, "userns \"%.32s\": want \"auto\" or \"host\"",
			       mode);
	ids->mode = USERNS_AUTO;
	ids->size = USERNS_SIZE;
	return 0;
}

json_t *
userns_ids_json(const struct userns_ids *ids)
{
	if (ids->mode == USERNS_HOST)
		return json_pack("{s:s}", PD_F_USERNS_MODE, PD_USERNS_HOST);
	return json_pack("{s:s, s:I, s:I, s:I}", PD_F_USERNS_MODE, PD_USERNS_AUTO, PD_F_USERNS_UID,
			 (json_int_t)ids->uid, PD_F_USERNS_GID, (json_int_t)ids->gid,
			 PD_F_USERNS_SIZE, (json_int_t)ids->size);
}

int
userns_ids_from_json(const json_t *j, struct userns_ids *ids, struct pd_err *err)
{
	const char *mode;
	json_int_t uid = 0, gid = 0, size = 0;
	json_error_t jerr;

	memset(ids, 0, sizeof(*ids));
	if (j == NULL)
		return 0;
	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT, "{s:s, s?I, s?I, s?I}",
			   PD_F_USERNS_MODE, &mode, PD_F_USERNS_UID, &uid, PD_F_USERNS_GID, &gid,
			   PD_F_USERNS_SIZE, &size) < 0)
		return pd_fail(err, PD_E_INVALID, "userns: %s", jerr.text);
	if (strcmp(mode, PD_USERNS_HOST) == 0)
		return 0;
	if (strcmp(mode, PD_USERNS_AUTO) != 0)
		return pd_fail(err, PD_E_INVALID, "userns: bad mode");
	if (size != USERNS_SIZE || uid <= 0 || gid <= 0 || uid + size > UINT32_MAX ||
	    gid + size > UINT32_MAX)
		return pd_fail(err, PD_E_INVALID, "userns: bad range");
	ids->mode = USERNS_AUTO;
	ids->uid = (uint32_t)uid;
	ids->gid = (uint32_t)gid;
	ids->size = (uint32_t)size;
	return 0;
}

int
userns_map_line(uint32_t start, uint32_t size, char *buf, size_t len)
{
	int n = snprintf(buf, len, "0 %u %u\n", start, size);

	return n < 0 || (size_t)n >= len ? -1 : n;
}
