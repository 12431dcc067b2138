/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the create-pod request body and the pod state file, as
 * podd reads them (pd_json_load, then pod_spec_parse / pod_record_from_json).
 * Whatever the bytes, the parsers must return an error or a valid struct,
 * and a record that parses is stable once written again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pod_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct pod_spec spec;
	struct pod_record rec;
	json_t *j = pd_json_load((const char *)data, size, 64 * 1024, &err);

	if (j == NULL)
		return 0;
	if (pod_spec_parse(j, &spec, &err) == 0 && strlen(spec.name) == 0)
		abort();
	pod_spec_clear(&spec);
	if (pod_record_from_json(j, &rec, &err) == 0) {
		/* A record of an older podd gains the fields it lacked (their
		 * defaults) when written again; from then on it is stable. */
		json_t *once = pod_record_to_json(&rec), *twice;
		struct pod_record back;

		if (pod_record_from_json(once, &back, &err) < 0)
			abort();
		twice = pod_record_to_json(&back);
		if (!json_equal(once, twice))
			abort();
		json_decref(once);
		json_decref(twice);
		pod_record_clear(&back);
	}
	pod_record_clear(&rec);
	json_decref(j);
	return 0;
}
