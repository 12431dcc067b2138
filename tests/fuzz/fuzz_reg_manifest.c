/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: reg_manifest_parse on any bytes a registry may send, then
 * the platform choice over whatever parsed. A parsed manifest's entries all
 * have valid digests and sizes that are not negative.
 */
#include <stdint.h>
#include <stdlib.h>

#include "reg_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct reg_manifest m;
	struct reg_platform p;

	if (reg_manifest_parse((const char *)data, size, REG_MT_OCI_INDEX, &m, &err) == 0) {
		for (size_t i = 0; i < m.n_entries; i++)
			if (!pd_digest_valid(m.entries[i].digest) || m.entries[i].size < 0)
				abort();
		if (m.kind == REG_MANIFEST_INDEX &&
		    reg_platform_parse("linux/amd64", &p, &err) == 0)
			(void)reg_manifest_choose(&m, &p, &err);
	}
	reg_manifest_free(&m);
	return 0;
}
