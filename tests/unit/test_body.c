/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/body: request bodies from flags. -e as docker reads it (K=V, K from
 * podctl's environment or nothing), strings that are not UTF-8, and exec's
 * -u UID[:GID].
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "json.h"
#include "unit.h"

static void
test_env(void)
{
	const char *values[] = {"A=1", "FROM_HERE", "NOT_SET", "B=x=y", "C="};
	struct flag_value v = {.set = true, .values = values, .count = 5};
	cleanup_json json_t *body = json_object();
	struct pd_err err = {0};
	cleanup_free char *text = NULL;

	REQUIRE(setenv("FROM_HERE", "hello world", 1) == 0);
	REQUIRE(unsetenv("NOT_SET") == 0);
	REQUIRE(body_set_env(body, &v, &err) == 0);
	text = pd_json_dump(json_object_get(body, PD_F_ENV));
	CHECK_STR(text, ==, "[\"A=1\",\"FROM_HERE=hello world\",\"B=x=y\",\"C=\"]");
}

static void
env_bad(const char *value, const char *want)
{
	const char *values[] = {value};
	struct flag_value v = {.set = true, .values = values, .count = 1};
	cleanup_json json_t *body = json_object();
	struct pd_err err = {0};

	CHECK_INT(body_set_env(body, &v, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, want);
	CHECK(json_object_get(body, PD_F_ENV) == NULL);
}

static void
test_env_bad(void)
{
	env_bad("=1", "no variable name");
	env_bad("", "no variable name");
	env_bad("A=\xff", "not valid UTF-8");
}

static void
test_strings(void)
{
	const char *cmd[] = {"sh", "-c", "echo hi"};
	const char *bad[] = {"ok", "\xc3("};
	cleanup_json json_t *body = json_object();
	cleanup_free char *text = NULL;
	struct pd_err err = {0};

	REQUIRE(body_set_strings(body, PD_F_COMMAND, cmd, 3, "command argument", &err) == 0);
	REQUIRE(body_set_string(body, PD_F_WORKDIR, "/tmp", "--workdir", &err) == 0);
	text = pd_json_dump(body);
	CHECK_STR(text, ==, "{\"command\":[\"sh\",\"-c\",\"echo hi\"],\"workdir\":\"/tmp\"}");
	CHECK_INT(body_set_strings(body, PD_F_CAP_ADD, bad, 2, "--cap-add", &err), ==, -1);
	CHECK_CONTAINS(err.msg, "--cap-add \"\xc3(\" is not valid UTF-8");
	CHECK_INT(body_set_string(body, PD_F_WORKDIR, "\xff", "--workdir", &err), ==, -1);
	CHECK_CONTAINS(err.msg, "--workdir");
}

static void
user_ok(const char *user, const char *want)
{
	cleanup_json json_t *body = json_object();
	struct pd_err err = {0};

	if (body_set_user(body, user, &err) < 0) {
		unit_report(__FILE__, __LINE__, "\"%s\": %s", user, err.msg);
		return;
	}
	CHECK_STR(json_string_value(json_object_get(body, PD_F_USER)), ==, want);
}

static void
user_bad(const char *user)
{
	cleanup_json json_t *body = json_object();
	struct pd_err err = {0};

	CHECK_INT(body_set_user(body, user, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "is not NAME[:GROUP] or UID[:GID]");
	CHECK(json_object_get(body, PD_F_USER) == NULL);
}

static void
test_user(void)
{
	user_ok("0", "0");
	user_ok("1000", "1000");
	user_ok("1000:100", "1000:100");
	user_ok("65535:65535", "65535:65535");
	/* Names too (issue 11): resolved in the container. */
	user_ok("app", "app");
	user_ok("app:extra", "app:extra");
	user_ok("1000:users", "1000:users");
	user_bad("007:+5");
	user_bad("65536");
	user_bad("");
	user_bad(":");
	user_bad("1000:");
	user_bad(":100");
	user_bad("a b");
	user_bad("app:-x");
	user_bad("-1");
	user_bad("4294967295");
	user_bad("1:2:3");
	user_bad(" 1");
}

static const struct unit_case cases[] = {
    {"env", test_env},
    {"env_bad", test_env_bad},
    {"strings", test_strings},
    {"user", test_user},
};

UNIT_MAIN(cases)
