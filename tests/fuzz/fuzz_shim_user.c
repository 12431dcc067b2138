/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: a container's /etc/passwd and /etc/group as the shim
 * reads them to resolve a user (shim/user.h; issue 11). The input is split
 * at its first NUL into the two files; whatever they hold, resolving a few
 * users gives an error or ids, a home that is a string within its buffer,
 * and at most SHIM_MAX_GROUPS groups.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const users[] = {"root",      "app",   "0",       "1000",
					    "app:extra", "1:app", "nobody:0"};
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t plen = nul != NULL ? (size_t)(nul - text) : size;
	const char *group = nul != NULL ? nul + 1 : NULL;
	size_t glen = nul != NULL ? size - plen - 1 : 0;

	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		struct shim_user u;
		struct pd_err err = {0};

		if (shim_user_resolve_buf(users[i], text, plen, group, glen, &u, &err) < 0)
			continue;
		if (u.n_groups > SHIM_MAX_GROUPS || memchr(u.home, '\0', sizeof(u.home)) == NULL)
			abort();
	}
	return 0;
}
