/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/timefmt: RFC 3339 with nanoseconds, both ways, and the monotonic clock.
 */
#include <string.h>
#include <time.h>

#include "timefmt.h"
#include "unit.h"

/* 2023-11-14T22:13:20Z */
#define T0 1700000000

static int
parse_ok(const char *s, long long sec, long nsec)
{
	struct timespec ts = {-1, -1};

	if (pd_time_rfc3339_parse(s, &ts) < 0)
		return 0;
	return ts.tv_sec == sec && ts.tv_nsec == nsec;
}

/* Bad input fails and leaves @ts alone. */
static int
parse_bad(const char *s)
{
	struct timespec ts = {-7, -7};

	return pd_time_rfc3339_parse(s, &ts) < 0 && ts.tv_sec == -7 && ts.tv_nsec == -7;
}

static void
test_format_known(void)
{
	struct timespec epoch = {0, 0}, t = {T0, 123456789}, small = {T0, 5};
	char buf[PD_TIME_RFC3339_MAX];

	REQUIRE(pd_time_rfc3339(&epoch, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "1970-01-01T00:00:00.000000000Z");
	REQUIRE(pd_time_rfc3339(&t, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "2023-11-14T22:13:20.123456789Z");
	REQUIRE(pd_time_rfc3339(&small, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "2023-11-14T22:13:20.000000005Z");
}

static void
test_format_buffer_size(void)
{
	struct timespec t = {T0, 1};
	char buf[PD_TIME_RFC3339_MAX];

	/* 30 characters and the NUL. */
	CHECK_INT(pd_time_rfc3339(&t, buf, 31), ==, 0);
	CHECK_INT(strlen(buf), ==, 30);
	CHECK_INT(pd_time_rfc3339(&t, buf, 30), ==, -1);
	CHECK_INT(pd_time_rfc3339(&t, buf, 1), ==, -1);
}

static void
test_now(void)
{
	char buf[PD_TIME_RFC3339_MAX];
	struct timespec ts;
	time_t before = time(NULL), after;

	REQUIRE(pd_time_rfc3339_now(buf, sizeof(buf)) == 0);
	after = time(NULL);
	REQUIRE(pd_time_rfc3339_parse(buf, &ts) == 0);
	CHECK_INT(ts.tv_sec, >=, before);
	CHECK_INT(ts.tv_sec, <=, after);
	CHECK_INT(pd_time_rfc3339_now(buf, 10), ==, -1);
}

static void
test_round_trip(void)
{
	static const struct timespec samples[] = {
	    {0, 0},          {T0, 123456789},
	    {T0, 999999999}, {951782400, 1},            /* 2000-02-29 */
	    {4102444799, 0}, {253402300799, 999999999}, /* 9999-12-31T23:59:59 */
	    {-86400, 500},   {86399, 10},
	};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char buf[PD_TIME_RFC3339_MAX];
		struct timespec back;

		REQUIRE(pd_time_rfc3339(&samples[i], buf, sizeof(buf)) == 0);
		REQUIRE(pd_time_rfc3339_parse(buf, &back) == 0);
		CHECK_INT(back.tv_sec, ==, samples[i].tv_sec);
		CHECK_INT(back.tv_nsec, ==, samples[i].tv_nsec);
	}
}

static void
test_offsets(void)
{
	CHECK(parse_ok("2023-11-14T22:13:20Z", T0, 0));
	CHECK(parse_ok("2023-11-14T23:13:20+01:00", T0, 0));
	CHECK(parse_ok("2023-11-14T16:43:20-05:30", T0, 0));
	CHECK(parse_ok("2023-11-14T22:13:20+00:00", T0, 0));
	CHECK(parse_ok("2023-11-14T22:13:20-00:00", T0, 0));
	CHECK(parse_ok("2023-11-15T21:12:20+22:59", T0, 0));
	/* Case and separator variants RFC 3339 allows. */
	CHECK(parse_ok("2023-11-14t22:13:20z", T0, 0));
	CHECK(parse_ok("2023-11-14 22:13:20Z", T0, 0));
}

static void
test_fractions(void)
{
	CHECK(parse_ok("2023-11-14T22:13:20.5Z", T0, 500000000));
	CHECK(parse_ok("2023-11-14T22:13:20.123Z", T0, 123000000));
	CHECK(parse_ok("2023-11-14T22:13:20.000000001Z", T0, 1));
	CHECK(parse_ok("2023-11-14T22:13:20.123456789+01:00", T0 - 3600, 123456789));
	/* Past nanoseconds, digits are cut, not rounded. */
	CHECK(parse_ok("2023-11-14T22:13:20.1234567899999Z", T0, 123456789));
	CHECK(parse_bad("2023-11-14T22:13:20.Z"));
	CHECK(parse_bad("2023-11-14T22:13:20.+01:00"));
	CHECK(parse_bad("2023-11-14T22:13:20.5"));
}

static void
test_bad_shape(void)
{
	CHECK(parse_bad(""));
	CHECK(parse_bad("2023"));
	CHECK(parse_bad("2023-11-14"));
	CHECK(parse_bad("2023-11-14T"));
	CHECK(parse_bad("2023-11-14T22:13"));
	CHECK(parse_bad("2023-11-14T22:13:20"));
	CHECK(parse_bad("2023-11-14T22:13:20Zjunk"));
	CHECK(parse_bad("2023-11-14T22:13:20Z "));
	CHECK(parse_bad(" 2023-11-14T22:13:20Z"));
	CHECK(parse_bad("2023-1-14T22:13:20Z"));
	CHECK(parse_bad("2023-11-14X22:13:20Z"));
	CHECK(parse_bad("2023/11/14T22:13:20Z"));
	CHECK(parse_bad("2023-11-14T22:13:20+01"));
	CHECK(parse_bad("2023-11-14T22:13:20+0100"));
	CHECK(parse_bad("2023-11-14T22:13:20+01:0"));
	CHECK(parse_bad("-023-11-14T22:13:20Z"));
	CHECK(parse_bad("2023-11-14T22:13:20UTC"));
}

static void
test_bad_ranges(void)
{
	CHECK(parse_bad("2023-00-14T22:13:20Z"));
	CHECK(parse_bad("2023-13-14T22:13:20Z"));
	CHECK(parse_bad("2023-11-00T22:13:20Z"));
	CHECK(parse_bad("2023-11-32T22:13:20Z"));
	CHECK(parse_bad("2023-11-14T24:00:00Z"));
	CHECK(parse_bad("2023-11-14T22:60:00Z"));
	CHECK(parse_bad("2023-11-14T22:13:61Z"));
	CHECK(parse_bad("2023-11-14T22:13:20+24:00"));
	CHECK(parse_bad("2023-11-14T22:13:20+01:60"));
}

static void
test_days_in_month(void)
{
	CHECK(parse_bad("2023-02-29T00:00:00Z"));
	CHECK(parse_bad("2023-02-30T00:00:00Z"));
	CHECK(parse_bad("2023-04-31T00:00:00Z"));
	CHECK(parse_bad("1900-02-29T00:00:00Z"));
	CHECK(parse_ok("2024-02-29T00:00:00Z", 1709164800, 0));
	CHECK(parse_ok("2000-02-29T00:00:00Z", 951782400, 0));
	CHECK(parse_ok("2023-12-31T00:00:00Z", 1703980800, 0));
}

static void
test_leap_second(void)
{
	/* 23:59:60 is allowed and becomes the first second of the next day. */
	CHECK(parse_ok("2016-12-31T23:59:60Z", 1483228800, 0));
}

static void
test_mono(void)
{
	uint64_t a = pd_time_mono_ms();
	struct timespec d = {0, 20L * 1000 * 1000};
	uint64_t b;

	nanosleep(&d, NULL);
	b = pd_time_mono_ms();
	CHECK_INT(b, >=, a + 20);
	CHECK_INT(b, <, a + 10000);
}

static const struct unit_case cases[] = {
    {"format_known", test_format_known},
    {"format_buffer_size", test_format_buffer_size},
    {"now", test_now},
    {"round_trip", test_round_trip},
    {"offsets", test_offsets},
    {"fractions", test_fractions},
    {"bad_shape", test_bad_shape},
    {"bad_ranges", test_bad_ranges},
    {"days_in_month", test_days_in_month},
    {"leap_second", test_leap_second},
    {"mono", test_mono},
};

UNIT_MAIN(cases)
