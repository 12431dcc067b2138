/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/api/dk_container_body: the Engine's container create and update
 * bodies as podd's /v1 bodies, which ctr_spec_parse then takes; fields
 * podd lacks refused by name; the Engine's "not set" values left out.
 */
#include <string.h>

#include "api/dk_container.h"
#include "ctr_spec.h"
#include "unit.h"

static json_t *
translate(const char *engine, const char *name, struct pd_err *err)
{
	json_error_t jerr;
	json_t *in = json_loads(engine, 0, &jerr);
	json_t *out;

	REQUIRE(in != NULL);
	out = dk_ctr_body(in, name, err);
	json_decref(in);
	return out;
}

static void
test_docker_run_body(void)
{
	struct pd_err err = {0};
	struct ctr_spec spec = {0};
	json_t *v1 = translate(
	    "{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"1\"],\"Env\":[\"A=1\"],\"Labels\":{\"k\":"
	    "\"v\"},\"Tty\":false,\"OpenStdin\":false,\"StopSignal\":\"SIGUSR1\",\"Entrypoint\":"
	    "null,\"HostConfig\":{\"Binds\":[\"/tmp:/data:ro\"],\"NetworkMode\":\"default\","
	    "\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}]},"
	    "\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},\"Memory\":"
	    "33554432,\"NanoCpus\":1500000000,\"PidsLimit\":null,\"CapAdd\":[\"NET_ADMIN\"],"
	    "\"ExtraHosts\":[\"db:10.0.0.5\"],\"OomKillDisable\":false,"
	    "\"Init\":null},\"NetworkingConfig\":{\"EndpointsConfig\":{\"default\":{}}}}",
	    "/web", &err);

	REQUIRE(v1 != NULL);
	CHECK_STR(json_string_value(json_object_get(v1, "name")), ==, "web");
	CHECK_STR(json_string_value(json_object_get(v1, "image")), ==, "busybox");
	CHECK(json_object_get(v1, "network") == NULL);
	CHECK(json_object_get(v1, "entrypoint") == NULL);
	CHECK(json_object_get(v1, "tty") == NULL);
	CHECK_STR(json_string_value(json_array_get(json_object_get(v1, "ports"), 0)), ==,
		  "127.0.0.1:8080:80/tcp");
	CHECK_STR(json_string_value(json_object_get(v1, "restart_policy")), ==, "on-failure:3");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(v1, "limits"), "memory")), ==,
		  33554432);
	CHECK(json_object_get(json_object_get(v1, "limits"), "pids_limit") == NULL);
	CHECK_STR(json_string_value(json_object_get(
		      json_array_get(json_object_get(v1, "host_aliases"), 0), "ip")),
		  ==, "10.0.0.5");
	/* podd's own parser takes it */
	CHECK_INT(ctr_spec_parse(v1, &spec, &err), ==, 0);
	CHECK_STR(err.msg, ==, "");
	CHECK_STR(spec.restart_policy, ==, "on-failure:3");
	CHECK_STR(spec.name, ==, "web");
	ctr_spec_clear(&spec);
	json_decref(v1);
}

static void
test_modes_and_aliases(void)
{
	struct pd_err err = {0};
	json_t *v1 = translate(
	    "{\"Image\":\"b\",\"Volumes\":{\"/anon\":{},\"/"
	    "bound\":{}},\"Entrypoint\":[\"\"],\"Healthcheck\":{\"Test\":[\"CMD-SHELL\","
	    "\"true\"],\"Interval\":2000000000},\"HostConfig\":{\"NetworkMode\":\"appnet\","
	    "\"PidMode\":\"container:x\",\"IpcMode\":\"private\",\"Binds\":[\"/h:/"
	    "bound\"]},\"NetworkingConfig\":{"
	    "\"EndpointsConfig\":{\"appnet\":{\"Aliases\":[\"web\"]}}}}",
	    NULL, &err);

	REQUIRE(v1 != NULL);
	CHECK_STR(json_string_value(json_object_get(v1, "network")), ==, "appnet");
	CHECK_STR(json_string_value(json_object_get(v1, "pid_mode")), ==, "container:x");
	CHECK(json_object_get(v1, "ipc_mode") == NULL);
	CHECK_INT(json_array_size(json_object_get(v1, "entrypoint")), ==, 0);
	CHECK_STR(json_string_value(json_array_get(json_object_get(v1, "volumes"), 1)), ==,
		  "/anon");
	CHECK_INT(json_array_size(json_object_get(v1, "volumes")), ==, 2); /* no second /bound */
	CHECK_STR(json_string_value(json_array_get(json_object_get(v1, "aliases"), 0)), ==, "web");
	CHECK(json_number_value(json_object_get(json_object_get(v1, "healthcheck"), "interval")) ==
	      2.0);
	json_decref(v1);
}

static void
test_refused_fields(void)
{
	static const char *const bad[] = {
	    "{\"Image\":\"b\",\"HostConfig\":{\"VolumesFrom\":[\"x\"]}}",
	    "{\"Image\":\"b\",\"HostConfig\":{\"Runtime\":\"kata\"}}",
	    "{\"Image\":\"b\",\"HostConfig\":{\"IpcMode\":\"none\"}}",
	    "{\"Image\":\"b\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"a\":{},\"b\":{}}}}",
	    "{\"Cmd\":[\"true\"]}",
	    "[]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};

		CHECK(translate(bad[i], NULL, &err) == NULL);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
}

static void
test_update_body(void)
{
	struct pd_err err = {0};
	json_t *in = json_pack("{s:I, s:I, s:I, s:{s:s}}", "Memory", (json_int_t)67108864,
			       "CpuQuota", (json_int_t)50000, "CpuPeriod", (json_int_t)100000,
			       "RestartPolicy", "Name", "always");
	json_t *out = dk_ctr_update_body(in, &err);

	REQUIRE(out != NULL);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(out, "limits"), "nano_cpus")),
		  ==, 500000000);
	CHECK_STR(json_string_value(json_object_get(out, "restart_policy")), ==, "always");
	json_decref(out);
	json_decref(in);
}

static const struct unit_case cases[] = {
    {"docker_run_body", test_docker_run_body},
    {"modes_and_aliases", test_modes_and_aliases},
    {"refused_fields", test_refused_fields},
    {"update_body", test_update_body},
};

UNIT_MAIN(cases)
