/* SPDX-License-Identifier: Apache-2.0 */
/*
 * archive/manifest: OCI and Docker manifests and indexes, the platform an
 * index gives for linux/amd64, names from an index's annotations, and
 * docker's manifest.json, each with what a bad one gets.
 */
#include <string.h>

#include "json.h"
#include "manifest.h"
#include "unit.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static json_t *
load(const char *s)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(s, strlen(s), 1 << 20, &err);

	if (j == NULL)
		printf("  bad test JSON: %s\n", err.msg);
	return j;
}

static void
test_manifest(void)
{
	cleanup_json json_t *j = load(
	    "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":7},"
	    "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZ "\",\"digest\":\"" D2 "\",\"size\":9},"
	    "{\"digest\":\"" D3 "\",\"size\":1}]}");
	struct pd_err err = {0};
	enum manifest_kind kind;
	struct manifest m;

	REQUIRE(j != NULL);
	CHECK_INT(manifest_kind(j, &kind, &err), ==, 0);
	CHECK_INT(kind, ==, MANIFEST_IMAGE);
	REQUIRE(manifest_parse(j, &m, &err) == 0);
	CHECK_STR(m.config.digest, ==, D1);
	CHECK_INT(m.config.size, ==, 7);
	CHECK_INT(m.nlayers, ==, 2);
	CHECK_STR(m.layers[0].media_type, ==, MT_OCI_LAYER_GZ);
	CHECK_STR(m.layers[1].digest, ==, D3);
	CHECK_STR(m.layers[1].media_type, ==, "");
	manifest_free(&m);
}

static const char *
bad_manifest(const char *s)
{
	static struct pd_err err;
	cleanup_json json_t *j = load(s);
	struct manifest m;

	if (j == NULL)
		return "bad json";
	memset(&err, 0, sizeof(err));
	if (manifest_parse(j, &m, &err) == 0) {
		manifest_free(&m);
		return "accepted";
	}
	return err.msg;
}

static void
test_bad_manifests(void)
{
	CHECK_CONTAINS(bad_manifest("[]"), "not a JSON object");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":1}"), "schemaVersion");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":2,\"layers\":[]}"), "config");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:x\"},"
				    "\"layers\":[]}"),
		       "digest");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"}}"),
		       "no layers");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},"
				    "\"layers\":[{\"digest\":\"" D2 "\",\"size\":-1}]}"),
		       "bad size");
	CHECK_CONTAINS(bad_manifest("{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},"
				    "\"layers\":[7]}"),
		       "layer 0");
}

static void
test_kinds(void)
{
	struct pd_err err = {0};
	enum manifest_kind kind;
	cleanup_json json_t *list = load("{\"mediaType\":\"" MT_DOCKER_LIST "\"}");
	cleanup_json json_t *bare = load("{\"manifests\":[]}");
	cleanup_json json_t *docker = load("{\"mediaType\":\"" MT_DOCKER_MANIFEST "\"}");
	cleanup_json json_t *odd = load("{\"mediaType\":\"text/plain\"}");

	CHECK_INT(manifest_kind(list, &kind, &err), ==, 0);
	CHECK_INT(kind, ==, MANIFEST_INDEX);
	CHECK_INT(manifest_kind(bare, &kind, &err), ==, 0);
	CHECK_INT(kind, ==, MANIFEST_INDEX);
	CHECK_INT(manifest_kind(docker, &kind, &err), ==, 0);
	CHECK_INT(kind, ==, MANIFEST_IMAGE);
	CHECK_INT(manifest_kind(odd, &kind, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "unsupported mediaType");
}

static void
test_index_platform(void)
{
	cleanup_json json_t *j = load(
	    "{\"schemaVersion\":2,\"manifests\":["
	    "{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
	    "{\"digest\":\"" D3
	    "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	    "{\"digest\":\"" D2 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}");
	cleanup_json json_t *one = load("{\"manifests\":[{\"digest\":\"" D3 "\"}]}");
	cleanup_json json_t *none =
	    load("{\"manifests\":[{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\","
		 "\"architecture\":\"s390x\"}},{\"digest\":\"" D2 "\"}]}");
	struct pd_err err = {0};
	struct desc d;

	REQUIRE(index_choose(j, "linux", "amd64", &d, &err) == 0);
	CHECK_STR(d.digest, ==, D2);
	REQUIRE(index_choose(j, "linux", "arm64", &d, &err) == 0);
	CHECK_STR(d.digest, ==, D1);
	/* A lone entry without a platform is the image. */
	REQUIRE(index_choose(one, "linux", "amd64", &d, &err) == 0);
	CHECK_STR(d.digest, ==, D3);
	CHECK_INT(index_choose(none, "linux", "amd64", &d, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	CHECK_CONTAINS(err.msg, "no image for linux/amd64");
}

static const char *
entry_name(const char *s)
{
	static char buf[PD_IMGREF_MAX + PD_ERR_MSG_MAX];
	char name[PD_IMGREF_MAX], why[PD_ERR_MSG_MAX];
	cleanup_json json_t *j = load(s);

	if (j == NULL)
		return "bad json";
	if (index_entry_name(j, name, sizeof(name), why, sizeof(why)) == 1)
		(void)snprintf(buf, sizeof(buf), "%s", name);
	else
		(void)snprintf(buf, sizeof(buf), "NONE: %s", why);
	return buf;
}

static void
test_index_names(void)
{
	CHECK_STR(entry_name("{\"annotations\":{\"" ANN_REF_NAME "\":\"busybox:1.36\"}}"), ==,
		  "docker.io/library/busybox:1.36");
	CHECK_STR(
	    entry_name("{\"annotations\":{\"" ANN_REF_NAME "\":\"127.0.0.1:5000/team/app:v2\"}}"),
	    ==, "127.0.0.1:5000/team/app:v2");
	/* containerd's full name wins over its bare-tag ref.name. */
	CHECK_STR(entry_name("{\"annotations\":{\"" ANN_REF_NAME
			     "\":\"latest\",\"" ANN_CONTAINERD_NAME
			     "\":\"docker.io/library/alpine:3\"}}"),
		  ==, "docker.io/library/alpine:3");
	CHECK_CONTAINS(entry_name("{\"annotations\":{\"" ANN_REF_NAME "\":\"latest\"}}"),
		       "NONE: ref name \"latest\" is a tag");
	CHECK_CONTAINS(entry_name("{\"annotations\":{\"" ANN_REF_NAME "\":\"Bad/Name:x\"}}"),
		       "NONE: ");
	CHECK_STR(entry_name("{}"), ==, "NONE: ");
}

static void
test_docker_manifest(void)
{
	cleanup_json json_t *j =
	    load("[{\"Config\":\"abc.json\",\"RepoTags\":[\"busybox:latest\",\"x/y:1\"],"
		 "\"Layers\":[\"l1/layer.tar\",\"blobs/sha256/22\"]},"
		 "{\"Config\":\"def.json\",\"RepoTags\":null,\"Layers\":[]}]");
	struct docker_image *imgs = NULL;
	struct pd_err err = {0};
	size_t n = 0;

	REQUIRE(docker_manifest_parse(j, &imgs, &n, &err) == 0);
	CHECK_INT(n, ==, 2);
	CHECK_STR(imgs[0].config, ==, "abc.json");
	CHECK_INT(imgs[0].ntags, ==, 2);
	CHECK_STR(imgs[0].tags[1], ==, "x/y:1");
	CHECK_INT(imgs[0].nlayers, ==, 2);
	CHECK_STR(imgs[0].layers[1], ==, "blobs/sha256/22");
	CHECK_INT(imgs[1].ntags, ==, 0);
	CHECK_INT(imgs[1].nlayers, ==, 0);
	docker_images_free(imgs, n);
}

static void
test_bad_docker_manifests(void)
{
	const char *bad[] = {
	    "{}",
	    "[{\"RepoTags\":[]}]",
	    "[{\"Config\":7}]",
	    "[{\"Config\":\"a\",\"Layers\":\"x\"}]",
	    "[{\"Config\":\"a\",\"Layers\":[1]}]",
	    "[{\"Config\":\"a\",\"RepoTags\":[null]}]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cleanup_json json_t *j = load(bad[i]);
		struct docker_image *imgs = NULL;
		struct pd_err err = {0};
		size_t n = 0;

		REQUIRE(j != NULL);
		CHECK_INT(docker_manifest_parse(j, &imgs, &n, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK(imgs == NULL);
	}
}

static void
test_layer_media_type(void)
{
	const unsigned char gz[] = {0x1f, 0x8b, 8, 0}, zst[] = {0x28, 0xb5, 0x2f, 0xfd};
	const unsigned char tar[] = {'e', 't', 'c', '/'};

	CHECK_STR(layer_media_type(gz, sizeof(gz)), ==, MT_OCI_LAYER_GZ);
	CHECK_STR(layer_media_type(zst, sizeof(zst)), ==, MT_OCI_LAYER_ZST);
	CHECK_STR(layer_media_type(tar, sizeof(tar)), ==, MT_OCI_LAYER);
	CHECK_STR(layer_media_type(gz, 1), ==, MT_OCI_LAYER);
}

static const struct unit_case cases[] = {
    {"manifest", test_manifest},
    {"bad_manifests", test_bad_manifests},
    {"kinds", test_kinds},
    {"index_platform", test_index_platform},
    {"index_names", test_index_names},
    {"docker_manifest", test_docker_manifest},
    {"bad_docker_manifests", test_bad_docker_manifests},
    {"layer_media_type", test_layer_media_type},
};

UNIT_MAIN(cases)
