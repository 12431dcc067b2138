/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root, assembled in the workload's own mount namespace by
 * the setup hook of pd_spawn (so in the child, before execve): mounts made
 * private, the overlay (or a read-only bind) of the image, pivot_root, a new
 * /proc, a minimal /dev, a read-only /sys, podd's /etc files, and the
 * read-only and masked paths of /proc and /sys (masks.h). Nothing here
 * touches the host's mounts: the namespace and every mount in it die with the
 * workload.
 */
#pragma once

#include "err.h"
#include "spec.h"

/* Build the root of @spec and move into it (cwd "/"). @overlay_opts is the
 * overlay's option string (shim_overlay_opts, spec.h), made by the parent. Runs in
 * the child: system calls only. Errors name the step ("mount overlay on
 * /x: Invalid argument"). */
int shim_rootfs_setup(const struct shim_spec *spec, const char *overlay_opts, struct pd_err *err);
