/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/filter: --filter KEY=VALUE parsed per list (unknown keys and bad
 * values refused) and matched with docker's semantics: the values of one
 * key ORed, the keys ANDed, every label required.
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "unit.h"

static json_t *
parse(enum filter_list list, const char *a, const char *b, const char *c)
{
	const char *v[3] = {a, b, c};
	size_t n = c != NULL ? 3 : b != NULL ? 2 : a != NULL ? 1 : 0;
	struct pd_err err = {0};

	return filter_parse(list, v, n, &err);
}

static const char *
parse_error(enum filter_list list, const char *a)
{
	static struct pd_err err;
	const char *v[1] = {a};
	json_t *f;

	memset(&err, 0, sizeof(err));
	f = filter_parse(list, v, 1, &err);
	if (f != NULL) {
		json_decref(f);
		return "";
	}
	return err.msg;
}

static bool
match(enum filter_list list, const json_t *f, const char *obj_text)
{
	json_auto_t *obj = json_loads(obj_text, 0, NULL);

	if (obj == NULL)
		return false;
	return filter_match(list, f, obj, NULL);
}

static void
test_parse(void)
{
	json_auto_t *f = parse(FILTER_CONTAINERS, "status=running", "status=exited", "name=w");
	json_auto_t *none = parse(FILTER_PODS, NULL, NULL, NULL);

	REQUIRE(f != NULL);
	CHECK_INT(json_array_size(json_object_get(f, "status")), ==, 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(f, "name"), 0)), ==, "w");
	REQUIRE(none != NULL);
	CHECK_INT(json_object_size(none), ==, 0);
	/* a value may hold '=' (label=k=v) */
	json_auto_t *l = parse(FILTER_VOLUMES, "label=a=b=c", NULL, NULL);
	REQUIRE(l != NULL);
	CHECK_STR(json_string_value(json_array_get(json_object_get(l, "label"), 0)), ==, "a=b=c");
}

static void
test_parse_errors(void)
{
	CHECK_STR(parse_error(FILTER_CONTAINERS, "colour=red"), ==, "invalid filter 'colour'");
	CHECK_STR(parse_error(FILTER_PODS, "ancestor=busybox"), ==, "invalid filter 'ancestor'");
	CHECK_STR(parse_error(FILTER_VOLUMES, "status=running"), ==, "invalid filter 'status'");
	CHECK_STR(parse_error(FILTER_CONTAINERS, "status=sleeping"), ==,
		  "invalid filter 'status=sleeping'");
	CHECK_STR(parse_error(FILTER_IMAGES, "dangling=maybe"), ==,
		  "invalid filter 'dangling=maybe'");
	CHECK_STR(parse_error(FILTER_CONTAINERS, "exited=x"), ==, "invalid filter 'exited=x'");
	CHECK(strstr(parse_error(FILTER_CONTAINERS, "name"), "expected name=value") != NULL);
	CHECK_STR(parse_error(FILTER_PODS, "status=stopped"), ==, "");
}

#define WEB                                                                             \
	"{\"id\":\"abc123\",\"name\":\"web-1\",\"state\":\"running\",\"pod\":\"shop\"," \
	"\"pod_id\":\"f00d\",\"image\":\"docker.io/library/busybox:latest\","           \
	"\"image_id\":\"beef42\",\"labels\":{\"tier\":\"front\",\"team\":\"a\"},"       \
	"\"config\":{\"Labels\":{\"vendor\":\"x\",\"team\":\"img\"}},"                  \
	"\"networks\":{\"podd\":{}},\"health\":{\"status\":\"healthy\"}}"
#define DONE                                                                        \
	"{\"id\":\"abd999\",\"name\":\"job\",\"state\":\"exited\",\"exit_code\":3," \
	"\"image\":\"docker.io/library/alpine:3\",\"image_id\":\"cafe\"}"

static void
test_containers(void)
{
	struct {
		const char *a, *b;
		bool web, done;
	} cases[] = {
	    {"id=ab", NULL, true, true},
	    {"id=abc", NULL, true, false},
	    {"name=eb", NULL, true, false},
	    {"name=web", "name=job", true, true},
	    {"status=running", NULL, true, false},
	    {"status=exited", "status=running", true, true},
	    {"label=tier", NULL, true, false},
	    {"label=tier=front", "label=team=a", true, false},
	    {"label=team=img", NULL, false, false}, /* the container's own wins */
	    {"label=vendor=x", NULL, true, false},  /* the image's count */
	    {"label=tier", "label=nope", false, false},
	    {"pod=shop", NULL, true, false},
	    {"pod=f0", NULL, true, false},
	    {"ancestor=busybox", NULL, true, false},
	    {"ancestor=busybox:latest", "ancestor=alpine:3", true, true},
	    {"ancestor=beef", NULL, true, false},
	    {"ancestor=sha256:caf", NULL, false, true},
	    {"exited=3", NULL, false, true},
	    {"exited=0", NULL, false, false},
	    {"network=podd", NULL, true, false},
	    {"health=healthy", NULL, true, false},
	    {"health=none", NULL, false, true},
	    {"status=running", "name=job", false, false}, /* keys ANDed */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_auto_t *f = parse(FILTER_CONTAINERS, cases[i].a, cases[i].b, NULL);

		REQUIRE(f != NULL);
		CHECK_INT(match(FILTER_CONTAINERS, f, WEB), ==, cases[i].web);
		CHECK_INT(match(FILTER_CONTAINERS, f, DONE), ==, cases[i].done);
	}
}

static void
test_pods_networks_volumes(void)
{
	json_auto_t *f1 = parse(FILTER_PODS, "status=running", "label=app", NULL);
	json_auto_t *f2 = parse(FILTER_NETWORKS, "dangling=true", NULL, NULL);
	json_auto_t *f3 = parse(FILTER_NETWORKS, "type=builtin", "driver=bridge", NULL);
	json_auto_t *f4 = parse(FILTER_VOLUMES, "dangling=false", "name=dat", NULL);
	json_auto_t *f5 = parse(FILTER_NETWORKS, "id=12", NULL, NULL);

	REQUIRE(f1 && f2 && f3 && f4 && f5);
	CHECK(match(FILTER_PODS, f1, "{\"state\":\"running\",\"labels\":{\"app\":\"\"}}"));
	CHECK(!match(FILTER_PODS, f1, "{\"state\":\"running\",\"labels\":{}}"));
	CHECK(!match(FILTER_PODS, f1, "{\"state\":\"stopped\",\"labels\":{\"app\":\"\"}}"));
	CHECK(match(FILTER_NETWORKS, f2, "{\"pods\":[],\"builtin\":false}"));
	CHECK(!match(FILTER_NETWORKS, f2, "{\"pods\":[],\"builtin\":true}"));
	CHECK(!match(FILTER_NETWORKS, f2, "{\"pods\":[\"p\"],\"builtin\":false}"));
	CHECK(match(FILTER_NETWORKS, f3, "{\"builtin\":true,\"driver\":\"bridge\"}"));
	CHECK(!match(FILTER_NETWORKS, f3, "{\"builtin\":false,\"driver\":\"bridge\"}"));
	CHECK(match(FILTER_NETWORKS, f5, "{\"id\":\"12ab\"}"));
	CHECK(!match(FILTER_NETWORKS, f5, "{\"id\":\"21ab\"}"));
	CHECK(match(FILTER_VOLUMES, f4, "{\"name\":\"data\",\"containers\":[\"c\"]}"));
	CHECK(!match(FILTER_VOLUMES, f4, "{\"name\":\"data\",\"containers\":[]}"));
	CHECK(!match(FILTER_VOLUMES, f4, "{\"name\":\"logs\",\"containers\":[\"c\"]}"));
}

static void
test_images(void)
{
	json_auto_t *list = json_loads(
	    "[{\"id\":\"aaa1\",\"names\":[\"docker.io/library/busybox:latest\"],"
	    "\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"Labels\":{\"v\":\"1\"}}},"
	    "{\"id\":\"bbb2\",\"names\":[\"127.0.0.1:5000/team/app:2\"],"
	    "\"created\":\"2024-02-01T00:00:00Z\"},"
	    "{\"id\":\"ccc3\",\"names\":[],\"created\":\"2024-03-01T00:00:00Z\"}]",
	    0, NULL);
	struct {
		const char *a;
		const char *want; /* the ids kept, in order */
	} cases[] = {
	    {"reference=busybox", "aaa1"},
	    {"reference=busy*", "aaa1"},
	    {"reference=busybox:latest", "aaa1"},
	    {"reference=*/team/app:*", "bbb2"},
	    {"reference=nothing", ""},
	    {"dangling=true", "ccc3"},
	    {"dangling=false", "aaa1bbb2"},
	    {"label=v=1", "aaa1"},
	    {"before=bbb2", "aaa1"},
	    {"since=busybox", "bbb2ccc3"},
	};

	REQUIRE(list != NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_auto_t *f = parse(FILTER_IMAGES, cases[i].a, NULL, NULL);
		json_auto_t *arr = json_copy(list);
		char got[64] = "";

		REQUIRE(f != NULL);
		filter_apply(FILTER_IMAGES, f, arr);
		for (size_t j = 0, at = 0; j < json_array_size(arr) && at < sizeof(got); j++)
			at += (size_t)snprintf(
			    got + at, sizeof(got) - at, "%s",
			    json_string_value(json_object_get(json_array_get(arr, j), "id")));
		CHECK_STR(got, ==, cases[i].want);
	}
}

static const struct unit_case cases[] = {
    {"parse", test_parse},           {"parse_errors", test_parse_errors},
    {"containers", test_containers}, {"pods_networks_volumes", test_pods_networks_volumes},
    {"images", test_images},
};

UNIT_MAIN(cases)
