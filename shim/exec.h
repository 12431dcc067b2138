/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Starting the workload: pd_spawn in a new mount namespace (and a new PID
 * namespace when asked), its stdio from stdio_fds.h, and a setup hook that
 * builds the root (rootfs.c) or, for an exec session, joins the target's
 * mount, network, IPC and UTS namespaces, opens its terminal, moves to cwd,
 * takes its user, loads the seccomp filter compiled before the clone
 * (seccomp_filter.h), applies the capabilities and no_new_privs (capset.c).
 * args[0] is searched in the container's PATH inside its root. Returns once
 * execve succeeded or failed.
 */
#pragma once

#include "err.h"
#include "proc.h"
#include "spec.h"
#include "stdio_fds.h"

/* Start @spec's workload with @clone_flags added (from shim_join) and its
 * stdio from @io (shim_stdio_open). On success *child holds its pid
 * and pidfd (owned by the caller; sync_fd is -1). On failure the child is
 * reaped and @err says why: PD_E_NO_COMMAND, PD_E_NOT_EXECUTABLE, or the
 * failed setup step. */
int shim_exec_start(const struct shim_spec *spec, int clone_flags, const struct shim_stdio *io,
		    struct pd_child *child, struct pd_err *err);
