/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device paths and permissions; see device.h.
 */
#include "device.h"

#include <string.h>

#include "name.h"

bool
pd_dev_path_valid(const char *path)
{
	const char *p = path + 5;

	if (strncmp(path, "/dev/", 5) != 0 || strlen(path) >= PD_DEV_PATH_MAX)
		return false;
	return pd_components_ok(p, "/");
}

int
pd_dev_perms_parse(const char *s, char *out, struct pd_err *err)
{
	static const char order[] = "rwm";
	size_t n = 0;

	if (s[0] == '\0' || strlen(s) > 3 || strspn(s, order) != strlen(s))
		goto bad;
	for (size_t i = 0; i < 3; i++) {
		const char *c = strchr(s, order[i]);

		if (c != NULL && strchr(c + 1, order[i]) != NULL)
			goto bad;
		if (c != NULL)
			out[n++] = order[i];
	}
	out[n] = '\0';
	return 0;
bad:
	return pd_fail(err, PD_E_INVALID,
		       "device permissions \"%.16s\" are not a combination of r, w and m", s);
}
