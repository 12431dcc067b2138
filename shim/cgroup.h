/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's cgroups (issue 13, lib/shim.h PD_SHIM_CGROUPS,
 * PD_SHIM_CGROUP_NS, PD_SHIM_CGROUP_MOUNTS): the shim opens each leaf's
 * cgroup.procs before the clone, the child writes "0" to each first thing
 * (so nothing it starts can be outside), then makes its cgroup namespace
 * (or joins its target's), and its root gets the read-only cgroupfs at
 * /sys/fs/cgroup. The shim itself (the monitor) never joins.
 */
#pragma once

#include <stddef.h>

#include "spec.h"

/* Open each of @spec's leaves' cgroup.procs for writing into @fds (at
 * least SHIM_MAX_CGROUPS slots, -1 past n_cgroups). In the shim. */
int shim_cgroup_open(const struct shim_spec *spec, int *fds, struct pd_err *err);
/* Close what shim_cgroup_open opened. */
void shim_cgroup_close(int *fds, size_t n);
/* In the child, first: join each leaf. System calls only. */
int shim_cgroup_join(const int *fds, size_t n, struct pd_err *err);
/* In the child, after joining: a new cgroup namespace for a container
 * with cgroup_ns, or the target's for an exec session (@target: its pidfd,
 * -1 for a container). System calls only. */
int shim_cgroup_ns(const struct shim_spec *spec, struct pd_err *err);
/* In the child, in its new root once /sys is there: the read-only
 * cgroupfs at /sys/fs/cgroup. System calls only. */
int shim_cgroup_mount(const struct shim_spec *spec, struct pd_err *err);
