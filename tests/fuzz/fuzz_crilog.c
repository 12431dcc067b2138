/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the CRI log reader as podd runs it on a log file a
 * container wrote. Every line pd_crilog_filter_lines passes must parse and
 * lie inside the input, whole, with its newline; the bytes consumed end at
 * a newline; pd_crilog_tail_start lands on a line start for any tail; and
 * a parsed line's text lies inside the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crilog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	const char *data;
	size_t size;
	size_t next; /* emitted lines come in order, past this offset */
};

static void
on_line(void *arg, const char *line, size_t len)
{
	struct check *c = arg;
	struct pd_crilog_line l;

	if (line < c->data + c->next || line + len > c->data + c->size || len == 0 ||
	    line[len - 1] != '\n' || memchr(line, '\n', len - 1) != NULL)
		abort();
	if (pd_crilog_parse(line, len - 1, &l) < 0)
		abort();
	if (l.text < line || l.text + l.text_len != line + len - 1)
		abort();
	c->next = (size_t)(line - c->data) + len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pd_crilog_filter all = {0}, since = {.has_since = true};
	struct check c = {.data = s, .size = size};
	size_t used, start;

	used = pd_crilog_filter_lines(s, size, &all, on_line, &c);
	if (used > size || (used > 0 && s[used - 1] != '\n') ||
	    memchr(s + used, '\n', size - used) != NULL)
		abort();
	if (size >= 8)
		memcpy(&since.since.tv_sec, data, sizeof(int32_t));
	c.next = 0;
	if (pd_crilog_filter_lines(s, size, &since, on_line, &c) != used)
		abort();
	for (long long tail = -1; tail < 4; tail++) {
		start = pd_crilog_tail_start(s, size, tail);
		if (start > used || (start > 0 && s[start - 1] != '\n'))
			abort();
	}
	return 0;
}
