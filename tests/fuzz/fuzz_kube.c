/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: `podctl kube play`'s input. Any bytes through the YAML
 * loader (cli/kube_yaml.h), then what loads through the manifest model
 * (cli/kube_model.h), strict and not; what loads must dump as YAML and
 * load back equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kube_model.h"
#include "kube_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct kube_plan plan = {0};
	json_t *docs, *again;
	char *text;

	docs = kube_yaml_load_all((const char *)data, size, &err);
	if (docs == NULL) {
		if (err.kind != PD_E_INVALID && err.kind != PD_E_TOO_LARGE)
			abort();
		return 0;
	}
	for (int strict = 0; strict < 2; strict++) {
		if (kube_plan_make(docs, NULL, strict, &plan, &err) == 0)
			kube_plan_clear(&plan);
		else if (err.kind != PD_E_INVALID)
			abort();
	}
	text = kube_yaml_dump_all(docs, &err);
	if (text == NULL)
		abort();
	again = kube_yaml_load_all(text, strlen(text), &err);
	if (again == NULL || !json_equal(docs, again))
		abort();
	json_decref(again);
	free(text);
	json_decref(docs);
	return 0;
}
