/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stream of JSON lines (events, stats), cut into whole lines as its body
 * arrives in pieces of any size. Pure; owned by the command that reads.
 */
#pragma once

#include <stddef.h>

#include "err.h"

struct line_buf {
	char *partial; /* owned: a line not yet whole */
	size_t len;
	const char *what; /* "an event line": for the error past LINE_BUF_MAX */
};

#define LINE_BUF_MAX ((size_t)1024 * 1024)

/* What to do with a whole line (without its '\n', never empty). */
typedef int line_fn(const char *line, size_t len, void *arg, struct pd_err *err);

/* Hand each whole line of @b's partial line followed by @data to @fn; keep
 * the rest. -1 with @err from @fn, or PD_E_SYSTEM for a line over
 * LINE_BUF_MAX. */
int line_buf_feed(struct line_buf *b, const char *data, size_t len, line_fn *fn, void *arg,
		  struct pd_err *err);

void line_buf_free(struct line_buf *b);
