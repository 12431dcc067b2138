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

/* The overlay's option string for @spec (a new string), or NULL when its
 * root is a bind mount (a rootfs or one layer, read-only): lowerdir is the
 * rootfs or the lowers top first joined by ':', then upperdir and workdir
 * unless read_only. Made by the parent (it allocates). */
char *shim_overlay_opts(const struct shim_spec *spec);

/* Build the root of @spec and move into it (cwd "/"). @overlay_opts is the
 * overlay's option string (shim_overlay_opts), made by the parent. Runs in
 * the child: system calls only. Errors name the step ("mount overlay on
 * /x: Invalid argument"). */
int shim_rootfs_setup(const struct shim_spec *spec, const char *overlay_opts, struct pd_err *err);
