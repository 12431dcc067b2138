/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/name: which names may reach a path ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at
 * most 63 bytes), the messages for the others, ids and id prefixes.
 */
#include <string.h>

#include "name.h"
#include "unit.h"

static int
valid(const char *name)
{
	struct pd_err err = {0};
	int r = pd_name_validate(name, "pod name", &err);

	if (r == 0 && err.kind != 0)
		return -2; /* success must leave err alone */
	if (r < 0 && err.kind != PD_E_INVALID)
		return -3;
	return r;
}

static void
test_valid_names(void)
{
	CHECK_INT(valid("web"), ==, 0);
	CHECK_INT(valid("a"), ==, 0);
	CHECK_INT(valid("Z"), ==, 0);
	CHECK_INT(valid("0"), ==, 0);
	CHECK_INT(valid("my-pod_1.x"), ==, 0);
	CHECK_INT(valid("a.."), ==, 0);
	CHECK_INT(valid("A-"), ==, 0);
}

static void
test_length_limit(void)
{
	char name[PD_NAME_MAX + 2];
	struct pd_err err = {0};

	memset(name, 'x', sizeof(name));
	name[PD_NAME_MAX] = '\0';
	CHECK_INT(strlen(name), ==, 63);
	CHECK_INT(valid(name), ==, 0);
	name[PD_NAME_MAX] = 'x';
	name[PD_NAME_MAX + 1] = '\0';
	CHECK_INT(valid(name), ==, -1);
	pd_name_validate(name, "pod name", &err);
	CHECK_CONTAINS(err.msg, "pod name is 64 characters long");
	CHECK_CONTAINS(err.msg, "63");
}

/* A longer limit for names from other programs (CNI container ids). */
static void
test_length_limit_max(void)
{
	char id[66];
	struct pd_err err = {0};

	memset(id, 'a', sizeof(id));
	id[64] = '\0';
	CHECK_INT(pd_name_validate(id, "container id", &err), ==, -1);
	CHECK_INT(pd_name_validate_max(id, "container id", 64, &err), ==, 0);
	id[64] = 'a';
	id[65] = '\0';
	CHECK_INT(pd_name_validate_max(id, "container id", 64, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "container id is 65 characters long, over the limit of 64");
	CHECK_INT(pd_name_validate_max("-x", "container id", 64, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "must start with a letter or a digit");
}

static void
test_long_name_message_bounded(void)
{
	char name[5000];
	struct pd_err err = {0};

	memset(name, 'y', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_INT(pd_name_validate(name, "container name", &err), ==, -1);
	CHECK_CONTAINS(err.msg, "4999 characters");
	CHECK_INT(strlen(err.msg), <, PD_ERR_MSG_MAX);
}

static void
test_empty(void)
{
	struct pd_err err = {0};

	CHECK_INT(valid(""), ==, -1);
	CHECK_INT(valid(NULL), ==, -1);
	pd_name_validate("", "pod name", &err);
	CHECK_STR(err.msg, ==, "pod name is empty");
}

static void
test_bad_first_character(void)
{
	struct pd_err err = {0};

	CHECK_INT(valid("-a"), ==, -1);
	CHECK_INT(valid(".a"), ==, -1);
	CHECK_INT(valid("_a"), ==, -1);
	CHECK_INT(valid("."), ==, -1);
	CHECK_INT(valid(".."), ==, -1);
	CHECK_INT(valid("/a"), ==, -1);
	pd_name_validate("-rf", "pod name", &err);
	CHECK_CONTAINS(err.msg, "pod name \"-rf\"");
	CHECK_CONTAINS(err.msg, "must start with a letter or a digit");
}

static void
test_bad_characters(void)
{
	struct pd_err err = {0};

	CHECK_INT(valid("a/b"), ==, -1);
	CHECK_INT(valid("a/../b"), ==, -1);
	CHECK_INT(valid("a/"), ==, -1);
	CHECK_INT(valid("a b"), ==, -1);
	CHECK_INT(valid(" a"), ==, -1);
	CHECK_INT(valid("a "), ==, -1);
	CHECK_INT(valid("a:b"), ==, -1);
	CHECK_INT(valid("a\\b"), ==, -1);
	CHECK_INT(valid("a*"), ==, -1);
	pd_name_validate("a b", "container name", &err);
	CHECK_CONTAINS(err.msg, "container name \"a b\"");
	CHECK_CONTAINS(err.msg, "not allowed");
}

static void
test_utf8_and_control(void)
{
	CHECK_INT(valid("caf\xc3\xa9"), ==, -1);
	CHECK_INT(valid("\xc3\xa9t\xc3\xa9"), ==, -1);
	CHECK_INT(valid("a\xe2\x80\x8b"), ==, -1); /* zero-width space */
	CHECK_INT(valid("a\n"), ==, -1);
	CHECK_INT(valid("a\tb"), ==, -1);
	CHECK_INT(valid("a\x7f"), ==, -1);
	CHECK_INT(valid("\x01"), ==, -1);
	CHECK_INT(valid("a\x1b[31m"), ==, -1);
}

static int
all_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void
test_id_generate(void)
{
	char a[PD_ID_LEN + 8], b[PD_ID_LEN + 1];
	struct pd_err err = {0};

	memset(a, '#', sizeof(a));
	REQUIRE(pd_id_generate(a, &err) == 0);
	REQUIRE(pd_id_generate(b, &err) == 0);
	CHECK_INT(err.kind, ==, 0);
	CHECK_INT(strlen(a), ==, PD_ID_LEN);
	CHECK(all_lower_hex(a, PD_ID_LEN));
	CHECK(all_lower_hex(b, PD_ID_LEN));
	CHECK_INT(a[PD_ID_LEN + 1], ==, '#');
	CHECK_STR(a, !=, b);
	CHECK(pd_is_id_prefix(a));
}

static void
test_id_prefix(void)
{
	char full[PD_ID_LEN + 2];

	CHECK(pd_is_id_prefix("abc"));
	CHECK(pd_is_id_prefix("0123456789"));
	CHECK(!pd_is_id_prefix(""));
	CHECK(pd_is_id_prefix("a"));
	CHECK(pd_is_id_prefix("ab"));
	CHECK(!pd_is_id_prefix("ABC"));
	CHECK(!pd_is_id_prefix("abg"));
	CHECK(!pd_is_id_prefix("abc "));
	CHECK(!pd_is_id_prefix("web"));
	memset(full, 'f', sizeof(full));
	full[PD_ID_LEN] = '\0';
	CHECK(pd_is_id_prefix(full));
	full[PD_ID_LEN] = 'f';
	full[PD_ID_LEN + 1] = '\0';
	CHECK(!pd_is_id_prefix(full));
}

static const struct unit_case cases[] = {
    {"valid_names", test_valid_names},
    {"length_limit", test_length_limit},
    {"length_limit_max", test_length_limit_max},
    {"long_name_message_bounded", test_long_name_message_bounded},
    {"empty", test_empty},
    {"bad_first_character", test_bad_first_character},
    {"bad_characters", test_bad_characters},
    {"utf8_and_control", test_utf8_and_control},
    {"id_generate", test_id_generate},
    {"id_prefix", test_id_prefix},
};

UNIT_MAIN(cases)
