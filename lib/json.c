/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON helpers over jansson; see json.h.
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "file.h"

json_t *
pd_json_load(const char *buf, size_t len, size_t max, struct pd_err *err)
{
	json_error_t jerr;
	json_t *j;

	if (len > max) {
		pd_fail(err, PD_E_TOO_LARGE, "JSON of %zu bytes is over the limit of %zu", len,
			max);
		return NULL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (j == NULL)
		pd_fail(err, PD_E_INVALID, "bad JSON at line %d column %d: %s", jerr.line,
			jerr.column, jerr.text);
	return j;
}

json_t *
pd_json_load_file(int dirfd, const char *name, size_t max, struct pd_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len;
	json_t *j;

	if (pd_file_read(dirfd, name, max, &buf, &len, err) < 0)
		return NULL;
	j = pd_json_load(buf, len, max, err);
	if (j == NULL)
		pd_err_prefix(err, "%s", name);
	return j;
}

char *
pd_json_dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY | PD_JSON_REALS);

	if (s == NULL)
		abort(); /* only on out of memory */
	return s;
}

int
pd_json_save(int dirfd, const char *name, const json_t *j, struct pd_err *err)
{
	cleanup_free char *s = pd_json_dump(j);

	return pd_file_write_atomic(dirfd, name, s, strlen(s), err);
}

int
pd_json_check_keys(const json_t *obj, const char *what, const char *const *allowed,
		   struct pd_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return pd_fail(err, PD_E_INVALID, "%s: expected a JSON object", what);
	json_object_foreach ((json_t *)obj, key, v) {
		bool ok = false;

		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok)
			return pd_fail(err, PD_E_INVALID, "%s: unknown field \"%s\"", what, key);
	}
	return 0;
}

int
pd_json_get_string(const json_t *obj, const char *key, const char **out, struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be a string", key);
	*out = json_string_value(v);
	return 0;
}

int
pd_json_get_bool(const json_t *obj, const char *key, bool *out, struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

int
pd_json_get_int(const json_t *obj, const char *key, long long min, long long max, long long *out,
		struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);
	long long n;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an integer", key);
	n = json_integer_value(v);
	if (n < min || n > max)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be between %lld and %lld", key,
			       min, max);
	*out = n;
	return 0;
}

int
pd_json_save_volatile(int dirfd, const char *name, const json_t *j, struct pd_err *err)
{
	cleanup_free char *s = pd_json_dump(j);

	return pd_file_write_volatile(dirfd, name, s, strlen(s), err);
}

int
pd_json_get_tty_size(const json_t *obj, const char *key, unsigned short *rows, unsigned short *cols,
		     struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);
	json_int_t r, c;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) != 2 ||
	    !json_is_integer(json_array_get(v, 0)) || !json_is_integer(json_array_get(v, 1)))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be [rows, cols]", key);
	r = json_integer_value(json_array_get(v, 0));
	c = json_integer_value(json_array_get(v, 1));
	if (r < 1 || r > 65535 || c < 1 || c > 65535)
		return pd_fail(err, PD_E_INVALID, "field \"%s\": rows and cols are 1..65535", key);
	*rows = (unsigned short)r;
	*cols = (unsigned short)c;
	return 0;
}
