/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/crilog: the head of a log line (time, stream, tag), the parse of F, P
 * and empty lines, lines that are not CRI log lines, the round trip, and
 * the filters podd streams logs through (since, tail, cut last lines).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crilog.h"
#include "unit.h"

static const struct timespec ts = {.tv_sec = 1795421821, .tv_nsec = 123456789};

static void
test_head(void)
{
	char buf[64];

	CHECK_INT(pd_crilog_head(buf, sizeof(buf), &ts, PD_CRILOG_STDOUT, false), ==,
		  (int)strlen("2026-11-23T08:17:01.123456789Z stdout F "));
	CHECK_STR(buf, ==, "2026-11-23T08:17:01.123456789Z stdout F ");
	CHECK_INT(pd_crilog_head(buf, sizeof(buf), &ts, PD_CRILOG_STDERR, true), >, 0);
	CHECK_STR(buf, ==, "2026-11-23T08:17:01.123456789Z stderr P ");
	/* Too small a buffer is an error, never a cut head. */
	CHECK_INT(pd_crilog_head(buf, 20, &ts, PD_CRILOG_STDOUT, false), ==, -1);
	CHECK_STR(pd_crilog_stream_name(PD_CRILOG_STDOUT), ==, "stdout");
	CHECK_STR(pd_crilog_stream_name(PD_CRILOG_STDERR), ==, "stderr");
}

static int
parse(const char *line, struct pd_crilog_line *out)
{
	memset(out, 0, sizeof(*out));
	return pd_crilog_parse(line, strlen(line), out);
}

static void
test_parse(void)
{
	struct pd_crilog_line l;

	REQUIRE(parse("2026-11-23T08:17:01.123456789Z stdout F hello world", &l) == 0);
	CHECK_INT(l.time.tv_sec, ==, ts.tv_sec);
	CHECK_INT(l.time.tv_nsec, ==, ts.tv_nsec);
	CHECK_INT(l.stream, ==, PD_CRILOG_STDOUT);
	CHECK(!l.partial);
	CHECK_INT(l.text_len, ==, 11);
	CHECK(memcmp(l.text, "hello world", 11) == 0);

	REQUIRE(parse("2026-11-23T08:17:01Z stderr P  two  spaces ", &l) == 0);
	CHECK_INT(l.stream, ==, PD_CRILOG_STDERR);
	CHECK(l.partial);
	CHECK_INT(l.text_len, ==, 13);
	CHECK(memcmp(l.text, " two  spaces ", 13) == 0);

	/* An empty output line: the tag, its space, no text. */
	REQUIRE(parse("2026-11-23T08:17:01.5Z stdout F ", &l) == 0);
	CHECK_INT(l.text_len, ==, 0);
	CHECK_INT(l.time.tv_nsec, ==, 500000000);
}

static void
test_parse_bad(void)
{
	static const char *const lines[] = {
	    "",
	    "hello",
	    "2026-11-23T08:17:01Z",
	    "2026-11-23T08:17:01Z stdout",
	    "2026-11-23T08:17:01Z stdout F",   /* no space after the tag */
	    "2026-11-23T08:17:01Z stdin F x",  /* not a stream */
	    "2026-11-23T08:17:01Z stdout X x", /* not a tag */
	    "2026-11-23T08:17:01Z stdout FP x",
	    "2026-11-23T08:17:01Z  stdout F x", /* two spaces */
	    "yesterday stdout F x",
	    " 2026-11-23T08:17:01Z stdout F x",
	    "2026-11-23T08:17:01.123456789012345678901234567890123456789Z stdout F x",
	};
	struct pd_crilog_line l;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (parse(lines[i], &l) != -1)
			unit_report(__FILE__, __LINE__, "parsed: \"%s\"", lines[i]);
	}
	/* The length given is what is parsed: a NUL-free prefix that lacks the
	 * tag's space is not a line. */
	CHECK_INT(pd_crilog_parse("2026-11-23T08:17:01Z stdout F x", 28, &l), ==, -1);
}

static void
test_round_trip(void)
{
	static const char *const texts[] = {"", "x", "hello world", " lead", "tab\there", "P F"};
	struct pd_crilog_line l;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int s = 0; s < 2; s++) {
			for (int partial = 0; partial < 2; partial++) {
				char line[128];
				int n = pd_crilog_head(line, sizeof(line), &ts,
						       (enum pd_crilog_stream)s, partial);

				REQUIRE(n > 0);
				REQUIRE(snprintf(line + n, sizeof(line) - (size_t)n, "%s",
						 texts[i]) < (int)sizeof(line) - n);
				REQUIRE(pd_crilog_parse(line, strlen(line), &l) == 0);
				CHECK_INT(l.time.tv_sec, ==, ts.tv_sec);
				CHECK_INT(l.time.tv_nsec, ==, ts.tv_nsec);
				CHECK_INT(l.stream, ==, s);
				CHECK_INT(l.partial, ==, partial);
				CHECK_INT(l.text_len, ==, strlen(texts[i]));
				CHECK(memcmp(l.text, texts[i], l.text_len) == 0);
			}
		}
	}
}

/* A log of whole lines: second @t of 2026-11-23T08:17:0tZ, text "l<t>". */
#define L(t, tag, text) "2026-11-23T08:17:0" #t "Z stdout " tag " " text "\n"
static const char log3[] = L(1, "F", "one") L(2, "P", "tw") L(2, "F", "o") L(3, "F", "three");

struct sink {
	char buf[512];
	size_t len;
	int lines;
};

static void
sink_emit(void *arg, const char *line, size_t len)
{
	struct sink *k = arg;

	REQUIRE(k->len + len < sizeof(k->buf));
	memcpy(k->buf + k->len, line, len);
	k->len += len;
	k->buf[k->len] = '\0';
	k->lines++;
}

static void
test_filter_lines(void)
{
	struct pd_crilog_filter all = {0}, since = {.has_since = true};
	struct sink k = {0};
	static const char cut[] = L(1, "F", "one") "2026-11-23T08:17:02Z std";
	static const char junk[] = "not a log line\n" L(1, "F", "one") "\n";

	CHECK_INT(pd_crilog_filter_lines(log3, strlen(log3), &all, sink_emit, &k), ==,
		  strlen(log3));
	CHECK_STR(k.buf, ==, log3);
	CHECK_INT(k.lines, ==, 4);
	/* Since second 2: the lines stamped before are left out. */
	since.since.tv_sec = 1795421822;
	memset(&k, 0, sizeof(k));
	pd_crilog_filter_lines(log3, strlen(log3), &since, sink_emit, &k);
	CHECK_STR(k.buf, ==, L(2, "P", "tw") L(2, "F", "o") L(3, "F", "three"));
	/* A line still being written is not consumed. */
	memset(&k, 0, sizeof(k));
	CHECK_INT(pd_crilog_filter_lines(cut, strlen(cut), &all, sink_emit, &k), ==,
		  strlen(L(1, "F", "one")));
	CHECK_INT(k.lines, ==, 1);
	/* What is not a CRI line (and an empty line) is consumed, not sent. */
	memset(&k, 0, sizeof(k));
	CHECK_INT(pd_crilog_filter_lines(junk, strlen(junk), &all, sink_emit, &k), ==,
		  strlen(junk));
	CHECK_STR(k.buf, ==, L(1, "F", "one"));
	CHECK_INT(pd_crilog_filter_lines("", 0, &all, sink_emit, &k), ==, 0);
}

static void
test_tail_start(void)
{
	size_t len = strlen(log3), two = strlen(L(1, "F", "one"));
	static const char open_p[] = L(1, "F", "one") L(2, "P", "tw");
	static const char cut[] = L(1, "F", "one") "2026-11-23T08:17:02Z std";

	CHECK_INT(pd_crilog_tail_start(log3, len, -1), ==, 0);
	CHECK_INT(pd_crilog_tail_start(log3, len, 0), ==, len);
	CHECK_INT(pd_crilog_tail_start(log3, len, 1), ==, len - strlen(L(3, "F", "three")));
	/* The P piece belongs to the line its F piece ends. */
	CHECK_INT(pd_crilog_tail_start(log3, len, 2), ==, two);
	CHECK_INT(pd_crilog_tail_start(log3, len, 3), ==, 0);
	CHECK_INT(pd_crilog_tail_start(log3, len, 100), ==, 0);
	/* A last P piece with no F yet counts as a line. */
	CHECK_INT(pd_crilog_tail_start(open_p, strlen(open_p), 1), ==, two);
	/* Bytes after the last newline are not a line. */
	CHECK_INT(pd_crilog_tail_start(cut, strlen(cut), 1), ==, 0);
	CHECK_INT(pd_crilog_tail_start(cut, strlen(cut), 0), ==, two);
	CHECK_INT(pd_crilog_tail_start("", 0, 1), ==, 0);
}

static const struct unit_case cases[] = {
    {"filter_lines", test_filter_lines},
    {"tail_start", test_tail_start},
    {"head", test_head},
    {"parse", test_parse},
    {"parse_bad", test_parse_bad},
    {"round_trip", test_round_trip},
};

UNIT_MAIN(cases)
