/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/caps: names both ways and Docker's add/drop rules.
 */
#include <linux/capability.h>

#include "caps.h"
#include "unit.h"

static void
test_names_match_the_kernel(void)
{
	int n = -1;
	struct pd_err err = {0};

	CHECK_INT(PD_CAP_LAST, ==, CAP_LAST_CAP);
	CHECK_STR(pd_cap_name(CAP_NET_ADMIN), ==, "CAP_NET_ADMIN");
	CHECK_STR(pd_cap_name(CAP_CHECKPOINT_RESTORE), ==, "CAP_CHECKPOINT_RESTORE");
	CHECK(pd_cap_name(-1) == NULL);
	CHECK(pd_cap_name(PD_CAP_LAST + 1) == NULL);
	CHECK_INT(pd_cap_from_name("NET_ADMIN", &n, &err), ==, 0);
	CHECK_INT(n, ==, CAP_NET_ADMIN);
	CHECK_INT(pd_cap_from_name("cap_sys_ptrace", &n, &err), ==, 0);
	CHECK_INT(n, ==, CAP_SYS_PTRACE);
	CHECK_INT(pd_cap_from_name("NET_MAGIC", &n, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_STR(err.msg, ==, "unknown capability \"NET_MAGIC\"");
	CHECK_INT(pd_cap_from_name("", &n, &err), ==, -1);
	CHECK_INT(pd_cap_from_name("CAP_", &n, &err), ==, -1);
}

static void
test_default_is_dockers(void)
{
	uint64_t set = 0;
	struct pd_err err = {0};

	CHECK_INT(pd_caps_compute(NULL, NULL, &set, &err), ==, 0);
	CHECK(set == pd_caps_default());
	CHECK(set & (UINT64_C(1) << CAP_NET_RAW));
	CHECK(!(set & (UINT64_C(1) << CAP_NET_ADMIN)));
	CHECK(!(set & (UINT64_C(1) << CAP_SYS_ADMIN)));
	CHECK_INT(__builtin_popcountll(set), ==, 14);
}

static void
test_add_and_drop(void)
{
	const char *add[] = {"NET_ADMIN", NULL}, *drop[] = {"NET_RAW", "CAP_CHOWN", NULL};
	const char *all[] = {"ALL", NULL}, *both[] = {"NET_ADMIN", NULL};
	const char *bad[] = {"NET_MAGIC", NULL};
	uint64_t set = 0;
	struct pd_err err = {0};

	CHECK_INT(pd_caps_compute(add, drop, &set, &err), ==, 0);
	CHECK(set & (UINT64_C(1) << CAP_NET_ADMIN));
	CHECK(!(set & (UINT64_C(1) << CAP_NET_RAW)));
	CHECK(!(set & (UINT64_C(1) << CAP_CHOWN)));
	/* --cap-drop ALL --cap-add NET_ADMIN: only NET_ADMIN. */
	CHECK_INT(pd_caps_compute(add, all, &set, &err), ==, 0);
	CHECK(set == (UINT64_C(1) << CAP_NET_ADMIN));
	/* --cap-add ALL --cap-drop NET_RAW: everything else. */
	CHECK_INT(pd_caps_compute(all, drop, &set, &err), ==, 0);
	CHECK(set == (PD_CAP_ALL & ~(UINT64_C(1) << CAP_NET_RAW) & ~(UINT64_C(1) << CAP_CHOWN)));
	/* Added and dropped: the add wins, as in docker. */
	CHECK_INT(pd_caps_compute(both, both, &set, &err), ==, 0);
	CHECK(set & (UINT64_C(1) << CAP_NET_ADMIN));
	CHECK_INT(pd_caps_compute(bad, NULL, &set, &err), ==, -1);
	CHECK_STR(err.msg, ==, "unknown capability \"NET_MAGIC\"");
	CHECK_INT(pd_caps_compute(NULL, bad, &set, &err), ==, -1);
}

static const struct unit_case cases[] = {
    {"names_match_the_kernel", test_names_match_the_kernel},
    {"default_is_dockers", test_default_is_dockers},
    {"add_and_drop", test_add_and_drop},
};

UNIT_MAIN(cases)
