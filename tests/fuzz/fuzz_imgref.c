/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: pd_imgref_parse on any bytes. A reference that parses
 * formats to a string that parses again to the same reference, and its
 * parts are safe to put in a URL path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct pd_imgref ref, again;
	char buf[PD_IMGREF_MAX];
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pd_imgref_parse(s, &ref, &err) == 0) {
		pd_imgref_format(&ref, buf, sizeof(buf));
		if (pd_imgref_parse(buf, &again, &err) < 0 ||
		    memcmp(&ref, &again, sizeof(ref)) != 0)
			abort();
		if (strstr(ref.path, "..") != NULL || strpbrk(ref.path, "?#% ") != NULL ||
		    ref.registry[0] == '\0' || (ref.tag[0] == '\0' && ref.digest[0] == '\0'))
			abort();
		pd_imgref_familiar(&ref, buf, sizeof(buf));
	} else if (err.kind != PD_E_INVALID) {
		abort();
	}
	free(s);
	return 0;
}
