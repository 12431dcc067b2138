/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: pd_json_load on any bytes, then what an API handler does
 * with the value: pd_json_check_keys and the typed getters. A value that
 * loads must dump deterministically and load back equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed[] = {"name", "labels", "ports", "restart", "tty", NULL};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	const char *str = NULL;
	long long n = 0;
	bool b = false;
	json_t *j, *again;
	char *dump, *dump2;

	j = pd_json_load((const char *)data, size, (size_t)64 * 1024, &err);
	if (j == NULL) {
		if (err.kind != PD_E_INVALID && err.kind != PD_E_TOO_LARGE)
			abort();
		return 0;
	}
	if (pd_json_check_keys(j, "pod", allowed, &err) < 0 && err.kind != PD_E_INVALID)
		abort();
	pd_json_get_string(j, "name", &str, &err);
	pd_json_get_bool(j, "tty", &b, &err);
	pd_json_get_int(j, "restart", 0, 100, &n, &err);
	if (n < 0 || n > 100)
		abort();

	/* A real is written with 15 significant digits (PD_JSON_REALS), so the
	 * first dump may round it; from then on what is written reads back
	 * the same: the dumps are compared, not the first value. */
	dump = pd_json_dump(j);
	again = pd_json_load(dump, strlen(dump), 1 << 20, &err);
	if (again == NULL)
		abort();
	dump2 = pd_json_dump(again);
	if (strcmp(dump, dump2) != 0)
		abort();
	free(dump);
	free(dump2);
	json_decref(again);
	json_decref(j);
	return 0;
}
