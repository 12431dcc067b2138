/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pull and push progress on podctl's side; see pullview.h.
 */
#include "pullview.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "timefmt.h"
#include "xalloc.h"

void
pullview_init(struct pullview *v, FILE *out, bool tty, bool quiet)
{
	memset(v, 0, sizeof(*v));
	v->out = out;
	v->tty = tty;
	v->quiet = quiet;
}

static void
human(double n, char *buf, size_t len)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	size_t u = 0;

	while (n >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		n /= 1000;
		u++;
	}
	(void)snprintf(buf, len, u == 0 ? "%.0f%s" : "%.1f%s", n, units[u]);
}

static void
print_row(struct pullview *v, const struct pullview_row *r)
{
	char cur[16], tot[16], rate[16];
	unsigned long long ms;

	fprintf(v->out, "%s: %s", r->id, r->status);
	if (strcmp(r->status, "Downloading") == 0 && r->total > 0) {
		human((double)r->current, cur, sizeof(cur));
		human((double)r->total, tot, sizeof(tot));
		ms = pd_time_mono_ms() - r->t0_ms;
		human(ms > 0 ? (double)r->current * 1000.0 / (double)ms : 0, rate, sizeof(rate));
		fprintf(v->out, " %s/%s %3lld%% %s/s", cur, tot, r->current * 100 / r->total, rate);
	}
}

static void
redraw(struct pullview *v)
{
	if (v->drawn > 0)
		fprintf(v->out, "\033[%zuA", v->drawn);
	for (size_t i = 0; i < v->nrows; i++) {
		fputs("\r\033[K", v->out);
		print_row(v, &v->rows[i]);
		fputc('\n', v->out);
	}
	v->drawn = v->nrows;
	(void)fflush(v->out);
}

static void
on_message(struct pullview *v, json_t *j)
{
	const char *id = json_string_value(json_object_get(j, "id"));
	const char *status = json_string_value(json_object_get(j, "status"));
	struct pullview_row *r = NULL;
	bool changed;

	if (json_object_get(j, PD_F_CODE) != NULL || json_object_get(j, "digest") != NULL) {
		json_decref(v->final);
		v->final = json_incref(j);
		return;
	}
	if (v->quiet || status == NULL)
		return;
	if (id == NULL || strcmp(status, "Pulling from") == 0) {
		if (!v->tty || v->nrows == 0)
			fprintf(v->out, "%s %s\n", status, id ? id : "");
		(void)fflush(v->out);
		return;
	}
	for (size_t i = 0; i < v->nrows && r == NULL; i++)
		if (strcmp(v->rows[i].id, id) == 0)
			r = &v->rows[i];
	if (r == NULL) {
		if (v->nrows == PULLVIEW_MAX_ROWS)
			return;
		r = &v->rows[v->nrows++];
		(void)snprintf(r->id, sizeof(r->id), "%s", id);
	}
	changed = strcmp(r->status, status) != 0;
	if (changed && strcmp(status, "Downloading") == 0)
		r->t0_ms = pd_time_mono_ms();
	(void)snprintf(r->status, sizeof(r->status), "%s", status);
	r->current = json_integer_value(json_object_get(j, "current"));
	r->total = json_integer_value(json_object_get(j, "total"));
	if (v->tty) {
		redraw(v);
	} else if (changed) {
		print_row(v, r);
		fputc('\n', v->out);
		(void)fflush(v->out); /* a pipe sees each step as it happens */
	}
}

int
pullview_feed(struct pullview *v, const char *data, size_t len, struct pd_err *err)
{
	char *nl;

	if (v->len + len + 1 > v->cap) {
		v->cap = (v->len + len + 1) * 2;
		v->line = xrealloc(v->line, v->cap);
	}
	memcpy(v->line + v->len, data, len);
	v->len += len;
	v->line[v->len] = '\0';
	while ((nl = memchr(v->line, '\n', v->len)) != NULL) {
		size_t n = (size_t)(nl - v->line);
		json_t *j = n > 0 ? pd_json_load(v->line, n, 1 << 20, err) : NULL;

		if (n > 0 && j == NULL)
			return pd_err_prefix(err, "podd's progress stream");
		if (j != NULL)
			on_message(v, j);
		json_decref(j);
		memmove(v->line, nl + 1, v->len - n - 1);
		v->len -= n + 1;
	}
	return 0;
}

const json_t *
pullview_end(struct pullview *v, struct pd_err *err)
{
	const char *msg, *code;

	if (v->final == NULL) {
		pd_fail(err, PD_E_SYSTEM, "podd ended the stream without a result");
		return NULL;
	}
	code = json_string_value(json_object_get(v->final, PD_F_CODE));
	if (code != NULL) {
		msg = json_string_value(json_object_get(v->final, PD_F_MESSAGE));
		pd_fail(err, pd_err_kind_from_code(code), "%s", msg ? msg : code);
		return NULL;
	}
	return v->final;
}

void
pullview_free(struct pullview *v)
{
	free(v->line);
	json_decref(v->final);
	memset(v, 0, sizeof(*v));
}
