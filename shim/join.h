/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The namespaces of the spec, entered by the shim itself before it clones
 * the workload: held namespace files are joined with setns, a pidfd's PID
 * namespace becomes the one the workload is born in, and new net, ipc and
 * uts namespaces are made with unshare and held by bind mounts on the spec's
 * hold paths (so podd can join them again after the workload is gone). In a
 * new network namespace lo is brought up; in a new uts one the hostname set.
 */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "spec.h"

/* What shim_join did that shim_join_undo must take back. */
struct shim_joined {
	bool held[SHIM_NS_COUNT]; /* a hold file was made for this namespace */
	int clone_flags;          /* for the workload: CLONE_NEWPID or 0 */
	int own_pid_ns;           /* owned, -1 if unused: the shim's PID namespace,
				   * to return to once the workload is cloned */
};

/* Enter the namespaces of @spec (see above). The pidfd of a "fd:N" PID
 * namespace is closed once used. On failure what was held is undone and
 * -1 returned; the shim's own namespaces may be left changed (it exits). */
int shim_join(const struct shim_spec *spec, struct shim_joined *joined, struct pd_err *err);

/* After a joined PID namespace was used for the workload: make the shim's
 * later children (none of its own, but a sanitizer's helper tasks) be born
 * in the shim's PID namespace again, where they can see the shim. Closes
 * own_pid_ns. */
int shim_join_pid_return(struct shim_joined *joined, struct pd_err *err);

/* Unmount and remove the hold files @joined made (after a later failure),
 * and close own_pid_ns. */
void shim_join_undo(const struct shim_spec *spec, struct shim_joined *joined);
