/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/imgref: references read as docker and podman read them, normalised;
 * every malformed one refused with what is wrong.
 */
#include <string.h>

#include "imgref.h"
#include "unit.h"

#define HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The full normalised form of @s, or "ERR: message". */
static const char *
norm(const char *s)
{
	static char buf[PD_IMGREF_MAX + PD_ERR_MSG_MAX];
	struct pd_err err = {0};
	struct pd_imgref ref;

	if (pd_imgref_parse(s, &ref, &err) < 0) {
		(void)snprintf(buf, sizeof(buf), "ERR: %s", err.msg);
		return buf;
	}
	pd_imgref_format(&ref, buf, sizeof(buf));
	return buf;
}

static const char *
familiar(const char *s)
{
	static char buf[PD_IMGREF_MAX];
	struct pd_err err = {0};
	struct pd_imgref ref;

	if (pd_imgref_parse(s, &ref, &err) < 0)
		return "ERR";
	pd_imgref_familiar(&ref, buf, sizeof(buf));
	return buf;
}

static void
test_short_names(void)
{
	CHECK_STR(norm("busybox"), ==, "docker.io/library/busybox:latest");
	CHECK_STR(norm("busybox:1.36"), ==, "docker.io/library/busybox:1.36");
	CHECK_STR(norm("library/busybox"), ==, "docker.io/library/busybox:latest");
	CHECK_STR(norm("docker.io/library/busybox:latest"), ==, "docker.io/library/busybox:latest");
	CHECK_STR(norm("docker.io/busybox"), ==, "docker.io/library/busybox:latest");
	CHECK_STR(norm("index.docker.io/busybox"), ==, "docker.io/library/busybox:latest");
	CHECK_STR(norm("team/app"), ==, "docker.io/team/app:latest");
	CHECK_STR(norm("a/b/c"), ==, "docker.io/a/b/c:latest");
}

static void
test_registries(void)
{
	CHECK_STR(norm("registry.example:5000/team/app:v2"), ==,
		  "registry.example:5000/team/app:v2");
	CHECK_STR(norm("localhost/app"), ==, "localhost/app:latest");
	CHECK_STR(norm("localhost:5000/app"), ==, "localhost:5000/app:latest");
	CHECK_STR(norm("127.0.0.1:5000/x/y:1"), ==, "127.0.0.1:5000/x/y:1");
	CHECK_STR(norm("Quay.IO/app"), ==, "Quay.IO/app:latest");
	/* No dot, no port, not localhost: a path component, not a registry. */
	CHECK_STR(norm("myhost/app"), ==, "docker.io/myhost/app:latest");
}

static void
test_digests(void)
{
	CHECK_STR(norm("app@sha256:" HEX), ==, "docker.io/library/app@sha256:" HEX);
	CHECK_STR(norm("app:v1@sha256:" HEX), ==, "docker.io/library/app:v1@sha256:" HEX);
	CHECK_STR(norm("h:5000/app@sha256:" HEX), ==, "h:5000/app@sha256:" HEX);
	CHECK_CONTAINS(norm("app@sha256:abc"), "bad digest");
	CHECK_CONTAINS(norm("app@md5:" HEX), "bad digest");
	CHECK_CONTAINS(norm("app@sha256:" HEX "0"), "bad digest");
}

static void
test_components(void)
{
	CHECK_STR(norm("x/a.b_c__d---e"), ==, "docker.io/x/a.b_c__d---e:latest");
	CHECK_CONTAINS(norm("Busybox"), "must be lowercase");
	CHECK_CONTAINS(norm("a..b"), "bad repository name");
	CHECK_CONTAINS(norm("a___b"), "bad repository name");
	CHECK_CONTAINS(norm("-a"), "bad repository name");
	CHECK_CONTAINS(norm("a-"), "bad repository name");
	CHECK_CONTAINS(norm("a//b"), "bad repository name");
	CHECK_CONTAINS(norm("a/"), "bad repository name");
	CHECK_CONTAINS(norm("/a"), "bad repository name");
	CHECK_CONTAINS(norm("a b"), "bad repository name");
	CHECK_CONTAINS(norm(""), "empty");
	CHECK_CONTAINS(norm(":tag"), "no repository name");
}

static void
test_tags_and_hosts(void)
{
	CHECK_CONTAINS(norm("a:"), "bad tag");
	CHECK_CONTAINS(norm("a:-x"), "bad tag");
	CHECK_CONTAINS(norm("a:x/y"), "bad registry");
	CHECK_STR(norm("a:_x.Y-1"), ==, "docker.io/library/a:_x.Y-1");
	CHECK_CONTAINS(norm("h:0/a"), "bad registry");
	CHECK_CONTAINS(norm("h:65536/a"), "bad registry");
	CHECK_CONTAINS(norm("-h.x/a"), "bad registry");
	CHECK_CONTAINS(norm("h..x/a"), "bad registry");
	CHECK_CONTAINS(norm("h.x:/a"), "bad registry");
	{
		char big[400];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK_CONTAINS(norm(big), "longer than");
	}
}

static void
test_familiar(void)
{
	CHECK_STR(familiar("busybox:1"), ==, "busybox");
	CHECK_STR(familiar("team/app"), ==, "team/app");
	CHECK_STR(familiar("library/a/b"), ==, "library/a/b");
	CHECK_STR(familiar("127.0.0.1:5000/app"), ==, "127.0.0.1:5000/app");
}

/* Equal references are equal structs (the fuzz target compares them). */
static void
test_normalised_structs_equal(void)
{
	struct pd_imgref a, b;
	struct pd_err err = {0};

	REQUIRE(pd_imgref_parse("index.docker.io/r/x", &a, &err) == 0);
	REQUIRE(pd_imgref_parse("docker.io/r/x", &b, &err) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static const struct unit_case cases[] = {
    {"short_names", test_short_names},
    {"registries", test_registries},
    {"digests", test_digests},
    {"components", test_components},
    {"tags_and_hosts", test_tags_and_hosts},
    {"familiar", test_familiar},
    {"normalised_structs_equal", test_normalised_structs_equal},
};

UNIT_MAIN(cases)
