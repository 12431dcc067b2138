/* SPDX-License-Identifier: Apache-2.0 */
/*
 * shim/user: "NAME[:GROUP]" and "UID[:GID]" resolved on passwd and group
 * contents as docker does: names must exist, numbers need not; a named
 * user's gid and home from passwd and its supplementary groups from group;
 * ":GROUP" sets the gid and leaves no supplementary groups; odd lines
 * skipped; missing files.
 */
#include <string.h>

#include "user.h"
#include "unit.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment\n"
			     "broken line\n"
			     "bad:x:notanumber:0::/:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
			     "app:x:1000:1000:App:/home/app:/bin/sh\n"
			     "nohome:x:1001:1001::\n"
			     "last:x:1002:1002::/last:/bin/sh"; /* no final newline */

static const char group[] = "root:x:0:\n"
			    "app:x:1000:\n"
			    "extra:x:2000:other,app\n"
			    "apps:x:2001:application\n" /* a name with app as a prefix */
			    "more:x:2002:app\n"
			    "dup:x:2000:app\n" /* the same gid again: once */
			    "nohome:x:1001:";

static int
resolve(const char *user, struct shim_user *u, struct pd_err *err)
{
	return shim_user_resolve_buf(user, passwd, strlen(passwd), group, strlen(group), u, err);
}

static void
test_named_user(void)
{
	struct shim_user u;
	struct pd_err err = {0};

	REQUIRE(resolve("app", &u, &err) == 0);
	CHECK_INT(u.uid, ==, 1000);
	CHECK_INT(u.gid, ==, 1000);
	CHECK_STR(u.home, ==, "/home/app");
	REQUIRE(u.n_groups == 3);
	CHECK_INT(u.groups[0], ==, 1000);
	CHECK_INT(u.groups[1], ==, 2000);
	CHECK_INT(u.groups[2], ==, 2002);
	REQUIRE(resolve("root", &u, &err) == 0);
	CHECK_INT(u.uid, ==, 0);
	CHECK_STR(u.home, ==, "/root");
	CHECK(u.n_groups == 1 && u.groups[0] == 0);
	REQUIRE(resolve("last", &u, &err) == 0);
	CHECK_INT(u.uid, ==, 1002);
	CHECK_STR(u.home, ==, "/last");
	REQUIRE(resolve("nohome", &u, &err) == 0);
	CHECK_STR(u.home, ==, "/");
}

static void
test_numbers(void)
{
	struct shim_user u;
	struct pd_err err = {0};

	/* A uid passwd has: its entry. */
	REQUIRE(resolve("1000", &u, &err) == 0);
	CHECK_INT(u.gid, ==, 1000);
	CHECK_STR(u.home, ==, "/home/app");
	CHECK(u.n_groups == 3);
	/* One it has not: gid 0, home "/", no other group. */
	REQUIRE(resolve("1234", &u, &err) == 0);
	CHECK_INT(u.uid, ==, 1234);
	CHECK_INT(u.gid, ==, 0);
	CHECK_STR(u.home, ==, "/");
	CHECK(u.n_groups == 1 && u.groups[0] == 0);
	REQUIRE(resolve("1234:5678", &u, &err) == 0);
	CHECK_INT(u.gid, ==, 5678);
	CHECK(u.n_groups == 1 && u.groups[0] == 5678);
	/* No files at all: numbers still do. */
	REQUIRE(shim_user_resolve_buf("7:8", NULL, 0, NULL, 0, &u, &err) == 0);
	CHECK(u.uid == 7 && u.gid == 8);
}

static void
test_explicit_group(void)
{
	struct shim_user u;
	struct pd_err err = {0};

	REQUIRE(resolve("app:extra", &u, &err) == 0);
	CHECK_INT(u.uid, ==, 1000);
	CHECK_INT(u.gid, ==, 2000);
	CHECK(u.n_groups == 1 && u.groups[0] == 2000);
	REQUIRE(resolve("app:3000", &u, &err) == 0);
	CHECK_INT(u.gid, ==, 3000);
	REQUIRE(resolve("1234:root", &u, &err) == 0);
	CHECK(u.uid == 1234 && u.gid == 0);
}

static void
test_not_found(void)
{
	struct shim_user u;
	struct pd_err err = {0};

	CHECK_INT(resolve("ghost", &u, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "unable to find user ghost");
	/* A prefix of a name is not the name. */
	CHECK_INT(resolve("ap", &u, &err), ==, -1);
	CHECK_INT(resolve("app:ghosts", &u, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "unable to find group ghosts");
	CHECK_INT(shim_user_resolve_buf("app", NULL, 0, NULL, 0, &u, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "no matching entries in passwd file");
	/* No group file: a named user has no supplementary groups. */
	REQUIRE(shim_user_resolve_buf("app", passwd, strlen(passwd), NULL, 0, &u, &err) == 0);
	CHECK(u.n_groups == 1 && u.gid == 1000);
	CHECK_INT(resolve("", &u, &err), ==, -1);
	CHECK_INT(resolve("app:", &u, &err), ==, -1);
}

static const struct unit_case cases[] = {
    {"named_user", test_named_user},
    {"numbers", test_numbers},
    {"explicit_group", test_explicit_group},
    {"not_found", test_not_found},
};

UNIT_MAIN(cases)
