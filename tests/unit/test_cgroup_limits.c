/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/cgroup_limits (issue 13): the "limits" object (parsed, refused,
 * printed back, merged), cpuset lists, and the kubelet's mapping of a
 * container's k8s resources; a container body and record carry them.
 */
#include <string.h>

#include "cgroup.h"
#include "ctr_image.h"
#include "ctr_spec.h"
#include "json.h"
#include "unit.h"

static json_t *
load(const char *s)
{
	struct pd_err err = {0};

	return pd_json_load(s, strlen(s), 1 << 16, &err);
}

static void
test_parse_and_print(void)
{
	cleanup_json json_t *j = load("{\"memory\":67108864,\"memory_swap\":-1,"
				      "\"memory_reservation\":33554432,\"nano_cpus\":1500000000,"
				      "\"cpu_shares\":512,\"cpuset_cpus\":\"0-1,3\","
				      "\"pids_limit\":100}");
	cleanup_json json_t *back = NULL;
	struct cg_limits l;
	struct pd_err err = {0};

	REQUIRE(cg_limits_parse(j, &l, &err) == 0);
	CHECK_INT(l.memory, ==, 67108864);
	CHECK_INT(l.memory_swap, ==, -1);
	CHECK_INT(l.nano_cpus, ==, 1500000000);
	CHECK_STR(l.cpuset_cpus, ==, "0-1,3");
	back = cg_limits_json(&l);
	CHECK(json_equal(back, j));
	CHECK(!cg_limits_empty(&l));
	REQUIRE(cg_limits_parse(NULL, &l, &err) == 0);
	CHECK(cg_limits_empty(&l));
}

static void
test_refused(void)
{
	static const char *const bad[] = {
	    "{\"memory\":1024}",
	    "{\"memory\":-5}",
	    "{\"memory\":\"64m\"}",
	    "{\"nano_cpus\":1000}",
	    "{\"cpu_shares\":1}",
	    "{\"cpu_shares\":300000}",
	    "{\"pids_limit\":-2}",
	    "{\"cpuset_cpus\":\"1-\"}",
	    "{\"cpuset_cpus\":\"3-1\"}",
	    "{\"cpuset_cpus\":\"a\"}",
	    "{\"cpuset_cpus\":\"0,,1\"}",
	    "{\"memory_swap\":20971520}",
	    "{\"memory\":33554432,\"memory_swap\":20971520}",
	    "{\"memory\":33554432,\"memory_reservation\":67108864}",
	    "{\"mem\":1}",
	    "[]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cleanup_json json_t *j = load(bad[i]);
		struct cg_limits l;
		struct pd_err err = {0};

		CHECK_INT(cg_limits_parse(j, &l, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
}

static void
test_cpuset_max(void)
{
	CHECK_INT(cg_cpuset_max("0"), ==, 0);
	CHECK_INT(cg_cpuset_max("0-1,3"), ==, 3);
	CHECK_INT(cg_cpuset_max("5,2-4"), ==, 5);
	CHECK_INT(cg_cpuset_max(""), ==, -1);
	CHECK_INT(cg_cpuset_max("1,"), ==, -1);
	CHECK_INT(cg_cpuset_max("-1"), ==, -1);
}

static void
test_merge(void)
{
	struct cg_limits a = {.memory = 1 << 30, .pids_limit = 10};
	struct cg_limits b = {.pids_limit = -1, .cpu_shares = 2};

	cg_limits_merge(&a, &b);
	CHECK_INT(a.memory, ==, 1 << 30);
	CHECK_INT(a.pids_limit, ==, -1);
	CHECK_INT(a.cpu_shares, ==, 2);
}

static void
test_kubelet_mapping(void)
{
	cleanup_json json_t *r = load("{\"requests\":{\"cpu\":\"250m\",\"memory\":\"32Mi\"},"
				      "\"limits\":{\"cpu\":\"1.5\",\"memory\":\"1G\"}}");
	cleanup_json json_t *tiny = load("{\"requests\":{\"cpu\":\"1m\"}}");
	cleanup_json json_t *bad = load("{\"limits\":{\"cpu\":\"lots\"}}");
	struct cg_limits l = {.cpu_shares = 100};
	struct pd_err err = {0};

	REQUIRE(cg_limits_from_resources(r, &l, &err) == 0);
	CHECK_INT(l.cpu_shares, ==, 100); /* "limits" keeps its own */
	CHECK_INT(l.nano_cpus, ==, 1500000000);
	CHECK_INT(l.memory, ==, 1000000000);
	CHECK_INT(l.memory_reservation, ==, 32 << 20);
	memset(&l, 0, sizeof(l));
	REQUIRE(cg_limits_from_resources(r, &l, &err) == 0);
	CHECK_INT(l.cpu_shares, ==, 256);
	memset(&l, 0, sizeof(l));
	REQUIRE(cg_limits_from_resources(tiny, &l, &err) == 0);
	CHECK_INT(l.cpu_shares, ==, 2); /* the kubelet's least */
	CHECK_INT(cg_limits_from_resources(bad, &l, &err), ==, -1);
}

static void
test_container_body_and_record(void)
{
	cleanup_json json_t *body =
	    load("{\"name\":\"w\",\"image\":\"busybox\",\"command\":[\"true\"],"
		 "\"limits\":{\"memory\":67108864},"
		 "\"resources\":{\"limits\":{\"memory\":\"128Mi\",\"cpu\":\"500m\"}}}");
	cleanup_json json_t *r = NULL;
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};

	REQUIRE(ctr_spec_parse(body, &rec.spec, &err) == 0);
	CHECK_INT(rec.spec.limits.memory, ==, 67108864); /* its own over the manifest's */
	CHECK_INT(rec.spec.limits.nano_cpus, ==, 500000000);
	REQUIRE(ctr_image_apply(&rec.spec, NULL, &err) == 0);
	memset(rec.id, 'a', PD_ID_LEN);
	rec.exit_code = -1;
	r = ctr_record_to_json(&rec);
	REQUIRE(r != NULL);
	CHECK_INT(ctr_record_from_json(r, &back, &err), ==, 0);
	CHECK_INT(back.spec.limits.memory, ==, 67108864);
	CHECK_INT(back.spec.limits.nano_cpus, ==, 500000000);
	ctr_spec_clear(&back.spec);
	ctr_spec_clear(&rec.spec);
}

static const struct unit_case cases[] = {
    {"parse_and_print", test_parse_and_print},
    {"refused", test_refused},
    {"cpuset_max", test_cpuset_max},
    {"merge", test_merge},
    {"kubelet_mapping", test_kubelet_mapping},
    {"container_body_and_record", test_container_body_and_record},
};

UNIT_MAIN(cases)
