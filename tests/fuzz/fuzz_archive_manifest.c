/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the image formats podd-archive reads from archives and
 * layouts (archive/manifest.c). Any bytes that are JSON go through the
 * manifest, index and docker manifest.json parsers; whatever they accept
 * holds valid digests, and whatever they refuse is PD_E_INVALID or, for an
 * index without the platform, PD_E_NOT_FOUND.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const struct pd_err *err, bool not_found_ok)
{
	if (err->kind != PD_E_INVALID && !(not_found_ok && err->kind == PD_E_NOT_FOUND))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load((const char *)data, size, 1 << 20, &err);
	struct docker_image *imgs = NULL;
	enum manifest_kind kind;
	struct manifest m;
	char name[PD_IMGREF_MAX], why[PD_ERR_MSG_MAX];
	struct desc d;
	size_t n = 0;

	if (j == NULL)
		return 0;
	if (manifest_kind(j, &kind, &err) < 0)
		check_err(&err, false);
	if (manifest_parse(j, &m, &err) == 0) {
		if (!pd_digest_valid(m.config.digest))
			abort();
		for (size_t i = 0; i < m.nlayers; i++)
			if (!pd_digest_valid(m.layers[i].digest))
				abort();
		manifest_free(&m);
	} else {
		check_err(&err, false);
	}
	if (index_choose(j, "linux", "amd64", &d, &err) == 0) {
		if (!pd_digest_valid(d.digest))
			abort();
	} else {
		check_err(&err, true);
	}
	for (size_t i = 0; i < json_array_size(json_object_get(j, "manifests")); i++)
		if (index_entry_name(json_array_get(json_object_get(j, "manifests"), i), name,
				     sizeof(name), why, sizeof(why)) == 1 &&
		    strchr(name, '/') == NULL)
			abort();
	if (docker_manifest_parse(j, &imgs, &n, &err) == 0)
		docker_images_free(imgs, n);
	else
		check_err(&err, false);
	json_decref(j);
	return 0;
}
