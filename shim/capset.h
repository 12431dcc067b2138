/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applying capabilities, through libcap (named capset.h, not caps.h: lib's
 * caps.h names and computes the sets). The spec's list becomes the whole of the
 * workload's bounding, permitted, effective and inheritable sets, its
 * ambient set is emptied, and no_new_privs is set when asked, so that
 * nothing it execs can gain more (off by default, as docker's
 * no-new-privileges: a setuid program of the image gains its owner's ids). Names are resolved in
 * the shim with lib's resolver, the one podd computed the set with (a bad one is an error before
 * anything starts); the sets are applied in the workload's child.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Resolve the "CAP_..." @names with pd_cap_from_name into the bit mask @mask
 * (bit N = capability N). An unknown name is PD_E_INVALID naming it. */
int shim_caps_parse(const char *const *names, size_t n, uint64_t *mask, struct pd_err *err);

/* issue 13: the capabilities of the shim's own bounding set, which are all
 * a privileged container can have (where the shim itself runs with fewer
 * than the kernel knows, as in a container). */
uint64_t shim_caps_bounding(void);

/* In the child: drop every capability outside @mask from the bounding set,
 * clear the ambient set, take the user @uid:@gid (when not 0:0; its only
 * group is @gid), set permitted, effective and inheritable to @mask (to
 * nothing for a uid other than 0), and set no_new_privs when
 * @no_new_privs. With @groups not
 * NULL (a user resolved by name, user.h), the user is taken even for 0:0
 * and its supplementary groups are the @n_groups of @groups (maybe none). */
int shim_caps_apply(uint64_t mask, unsigned uid, unsigned gid, const gid_t *groups, size_t n_groups,
		    bool no_new_privs, struct pd_err *err);
