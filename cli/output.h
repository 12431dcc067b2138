/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podctl prints: tables with aligned columns, relative times ("5
 * minutes ago") and pretty JSON. The formatting is pure (a table is filled,
 * then printed in one go; a time is a number of seconds), so it can be unit
 * tested; only the *_print functions write, to the FILE they are given.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

struct table {
	size_t ncols;
	size_t nrows; /* the header counts as a row */
	char **cells; /* owned: nrows * ncols owned strings */
};

/* Start a table with the @ncols column titles of @header (copied). */
void table_init(struct table *t, size_t ncols, const char *const *header);

/* Append a row of ncols strings (copied; NULL prints as "-"). */
void table_add_row(struct table *t, const char *const *cells);

/* Print every row, each column padded to its widest cell plus two spaces,
 * the last column unpadded so lines have no trailing blanks. */
void table_print(const struct table *t, FILE *out);

/* Free the cells and zero @t. */
void table_free(struct table *t);

#define cleanup_table __attribute__((cleanup(table_free)))

/* Write how long ago something happened, @secs seconds before now ("Less
 * than a second ago", "1 second ago", "3 minutes ago", "2 hours ago",
 * "4 days ago", "5 weeks ago", "3 months ago", "2 years ago") into @buf. A
 * negative @secs (clock skew) counts as 0. Returns 0, or -1 if @len is too
 * small. */
int output_ago(int64_t secs, char *buf, size_t len);

/* Write a span of @secs seconds as output_ago() does, without " ago" ("Less
 * than a second", "3 minutes"): for "Up 3 minutes". Returns 0 or -1. */
int output_duration(int64_t secs, char *buf, size_t len);

/* A size as docker prints it: three significant digits and a decimal unit
 * ("856B", "4.26MB", "1.2GB") into @buf. Returns 0, or -1 if @len is too
 * small. */
int output_size(long long bytes, char *buf, size_t len);

/* issue 16: output_size() with four significant digits ("1.982MB"), as
 * docker's system df prints its summary. */
int output_size_4(long long bytes, char *buf, size_t len);

/* issue 13, observe: a memory size as docker's stats prints it: four
 * significant digits and a binary unit ("1.5MiB", "7.668GiB"). */
int output_size_binary(long long bytes, char *buf, size_t len);

/* @v as plain text for a table cell or a "Key: value" line: a string as it
 * is, a number, true or false, "-" for null or NULL, compact JSON for an
 * array or object. A new string, owned by the caller. */
char *output_json_text(const json_t *v);

/* Print @j indented by 2 spaces, keys in podd's order, and a newline.
 * Returns 0, or -1 if writing failed. */
int output_json(FILE *out, const json_t *j);

/* issue 16, ux: ids as docker prints them in tables and with -q: their
 * first 12 characters, all 64 with --no-trunc. */
#define PD_SHORT_ID 12

/* The "id" of each object of the array @list, one a line (12 characters, or
 * whole when @no_trunc; "-" for none). */
void output_ids(FILE *out, const json_t *list, bool no_trunc);

/* How long ago @obj's "created" field (RFC 3339) was, for a table ("5
 * minutes ago"); "-" when it is missing or bad. A new string. */
char *output_created(const json_t *obj, time_t now);
