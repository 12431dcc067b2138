/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the create-container request body and the container
 * state file, as podd reads them. Whatever the bytes, the parsers return an
 * error or a valid struct, and a record that parses survives a round trip.
 * The bytes are also an image's configuration (issue 11, ctr_image.h): the
 * merge with a request gives an error or a spec with a command to run.
 * Its Healthcheck (probes branch) gives an error, none, or a healthcheck
 * whose canonical form is its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr_image.h"
#include "ctr_spec.h"
#include "json.h"
#include "probe_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct ctr_spec spec;
	struct ctr_record rec;
	json_t *j = pd_json_load((const char *)data, size, 64 * 1024, &err);

	if (j == NULL)
		return 0;
	if (ctr_spec_parse(j, &spec, &err) == 0 && ctr_image_apply(&spec, NULL, &err) == 0 &&
	    (json_array_size(spec.command) == 0 || spec.workdir == NULL))
		abort();
	ctr_spec_clear(&spec);
	{
		/* The bytes as an image's config, under a request without a
		 * command of its own. */
		json_t *req = json_pack("{s:s}", "image", "i");

		if (ctr_spec_parse(req, &spec, &err) == 0 && ctr_image_apply(&spec, j, &err) == 0 &&
		    (json_array_size(spec.command) == 0 || spec.workdir == NULL ||
		     spec.image_config == NULL))
			abort();
		ctr_spec_clear(&spec);
		json_decref(req);
	}
	{
		json_t *hc = NULL, *again = NULL;

		if (probe_health_from_image(j, &hc, &err) == 0 && hc != NULL &&
		    (probe_spec_canonical(hc, PROBE_HEALTH, &again, &err) < 0 ||
		     !json_equal(hc, again)))
			abort();
		json_decref(hc);
		json_decref(again);
	}
	/* A record read and written again reads back the same. Not equal to
	 * the bytes themselves: a record of an older podd gains the keys of
	 * the newer one (their defaults), and a false flag is not written. */
	if (ctr_record_from_json(j, &rec, &err) == 0) {
		json_t *once = ctr_record_to_json(&rec), *twice = NULL;
		struct ctr_record rec2;

		memset(&rec2, 0, sizeof(rec2));
		if (ctr_record_from_json(once, &rec2, &err) < 0)
			abort();
		twice = ctr_record_to_json(&rec2);
		if (!json_equal(once, twice))
			abort();
		ctr_spec_clear(&rec2.spec);
		json_decref(once);
		json_decref(twice);
	}
	ctr_spec_clear(&rec.spec);
	json_decref(j);
	return 0;
}
