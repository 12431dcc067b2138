/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tables, relative times and JSON printing for podctl; see output.h. Widths
 * are counted in bytes: every cell podctl prints today is ASCII (names, ids,
 * states, numbers), so bytes and columns agree.
 */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "timefmt.h"
#include "xalloc.h"

void
table_init(struct table *t, size_t ncols, const char *const *header)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
	table_add_row(t, header);
}

void
table_add_row(struct table *t, const char *const *cells)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = xstrdup(cells[c] != NULL ? cells[c] : "-");
	t->nrows++;
}

void
table_print(const struct table *t, FILE *out)
{
	cleanup_free size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof(*width));

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = strlen(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = t->ncols;

		/* Empty cells at the end of a row would leave only blanks. */
		while (last > 1 && t->cells[r * t->ncols + last - 1][0] == '\0')
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			if (c + 1 == last)
				fprintf(out, "%s\n", cell);
			else
				fprintf(out, "%-*s  ", (int)width[c], cell);
		}
	}
}

void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

int
output_duration(int64_t secs, char *buf, size_t len)
{
	/* A unit is used while its count is under its limit. Hours and days
	 * run past one of the next unit ("36 hours", "10 days"), where a
	 * rounded-down "1 day" or "1 week" would hide too much. */
	static const struct {
		const char *unit;
		int64_t secs;
		int64_t limit; /* use this unit below limit * secs */
	} units[] = {
	    {"second", 1, 60},        {"minute", 60, 60},     {"hour", 3600, 48},
	    {"day", 86400, 14},       {"week", 7 * 86400, 9}, {"month", 30 * 86400, 24},
	    {"year", 365 * 86400, 0},
	};
	size_t n = sizeof(units) / sizeof(units[0]);
	int w;

	if (secs < 1) {
		w = snprintf(buf, len, "Less than a second");
		return w < 0 || (size_t)w >= len ? -1 : 0;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t count = secs / units[i].secs;

		if (units[i].limit != 0 && count >= units[i].limit)
			continue;
		w = snprintf(buf, len, "%lld %s%s", (long long)count, units[i].unit,
			     count == 1 ? "" : "s");
		return w < 0 || (size_t)w >= len ? -1 : 0;
	}
	return -1;
}

int
output_ago(int64_t secs, char *buf, size_t len)
{
	size_t n;

	if (output_duration(secs, buf, len) < 0)
		return -1;
	n = strlen(buf);
	if (n + sizeof(" ago") > len)
		return -1;
	memcpy(buf + n, " ago", sizeof(" ago"));
	return 0;
}

char *
output_json_text(const json_t *v)
{
	if (v == NULL)
		return xstrdup("-");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_INTEGER:
		return xasprintf("%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		return xasprintf("%g", json_real_value(v));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_NULL:
		return xstrdup("-");
	case JSON_OBJECT:
	case JSON_ARRAY:
		break;
	}
	return pd_json_dump(v);
}

int
output_json(FILE *out, const json_t *j)
{
	if (json_dumpf(j, out, JSON_INDENT(2) | JSON_ENCODE_ANY | PD_JSON_REALS) < 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

/* @bytes in units of @base with @digits significant digits. */
static int
scaled_size(long long bytes, double base, int digits, const char *const *units, size_t nunits,
	    char *buf, size_t len)
{
	double v = bytes < 0 ? 0 : (double)bytes;
	double top = base - 0.5; /* 999.5 would print as "1e+03": the next unit already */
	size_t u = 0;
	int n;

	while (v >= top && u + 1 < nunits) {
		v /= base;
		u++;
	}
	n = snprintf(buf, len, "%.*g%s", digits, v, units[u]);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
output_size(long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};

	return scaled_size(bytes, 1000, 3, units, sizeof(units) / sizeof(units[0]), buf, len);
}

int
output_size_4(long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};

	return scaled_size(bytes, 1000, 4, units, sizeof(units) / sizeof(units[0]), buf, len);
}

int
output_size_binary(long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

	return scaled_size(bytes, 1024, 4, units, sizeof(units) / sizeof(units[0]), buf, len);
}

char *
output_created(const json_t *obj, time_t now)
{
	const char *created = json_string_value(json_object_get(obj, PD_F_CREATED));
	struct timespec ts;
	char buf[64];

	if (created == NULL || pd_time_rfc3339_parse(created, &ts) < 0 ||
	    output_ago((int64_t)now - (int64_t)ts.tv_sec, buf, sizeof(buf)) < 0)
		return xstrdup("-");
	return xstrdup(buf);
}

void
output_ids(FILE *out, const json_t *list, bool no_trunc)
{
	const json_t *obj;
	size_t i;

	json_array_foreach (list, i, obj) {
		const char *id = json_string_value(json_object_get(obj, PD_F_ID));

		if (id == NULL)
			fputs("-\n", out);
		else
			fprintf(out, "%.*s\n", no_trunc ? (int)strlen(id) : PD_SHORT_ID, id);
	}
}
