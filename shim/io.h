/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's stdout and stderr into the CRI log (lib/crilog.h). Each log
 * line is one writev on the O_APPEND log fd, so lines of the two streams
 * never interleave mid-line. A line longer than PD_CRILOG_LINE_MAX goes out
 * as P pieces ended by an F piece; output that ends without a newline is
 * flushed as a P piece.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "crilog.h"

/* Sees each chunk read, before it is logged (the attach server). */
typedef void shim_stream_tap_fn(enum pd_crilog_stream kind, const char *data, size_t len);

struct shim_stream {
	int fd; /* owned: the read end of the pipe, non-blocking; -1 after EOF */
	enum pd_crilog_stream kind;
	shim_stream_tap_fn *tap;      /* may be NULL */
	size_t chunk;                 /* most bytes one read() takes: what the tap can pass on */
	size_t len;                   /* bytes held in buf: the start of a line */
	char buf[PD_CRILOG_LINE_MAX]; /* never holds a '\n' between calls */
};

/* Set up @s for the pipe (or terminal) @fd (taken over, made non-blocking);
 * each read takes @chunk bytes at most and is shown to @tap. */
void shim_stream_init(struct shim_stream *s, int fd, enum pd_crilog_stream kind,
		      shim_stream_tap_fn *tap, size_t chunk);

/* Read what the pipe holds now (at most @max bytes, but at least one read)
 * and log every complete
 * line. Returns 1 while the pipe is open, 0 once it is at EOF (the fd is
 * then closed). Errors on the log are reported once and then ignored, so
 * that the workload never blocks on a full pipe. */
int shim_stream_read(struct shim_stream *s, int log_fd, size_t max);

/* Log what is held (a line without its newline) as a P piece. */
void shim_stream_flush(struct shim_stream *s, int log_fd);

/* Close the pipe if still open. */
void shim_stream_close(struct shim_stream *s);
