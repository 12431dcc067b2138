/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/restart_policy (issue 12): docker's policy strings (parsed, refused,
 * spelt back), a pod's policy as a container default, roles, the
 * kubelet's backoff arithmetic, the decision at an exit, and the restart
 * state a container record keeps (a round trip, corrupt ones refused);
 * the container and pod records with the new keys.
 */
#include <string.h>

#include "ctr_image.h"
#include "ctr_spec.h"
#include "json.h"
#include "pod_spec.h"
#include "restart_policy.h"
#include "unit.h"

static void
test_policy_parse(void)
{
	static const struct {
		const char *in, *out;
		enum restart_mode mode;
		unsigned max;
	} good[] = {
	    {"", "no", RESTART_NO, 0},
	    {"no", "no", RESTART_NO, 0},
	    {"on-failure", "on-failure", RESTART_ON_FAILURE, 0},
	    {"on-failure:0", "on-failure", RESTART_ON_FAILURE, 0},
	    {"on-failure:3", "on-failure:3", RESTART_ON_FAILURE, 3},
	    {"always", "always", RESTART_ALWAYS, 0},
	    {"unless-stopped", "unless-stopped", RESTART_UNLESS_STOPPED, 0},
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct restart_policy p;
		struct pd_err err = {0};
		char buf[RESTART_POLICY_MAX];

		CHECK_INT(restart_policy_parse(good[i].in, &p, &err), ==, 0);
		CHECK_INT(p.mode, ==, good[i].mode);
		CHECK_INT(p.max_retries, ==, good[i].max);
		restart_policy_format(&p, buf, sizeof(buf));
		CHECK_STR(buf, ==, good[i].out);
	}
}

static void
test_policy_refused(void)
{
	static const char *const bad[] = {
	    "sometimes",      "on-failure:-1", "on-failure:",      "on-failure:x",
	    "always:3",       "no:1",          "Always",           "on-failure:99999999999",
	    "on-failure:3:4", " always",       "unless-stopped:2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct restart_policy p;
		struct pd_err err = {0};

		CHECK_INT(restart_policy_parse(bad[i], &p, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK(strchr(err.msg, '\n') == NULL);
	}
}

static void
test_pod_default_and_roles(void)
{
	struct restart_policy p, r;
	struct pd_err err = {0};

	CHECK_STR(restart_policy_of_pod("Always"), ==, "always");
	CHECK_STR(restart_policy_of_pod("OnFailure"), ==, "on-failure");
	CHECK_STR(restart_policy_of_pod("Never"), ==, "no");
	CHECK_STR(restart_policy_of_pod(""), ==, "no");

	REQUIRE(restart_policy_parse("always", &p, &err) == 0);
	r = restart_policy_for_role(&p, "app");
	CHECK_INT(r.mode, ==, RESTART_ALWAYS);
	r = restart_policy_for_role(&p, NULL);
	CHECK_INT(r.mode, ==, RESTART_ALWAYS);
	/* An init container restarts only on failure... */
	r = restart_policy_for_role(&p, "init");
	CHECK_INT(r.mode, ==, RESTART_ON_FAILURE);
	CHECK_INT(r.max_retries, ==, 0);
	REQUIRE(restart_policy_parse("on-failure:2", &p, &err) == 0);
	r = restart_policy_for_role(&p, "init");
	CHECK_INT(r.mode, ==, RESTART_ON_FAILURE);
	CHECK_INT(r.max_retries, ==, 2);
	/* ... and never under Never. */
	REQUIRE(restart_policy_parse("no", &p, &err) == 0);
	r = restart_policy_for_role(&p, "init");
	CHECK_INT(r.mode, ==, RESTART_NO);
	/* A sidecar always. */
	r = restart_policy_for_role(&p, "sidecar");
	CHECK_INT(r.mode, ==, RESTART_ALWAYS);
}

static void
test_backoff_parse(void)
{
	struct restart_backoff b;
	struct pd_err err = {0};
	static const char *const bad[] = {"5:1",   "10",    ":",          "0:1",   "1:0",  "-1:5",
					  "1e3:5", "inf:5", "1:nan",      "0x1:2", "1.:2", ".5:2",
					  "1:2:3", "",      "1:99999999", "a:b"};

	REQUIRE(restart_backoff_parse("10:300", &b, &err) == 0);
	CHECK(b.initial == 10.0 && b.max == 300.0);
	REQUIRE(restart_backoff_parse("0.2:1", &b, &err) == 0);
	CHECK(b.initial == 0.2 && b.max == 1.0);
	REQUIRE(restart_backoff_parse("3:3", &b, &err) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		CHECK_INT(restart_backoff_parse(bad[i], &b, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
	b = restart_backoff_default();
	CHECK(b.initial == 10.0 && b.max == 300.0);
}

static void
test_backoff_json(void)
{
	struct restart_backoff b = {0.5, 4}, back;
	struct pd_err err = {0};
	json_t *j = restart_backoff_to_json(&b);
	static const char *const bad[] = {
	    "{\"initial\":1}",
	    "{\"initial\":5,\"max\":1}",
	    "{\"initial\":\"1\",\"max\":2}",
	    "{\"initial\":0,\"max\":2}",
	    "{\"initial\":1,\"max\":2,\"x\":3}",
	    "[1,2]",
	};

	REQUIRE(restart_backoff_from_json(j, &back, &err) == 0);
	CHECK(back.initial == 0.5 && back.max == 4.0);
	json_decref(j);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = pd_json_load(bad[i], strlen(bad[i]), 1024, &err);
		REQUIRE(j != NULL);
		CHECK_INT(restart_backoff_from_json(j, &back, &err), ==, -1);
		json_decref(j);
	}
}

static void
test_backoff_delay(void)
{
	struct restart_backoff k = restart_backoff_default(), s = {0.2, 1};

	/* The kubelet's: at once, then 10 s doubling to 5 min. */
	CHECK(restart_backoff_delay(&k, 0) == 0);
	CHECK(restart_backoff_delay(&k, 1) == 10);
	CHECK(restart_backoff_delay(&k, 2) == 20);
	CHECK(restart_backoff_delay(&k, 3) == 40);
	CHECK(restart_backoff_delay(&k, 5) == 160);
	CHECK(restart_backoff_delay(&k, 6) == 300);
	CHECK(restart_backoff_delay(&k, 7) == 300);
	CHECK(restart_backoff_delay(&k, 4000000000U) == 300);
	CHECK(restart_backoff_delay(&s, 1) == 0.2);
	CHECK(restart_backoff_delay(&s, 2) == 0.4);
	CHECK(restart_backoff_delay(&s, 3) == 0.8);
	CHECK(restart_backoff_delay(&s, 4) == 1);
}

static struct restart_exit
exit_of(const char *policy, int code)
{
	struct restart_exit e = {.exit_code = code, .ran_s = 1};
	struct pd_err err = {0};

	(void)restart_policy_parse(policy, &e.policy, &err);
	return e;
}

static void
test_decide(void)
{
	struct restart_backoff b = restart_backoff_default();
	struct restart_exit e;
	struct restart_decision d;

	/* no */
	e = exit_of("no", 1);
	CHECK(!restart_decide(&e, &b).restart);
	/* on-failure: not after a success; after a failure, an unknown
	 * status, a signal (128+n) */
	e = exit_of("on-failure", 0);
	CHECK(!restart_decide(&e, &b).restart);
	e = exit_of("on-failure", 1);
	CHECK(restart_decide(&e, &b).restart);
	e = exit_of("on-failure", -1);
	CHECK(restart_decide(&e, &b).restart);
	e = exit_of("on-failure", 137);
	CHECK(restart_decide(&e, &b).restart);
	/* on-failure:2: two restarts, then no more */
	e = exit_of("on-failure:2", 1);
	e.count = 1;
	CHECK(restart_decide(&e, &b).restart);
	e.count = 2;
	CHECK(!restart_decide(&e, &b).restart);
	/* always, unless-stopped: whatever the code */
	e = exit_of("always", 0);
	CHECK(restart_decide(&e, &b).restart);
	e = exit_of("unless-stopped", 0);
	CHECK(restart_decide(&e, &b).restart);
	/* never after a user's stop or with a removal */
	e = exit_of("always", 1);
	e.user_stopped = true;
	CHECK(!restart_decide(&e, &b).restart);
	e = exit_of("always", 1);
	e.removing = true;
	CHECK(!restart_decide(&e, &b).restart);
	/* the series: at once, 10, 20 */
	e = exit_of("always", 1);
	d = restart_decide(&e, &b);
	CHECK(d.delay == 0 && d.streak == 1);
	e.streak = d.streak;
	d = restart_decide(&e, &b);
	CHECK(d.delay == 10 && d.streak == 2);
	e.streak = d.streak;
	d = restart_decide(&e, &b);
	CHECK(d.delay == 20 && d.streak == 3);
	/* ten minutes of running: the series starts again */
	e.ran_s = RESTART_RESET_AFTER_S;
	d = restart_decide(&e, &b);
	CHECK(d.delay == 0 && d.streak == 1);
	e.ran_s = -1; /* unknown: no reset */
	d = restart_decide(&e, &b);
	CHECK(d.delay == 20);
}

static void
test_state_round_trip(void)
{
	struct ctr_restart r = {.count = 4, .streak = 2, .user_stopped = true, .backoff = 20};
	struct ctr_restart back;
	struct pd_err err = {0};
	json_t *j, *again;

	r.last.set = true;
	r.last.exit_code = 3;
	memcpy(r.last.signal, "KILL", 5);
	memcpy(r.last.reason, "Error", 6);
	memcpy(r.last.started, "2026-12-02T16:00:00Z", 21);
	memcpy(r.last.finished, "2026-12-02T16:00:01Z", 21);
	memcpy(r.next_start, "2026-12-02T16:00:21Z", 21);
	j = ctr_restart_to_json(&r);
	REQUIRE(ctr_restart_from_json(j, &back, &err) == 0);
	again = ctr_restart_to_json(&back);
	CHECK(json_equal(j, again));
	CHECK_INT(back.count, ==, 4);
	CHECK(back.user_stopped);
	CHECK_STR(back.last.reason, ==, "Error");
	CHECK(back.backoff == 20);
	json_decref(j);
	json_decref(again);
	/* Without a wait or a last state. */
	memset(&r, 0, sizeof(r));
	j = ctr_restart_to_json(&r);
	REQUIRE(ctr_restart_from_json(j, &back, &err) == 0);
	CHECK(!back.last.set);
	CHECK_STR(back.next_start, ==, "");
	json_decref(j);
}

static void
test_state_corrupt(void)
{
	static const char *const bad[] = {
	    "{}",
	    "{\"count\":-1,\"streak\":0,\"user_stopped\":false}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"x\":1}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"next_start\":\"soon\","
	    "\"backoff\":1}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"next_start\":"
	    "\"2026-12-02T16:00:21Z\"}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"next_start\":"
	    "\"2026-12-02T16:00:21Z\",\"backoff\":-3}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"last_state\":{\"exit_code\":300,"
	    "\"signal\":\"\",\"reason\":\"\",\"started\":\"\",\"finished\":\"\"}}",
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"last_state\":{}}",
	    /* podd writes the wait as a real: an integer is not its record */
	    "{\"count\":1,\"streak\":0,\"user_stopped\":false,\"next_start\":"
	    "\"2026-12-02T16:00:21Z\",\"backoff\":20}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};
		struct ctr_restart r;
		json_t *j = pd_json_load(bad[i], strlen(bad[i]), 4096, &err);

		REQUIRE(j != NULL);
		CHECK_INT(ctr_restart_from_json(j, &r, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		json_decref(j);
	}
}

/* The container body: restart_policy checked, spelt, and refused with
 * auto_remove. */
static void
test_ctr_body(void)
{
	static const struct {
		const char *body;
		int rc;
		const char *policy;
	} cases[] = {
	    {"{\"image\":\"b\",\"restart_policy\":\"on-failure:0\"}", 0, "on-failure"},
	    {"{\"image\":\"b\",\"restart_policy\":\"always\"}", 0, "always"},
	    {"{\"image\":\"b\"}", 0, ""},
	    {"{\"image\":\"b\",\"restart_policy\":\"sometimes\"}", -1, NULL},
	    {"{\"image\":\"b\",\"restart_policy\":3}", -1, NULL},
	    {"{\"image\":\"b\",\"restart_policy\":\"always\",\"auto_remove\":true}", -1, NULL},
	    {"{\"image\":\"b\",\"restart_policy\":\"no\",\"auto_remove\":true}", 0, "no"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pd_err err = {0};
		struct ctr_spec spec;
		json_t *j = pd_json_load(cases[i].body, strlen(cases[i].body), 4096, &err);

		REQUIRE(j != NULL);
		CHECK_INT(ctr_spec_parse(j, &spec, &err), ==, cases[i].rc);
		if (cases[i].rc == 0)
			CHECK_STR(spec.restart_policy, ==, cases[i].policy);
		ctr_spec_clear(&spec);
		json_decref(j);
	}
}

/* A container record keeps its policy and restart state across podd's
 * restart; a policy not spelt as podd writes it is not its record. */
static void
test_ctr_record(void)
{
	const char *body = "{\"name\":\"w\",\"image\":\"b\",\"command\":[\"true\"],"
			   "\"restart_policy\":\"on-failure:0\"}";
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j = pd_json_load(body, strlen(body), 4096, &err), *r, *again;

	REQUIRE(j != NULL);
	REQUIRE(ctr_spec_parse(j, &rec.spec, &err) == 0);
	REQUIRE(ctr_image_apply(&rec.spec, NULL, &err) == 0);
	memset(rec.id, 'a', PD_ID_LEN);
	rec.exit_code = 1;
	rec.state = CTR_EXITED;
	rec.restart.count = 2;
	rec.restart.streak = 2;
	rec.restart.backoff = 20;
	memcpy(rec.restart.next_start, "2026-12-02T16:00:21Z", 21);
	r = ctr_record_to_json(&rec);
	REQUIRE(ctr_record_from_json(r, &back, &err) == 0);
	CHECK_STR(back.spec.restart_policy, ==, "on-failure");
	CHECK_INT(back.restart.count, ==, 2);
	CHECK(back.restart.backoff == 20);
	again = ctr_record_to_json(&back);
	CHECK(json_equal(r, again));
	json_decref(again);
	ctr_spec_clear(&back.spec);
	json_object_set_new(r, "restart_policy", json_string("on-failure:0"));
	CHECK_INT(ctr_record_from_json(r, &back, &err), ==, -1);
	ctr_spec_clear(&back.spec);
	json_object_set_new(r, "restart_policy", json_string("sometimes"));
	CHECK_INT(ctr_record_from_json(r, &back, &err), ==, -1);
	ctr_spec_clear(&back.spec);
	/* A record of before restart policies has neither key. */
	json_object_del(r, "restart_policy");
	json_object_del(r, "restart");
	REQUIRE(ctr_record_from_json(r, &back, &err) == 0);
	CHECK_STR(back.spec.restart_policy, ==, "");
	CHECK_INT(back.restart.count, ==, 0);
	ctr_spec_clear(&back.spec);
	ctr_spec_clear(&rec.spec);
	json_decref(r);
	json_decref(j);
}

/* The pod body: restart_policy (podlife's) and restart_backoff. */
static void
test_pod_body(void)
{
	static const char *const bad[] = {
	    "{\"name\":\"p\",\"restart_policy\":\"always\"}",
	    "{\"name\":\"p\",\"restart_backoff\":{\"initial\":5,\"max\":1}}",
	    "{\"name\":\"p\",\"restart_backoff\":\"5:10\"}",
	};
	const char *good = "{\"name\":\"p\",\"restart_policy\":\"OnFailure\","
			   "\"restart_backoff\":{\"initial\":0.2,\"max\":1}}";
	struct pd_err err = {0};
	struct pod_spec spec;
	json_t *j = pd_json_load(good, strlen(good), 4096, &err);

	REQUIRE(j != NULL);
	REQUIRE(pod_spec_parse(j, &spec, &err) == 0);
	CHECK_STR(spec.restart_policy, ==, "OnFailure");
	CHECK(spec.has_restart_backoff);
	CHECK(spec.restart_backoff.initial == 0.2 && spec.restart_backoff.max == 1.0);
	pod_spec_clear(&spec);
	json_decref(j);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = pd_json_load(bad[i], strlen(bad[i]), 4096, &err);
		REQUIRE(j != NULL);
		CHECK_INT(pod_spec_parse(j, &spec, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		pod_spec_clear(&spec);
		json_decref(j);
	}
}

/* A pod record keeps both across podd's restart. */
static void
test_pod_record(void)
{
	const char *body = "{\"name\":\"p\",\"network\":\"none\",\"restart_policy\":\"Never\","
			   "\"restart_backoff\":{\"initial\":1,\"max\":8}}";
	struct pod_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j = pd_json_load(body, strlen(body), 4096, &err), *r, *again;

	REQUIRE(j != NULL);
	REQUIRE(pod_spec_parse(j, &rec.spec, &err) == 0);
	memset(rec.id, 'a', PD_ID_LEN);
	rec.infra_exit_code = -1;
	r = pod_record_to_json(&rec);
	REQUIRE(pod_record_from_json(r, &back, &err) == 0);
	CHECK_STR(back.spec.restart_policy, ==, "Never");
	CHECK(back.spec.has_restart_backoff && back.spec.restart_backoff.max == 8.0);
	again = pod_record_to_json(&back);
	CHECK(json_equal(r, again));
	pod_record_clear(&rec);
	pod_record_clear(&back);
	json_decref(j);
	json_decref(r);
	json_decref(again);
}

/* fuzz_pod_spec found it: a record refused for its backoff was cleared
 * before it was zeroed. */
static void
test_pod_record_bad_backoff(void)
{
	const char *text = "{\"name\":\"loop\",\"network\":\"none\",\"restart_policy\":"
			   "\"Always\",\"restart_backoff\":{\"initial\":1.2,\"max\":1.0}}";
	struct pd_err err = {0};
	struct pod_record rec;
	json_t *j = pd_json_load(text, strlen(text), 4096, &err);

	REQUIRE(j != NULL);
	CHECK_INT(pod_record_from_json(j, &rec, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "restart_backoff");
	pod_record_clear(&rec);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"policy_parse", test_policy_parse},
    {"policy_refused", test_policy_refused},
    {"pod_default_and_roles", test_pod_default_and_roles},
    {"backoff_parse", test_backoff_parse},
    {"backoff_json", test_backoff_json},
    {"backoff_delay", test_backoff_delay},
    {"decide", test_decide},
    {"state_round_trip", test_state_round_trip},
    {"state_corrupt", test_state_corrupt},
    {"ctr_body", test_ctr_body},
    {"ctr_record", test_ctr_record},
    {"pod_body", test_pod_body},
    {"pod_record", test_pod_record},
    {"pod_record_bad_backoff", test_pod_record_bad_backoff},
};

UNIT_MAIN(cases)
