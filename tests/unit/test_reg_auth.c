/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/reg_auth: WWW-Authenticate challenges, token replies and the
 * X-Registry-Auth header, and what is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "reg_auth.h"
#include "unit.h"

static void
test_bearer(void)
{
	struct reg_challenge c;
	struct pd_err err = {0};

	REQUIRE(reg_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
				    "service=\"registry.docker.io\","
				    "scope=\"repository:library/busybox:pull\"",
				    &c, &err) == 0);
	CHECK_INT(c.scheme, ==, REG_SCHEME_BEARER);
	CHECK_STR(c.realm, ==, "https://auth.docker.io/token");
	CHECK_STR(c.service, ==, "registry.docker.io");
	CHECK_STR(c.scope, ==, "repository:library/busybox:pull");
	REQUIRE(reg_challenge_parse("bearer realm=http://127.0.0.1:1/t, error=\"a\\\"b\"", &c,
				    &err) == 0);
	CHECK_STR(c.realm, ==, "http://127.0.0.1:1/t");
}

static void
test_basic(void)
{
	struct reg_challenge c;
	struct pd_err err = {0};

	REQUIRE(reg_challenge_parse("Basic realm=\"podd-test\"", &c, &err) == 0);
	CHECK_INT(c.scheme, ==, REG_SCHEME_BASIC);
	REQUIRE(reg_challenge_parse("Basic", &c, &err) == 0);
}

static void
test_challenge_refused(void)
{
	struct reg_challenge c;
	struct pd_err err = {0};

	CHECK(reg_challenge_parse("Negotiate abc", &c, &err) < 0);
	CHECK(reg_challenge_parse("Bearer realm=\"unterminated", &c, &err) < 0);
	CHECK(reg_challenge_parse("Bearer service=x", &c, &err) < 0);
	CHECK(reg_challenge_parse("Bearer realm=\"file:///etc/passwd\"", &c, &err) < 0);
	CHECK(reg_challenge_parse("Bearer realm", &c, &err) < 0);
}

static void
test_creds(void)
{
	const char *j = "{\"username\":\"alice\",\"password\":\"s3:cret\",\"serveraddress\":\"r\"}";
	char *h = pd_base64_encode(j, strlen(j), true);
	struct reg_creds c;
	struct pd_err err = {0};

	REQUIRE(reg_creds_parse(h, &c, &err) == 0);
	CHECK_STR(c.username, ==, "alice");
	CHECK_STR(c.password, ==, "s3:cret");
	CHECK_STR(c.server, ==, "r");
	free(h);
	CHECK(reg_creds_parse("!!!", &c, &err) < 0);
	h = pd_base64_encode("[1]", 3, true);
	CHECK(reg_creds_parse(h, &c, &err) < 0);
	free(h);
	h = pd_base64_encode("{\"username\":1}", 14, false);
	CHECK(reg_creds_parse(h, &c, &err) < 0);
	free(h);
}

static void
test_token(void)
{
	char *tok = malloc(REG_TOKEN_MAX);
	long long exp = 0;
	struct pd_err err = {0};
	const char *a = "{\"token\":\"abc\",\"expires_in\":300}";
	const char *b = "{\"access_token\":\"def\"}";
	const char *c = "{\"token\":\"\"}";
	const char *d = "{\"token\":\"a\\r\\nX-Evil: 1\"}";

	REQUIRE(tok != NULL);
	REQUIRE(reg_token_parse(a, strlen(a), tok, &exp, &err) == 0);
	CHECK_STR(tok, ==, "abc");
	CHECK_INT(exp, ==, 300);
	REQUIRE(reg_token_parse(b, strlen(b), tok, &exp, &err) == 0);
	CHECK_STR(tok, ==, "def");
	CHECK_INT(exp, ==, REG_TOKEN_DEFAULT_S);
	CHECK(reg_token_parse(c, strlen(c), tok, &exp, &err) < 0);
	CHECK(reg_token_parse(d, strlen(d), tok, &exp, &err) < 0);
	CHECK(reg_token_parse("x", 1, tok, &exp, &err) < 0);
	free(tok);
}

static const struct unit_case cases[] = {
    {"bearer", test_bearer}, {"basic", test_basic}, {"challenge_refused", test_challenge_refused},
    {"creds", test_creds},   {"token", test_token},
};

UNIT_MAIN(cases)
