/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities; see capset.h. The order in shim_caps_apply matters: dropping
 * from the bounding set needs CAP_SETPCAP, which the last step may remove.
 */
#include "capset.h"

#include <errno.h>
#include <sys/capability.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"

int
shim_caps_parse(const char *const *names, size_t n, uint64_t *mask, struct pd_err *err)
{
	*mask = 0;
	for (size_t i = 0; i < n; i++) {
		int v;

		/* lib's names, the ones podd computed the set with: one
		 * resolver for both sides. */
		if (pd_cap_from_name(names[i], &v, err) < 0)
			return -1;
		*mask |= UINT64_C(1) << v;
	}
	return 0;
}

uint64_t
shim_caps_bounding(void)
{
	uint64_t mask = 0;

	for (cap_value_t v = 0; v < 64 && v < cap_max_bits(); v++)
		if (cap_get_bound(v) == 1)
			mask |= UINT64_C(1) << v;
	return mask;
}

/* A user other than root: groups, gid, uid. Leaving uid 0 clears the
 * permitted and effective sets (no SECBIT_KEEP_CAPS), as docker's --user. */
static int
set_user(unsigned uid, unsigned gid, const gid_t *groups, size_t n_groups, struct pd_err *err)
{
	gid_t g = (gid_t)gid;

	if (groups == NULL) {
		groups = &g;
		n_groups = 1;
	}
	if (setgroups(n_groups, groups) < 0)
		return pd_fail_errno(err, errno, "setgroups (%zu groups)", n_groups);
	if (setresgid(g, g, g) < 0)
		return pd_fail_errno(err, errno, "setgid %u", gid);
	if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
		return pd_fail_errno(err, errno, "setuid %u", uid);
	return 0;
}

int
shim_caps_apply(uint64_t mask, unsigned uid, unsigned gid, const gid_t *groups, size_t n_groups,
		bool no_new_privs, struct pd_err *err)
{
	static const cap_flag_t sets[] = {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE};
	cap_value_t max = cap_max_bits();
	cap_t caps;
	int r;

	for (cap_value_t v = 0; v < max; v++) {
		if (v < 64 && (mask & (UINT64_C(1) << v)))
			continue;
		if (cap_drop_bound(v) < 0)
			return pd_fail_errno(err, errno, "drop capability %d from the bounding set",
					     (int)v);
	}
	/* The ambient set: Linux 4.3. */
	if (cap_reset_ambient() < 0)
		return pd_fail_errno(err, errno, "clear the ambient capabilities");
	if ((uid != 0 || gid != 0 || groups != NULL) &&
	    set_user(uid, gid, groups, n_groups, err) < 0)
		return -1;
	caps = cap_init();
	if (caps == NULL)
		return pd_fail_errno(err, errno, "cap_init");
	/* A user other than root keeps none (the empty set clears the
	 * inheritable one too). */
	for (cap_value_t v = 0; v < max && v < 64 && uid == 0; v++) {
		if (!(mask & (UINT64_C(1) << v)))
			continue;
		for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
			if (cap_set_flag(caps, sets[s], 1, &v, CAP_SET) < 0) {
				cap_free(caps);
				return pd_fail_errno(err, errno, "cap_set_flag");
			}
	}
	r = cap_set_proc(caps);
	cap_free(caps);
	if (r < 0)
		return pd_fail_errno(err, errno, "set capabilities");
	/* Off by default, as docker: setuid programs of an image work. */
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return pd_fail_errno(err, errno, "set no_new_privs");
	return 0;
}
