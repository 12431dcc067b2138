/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/json: bounded loads that reject duplicate keys and say where the
 * error is, deterministic dumps, atomic save and load of files, the unknown
 * field check and the typed getters of API bodies.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "unit.h"

static json_t *
load(const char *s, struct pd_err *err)
{
	return pd_json_load(s, strlen(s), 4096, err);
}

static void
test_load_object(void)
{
	struct pd_err err = {0};
	json_t *j = load("{\"name\": \"web\", \"n\": 3}", &err);

	REQUIRE(j != NULL);
	CHECK_INT(err.kind, ==, 0);
	CHECK_STR(json_string_value(json_object_get(j, "name")), ==, "web");
	CHECK_INT(json_integer_value(json_object_get(j, "n")), ==, 3);
	json_decref(j);
}

static void
test_load_scalars(void)
{
	struct pd_err err = {0};
	json_t *j = load("42", &err);

	REQUIRE(j != NULL);
	CHECK_INT(json_integer_value(j), ==, 42);
	json_decref(j);
	j = load("\"s\"", &err);
	REQUIRE(j != NULL);
	CHECK_STR(json_string_value(j), ==, "s");
	json_decref(j);
}

static void
test_load_bounded_by_len(void)
{
	/* Only the first @len bytes count; the rest is not JSON. */
	static const char buf[] = "[1,2]garbage";
	struct pd_err err = {0};
	json_t *j = pd_json_load(buf, 5, 4096, &err);

	REQUIRE(j != NULL);
	CHECK_INT(json_array_size(j), ==, 2);
	json_decref(j);
}

static void
test_load_too_large(void)
{
	static const char buf[] = "{\"a\":\"0123456789\"}";
	size_t len = strlen(buf);
	struct pd_err err = {0};
	json_t *j = pd_json_load(buf, len, len - 1, &err);

	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	CHECK_CONTAINS(err.msg, "over the limit");
	j = pd_json_load(buf, len, len, &err);
	CHECK(j != NULL);
	json_decref(j);
}

static void
test_load_duplicate_keys(void)
{
	struct pd_err err = {0};
	json_t *j = load("{\"a\": 1, \"a\": 2}", &err);

	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "duplicate");
	j = load("{\"o\": {\"k\": 1, \"k\": 1}}", &err);
	CHECK(j == NULL);
	json_decref(j);
}

static void
test_load_error_position(void)
{
	struct pd_err err = {0};
	json_t *j = load("{\n  \"a\": 1,\n  \"b\": ,\n}", &err);

	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "line 3 column 8");
	json_decref(j);
}

static void
test_load_bad(void)
{
	static const char *const bad[] = {
	    "",      " ",   "{",   "}",   "{\"a\"}",      "{\"a\":1,}",  "[1,]",
	    "{} {}", "{}x", "nul", "'a'", "{\"a\":1}\n]", "\"\\u0000\"", "\"\\ud800\"",
	    "01",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};
		json_t *j = load(bad[i], &err);

		if (j != NULL)
			printf("  accepted: %s\n", bad[i]);
		CHECK(j == NULL);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		json_decref(j);
	}
}

static void
test_dump_sorted_compact(void)
{
	json_t *a = json_pack("{s:i, s:s, s:{s:b, s:n}, s:[i,i]}", "zeta", 1, "alpha", "x", "mid",
			      "y", 1, "b", "list", 2, 1);
	json_t *b = json_pack("{s:[i,i], s:{s:n, s:b}, s:s, s:i}", "list", 2, 1, "mid", "b", "y", 1,
			      "alpha", "x", "zeta", 1);
	char *da, *db;

	REQUIRE(a != NULL && b != NULL);
	da = pd_json_dump(a);
	db = pd_json_dump(b);
	CHECK_STR(da, ==,
		  "{\"alpha\":\"x\",\"list\":[2,1],\"mid\":{\"b\":null,\"y\":true},\"zeta\":1}");
	CHECK_STR(da, ==, db);
	free(da);
	free(db);
	json_decref(a);
	json_decref(b);
}

static void
test_dump_scalar(void)
{
	json_t *j = json_string("a\"b");
	char *d = pd_json_dump(j);

	CHECK_STR(d, ==, "\"a\\\"b\"");
	free(d);
	json_decref(j);
}

static int
count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_save_load_round_trip(void)
{
	char dir[PATH_MAX];
	struct pd_err err = {0};
	json_t *j = json_pack("{s:s, s:i, s:[s]}", "name", "web", "restarts", 2, "cmd", "sh");
	json_t *back;
	char *raw = NULL;
	size_t len = 0;
	int dfd;

	unit_tmpdir(dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(dfd >= 0 && j != NULL);
	CHECK_INT(pd_json_save(dfd, "pod.json", j, &err), ==, 0);
	back = pd_json_load_file(dfd, "pod.json", 4096, &err);
	CHECK(back != NULL && json_equal(j, back));
	CHECK_INT(count_entries(dir), ==, 1);
	CHECK_INT(pd_file_read(dfd, "pod.json", 4096, &raw, &len, &err), ==, 0);
	CHECK_STR(raw, ==, "{\"cmd\":[\"sh\"],\"name\":\"web\",\"restarts\":2}");
	free(raw);
	json_decref(back);
	json_decref(j);
	close(dfd);
	CHECK_INT(unit_rmtree(dir), ==, 0);
}

static void
test_load_file_errors(void)
{
	char dir[PATH_MAX];
	struct pd_err err = {0};
	json_t *j;
	int dfd;

	unit_tmpdir(dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(dfd >= 0);

	j = pd_json_load_file(dfd, "missing.json", 4096, &err);
	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);

	REQUIRE(pd_file_write_atomic(dfd, "bad.json", "{\"a\":", 5, &err) == 0);
	j = pd_json_load_file(dfd, "bad.json", 4096, &err);
	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK(strncmp(err.msg, "bad.json: ", 10) == 0);

	REQUIRE(pd_file_write_atomic(dfd, "big.json", "[1,2,3,4,5]", 11, &err) == 0);
	j = pd_json_load_file(dfd, "big.json", 10, &err);
	CHECK(j == NULL);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);

	close(dfd);
	CHECK_INT(unit_rmtree(dir), ==, 0);
}

static const char *const pod_fields[] = {"name", "labels", NULL};

static void
test_check_keys(void)
{
	struct pd_err err = {0};
	json_t *ok = json_pack("{s:s, s:{}}", "name", "web", "labels");
	json_t *empty = json_object();
	json_t *typo = json_pack("{s:s, s:{}}", "name", "web", "lables");

	CHECK_INT(pd_json_check_keys(ok, "pod", pod_fields, &err), ==, 0);
	CHECK_INT(pd_json_check_keys(empty, "pod", pod_fields, &err), ==, 0);
	CHECK_INT(err.kind, ==, 0);
	CHECK_INT(pd_json_check_keys(typo, "pod", pod_fields, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_STR(err.msg, ==, "pod: unknown field \"lables\"");
	json_decref(ok);
	json_decref(empty);
	json_decref(typo);
}

static void
test_check_keys_not_object(void)
{
	struct pd_err err = {0};
	json_t *arr = json_array();

	CHECK_INT(pd_json_check_keys(arr, "pod", pod_fields, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "expected a JSON object");
	CHECK_INT(pd_json_check_keys(NULL, "pod", pod_fields, &err), ==, -1);
	json_decref(arr);
}

static void
test_get_string(void)
{
	struct pd_err err = {0};
	json_t *j = json_pack("{s:s, s:n, s:i}", "s", "v", "nul", "i", 1);
	const char *out = "untouched";

	CHECK_INT(pd_json_get_string(j, "absent", &out, &err), ==, 0);
	CHECK_STR(out, ==, "untouched");
	CHECK_INT(pd_json_get_string(j, "nul", &out, &err), ==, 0);
	CHECK_STR(out, ==, "untouched");
	CHECK_INT(pd_json_get_string(j, "s", &out, &err), ==, 0);
	CHECK_STR(out, ==, "v");
	CHECK_INT(pd_json_get_string(j, "i", &out, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "\"i\" must be a string");
	json_decref(j);
}

static void
test_get_bool(void)
{
	struct pd_err err = {0};
	json_t *j = json_pack("{s:b, s:i, s:s}", "t", 1, "i", 1, "s", "true");
	bool out = false;

	CHECK_INT(pd_json_get_bool(j, "absent", &out, &err), ==, 0);
	CHECK(!out);
	CHECK_INT(pd_json_get_bool(j, "t", &out, &err), ==, 0);
	CHECK(out);
	CHECK_INT(pd_json_get_bool(j, "i", &out, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "\"i\" must be true or false");
	CHECK_INT(pd_json_get_bool(j, "s", &out, &err), ==, -1);
	json_decref(j);
}

static void
test_get_int(void)
{
	struct pd_err err = {0};
	json_t *j = json_pack("{s:i, s:f, s:s, s:i}", "n", 5, "f", 5.0, "s", "5", "big", 70000);
	long long out = -1;

	CHECK_INT(pd_json_get_int(j, "absent", 0, 10, &out, &err), ==, 0);
	CHECK_INT(out, ==, -1);
	CHECK_INT(pd_json_get_int(j, "n", 0, 10, &out, &err), ==, 0);
	CHECK_INT(out, ==, 5);
	CHECK_INT(pd_json_get_int(j, "n", 6, 10, &out, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "between 6 and 10");
	CHECK_INT(pd_json_get_int(j, "f", 0, 10, &out, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "\"f\" must be an integer");
	CHECK_INT(pd_json_get_int(j, "s", 0, 10, &out, &err), ==, -1);
	CHECK_INT(pd_json_get_int(j, "big", 1, 65535, &out, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_INT(out, ==, 5);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"load_object", test_load_object},
    {"load_scalars", test_load_scalars},
    {"load_bounded_by_len", test_load_bounded_by_len},
    {"load_too_large", test_load_too_large},
    {"load_duplicate_keys", test_load_duplicate_keys},
    {"load_error_position", test_load_error_position},
    {"load_bad", test_load_bad},
    {"dump_sorted_compact", test_dump_sorted_compact},
    {"dump_scalar", test_dump_scalar},
    {"save_load_round_trip", test_save_load_round_trip},
    {"load_file_errors", test_load_file_errors},
    {"check_keys", test_check_keys},
    {"check_keys_not_object", test_check_keys_not_object},
    {"get_string", test_get_string},
    {"get_bool", test_get_bool},
    {"get_int", test_get_int},
};

UNIT_MAIN(cases)
