/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a registry's authentication is made of, parsed: the WWW-Authenticate
 * challenge of a 401 (RFC 7235; the Bearer realm/service/scope of the
 * distribution token spec, or Basic), the token server's answer, and the
 * credentials podctl sends in X-Registry-Auth (base64url of docker's
 * {"username","password","serveraddress"}). Pure: unit-tested. podd keeps
 * credentials in memory for one request only, never on disk.
 */
#pragma once

#include <stddef.h>

#include "err.h"

#define REG_REALM_MAX   1024
#define REG_SERVICE_MAX 256
#define REG_SCOPE_MAX   512
#define REG_USER_MAX    256
#define REG_PASS_MAX    1024
#define REG_TOKEN_MAX   (16 * 1024)
#define REG_AUTH_HEADER "X-Registry-Auth"

enum reg_scheme {
	REG_SCHEME_BASIC = 1,
	REG_SCHEME_BEARER,
};

struct reg_challenge {
	enum reg_scheme scheme;
	char realm[REG_REALM_MAX];
	char service[REG_SERVICE_MAX];
	char scope[REG_SCOPE_MAX];
};

/* Parse a WWW-Authenticate value: `Bearer realm="..",service="..",scope=".."`
 * or `Basic realm=".."`. PD_E_INVALID for another scheme or a malformed one.
 * Returns 0 or -1. */
int reg_challenge_parse(const char *value, struct reg_challenge *c, struct pd_err *err);

struct reg_creds {
	char username[REG_USER_MAX]; /* "" when anonymous */
	char password[REG_PASS_MAX];
	char server[256]; /* serveraddress, may be "" */
};

/* Decode an X-Registry-Auth value into @c. PD_E_INVALID. Returns 0 or -1. */
int reg_creds_parse(const char *header, struct reg_creds *c, struct pd_err *err);

/* The token in a token server's JSON reply ("token", or OAuth2's
 * "access_token"), copied into @out (REG_TOKEN_MAX), and how long it lives
 * in *expires_s ("expires_in"; the token spec's default of 60 when absent).
 * PD_E_INVALID. Returns 0 or -1. */
#define REG_TOKEN_DEFAULT_S 60
int reg_token_parse(const char *body, size_t len, char *out, long long *expires_s,
		    struct pd_err *err);

/* Zero @c's secrets. */
void reg_creds_clear(struct reg_creds *c);
