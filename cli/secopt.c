/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --security-opt; see secopt.h.
 */
#include "secopt.h"

#include <fcntl.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "seccomp_profile.h"
#include "xalloc.h"

#define SECCOMP_PRE "seccomp="

int
secopt_body(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	cleanup_json json_t *list = json_array();

	for (size_t i = 0; i < v->count; i++) {
		const char *opt = v->values[i], *file = opt + strlen(SECCOMP_PRE);
		cleanup_free char *text = NULL, *joined = NULL;
		json_t *item;
		size_t len;

		if (strncmp(opt, SECCOMP_PRE, strlen(SECCOMP_PRE)) != 0 ||
		    strcmp(file, "unconfined") == 0 || strcmp(file, "builtin") == 0) {
			item = json_string(opt);
			if (item == NULL)
				return pd_fail(err, PD_E_INVALID,
					       "--security-opt \"%.64s\" is not valid UTF-8", opt);
			json_array_append_new(list, item);
			continue;
		}
		if (*file == '\0')
			return pd_fail(
			    err, PD_E_INVALID,
			    "--security-opt seccomp= needs a profile file, unconfined or "
			    "builtin");
		if (pd_file_read(AT_FDCWD, file, PD_SC_PROFILE_MAX, &text, &len, err) < 0)
			return pd_err_prefix(err, "--security-opt seccomp profile %s", file);
		if (strlen(text) != len)
			return pd_fail(err, PD_E_INVALID,
				       "--security-opt seccomp profile %s: not a text file", file);
		joined = xasprintf("%s%s", SECCOMP_PRE, text);
		item = json_string(joined);
		if (item == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "--security-opt seccomp profile %s: not valid UTF-8", file);
		json_array_append_new(list, item);
	}
	json_object_set_new(body, PD_F_SECURITY_OPT, steal_ptr(list));
	return 0;
}
