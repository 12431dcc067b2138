/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRI log format, as the kubelet reads container logs:
 *
 *     <RFC3339Nano time> <stdout|stderr> <F|P> <text>\n
 *
 * One line of output is one log line tagged F (full). A line longer than
 * PD_CRILOG_LINE_MAX is cut into pieces tagged P (partial) and ended by an
 * F piece. Output that ends without a newline (the workload exited mid-line)
 * is written as a P piece: the reader then knows no newline followed.
 * The shim writes (podd-shim), podd filters (tail, since; pure, below) and
 * podctl prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Longest text of one log line; longer output lines are split. */
#define PD_CRILOG_LINE_MAX (16 * 1024)

enum pd_crilog_stream { PD_CRILOG_STDOUT, PD_CRILOG_STDERR };

/* The stream's name in a log line: "stdout" or "stderr". */
const char *pd_crilog_stream_name(enum pd_crilog_stream s);

/* Format the head of a log line ("<time> <stream> <tag> ") for @ts into
 * @buf. Returns its length, or -1 if @len is too small (64 is enough). */
int pd_crilog_head(char *buf, size_t len, const struct timespec *ts, enum pd_crilog_stream s,
		   bool partial);

/* One parsed log line; the pointers point into the parsed text. */
struct pd_crilog_line {
	struct timespec time;
	enum pd_crilog_stream stream;
	bool partial;     /* P: no newline follows the text */
	const char *text; /* not NUL-terminated */
	size_t text_len;  /* without the line's '\n' */
};

/* Parse the log line @line of @len bytes (without its '\n'). Returns 0, or
 * -1 when it is not a CRI log line. */
int pd_crilog_parse(const char *line, size_t len, struct pd_crilog_line *out);

/* Which lines a reader wants: those at or after @since when @has_since. */
struct pd_crilog_filter {
	bool has_since;
	struct timespec since;
};

/* Called for each whole line that passes a filter: @line is @len bytes,
 * its '\n' included. */
typedef void pd_crilog_emit_fn(void *arg, const char *line, size_t len);

/* Pass each whole line of @data (@len bytes) that is a CRI log line and
 * passes @f to @emit. Returns the bytes consumed: up to the last '\n'
 * (what follows is a line still being written). */
size_t pd_crilog_filter_lines(const char *data, size_t len, const struct pd_crilog_filter *f,
			      pd_crilog_emit_fn *emit, void *arg);

/* The offset in @data where its last @tail logical lines start (0 for a
 * negative @tail: all). A logical line is P pieces ended by an F piece;
 * trailing P pieces with no F yet count as one. Bytes after the last '\n'
 * are not a line yet. */
size_t pd_crilog_tail_start(const char *data, size_t len, long long tail);
