/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine's `filters` parameter (dk_query_filters reads it): its keys
 * checked here, matched by lib/filters.h as podctl's --filter is.
 */
#include <string.h>

#include "dk.h"

int
dk_filters_check(struct dk_req *r, const json_t *filters, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)filters, key, v) {
		size_t i;

		for (i = 0; known[i] != NULL && strcmp(known[i], key) != 0; i++)
			;
		if (known[i] == NULL) {
			dk_reply_error(r, 400, "invalid filter '%s'", key);
			return -1;
		}
	}
	return 0;
}
