/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How podctl shows a pull's or a push's stream of JSON lines: on a
 * terminal, one line per layer redrawn in place (status, bytes, rate), as
 * docker does; elsewhere, one plain line per change of a layer's state;
 * quiet, nothing but the reference at the end. The stream's last line is
 * the end: {"status","digest",...} or podd's {"code","message"} error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

#define PULLVIEW_MAX_ROWS 256

struct pullview_row {
	char id[16];
	char status[40];
	long long current, total;
	unsigned long long t0_ms; /* first byte seen */
};

struct pullview {
	FILE *out;
	bool tty, quiet;
	char *line; /* owned: a partial line */
	size_t len, cap;
	struct pullview_row rows[PULLVIEW_MAX_ROWS];
	size_t nrows;
	size_t drawn;  /* rows on screen (tty) */
	json_t *final; /* owned: the last message, once in */
};

void pullview_init(struct pullview *v, FILE *out, bool tty, bool quiet);
/* Feed a piece of the stream. Returns 0 or -1 (a line that is not JSON). */
int pullview_feed(struct pullview *v, const char *data, size_t len, struct pd_err *err);
/* The end: the final message (borrowed from @v), or NULL with @err (podd's
 * error, or a stream cut short). */
const json_t *pullview_end(struct pullview *v, struct pd_err *err);
void pullview_free(struct pullview *v);
#define cleanup_pullview __attribute__((cleanup(pullview_free)))
