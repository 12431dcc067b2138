/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guess of suggest.h: a unique prefix, else the optimal string
 * alignment distance (Damerau's swaps of neighbours, each character edited
 * once) with a swap weighted half, so "sp" is nearer "ps" than "cp".
 */
#include "suggest.h"

#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

#define EDIT 2 /* an insertion, deletion or change */
#define SWAP 1 /* two neighbours swapped */

static size_t
min2(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), w = lb + 1;
	cleanup_free size_t *d = xcalloc((la + 1) * w, sizeof(*d));

	for (size_t i = 0; i <= la; i++)
		d[i * w] = i * EDIT;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j * EDIT;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t change = a[i - 1] == b[j - 1] ? 0 : EDIT;
			size_t v = min2(min2(d[(i - 1) * w + j] + EDIT, d[i * w + j - 1] + EDIT),
					d[(i - 1) * w + j - 1] + change);

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = min2(v, d[(i - 2) * w + j - 2] + SWAP);
			d[i * w + j] = v;
		}
	return d[la * w + lb];
}

const char *
suggest(const char *word, const char *const *known, size_t n)
{
	size_t len = strlen(word), best_d = 2 * EDIT + 1, prefixed = 0;
	const char *best = NULL, *prefix_of = NULL;

	if (len == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (known[i] != NULL && strncmp(known[i], word, len) == 0 &&
		    known[i][len] != '\0') {
			prefix_of = known[i];
			prefixed++;
		}
	if (prefixed == 1)
		return prefix_of;
	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (known[i] == NULL)
			continue;
		d = suggest_distance(word, known[i]);
		if (d < best_d && d < len * EDIT) {
			best_d = d;
			best = known[i];
		}
	}
	return best;
}
