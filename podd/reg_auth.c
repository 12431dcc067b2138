/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Challenges, tokens and credentials parsed; see reg_auth.h.
 */
#include "reg_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "cleanup.h"
#include "json.h"

/* Copy a param value (quoted or a token) at *p into @out; advance *p. */
static int
param_value(const char **p, char *out, size_t len, struct pd_err *err)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '"') {
		for (s++; *s != '\0' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (n + 1 >= len)
				return pd_fail(err, PD_E_INVALID, "challenge: a value is too long");
			out[n++] = *s;
		}
		if (*s != '"')
			return pd_fail(err, PD_E_INVALID, "challenge: unterminated quote");
		s++;
	} else {
		for (; *s != '\0' && *s != ',' && *s != ' '; s++) {
			if (n + 1 >= len)
				return pd_fail(err, PD_E_INVALID, "challenge: a value is too long");
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

int
reg_challenge_parse(const char *value, struct reg_challenge *c, struct pd_err *err)
{
	const char *p = value;
	char ignored[REG_REALM_MAX];

	memset(c, 0, sizeof(*c));
	if (strncasecmp(p, "Bearer ", 7) == 0) {
		c->scheme = REG_SCHEME_BEARER;
		p += 7;
	} else if (strncasecmp(p, "Basic", 5) == 0 && (p[5] == ' ' || p[5] == '\0')) {
		c->scheme = REG_SCHEME_BASIC;
		p += 5;
	} else {
		return pd_fail(err, PD_E_INVALID, "unsupported authentication scheme in \"%.64s\"",
			       value);
	}
	while (*p != '\0') {
		size_t klen;
		char *out = ignored;
		size_t olen = sizeof(ignored);

		p += strspn(p, " ,");
		if (*p == '\0')
			break;
		klen = strcspn(p, "=");
		if (p[klen] != '=')
			return pd_fail(err, PD_E_INVALID, "challenge: malformed parameter");
		if (klen == 5 && strncasecmp(p, "realm", 5) == 0) {
			out = c->realm;
			olen = sizeof(c->realm);
		} else if (klen == 7 && strncasecmp(p, "service", 7) == 0) {
			out = c->service;
			olen = sizeof(c->service);
		} else if (klen == 5 && strncasecmp(p, "scope", 5) == 0) {
			out = c->scope;
			olen = sizeof(c->scope);
		}
		p += klen + 1;
		if (param_value(&p, out, olen, err) < 0)
			return -1;
	}
	if (c->scheme == REG_SCHEME_BEARER && strncmp(c->realm, "https://", 8) != 0 &&
	    strncmp(c->realm, "http://", 7) != 0)
		return pd_fail(err, PD_E_INVALID, "Bearer challenge without an http(s) realm");
	return 0;
}

static int
copy_str(const json_t *j, const char *key, char *out, size_t len, struct pd_err *err)
{
	const json_t *v = json_object_get(j, key);

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= len)
		return pd_fail(err, PD_E_INVALID, "%s: \"%s\" is not a string or too long",
			       REG_AUTH_HEADER, key);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int
reg_creds_parse(const char *header, struct reg_creds *c, struct pd_err *err)
{
	cleanup_free char *raw = NULL;
	cleanup_json json_t *j = NULL;
	size_t len = 0;
	int r;

	memset(c, 0, sizeof(*c));
	raw = pd_base64_decode(header, &len, err);
	if (raw == NULL)
		return pd_err_prefix(err, "%s", REG_AUTH_HEADER);
	j = pd_json_load(raw, len, 8192, err);
	explicit_bzero(raw, len);
	if (j == NULL)
		return pd_fail(err, PD_E_INVALID, "%s is not base64url of a JSON object",
			       REG_AUTH_HEADER);
	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "%s is not a JSON object", REG_AUTH_HEADER);
	r = copy_str(j, "username", c->username, sizeof(c->username), err);
	if (r == 0)
		r = copy_str(j, "password", c->password, sizeof(c->password), err);
	if (r == 0)
		r = copy_str(j, "serveraddress", c->server, sizeof(c->server), err);
	if (r < 0)
		reg_creds_clear(c);
	return r;
}

int
reg_token_parse(const char *body, size_t len, char *out, long long *expires_s, struct pd_err *err)
{
	cleanup_json json_t *j = pd_json_load(body, len, 256 * 1024, err);
	const json_t *t, *e;

	if (j == NULL)
		return pd_err_prefix(err, "token server reply");
	t = json_object_get(j, "token");
	if (!json_is_string(t) || json_string_length(t) == 0)
		t = json_object_get(j, "access_token");
	if (!json_is_string(t) || json_string_length(t) == 0)
		return pd_fail(err, PD_E_INVALID, "the token server's reply has no token");
	if (json_string_length(t) >= REG_TOKEN_MAX)
		return pd_fail(err, PD_E_INVALID, "the token server's token is too long");
	if (strpbrk(json_string_value(t), "\r\n") != NULL)
		return pd_fail(err, PD_E_INVALID, "the token server's token has a line break");
	memcpy(out, json_string_value(t), json_string_length(t) + 1);
	e = json_object_get(j, "expires_in");
	*expires_s = json_is_integer(e) && json_integer_value(e) > 0 ? json_integer_value(e)
								     : REG_TOKEN_DEFAULT_S;
	return 0;
}

void
reg_creds_clear(struct reg_creds *c)
{
	explicit_bzero(c, sizeof(*c));
}
