/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/ctr_spec: the create-container body (defaults, every field, every way
 * it can be wrong) and the container state file (a round trip, and a
 * corrupt file giving an error rather than a bad struct).
 */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include <signal.h>

#include "caps.h"
#include "cleanup.h"
#include "ctr_image.h"
#include "ctr_spec.h"
#include "json.h"
#include "unit.h"

static int
parse(const char *text, struct ctr_spec *spec, struct pd_err *err)
{
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, err);
	int r;

	if (j == NULL)
		return -2;
	r = ctr_spec_parse(j, spec, err);
	json_decref(j);
	return r;
}

static void
test_defaults(void)
{
	struct ctr_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse("{\"image\":\"busybox\",\"command\":[\"true\"]}", &spec, &err) == 0);
	CHECK_STR(spec.name, ==, "");
	CHECK_STR(spec.pod, ==, "");
	CHECK_STR(spec.image, ==, "busybox");
	CHECK(spec.rootfs == NULL);
	CHECK(spec.workdir == NULL); /* the image's, or "/" (ctr_image.h) */
	CHECK(spec.entrypoint == NULL && spec.user == NULL && spec.stop_signal == 0);
	CHECK(spec.image_config == NULL);
	CHECK(json_array_size(spec.env) == 0);
	CHECK(spec.caps == pd_caps_default());
	CHECK(!spec.read_only && !spec.auto_remove && !spec.start);
	ctr_spec_clear(&spec);
}

static void
test_every_field(void)
{
	struct ctr_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse("{\"name\":\"web\",\"pod\":\"p\",\"rootfs\":\"/srv/r\",\"command\":[\"sh\","
		      "\"-c\",\"x\"],\"env\":[\"A=1\",\"B=\"],\"workdir\":\"/tmp\",\"hostname\":"
		      "\"h\",\"cap_add\":[\"NET_ADMIN\"],\"cap_drop\":[\"cap_net_raw\"],"
		      "\"read_only\":true,\"auto_remove\":true,\"start\":true}",
		      &spec, &err) == 0);
	CHECK_STR(spec.name, ==, "web");
	CHECK_STR(spec.pod, ==, "p");
	CHECK_STR(spec.rootfs, ==, "/srv/r");
	CHECK(json_array_size(spec.command) == 3);
	CHECK(json_array_size(spec.env) == 2);
	CHECK_STR(spec.workdir, ==, "/tmp");
	CHECK_STR(spec.hostname, ==, "h");
	CHECK(spec.caps & (UINT64_C(1) << CAP_NET_ADMIN));
	CHECK(!(spec.caps & (UINT64_C(1) << CAP_NET_RAW)));
	CHECK(spec.read_only && spec.auto_remove && spec.start);
	ctr_spec_clear(&spec);
}

static void
check_bad(const char *body, const char *msg)
{
	struct ctr_spec spec;
	struct pd_err err = {0};

	CHECK_INT(parse(body, &spec, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, msg);
	ctr_spec_clear(&spec);
}

static void
test_bad_bodies(void)
{
	/* No command is the image's to give (test_ctr_image.c checks the end). */
	check_bad("{\"image\":\"b\",\"entrypoint\":\"sh\"}", "must be an array");
	check_bad("{\"image\":\"b\",\"entrypoint\":[2]}", "must be a string");
	check_bad("{\"image\":\"b\",\"user\":\"a:b:c\"}", "NAME[:GROUP]");
	check_bad("{\"image\":\"b\",\"user\":\"\"}", "NAME[:GROUP]");
	check_bad("{\"image\":\"b\",\"user\":\"a b\"}", "NAME[:GROUP]");
	check_bad("{\"image\":\"b\",\"user\":7}", "user");
	check_bad("{\"image\":\"b\",\"stop_signal\":\"SIGNOPE\"}", "--stop-signal");
	check_bad("{\"image\":\"b\",\"stop_signal\":\"99\"}", "--stop-signal");
	check_bad("{\"image\":\"b\",\"command\":\"true\"}", "must be an array");
	check_bad("{\"image\":\"b\",\"command\":[1]}", "must be a string");
	check_bad("{\"command\":[\"true\"]}", "exactly one of");
	check_bad("{\"image\":\"b\",\"rootfs\":\"/r\",\"command\":[\"true\"]}", "exactly one of");
	check_bad("{\"rootfs\":\"r\",\"command\":[\"true\"]}", "absolute path");
	check_bad("{\"image\":\"b\",\"workdir\":\"tmp\",\"command\":[\"true\"]}", "absolute path");
	check_bad("{\"image\":\"b\",\"name\":\"../x\",\"command\":[\"true\"]}", "container name");
	check_bad("{\"image\":\"b\",\"hostname\":\"a b\",\"command\":[\"true\"]}", "hostname");
	check_bad("{\"image\":\"b\",\"env\":[\"NOEQUALS\"],\"command\":[\"true\"]}", "KEY=VALUE");
	check_bad("{\"image\":\"b\",\"env\":[\"=v\"],\"command\":[\"true\"]}", "KEY=VALUE");
	check_bad("{\"image\":\"b\",\"cap_add\":[\"NET_MAGIC\"],\"command\":[\"true\"]}",
		  "unknown capability \"NET_MAGIC\"");
	check_bad("{\"image\":\"b\",\"tty\":1,\"command\":[\"true\"]}", "tty");
	check_bad("{\"image\":\"b\",\"tty_size\":[0,80],\"command\":[\"true\"]}", "tty_size");
	check_bad("{\"image\":\"b\",\"tty_size\":[24],\"command\":[\"true\"]}", "tty_size");
	check_bad("{\"image\":\"b\",\"read_only\":\"yes\",\"command\":[\"true\"]}", "read_only");
	check_bad("[]", "");
}

static void
test_record_round_trip(void)
{
	struct ctr_spec spec;
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j, *again;

	cleanup_json json_t *cfg = json_pack("{s:{s:{}}, s:[s], s:s}", "ExposedPorts", "80/tcp",
					     "Entrypoint", "/e", "StopSignal", "SIGUSR1");

	REQUIRE(parse("{\"name\":\"web\",\"image\":\"b\",\"command\":[\"sleep\",\"9\"],"
		      "\"env\":[\"A=1\"],\"user\":\"app:extra\"}",
		      &spec, &err) == 0);
	REQUIRE(ctr_image_apply(&spec, cfg, &err) == 0);
	rec.spec = spec;
	memset(rec.id, 'a', PD_ID_LEN);
	(void)snprintf(rec.image_name, sizeof(rec.image_name), "busybox");
	rec.state = CTR_RUNNING;
	(void)snprintf(rec.created, sizeof(rec.created), "2026-11-23T08:00:00.000000000Z");
	rec.exit_code = -1;
	rec.shim_pid = 42;
	rec.shim_start_time = 1234;
	rec.pid = 43;
	rec.pid_start_time = 1235;
	j = ctr_record_to_json(&rec);
	REQUIRE(j != NULL);
	REQUIRE(ctr_record_from_json(j, &back, &err) == 0);
	again = ctr_record_to_json(&back);
	CHECK(json_equal(j, again));
	CHECK_INT(back.state, ==, CTR_RUNNING);
	CHECK_INT(back.pid, ==, 43);
	CHECK_STR(back.spec.user, ==, "app:extra");
	CHECK_INT(back.spec.stop_signal, ==, SIGUSR1);
	CHECK(json_equal(back.spec.image_config, cfg));
	CHECK(json_array_size(back.spec.entrypoint) == 1);
	CHECK(json_array_size(back.spec.command) == 3);
	/* A record of before issue 11 has none of the new keys. */
	{
		json_t *old = json_copy(j);
		struct ctr_record o;

		json_object_del(old, "entrypoint");
		json_object_del(old, "user");
		json_object_del(old, "stop_signal");
		json_object_del(old, "config");
		CHECK_INT(ctr_record_from_json(old, &o, &err), ==, 0);
		CHECK(o.spec.user == NULL && o.spec.stop_signal == 0 &&
		      o.spec.image_config == NULL);
		ctr_spec_clear(&o.spec);
		json_object_set_new(old, "stop_signal", json_integer(0));
		CHECK_INT(ctr_record_from_json(old, &o, &err), ==, -1);
		ctr_spec_clear(&o.spec);
		json_object_set_new(old, "stop_signal", json_integer(10));
		json_object_set_new(old, "user", json_string("a:b:c"));
		CHECK_INT(ctr_record_from_json(old, &o, &err), ==, -1);
		ctr_spec_clear(&o.spec);
		json_decref(old);
	}
	/* A corrupt record: an error, not a struct. */
	json_object_set_new(j, "state", json_string("dancing"));
	ctr_spec_clear(&back.spec);
	CHECK_INT(ctr_record_from_json(j, &back, &err), ==, -1);
	CHECK(strstr(err.msg, "unknown state") != NULL);
	ctr_spec_clear(&back.spec);
	json_object_set_new(j, "surprise", json_true());
	CHECK_INT(ctr_record_from_json(j, &back, &err), ==, -1);
	ctr_spec_clear(&back.spec);
	json_decref(j);
	json_decref(again);
	ctr_spec_clear(&rec.spec);
}

static void
test_caps_json(void)
{
	json_t *a = ctr_caps_json((UINT64_C(1) << CAP_CHOWN) | (UINT64_C(1) << CAP_NET_ADMIN));

	CHECK(json_array_size(a) == 2);
	CHECK_STR(json_string_value(json_array_get(a, 0)), ==, "CAP_CHOWN");
	CHECK_STR(json_string_value(json_array_get(a, 1)), ==, "CAP_NET_ADMIN");
	CHECK_STR(ctr_state_name(CTR_STOPPING), ==, "running");
	CHECK_STR(ctr_state_name(CTR_STARTING), ==, "created");
	json_decref(a);
}

static void
test_namespace_modes(void)
{
	struct ctr_spec spec;
	struct pd_err err = {0};
	char buf[128];

	REQUIRE(parse("{\"image\":\"b\",\"command\":[\"true\"],\"network\":\"container:web\","
		      "\"pid_mode\":\"host\",\"ipc_mode\":\"container:0123abcd\"}",
		      &spec, &err) == 0);
	CHECK_INT(spec.ns[CTR_NS_NET].how, ==, CTR_NS_CONTAINER);
	CHECK_STR(spec.ns[CTR_NS_NET].target, ==, "web");
	CHECK_INT(spec.ns[CTR_NS_PID].how, ==, CTR_NS_HOST);
	CHECK_INT(spec.ns[CTR_NS_IPC].how, ==, CTR_NS_CONTAINER);
	CHECK_INT(spec.ns[CTR_NS_UTS].how, ==, CTR_NS_DEFAULT);
	ctr_ns_mode_format(&spec.ns[CTR_NS_NET], buf, sizeof(buf));
	CHECK_STR(buf, ==, "container:web");
	ctr_ns_mode_format(&spec.ns[CTR_NS_UTS], buf, sizeof(buf));
	CHECK_STR(buf, ==, "");
	CHECK_STR(ctr_ns_field(CTR_NS_PID), ==, "pid_mode");
	ctr_spec_clear(&spec);
	REQUIRE(parse("{\"image\":\"b\",\"command\":[\"true\"],\"network\":\"none\"}", &spec,
		      &err) == 0);
	CHECK_INT(spec.ns[CTR_NS_NET].how, ==, CTR_NS_NONE);
	ctr_spec_clear(&spec);
	/* A pod's container may take another's PID namespace (debug --target). */
	REQUIRE(parse("{\"image\":\"b\",\"command\":[\"true\"],\"pod\":\"p\",\"pid_mode\":"
		      "\"container:app\",\"ephemeral\":true}",
		      &spec, &err) == 0);
	CHECK(spec.ephemeral);
	ctr_spec_clear(&spec);
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"pid_mode\":\"none\"}", "not a mode");
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"network\":\"container:\"}",
		  "not a mode");
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"network\":\"a/b\"}", "not a mode");
	/* issue 14, attach: a network by name, "bridge" the default one; ports
	 * only with a network of its own */
	REQUIRE(parse("{\"image\":\"b\",\"network\":\"bridge\",\"ports\":[\"8080:80\"],"
		      "\"publish_all\":true}",
		      &spec, &err) == 0);
	CHECK_INT(spec.ns[CTR_NS_NET].how, ==, CTR_NS_NETWORK);
	CHECK_STR(spec.ns[CTR_NS_NET].target, ==, "podd");
	CHECK_INT(json_array_size(spec.ports), ==, 1);
	CHECK(spec.publish_all);
	ctr_spec_clear(&spec);
	check_bad("{\"image\":\"b\",\"pod\":\"p\",\"ports\":[\"8080:80\"]}", "pod port add");
	check_bad("{\"image\":\"b\",\"network\":\"none\",\"ports\":[\"8080:80\"]}", "network");
	check_bad("{\"image\":\"b\",\"publish_all\":1}", "publish_all");
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"pod\":\"p\",\"uts_mode\":\"host\"}",
		  "conflict");
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"hostname\":\"h\",\"uts_mode\":"
		  "\"host\"}",
		  "conflict");
	check_bad("{\"image\":\"b\",\"command\":[\"true\"],\"network\":7}", "network");
}

static int
parse_exec(const char *text, struct exec_spec *spec, struct pd_err *err)
{
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, err);
	int r;

	if (j == NULL)
		return -2;
	r = exec_spec_parse(j, spec, err);
	json_decref(j);
	return r;
}

static void
test_exec_body(void)
{
	struct exec_spec spec;
	struct pd_err err = {0};

	REQUIRE(parse_exec("{\"command\":[\"ls\",\"-l\"]}", &spec, &err) == 0);
	CHECK(json_array_size(spec.command) == 2 && json_array_size(spec.env) == 0);
	CHECK(spec.workdir == NULL && spec.user[0] == '\0');
	CHECK(!spec.tty && !spec.open_stdin && !spec.detach && spec.tty_rows == 0);
	exec_spec_clear(&spec);
	REQUIRE(parse_exec("{\"command\":[\"sh\"],\"env\":[\"A=1\"],\"workdir\":\"/tmp\","
			   "\"user\":\"1000:100\",\"tty\":true,\"stdin\":true,\"detach\":true,"
			   "\"tty_size\":[40,120]}",
			   &spec, &err) == 0);
	CHECK_STR(spec.workdir, ==, "/tmp");
	CHECK_STR(spec.user, ==, "1000:100");
	CHECK(spec.tty && spec.open_stdin && spec.detach);
	CHECK(spec.tty_rows == 40 && spec.tty_cols == 120);
	exec_spec_clear(&spec);
	REQUIRE(parse_exec("{\"command\":[\"id\"],\"user\":\"7\"}", &spec, &err) == 0);
	CHECK_STR(spec.user, ==, "7");
	exec_spec_clear(&spec);
	/* Names too: the shim resolves them in the container (issue 11). */
	REQUIRE(parse_exec("{\"command\":[\"id\"],\"user\":\"app:extra\"}", &spec, &err) == 0);
	CHECK_STR(spec.user, ==, "app:extra");
	exec_spec_clear(&spec);
}

static void
check_bad_exec(const char *body, const char *msg)
{
	struct exec_spec spec;
	struct pd_err err = {0};

	CHECK_INT(parse_exec(body, &spec, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, msg);
	exec_spec_clear(&spec);
}

static void
test_exec_bad_bodies(void)
{
	check_bad_exec("{}", "\"command\" is required");
	check_bad_exec("{\"command\":[\"\"]}", "empty string");
	check_bad_exec("{\"command\":[\"id\"],\"user\":\"ro ot\"}", "UID[:GID]");
	check_bad_exec("{\"command\":[\"id\"],\"user\":\"1:\"}", "UID[:GID]");
	check_bad_exec("{\"command\":[\"id\"],\"user\":\"70000\"}", "UID[:GID]");
	check_bad_exec("{\"command\":[\"id\"],\"user\":\":5\"}", "UID[:GID]");
	check_bad_exec("{\"command\":[\"id\"],\"workdir\":\"tmp\"}", "absolute path");
	check_bad_exec("{\"command\":[\"id\"],\"env\":[\"X\"]}", "KEY=VALUE");
	check_bad_exec("{\"command\":[\"id\"],\"image\":\"b\"}", "image");
	check_bad_exec("{\"command\":[\"id\"],\"tty\":\"yes\"}", "tty");
}

/* Mounts (issue 11, volumes): parsed from the flags' strings, kept in the
 * record, read back the same; an unnamed anonymous volume is not a record. */
static void
test_mounts(void)
{
	struct ctr_spec spec;
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j, *again;

	REQUIRE(
	    parse(
		"{\"name\":\"w\",\"image\":\"b\",\"command\":[\"true\"],\"volumes\":[\"/h:/a:ro\","
		"\"v:/b\"],\"tmpfs\":[\"/t:size=1m\"],\"mount\":[\"type=volume,dst=/c\"]}",
		&spec, &err) == 0);
	REQUIRE(ctr_image_apply(&spec, NULL, &err) == 0); /* as podd does at create */
	REQUIRE(json_array_size(spec.mounts) == 4);
	CHECK_STR(json_string_value(json_object_get(json_array_get(spec.mounts, 3), "type")), ==,
		  "volume");
	rec.spec = spec;
	memset(rec.id, 'a', PD_ID_LEN);
	rec.exit_code = -1;
	j = ctr_record_to_json(&rec);
	REQUIRE(j != NULL);
	/* The anonymous one has no name yet: podd names it before saving. */
	CHECK_INT(ctr_record_from_json(j, &back, &err), ==, -1);
	ctr_spec_clear(&back.spec);
	json_object_set_new(json_array_get(json_object_get(j, "mounts"), 3), "source",
			    json_string("0123abcd"));
	REQUIRE(ctr_record_from_json(j, &back, &err) == 0);
	again = ctr_record_to_json(&back);
	CHECK(json_equal(j, again));
	json_decref(again);
	ctr_spec_clear(&back.spec);
	/* Records from before volumes have none. */
	json_object_del(j, "mounts");
	REQUIRE(ctr_record_from_json(j, &back, &err) == 0);
	CHECK_INT(json_array_size(back.spec.mounts), ==, 0);
	ctr_spec_clear(&back.spec);
	json_decref(j);
	ctr_spec_clear(&rec.spec);
	CHECK_INT(
	    parse("{\"image\":\"b\",\"command\":[\"true\"],\"volumes\":[\"x:y\"]}", &spec, &err),
	    ==, -1);
	CHECK_CONTAINS(err.msg, "not an absolute path");
	ctr_spec_clear(&spec);
}

static const struct unit_case cases[] = {
    {"mounts", test_mounts},
    {"exec_body", test_exec_body},
    {"exec_bad_bodies", test_exec_bad_bodies},
    {"namespace_modes", test_namespace_modes},
    {"defaults", test_defaults},
    {"every_field", test_every_field},
    {"bad_bodies", test_bad_bodies},
    {"record_round_trip", test_record_round_trip},
    {"caps_json", test_caps_json},
};

UNIT_MAIN(cases)
