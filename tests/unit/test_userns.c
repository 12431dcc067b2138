/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/userns (issue 13): the pool of subordinate ids read from the
 * /etc/subuid format (the entries of "podd" only; bad ones refused), the
 * choice of a free range (lowest first, in steps of 65536 from an entry's
 * start, never overlapping a held one, none left), the built-in pool, a
 * pod's "userns" key and its record round trip, the map line.
 */
#include <string.h>

#include "json.h"
#include "pod_spec.h"
#include "userns.h"
#include "unit.h"

static void
test_pool_parse(void)
{
	struct userns_pool pool = {0};
	struct pd_err err = {0};

	REQUIRE(userns_pool_parse("# comment\nalice:100000:65536\npodd:200000:131072\n\n"
				  "podder:1:2\npodd:4000000000:65536  \n",
				  "podd", &pool, &err) == 0);
	CHECK_INT(pool.n, ==, 2);
	CHECK_INT(pool.r[0].start, ==, 200000);
	CHECK_INT(pool.r[0].count, ==, 131072);
	CHECK_INT(pool.r[1].start, ==, 4000000000u);
	CHECK(!pool.builtin);
}

static void
test_pool_parse_refused(void)
{
	static const char *const bad[] = {
	    "podd:100000\n",
	    "podd:x:65536\n",
	    "podd:100000:0\n",
	    "podd:-1:65536\n",
	    "podd:4294967295:1\n",
	    "podd:4294901760:65536\n",
	    "podd:100000:65536:extra\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct userns_pool pool = {0};
		struct pd_err err = {0};

		CHECK_INT(userns_pool_parse(bad[i], "podd", &pool, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK_CONTAINS(err.msg, "line 1");
	}
}

static void
test_alloc(void)
{
	struct userns_pool pool = {0};
	struct userns_range used[3];
	struct pd_err err = {0};
	uint32_t start;

	/* Not a multiple of 65536: the steps start at the entry's start. */
	REQUIRE(userns_pool_parse("podd:100000:65536\npodd:1000000:200000\n", "podd", &pool,
				  &err) == 0);
	REQUIRE(userns_pool_alloc(&pool, NULL, 0, &start, &err) == 0);
	CHECK_INT(start, ==, 100000);
	used[0] = (struct userns_range){100000, USERNS_SIZE};
	REQUIRE(userns_pool_alloc(&pool, used, 1, &start, &err) == 0);
	CHECK_INT(start, ==, 1000000);
	used[1] = (struct userns_range){1000000, USERNS_SIZE};
	used[2] = (struct userns_range){1065536, USERNS_SIZE};
	REQUIRE(userns_pool_alloc(&pool, used, 3, &start, &err) == 0);
	CHECK_INT(start, ==, 1131072); /* ends at 1196608, inside the entry */
	/* A held range that overlaps a step even partly takes it. */
	used[2] = (struct userns_range){1065536 + 10, USERNS_SIZE};
	CHECK_INT(userns_pool_alloc(&pool, used, 3, &start, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_UNAVAILABLE);
}

static void
test_alloc_used_up(void)
{
	struct userns_pool pool = {0};
	struct userns_range used = {5000000, USERNS_SIZE};
	struct pd_err err = {0};
	uint32_t start = 7;

	REQUIRE(userns_pool_parse("podd:5000000:100000\n", "podd", &pool, &err) == 0);
	CHECK_INT(userns_pool_alloc(&pool, &used, 1, &start, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_UNAVAILABLE);
	CHECK_CONTAINS(err.msg, "no free range of 65536 ids");
	CHECK_INT(start, ==, 7);
	/* An entry smaller than a range has none. */
	memset(&pool, 0, sizeof(pool));
	REQUIRE(userns_pool_parse("podd:5000000:65535\n", "podd", &pool, &err) == 0);
	CHECK_INT(userns_pool_alloc(&pool, NULL, 0, &start, &err), ==, -1);
}

static void
test_builtin(void)
{
	struct userns_pool pool;
	struct pd_err err = {0};
	uint32_t start;

	userns_pool_builtin(&pool);
	CHECK(pool.builtin);
	REQUIRE(userns_pool_alloc(&pool, NULL, 0, &start, &err) == 0);
	CHECK_INT(start, ==, 1879048192u);
	/* It ends below systemd's foreign range (0x7FFE0000). */
	CHECK_INT((uint64_t)pool.r[0].start + pool.r[0].count, ==, 0x7FFE0000u);
}

static void
test_mode(void)
{
	static const struct {
		const char *body;
		int r;
		enum userns_mode mode;
	} cases[] = {
	    {"{}", 0, USERNS_HOST},
	    {"{\"userns\":null}", 0, USERNS_HOST},
	    {"{\"userns\":\"host\"}", 0, USERNS_HOST},
	    {"{\"userns\":\"auto\"}", 0, USERNS_AUTO},
	    {"{\"userns\":\"keep-id\"}", -1, USERNS_HOST},
	    {"{\"userns\":1}", -1, USERNS_HOST},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pd_err err = {0};
		struct userns_ids ids;
		json_t *j = pd_json_load(cases[i].body, strlen(cases[i].body), 4096, &err);

		REQUIRE(j != NULL);
		CHECK_INT(userns_parse_mode(j, &ids, &err), ==, cases[i].r);
		if (cases[i].r == 0)
			CHECK_INT(ids.mode, ==, cases[i].mode);
		else
			CHECK_CONTAINS(err.msg, "userns");
		json_decref(j);
	}
}

static void
test_record_round_trip(void)
{
	const char *body = "{\"name\":\"p\",\"network\":\"none\",\"userns\":\"auto\"}";
	struct pod_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j = pd_json_load(body, strlen(body), 4096, &err), *r, *again;

	REQUIRE(j != NULL);
	REQUIRE(pod_spec_parse(j, &rec.spec, &err) == 0);
	CHECK_INT(rec.spec.userns.mode, ==, USERNS_AUTO);
	rec.spec.userns.uid = 3000000000u;
	rec.spec.userns.gid = 3000065536u;
	memset(rec.id, 'a', PD_ID_LEN);
	rec.infra_exit_code = -1;
	r = pod_record_to_json(&rec);
	REQUIRE(pod_record_from_json(r, &back, &err) == 0);
	CHECK_INT(back.spec.userns.mode, ==, USERNS_AUTO);
	CHECK_INT(back.spec.userns.uid, ==, 3000000000u);
	CHECK_INT(back.spec.userns.gid, ==, 3000065536u);
	CHECK_INT(back.spec.userns.size, ==, USERNS_SIZE);
	again = pod_record_to_json(&back);
	CHECK(json_equal(r, again));
	pod_record_clear(&rec);
	pod_record_clear(&back);
	json_decref(j);
	json_decref(r);
	json_decref(again);
}

static void
test_record_bad(void)
{
	static const char *const bad[] = {
	    "{\"mode\":\"auto\"}",
	    "{\"mode\":\"auto\",\"uid\":1,\"gid\":1,\"size\":5}",
	    "{\"mode\":\"auto\",\"uid\":4294967295,\"gid\":1,\"size\":65536}",
	    "{\"mode\":\"other\"}",
	    "{\"mode\":\"host\",\"extra\":1}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};
		struct userns_ids ids;
		json_t *j = pd_json_load(bad[i], strlen(bad[i]), 4096, &err);

		REQUIRE(j != NULL);
		CHECK_INT(userns_ids_from_json(j, &ids, &err), ==, -1);
		CHECK_CONTAINS(err.msg, "userns");
		json_decref(j);
	}
}

static void
test_map_line(void)
{
	char buf[64];

	CHECK_INT(userns_map_line(3000000000u, USERNS_SIZE, buf, sizeof(buf)), ==, 19);
	CHECK_STR(buf, ==, "0 3000000000 65536\n");
	CHECK_INT(userns_map_line(3000000000u, USERNS_SIZE, buf, 10), ==, -1);
}

static const struct unit_case cases[] = {
    {"pool_parse", test_pool_parse},
    {"pool_parse_refused", test_pool_parse_refused},
    {"alloc", test_alloc},
    {"alloc_used_up", test_alloc_used_up},
    {"builtin", test_builtin},
    {"mode", test_mode},
    {"record_round_trip", test_record_round_trip},
    {"record_bad", test_record_bad},
    {"map_line", test_map_line},
};

UNIT_MAIN(cases)
