/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: mounts, as podd reads them. The bytes are tried as one
 * value of -v, --tmpfs and --mount, and as a record's "mounts" array (JSON).
 * Whatever is accepted must have an absolute, clean target other than "/",
 * and survive a JSON round trip unchanged; whatever is refused must say why
 * on one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mount_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const struct pd_err *err)
{
	if (err->kind != PD_E_INVALID || strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg) ||
	    strchr(err->msg, '\n') != NULL)
		abort();
}

static void
check_mount(const struct mount_spec *m)
{
	struct mount_spec back;
	struct pd_err err = {0};
	json_t *j, *again;

	if (m->target == NULL || m->target[0] != '/' || strcmp(m->target, "/") == 0 ||
	    strstr(m->target, "//") != NULL || strstr(m->target, "/../") != NULL ||
	    m->target[strlen(m->target) - 1] == '/')
		abort();
	if (m->type == MOUNT_BIND && m->source[0] != '/')
		abort();
	if (m->anonymous)
		return; /* unnamed until podd names it: no record holds it so */
	j = mount_spec_to_json(m);
	if (mount_spec_from_json(j, &back, &err) < 0)
		abort();
	again = mount_spec_to_json(&back);
	if (!json_equal(j, again))
		abort();
	json_decref(j);
	json_decref(again);
	mount_spec_clear(&back);
}

static void
fuzz_flag(int (*parse)(const char *, struct mount_spec *, struct pd_err *), const char *s)
{
	struct mount_spec m;
	struct pd_err err = {0};

	if (parse(s, &m, &err) < 0)
		check_err(&err);
	else
		check_mount(&m);
	mount_spec_clear(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	char *s = malloc(size + 1);
	json_t *j;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_flag(mount_spec_parse_volume, s);
	fuzz_flag(mount_spec_parse_tmpfs, s);
	fuzz_flag(mount_spec_parse_mount, s);
	free(s);
	j = pd_json_load((const char *)data, size, 64 * 1024, &err);
	if (j != NULL) {
		if (mount_spec_check_list(j, &err) < 0 && err.kind != PD_E_INVALID)
			abort();
		json_decref(j);
	}
	return 0;
}
