/* SPDX-License-Identifier: Apache-2.0 */
/*
 * shim/spec: a good spec and its defaults, then every way a spec can be
 * wrong (missing, mistyped and unknown keys, bad paths, bad namespace
 * values and holds, limits), each named in the error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ns.h"
#include "spec.h"
#include "unit.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char good[] =
    "{\"id\": \"" ID "\", \"name\": \"web\", \"rootfs\": \"/img/rootfs\","
    " \"upper\": \"/c/upper\", \"work\": \"/c/work\", \"mount_point\": \"/c/merged\","
    " \"etc_dir\": \"/c/etc\", \"log\": \"/c/ctr.log\", \"exit_file\": \"/c/exit.json\","
    " \"args\": [\"sh\", \"-c\", \"echo hi\"], \"env\": [\"A=1\", \"PATH=/bin\"],"
    " \"cwd\": \"/tmp\", \"hostname\": \"web-1\", \"caps\": [\"CAP_CHOWN\", \"CAP_KILL\"],"
    " \"namespaces\": {\"net\": \"new\", \"ipc\": \"/run/ns/ipc\", \"uts\": \"host\","
    " \"pid\": \"fd:4\"}, \"hold\": {\"net\": \"/run/ns/net\"}}";

/* Parse @text; returns the parse result, with @spec and @j to release. */
static int
parse(const char *text, json_t **j, struct shim_spec *spec, struct pd_err *err)
{
	*j = pd_json_load(text, strlen(text), 1 << 20, err);
	REQUIRE(*j != NULL);
	return shim_spec_parse(*j, spec, err);
}

/* @text must fail with @kind and a message containing @needle. */
static void
bad(const char *text, enum pd_kind kind, const char *needle)
{
	struct pd_err err = {0};
	struct shim_spec spec;
	json_t *j;

	CHECK_INT(parse(text, &j, &spec, &err), ==, -1);
	CHECK_INT(err.kind, ==, kind);
	CHECK_CONTAINS(err.msg, needle);
	shim_spec_clear(&spec);
	json_decref(j);
}

/* The good spec with @key set to the JSON @value (NULL: removed). */
static char *
with(const char *key, const char *value)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(good, strlen(good), 1 << 20, &err);
	char *out;

	REQUIRE(j != NULL);
	if (value == NULL) {
		json_object_del(j, key);
	} else {
		json_t *v = pd_json_load(value, strlen(value), 1 << 20, &err);

		REQUIRE(v != NULL);
		json_object_set_new(j, key, v);
	}
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	REQUIRE(out != NULL);
	return out;
}

static void
bad_with(const char *key, const char *value, enum pd_kind kind, const char *needle)
{
	char *text = with(key, value);

	bad(text, kind, needle);
	free(text);
}

static void
test_good(void)
{
	struct pd_err err = {0};
	struct shim_spec s;
	json_t *j;

	REQUIRE(parse(good, &j, &s, &err) == 0);
	CHECK_STR(s.id, ==, ID);
	CHECK_STR(s.name, ==, "web");
	CHECK_STR(s.rootfs, ==, "/img/rootfs");
	CHECK(!s.read_only);
	CHECK_STR(s.upper, ==, "/c/upper");
	CHECK_STR(s.work, ==, "/c/work");
	CHECK_STR(s.mount_point, ==, "/c/merged");
	CHECK_STR(s.etc_dir, ==, "/c/etc");
	CHECK_STR(s.log, ==, "/c/ctr.log");
	CHECK_STR(s.exit_file, ==, "/c/exit.json");
	CHECK_STR(s.cwd, ==, "/tmp");
	CHECK_STR(s.hostname, ==, "web-1");
	CHECK_INT(s.n_args, ==, 3);
	CHECK_STR(s.args[2], ==, "echo hi");
	CHECK(s.args[3] == NULL);
	CHECK_INT(s.n_env, ==, 2);
	CHECK(s.env[2] == NULL);
	CHECK_STR(s.path, ==, "/bin");
	CHECK_INT(s.n_caps, ==, 2);
	CHECK_STR(s.caps[1], ==, "CAP_KILL");
	CHECK_INT(s.ns[PD_NS_NET].mode, ==, SHIM_NS_NEW);
	CHECK_STR(s.ns[PD_NS_NET].hold, ==, "/run/ns/net");
	CHECK_INT(s.ns[PD_NS_IPC].mode, ==, SHIM_NS_PATH);
	CHECK_STR(s.ns[PD_NS_IPC].path, ==, "/run/ns/ipc");
	CHECK_INT(s.ns[PD_NS_UTS].mode, ==, SHIM_NS_HOST);
	CHECK_INT(s.ns[PD_NS_PID].mode, ==, SHIM_NS_FD);
	CHECK_INT(s.ns[PD_NS_PID].fd, ==, 4);
	CHECK(s.ns[PD_NS_UTS].hold == NULL);
	shim_spec_clear(&s);
	json_decref(j);
}

static void
test_defaults(void)
{
	static const char *const optional[] = {"etc_dir", "env", "cwd", "hostname", "caps", "hold"};
	struct pd_err err = {0};
	struct shim_spec s;
	json_t *j = pd_json_load(good, strlen(good), 1 << 20, &err);
	char *text;
	json_t *j2;

	REQUIRE(j != NULL);
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		json_object_del(j, optional[i]);
	json_object_set_new(json_object_get(j, "namespaces"), "pid", json_string("new"));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	REQUIRE(parse(text, &j2, &s, &err) == 0);
	CHECK(s.etc_dir == NULL);
	CHECK(s.hostname == NULL);
	CHECK_STR(s.cwd, ==, "/");
	CHECK_INT(s.n_caps, ==, 0);
	CHECK(s.caps != NULL && s.caps[0] == NULL);
	/* No PATH: the default is searched and given to the workload. */
	CHECK_STR(s.path, ==, SHIM_DEFAULT_PATH);
	CHECK_INT(s.n_env, ==, 1);
	CHECK_STR(s.env[0], ==, "PATH=" SHIM_DEFAULT_PATH);
	CHECK(s.env[1] == NULL);
	CHECK_INT(s.ns[PD_NS_PID].mode, ==, SHIM_NS_NEW);
	CHECK_INT(s.ns[PD_NS_PID].fd, ==, -1);
	shim_spec_clear(&s);
	json_decref(j2);
	free(text);
}

static void
test_read_only(void)
{
	struct pd_err err = {0};
	struct shim_spec s;
	char *t1 = with("read_only", "true"), *t2;
	json_t *j = pd_json_load(t1, strlen(t1), 1 << 20, &err), *j2;

	REQUIRE(j != NULL);
	bad(t1, PD_E_INVALID, "must be absent when \"read_only\"");
	json_object_del(j, "upper");
	json_object_del(j, "work");
	t2 = json_dumps(j, JSON_COMPACT);
	REQUIRE(parse(t2, &j2, &s, &err) == 0);
	CHECK(s.read_only);
	CHECK(s.upper == NULL && s.work == NULL);
	shim_spec_clear(&s);
	json_decref(j2);
	json_decref(j);
	free(t1);
	free(t2);
	/* Without read_only, upper and work are required. */
	bad_with("upper", NULL, PD_E_INVALID, "field \"upper\" is required");
	bad_with("work", NULL, PD_E_INVALID, "field \"work\" is required");
	bad_with("read_only", "\"yes\"", PD_E_INVALID, "\"read_only\" must be true or false");
}

static void
test_missing(void)
{
	static const char *const required[] = {"id",  "name",      "rootfs", "mount_point",
					       "log", "exit_file", "args",   "namespaces"};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		char needle[64];

		UNIT_FMT(needle, "\"%s\" is required", required[i]);
		bad_with(required[i], NULL, PD_E_INVALID,
			 strcmp(required[i], "args") == 0 ? "must hold the command"
			 : strcmp(required[i], "rootfs") == 0
			     ? "exactly one of \"rootfs\" and \"lowers\""
			     : needle);
	}
}

static void
test_mistyped(void)
{
	static const char *const strings[] = {"id",        "name",        "rootfs",  "upper",
					      "work",      "mount_point", "etc_dir", "log",
					      "exit_file", "cwd",         "hostname"};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		char needle[64];

		UNIT_FMT(needle, "\"%s\" must be a string", strings[i]);
		bad_with(strings[i], "42", PD_E_INVALID, needle);
	}
	bad_with("args", "\"sh\"", PD_E_INVALID, "\"args\" must be an array of strings");
	bad_with("args", "[\"sh\", 1]", PD_E_INVALID, "\"args\" must be an array of strings");
	bad_with("args", "[]", PD_E_INVALID, "\"args\" must hold the command");
	bad_with("env", "{}", PD_E_INVALID, "\"env\" must be an array of strings");
	bad_with("caps", "[true]", PD_E_INVALID, "\"caps\" must be an array of strings");
	bad_with("namespaces", "[]", PD_E_INVALID, "namespaces: expected a JSON object");
	bad_with("hold", "\"x\"", PD_E_INVALID, "hold: expected a JSON object");
	bad("[]", PD_E_INVALID, "spec: expected a JSON object");
}

static void
test_unknown(void)
{
	bad_with("bogus", "1", PD_E_INVALID, "unknown field \"bogus\"");
	bad_with("namespaces",
		 "{\"net\": \"new\", \"ipc\": \"new\", \"uts\": \"new\", "
		 "\"pid\": \"new\", \"mnt\": \"new\"}",
		 PD_E_INVALID, "namespaces: unknown field \"mnt\"");
	bad_with("hold", "{\"pid\": \"/x\"}", PD_E_INVALID, "hold: unknown field \"pid\"");
}

static void
test_values(void)
{
	bad_with("id", "\"abc\"", PD_E_INVALID, "\"id\" must be 64 lowercase hex digits");
	bad_with("id", "\"" ID "0\"", PD_E_TOO_LARGE, "\"id\" is over 64 bytes");
	bad_with("name", "\"../x\"", PD_E_INVALID, "name");
	bad_with("hostname", "\"a b\"", PD_E_INVALID, "hostname");
	bad_with("rootfs", "\"relative/dir\"", PD_E_INVALID, "\"rootfs\" must be an absolute path");
	bad_with("log", "\"\"", PD_E_INVALID, "\"log\" must be an absolute path");
	bad_with("rootfs", "\"/a,b\"", PD_E_INVALID, "\"rootfs\" must not hold");
	bad_with("upper", "\"/a:b\"", PD_E_INVALID, "\"upper\" must not hold");
	bad_with("exit_file", "\"/run/\"", PD_E_INVALID, "\"exit_file\" must name a file");
	bad_with("env", "[\"NOEQUALS\"]", PD_E_INVALID, "is not KEY=VALUE");
	bad_with("env", "[\"=x\"]", PD_E_INVALID, "is not KEY=VALUE");
	bad_with("caps", "[\"CHOWN\"]", PD_E_INVALID, "bad capability name \"CHOWN\"");
	bad_with("caps", "[\"CAP_chown\"]", PD_E_INVALID, "bad capability name");
	bad_with("caps", "[\"CAP_\"]", PD_E_INVALID, "bad capability name");
}

/* pd_json_load refuses \u0000, but a spec built in memory may hold one. */
static void
test_nul(void)
{
	struct pd_err err = {0};
	struct shim_spec s;
	json_t *j = pd_json_load(good, strlen(good), 1 << 20, &err);

	REQUIRE(j != NULL);
	json_object_set_new(j, "rootfs", json_stringn("/a\0b", 4));
	CHECK_INT(shim_spec_parse(j, &s, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "field \"rootfs\" holds a NUL byte");
	shim_spec_clear(&s);
	json_object_set_new(j, "rootfs", json_string("/img"));
	json_object_set_new(j, "args", json_pack("[s%]", "a\0b", (size_t)3));
	CHECK_INT(shim_spec_parse(j, &s, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "an item of \"args\" holds a NUL byte");
	shim_spec_clear(&s);
	json_decref(j);
}

static void
ns_case(const char *nss, const char *hold, enum pd_kind kind, const char *needle)
{
	char buf[512];
	char *text;

	UNIT_FMT(buf, "{\"net\": \"new\", \"ipc\": \"new\", \"uts\": \"new\", %s}", nss);
	text = with("namespaces", buf);
	if (hold != NULL) {
		struct pd_err err = {0};
		json_t *j = pd_json_load(text, strlen(text), 1 << 20, &err);

		REQUIRE(j != NULL);
		json_object_set_new(j, "hold", pd_json_load(hold, strlen(hold), 1024, &err));
		free(text);
		text = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	bad(text, kind, needle);
	free(text);
}

static void
test_namespaces(void)
{
	ns_case("\"pid\": \"old\"", NULL, PD_E_INVALID,
		"namespace \"pid\": bad value \"old\" (use new, host, a path or fd:N)");
	ns_case("\"pid\": \"fd:\"", NULL, PD_E_INVALID, "namespace \"pid\": bad fd");
	ns_case("\"pid\": \"fd:2\"", NULL, PD_E_INVALID, "use fd:3..fd:1023");
	ns_case("\"pid\": \"fd:1024\"", NULL, PD_E_INVALID, "bad fd");
	ns_case("\"pid\": \"fd:4x\"", NULL, PD_E_INVALID, "bad fd");
	ns_case("\"pid\": 3", NULL, PD_E_INVALID, "namespaces: field \"pid\" must be a string");
	ns_case("\"pid\": null", NULL, PD_E_INVALID, "namespaces: field \"pid\" is required");
	bad_with("namespaces",
		 "{\"net\": \"fd:x\", \"ipc\": \"new\", \"uts\": \"new\", \"pid\": \"new\"}",
		 PD_E_INVALID, "namespace \"net\": bad fd in \"fd:x\"");
	bad_with("namespaces",
		 "{\"net\": \"rel/path\", \"ipc\": \"new\", \"uts\": \"new\", \"pid\": \"new\"}",
		 PD_E_INVALID, "namespace \"net\": bad value");
	bad_with("namespaces", "{\"ipc\": \"new\", \"uts\": \"new\", \"pid\": \"new\"}",
		 PD_E_INVALID, "namespaces: field \"net\" is required");
	/* A hold only for a new namespace, and only an absolute path. */
	bad_with("hold", "{\"ipc\": \"/run/ns/ipc2\"}", PD_E_INVALID,
		 "hold: \"ipc\" given for a namespace that is not new");
	ns_case("\"pid\": \"new\"", "{\"uts\": \"rel\"}", PD_E_INVALID,
		"hold: field \"uts\" must be an absolute path");
}

static void
test_limits(void)
{
	char *big = malloc(SHIM_MAX_STRING + 16), *arr;
	const size_t cap = 8 * (SHIM_MAX_ARGS + 2);
	size_t n = 0;

	REQUIRE(big != NULL);
	big[0] = '"';
	memset(big + 1, 'a', SHIM_MAX_STRING + 1);
	memcpy(big + SHIM_MAX_STRING + 2, "\"", 2);
	bad_with("rootfs", big, PD_E_TOO_LARGE, "\"rootfs\" is over 1024 bytes");
	arr = malloc(SHIM_MAX_STRING + 32);
	REQUIRE(arr != NULL);
	REQUIRE(snprintf(arr, SHIM_MAX_STRING + 32, "[%s]", big) < SHIM_MAX_STRING + 32);
	bad_with("args", arr, PD_E_TOO_LARGE, "an item of \"args\" is over");
	free(arr);
	free(big);

	arr = malloc(cap);
	REQUIRE(arr != NULL);
	arr[n++] = '[';
	for (int i = 0; i <= SHIM_MAX_ARGS; i++)
		n += (size_t)snprintf(arr + n, cap - n, "%s\"a\"", i ? "," : "");
	memcpy(arr + n, "]", 2);
	bad_with("args", arr, PD_E_TOO_LARGE, "\"args\" has more than 1024 items");
	n = 0;
	arr[n++] = '[';
	for (int i = 0; i <= SHIM_MAX_CAPS; i++)
		n += (size_t)snprintf(arr + n, cap - n, "%s\"CAP_X\"", i ? "," : "");
	memcpy(arr + n, "]", 2);
	bad_with("caps", arr, PD_E_TOO_LARGE, "\"caps\" has more than 64 items");
	free(arr);
	bad_with("caps", "[\"CAP_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123\"]", PD_E_INVALID,
		 "bad capability name");
}

static const char exec_good[] =
    "{\"id\": \"" ID "\", \"name\": \"web\", \"target\": \"fd:3\","
    " \"log\": \"/dev/null\", \"exit_file\": \"/c/exec/x.exit\", \"args\": [\"sh\"],"
    " \"tty\": true, \"stdin\": true, \"attach\": \"/c/exec/x.sock\","
    " \"hold_output\": true, \"uid\": 1000, \"gid\": 100, \"tty_size\": [24, 80]}";

static void
test_exec_session(void)
{
	struct pd_err err = {0};
	struct shim_spec spec;
	json_t *j;

	REQUIRE(parse(exec_good, &j, &spec, &err) == 0);
	CHECK_INT(spec.target, ==, 3);
	CHECK_INT(spec.ns[PD_NS_PID].mode, ==, SHIM_NS_FD);
	CHECK_INT(spec.ns[PD_NS_PID].fd, ==, 3);
	CHECK_INT(spec.ns[PD_NS_NET].mode, ==, SHIM_NS_HOST);
	CHECK(spec.rootfs == NULL && spec.mount_point == NULL);
	CHECK(spec.tty && spec.open_stdin && spec.hold_output);
	CHECK_STR(spec.attach, ==, "/c/exec/x.sock");
	CHECK(spec.uid == 1000 && spec.gid == 100);
	CHECK(spec.tty_rows == 24 && spec.tty_cols == 80);
	CHECK_STR(spec.cwd, ==, "/");
	shim_spec_clear(&spec);
	json_decref(j);
	/* A container's keys have no place in an exec session. */
	bad("{\"id\": \"" ID "\", \"name\": \"w\", \"target\": \"fd:3\", \"log\": \"/l\","
	    " \"exit_file\": \"/e\", \"args\": [\"sh\"], \"rootfs\": \"/r\"}",
	    PD_E_INVALID, "\"rootfs\" is not for an exec session");
	bad("{\"id\": \"" ID "\", \"name\": \"w\", \"target\": \"fd:3\", \"log\": \"/l\","
	    " \"exit_file\": \"/e\", \"args\": [\"sh\"], \"namespaces\": {}}",
	    PD_E_INVALID, "\"namespaces\" is not for an exec session");
	bad("{\"id\": \"" ID "\", \"name\": \"w\", \"target\": \"3\", \"log\": \"/l\","
	    " \"exit_file\": \"/e\", \"args\": [\"sh\"]}",
	    PD_E_INVALID, "\"target\": bad value");
}

static void
test_stdio(void)
{
	bad_with("hold_output", "true", PD_E_INVALID, "\"hold_output\" needs \"attach\"");
	bad_with("attach", "\"rel/sock\"", PD_E_INVALID, "absolute path");
	bad_with("tty_size", "[0, 80]", PD_E_INVALID, "tty_size");
	bad_with("tty_size", "\"24x80\"", PD_E_INVALID, "tty_size");
	bad_with("uid", "-1", PD_E_INVALID, "uid");
	bad_with("gid", "70000", PD_E_INVALID, "gid");
	bad_with("tty", "1", PD_E_INVALID, "tty");
}

/* issue 11: "user", resolved later in the container; HOME noticed in env. */
static void
test_user(void)
{
	struct pd_err err = {0};
	struct shim_spec s;
	char *text = with("user", "\"app:extra\"");
	json_t *j;

	REQUIRE(parse(text, &j, &s, &err) == 0);
	CHECK_STR(s.user, ==, "app:extra");
	CHECK(!s.has_home);
	/* Room for PATH and HOME after the env. */
	CHECK(s.env[s.n_env] == NULL && s.env[s.n_env + 1] == NULL);
	shim_spec_clear(&s);
	json_decref(j);
	free(text);
	text = with("env", "[\"HOME=/h\"]");
	REQUIRE(parse(text, &j, &s, &err) == 0);
	CHECK(s.has_home && s.user == NULL);
	CHECK_INT(s.n_env, ==, 2); /* and the PATH added */
	CHECK(s.env[2] == NULL && s.env[3] == NULL);
	shim_spec_clear(&s);
	json_decref(j);
	free(text);
	bad_with("user", "\"a:b:c\"", PD_E_INVALID, "NAME[:GROUP]");
	bad_with("user", "\"a b\"", PD_E_INVALID, "NAME[:GROUP]");
	bad_with("user", "7", PD_E_INVALID, "\"user\" must be a string");
	text = with("user", "\"app\"");
	{
		json_t *k = pd_json_load(text, strlen(text), 1 << 20, &err);
		char *t2;

		REQUIRE(k != NULL);
		json_object_set_new(k, "uid", json_integer(5));
		t2 = json_dumps(k, JSON_COMPACT);
		bad(t2, PD_E_INVALID, "must be absent with \"user\"");
		free(t2);
		json_decref(k);
	}
	free(text);
}

/* The good spec with an image's layers instead of a rootfs. */
static char *
with_lowers(const char *lowers, bool read_only)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(good, strlen(good), 1 << 20, &err);
	json_t *l = pd_json_load(lowers, strlen(lowers), 1 << 20, &err);
	char *out;

	REQUIRE(j != NULL && l != NULL);
	json_object_del(j, "rootfs");
	json_object_set_new(j, "lowers", l);
	if (read_only) {
		json_object_del(j, "upper");
		json_object_del(j, "work");
		json_object_set_new(j, "read_only", json_true());
	}
	out = pd_json_dump(j);
	json_decref(j);
	return out;
}

static void
check_lowers(const char *lowers, bool read_only, const char *rootfs, const char *opts)
{
	char *text = with_lowers(lowers, read_only);
	struct pd_err err = {0};
	struct shim_spec s;
	char *got;
	json_t *j;

	REQUIRE(parse(text, &j, &s, &err) == 0);
	if (rootfs == NULL)
		CHECK(s.rootfs == NULL);
	else
		CHECK_STR(s.rootfs, ==, rootfs);
	got = shim_overlay_opts(&s);
	if (opts == NULL)
		CHECK(got == NULL);
	else
		CHECK_STR(got, ==, opts);
	free(got);
	shim_spec_clear(&s);
	json_decref(j);
	free(text);
}

static void
test_lowers(void)
{
	char *text;

	/* Layers of one dir are named relative to it (the mount is made
	 * from there: a page of options holds far more layers). */
	check_lowers("[\"/l/top\", \"/l/base\"]", false, NULL,
		     "lowerdir=top:base,upperdir=/c/upper,workdir=/c/work");
	check_lowers("[\"/l/only\"]", false, NULL,
		     "lowerdir=only,upperdir=/c/upper,workdir=/c/work");
	check_lowers("[\"/a/x\", \"/b/y\"]", false, NULL,
		     "lowerdir=/a/x:/b/y,upperdir=/c/upper,workdir=/c/work");
	check_lowers("[\"/l/x\", \"/l/y/z\"]", false, NULL,
		     "lowerdir=/l/x:/l/y/z,upperdir=/c/upper,workdir=/c/work");
	/* Read-only: one layer is bound, several are an overlay without upper. */
	check_lowers("[\"/l/only\"]", true, "/l/only", NULL);
	check_lowers("[\"/l/top\", \"/l/base\"]", true, NULL, "lowerdir=top:base");
	/* The rootfs's own options are unchanged. */
	{
		struct pd_err err = {0};
		struct shim_spec s;
		char *got;
		json_t *j;

		REQUIRE(parse(good, &j, &s, &err) == 0);
		got = shim_overlay_opts(&s);
		CHECK_STR(got, ==, "lowerdir=/img/rootfs,upperdir=/c/upper,workdir=/c/work");
		free(got);
		shim_spec_clear(&s);
		json_decref(j);
	}
	bad_with("lowers", "[\"/l/a\"]", PD_E_INVALID, "exactly one of");
	text = with_lowers("[]", false);
	bad(text, PD_E_INVALID, "\"lowers\" must not be empty");
	free(text);
	text = with_lowers("[\"rel/dir\"]", false);
	bad(text, PD_E_INVALID, "\"lowers\" must be an absolute path");
	free(text);
	text = with_lowers("[\"/a:b\"]", false);
	bad(text, PD_E_INVALID, "\"lowers\" must not hold");
	free(text);
	text = with_lowers("[\"/a\", 3]", false);
	bad(text, PD_E_INVALID, "array of strings");
	free(text);
}

/* The container's own mounts (issue 11, volumes). */
static void
test_mounts(void)
{
	char *text = with("mounts", "[{\"type\": \"bind\", \"source\": \"/v/_data\", \"target\": "
				    "\"/data\", \"copy_up\": true}, {\"type\": \"tmpfs\", "
				    "\"target\": \"/t\", \"size\": 1048576, \"mode\": 448, "
				    "\"read_only\": true}]");
	struct pd_err err = {0};
	struct shim_spec s;
	json_t *j;

	REQUIRE(parse(text, &j, &s, &err) == 0);
	REQUIRE(s.n_mounts == 2);
	CHECK_INT(s.mounts[0].type, ==, SHIM_MOUNT_BIND);
	CHECK_STR(s.mounts[0].source, ==, "/v/_data");
	CHECK_STR(s.mounts[0].target, ==, "/data");
	CHECK(s.mounts[0].copy_up && !s.mounts[0].read_only);
	CHECK_INT(s.mounts[1].type, ==, SHIM_MOUNT_TMPFS);
	CHECK(s.mounts[1].source == NULL && s.mounts[1].read_only);
	CHECK_INT((long long)s.mounts[1].size, ==, 1048576);
	CHECK_INT(s.mounts[1].mode, ==, 0700);
	shim_spec_clear(&s);
	json_decref(j);
	free(text);
}

static void
test_mounts_refused(void)
{
	bad_with("mounts", "{}", PD_E_INVALID, "must be an array");
	bad_with("mounts", "[{\"type\": \"bind\", \"target\": \"/x\"}]", PD_E_INVALID,
		 "needs \"source\"");
	bad_with("mounts", "[{\"type\": \"nfs\", \"target\": \"/x\"}]", PD_E_INVALID,
		 "not bind or tmpfs");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"x\"}]", PD_E_INVALID, "absolute");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/\"}]", PD_E_INVALID,
		 "other than /");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/a/../b\"}]", PD_E_INVALID,
		 "component");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/a\", \"source\": \"/b\"}]",
		 PD_E_INVALID, "no source");
	bad_with("mounts",
		 "[{\"type\": \"bind\", \"source\": \"/b\", \"target\": \"/a\", "
		 "\"size\": 1}]",
		 PD_E_INVALID, "for a tmpfs");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/a\", \"colour\": 1}]",
		 PD_E_INVALID, "colour");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/a\", \"mode\": 4096}]",
		 PD_E_INVALID, "mode");
}

/* issue 12, podspec: a bind of a path inside its source (pod volumes). */
static void
test_mounts_sub_path(void)
{
	char *text = with("mounts", "[{\"type\": \"bind\", \"source\": \"/v\", \"target\": "
				    "\"/d\", \"sub_path\": \"a/b\", \"sub_path_create\": true}]");
	struct pd_err err = {0};
	struct shim_spec s;
	json_t *j;

	REQUIRE(parse(text, &j, &s, &err) == 0);
	REQUIRE(s.n_mounts == 1);
	CHECK_STR(s.mounts[0].sub_path, ==, "a/b");
	CHECK(s.mounts[0].sub_path_create);
	shim_spec_clear(&s);
	json_decref(j);
	free(text);
	bad_with("mounts",
		 "[{\"type\": \"bind\", \"source\": \"/v\", \"target\": \"/d\", "
		 "\"sub_path\": \"a/../../b\"}]",
		 PD_E_INVALID, "sub_path");
	bad_with("mounts",
		 "[{\"type\": \"bind\", \"source\": \"/v\", \"target\": \"/d\", "
		 "\"sub_path\": \"/etc\"}]",
		 PD_E_INVALID, "sub_path");
	bad_with("mounts",
		 "[{\"type\": \"bind\", \"source\": \"/v\", \"target\": \"/d\", "
		 "\"sub_path\": \"x\", \"copy_up\": true}]",
		 PD_E_INVALID, "copy_up");
	bad_with("mounts", "[{\"type\": \"tmpfs\", \"target\": \"/d\", \"sub_path\": \"x\"}]",
		 PD_E_INVALID, "bind");
}

/* issue 13: seccomp, its cache and no_new_privs. */
static void
test_seccomp(void)
{
	struct pd_err err = {0};
	struct shim_spec spec;
	char *text;
	json_t *j;

	REQUIRE(parse(good, &j, &spec, &err) == 0);
	CHECK_INT(spec.seccomp, ==, SHIM_SECCOMP_NONE);
	CHECK(spec.no_new_privs);
	CHECK(spec.seccomp_cache == NULL);
	shim_spec_clear(&spec);
	json_decref(j);
	text = with("seccomp", "\"default\"");
	REQUIRE(parse(text, &j, &spec, &err) == 0);
	CHECK_INT(spec.seccomp, ==, SHIM_SECCOMP_DEFAULT);
	shim_spec_clear(&spec);
	json_decref(j);
	free(text);
	text = with("seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
			       "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	REQUIRE(parse(text, &j, &spec, &err) == 0);
	CHECK_INT(spec.seccomp, ==, SHIM_SECCOMP_PROFILE);
	REQUIRE(spec.profile.n_rules == 1);
	CHECK_STR(spec.profile.rules[0].names[0], ==, "mkdir");
	shim_spec_clear(&spec);
	json_decref(j);
	free(text);
	text = with("no_new_privs", "false");
	REQUIRE(parse(text, &j, &spec, &err) == 0);
	CHECK(!spec.no_new_privs);
	shim_spec_clear(&spec);
	json_decref(j);
	free(text);
	text = with("seccomp", "\"strict\"");
	bad(text, PD_E_INVALID, "field \"seccomp\" must be \"default\" or a profile object");
	free(text);
	text = with("seccomp", "{\"defaultAction\": \"SCMP_ACT_NOPE\"}");
	bad(text, PD_E_INVALID, "seccomp: defaultAction: unknown action");
	free(text);
	text = with("seccomp_cache", "\"relative/dir\"");
	bad(text, PD_E_INVALID, "seccomp_cache");
	free(text);
}

static const struct unit_case cases[] = {
    {"seccomp", test_seccomp},
    {"user", test_user},
    {"mounts_sub_path", test_mounts_sub_path},
    {"mounts", test_mounts},
    {"mounts_refused", test_mounts_refused},
    {"lowers", test_lowers},
    {"exec_session", test_exec_session},
    {"stdio", test_stdio},
    {"good", test_good},
    {"defaults", test_defaults},
    {"read_only", test_read_only},
    {"missing", test_missing},
    {"mistyped", test_mistyped},
    {"unknown", test_unknown},
    {"values", test_values},
    {"nul", test_nul},
    {"namespaces", test_namespaces},
    {"limits", test_limits},
};

UNIT_MAIN(cases)
