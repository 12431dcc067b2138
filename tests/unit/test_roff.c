/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/roff: the man pages' text escaped for roff (a backslash, a line
 * starting with '.' or '\'', a flag's dashes) and a flag as a tagged
 * paragraph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roff.h"
#include "unit.h"

/* What @write printed, in @buf. */
static const char *
written(char *buf, size_t size, void (*write)(FILE *out, const void *arg), const void *arg)
{
	FILE *out;

	buf[0] = '\0';
	out = fmemopen(buf, size, "w");
	if (out == NULL)
		abort();
	write(out, arg);
	if (fclose(out) != 0)
		abort();
	return buf;
}

static void
text(FILE *out, const void *arg)
{
	roff_text(out, arg);
}

static void
test_text(void)
{
	char buf[256];

	CHECK_STR(written(buf, sizeof(buf), text, "plain words"), ==, "plain words");
	CHECK_STR(written(buf, sizeof(buf), text, "a\\b"), ==, "a\\eb");
	CHECK_STR(written(buf, sizeof(buf), text, ".TH x\n'quote"), ==, "\\&.TH x\n\\&'quote");
	CHECK_STR(written(buf, sizeof(buf), text, "a mid.dot"), ==, "a mid.dot");
	CHECK_STR(written(buf, sizeof(buf), text, "use --rm or -d"), ==, "use \\-\\-rm or \\-d");
	CHECK_STR(written(buf, sizeof(buf), text, "read-only"), ==, "read-only");
	CHECK_STR(written(buf, sizeof(buf), text, ""), ==, "");
}

static void
flag(FILE *out, const void *arg)
{
	(void)arg;
	roff_flag(out, 'e', "env", "environment", "K=V", "set a variable");
}

static void
bare_flag(FILE *out, const void *arg)
{
	(void)arg;
	roff_flag(out, 0, "read-only", NULL, NULL, "-1 is no limit");
}

static void
test_flag(void)
{
	char buf[256];

	CHECK_STR(written(buf, sizeof(buf), flag, NULL), ==,
		  ".TP\n\\fB\\-e\\fR, \\fB\\-\\-env\\fR, \\fB\\-\\-environment\\fR \\fIK=V\\fR\n"
		  "set a variable\n");
	CHECK_STR(written(buf, sizeof(buf), bare_flag, NULL), ==,
		  ".TP\n\\fB\\-\\-read\\-only\\fR\n\\-1 is no limit\n");
}

static void
head(FILE *out, const void *arg)
{
	(void)arg;
	roff_head(out, "podctl", "1", "a client");
}

static void
test_head(void)
{
	char buf[256];

	CHECK_CONTAINS(written(buf, sizeof(buf), head, NULL), ".TH PODCTL 1 ");
	CHECK_CONTAINS(buf, ".SH NAME\npodctl \\- a client\n");
}

static const struct unit_case cases[] = {
    {"text", test_text},
    {"flag", test_flag},
    {"head", test_head},
};

UNIT_MAIN(cases)
