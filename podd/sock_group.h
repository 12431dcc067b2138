/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's group (--group, default "podd", as dockerd's -G): besides root,
 * its members may use podd's sockets, the API's, the Engine API's and the
 * attach sockets of containers and exec sessions. Those are mode 0660
 * root:GROUP, and the directories leading to the attach sockets 0710
 * root:GROUP: traversable by the group, not listable. State files and logs
 * stay root's. Without such a group, everything is root's alone (0600,
 * 0700). Membership is root-equivalent, as docker's group is.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

struct podd;

/* The gid of group @name (or of a number), or -1 when there is none (said in the log when
 * @name was asked for by name, @explicit). */
int sock_group_gid(const char *name, bool explicit_name);

/* Make dir @name under @dirfd (if it is not there) and give it to podd's
 * group: 0710 root:GROUP, or 0700 root:root without one. */
int sock_group_dir(const struct podd *d, int dirfd, const char *name, struct pd_err *err);

/* The shim spec's attach socket group (PD_SHIM_ATTACH_GID) into @spec,
 * when podd has a group. */
void sock_group_shim_key(const struct podd *d, json_t *spec);

/* Give the socket @path to podd's group (root's without one), @mode. */
int sock_group_give(const struct podd *d, const char *path, unsigned mode, struct pd_err *err);
