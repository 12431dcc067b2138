/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's own mounts (spec.h struct shim_mount): bind mounts of
 * host directories and files (volumes are binds of their _data dir), and
 * tmpfs. Two steps, around pivot_root, as rootfs.c does for /dev: before it,
 * while host paths are reachable, each source is cloned into a detached
 * mount (open_tree; a tmpfs is made with fsopen/fsmount) with its attributes
 * set; after it, each target is resolved inside the new root with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), made when missing, and
 * the detached mount is attached on the resolved fd (move_mount). A symlink
 * in the image can so only ever point a mount at another place of the
 * container's own tree. A volume marked copy_up that is empty is first
 * filled with what the image has at its target (docker's behaviour).
 * Runs in the workload's child, in its private mount namespace.
 */
#pragma once

#include "err.h"
#include "spec.h"

/* The detached mounts of a start: fds[i] for spec->mounts[i], data[i] the
 * bind source's directory for a copy_up (-1 otherwise). */
struct shim_mount_fds {
	int *tree;
	int *data;
	size_t n;
};

/* Step one, before pivot_root. Errors name the mount ("bind source /x:
 * No such file or directory"). @fds is released with shim_mounts_close
 * even on failure. */
int shim_mounts_open(const struct shim_spec *spec, struct shim_mount_fds *fds, struct pd_err *err);

/* Step two, in the new root (cwd "/"): mounts in the order of their
 * targets' depth, so that /a comes before /a/b. */
int shim_mounts_attach(const struct shim_spec *spec, struct shim_mount_fds *fds,
		       struct pd_err *err);

void shim_mounts_close(struct shim_mount_fds *fds);
