/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/events_query: since/until values (RFC 3339, unix seconds, ages),
 * filters (keys, bad shapes, too many) and matching (alternatives within a
 * key, all keys together, container by name, id and id prefix).
 */
#include <string.h>

#include "events_query.h"
#include "json.h"
#include "unit.h"

#define S 1000000000LL

static void
test_times(void)
{
	struct pd_err err = {0};
	int64_t t = 0, now = 1700000000LL * S;

	REQUIRE(events_parse_time("2023-11-14T22:13:20Z", now, &t, &err) == 0);
	CHECK(t == 1700000000LL * S);
	REQUIRE(events_parse_time("2023-11-14T22:13:20.5Z", now, &t, &err) == 0);
	CHECK(t == 1700000000LL * S + S / 2);
	REQUIRE(events_parse_time("1700000000", now, &t, &err) == 0);
	CHECK(t == 1700000000LL * S);
	REQUIRE(events_parse_time("1700000000.25", now, &t, &err) == 0);
	CHECK(t == 1700000000LL * S + S / 4);
	REQUIRE(events_parse_time("10m", now, &t, &err) == 0);
	CHECK(t == now - 600 * S);
	REQUIRE(events_parse_time("0s", now, &t, &err) == 0);
	CHECK(t == now);
	REQUIRE(events_parse_time("1h30m", now, &t, &err) == 0);
	CHECK(t == now - 5400 * S);
	CHECK_INT(err.kind, ==, 0);
}

static void
test_times_refused(void)
{
	static const char *const bad[] = {"",   "yesterday", "1700000000.",          "17x",
					  "-5", "10 m",      "2023-13-01T00:00:00Z", NULL};
	int64_t t;

	for (size_t i = 0; bad[i] != NULL; i++) {
		struct pd_err err = {0};

		CHECK(events_parse_time(bad[i], 0, &t, &err) < 0);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
}

static void
test_filters_refused(void)
{
	static const char *const bad[] = {"type", "=pod", "colour=red", "pod=", "types=pod", NULL};
	struct events_query q;

	events_query_init(&q);
	for (size_t i = 0; bad[i] != NULL; i++) {
		struct pd_err err = {0};

		CHECK(events_query_add_filter(&q, bad[i], &err) < 0);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
	CHECK(q.n_filters == 0);
	for (int i = 0; i < EVENTS_FILTER_MAX; i++) {
		struct pd_err err = {0};

		REQUIRE(events_query_add_filter(&q, "type=pod", &err) == 0);
	}
	{
		struct pd_err err = {0};

		CHECK(events_query_add_filter(&q, "type=pod", &err) < 0);
	}
}

static json_t *
ev(const char *type, const char *action, const char *id, const char *name, const char *pod)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "type", type, "action", action, "id", id,
			      "name", name);

	if (pod != NULL)
		json_object_set_new(j, "pod", json_string(pod));
	return j;
}

static void
test_match(void)
{
	struct events_query q;
	struct pd_err err = {0};
	cleanup_json json_t *c1 = ev("container", "die", "0123456789abcdef0123", "c1", "p1");
	cleanup_json json_t *c2 = ev("container", "start", "fedcba9876543210fedc", "c2", NULL);
	cleanup_json json_t *p1 = ev("pod", "create", "aaaaaaaaaaaaaaaaaaaa", "p1", "p1");

	events_query_init(&q);
	CHECK(q.since_ns == -1 && q.until_ns == -1);
	CHECK(events_query_match(&q, c1) && events_query_match(&q, p1));
	REQUIRE(events_query_add_filter(&q, "event=die", &err) == 0);
	REQUIRE(events_query_add_filter(&q, "action=create", &err) == 0);
	CHECK(events_query_match(&q, c1));
	CHECK(!events_query_match(&q, c2));
	CHECK(events_query_match(&q, p1));
	REQUIRE(events_query_add_filter(&q, "pod=p1", &err) == 0);
	CHECK(events_query_match(&q, c1) && events_query_match(&q, p1));
	REQUIRE(events_query_add_filter(&q, "type=container", &err) == 0);
	CHECK(events_query_match(&q, c1) && !events_query_match(&q, p1));

	events_query_init(&q);
	REQUIRE(events_query_add_filter(&q, "container=c2", &err) == 0);
	CHECK(events_query_match(&q, c2) && !events_query_match(&q, c1));
	events_query_init(&q);
	REQUIRE(events_query_add_filter(&q, "container=0123456789ab", &err) == 0);
	CHECK(events_query_match(&q, c1) && !events_query_match(&q, c2));
	events_query_init(&q);
	REQUIRE(events_query_add_filter(&q, "container=0123", &err) == 0);
	CHECK(!events_query_match(&q, c1)); /* too short a prefix */
	events_query_init(&q);
	REQUIRE(events_query_add_filter(&q, "container=p1", &err) == 0);
	CHECK(!events_query_match(&q, p1)); /* a pod is no container */
}

static const struct unit_case cases[] = {
    {"times", test_times},
    {"times_refused", test_times_refused},
    {"filters_refused", test_filters_refused},
    {"match", test_match},
};

UNIT_MAIN(cases)
