/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the create-pod request body and the pod state file, as
 * podd reads them (pd_json_load, then pod_spec_parse / pod_record_from_json).
 * Whatever the bytes, the parsers must return an error or a valid struct,
 * and a record that parses must survive a round trip unchanged.
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
		json_t *again = pod_record_to_json(&rec);

		if (!json_equal(j, again))
			abort();
		json_decref(again);
	}
	pod_record_clear(&rec);
	json_decref(j);
	return 0;
}
