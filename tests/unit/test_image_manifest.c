/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/image_manifest and podd/image_request: manifests (OCI and Docker
 * schema 2) and configs as the store reads them, indexes refused, every bad
 * field named; the image endpoints' bodies; podctl's sizes as docker
 * prints them.
 */
#include <string.h>

#include "image_manifest.h"
#include "image_request.h"
#include "json.h"
#include "output.h"
#include "unit.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"

static json_t *
load(const char *text)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, &err);

	REQUIRE(j != NULL);
	return j;
}

static const char oci[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
    "\"sha256:" H1 "\",\"size\":10},\"layers\":[{\"mediaType\":"
    "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" H2
    "\",\"size\":100},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\","
    "\"digest\":\"sha256:" H3 "\",\"size\":200}]}";

static void
test_oci_manifest_and_config(void)
{
	struct image_manifest m;
	struct pd_err err = {0};
	char created[IMAGE_CREATED_MAX];
	json_t *j = load(oci), *c;

	REQUIRE(image_manifest_parse(j, &m, &err) == 0);
	CHECK_STR(m.config, ==, "sha256:" H1);
	CHECK_INT(m.n_layers, ==, 2);
	CHECK_STR(m.layers[0].digest, ==, "sha256:" H2);
	CHECK_STR(m.layers[1].media_type, ==, "application/vnd.oci.image.layer.v1.tar+zstd");
	CHECK_INT(m.layers[1].size, ==, 200);
	c = load("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":"
		 "\"2026-12-02T13:00:00.5Z\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":"
		 "\"layers\",\"diff_ids\":[\"sha256:" H3 "\",\"sha256:" H2 "\"]}}");
	REQUIRE(image_config_parse(c, &m, created, &err) == 0);
	CHECK_STR(m.layers[0].diff_id, ==, "sha256:" H3);
	CHECK_STR(created, ==, "2026-12-02T13:00:00.5Z");
	json_decref(c);
	/* One diff_id too few. */
	c = load("{\"rootfs\":{\"diff_ids\":[\"sha256:" H3 "\"]}}");
	CHECK_INT(image_config_parse(c, &m, created, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "1 diff_ids for 2 layers");
	json_decref(c);
	json_decref(j);
}

static void
test_docker_manifest(void)
{
	struct image_manifest m;
	struct pd_err err = {0};
	json_t *j =
	    load("{\"schemaVersion\":2,\"mediaType\":"
		 "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"digest\":"
		 "\"sha256:" H1 "\",\"size\":1},\"layers\":[{\"mediaType\":"
		 "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"sha256:" H2
		 "\",\"size\":5}]}");

	REQUIRE(image_manifest_parse(j, &m, &err) == 0);
	CHECK_INT(m.n_layers, ==, 1);
	json_decref(j);
}

static void
test_bad_manifests(void)
{
	static const struct {
		const char *text, *needle;
	} cases[] = {
	    {"[]", "not a JSON object"},
	    {"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
	     "\"manifests\":[]}",
	     "an index"},
	    {"{\"schemaVersion\":2,\"manifests\":[]}", "an index"},
	    {"{\"schemaVersion\":1}", "\"schemaVersion\" must be 2"},
	    {"{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", "not supported"},
	    {"{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:00\"},\"layers\":[]}",
	     "\"config\" must name a sha256 digest"},
	    {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1 "\"}}",
	     "\"layers\" must be an array"},
	    {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1
	     "\"},\"layers\":[{\"digest\":\"sha256:" H2 "\",\"size\":-1,\"mediaType\":\"x\"}]}",
	     "layer 1 is not a descriptor"},
	    {"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" H1
	     "\"},\"layers\":[{\"digest\":\"sha256:" H2 "\",\"size\":1}]}",
	     "layer 1 has no media type"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct image_manifest m;
		struct pd_err err = {0};
		json_t *j = load(cases[i].text);

		CHECK_INT(image_manifest_parse(j, &m, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK_CONTAINS(err.msg, cases[i].needle);
		json_decref(j);
	}
}

static void
test_too_many_layers(void)
{
	json_t *j = load(oci), *layers = json_array();
	struct image_manifest m;
	struct pd_err err = {0};

	for (int i = 0; i <= IMAGE_MAX_LAYERS; i++)
		json_array_append_new(layers, json_pack("{s:s, s:s, s:i}", "digest", "sha256:" H2,
							"mediaType", "x", "size", 1));
	json_object_set_new(j, "layers", layers);
	CHECK_INT(image_manifest_parse(j, &m, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	json_decref(j);
}

static void
test_requests(void)
{
	struct image_import_req ir;
	struct image_save_req sr;
	struct pd_err err = {0};
	char name[PD_IMGREF_MAX];
	long long fd;
	json_t *j;

	j = load("{\"name\":\"busybox\",\"fd\":5}");
	REQUIRE(image_import_req_parse(j, &ir, &err) == 0);
	CHECK_INT(ir.fd, ==, 5);
	CHECK_STR(ir.path, ==, "");
	json_decref(j);
	j = load("{\"name\":\"busybox\",\"path\":\"/x\",\"fd\":5}");
	CHECK_INT(image_import_req_parse(j, &ir, &err), ==, -1);
	json_decref(j);
	j = load("{\"name\":\"Busybox\",\"path\":\"/x\"}");
	CHECK_INT(image_import_req_parse(j, &ir, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "lowercase");
	json_decref(j);
	j = load("{\"fd\":0}");
	REQUIRE(image_load_req_parse(j, &fd, &err) == 0);
	CHECK_INT(fd, ==, 0);
	json_decref(j);
	j = load("{\"fd\":-1}");
	CHECK_INT(image_load_req_parse(j, &fd, &err), ==, -1);
	json_decref(j);
	j = load("{\"fd\":3,\"names\":[\"a\",\"b:1\"]}");
	REQUIRE(image_save_req_parse(j, &sr, &err) == 0);
	CHECK_INT(sr.n_refs, ==, 2);
	CHECK_STR(sr.format, ==, "docker-archive");
	json_decref(j);
	j = load("{\"fd\":3,\"names\":[],\"format\":\"oci-archive\"}");
	CHECK_INT(image_save_req_parse(j, &sr, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "non-empty");
	json_decref(j);
	j = load("{\"fd\":3,\"names\":[\"a\"],\"format\":\"tar\"}");
	CHECK_INT(image_save_req_parse(j, &sr, &err), ==, -1);
	json_decref(j);
	j = load("{\"name\":\"a@sha256:" H1 "\"}");
	CHECK_INT(image_tag_req_parse(j, name, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "not a digest");
	json_decref(j);
	j = load("{\"name\":\"127.0.0.1:5000/team/app:v2\"}");
	REQUIRE(image_tag_req_parse(j, name, &err) == 0);
	CHECK_STR(name, ==, "127.0.0.1:5000/team/app:v2");
	json_decref(j);
}

static void
test_sizes(void)
{
	static const struct {
		long long bytes;
		const char *want;
	} cases[] = {
	    {0, "0B"},       {856, "856B"},       {1000, "1kB"},         {4260000, "4.26MB"},
	    {999600, "1MB"}, {1982365, "1.98MB"}, {1200000000, "1.2GB"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		REQUIRE(output_size(cases[i].bytes, buf, sizeof(buf)) == 0);
		CHECK_STR(buf, ==, cases[i].want);
	}
	CHECK_INT(output_size(1982365, buf, 4), ==, -1);
	/* issue 16: system df's summary */
	REQUIRE(output_size_4(1982365, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "1.982MB");
	REQUIRE(output_size_4(300000, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "300kB");
	REQUIRE(output_size_4(999400, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "999.4kB");
	/* issue 13, observe: memory as docker's stats prints it */
	REQUIRE(output_size_binary(1572864, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "1.5MiB");
	REQUIRE(output_size_binary(8233017344LL, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "7.668GiB");
	REQUIRE(output_size_binary(512, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "512B");
}

static const struct unit_case cases[] = {
    {"oci_manifest_and_config", test_oci_manifest_and_config},
    {"docker_manifest", test_docker_manifest},
    {"bad_manifests", test_bad_manifests},
    {"too_many_layers", test_too_many_layers},
    {"requests", test_requests},
    {"sizes", test_sizes},
};

UNIT_MAIN(cases)
