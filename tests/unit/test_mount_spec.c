/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/mount_spec: -v, --tmpfs and --mount as docker reads them, the
 * canonical JSON and its strict reading back, sizes, and every way a spec
 * can be wrong; the create body's three arrays into one list.
 */
#include <string.h>

#include "json.h"
#include "mount_spec.h"
#include "unit.h"

typedef int parse_fn(const char *s, struct mount_spec *m, struct pd_err *err);

/* @s must fail with a message holding @needle. */
static void
bad(parse_fn *parse, const char *s, const char *needle)
{
	struct mount_spec m;
	struct pd_err err = {0};

	CHECK_INT(parse(s, &m, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, needle);
	mount_spec_clear(&m);
}

static void
test_volume_flag(void)
{
	struct mount_spec m;
	struct pd_err err = {0};

	REQUIRE(mount_spec_parse_volume("/host/dir:/ctr//dir/:ro", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_BIND);
	CHECK_STR(m.source, ==, "/host/dir");
	CHECK_STR(m.target, ==, "/ctr/dir");
	CHECK(m.read_only);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_volume("data:/data", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_VOLUME);
	CHECK_STR(m.source, ==, "data");
	CHECK(!m.read_only && !m.anonymous && !m.no_copy);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_volume("data:/data:nocopy,rw,z", &m, &err) == 0);
	CHECK(m.no_copy && !m.read_only);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_volume("/data", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_VOLUME);
	CHECK(m.anonymous);
	CHECK_STR(m.source, ==, "");
	CHECK_STR(m.target, ==, "/data");
	mount_spec_clear(&m);
}

static void
test_volume_flag_refused(void)
{
	bad(mount_spec_parse_volume, "", "empty");
	bad(mount_spec_parse_volume, "/a:rel", "not an absolute path");
	bad(mount_spec_parse_volume, "/a:/b:c:d", "too many");
	bad(mount_spec_parse_volume, ":/b", "source is empty");
	bad(mount_spec_parse_volume, "/a:/b:", "options are empty");
	bad(mount_spec_parse_volume, "/a:/b:nocopy", "unknown option");
	bad(mount_spec_parse_volume, "/a:/b:shared", "unknown option");
	bad(mount_spec_parse_volume, "bad name:/b", "volume name");
	bad(mount_spec_parse_volume, ".hidden:/b", "volume name");
	bad(mount_spec_parse_volume, "/a:/", "cannot be \"/\"");
	bad(mount_spec_parse_volume, "/a:/x/../y", "\"..\"");
	bad(mount_spec_parse_volume, "/a/./b:/y", "\".\"");
	bad(mount_spec_parse_volume, "rel", "not an absolute path");
	/* Found by fuzz_mount_spec: bytes that are not UTF-8 could not be
	 * put in the record's JSON. */
	bad(mount_spec_parse_volume, "/h\xff\xff/;:/c", "UTF-8");
	bad(mount_spec_parse_tmpfs, "/t\xc3", "UTF-8");
}

static void
test_tmpfs_flag(void)
{
	struct mount_spec m;
	struct pd_err err = {0};

	REQUIRE(mount_spec_parse_tmpfs("/run", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_TMPFS);
	CHECK_INT((long long)m.tmpfs_size, ==, 0);
	CHECK_INT(m.tmpfs_mode, ==, 0);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_tmpfs("/run:size=64m,mode=1770,ro", &m, &err) == 0);
	CHECK_INT((long long)m.tmpfs_size, ==, 64LL << 20);
	CHECK_INT(m.tmpfs_mode, ==, 01770);
	CHECK(m.read_only);
	mount_spec_clear(&m);

	bad(mount_spec_parse_tmpfs, "run", "absolute");
	bad(mount_spec_parse_tmpfs, "/run:", "options are empty");
	bad(mount_spec_parse_tmpfs, "/run:size=big", "not a size");
	bad(mount_spec_parse_tmpfs, "/run:mode=9", "octal");
	bad(mount_spec_parse_tmpfs, "/run:mode=17777", "octal");
	bad(mount_spec_parse_tmpfs, "/run:exec", "unknown option");
}

static void
test_mount_flag(void)
{
	struct mount_spec m;
	struct pd_err err = {0};

	REQUIRE(mount_spec_parse_mount("type=bind,source=/h,target=/c,readonly", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_BIND);
	CHECK_STR(m.source, ==, "/h");
	CHECK_STR(m.target, ==, "/c");
	CHECK(m.read_only);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_mount("src=v,dst=/d,ro=false,volume-nocopy", &m, &err) == 0);
	CHECK_INT(m.type, ==, MOUNT_VOLUME); /* docker's default type */
	CHECK_STR(m.source, ==, "v");
	CHECK(!m.read_only && m.no_copy);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_mount("type=volume,destination=/d", &m, &err) == 0);
	CHECK(m.anonymous);
	mount_spec_clear(&m);

	REQUIRE(mount_spec_parse_mount("type=tmpfs,target=/t,tmpfs-size=1g,tmpfs-mode=700", &m,
				       &err) == 0);
	CHECK_INT((long long)m.tmpfs_size, ==, 1LL << 30);
	CHECK_INT(m.tmpfs_mode, ==, 0700);
	mount_spec_clear(&m);

	bad(mount_spec_parse_mount, "type=bind,src=/h,dst=/c,colour=red", "unknown key \"colour\"");
	bad(mount_spec_parse_mount, "type=nfs,dst=/c", "unknown type");
	bad(mount_spec_parse_mount, "type=bind,src=/h", "\"target\" is required");
	bad(mount_spec_parse_mount, "type=bind,dst=/c", "needs a source");
	bad(mount_spec_parse_mount, "type=bind,src=rel,dst=/c", "not an absolute path");
	bad(mount_spec_parse_mount, "type=tmpfs,src=/h,dst=/c", "no source");
	bad(mount_spec_parse_mount, "type=bind,src=/h,dst=/c,tmpfs-size=1m", "for tmpfs");
	bad(mount_spec_parse_mount, "type=tmpfs,dst=/c,volume-nocopy", "for a volume");
	bad(mount_spec_parse_mount, "type=bind,src=/h,dst=/c,readonly=maybe", "true or false");
	bad(mount_spec_parse_mount, "type=,dst=/c", "needs a value");
	bad(mount_spec_parse_mount, "type=bind,src=/h,dst=/c,bind-propagation=shared",
	    "unknown key");
}

static void
test_sizes(void)
{
	static const struct {
		const char *s;
		long long v;
	} ok[] = {
	    {"0", 0},          {"100", 100},         {"1b", 1},        {"2k", 2048},
	    {"2KiB", 2048},    {"3m", 3LL << 20},    {"3MB", 3 << 20}, {"1g", 1LL << 30},
	    {"1t", 1LL << 40}, {"1024T", 1LL << 50},
	};
	static const char *const refused[] = {"",     "k",     "-1", "1x",
					      "1.5g", "1025t", " 1", "99999999999999999999"};
	struct pd_err err = {0};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(mount_spec_parse_size(ok[i].s, &v, &err), ==, 0);
		CHECK_INT((long long)v, ==, ok[i].v);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK_INT(mount_spec_parse_size(refused[i], &v, &err), ==, -1);
}

static void
test_json_round_trip(void)
{
	static const char *const specs[] = {"/h:/c:ro", "v:/d:nocopy", "/anon"};
	struct pd_err err = {0};

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct mount_spec m, back;
		json_t *j, *again;

		REQUIRE(mount_spec_parse_volume(specs[i], &m, &err) == 0);
		if (m.anonymous) {
			free(m.source);
			m.source = strdup("0123abcd");
		}
		j = mount_spec_to_json(&m);
		CHECK_INT(mount_spec_from_json(j, &back, &err), ==, 0);
		again = mount_spec_to_json(&back);
		CHECK(json_equal(j, again));
		json_decref(j);
		json_decref(again);
		mount_spec_clear(&m);
		mount_spec_clear(&back);
	}
}

static void
test_json_refused(void)
{
	static const char *const refused[] = {
	    "{\"type\": \"bind\", \"source\": \"rel\", \"target\": \"/a\"}",
	    "{\"type\": \"nfs\", \"source\": \"\", \"target\": \"/a\"}",
	    "{\"type\": \"tmpfs\", \"target\": \"/a\", \"anonymous\": true}",
	    "{\"type\": \"bind\", \"source\": \"/b\", \"target\": \"/a\", \"tmpfs_size\": 5}",
	    "{\"type\": \"volume\", \"source\": \"../x\", \"target\": \"/a\"}",
	    "{\"type\": \"volume\", \"source\": \"x\", \"target\": \"/a\", \"extra\": 1}",
	    "{\"type\": \"volume\", \"source\": \"x\"}",
	    "[]",
	};
	struct pd_err err = {0};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct mount_spec m;
		json_t *j = pd_json_load(refused[i], strlen(refused[i]), 4096, &err);

		REQUIRE(j != NULL);
		CHECK_INT(mount_spec_from_json(j, &m, &err), ==, -1);
		mount_spec_clear(&m);
		json_decref(j);
	}
}

static void
test_body(void)
{
	const char *text = "{\"volumes\": [\"/h:/a\", \"v:/b\"], \"tmpfs\": [\"/c\"], "
			   "\"mount\": [\"type=volume,dst=/d\"]}";
	struct pd_err err = {0};
	json_t *body = pd_json_load(text, strlen(text), 4096, &err), *out = NULL;

	REQUIRE(body != NULL);
	REQUIRE(mount_spec_parse_body(json_object_get(body, "volumes"),
				      json_object_get(body, "tmpfs"),
				      json_object_get(body, "mount"), &out, &err) == 0);
	CHECK_INT(json_array_size(out), ==, 4);
	CHECK_STR(json_string_value(json_object_get(json_array_get(out, 2), "type")), ==, "tmpfs");
	json_decref(out);
	json_decref(body);

	text = "{\"volumes\": [\"/h:/a\", \"v:/a/\"]}";
	body = pd_json_load(text, strlen(text), 4096, &err);
	REQUIRE(body != NULL);
	CHECK_INT(mount_spec_parse_body(json_object_get(body, "volumes"), NULL, NULL, &out, &err),
		  ==, -1);
	CHECK_CONTAINS(err.msg, "two mounts on /a");
	CHECK(out == NULL);
	json_decref(body);

	text = "{\"volumes\": [1]}";
	body = pd_json_load(text, strlen(text), 4096, &err);
	REQUIRE(body != NULL);
	CHECK_INT(mount_spec_parse_body(json_object_get(body, "volumes"), NULL, NULL, &out, &err),
		  ==, -1);
	json_decref(body);
}

static void
test_too_many(void)
{
	json_t *vols = json_array(), *out = NULL;
	struct pd_err err = {0};

	for (int i = 0; i <= MOUNT_MAX; i++)
		json_array_append_new(vols, json_sprintf("/h:/t%d", i));
	CHECK_INT(mount_spec_parse_body(vols, NULL, NULL, &out, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "more than");
	json_decref(vols);
}

static void
test_check_list(void)
{
	const char *ok = "[{\"type\": \"volume\", \"source\": \"v\", \"target\": \"/a\", "
			 "\"anonymous\": true, \"no_copy\": false, \"read_only\": false}]";
	const char *unnamed = "[{\"type\": \"volume\", \"source\": \"\", \"target\": \"/a\"}]";
	struct pd_err err = {0};
	json_t *j = pd_json_load(ok, strlen(ok), 4096, &err);

	REQUIRE(j != NULL);
	CHECK_INT(mount_spec_check_list(j, &err), ==, 0);
	json_decref(j);
	j = pd_json_load(unnamed, strlen(unnamed), 4096, &err);
	REQUIRE(j != NULL);
	CHECK_INT(mount_spec_check_list(j, &err), ==, -1);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"volume_flag", test_volume_flag},
    {"volume_flag_refused", test_volume_flag_refused},
    {"tmpfs_flag", test_tmpfs_flag},
    {"mount_flag", test_mount_flag},
    {"sizes", test_sizes},
    {"json_round_trip", test_json_round_trip},
    {"json_refused", test_json_refused},
    {"body", test_body},
    {"too_many", test_too_many},
    {"check_list", test_check_list},
};

UNIT_MAIN(cases)
