/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: pd_name_validate and pd_is_id_prefix on any bytes. A name
 * that passes must be safe as one path component, and the verdict must agree
 * with the rule written out plainly here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
plain_rule(const char *s, size_t len)
{
	if (len == 0 || len > PD_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	char *s = malloc(size + 1);
	size_t len;
	int ok;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	ok = pd_name_validate(s, "name", &err) == 0;
	if (ok != plain_rule(s, len))
		abort();
	if (ok && (strchr(s, '/') != NULL || strcmp(s, ".") == 0 || strcmp(s, "..") == 0))
		abort();
	if (!ok &&
	    (err.kind != PD_E_INVALID || strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg)))
		abort();
	if (pd_is_id_prefix(s) &&
	    (len == 0 || len > PD_ID_LEN || strspn(s, "0123456789abcdef") != len))
		abort();
	free(s);
	return 0;
}
