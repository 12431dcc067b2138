/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/logstream: CRI log lines back into stdout and stderr, however the
 * network cuts the bytes, with F and P pieces, timestamps, and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logstream.h"
#include "unit.h"

#define T1 "2026-11-23T08:17:01.123456789Z"
#define T2 "2026-11-23T08:17:02.5Z"

static const char sample[] = T1 " stdout F hello\n" T1 " stderr P oops \n" T2 " stdout P long \n" T2
				" stderr F world\n" T2 " stdout F line\n" T2 " stdout F \n";

struct capture {
	char *out, *err;
	size_t out_len, err_len;
	FILE *fout, *ferr;
	struct logstream ls;
};

static void
cap_open(struct capture *c, bool timestamps)
{
	memset(c, 0, sizeof(*c));
	c->fout = open_memstream(&c->out, &c->out_len);
	c->ferr = open_memstream(&c->err, &c->err_len);
	REQUIRE(c->fout != NULL && c->ferr != NULL);
	logstream_init(&c->ls, c->fout, c->ferr, timestamps);
}

static void
cap_close(struct capture *c)
{
	logstream_free(&c->ls);
	(void)fclose(c->fout);
	(void)fclose(c->ferr);
}

static void
cap_free(struct capture *c)
{
	free(c->out);
	free(c->err);
}

/* Feed @data cut every @step bytes; the output must not depend on it. */
static void
feed_in_steps(const char *data, size_t step, bool timestamps, const char *want_out,
	      const char *want_err)
{
	struct capture c;
	struct pd_err err = {0};
	size_t len = strlen(data);

	cap_open(&c, timestamps);
	for (size_t i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;

		CHECK_INT(logstream_feed(&c.ls, data + i, n, &err), ==, 0);
	}
	CHECK_INT(logstream_end(&c.ls, &err), ==, 0);
	cap_close(&c);
	CHECK_STR(c.out, ==, want_out);
	CHECK_STR(c.err, ==, want_err);
	cap_free(&c);
}

static void
test_streams_and_pieces_any_cut(void)
{
	for (size_t step = 1; step <= sizeof(sample); step++)
		feed_in_steps(sample, step, false, "hello\nlong line\n\n", "oops world\n");
}

static void
test_timestamps_only_at_line_starts(void)
{
	for (size_t step = 1; step <= sizeof(sample); step += 7)
		feed_in_steps(sample, step, true,
			      T1 " hello\n"
				 "2026-11-23T08:17:02.500000000Z long line\n"
				 "2026-11-23T08:17:02.500000000Z \n",
			      T1 " oops world\n");
}

static void
test_output_is_flushed_per_feed(void)
{
	struct capture c;
	struct pd_err err = {0};
	const char piece[] = T1 " stdout P prompt> \n" T1 " stdout F unfinished";

	cap_open(&c, false);
	REQUIRE(logstream_feed(&c.ls, piece, strlen(piece), &err) == 0);
	/* The P piece is out at once, without waiting for its line's end. */
	CHECK_INT((long long)c.out_len, ==, (long long)strlen("prompt> "));
	CHECK_INT(logstream_end(&c.ls, &err), ==, 0);
	cap_close(&c);
	CHECK_STR(c.out, ==, "prompt> unfinished\n");
	cap_free(&c);
}

static void
test_bad_line_is_an_error(void)
{
	struct capture c;
	struct pd_err err = {0};
	const char bad[] = "not a log line\n";

	cap_open(&c, false);
	CHECK_INT(logstream_feed(&c.ls, bad, strlen(bad), &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	CHECK_CONTAINS(err.msg, "not a CRI line");
	cap_close(&c);
	cap_free(&c);
}

static void
test_line_over_the_limit(void)
{
	struct capture c;
	struct pd_err err = {0};
	size_t n = LOGSTREAM_LINE_MAX + 10;
	char *big = malloc(n);
	int r = 0;

	REQUIRE(big != NULL);
	memset(big, 'x', n);
	cap_open(&c, false);
	/* In pieces, so the limit holds for a line that is gathered too. */
	for (size_t i = 0; i < n && r == 0; i += 1000)
		r = logstream_feed(&c.ls, big + i, n - i < 1000 ? n - i : 1000, &err);
	CHECK_INT(r, ==, -1);
	CHECK_CONTAINS(err.msg, "over");
	cap_close(&c);
	cap_free(&c);
	free(big);
}

static void
test_empty_stream(void)
{
	feed_in_steps("", 1, true, "", "");
}

static const struct unit_case cases[] = {
    {"streams_and_pieces_any_cut", test_streams_and_pieces_any_cut},
    {"timestamps_only_at_line_starts", test_timestamps_only_at_line_starts},
    {"output_is_flushed_per_feed", test_output_is_flushed_per_feed},
    {"bad_line_is_an_error", test_bad_line_is_an_error},
    {"line_over_the_limit", test_line_over_the_limit},
    {"empty_stream", test_empty_stream},
};

UNIT_MAIN(cases)
