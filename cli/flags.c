/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The flag parser of flags.h. Values are kept as borrowed argv strings; only
 * the arrays that hold them are allocated. Meaning (is "5" a valid timeout?)
 * is left to the command, so this file knows nothing of podd.
 */
#include "flags.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "suggest.h"
#include "xalloc.h"

static size_t
spec_count(const struct flag_spec *specs)
{
	size_t n = 0;

	while (specs[n].name != NULL)
		n++;
	return n;
}

static const struct flag_spec *
find_long(const struct flag_spec *specs, const char *name, size_t len)
{
	for (const struct flag_spec *s = specs; s->name != NULL; s++) {
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
		if (s->alias != NULL && strlen(s->alias) == len &&
		    strncmp(s->alias, name, len) == 0)
			return s;
	}
	return NULL;
}

static const struct flag_spec *
find_short(const struct flag_spec *specs, char c)
{
	for (const struct flag_spec *s = specs; s->name != NULL; s++)
		if (s->short_name == c)
			return s;
	return NULL;
}

static void
add_arg(struct flags *f, char *arg)
{
	f->args = xrealloc(f->args, (f->nargs + 1) * sizeof(*f->args));
	f->args[f->nargs++] = arg;
}

static void
set_value(struct flags *f, const struct flag_spec *specs, const struct flag_spec *s,
	  const char *value)
{
	struct flag_value *v = &f->v[s - specs];

	v->set = true;
	v->value = value;
	if (s->kind == FLAG_LIST) {
		v->values = xrealloc(v->values, (v->count + 1) * sizeof(*v->values));
		v->values[v->count++] = value;
	}
}

/* issue 16, ux: the long name (or alias) of @specs nearest the @len
 * bytes of @arg, "help" included; NULL when none is close. */
static const char *
suggest_long(const struct flag_spec *specs, const char *arg, size_t len)
{
	size_t n = spec_count(specs);
	cleanup_free const char **names = xcalloc(2 * n + 1, sizeof(*names));
	cleanup_free char *word = xstrndup(arg, len);

	for (size_t i = 0; i < n; i++) {
		names[2 * i] = specs[i].name;
		names[2 * i + 1] = specs[i].alias;
	}
	names[2 * n] = "help";
	return suggest(word, names, 2 * n + 1);
}

/* A long flag: @arg is what follows "--". Consumes argv[*i + 1] when the
 * value is the next word. */
static int
parse_long(struct flags *f, const struct flag_spec *specs, const char *arg, int argc,
	   char *const *argv, int *i, struct pd_err *err)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	const struct flag_spec *s = find_long(specs, arg, len);

	if (s == NULL && len == 4 && strncmp(arg, "help", 4) == 0 && eq == NULL) {
		f->help = true;
		return 0;
	}
	if (s == NULL) {
		f->unknown = argv[*i];
		if (len == 0)
			return pd_fail(err, PD_E_INVALID, "unknown flag \"%.64s\"", argv[*i]);
		f->suggestion = suggest_long(specs, arg, len);
		if (f->suggestion != NULL)
			return pd_fail(err, PD_E_INVALID,
				       "unknown flag --%.*s; did you mean \"--%s\"?",
				       (int)(len > 64 ? 64 : len), arg, f->suggestion);
		return pd_fail(err, PD_E_INVALID, "unknown flag --%.*s", (int)(len > 64 ? 64 : len),
			       arg);
	}
	if (s->kind == FLAG_BOOL) {
		bool on = true;

		if (eq != NULL && strcmp(eq + 1, "false") == 0)
			on = false;
		else if (eq != NULL && strcmp(eq + 1, "true") != 0)
			return pd_fail(err, PD_E_INVALID,
				       "flag --%s takes no value (or =true, =false)", s->name);
		set_value(f, specs, s, NULL);
		f->v[s - specs].on = on;
		return 0;
	}
	if (eq != NULL) {
		set_value(f, specs, s, eq + 1);
		return 0;
	}
	if (*i + 1 >= argc)
		return pd_fail(err, PD_E_INVALID, "flag --%s needs a value (%s)", s->name,
			       s->metavar != NULL ? s->metavar : "VALUE");
	set_value(f, specs, s, argv[++*i]);
	return 0;
}

/* A cluster of short flags: @arg is what follows "-". A flag that takes a
 * value takes the rest of the cluster, or else the next word. */
static int
parse_short(struct flags *f, const struct flag_spec *specs, const char *arg, int argc,
	    char *const *argv, int *i, struct pd_err *err)
{
	for (const char *c = arg; *c != '\0'; c++) {
		const struct flag_spec *s = find_short(specs, *c);

		if (s == NULL && *c == 'h') {
			f->help = true;
			continue;
		}
		if (s == NULL) {
			f->unknown = argv[*i];
			if (arg[1] == '\0')
				return pd_fail(err, PD_E_INVALID, "unknown flag -%c", *c);
			return pd_fail(err, PD_E_INVALID, "unknown flag -%c in \"-%.64s\"", *c,
				       arg);
		}
		if (s->kind == FLAG_BOOL) {
			set_value(f, specs, s, NULL);
			f->v[s - specs].on = true;
			continue;
		}
		if (c[1] != '\0') {
			set_value(f, specs, s, c + 1);
			return 0;
		}
		if (*i + 1 >= argc)
			return pd_fail(err, PD_E_INVALID, "flag -%c needs a value (%s)", *c,
				       s->metavar != NULL ? s->metavar : "VALUE");
		set_value(f, specs, s, argv[++*i]);
		return 0;
	}
	return 0;
}

int
flags_parse(const struct flag_spec *specs, unsigned opts, int argc, char *const *argv,
	    struct flags *out, struct pd_err *err)
{
	bool operands_only = false;
	int rc = 0;

	out->nv = spec_count(specs);
	out->v = xcalloc(out->nv + 1, sizeof(*out->v));
	for (int i = 0; i < argc && rc == 0; i++) {
		char *arg = argv[i];

		if (operands_only || arg[0] != '-' || arg[1] == '\0') {
			add_arg(out, arg);
			if (opts & FLAGS_STOP_AT_OPERAND)
				operands_only = true;
		} else if (strcmp(arg, "--") == 0) {
			operands_only = true;
		} else if (arg[1] == '-') {
			rc = parse_long(out, specs, arg + 2, argc, argv, &i, err);
		} else {
			rc = parse_short(out, specs, arg + 1, argc, argv, &i, err);
		}
	}
	if (rc < 0) {
		const char *unknown = out->unknown, *suggestion = out->suggestion;

		flags_free(out);
		out->unknown = unknown;
		out->suggestion = suggestion;
	}
	return rc;
}

void
flags_free(struct flags *f)
{
	for (size_t i = 0; i < f->nv; i++)
		free(f->v[i].values);
	free(f->v);
	free(f->args);
	memset(f, 0, sizeof(*f));
}

void
flags_print_help(FILE *out, const struct flag_spec *specs)
{
	size_t width = strlen("help");

	for (const struct flag_spec *s = specs; s->name != NULL; s++) {
		size_t w = strlen(s->name) + (s->metavar != NULL ? strlen(s->metavar) + 1 : 0);

		if (w > width)
			width = w;
	}
	fputs("Options:\n", out);
	fprintf(out, "  -h, --%-*s  print this help\n", (int)width, "help");
	for (const struct flag_spec *s = specs; s->name != NULL; s++) {
		char shortf[4] = "   ";
		size_t w = strlen(s->name);

		if (s->short_name != 0) {
			shortf[0] = '-';
			shortf[1] = s->short_name;
			shortf[2] = ',';
		}
		fprintf(out, "  %s --%s", shortf, s->name);
		if (s->metavar != NULL) {
			fprintf(out, " %s", s->metavar);
			w += strlen(s->metavar) + 1;
		}
		fprintf(out, "%*s  %s", (int)(width - w), "", s->help);
		if (s->alias != NULL)
			fprintf(out, " (also --%s)", s->alias);
		fputc('\n', out);
	}
}
