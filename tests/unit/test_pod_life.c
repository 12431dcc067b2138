/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 12, podlife: the lifecycle keys of a pod (restart_policy,
 * termination_grace_period, active_deadline) and of a container (role,
 * stop_timeout, seq): parsed from create bodies with every way they can be
 * wrong, and kept in the state files (round trips, old records without
 * them, corrupt values).
 */
#include <string.h>

#include "ctr_spec.h"
#include "json.h"
#include "pod_spec.h"
#include "unit.h"

static json_t *
load(const char *text)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, &err);

	if (j == NULL) {
		printf("  bad test JSON: %s\n", err.msg);
		abort();
	}
	return j;
}

static int
parse_pod(const char *text, struct pod_spec *spec, struct pd_err *err)
{
	json_t *j = load(text);
	int r = pod_spec_parse(j, spec, err);

	json_decref(j);
	return r;
}

static void
test_pod_defaults(void)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse_pod("{\"name\":\"web\"}", &spec, &err) == 0);
	CHECK_STR(spec.restart_policy, ==, "");
	CHECK(spec.termination_grace_period == -1);
	CHECK(spec.active_deadline == 0);
	pod_spec_clear(&spec);
}

static void
test_pod_fields(void)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse_pod("{\"name\":\"web\",\"restart_policy\":\"OnFailure\","
			  "\"termination_grace_period\":0,\"active_deadline\":30}",
			  &spec, &err) == 0);
	CHECK_STR(spec.restart_policy, ==, "OnFailure");
	CHECK(spec.termination_grace_period == 0);
	CHECK(spec.active_deadline == 30);
	pod_spec_clear(&spec);
}

static void
test_pod_refused(void)
{
	static const char *const bad[] = {
	    "{\"name\":\"web\",\"restart_policy\":\"always\"}",
	    "{\"name\":\"web\",\"restart_policy\":\"\"}",
	    "{\"name\":\"web\",\"restart_policy\":7}",
	    "{\"name\":\"web\",\"termination_grace_period\":-1}",
	    "{\"name\":\"web\",\"termination_grace_period\":\"10\"}",
	    "{\"name\":\"web\",\"termination_grace_period\":100000000}",
	    "{\"name\":\"web\",\"active_deadline\":0}",
	    "{\"name\":\"web\",\"active_deadline\":1.5}",
	    "{\"name\":\"web\",\"restartPolicy\":\"Always\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pod_spec spec;
		struct pd_err err = {0};

		CHECK_INT(parse_pod(bad[i], &spec, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		pod_spec_clear(&spec);
	}
}

static void
test_pod_record_round_trip(void)
{
	struct pod_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j;

	memset(rec.id, 'a', PD_ID_LEN);
	REQUIRE(parse_pod("{\"name\":\"web\",\"restart_policy\":\"Never\","
			  "\"termination_grace_period\":5,\"active_deadline\":60}",
			  &rec.spec, &err) == 0);
	rec.state = POD_RUNNING;
	rec.infra_exit_code = -1;
	rec.seq_active = true;
	rec.deadline_exceeded = true;
	j = pod_record_to_json(&rec);
	REQUIRE(pod_record_from_json(j, &back, &err) == 0);
	CHECK_STR(back.spec.restart_policy, ==, "Never");
	CHECK(back.spec.termination_grace_period == 5);
	CHECK(back.spec.active_deadline == 60);
	CHECK(back.seq_active);
	CHECK(back.deadline_exceeded);
	pod_record_clear(&back);
	/* A record of before issue 12 has none of them. */
	json_object_del(j, "restart_policy");
	json_object_del(j, "termination_grace_period");
	json_object_del(j, "active_deadline");
	json_object_del(j, "seq_active");
	json_object_del(j, "deadline_exceeded");
	REQUIRE(pod_record_from_json(j, &back, &err) == 0);
	CHECK_STR(back.spec.restart_policy, ==, "");
	CHECK(back.spec.termination_grace_period == -1);
	CHECK(!back.seq_active);
	pod_record_clear(&back);
	/* A corrupt one is an error. */
	json_object_set_new(j, "restart_policy", json_string("Sometimes"));
	CHECK_INT(pod_record_from_json(j, &back, &err), ==, -1);
	pod_record_clear(&back);
	json_object_del(j, "restart_policy");
	json_object_set_new(j, "seq_active", json_string("yes"));
	CHECK_INT(pod_record_from_json(j, &back, &err), ==, -1);
	pod_record_clear(&back);
	json_decref(j);
	pod_record_clear(&rec);
}

static int
parse_ctr(const char *text, struct ctr_spec *spec, struct pd_err *err)
{
	json_t *j = load(text);
	int r = ctr_spec_parse(j, spec, err);

	json_decref(j);
	return r;
}

static void
test_ctr_fields(void)
{
	struct ctr_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse_ctr("{\"image\":\"busybox\",\"command\":[\"true\"]}", &spec, &err) == 0);
	CHECK_STR(spec.role, ==, "app");
	CHECK(spec.stop_timeout == -1);
	ctr_spec_clear(&spec);
	REQUIRE(parse_ctr("{\"image\":\"busybox\",\"pod\":\"web\",\"role\":\"init\","
			  "\"stop_timeout\":0}",
			  &spec, &err) == 0);
	CHECK_STR(spec.role, ==, "init");
	CHECK(spec.stop_timeout == 0);
	ctr_spec_clear(&spec);
	REQUIRE(parse_ctr("{\"image\":\"busybox\",\"pod\":\"web\",\"role\":\"sidecar\"}", &spec,
			  &err) == 0);
	CHECK_STR(spec.role, ==, "sidecar");
	ctr_spec_clear(&spec);
}

static void
test_ctr_refused(void)
{
	static const char *const bad[] = {
	    "{\"image\":\"busybox\",\"role\":\"init\"}",
	    "{\"image\":\"busybox\",\"role\":\"sidecar\"}",
	    "{\"image\":\"busybox\",\"pod\":\"web\",\"role\":\"helper\"}",
	    "{\"image\":\"busybox\",\"pod\":\"web\",\"role\":\"\"}",
	    "{\"image\":\"busybox\",\"pod\":\"web\",\"role\":1}",
	    "{\"image\":\"busybox\",\"stop_timeout\":-1}",
	    "{\"image\":\"busybox\",\"stop_timeout\":\"5\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctr_spec spec;
		struct pd_err err = {0};

		CHECK_INT(parse_ctr(bad[i], &spec, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		ctr_spec_clear(&spec);
	}
}

static void
test_ctr_record_keys(void)
{
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j = json_object();

	memcpy(rec.spec.role, "sidecar", 8);
	rec.spec.stop_timeout = 3;
	rec.seq = 4;
	ctr_life_to_json(&rec, j);
	json_object_set_new(j, "other", json_true());
	REQUIRE(ctr_life_from_json(j, &back, &err) == 0);
	CHECK_STR(back.spec.role, ==, "sidecar");
	CHECK(back.spec.stop_timeout == 3);
	CHECK_INT(back.seq, ==, 4);
	/* Its keys come off: only the others are left for the strict unpack. */
	CHECK_INT(json_object_size(j), ==, 1);
	/* An app without a stop timeout writes nothing, and reads back so. */
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.spec.role, "app", 4);
	rec.spec.stop_timeout = -1;
	ctr_life_to_json(&rec, j);
	CHECK_INT(json_object_size(j), ==, 1);
	REQUIRE(ctr_life_from_json(j, &back, &err) == 0);
	CHECK_STR(back.spec.role, ==, "app");
	CHECK(back.spec.stop_timeout == -1);
	CHECK_INT(back.seq, ==, 0);
	json_object_set_new(j, "seq", json_integer(-3));
	CHECK_INT(ctr_life_from_json(j, &back, &err), ==, -1);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"pod_defaults", test_pod_defaults},
    {"pod_fields", test_pod_fields},
    {"pod_refused", test_pod_refused},
    {"pod_record_round_trip", test_pod_record_round_trip},
    {"ctr_fields", test_ctr_fields},
    {"ctr_refused", test_ctr_refused},
    {"ctr_record_keys", test_ctr_record_keys},
};

UNIT_MAIN(cases)
