/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRI log lines back into output; see logstream.h. A line is parsed straight
 * from the bytes that came when it is whole there, and gathered in a buffer
 * only when it spans two pieces.
 */
#include "logstream.h"

#include <stdlib.h>
#include <string.h>

#include "crilog.h"
#include "timefmt.h"
#include "xalloc.h"

void
logstream_init(struct logstream *ls, FILE *out, FILE *err_out, bool timestamps)
{
	memset(ls, 0, sizeof(*ls));
	ls->out[PD_CRILOG_STDOUT] = out;
	ls->out[PD_CRILOG_STDERR] = err_out;
	ls->timestamps = timestamps;
}

/* Print the log line @line of @len bytes (without its '\n'). */
static int
print_line(struct logstream *ls, const char *line, size_t len, struct pd_err *err)
{
	struct pd_crilog_line l;
	FILE *out;

	if (pd_crilog_parse(line, len, &l) < 0)
		return pd_fail(err, PD_E_SYSTEM,
			       "podd sent a log line that is not a CRI line: \"%.*s\"",
			       (int)(len > 64 ? 64 : len), line);
	out = ls->out[l.stream];
	/* Switching streams: what the other one has buffered goes first, so
	 * that both, sent to one place (2>&1), keep the log's order. */
	if (ls->out[!l.stream] != out)
		(void)fflush(ls->out[!l.stream]);
	if (ls->timestamps && !ls->mid_line[l.stream]) {
		char when[PD_TIME_RFC3339_MAX];

		if (pd_time_rfc3339(&l.time, when, sizeof(when)) == 0)
			fprintf(out, "%s ", when);
	}
	if (l.text_len > 0)
		(void)fwrite(l.text, 1, l.text_len, out); /* stdout's errors show at exit */
	if (!l.partial)
		fputc('\n', out);
	ls->mid_line[l.stream] = l.partial;
	return 0;
}

static int
too_long(struct pd_err *err)
{
	return pd_fail(err, PD_E_SYSTEM, "podd sent a log line over %d bytes", LOGSTREAM_LINE_MAX);
}

static void
keep(struct logstream *ls, const char *data, size_t len)
{
	if (ls->len + len > ls->cap) {
		ls->cap = ls->len + len > 4096 ? ls->len + len : 4096;
		ls->buf = xrealloc(ls->buf, ls->cap);
	}
	memcpy(ls->buf + ls->len, data, len);
	ls->len += len;
}

static int
feed_lines(struct logstream *ls, const char *data, size_t len, struct pd_err *err)
{
	const char *end = data + len;

	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t n = nl != NULL ? (size_t)(nl - data) : (size_t)(end - data);

		if (ls->len + n > LOGSTREAM_LINE_MAX)
			return too_long(err);
		if (nl == NULL) {
			keep(ls, data, n);
			return 0;
		}
		if (ls->len > 0) {
			keep(ls, data, n);
			if (print_line(ls, ls->buf, ls->len, err) < 0)
				return -1;
			ls->len = 0;
		} else if (print_line(ls, data, n, err) < 0) {
			return -1;
		}
		data = nl + 1;
	}
	return 0;
}

int
logstream_feed(struct logstream *ls, const char *data, size_t len, struct pd_err *err)
{
	int r = feed_lines(ls, data, len, err);

	(void)fflush(ls->out[PD_CRILOG_STDOUT]);
	(void)fflush(ls->out[PD_CRILOG_STDERR]);
	return r;
}

int
logstream_end(struct logstream *ls, struct pd_err *err)
{
	int r = 0;

	if (ls->len > 0) {
		r = print_line(ls, ls->buf, ls->len, err);
		ls->len = 0;
	}
	(void)fflush(ls->out[PD_CRILOG_STDOUT]);
	(void)fflush(ls->out[PD_CRILOG_STDERR]);
	return r;
}

void
logstream_free(struct logstream *ls)
{
	free(ls->buf);
	memset(ls, 0, sizeof(*ls));
}
