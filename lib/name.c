/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name validation and id generation; see name.h.
 */
#include "name.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
pd_name_validate(const char *name, const char *what, struct pd_err *err)
{
	return pd_name_validate_max(name, what, PD_NAME_MAX, err);
}

int
pd_name_validate_max(const char *name, const char *what, size_t max, struct pd_err *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return pd_fail(err, PD_E_INVALID, "%s is empty", what);
	if (len > max)
		return pd_fail(err, PD_E_INVALID,
			       "%s is %zu characters long, over the limit of %zu", what, len, max);
	if (!is_alnum(name[0]))
		return pd_fail(err, PD_E_INVALID, "%s \"%.*s\" must start with a letter or a digit",
			       what, PD_NAME_MAX, name);
	for (size_t i = 1; i < len; i++) {
		char c = name[i];

		if (!is_alnum(c) && c != '_' && c != '.' && c != '-')
			return pd_fail(err, PD_E_INVALID,
				       "%s \"%.*s\" has a character that is not allowed "
				       "(use letters, digits, '_', '.' and '-')",
				       what, PD_NAME_MAX, name);
	}
	return 0;
}

int
pd_id_generate(char buf[PD_ID_LEN + 1], struct pd_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[PD_ID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd_fail_errno(err, errno, "getrandom");
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		buf[2 * i] = hex[raw[i] >> 4];
		buf[2 * i + 1] = hex[raw[i] & 0xf];
	}
	buf[PD_ID_LEN] = '\0';
	return 0;
}

bool
pd_is_id_prefix(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > PD_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* issue 11, config: a --user value; see name.h. */
static bool
user_part_ok(const char *s, size_t len)
{
	static const char ok[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@$+-";
	size_t digits = 0;
	unsigned long v = 0;

	if (len == 0 || len > PD_USER_PART_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0' || strchr(ok, s[i]) == NULL)
			return false;
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
	}
	if (digits != len)
		return true;
	/* A number: in range, no leading zeros beyond "0" itself. */
	if (len > 1 && s[0] == '0')
		return false;
	for (size_t i = 0; i < len && v <= PD_USER_ID_MAX; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	return v <= PD_USER_ID_MAX;
}

int
pd_user_validate(const char *user, struct pd_err *err)
{
	const char *colon = strchr(user, ':');
	size_t ulen = colon != NULL ? (size_t)(colon - user) : strlen(user);

	if (!user_part_ok(user, ulen) ||
	    (colon != NULL && !user_part_ok(colon + 1, strlen(colon + 1))))
		return pd_fail(err, PD_E_INVALID,
			       "user \"%.80s\" is not NAME[:GROUP] or UID[:GID] (names of "
			       "letters, digits and _.@$+-, up to %d bytes; ids up to %d)",
			       user, PD_USER_PART_MAX, PD_USER_ID_MAX);
	return 0;
}

bool
pd_components_ok(const char *s, const char *sep)
{
	for (const char *p = s;;) {
		size_t len = strcspn(p, sep);

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += len;
		if (*p == '\0')
			return true;
		p++;
	}
}
