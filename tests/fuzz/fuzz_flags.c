/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: podctl's flag parser over any argument vector. The input
 * is split at NUL bytes into argv strings. Whatever the words, the parser
 * must succeed with every operand and value pointing into argv, or fail
 * with PD_E_INVALID and nothing allocated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct flag_spec specs[] = {
    {"time", "timeout", 't', FLAG_VALUE, "SECS", "wait"},
    {"force", NULL, 'f', FLAG_BOOL, NULL, "force"},
    {"quiet", NULL, 'q', FLAG_BOOL, NULL, "ids"},
    {"label", NULL, 'l', FLAG_LIST, "K=V", "label"},
    {"net", "network", 0, FLAG_VALUE, "MODE", "net"},
    {.name = NULL},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[64];
	int argc = 0;
	struct flags f = {0};
	struct pd_err err = {0};

	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; p <= buf + size && argc < 64; p += strlen(p) + 1)
		argv[argc++] = p;
	for (unsigned opts = 0; opts <= FLAGS_STOP_AT_OPERAND; opts++) {
		if (flags_parse(specs, opts, argc, argv, &f, &err) == 0) {
			for (size_t i = 0; i < f.nargs; i++)
				if (f.args[i] < buf || f.args[i] > buf + size)
					abort();
		} else if (err.kind != PD_E_INVALID || f.v != NULL || f.args != NULL) {
			abort();
		}
		flags_free(&f);
	}
	free(buf);
	return 0;
}
