/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/parse: strict integers, durations, signals and K=V pairs. Every bad
 * input is PD_E_INVALID and leaves the output untouched.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

/* pd_parse_int over [min, max]: the value, or the sentinel -999 on error
 * (the tests below never expect -999 as a value). */
#define BAD (-999LL)

static long long
int_in(const char *s, long long min, long long max)
{
	struct pd_err err = {0};
	long long v = BAD;

	if (pd_parse_int(s, min, max, &v, &err) < 0)
		return err.kind == PD_E_INVALID && v == BAD ? BAD : -1000;
	return err.kind == 0 ? v : -1001;
}

static long long
dur(const char *s)
{
	struct pd_err err = {0};
	long long v = BAD;

	if (pd_parse_duration_ms(s, &v, &err) < 0)
		return err.kind == PD_E_INVALID && v == BAD ? BAD : -1000;
	return v;
}

static int
sig(const char *s)
{
	struct pd_err err = {0};
	int v = -999;

	if (pd_parse_signal(s, &v, &err) < 0)
		return err.kind == PD_E_INVALID && v == -999 ? -999 : -1000;
	return v;
}

static void
test_int_basic(void)
{
	CHECK_INT(int_in("0", 0, 10), ==, 0);
	CHECK_INT(int_in("10", 0, 10), ==, 10);
	CHECK_INT(int_in("-5", -10, 10), ==, -5);
	CHECK_INT(int_in("+5", 0, 10), ==, 5);
	CHECK_INT(int_in("-0", 0, 10), ==, 0);
	CHECK_INT(int_in("007", 0, 10), ==, 7);
}

static void
test_int_range(void)
{
	struct pd_err err = {0};
	long long v = 0;

	CHECK_INT(int_in("11", 0, 10), ==, BAD);
	CHECK_INT(int_in("-1", 0, 10), ==, BAD);
	CHECK_INT(int_in("1", 2, 10), ==, BAD);
	CHECK_INT(pd_parse_int("70000", 1, 65535, &v, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "70000 is out of range (1 to 65535)");
}

static void
test_int_overflow(void)
{
	CHECK_INT(int_in("9223372036854775807", 0, 9223372036854775807LL), ==,
		  9223372036854775807LL);
	CHECK_INT(int_in("9223372036854775808", 0, 9223372036854775807LL), ==, BAD);
	CHECK_INT(int_in("-9223372036854775809", -9223372036854775807LL - 1, 0), ==, BAD);
	CHECK_INT(int_in("99999999999999999999999999", 0, 10), ==, BAD);
}

static void
test_int_junk(void)
{
	struct pd_err err = {0};
	long long v = 0;

	CHECK_INT(int_in("", 0, 10), ==, BAD);
	CHECK_INT(int_in(NULL, 0, 10), ==, BAD);
	CHECK_INT(int_in(" 5", 0, 10), ==, BAD);
	CHECK_INT(int_in("\t5", 0, 10), ==, BAD);
	CHECK_INT(int_in("5 ", 0, 10), ==, BAD);
	CHECK_INT(int_in("5x", 0, 10), ==, BAD);
	CHECK_INT(int_in("0x5", 0, 10), ==, BAD);
	CHECK_INT(int_in("5.0", 0, 10), ==, BAD);
	CHECK_INT(int_in("-", 0, 10), ==, BAD);
	CHECK_INT(int_in("+", 0, 10), ==, BAD);
	CHECK_INT(int_in("--5", -10, 10), ==, BAD);
	CHECK_INT(pd_parse_int("12ab", 0, 100, &v, &err), ==, -1);
	CHECK_STR(err.msg, ==, "\"12ab\" is not a number");
}

static void
test_duration_units(void)
{
	CHECK_INT(dur("10"), ==, 10000);
	CHECK_INT(dur("0"), ==, 0);
	CHECK_INT(dur("10s"), ==, 10000);
	CHECK_INT(dur("0s"), ==, 0);
	CHECK_INT(dur("500ms"), ==, 500);
	CHECK_INT(dur("2m"), ==, 120000);
	CHECK_INT(dur("1m30s"), ==, 90000);
	CHECK_INT(dur("1h"), ==, 3600000);
	CHECK_INT(dur("1h1m1s1ms"), ==, 3661001);
	CHECK_INT(dur("1m500ms"), ==, 60500);
}

static void
test_duration_bad(void)
{
	struct pd_err err = {0};
	long long v = 0;

	CHECK_INT(dur(""), ==, BAD);
	CHECK_INT(dur(NULL), ==, BAD);
	CHECK_INT(dur("s"), ==, BAD);
	CHECK_INT(dur("ms"), ==, BAD);
	CHECK_INT(dur("10x"), ==, BAD);
	CHECK_INT(dur("-1"), ==, BAD);
	CHECK_INT(dur("-1s"), ==, BAD);
	CHECK_INT(dur("1.5s"), ==, BAD);
	CHECK_INT(dur(" 10"), ==, BAD);
	CHECK_INT(dur("10 s"), ==, BAD);
	CHECK_INT(dur("10s "), ==, BAD);
	CHECK_INT(dur("1m30"), ==, BAD);
	CHECK_INT(dur("10sec"), ==, BAD);
	CHECK_INT(dur("10mss"), ==, BAD);
	CHECK_INT(dur("1d"), ==, BAD);
	CHECK_INT(pd_parse_duration_ms("10x", &v, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "\"10x\" is not a duration");
}

static void
test_duration_limits(void)
{
	CHECK_INT(dur("8784h"), ==, 8784LL * 3600 * 1000); /* 366 days */
	CHECK_INT(dur("8785h"), ==, BAD);
	CHECK_INT(dur("8784h1ms"), ==, BAD);
	CHECK_INT(dur("99999999999999999999999999"), ==, BAD);
	CHECK_INT(dur("99999999999999999999999999ms"), ==, BAD);
	CHECK_INT(dur("9223372036854775807ms"), ==, BAD);
	CHECK_INT(dur("9223372036854775s"), ==, BAD);
	CHECK_INT(dur("5000h5000h"), ==, BAD);
}

static void
test_signal_names(void)
{
	CHECK_INT(sig("TERM"), ==, SIGTERM);
	CHECK_INT(sig("SIGTERM"), ==, SIGTERM);
	CHECK_INT(sig("sigkill"), ==, SIGKILL);
	CHECK_INT(sig("Hup"), ==, SIGHUP);
	CHECK_INT(sig("WINCH"), ==, SIGWINCH);
	CHECK_INT(sig("SigUsr1"), ==, SIGUSR1);
}

static void
test_signal_numbers(void)
{
	CHECK_INT(sig("9"), ==, 9);
	CHECK_INT(sig("1"), ==, 1);
	CHECK_INT(sig("64"), ==, 64);
	CHECK_INT(sig("0"), ==, -999);
	CHECK_INT(sig("65"), ==, -999);
	CHECK_INT(sig("-9"), ==, -999);
	CHECK_INT(sig("9x"), ==, -999);
	CHECK_INT(sig(" 9"), ==, -999);
}

static void
test_signal_realtime(void)
{
	CHECK_INT(sig("RTMIN"), ==, SIGRTMIN);
	CHECK_INT(sig("RTMIN+1"), ==, SIGRTMIN + 1);
	CHECK_INT(sig("SIGRTMIN+3"), ==, SIGRTMIN + 3);
	CHECK_INT(sig("RTMAX"), ==, SIGRTMAX);
	CHECK_INT(sig("RTMAX-1"), ==, SIGRTMAX - 1);
	CHECK_INT(sig("rtmin+2"), ==, SIGRTMIN + 2);
	CHECK_INT(sig("RTMIN-1"), ==, -999);
	CHECK_INT(sig("RTMAX+1"), ==, -999);
	CHECK_INT(sig("RTMIN+"), ==, -999);
	CHECK_INT(sig("RTMIN1"), ==, -999);
	CHECK_INT(sig("RTMIN+x"), ==, -999);
	CHECK_INT(sig("RTMIN+99"), ==, -999);
}

static void
test_signal_bad(void)
{
	struct pd_err err = {0};
	int v = 0;

	CHECK_INT(sig("FOO"), ==, -999);
	CHECK_INT(sig(""), ==, -999);
	CHECK_INT(sig(NULL), ==, -999);
	CHECK_INT(sig("SIG"), ==, -999);
	CHECK_INT(sig("SIGSIGTERM"), ==, -999);
	CHECK_INT(sig("TERM "), ==, -999);
	CHECK_INT(pd_parse_signal("FOO", &v, &err), ==, -1);
	CHECK_STR(err.msg, ==, "unknown signal \"FOO\"");
}

static void
test_signal_name(void)
{
	CHECK_STR(pd_signal_name(SIGTERM), ==, "TERM");
	CHECK_STR(pd_signal_name(SIGKILL), ==, "KILL");
	CHECK_STR(pd_signal_name(SIGCHLD), ==, "CHLD");
	CHECK_STR(pd_signal_name(0), ==, NULL);
	CHECK_STR(pd_signal_name(-1), ==, NULL);
	CHECK_STR(pd_signal_name(SIGRTMIN), ==, NULL);
	CHECK_STR(pd_signal_name(200), ==, NULL);
}

static void
test_signal_name_round_trip(void)
{
	int named = 0;

	for (int s = 1; s < SIGRTMIN; s++) {
		const char *name = pd_signal_name(s);
		char with_sig[32];

		if (name == NULL)
			continue;
		named++;
		CHECK_INT(sig(name), ==, s);
		UNIT_FMT(with_sig, "SIG%s", name);
		CHECK_INT(sig(with_sig), ==, s);
	}
	CHECK_INT(named, >=, 30);
}

static void
test_kv(void)
{
	const char *input = "PATH=/bin:/usr/bin";
	struct pd_err err = {0};
	const char *value = NULL;
	char *key = NULL;

	REQUIRE(pd_parse_kv(input, &key, &value, &err) == 0);
	CHECK_STR(key, ==, "PATH");
	CHECK_STR(value, ==, "/bin:/usr/bin");
	CHECK(value == input + 5);
	free(key);
}

static void
test_kv_edges(void)
{
	struct pd_err err = {0};
	const char *value = NULL;
	char *key = NULL;

	REQUIRE(pd_parse_kv("A=", &key, &value, &err) == 0);
	CHECK_STR(key, ==, "A");
	CHECK_STR(value, ==, "");
	free(key);
	key = NULL;
	REQUIRE(pd_parse_kv("A=b=c", &key, &value, &err) == 0);
	CHECK_STR(key, ==, "A");
	CHECK_STR(value, ==, "b=c");
	free(key);
}

static void
test_kv_bad(void)
{
	struct pd_err err = {0};
	const char *value = NULL;
	char *key = NULL;

	CHECK_INT(pd_parse_kv("=b", &key, &value, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "empty key");
	CHECK_INT(pd_parse_kv("NOEQUALS", &key, &value, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "\"NOEQUALS\" is not KEY=VALUE");
	CHECK_INT(pd_parse_kv("", &key, &value, &err), ==, -1);
	CHECK(key == NULL);
	CHECK(value == NULL);
}

static const struct unit_case cases[] = {
    {"int_basic", test_int_basic},
    {"int_range", test_int_range},
    {"int_overflow", test_int_overflow},
    {"int_junk", test_int_junk},
    {"duration_units", test_duration_units},
    {"duration_bad", test_duration_bad},
    {"duration_limits", test_duration_limits},
    {"signal_names", test_signal_names},
    {"signal_numbers", test_signal_numbers},
    {"signal_realtime", test_signal_realtime},
    {"signal_bad", test_signal_bad},
    {"signal_name", test_signal_name},
    {"signal_name_round_trip", test_signal_name_round_trip},
    {"kv", test_kv},
    {"kv_edges", test_kv_edges},
    {"kv_bad", test_kv_bad},
};

UNIT_MAIN(cases)
