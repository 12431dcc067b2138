/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: `podctl stats` and `podctl top`, as docker's.
 *
 * stats prints CPU %, memory usage / limit, memory %, network and block
 * I/O and PIDs of running containers (all of them, or those named), from
 * GET /v1/stats or /v1/containers/X/stats (lib/api.h). Like docker's, it
 * streams (a table a second, redrawn on a terminal) unless --no-stream;
 * --format json prints the objects podd sent (one array per line while
 * streaming).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "lines.h"
#include "output.h"
#include "xalloc.h"

/* ---- stats ----------------------------------------------------------- */

enum { ST_NO_STREAM, ST_FORMAT };

static const struct flag_spec stats_flags[] = {
    [ST_NO_STREAM] = {"no-stream", NULL, 0, FLAG_BOOL, NULL,
		      "print the figures once (default: a table a second until interrupted)"},
    [ST_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT",
		   "table (default) or json: the objects podd sent"},
    {.name = NULL},
};

static const struct cmd_usage stats_usage = {
    .name = "stats",
    .operands = "[CONTAINER...]",
    .operand_what = "container name",
    .summary = "Show the resource use of running containers (all of them, or those named):\n"
	       "CPU %, memory, network and block I/O, PIDs, from their cgroups.",
    .flags = stats_flags,
    .min_operands = 0,
    .max_operands = -1,
};

struct stats_out {
	bool json;
	bool tty;              /* redraw in place */
	json_t *ids;           /* borrowed: the ids to show, or NULL for all */
	struct line_buf lines; /* owned */
};

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void
add_stats_row(struct table *t, const json_t *s)
{
	const json_t *mem = json_object_get(s, PD_F_MEMORY);
	const json_t *pids = json_object_get(s, PD_F_PIDS);
	const char *id = json_string_value(json_object_get(s, PD_F_ID));
	char cpu[32], mem_pct[32], usage[32], limit[32], rx[32], tx[32], rd[32], wr[32], npids[32];
	cleanup_free char *short_id = xstrndup(id != NULL ? id : "", 12);
	cleanup_free char *mem_cell = NULL, *net_cell = NULL, *blk_cell = NULL;

	(void)snprintf(cpu, sizeof(cpu), "%.2f%%",
		       json_number_value(json_object_get(s, PD_F_CPU_PERCENT)));
	(void)snprintf(mem_pct, sizeof(mem_pct), "%.2f%%",
		       json_number_value(json_object_get(mem, PD_F_PERCENT)));
	(void)output_size_binary(num(mem, PD_F_USAGE), usage, sizeof(usage));
	(void)output_size_binary(num(mem, PD_F_LIMIT), limit, sizeof(limit));
	(void)output_size(num(s, PD_F_NET_RX), rx, sizeof(rx));
	(void)output_size(num(s, PD_F_NET_TX), tx, sizeof(tx));
	(void)output_size(num(s, PD_F_BLOCK_READ), rd, sizeof(rd));
	(void)output_size(num(s, PD_F_BLOCK_WRITE), wr, sizeof(wr));
	(void)snprintf(npids, sizeof(npids), "%lld", num(pids, PD_F_CURRENT));
	mem_cell = xasprintf("%s / %s", usage, limit);
	net_cell = xasprintf("%s / %s", rx, tx);
	blk_cell = xasprintf("%s / %s", rd, wr);
	{
		const char *row[] = {
		    short_id, json_string_value(json_object_get(s, PD_F_NAME)),
		    cpu,      mem_cell,
		    mem_pct,  net_cell,
		    blk_cell, npids,
		};

		table_add_row(t, row);
	}
}

/* Whether @s is one of @ids (NULL: all are). */
static bool
wanted(const json_t *ids, const json_t *s)
{
	const char *id = json_string_value(json_object_get(s, PD_F_ID));
	size_t i;
	json_t *v;

	if (ids == NULL)
		return true;
	json_array_foreach (ids, i, v)
		if (id != NULL && strcmp(json_string_value(v), id) == 0)
			return true;
	return false;
}

/* Print one sample of the containers, @list an array of stats objects. */
static int
print_stats(const struct stats_out *o, const json_t *list, struct pd_err *err)
{
	static const char *const header[] = {
	    "CONTAINER ID", "NAME",    "CPU %",     "MEM USAGE / LIMIT",
	    "MEM %",        "NET I/O", "BLOCK I/O", "PIDS",
	};
	cleanup_table struct table t = {0};
	cleanup_json json_t *shown = json_array();
	size_t i;
	json_t *s;

	json_array_foreach (list, i, s)
		if (wanted(o->ids, s))
			json_array_append(shown, s);
	if (o->json) {
		cleanup_free char *line = pd_json_dump(shown);

		printf("%s\n", line);
	} else {
		table_init(&t, sizeof(header) / sizeof(header[0]), header);
		json_array_foreach (shown, i, s)
			add_stats_row(&t, s);
		if (o->tty)
			fputs("\033[2J\033[H", stdout); /* clear, home: redraw in place */
		table_print(&t, stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return pd_fail(err, PD_E_SYSTEM, "cannot write the stats");
	return 0;
}

static int
on_stats_line(const char *line, size_t len, void *arg, struct pd_err *err)
{
	cleanup_json json_t *list = pd_json_load(line, len, LINE_BUF_MAX, err);

	if (list == NULL || !json_is_array(list))
		return pd_fail(err, PD_E_SYSTEM, "podd sent stats that are not a JSON array");
	return print_stats(arg, list, err);
}

static int
on_stats_body(const char *data, size_t len, void *arg, struct pd_err *err)
{
	struct stats_out *o = arg;

	return line_buf_feed(&o->lines, data, len, on_stats_line, o, err);
}

/* The ids of the named containers (errors printed), into @ids. */
static int
resolve_ids(struct podctl *ctl, const struct flags *f, json_t *ids)
{
	int rc = 0;

	for (size_t i = 0; i < f->nargs; i++) {
		cleanup_free char *path = NULL;
		cleanup_json json_t *c = NULL;
		struct pd_err err = {0};

		if (ctr_check_ref(f->args[i], &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = ctr_path(f->args[i], NULL, NULL);
		c = client_call(ctl->socket_path, "GET", path, NULL, &err);
		if (c == NULL) {
			rc = cmd_error(&err);
			continue;
		}
		json_array_append(ids, json_object_get(c, PD_F_ID));
	}
	return rc;
}

/* --no-stream: one sample of each named container (stopped ones show
 * zeros, as docker's), or of all running ones. */
static int
stats_once(struct podctl *ctl, const struct flags *f, struct stats_out *o)
{
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};
	int rc = 0;

	if (f->nargs == 0) {
		list = client_call(ctl->socket_path, "GET", PD_PATH_STATS "?" PD_Q_STREAM "=0",
				   NULL, &err);
		if (list == NULL)
			return cmd_error(&err);
		if (!json_is_array(list)) {
			pd_fail(&err, PD_E_SYSTEM, "podd sent stats that are not a JSON array");
			return cmd_error(&err);
		}
	} else {
		list = json_array();
		for (size_t i = 0; i < f->nargs; i++) {
			cleanup_free char *path = NULL;
			json_t *s;

			if (ctr_check_ref(f->args[i], &err) < 0) {
				rc = cmd_error(&err);
				continue;
			}
			path = ctr_path(f->args[i], PD_ACTION_STATS, PD_Q_STREAM "=0");
			s = client_call(ctl->socket_path, "GET", path, NULL, &err);
			if (s == NULL) {
				rc = cmd_error(&err);
				if (err.errnum != 0)
					return rc;
				continue;
			}
			json_array_append_new(list, s);
		}
	}
	if (print_stats(o, list, &err) < 0)
		return cmd_error(&err);
	return rc;
}

int
cmd_stats(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *ids = NULL;
	struct stats_out o = {.lines = {.what = "a stats line"}};
	struct client_request req = {
	    .method = "GET",
	    .path = PD_PATH_STATS "?" PD_Q_STREAM "=1",
	    .on_body = on_stats_body,
	    .arg = &o,
	};
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&stats_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&stats_usage, f.v[ST_FORMAT].value, &o.json))
		return EXIT_PODCTL;
	o.tty = !o.json && isatty(STDOUT_FILENO);
	if (f.v[ST_NO_STREAM].on)
		return stats_once(ctl, &f, &o);
	if (f.nargs > 0) {
		ids = json_array();
		rc = resolve_ids(ctl, &f, ids);
		if (rc != 0)
			return rc;
		o.ids = ids;
	}
	rc = client_stream(ctl->socket_path, &req, &err);
	line_buf_free(&o.lines);
	return rc < 0 ? cmd_error(&err) : 0;
}

/* ---- top ------------------------------------------------------------- */

static const struct flag_spec no_flags[] = {{.name = NULL}};

static const struct cmd_usage top_usage = {
    .name = "top",
    .operands = "CONTAINER",
    .operand_what = "container name",
    .summary = "List the processes of a running container (those in its cgroup), as ps -ef.",
    .flags = no_flags,
    .min_operands = 1,
    .max_operands = 1,
};

int
cmd_top(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_table struct table t = {0};
	cleanup_json json_t *top = NULL;
	cleanup_free char *path = NULL;
	cleanup_free const char **header = NULL;
	const json_t *titles, *procs, *p;
	struct pd_err err = {0};
	size_t ncols, i;
	int rc;

	if (!cmd_parse(&top_usage, argc, argv, &f, &rc))
		return rc;
	if (ctr_check_ref(f.args[0], &err) < 0)
		return cmd_error(&err);
	path = ctr_path(f.args[0], PD_ACTION_TOP, NULL);
	top = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (top == NULL)
		return cmd_error(&err);
	titles = json_object_get(top, PD_F_TITLES);
	procs = json_object_get(top, PD_F_PROCESSES);
	ncols = json_array_size(titles);
	if (ncols == 0 || !json_is_array(procs)) {
		pd_fail(&err, PD_E_SYSTEM, "podd sent a process list without titles");
		return cmd_error(&err);
	}
	header = xcalloc(ncols, sizeof(*header));
	for (i = 0; i < ncols; i++)
		header[i] = json_string_value(json_array_get(titles, i));
	table_init(&t, ncols, header);
	json_array_foreach (procs, i, p) {
		cleanup_free const char **row = xcalloc(ncols, sizeof(*row));

		if (json_array_size(p) != ncols)
			continue;
		for (size_t k = 0; k < ncols; k++)
			row[k] = json_string_value(json_array_get(p, k));
		table_add_row(&t, row);
	}
	table_print(&t, stdout);
	return 0;
}
