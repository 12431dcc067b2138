/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The edge every podctl command shares: parsing a command's flags against
 * its usage, printing its help, finding a subcommand in a table, and turning
 * an error into one line on stderr and an exit code. Nothing here talks to
 * podd.
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "client.h"
#include "filter.h"
#include "json.h"
#include "output.h"
#include "suggest.h"
#include "xalloc.h"

int
cmd_error(const struct pd_err *err)
{
	char msg[PD_ERR_MSG_MAX];
	size_t i;

	/* One line, whatever podd put in its message. */
	for (i = 0; i + 1 < sizeof(msg) && err->msg[i] != '\0'; i++) {
		msg[i] = err->msg[i];
		if ((unsigned char)msg[i] < 0x20)
			msg[i] = ' ';
	}
	msg[i] = '\0';
	fprintf(stderr, "podctl: %s\n", msg);
	return pd_err_info(err->kind)->exit_code;
}

int
cmd_usage_error(const struct cmd_usage *u, const char *fmt, ...)
{
	struct pd_err err = {0};
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	/* The hint is dropped, not cut, when the message leaves it no room. */
	if (n >= 0 && (size_t)n < sizeof(err.msg) &&
	    snprintf(err.msg + n, sizeof(err.msg) - (size_t)n, " (see podctl %s --help)",
		     u->name) >= (int)(sizeof(err.msg) - (size_t)n))
		err.msg[n] = '\0';
	err.kind = PD_E_INVALID;
	cmd_error(&err);
	return EXIT_PODCTL;
}

static void
print_usage(const struct cmd_usage *u, FILE *out)
{
	fprintf(out, "Usage: podctl %s [OPTIONS]%s%s\n\n%s\n\n", u->name, u->operands[0] ? " " : "",
		u->operands, u->summary);
	flags_print_help(out, u->flags);
}

bool
cmd_parse(const struct cmd_usage *u, int argc, char **argv, struct flags *f, int *exit_code)
{
	struct pd_err err = {0};

	/* Set on every path: a command that goes on may return it as it is
	 * (pod inspect did, and exited with whatever the stack held). */
	*exit_code = 0;
	if (walk_mode() != WALK_NONE) { /* issue 16: completion, man page */
		walk_usage(u, argc, argv);
		return false;
	}
	if (flags_parse(u->flags, u->flag_opts, argc - 1, argv + 1, f, &err) < 0) {
		if (f->unknown != NULL && u->operand_what != NULL && f->suggestion == NULL)
			*exit_code = cmd_usage_error(u, "%s, and a %s cannot start with '-'",
						     err.msg, u->operand_what);
		else
			*exit_code = cmd_usage_error(u, "%s", err.msg);
		return false;
	}
	if (f->help) {
		print_usage(u, stdout);
		*exit_code = 0;
		return false;
	}
	if ((int)f->nargs < u->min_operands) {
		*exit_code = cmd_usage_error(u, "%s needs %s", u->name, u->operands);
		return false;
	}
	if (u->max_operands >= 0 && (int)f->nargs > u->max_operands) {
		*exit_code = cmd_usage_error(u, "%s takes %s%s, not \"%.64s\"", u->name,
					     u->max_operands > 0 ? "only " : "no operands",
					     u->operands, f->args[u->max_operands]);
		return false;
	}
	return true;
}

bool
cmd_format(const struct cmd_usage *u, const char *value, bool *json)
{
	*json = value != NULL && strcmp(value, "json") == 0;
	if (value == NULL || *json || strcmp(value, "table") == 0)
		return true;
	cmd_usage_error(u, "--format is json or table, not \"%.64s\"", value);
	return false;
}

static void
print_group(const struct cmd_group *g, FILE *out)
{
	size_t width = 0;

	fprintf(out, "Usage: %s %sCOMMAND\n\n%s\n\n", g->name, g->flags ? "[OPTIONS] " : "",
		g->summary);
	if (g->flags != NULL) {
		flags_print_help(out, g->flags);
		fputc('\n', out);
	}
	for (const struct cmd *c = g->cmds; c->name != NULL; c++)
		if (c->summary != NULL && strlen(c->name) > width)
			width = strlen(c->name);
	fputs("Commands:\n", out);
	for (const struct cmd *c = g->cmds; c->name != NULL; c++)
		if (c->summary != NULL)
			fprintf(out, "  %-*s  %s\n", (int)width, c->name, c->summary);
	fprintf(out, "\nRun '%s COMMAND --help' for more on a command.\n", g->name);
}

/* issue 16, ux: "; did you mean "X"?" and the end of the line, X the
 * nearest shown command (hidden ones, summary NULL, are never guessed). */
static void
print_suggestion(const struct cmd_group *g, const char *word)
{
	size_t n = 0;
	cleanup_free const char **names = NULL;
	const char *s;

	for (const struct cmd *c = g->cmds; c->name != NULL; c++)
		n++;
	names = xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = g->cmds[i].summary != NULL ? g->cmds[i].name : NULL;
	s = suggest(word, names, n);
	if (s != NULL)
		fprintf(stderr, "; did you mean \"%s\"?", s);
	fputc('\n', stderr);
}

/* "help CMD ARG..." is "CMD ARG... --help". */
static int
dispatch_help(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv)
{
	cleanup_free char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	static char help[] = "--help";

	memcpy(args, argv, (size_t)argc * sizeof(*args));
	args[argc] = help;
	return cmd_dispatch(g, ctl, argc + 1, args);
}

int
cmd_dispatch(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv)
{
	bool help = argc == 0 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
		    strcmp(argv[0], "-h") == 0;

	if (walk_mode() != WALK_NONE) /* issue 16: completion, man page */
		return walk_dispatch(g, ctl, argc, argv);
	if (help && argc > 1 && strcmp(argv[0], "help") == 0)
		return dispatch_help(g, ctl, argc - 1, argv + 1);
	if (help) {
		print_group(g, stdout);
		return 0;
	}
	for (const struct cmd *c = g->cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->run(ctl, argc, argv);
	fprintf(stderr, "podctl: \"%.64s\" is not a command of %s (see %s --help)", argv[0],
		g->name, g->name);
	print_suggestion(g, argv[0]);
	return EXIT_PODCTL;
}

json_t *
cmd_list(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv, struct flags *f,
	 int format_flag, const char *path, const char *what, int *rc)
{
	if (!cmd_parse(u, argc, argv, f, rc))
		return NULL;
	return cmd_list_fetch(ctl, u, f, format_flag, path, what, rc);
}

json_t *
cmd_list_fetch(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f,
	       int format_flag, const char *path, const char *what, int *rc)
{
	return cmd_list_filtered(ctl, u, f, format_flag, path, what, NULL, rc);
}

json_t *
cmd_list_filters(const struct cmd_usage *u, const struct flag_value *v, enum filter_list list,
		 int *rc)
{
	struct pd_err err = {0};
	json_t *filters = filter_parse(list, v->values, v->count, &err);

	if (filters == NULL)
		*rc = cmd_usage_error(u, "%s", err.msg);
	return filters;
}

json_t *
cmd_list_filtered(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f,
		  int format_flag, const char *path, const char *what,
		  const struct cmd_filter *filter, int *rc)
{
	cleanup_json json_t *list = NULL;
	struct pd_err err = {0};
	bool json;

	*rc = EXIT_PODCTL;
	if (!cmd_format(u, f->v[format_flag].value, &json))
		return NULL;
	list = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (list == NULL) {
		*rc = cmd_error(&err);
		return NULL;
	}
	if (!json_is_array(list)) {
		pd_fail(&err, PD_E_SYSTEM, "podd's list of %s is not a JSON array", what);
		*rc = cmd_error(&err);
		return NULL;
	}
	if (filter != NULL)
		filter_apply(filter->list, filter->filters, list);
	if (json) {
		*rc = output_json(stdout, list) < 0 ? EXIT_PODCTL : 0;
		return NULL;
	}
	*rc = 0;
	return steal_ptr(list);
}

json_t *
cmd_list_with_filter(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv,
		     struct flags *f, int format_flag, int filter_flag, enum filter_list list,
		     const char *path, const char *what, int *rc)
{
	cleanup_json json_t *filters = NULL;
	struct cmd_filter filter = {list, NULL};

	if (!cmd_parse(u, argc, argv, f, rc))
		return NULL;
	filters = cmd_list_filters(u, &f->v[filter_flag], list, rc);
	if (filters == NULL)
		return NULL;
	filter.filters = filters;
	return cmd_list_filtered(ctl, u, f, format_flag, path, what, &filter, rc);
}

int
cmd_inspect_each(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv,
		 const char *collection, int (*check)(const char *ref, struct pd_err *err))
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *found = json_array();
	int rc;

	if (!cmd_parse(u, argc, argv, &f, &rc))
		return rc;
	rc = cmd_each(ctl, &f, collection, "GET", check, found);
	if (output_json(stdout, found) < 0)
		return EXIT_PODCTL;
	return rc;
}

int
cmd_each(struct podctl *ctl, const struct flags *f, const char *collection, const char *method,
	 int (*check)(const char *ref, struct pd_err *err), json_t *found)
{
	int rc = 0;

	for (size_t i = 0; i < f->nargs; i++) {
		cleanup_free char *path = NULL;
		struct pd_err err = {0};
		json_t *reply;

		if (check(f->args[i], &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = xasprintf("%s/%s", collection, f->args[i]);
		reply = client_call(ctl->socket_path, method, path, NULL, &err);
		if (reply == NULL) {
			rc = cmd_error(&err);
			if (err.errnum != 0) /* the connection: it would only repeat */
				break;
			continue;
		}
		if (found != NULL) {
			json_array_append_new(found, reply);
		} else {
			printf("%s\n", f->args[i]);
			json_decref(reply);
		}
	}
	return rc;
}
