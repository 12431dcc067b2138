/* SPDX-License-Identifier: Apache-2.0 */
/*
 * shim/io.c, the CRI log writer of podd-monitor: what arrives on a pipe, in
 * whatever pieces, becomes log lines that lib/crilog parses back: a line
 * per output line (F), long lines split into P pieces ended by an F, and a
 * fragment left at EOF as a P piece.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crilog.h"
#include "io.h"
#include "unit.h"

struct writer {
	int in;  /* our end of the pipe */
	int log; /* the log file, O_APPEND */
	struct shim_stream *s;
};

static void
writer_open(struct writer *w, enum pd_crilog_stream kind)
{
	char path[] = "/tmp/podd-unit-log.XXXXXX";
	int p[2];

	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	w->log = mkostemp(path, O_CLOEXEC | O_APPEND);
	REQUIRE(w->log >= 0);
	unlink(path);
	w->in = p[1];
	w->s = calloc(1, sizeof(*w->s));
	REQUIRE(w->s != NULL);
	shim_stream_init(w->s, p[0], kind, NULL, SIZE_MAX);
}

static void
writer_close(struct writer *w)
{
	if (w->in >= 0)
		close(w->in);
	shim_stream_close(w->s);
	free(w->s);
	close(w->log);
}

static void
feed(struct writer *w, const char *text, size_t len)
{
	REQUIRE(write(w->in, text, len) == (ssize_t)len);
	CHECK_INT(shim_stream_read(w->s, w->log, 1 << 20), ==, 1);
}

/* The log so far, as parsed lines: @lines (at most @max), returns the count. */
static int
parse_log(struct writer *w, struct pd_crilog_line *lines, char **texts, int max)
{
	static char buf[256 * 1024];
	ssize_t n = pread(w->log, buf, sizeof(buf) - 1, 0);
	int count = 0;
	char *p = buf;

	REQUIRE(n >= 0);
	buf[n] = '\0';
	while (*p != '\0' && count < max) {
		char *nl = strchr(p, '\n');

		REQUIRE(nl != NULL); /* every log line is whole */
		REQUIRE(pd_crilog_parse(p, (size_t)(nl - p), &lines[count]) == 0);
		texts[count] = strndup(lines[count].text, lines[count].text_len);
		count++;
		p = nl + 1;
	}
	return count;
}

static void
free_texts(char **texts, int n)
{
	for (int i = 0; i < n; i++)
		free(texts[i]);
}

static void
test_lines_are_full(void)
{
	struct writer w;
	struct pd_crilog_line l[8];
	char *t[8];
	int n;

	writer_open(&w, PD_CRILOG_STDOUT);
	feed(&w, "one\ntwo\n\n", 9);
	n = parse_log(&w, l, t, 8);
	REQUIRE(n == 3);
	CHECK_STR(t[0], ==, "one");
	CHECK_STR(t[1], ==, "two");
	CHECK_STR(t[2], ==, "");
	for (int i = 0; i < n; i++) {
		CHECK(!l[i].partial);
		CHECK_INT(l[i].stream, ==, PD_CRILOG_STDOUT);
	}
	free_texts(t, n);
	writer_close(&w);
}

static void
test_a_line_in_pieces_is_one_line(void)
{
	struct writer w;
	struct pd_crilog_line l[4];
	char *t[4];
	int n;

	writer_open(&w, PD_CRILOG_STDERR);
	feed(&w, "hel", 3);
	CHECK_INT(parse_log(&w, l, t, 4), ==, 0); /* not a line yet */
	feed(&w, "lo\nwor", 6);
	feed(&w, "ld\n", 3);
	n = parse_log(&w, l, t, 4);
	REQUIRE(n == 2);
	CHECK_STR(t[0], ==, "hello");
	CHECK_STR(t[1], ==, "world");
	CHECK_INT(l[0].stream, ==, PD_CRILOG_STDERR);
	CHECK(!l[0].partial && !l[1].partial);
	free_texts(t, n);
	writer_close(&w);
}

static void
test_long_line_is_split(void)
{
	struct writer w;
	struct pd_crilog_line l[8];
	char *t[8];
	size_t total = 2 * PD_CRILOG_LINE_MAX + 10, joined = 0;
	char *big = malloc(total + 1);
	int n;

	REQUIRE(big != NULL);
	memset(big, 'x', total);
	big[total] = '\n';
	writer_open(&w, PD_CRILOG_STDOUT);
	/* Through the pipe in pieces the pipe can hold. */
	for (size_t off = 0; off < total + 1; off += 4096)
		feed(&w, big + off, total + 1 - off < 4096 ? total + 1 - off : 4096);
	n = parse_log(&w, l, t, 8);
	REQUIRE(n == 3);
	CHECK(l[0].partial && l[1].partial && !l[2].partial);
	for (int i = 0; i < n; i++) {
		CHECK(l[i].text_len <= PD_CRILOG_LINE_MAX);
		joined += l[i].text_len;
	}
	CHECK_INT(joined, ==, total);
	free_texts(t, n);
	free(big);
	writer_close(&w);
}

static void
test_fragment_at_eof_is_partial(void)
{
	struct writer w;
	struct pd_crilog_line l[4];
	char *t[4];
	int n;

	writer_open(&w, PD_CRILOG_STDOUT);
	feed(&w, "done\ntail", 9);
	close(w.in);
	w.in = -1;
	CHECK_INT(shim_stream_read(w.s, w.log, 1 << 20), ==, 0); /* EOF */
	shim_stream_flush(w.s, w.log);
	n = parse_log(&w, l, t, 4);
	REQUIRE(n == 2);
	CHECK_STR(t[0], ==, "done");
	CHECK(!l[0].partial);
	CHECK_STR(t[1], ==, "tail");
	CHECK(l[1].partial);
	free_texts(t, n);
	writer_close(&w);
}

static const struct unit_case cases[] = {
    {"lines_are_full", test_lines_are_full},
    {"a_line_in_pieces_is_one_line", test_a_line_in_pieces_is_one_line},
    {"long_line_is_split", test_long_line_is_split},
    {"fragment_at_eof_is_partial", test_fragment_at_eof_is_partial},
};

UNIT_MAIN(cases)
