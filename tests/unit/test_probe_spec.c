/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/probe_spec: Kubernetes Probe objects and docker's healthcheck as
 * podd reads them: the defaults filled in, the canonical JSON and its
 * reading back, Kubernetes' validation rules, an image's Healthcheck, and
 * the create request and the record carrying them (ctr_spec).
 */
#include <string.h>

#include "cleanup.h"
#include "ctr_spec.h"
#include "json.h"
#include "probe_spec.h"
#include "unit.h"

static json_t *
load(const char *s)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(s, strlen(s), 65536, &err);

	if (j == NULL)
		fprintf(stderr, "bad test JSON: %s\n", err.msg);
	return j;
}

/* @s for @kind must be refused with a message holding @needle. */
static void
bad(enum probe_kind kind, const char *s, const char *needle)
{
	cleanup_json json_t *j = load(s);
	struct probe_spec p;
	struct pd_err err = {0};

	REQUIRE(j != NULL);
	CHECK_INT(probe_spec_parse(j, kind, &p, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, needle);
	probe_spec_clear(&p);
}

static void
test_http_defaults(void)
{
	cleanup_json json_t *j = load("{\"httpGet\": {\"path\": \"healthz\", \"port\": 8080}}");
	cleanup_json json_t *canon = NULL;
	struct probe_spec p;
	struct pd_err err = {0};

	REQUIRE(probe_spec_parse(j, PROBE_READINESS, &p, &err) == 0);
	CHECK_INT(p.handler, ==, PROBE_H_HTTP);
	CHECK_STR(p.path, ==, "/healthz");
	CHECK_INT(p.port, ==, 8080);
	CHECK_STR(p.host, ==, "");
	CHECK(!p.https);
	CHECK_INT(p.initial_delay_ms, ==, 0);
	CHECK_INT(p.period_ms, ==, 10000);
	CHECK_INT(p.timeout_ms, ==, 1000);
	CHECK_INT(p.success_threshold, ==, 1);
	CHECK_INT(p.failure_threshold, ==, 3);
	CHECK_INT(p.grace_s, ==, -1);
	CHECK_INT(json_array_size(p.headers), ==, 0);
	canon = probe_spec_to_json(&p);
	probe_spec_clear(&p);
	{
		cleanup_free char *s = pd_json_dump(canon);

		CHECK_STR(
		    s, ==,
		    "{\"failureThreshold\":3,\"httpGet\":{\"path\":\"/healthz\",\"port\":8080,"
		    "\"scheme\":\"HTTP\"},\"periodSeconds\":10,\"successThreshold\":1,"
		    "\"timeoutSeconds\":1}");
	}
}

/* Every kind and handler: the canonical JSON parses to itself. */
static void
test_round_trip(void)
{
	static const struct {
		enum probe_kind kind;
		const char *json;
	} cases[] = {
	    {PROBE_LIVENESS,
	     "{\"exec\": {\"command\": [\"cat\", \"/tmp/ok\"]}, \"initialDelaySeconds\": 5, "
	     "\"periodSeconds\": 2, \"timeoutSeconds\": 3, \"failureThreshold\": 1, "
	     "\"terminationGracePeriodSeconds\": 7}"},
	    {PROBE_READINESS,
	     "{\"httpGet\": {\"path\": \"/r\", \"port\": 80, \"host\": \"10.0.0.1\", \"scheme\": "
	     "\"HTTPS\", \"httpHeaders\": [{\"name\": \"X-A\", \"value\": \"b\"}]}, "
	     "\"successThreshold\": 2}"},
	    {PROBE_STARTUP, "{\"tcpSocket\": {\"port\": 6379}, \"failureThreshold\": 30}"},
	    {PROBE_LIVENESS, "{\"grpc\": {\"port\": 50051, \"service\": \"x.Y\"}}"},
	    {PROBE_HEALTH,
	     "{\"test\": [\"CMD-SHELL\", \"wget -qO- localhost || exit 1\"], \"interval\": 0.5, "
	     "\"timeout\": 2, \"retries\": 4, \"start_period\": 1.25}"},
	    {PROBE_HEALTH, "{\"test\": [\"CMD\", \"/bin/true\"]}"},
	    {PROBE_HEALTH, "{\"test\": [\"NONE\"]}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cleanup_json json_t *j = load(cases[i].json);
		cleanup_json json_t *c1 = NULL, *c2 = NULL;
		struct pd_err err = {0};

		REQUIRE(probe_spec_canonical(j, cases[i].kind, &c1, &err) == 0);
		REQUIRE(probe_spec_canonical(c1, cases[i].kind, &c2, &err) == 0);
		CHECK(json_equal(c1, c2));
	}
}

static void
test_health_defaults(void)
{
	cleanup_json json_t *j = load("{\"test\": [\"CMD-SHELL\", \"true\"], \"interval\": 0}");
	struct probe_spec p;
	struct pd_err err = {0};

	REQUIRE(probe_spec_parse(j, PROBE_HEALTH, &p, &err) == 0);
	CHECK_INT(p.period_ms, ==, 30000);
	CHECK_INT(p.timeout_ms, ==, 30000);
	CHECK_INT(p.failure_threshold, ==, 3);
	CHECK_INT(p.start_period_ms, ==, 0);
	CHECK(!p.disabled);
	probe_spec_clear(&p);
}

static void
test_refused(void)
{
	bad(PROBE_LIVENESS, "{}", "must specify a handler type");
	bad(PROBE_LIVENESS, "{\"exec\": {\"command\": [\"x\"]}, \"tcpSocket\": {\"port\": 1}}",
	    "may not specify more than 1 handler type");
	bad(PROBE_LIVENESS, "{\"exec\": {\"command\": []}}", "non-empty array");
	bad(PROBE_LIVENESS, "{\"exec\": {\"command\": [\"\"]}}", "empty string");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 0}}", "between 1 and 65535");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 65536}}", "between 1 and 65535");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": \"http\"}}", "is a name");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"path\": \"/\"}}", "port: required value");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 80, \"scheme\": \"FTP\"}}",
	    "Unsupported value");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 80, \"httpHeaders\": [{\"name\": \"a b\"}]}}",
	    "not a header name");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 80, \"path\": \"/a\\nb\"}}",
	    "control character");
	bad(PROBE_LIVENESS, "{\"httpGet\": {\"port\": 80, \"bogus\": 1}}", "bogus");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"periodSeconds\": 0}",
	    "periodSeconds: must be between 1");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"timeoutSeconds\": 0}",
	    "timeoutSeconds");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"initialDelaySeconds\": -1}",
	    "initialDelaySeconds");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"failureThreshold\": 0}",
	    "failureThreshold");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"successThreshold\": 2}",
	    "liveness_probe.successThreshold: must be 1");
	bad(PROBE_STARTUP, "{\"tcpSocket\": {\"port\": 80}, \"successThreshold\": 2}", "must be 1");
	bad(PROBE_READINESS,
	    "{\"tcpSocket\": {\"port\": 80}, \"terminationGracePeriodSeconds\": 3}",
	    "must not be set for readinessProbes");
	bad(PROBE_LIVENESS, "{\"tcpSocket\": {\"port\": 80}, \"periodSeconds\": 1.5}",
	    "must be an integer");
	bad(PROBE_LIVENESS, "[]", "must be an object");
	bad(PROBE_HEALTH, "{\"test\": []}", "CMD-SHELL");
	bad(PROBE_HEALTH, "{\"test\": [\"SHELL\", \"x\"]}", "is not CMD");
	bad(PROBE_HEALTH, "{\"test\": [\"CMD\"]}", "CMD takes a command");
	bad(PROBE_HEALTH, "{\"test\": [\"CMD-SHELL\", \"a\", \"b\"]}", "one command string");
	bad(PROBE_HEALTH, "{\"test\": [\"NONE\", \"x\"]}", "NONE takes nothing");
	bad(PROBE_HEALTH, "{\"test\": [\"CMD\", \"x\"], \"interval\": -1}", "interval");
	bad(PROBE_HEALTH, "{\"test\": [\"CMD\", \"x\"], \"retries\": -1}", "retries");
	bad(PROBE_HEALTH, "{\"test\": [\"CMD\", \"x\"], \"timeout\": \"5s\"}", "number of seconds");
}

static void
test_image_healthcheck(void)
{
	cleanup_json json_t *cfg = load(
	    "{\"Healthcheck\": {\"Test\": [\"CMD-SHELL\", \"true\"], \"Interval\": 2000000000, "
	    "\"Timeout\": 500000000, \"Retries\": 2}}");
	cleanup_json json_t *none = load("{\"Cmd\": [\"sh\"]}");
	cleanup_json json_t *bad_cfg =
	    load("{\"Healthcheck\": {\"Test\": [\"CMD-SHELL\", \"true\"], \"Interval\": -5}}");
	json_t *out = NULL;
	struct probe_spec p;
	struct pd_err err = {0};

	REQUIRE(probe_health_from_image(cfg, &out, &err) == 0);
	REQUIRE(out != NULL);
	REQUIRE(probe_spec_parse(out, PROBE_HEALTH, &p, &err) == 0);
	CHECK_INT(p.period_ms, ==, 2000);
	CHECK_INT(p.timeout_ms, ==, 500);
	CHECK_INT(p.failure_threshold, ==, 2);
	probe_spec_clear(&p);
	json_decref(out);
	REQUIRE(probe_health_from_image(none, &out, &err) == 0);
	CHECK(out == NULL);
	CHECK_INT(probe_health_from_image(bad_cfg, &out, &err), ==, -1);
	CHECK(out == NULL);
}

/* A create request carries them; the record keeps the canonical form. */
static void
test_ctr_spec(void)
{
	cleanup_json json_t *body =
	    load("{\"image\": \"busybox\", \"readiness_probe\": {\"tcpSocket\": {\"port\": 80}}, "
		 "\"healthcheck\": {\"test\": [\"CMD\", \"true\"]}}");
	cleanup_json json_t *badbody =
	    load("{\"image\": \"busybox\", \"liveness_probe\": {\"tcpSocket\": {\"port\": 80}, "
		 "\"successThreshold\": 3}}");
	cleanup_json json_t *rj = NULL, *again = NULL;
	struct ctr_spec spec;
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};

	REQUIRE(ctr_spec_parse(body, &spec, &err) == 0);
	CHECK(spec.probes[PROBE_LIVENESS] == NULL);
	REQUIRE(spec.probes[PROBE_READINESS] != NULL);
	CHECK_INT(
	    json_integer_value(json_object_get(spec.probes[PROBE_READINESS], "periodSeconds")), ==,
	    10);
	REQUIRE(spec.probes[PROBE_HEALTH] != NULL);
	/* A record of it (with what a record needs), read back. */
	memcpy(rec.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	       PD_ID_LEN + 1);
	rec.spec = spec;
	memcpy(rec.spec.name, "web", 4);
	rec.spec.workdir = strdup("/");
	json_array_append_new(rec.spec.command, json_string("sh"));
	rec.exit_code = -1;
	rj = ctr_record_to_json(&rec);
	REQUIRE(ctr_record_from_json(rj, &back, &err) == 0);
	CHECK(json_equal(back.spec.probes[PROBE_READINESS], rec.spec.probes[PROBE_READINESS]));
	CHECK(json_equal(back.spec.probes[PROBE_HEALTH], rec.spec.probes[PROBE_HEALTH]));
	again = ctr_record_to_json(&back);
	CHECK(json_equal(rj, again));
	ctr_spec_clear(&back.spec);
	ctr_spec_clear(&rec.spec);

	CHECK_INT(ctr_spec_parse(badbody, &spec, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "liveness_probe.successThreshold");
	ctr_spec_clear(&spec);
}

/* A host given is kept where it was given; delays and headers too. */
static void
test_host_kept(void)
{
	cleanup_json json_t *tcp = load("{\"tcpSocket\": {\"port\": 1, \"host\": \"10.1.2.3\"}, "
					"\"initialDelaySeconds\": 4}");
	cleanup_json json_t *http =
	    load("{\"httpGet\": {\"port\": 1, \"host\": \"db\", \"httpHeaders\": "
		 "[{\"name\": \"A\", \"value\": \"\"}]}}");
	cleanup_json json_t *c1 = NULL, *c2 = NULL;
	struct pd_err err = {0};

	REQUIRE(probe_spec_canonical(tcp, PROBE_LIVENESS, &c1, &err) == 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(c1, "tcpSocket"), "host")), ==,
		  "10.1.2.3");
	CHECK_INT(json_integer_value(json_object_get(c1, "initialDelaySeconds")), ==, 4);
	REQUIRE(probe_spec_canonical(http, PROBE_LIVENESS, &c2, &err) == 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(c2, "httpGet"), "host")), ==,
		  "db");
	CHECK_INT(json_array_size(json_object_get(json_object_get(c2, "httpGet"), "httpHeaders")),
		  ==, 1);
}

static const struct unit_case cases[] = {
    {"http_defaults", test_http_defaults},
    {"round_trip", test_round_trip},
    {"host_kept", test_host_kept},
    {"health_defaults", test_health_defaults},
    {"refused", test_refused},
    {"image_healthcheck", test_image_healthcheck},
    {"ctr_spec", test_ctr_spec},
};

UNIT_MAIN(cases)
