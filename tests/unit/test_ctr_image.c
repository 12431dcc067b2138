/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/ctr_image: the image configuration merged into a create request by
 * docker's rules: Entrypoint and Cmd (arguments replace Cmd, --entrypoint
 * replaces Entrypoint and clears Cmd, '' clears it), Env under the
 * request's, WorkingDir, User and StopSignal under the request's, the
 * config kept for inspect; a bad image config or no command at all is an
 * error that leaves the request as it was.
 */
#include <signal.h>
#include <string.h>

#include "cleanup.h"
#include "ctr_image.h"
#include "json.h"
#include "unit.h"

/* A request parsed from @body, then merged with the config @cfg (JSON
 * text, or NULL); the merge's result. */
static int
merge(const char *body, const char *cfg, struct ctr_spec *spec, struct pd_err *err)
{
	cleanup_json json_t *b = pd_json_load(body, strlen(body), 1 << 20, err);
	cleanup_json json_t *c = cfg != NULL ? pd_json_load(cfg, strlen(cfg), 1 << 20, err) : NULL;

	REQUIRE(b != NULL && (cfg == NULL || c != NULL));
	REQUIRE(ctr_spec_parse(b, spec, err) == 0);
	return ctr_image_apply(spec, c, err);
}

/* The strings of @a joined with ' ', into @buf. */
static const char *
joined(const json_t *a, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach (a, i, v)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
					json_string_value(v));
	return buf;
}

#define CHECK_ARGV(a, want)                                             \
	do {                                                            \
		char buf_[512];                                         \
		CHECK_STR(joined((a), buf_, sizeof(buf_)), ==, (want)); \
	} while (0)

static const char img[] =
    "{\"Entrypoint\":[\"/entry\",\"-x\"],\"Cmd\":[\"serve\",\"--port=80\"],"
    "\"Env\":[\"PATH=/img/bin\",\"A=image\",\"B=image\"],"
    "\"WorkingDir\":\"/srv\",\"User\":\"app:extra\",\"StopSignal\":\"SIGUSR1\","
    "\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"k\":\"v\"}}";

static void
test_entrypoint_and_cmd(void)
{
	struct ctr_spec s;
	struct pd_err err = {0};

	/* Both from the image. */
	REQUIRE(merge("{\"image\":\"i\"}", img, &s, &err) == 0);
	CHECK_ARGV(s.command, "/entry -x serve --port=80");
	CHECK_ARGV(s.entrypoint, "/entry -x");
	ctr_spec_clear(&s);
	/* Arguments after IMAGE replace Cmd, keep Entrypoint. */
	REQUIRE(merge("{\"image\":\"i\",\"command\":[\"check\"]}", img, &s, &err) == 0);
	CHECK_ARGV(s.command, "/entry -x check");
	ctr_spec_clear(&s);
	/* --entrypoint replaces Entrypoint and clears Cmd. */
	REQUIRE(merge("{\"image\":\"i\",\"entrypoint\":[\"/bin/sh\"]}", img, &s, &err) == 0);
	CHECK_ARGV(s.command, "/bin/sh");
	CHECK_ARGV(s.entrypoint, "/bin/sh");
	ctr_spec_clear(&s);
	REQUIRE(merge("{\"image\":\"i\",\"entrypoint\":[\"/bin/sh\"],\"command\":[\"-c\",\"id\"]}",
		      img, &s, &err) == 0);
	CHECK_ARGV(s.command, "/bin/sh -c id");
	ctr_spec_clear(&s);
	/* --entrypoint '': no Entrypoint, no Cmd: the arguments alone. */
	REQUIRE(merge("{\"image\":\"i\",\"entrypoint\":[],\"command\":[\"ls\"]}", img, &s, &err) ==
		0);
	CHECK_ARGV(s.command, "ls");
	CHECK(json_array_size(s.entrypoint) == 0);
	ctr_spec_clear(&s);
	/* Cmd alone (busybox's ["sh"]). */
	REQUIRE(merge("{\"image\":\"i\"}", "{\"Cmd\":[\"sh\"]}", &s, &err) == 0);
	CHECK_ARGV(s.command, "sh");
	CHECK(json_array_size(s.entrypoint) == 0);
	ctr_spec_clear(&s);
	/* null is absent, as Go writes it. */
	REQUIRE(merge("{\"image\":\"i\",\"command\":[\"x\"]}", "{\"Entrypoint\":null,\"Cmd\":null}",
		      &s, &err) == 0);
	CHECK_ARGV(s.command, "x");
	ctr_spec_clear(&s);
}

static void
test_no_command(void)
{
	struct ctr_spec s;
	struct pd_err err = {0};

	CHECK_INT(merge("{\"image\":\"i\"}", "{}", &s, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "no command specified");
	/* Unchanged on failure. */
	CHECK(json_array_size(s.command) == 0 && s.workdir == NULL && s.image_config == NULL);
	ctr_spec_clear(&s);
	CHECK_INT(merge("{\"rootfs\":\"/r\"}", NULL, &s, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "no command specified");
	ctr_spec_clear(&s);
	CHECK_INT(merge("{\"image\":\"i\",\"entrypoint\":[]}", "{\"Cmd\":[\"sh\"]}", &s, &err), ==,
		  -1);
	CHECK_CONTAINS(err.msg, "no command specified");
	ctr_spec_clear(&s);
	CHECK_INT(merge("{\"image\":\"i\",\"command\":[\"\"]}", "{}", &s, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "empty string");
	ctr_spec_clear(&s);
}

static void
test_env(void)
{
	struct ctr_spec s;
	struct pd_err err = {0};

	REQUIRE(merge("{\"image\":\"i\",\"env\":[\"B=run\",\"C=run\"]}", img, &s, &err) == 0);
	CHECK_ARGV(s.env, "PATH=/img/bin A=image B=run C=run");
	ctr_spec_clear(&s);
	/* A name that is a prefix of another is not the other. */
	REQUIRE(merge("{\"image\":\"i\",\"env\":[\"A=run\"]}",
		      "{\"Cmd\":[\"x\"],\"Env\":[\"AB=1\",\"A=2\"]}", &s, &err) == 0);
	CHECK_ARGV(s.env, "AB=1 A=run");
	ctr_spec_clear(&s);
	/* ctr_env_merge by itself, with NULLs. */
	{
		cleanup_json json_t *base = json_pack("[s, s]", "PATH=/a", "HOME=/root");
		cleanup_json json_t *over = json_pack("[s]", "PATH=/b");
		cleanup_json json_t *m = ctr_env_merge(base, over);
		cleanup_json json_t *n = ctr_env_merge(NULL, NULL);
		cleanup_json json_t *o = ctr_env_merge(base, NULL);

		CHECK_ARGV(m, "HOME=/root PATH=/b");
		CHECK(json_array_size(n) == 0);
		CHECK_ARGV(o, "PATH=/a HOME=/root");
	}
}

static void
test_workdir_user_signal(void)
{
	struct ctr_spec s;
	struct pd_err err = {0};
	cleanup_json json_t *labels = json_pack("{s:s}", "k", "v");

	REQUIRE(merge("{\"image\":\"i\"}", img, &s, &err) == 0);
	CHECK_STR(s.workdir, ==, "/srv");
	CHECK_STR(s.user, ==, "app:extra");
	CHECK_INT(s.stop_signal, ==, SIGUSR1);
	CHECK_INT(ctr_stop_signal(&s), ==, SIGUSR1);
	CHECK(json_equal(json_object_get(s.image_config, "Labels"), labels));
	CHECK(json_object_get(json_object_get(s.image_config, "ExposedPorts"), "80/tcp") != NULL);
	ctr_spec_clear(&s);
	/* The request's win. */
	REQUIRE(
	    merge("{\"image\":\"i\",\"workdir\":\"/w\",\"user\":\"1234\",\"stop_signal\":\"HUP\"}",
		  img, &s, &err) == 0);
	CHECK_STR(s.workdir, ==, "/w");
	CHECK_STR(s.user, ==, "1234");
	CHECK_INT(s.stop_signal, ==, SIGHUP);
	ctr_spec_clear(&s);
	/* None: "/", root, SIGTERM; a relative WorkingDir made absolute. */
	REQUIRE(merge("{\"image\":\"i\",\"command\":[\"x\"]}", NULL, &s, &err) == 0);
	CHECK_STR(s.workdir, ==, "/");
	CHECK(s.user == NULL);
	CHECK_INT(ctr_stop_signal(&s), ==, SIGTERM);
	CHECK(json_is_object(s.image_config) && json_object_size(s.image_config) == 0);
	ctr_spec_clear(&s);
	REQUIRE(merge("{\"image\":\"i\",\"command\":[\"x\"]}",
		      "{\"WorkingDir\":\"data\",\"User\":\"\",\"StopSignal\":\"\"}", &s,
		      &err) == 0);
	CHECK_STR(s.workdir, ==, "/data");
	CHECK(s.user == NULL && s.stop_signal == 0);
	ctr_spec_clear(&s);
}

/* @cfg must be refused naming @needle, the request left as it was. */
static void
bad(const char *cfg, const char *needle)
{
	struct ctr_spec s;
	struct pd_err err = {0};

	CHECK_INT(merge("{\"image\":\"i\",\"command\":[\"x\"]}", cfg, &s, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, needle);
	CHECK_ARGV(s.command, "x");
	CHECK(s.workdir == NULL && s.user == NULL && s.image_config == NULL);
	ctr_spec_clear(&s);
}

static void
test_bad_image_config(void)
{
	bad("[]", "not an object");
	bad("{\"Cmd\":\"sh\"}", "Cmd is not an array");
	bad("{\"Entrypoint\":[1]}", "Entrypoint");
	bad("{\"Env\":[\"NOEQ\"]}", "KEY=VALUE");
	bad("{\"Env\":{}}", "Env");
	bad("{\"WorkingDir\":7}", "WorkingDir");
	bad("{\"User\":\"a b\"}", "User");
	bad("{\"User\":\"a:b:c\"}", "User");
	bad("{\"StopSignal\":\"SIGNOPE\"}", "StopSignal");
}

static const struct unit_case cases[] = {
    {"entrypoint_and_cmd", test_entrypoint_and_cmd},
    {"no_command", test_no_command},
    {"env", test_env},
    {"workdir_user_signal", test_workdir_user_signal},
    {"bad_image_config", test_bad_image_config},
};

UNIT_MAIN(cases)
