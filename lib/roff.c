/* SPDX-License-Identifier: Apache-2.0 */
/* roff.h's writers. */
#include "roff.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "api.h"

void
roff_head(FILE *out, const char *name, const char *section, const char *what)
{
	char upper[64];
	size_t i;

	for (i = 0; i + 1 < sizeof(upper) && name[i] != '\0'; i++)
		upper[i] = (char)toupper((unsigned char)name[i]);
	upper[i] = '\0';
	fprintf(out, ".TH %s %s \"\" \"podd %s\"\n.SH NAME\n%s \\- ", upper, section, PD_VERSION,
		name);
	roff_text(out, what);
	fputc('\n', out);
}

/* A flag's name: every dash a minus sign. */
static void
roff_dashes(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void
roff_text(FILE *out, const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		bool start = p == s || p[-1] == '\n';

		if (start && (*p == '.' || *p == '\''))
			fputs("\\&", out);
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-' && (start || strchr(" -([`", p[-1]) != NULL))
			fputs("\\-", out); /* a flag's dash, a minus sign */
		else
			fputc(*p, out);
	}
}

void
roff_flag(FILE *out, char short_name, const char *name, const char *alias, const char *metavar,
	  const char *help)
{
	fputs(".TP\n", out);
	if (short_name != 0)
		fprintf(out, "\\fB\\-%c\\fR, ", short_name);
	fputs("\\fB\\-\\-", out);
	roff_dashes(out, name);
	fputs("\\fR", out);
	if (alias != NULL) {
		fputs(", \\fB\\-\\-", out);
		roff_dashes(out, alias);
		fputs("\\fR", out);
	}
	if (metavar != NULL) {
		fputs(" \\fI", out);
		roff_text(out, metavar);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff_text(out, help);
	fputc('\n', out);
}
