/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the container spec as podd-shim reads it (pd_json_load
 * with PD_SHIM_SPEC_MAX, then shim_spec_parse). Whatever the bytes, the
 * parse must fail cleanly or give a spec whose invariants hold: a command,
 * NULL-terminated arrays, absolute paths, and a PATH to search.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shim.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct shim_spec spec;
	json_t *j = pd_json_load((const char *)data, size, PD_SHIM_SPEC_MAX, &err);

	if (j == NULL)
		return 0;
	if (shim_spec_parse(j, &spec, &err) == 0) {
		if (spec.n_args == 0 || spec.args[spec.n_args] != NULL ||
		    spec.env[spec.n_env] != NULL || spec.caps[spec.n_caps] != NULL)
			abort();
		if (spec.rootfs[0] != '/' || spec.log[0] != '/' || spec.cwd[0] != '/' ||
		    spec.path == NULL)
			abort();
		if (!spec.read_only && (spec.upper == NULL || spec.work == NULL))
			abort();
	} else if (err.kind == 0 || err.msg[0] == '\0') {
		abort();
	}
	shim_spec_clear(&spec);
	json_decref(j);
	return 0;
}
