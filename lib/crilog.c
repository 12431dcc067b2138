/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRI log lines; see crilog.h. Pure.
 */
#include "crilog.h"

#include <stdio.h>
#include <string.h>

#include "timefmt.h"

const char *
pd_crilog_stream_name(enum pd_crilog_stream s)
{
	return s == PD_CRILOG_STDERR ? "stderr" : "stdout";
}

int
pd_crilog_head(char *buf, size_t len, const struct timespec *ts, enum pd_crilog_stream s,
	       bool partial)
{
	char when[PD_TIME_RFC3339_MAX];
	int n;

	if (pd_time_rfc3339(ts, when, sizeof(when)) < 0)
		return -1;
	n = snprintf(buf, len, "%s %s %c ", when, pd_crilog_stream_name(s), partial ? 'P' : 'F');
	return (n < 0 || (size_t)n >= len) ? -1 : n;
}

/* The next space-separated field of [*p, end): its start and length. */
static int
field(const char **p, const char *end, const char **start, size_t *len)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));

	if (sp == NULL || sp == *p)
		return -1;
	*start = *p;
	*len = (size_t)(sp - *p);
	*p = sp + 1;
	return 0;
}

int
pd_crilog_parse(const char *line, size_t len, struct pd_crilog_line *out)
{
	const char *p = line, *end = line + len, *f;
	char when[PD_TIME_RFC3339_MAX];
	size_t n;

	if (field(&p, end, &f, &n) < 0 || n >= sizeof(when))
		return -1;
	memcpy(when, f, n);
	when[n] = '\0';
	if (pd_time_rfc3339_parse(when, &out->time) < 0)
		return -1;
	if (field(&p, end, &f, &n) < 0)
		return -1;
	if (n == 6 && memcmp(f, "stdout", 6) == 0)
		out->stream = PD_CRILOG_STDOUT;
	else if (n == 6 && memcmp(f, "stderr", 6) == 0)
		out->stream = PD_CRILOG_STDERR;
	else
		return -1;
	/* The tag, then the text, which may be empty ("... F " for an empty line). */
	if (end - p < 2 || (p[0] != 'F' && p[0] != 'P') || p[1] != ' ')
		return -1;
	out->partial = p[0] == 'P';
	out->text = p + 2;
	out->text_len = (size_t)(end - p - 2);
	return 0;
}

static bool
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

size_t
pd_crilog_filter_lines(const char *data, size_t len, const struct pd_crilog_filter *f,
		       pd_crilog_emit_fn *emit, void *arg)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		struct pd_crilog_line line;
		size_t n;

		if (nl == NULL)
			break;
		n = (size_t)(nl - (data + pos));
		if (pd_crilog_parse(data + pos, n, &line) == 0 &&
		    (!f->has_since || !before(&line.time, &f->since)))
			emit(arg, data + pos, n + 1);
		pos += n + 1;
	}
	return pos;
}

size_t
pd_crilog_tail_start(const char *data, size_t len, long long tail)
{
	long long lines = 0;
	bool last = true;
	size_t end;

	if (tail < 0)
		return 0;
	while (len > 0 && data[len - 1] != '\n')
		len--;
	end = len;
	while (end > 0) {
		size_t b = end - 1;
		struct pd_crilog_line line;
		bool partial;

		while (b > 0 && data[b - 1] != '\n')
			b--;
		partial = pd_crilog_parse(data + b, end - 1 - b, &line) == 0 && line.partial;
		/* A P piece belongs to the line its F piece ends, unless it is
		 * the last piece of all (no F yet). */
		if (!partial || last) {
			if (lines == tail)
				return end;
			lines++;
		}
		last = false;
		end = b;
	}
	return 0;
}
