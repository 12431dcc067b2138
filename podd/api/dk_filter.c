/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine's `filters` parameter (dk_query_filters reads it), matched the
 * Engine's way: the keys of a filter are ANDed, the values of one key ORed,
 * except labels, where every "key" or "key=value" must hold.
 */
#include <string.h>

#include "cleanup.h"
#include "dk.h"
#include "xalloc.h"

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

bool
dk_filter_labels(const json_t *labels, const json_t *wanted)
{
	const json_t *v;
	size_t i;

	json_array_foreach (wanted, i, v) {
		const char *s = json_string_value(v), *eq = s != NULL ? strchr(s, '=') : NULL;
		cleanup_free char *key = NULL;
		const json_t *have;

		if (s == NULL)
			return false;
		key = eq != NULL ? xstrndup(s, (size_t)(eq - s)) : xstrdup(s);
		have = json_object_get(labels, key);
		if (have == NULL || (eq != NULL && (!json_is_string(have) ||
						    strcmp(json_string_value(have), eq + 1) != 0)))
			return false;
	}
	return true;
}

int
dk_filter_bool(const json_t *filters, const char *key)
{
	const char *v = json_string_value(json_array_get(json_object_get(filters, key), 0));

	if (v == NULL)
		return -1;
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

bool
dk_filter_any(const json_t *filters, const char *key, const char *s)
{
	const json_t *list = json_object_get(filters, key), *v;
	size_t i;

	if (json_array_size(list) == 0)
		return true;
	json_array_foreach (list, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}
