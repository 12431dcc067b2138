/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: manifest_parse on any bytes a registry may send, then
 * the platform choice over whatever parsed. A parsed manifest's entries all
 * have valid digests and sizes that are not negative.
 */
#include <stdint.h>
#include <stdlib.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct manifest m;
	struct platform p;

	if (manifest_parse((const char *)data, size, MT_OCI_INDEX, &m, &err) == 0) {
		for (size_t i = 0; i < m.n_entries; i++)
			if (!pd_digest_valid(m.entries[i].digest) || m.entries[i].size < 0)
				abort();
		if (m.kind == MANIFEST_INDEX && platform_parse("linux/amd64", &p, &err) == 0)
			(void)manifest_choose(&m, &p, &err);
	}
	manifest_free(&m);
	return 0;
}
