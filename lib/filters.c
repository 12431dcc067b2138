/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matching of filters.h, shared by podctl's lists and the Engine
 * dialect's.
 */
#include "filters.h"

#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "xalloc.h"

bool
pd_filter_labels(const json_t *labels, const json_t *wanted)
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
pd_filter_bool(const json_t *filters, const char *key)
{
	const char *v = json_string_value(json_array_get(json_object_get(filters, key), 0));

	if (v == NULL)
		return -1;
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

bool
pd_filter_any(const json_t *filters, const char *key, const char *s)
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
