/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting the workload: pd_spawn in a new mount namespace (and a new PID
 * namespace when asked), stdin on /dev/null, stdout and stderr on the given
 * pipes, and a setup hook that builds the root (rootfs.c), moves to cwd,
 * applies the capabilities and no_new_privs (caps.c). args[0] is searched in
 * the container's PATH inside the new root. Returns once execve succeeded
 * or failed.
 */
#pragma once

#include "err.h"
#include "proc.h"
#include "spec.h"

/* Start @spec's workload with @clone_flags added (from shim_join) and its
 * stdout and stderr on @out_fd and @err_fd. On success *child holds its pid
 * and pidfd (owned by the caller; sync_fd is -1). On failure the child is
 * reaped and @err says why: PD_E_NO_COMMAND, PD_E_NOT_EXECUTABLE, or the
 * failed setup step. */
int shim_exec_start(const struct shim_spec *spec, int clone_flags, int out_fd, int err_fd,
		    struct pd_child *child, struct pd_err *err);
