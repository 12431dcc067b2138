/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/manifest: image manifests and indexes as registries serve them (OCI
 * and Docker schema 2), what is refused and why, and the platform choice.
 */
#include <string.h>

#include "reg_manifest.h"
#include "unit.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static int
parse(const char *s, const char *ct, struct reg_manifest *m, struct pd_err *err)
{
	return reg_manifest_parse(s, strlen(s), ct, m, err);
}

static void
test_oci_manifest(void)
{
	const char *s =
	    "{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_OCI_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"" REG_MT_OCI_CONFIG "\",\"digest\":\"" D1
	    "\",\"size\":10},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	    "\"digest\":\"" D2 "\",\"size\":20},"
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\","
	    "\"digest\":\"" D3 "\",\"size\":30}]}";
	struct reg_manifest m;
	struct pd_err err = {0};

	REQUIRE(parse(s, NULL, &m, &err) == 0);
	CHECK_INT(m.kind, ==, REG_MANIFEST_IMAGE);
	CHECK_STR(m.config.digest, ==, D1);
	CHECK_INT(m.n_entries, ==, 2);
	CHECK_STR(m.entries[1].digest, ==, D3);
	CHECK_INT(m.entries[1].size, ==, 30);
	reg_manifest_free(&m);
}

static void
test_docker_list_and_choice(void)
{
	const char *s =
	    "{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_DOCKER_LIST "\",\"manifests\":["
	    "{\"mediaType\":\"" REG_MT_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
	    "{\"mediaType\":\"" REG_MT_DOCKER_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":2,"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	struct reg_manifest m;
	struct reg_platform p;
	struct pd_err err = {0};
	const struct reg_descriptor *d;

	REQUIRE(parse(s, NULL, &m, &err) == 0);
	CHECK_INT(m.kind, ==, REG_MANIFEST_INDEX);
	REQUIRE(reg_platform_parse("linux/amd64", &p, &err) == 0);
	d = reg_manifest_choose(&m, &p, &err);
	REQUIRE(d != NULL);
	CHECK_STR(d->digest, ==, D2);
	REQUIRE(reg_platform_parse("linux/arm64/v8", &p, &err) == 0);
	d = reg_manifest_choose(&m, &p, &err);
	REQUIRE(d != NULL);
	CHECK_STR(d->digest, ==, D1);
	REQUIRE(reg_platform_parse("linux/arm64/v7", &p, &err) == 0);
	CHECK(reg_manifest_choose(&m, &p, &err) == NULL);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	CHECK(strstr(err.msg, "linux/arm64/v8, linux/amd64") != NULL);
	reg_manifest_free(&m);
}

static void
test_kind_from_header(void)
{
	const char *s = "{\"schemaVersion\":2,\"manifests\":[]}";
	struct reg_manifest m;
	struct pd_err err = {0};

	REQUIRE(parse(s, REG_MT_OCI_INDEX, &m, &err) == 0);
	CHECK_INT(m.kind, ==, REG_MANIFEST_INDEX);
	reg_manifest_free(&m);
}

static void
refused(const char *s, const char *why)
{
	struct reg_manifest m;
	struct pd_err err = {0};

	CHECK_INT(parse(s, NULL, &m, &err), ==, -1);
	CHECK(strstr(err.msg, why) != NULL);
	if (strstr(err.msg, why) == NULL)
		fprintf(stderr, "message: %s (wanted %s)\n", err.msg, why);
	reg_manifest_free(&m);
}

static void
test_refused(void)
{
	refused("{\"schemaVersion\":1,\"fsLayers\":[]}", "schema 1");
	refused("[]", "not a JSON object");
	refused("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}",
		"unknown manifest media type");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_OCI_MANIFEST
		"\",\"config\":{\"mediaType\":"
		"\"x\",\"digest\":\"sha256:12\",\"size\":1},\"layers\":[]}",
		"not sha256");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_OCI_MANIFEST
		"\",\"config\":{\"mediaType\":"
		"\"x\",\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}",
		"size");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_OCI_MANIFEST
		"\",\"config\":{\"mediaType\":"
		"\"x\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":\"text/x\","
		"\"digest\":\"" D2 "\",\"size\":1}]}",
		"unsupported layer media type");
	refused("{\"schemaVersion\":2,\"mediaType\":\"" REG_MT_OCI_MANIFEST
		"\",\"config\":{\"mediaType\":"
		"\"x\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}",
		"no layers");
}

static void
test_platform_parse(void)
{
	struct reg_platform p;
	struct pd_err err = {0};
	char buf[128];

	REQUIRE(reg_platform_parse("linux/arm/v7", &p, &err) == 0);
	CHECK_STR(p.os, ==, "linux");
	CHECK_STR(p.arch, ==, "arm");
	CHECK_STR(p.variant, ==, "v7");
	reg_platform_format(&p, buf, sizeof(buf));
	CHECK_STR(buf, ==, "linux/arm/v7");
	CHECK(reg_platform_parse("linux", &p, &err) < 0);
	CHECK(reg_platform_parse("linux/", &p, &err) < 0);
	CHECK(reg_platform_parse("/amd64", &p, &err) < 0);
	CHECK(reg_platform_parse("linux/amd64/", &p, &err) < 0);
	CHECK(reg_platform_parse("linux/amd64/v1/x", &p, &err) < 0);
	CHECK(reg_platform_parse("Linux/amd64", &p, &err) < 0);
}

static const struct unit_case cases[] = {
    {"oci_manifest", test_oci_manifest},
    {"docker_list_and_choice", test_docker_list_and_choice},
    {"kind_from_header", test_kind_from_header},
    {"refused", test_refused},
    {"reg_platform_parse", test_platform_parse},
};

UNIT_MAIN(cases)
