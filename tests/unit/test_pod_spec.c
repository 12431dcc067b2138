/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/pod_spec: the create-pod body (defaults, every field, every way it
 * can be wrong) and the pod state file (a round trip, and a corrupt file
 * giving an error rather than a bad struct).
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pod_spec.h"
#include "unit.h"

/* Parse @text as a create body; returns pod_spec_parse's result. */
static int
parse(const char *text, struct pod_spec *spec, struct pd_err *err)
{
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, err);
	int r;

	if (j == NULL)
		return -2;
	r = pod_spec_parse(j, spec, err);
	json_decref(j);
	return r;
}

static void
test_defaults(void)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse("{\"name\":\"web\"}", &spec, &err) == 0);
	CHECK_STR(spec.name, ==, "web");
	CHECK_STR(spec.hostname, ==, "web");
	CHECK(!spec.share_pid);
	/* The default network, as docker's bridge. */
	CHECK_INT(spec.net, ==, POD_NET_CNI);
	CHECK_STR(spec.network, ==, "podd");
	CHECK_STR(spec.ip, ==, "");
	CHECK_STR(spec.dns[0], ==, "");
	CHECK(json_is_array(spec.ports) && json_array_size(spec.ports) == 0);
	CHECK(json_is_object(spec.labels) && json_object_size(spec.labels) == 0);
	pod_spec_clear(&spec);
}

static void
test_network_fields(void)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse("{\"name\":\"web\",\"network\":\"red\",\"ip\":\"10.88.1.9\","
		      "\"dns\":[\"10.88.1.1\",\"9.9.9.9\"],"
		      "\"ports\":[\"8080:80\",\"127.0.0.1:5353:53/udp\","
		      "{\"host_port\":9000,\"pod_port\":90}]}",
		      &spec, &err) == 0);
	CHECK_INT(spec.net, ==, POD_NET_CNI);
	CHECK_STR(spec.network, ==, "red");
	CHECK_STR(spec.ip, ==, "10.88.1.9");
	CHECK_STR(spec.dns[1], ==, "9.9.9.9");
	CHECK_INT(json_array_size(spec.ports), ==, 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(spec.ports, 1), "protocol")), ==,
		  "udp");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(spec.ports, 2), "host_port")),
		  ==, 9000);
	pod_spec_clear(&spec);
	REQUIRE(parse("{\"name\":\"web\",\"network\":\"bridge\"}", &spec, &err) == 0);
	CHECK_STR(spec.network, ==, "podd");
	pod_spec_clear(&spec);
}

static void
test_all_fields(void)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse("{\"name\":\"web\",\"hostname\":\"h.local\",\"share_pid\":true,"
		      "\"network\":\"host\",\"labels\":{\"app\":\"shop\",\"tier\":\"\"}}",
		      &spec, &err) == 0);
	CHECK_STR(spec.hostname, ==, "h.local");
	CHECK(spec.share_pid);
	CHECK_INT(spec.net, ==, POD_NET_HOST);
	CHECK_STR(json_string_value(json_object_get(spec.labels, "app")), ==, "shop");
	CHECK_STR(json_string_value(json_object_get(spec.labels, "tier")), ==, "");
	pod_spec_clear(&spec);
}

/* Each body is refused, with a message naming @needle. */
static void
check_refused(const char *body, const char *needle)
{
	struct pod_spec spec;
	struct pd_err err = {0};

	CHECK_INT(parse(body, &spec, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, needle);
	pod_spec_clear(&spec);
}

static void
test_refused_bodies(void)
{
	check_refused("{}", "\"name\" is required");
	check_refused("[]", "expected a JSON object");
	check_refused("{\"name\":\"web\",\"sharepid\":true}", "\"sharepid\"");
	check_refused("{\"name\":7}", "\"name\" must be a string");
	check_refused("{\"name\":\"../x\"}", "pod name");
	check_refused("{\"name\":\"web\",\"hostname\":\"a b\"}", "hostname");
	check_refused("{\"name\":\"web\",\"network\":\"../x\"}", "network");
	check_refused("{\"name\":\"web\",\"ip\":\"10.1.1\"}", "ip");
	check_refused("{\"name\":\"web\",\"network\":\"none\",\"ip\":\"10.1.1.1\"}",
		      "need a network");
	check_refused("{\"name\":\"web\",\"dns\":[\"a\",\"b\"]}", "dns");
	check_refused(
	    "{\"name\":\"web\",\"dns\":[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\"]}",
	    "at most 3");
	check_refused("{\"name\":\"web\",\"ports\":[\"8080:80\",\"8080:81\"]}", "8080");
	check_refused("{\"name\":\"web\",\"ports\":[\"80\"]}", "80");
	check_refused("{\"name\":\"web\",\"ports\":\"8080:80\"}", "\"ports\"");
	check_refused("{\"name\":\"web\",\"share_pid\":\"yes\"}", "\"share_pid\"");
	check_refused("{\"name\":\"web\",\"labels\":[]}", "labels");
	check_refused("{\"name\":\"web\",\"labels\":{\"a\":1}}", "label \"a\"");
	check_refused("{\"name\":\"web\",\"labels\":{\"\":\"x\"}}", "empty key");
}

static void
test_too_many_labels(void)
{
	json_t *body = json_pack("{s:s, s:{}}", "name", "web", "labels");
	struct pod_spec spec;
	struct pd_err err = {0};
	char key[16];

	for (int i = 0; i <= 64; i++) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		json_object_set_new(json_object_get(body, "labels"), key, json_string("v"));
	}
	CHECK_INT(pod_spec_parse(body, &spec, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "more than 64 labels");
	pod_spec_clear(&spec);
	json_decref(body);
}

static void
test_record_round_trip(void)
{
	struct pod_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j, *again;

	memset(rec.id, 'a', PD_ID_LEN);
	REQUIRE(parse("{\"name\":\"web\",\"share_pid\":true,\"labels\":{\"a\":\"b\"},"
		      "\"network\":\"red\",\"ip\":\"10.88.1.9\",\"dns\":[\"10.88.1.1\"],"
		      "\"ports\":[\"8080:80\"]}",
		      &rec.spec, &err) == 0);
	rec.nets = calloc(1, sizeof(*rec.nets));
	rec.n_nets = 1;
	net_attachment_init(&rec.nets[0], "red", "eth0");
	REQUIRE(net_attachment_take_result(&rec.nets[0],
					   json_pack("{s:s, s:[{s:s, s:s}]}", "cniVersion", "1.1.0",
						     "ips", "address", "10.88.1.9/24", "gateway",
						     "10.88.1.1"),
					   &err) == 0);
	pod_record_sync_views(&rec);
	rec.state = POD_EXITED;
	memcpy(rec.created, "2026-11-23T09:59:37.716559773Z", 31);
	rec.infra_pid = 4242;
	rec.infra_start_time = 123456789;
	rec.infra_exit_code = 137;
	memcpy(rec.reason, "infra process exited", 21);

	j = pod_record_to_json(&rec);
	REQUIRE(pod_record_from_json(j, &back, &err) == 0);
	CHECK_STR(back.id, ==, rec.id);
	CHECK_STR(back.spec.name, ==, "web");
	CHECK(back.spec.share_pid);
	CHECK_INT(back.state, ==, POD_EXITED);
	CHECK_INT(back.infra_pid, ==, 4242);
	CHECK(back.infra_start_time == 123456789);
	CHECK_INT(back.infra_exit_code, ==, 137);
	CHECK_STR(back.reason, ==, "infra process exited");
	CHECK_STR(back.spec.network, ==, "red");
	CHECK_STR(back.spec.ip, ==, "10.88.1.9");
	CHECK_STR(back.spec.dns[0], ==, "10.88.1.1");
	CHECK_STR(back.ip, ==, "10.88.1.9");
	CHECK_STR(back.gateway, ==, "10.88.1.1");
	REQUIRE(back.n_nets == 1);
	CHECK(json_equal(back.nets[0].cni_result, rec.nets[0].cni_result));
	CHECK_STR(back.nets[0].ifname, ==, "eth0");
	CHECK_INT(json_array_size(back.spec.ports), ==, 1);
	again = pod_record_to_json(&back);
	CHECK(json_equal(j, again));
	json_decref(again);
	json_decref(j);
	pod_record_clear(&back);
	pod_record_clear(&rec);
}

/* A state file damaged in any of these ways is an error, never a struct. */
static void
test_corrupt_records(void)
{
	static const char *const bad[] = {
	    "{}",
	    "{\"id\":\"x\"}",
	    /* a bad id */
	    "{\"created\":\"\",\"finished\":\"\",\"hostname\":\"web\",\"id\":\"zz\","
	    "\"infra_exit_code\":-1,\"infra_pid\":0,\"infra_start_time\":0,\"labels\":{},"
	    "\"name\":\"web\",\"network\":\"none\",\"reason\":\"\",\"share_pid\":false,"
	    "\"started\":\"\",\"state\":\"running\"}",
	    /* an unknown state */
	    "{\"created\":\"\",\"finished\":\"\",\"hostname\":\"web\",\"id\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"infra_exit_code\":-1,\"infra_pid\":0,\"infra_start_time\":0,\"labels\":{},"
	    "\"name\":\"web\",\"network\":\"none\",\"reason\":\"\",\"share_pid\":false,"
	    "\"started\":\"\",\"state\":\"dancing\"}",
	    /* a name that would escape the state dir */
	    "{\"created\":\"\",\"finished\":\"\",\"hostname\":\"web\",\"id\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"infra_exit_code\":-1,\"infra_pid\":0,\"infra_start_time\":0,\"labels\":{},"
	    "\"name\":\"../web\",\"network\":\"none\",\"reason\":\"\",\"share_pid\":false,"
	    "\"started\":\"\",\"state\":\"running\"}",
	    /* an extra field (strict) */
	    "{\"created\":\"\",\"finished\":\"\",\"hostname\":\"web\",\"id\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"infra_exit_code\":-1,\"infra_pid\":0,\"infra_start_time\":0,\"labels\":{},"
	    "\"name\":\"web\",\"network\":\"none\",\"reason\":\"\",\"share_pid\":false,"
	    "\"started\":\"\",\"state\":\"running\",\"extra\":1}",
	    /* a negative pid */
	    "{\"created\":\"\",\"finished\":\"\",\"hostname\":\"web\",\"id\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"infra_exit_code\":-1,\"infra_pid\":-5,\"infra_start_time\":0,\"labels\":{},"
	    "\"name\":\"web\",\"network\":\"none\",\"reason\":\"\",\"share_pid\":false,"
	    "\"started\":\"\",\"state\":\"running\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};
		struct pod_record rec;
		json_t *j = pd_json_load(bad[i], strlen(bad[i]), 1 << 20, &err);

		REQUIRE(j != NULL);
		CHECK_INT(pod_record_from_json(j, &rec, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		pod_record_clear(&rec);
		json_decref(j);
	}
}

/* issue 14, attach: a record from before attachments (one "cni_result"
 * beside "ip" and "gateway") loads as the pod's eth0. */
static void
test_older_record_loads(void)
{
	struct pod_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j;

	memset(rec.id, 'b', PD_ID_LEN);
	REQUIRE(parse("{\"name\":\"old\",\"network\":\"red\"}", &rec.spec, &err) == 0);
	j = pod_record_to_json(&rec);
	json_object_set_new(j, "ip", json_string("10.88.1.7"));
	json_object_set_new(j, "gateway", json_string("10.88.1.1"));
	json_object_set_new(j, "cni_result",
			    json_pack("{s:s, s:[{s:s, s:s}]}", "cniVersion", "1.1.0", "ips",
				      "address", "10.88.1.7/24", "gateway", "10.88.1.1"));
	REQUIRE(pod_record_from_json(j, &back, &err) == 0);
	REQUIRE(back.n_nets == 1);
	CHECK_STR(back.nets[0].network, ==, "red");
	CHECK_STR(back.nets[0].ifname, ==, "eth0");
	CHECK_STR(back.nets[0].ip, ==, "10.88.1.7");
	CHECK(back.nets[0].cni_result != NULL);
	CHECK_STR(back.ip, ==, "10.88.1.7");
	CHECK_STR(back.gateway, ==, "10.88.1.1");
	json_decref(j);
	pod_record_clear(&back);
	pod_record_clear(&rec);
}

static const struct unit_case cases[] = {
    {"older_record_loads", test_older_record_loads}, {"defaults", test_defaults},
    {"network_fields", test_network_fields},         {"all_fields", test_all_fields},
    {"refused_bodies", test_refused_bodies},         {"too_many_labels", test_too_many_labels},
    {"record_round_trip", test_record_round_trip},   {"corrupt_records", test_corrupt_records},
};

UNIT_MAIN(cases)
