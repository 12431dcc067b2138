/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The little roff the man pages need (podctl.1 from podctl's command
 * tables, podd.8 from podd's flag table): text with roff's special
 * characters escaped, a page's head, and a flag as a tagged paragraph.
 * Pure: it writes to the FILE it is given.
 */
#pragma once

#include <stdio.h>

/* ".TH NAME SECTION" and ".SH NAME" with "@name \- @what". */
void roff_head(FILE *out, const char *name, const char *section, const char *what);

/* @s as running text: backslashes escaped, a line starting with '.' or '\''
 * guarded, each newline a line break of the source. */
void roff_text(FILE *out, const char *s);

/* A flag as ".TP": "-s, --name METAVAR" (@short_name 0: none; @alias and
 * @metavar NULL: none), then @help. */
void roff_flag(FILE *out, char short_name, const char *name, const char *alias, const char *metavar,
	       const char *help);
