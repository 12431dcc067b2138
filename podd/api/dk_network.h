/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the Engine dialect's network and volume endpoints share: the
 * `filters` the Engine gives both of them.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

/* Whether @labels (an object of strings, or NULL) has every label that
 * @wanted (the filter's values: "key" or "key=value") names. */
bool dk_filter_labels(const json_t *labels, const json_t *wanted);

/* Whether @filters ({"key": ["v", ...]}) has only keys of @known
 * (NULL-terminated); else *@bad is the first other key. */
bool dk_filters_known(const json_t *filters, const char *const *known, const char **bad);

/* The filter @key's boolean value (its first): absent is -1, else 0 or 1. */
int dk_filter_bool(const json_t *filters, const char *key);

/* Whether some value of the filter @key is @s (exact), or the filter is
 * absent. */
bool dk_filter_any(const json_t *filters, const char *key, const char *s);
