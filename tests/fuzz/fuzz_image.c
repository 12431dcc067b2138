/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what the image store reads from outside, as podd reads
 * it: a manifest and a config (blobs a registry or an archive brought,
 * image_manifest_parse / image_config_parse) and the image endpoints'
 * bodies (image_request.h). Whatever the bytes: an error, or a struct
 * whose digests are valid and whose counts are within their limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image_manifest.h"
#include "image_request.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct image_manifest *m = calloc(1, sizeof(*m));
	char created[IMAGE_CREATED_MAX];
	struct image_import_req ir;
	struct image_save_req sr;
	char name[PD_IMGREF_MAX];
	long long fd;
	json_t *j = pd_json_load((const char *)data, size, 64 * 1024, &err);

	if (m == NULL)
		abort();
	if (j == NULL) {
		free(m);
		return 0;
	}
	if (image_manifest_parse(j, m, &err) == 0) {
		if (!pd_digest_valid(m->config) || m->n_layers > IMAGE_MAX_LAYERS)
			abort();
		for (size_t i = 0; i < m->n_layers; i++)
			if (!pd_digest_valid(m->layers[i].digest) || m->layers[i].size < 0)
				abort();
		/* The same document as its own config. */
		if (image_config_parse(j, m, created, &err) == 0)
			for (size_t i = 0; i < m->n_layers; i++)
				if (!pd_digest_valid(m->layers[i].diff_id))
					abort();
	}
	if (image_import_req_parse(j, &ir, &err) == 0 && ir.name[0] == '\0')
		abort();
	if (image_load_req_parse(j, &fd, &err) == 0 && fd < 0)
		abort();
	if (image_save_req_parse(j, &sr, &err) == 0 &&
	    (sr.n_refs == 0 || sr.n_refs > PD_IMAGE_SAVE_MAX || sr.fd < 0))
		abort();
	(void)image_tag_req_parse(j, name, &err);
	json_decref(j);
	free(m);
	return 0;
}
