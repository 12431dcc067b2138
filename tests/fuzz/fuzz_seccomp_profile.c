/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: a seccomp profile in docker's format as podd and
 * podd-shim read it (pd_json_load with PD_SC_PROFILE_MAX, then
 * pd_sc_profile_parse). Whatever the bytes, the parse fails cleanly with a
 * message, or gives a profile whose invariants hold: every rule has
 * NULL-terminated names, arguments 0..5, errnos within the kernel's range;
 * and deciding whether each rule applies never fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "seccomp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct pd_sc_profile *p)
{
	if (p->default_errno < -1 || p->default_errno > 4095 || p->n_rules > PD_SC_MAX_RULES)
		abort();
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pd_sc_rule *r = &p->rules[i];
		size_t n = 0;

		while (r->names[n] != NULL)
			if (strlen(r->names[n++]) > PD_SC_NAME_MAX)
				abort();
		if (r->errno_ret < -1 || r->errno_ret > 4095 || r->n_args > PD_SC_MAX_ARGS)
			abort();
		for (size_t a = 0; a < r->n_args; a++)
			if (r->args[a].index > 5)
				abort();
		(void)pd_sc_rule_applies(r, UINT64_MAX, "amd64", 6, 1);
		(void)pd_sc_rule_applies(r, 0, "s390x", 3, 10);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct pd_sc_profile p;
	json_t *j = pd_json_load((const char *)data, size, PD_SC_PROFILE_MAX, &err);

	if (j == NULL)
		return 0;
	if (pd_sc_profile_parse(j, &p, &err) == 0)
		check(&p);
	else if (err.kind == 0 || err.msg[0] == '\0')
		abort();
	pd_sc_profile_clear(&p);
	json_decref(j);
	return 0;
}
