/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the privilege keys of a spec (priv_spec.h) do to the workload:
 * its oom_score_adj and resource limits, the device nodes of its /dev
 * (given ones, or every host device for a privileged container), the init
 * bound on /dev/init, and its namespaced sysctls. The parent prepares
 * (it may allocate); the child only makes system calls, in the order of
 * exec.c's child_setup and rootfs.c's setup.
 */
#pragma once

#include <stddef.h>

#include "priv_spec.h"

/* In the shim, before the workload's clone: for a privileged container,
 * add a node for each char and block device under the host's /dev (not
 * pts, shm, mqueue; symlinks are skipped) to @p->devices; with an init,
 * build @p->init_argv: PD_SHIM_INIT_PATH "--init" "--" and @args. */
int shim_priv_prepare(struct shim_priv *p, const char *const *args, size_t n_args,
		      struct pd_err *err);

/* The child, first (before the root is built, while the host's /proc is
 * still there): oom_score_adj, then the resource limits. */
int shim_priv_process(const struct shim_priv *p, struct pd_err *err);

/* The child, once the container's /dev is mounted (rootfs.c): the device
 * nodes (mknod, owner and mode; one already there is left alone), and the
 * init's detached mount @init_fd (an open_tree clone of @p->init, or -1)
 * bound read-only, nosuid and nodev on PD_SHIM_INIT_PATH. */
int shim_priv_dev(const struct shim_priv *p, int init_fd, struct pd_err *err);

/* The child, after the container's /proc is mounted and before the masks
 * make /proc/sys read-only: each sysctl written in its namespaces. */
int shim_priv_sysctls(const struct shim_priv *p, struct pd_err *err);
