/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "Did you mean": the known word closest to a mistyped one, for podctl's
 * unknown-command and unknown-flag errors. Pure.
 */
#pragma once

#include <stddef.h>

/* Of the @n @known words (NULL entries skipped), the one @word most likely
 * meant: the only one that @word is a prefix of, else the nearest by edit
 * distance (a swap of two neighbours costs half an insertion, deletion or
 * change) within two edits, and fewer edits than @word has characters; the
 * first of a tie. NULL when none is close. Borrowed from @known. */
const char *suggest(const char *word, const char *const *known, size_t n);

/* The distance suggest() uses, in half-edits: 2 per insertion, deletion
 * or change, 1 per swap of neighbours. For the tests. */
size_t suggest_distance(const char *a, const char *b);
