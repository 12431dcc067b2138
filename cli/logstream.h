/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's log as podctl prints it: podd sends CRI log lines
 * (lib/crilog.h), in pieces cut anywhere by the network; this turns them
 * back into the container's stdout and stderr. A text goes to the FILE of
 * its stream, followed by a newline for an F piece and by nothing for a P
 * piece, so a long or unfinished line comes out as the workload wrote it.
 * Pure but for writing to the two FILEs it is given, so it is unit tested
 * with memory streams.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "crilog.h"
#include "err.h"

/* The longest CRI line kept while waiting for its end: a text of
 * PD_CRILOG_LINE_MAX and its head, with room to spare. */
#define LOGSTREAM_LINE_MAX (PD_CRILOG_LINE_MAX + 256)

struct logstream {
	FILE *out[2];     /* borrowed: by enum pd_crilog_stream (stdout, stderr) */
	bool timestamps;  /* the line's time and a space before each output line */
	bool mid_line[2]; /* the stream's last piece was P: its line goes on */
	char *buf;        /* owned: a log line whose '\n' has not come yet */
	size_t len, cap;
};

/* Set @ls up to write to @out and @err (borrowed). */
void logstream_init(struct logstream *ls, FILE *out, FILE *err_out, bool timestamps);

/* Take @len more bytes of the log, print every line they complete, and
 * flush both FILEs so the output shows as it comes. PD_E_SYSTEM for a line
 * that is not a CRI log line or is over LOGSTREAM_LINE_MAX. Returns 0 or -1. */
int logstream_feed(struct logstream *ls, const char *data, size_t len, struct pd_err *err);

/* The log ended: print a last line that came without its '\n'. Returns 0,
 * or -1 as logstream_feed(). */
int logstream_end(struct logstream *ls, struct pd_err *err);

/* Free the buffer and zero @ls. */
void logstream_free(struct logstream *ls);

#define cleanup_logstream __attribute__((cleanup(logstream_free)))
