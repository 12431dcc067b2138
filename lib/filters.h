/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docker's list filters, matched the same way for podctl's --filter and the
 * Engine's `filters` parameter: a set of filters is an object of arrays,
 * {"KEY": ["VALUE", ...]}; the keys are ANDed, the values of one key ORed,
 * except labels, where every "key" or "key=value" must hold. Pure.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

/* Whether @labels (an object of strings, or NULL) has every "key" or
 * "key=value" of @wanted (the label filter's values; NULL: yes). */
bool pd_filter_labels(const json_t *labels, const json_t *wanted);

/* The filter @key's boolean value (its first): absent is -1, else 0 or 1
 * ("1" or "true", any case, is 1). */
int pd_filter_bool(const json_t *filters, const char *key);

/* Whether some value of the filter @key is @s, or the filter is absent. */
bool pd_filter_any(const json_t *filters, const char *key, const char *s);
