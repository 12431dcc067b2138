/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A workload in its pod's user namespace (issue 13; lib/shim.h
 * PD_SHIM_USERNS): the idmapped mounts of its root and volumes, and the
 * join itself. The user namespace is joined last of the namespaces, after
 * every mount: the mount namespace is the host user namespace's, where the
 * shim may still mount, and a process in the pod's user namespace could
 * no longer mount there. It is joined after pivot_root too: setns refuses a
 * user namespace to a process whose root is not its mount namespace's.
 */
#pragma once

#include "err.h"
#include "spec.h"

/* Make the detached mount @tree (open_tree OPEN_TREE_CLONE) an idmapped
 * mount with the maps of the user namespace @userns_fd: a file owned by id
 * N on disk shows as the host id N is mapped to (Linux 5.12). @what names
 * it in the error. Runs in the child: system calls only. */
int shim_userns_idmap(int tree, int userns_fd, const char *what, struct pd_err *err);

/* Join the user namespace @userns_fd as its root: uid and gid 0, no
 * supplementary groups, every capability there (dropped later as the spec
 * says) and none in the host's. Runs in the child. */
int shim_userns_enter(int userns_fd, struct pd_err *err);

/* Without idmapped layers (PD_SHIM_USERNS_LAYERS): make each lower of
 * @spec that is missing, a copy of its layer with the ids moved to the
 * pod's range. A copy is made under a name of this container's and renamed
 * into place, so a container of the pod starting at the same time either
 * finds it whole or makes its own, and the loser's is removed. Runs in the
 * shim before anything changed: it may take a while for a large image. */
int shim_userns_copy_layers(const struct shim_spec *spec, struct pd_err *err);
