/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: podd/events_query on a NUL-terminated copy of the
 * input, taken as a since/until value and as a filter; a filter accepted
 * must then match an event without crashing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct events_query q;
	struct pd_err err = {0};
	int64_t t;
	json_t *ev;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)events_parse_time(s, 1700000000LL * 1000000000LL, &t, &err);
	events_query_init(&q);
	if (events_query_add_filter(&q, s, &err) == 0) {
		ev = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "container", "action", "die",
			       "id", "0123456789abcdef", "name", s, "pod", "p");
		(void)events_query_match(&q, ev);
		json_decref(ev);
	}
	free(s);
	return 0;
}
