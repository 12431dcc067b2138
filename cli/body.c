/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request bodies from flags; see body.h.
 */
#include "body.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>
#include <termios.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "name.h"
#include "parse.h"
#include "xalloc.h"

/* The largest uid or gid: (uid_t)-1 means "no change" to the kernel. */

int
body_set_string(json_t *obj, const char *key, const char *value, const char *flag,
		struct pd_err *err)
{
	if (json_object_set_new(obj, key, json_string(value)) < 0)
		return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" is not valid UTF-8", flag, value);
	return 0;
}

int
body_set_strings(json_t *obj, const char *key, const char *const *values, size_t n,
		 const char *flag, struct pd_err *err)
{
	cleanup_json json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(values[i])) < 0)
			return pd_fail(err, PD_E_INVALID, "%s \"%.64s\" is not valid UTF-8", flag,
				       values[i]);
	return json_object_set_new(obj, key, steal_ptr(a)) < 0 ? -1 : 0;
}

int
body_set_env(json_t *obj, const struct flag_value *v, struct pd_err *err)
{
	cleanup_json json_t *env = json_array();

	for (size_t i = 0; i < v->count; i++) {
		const char *kv = v->values[i], *value;
		cleanup_free char *joined = NULL;
		json_t *s;

		if (kv[0] == '=' || kv[0] == '\0')
			return pd_fail(err, PD_E_INVALID, "--env \"%.64s\": no variable name", kv);
		if (strchr(kv, '=') == NULL) {
			value = getenv(kv);
			if (value == NULL)
				continue;
			joined = xasprintf("%s=%s", kv, value);
			kv = joined;
		}
		s = json_string(kv);
		if (s == NULL)
			return pd_fail(err, PD_E_INVALID, "--env \"%.64s\" is not valid UTF-8", kv);
		json_array_append_new(env, s);
	}
	return json_object_set_new(obj, PD_F_ENV, steal_ptr(env)) < 0 ? -1 : 0;
}

int
body_set_user(json_t *obj, const char *user, struct pd_err *err)
{
	if (pd_user_validate(user, err) < 0)
		return pd_err_prefix(err, "--user");
	json_object_set_new(obj, PD_F_USER, json_string(user));
	return 0;
}

int
body_set_terminal(json_t *obj, bool tty, bool interactive, bool attached, struct pd_err *err)
{
	struct winsize ws;

	if (attached && tty && interactive && !isatty(STDIN_FILENO))
		return pd_fail(err, PD_E_INVALID, "the input device is not a TTY (drop -t)");
	json_object_set_new(obj, PD_F_TTY, json_boolean(tty));
	json_object_set_new(obj, PD_F_STDIN, json_boolean(interactive));
	if (tty && isatty(STDIN_FILENO) && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0)
		json_object_set_new(obj, PD_F_TTY_SIZE, json_pack("[i, i]", ws.ws_row, ws.ws_col));
	return 0;
}
