/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's user (issue 11): "NAME[:GROUP]" or "UID[:GID]" resolved in
 * the container's own /etc/passwd and /etc/group, never the host's (no NSS:
 * getpwnam would load the host's modules and read the host's files). The
 * rules are docker's (runc's user lookup, learned from its documentation
 * and behaviour):
 *   - a name must be in passwd ("unable to find user NAME"); a number need
 *     not be: uid N with gid 0 and home "/" when no entry has it;
 *   - a matched entry gives the gid and the home;
 *   - ":GROUP" sets the gid (a name must be in group; a number need not);
 *   - the supplementary groups (setgroups) are the gid, then, without
 *     ":GROUP", the groups of the group file that list a matched user's
 *     name (moby's getUser puts the gid first, then runc's lookup's).
 * shim_user_resolve_buf is pure (unit-tested on buffers); shim_user_resolve
 * reads the files in the workload's child, once the container's root is its
 * root, through openat2(RESOLVE_IN_ROOT) and mmap: system calls only, no
 * allocation.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

#define SHIM_MAX_GROUPS 64                /* supplementary groups kept */
#define SHIM_PASSWD_MAX (4 * 1024 * 1024) /* bytes of passwd or group read */

struct shim_user {
	unsigned uid, gid;
	size_t n_groups;
	gid_t groups[SHIM_MAX_GROUPS]; /* for setgroups(2): the gid first */
	char home[SHIM_MAX_PATH + 1];  /* the passwd entry's, "/" without one */
};

/* Resolve @user against the contents of passwd and group (@passwd or
 * @group NULL: the file is missing). PD_E_INVALID naming what is not
 * found. */
int shim_user_resolve_buf(const char *user, const char *passwd, size_t passwd_len,
			  const char *group, size_t group_len, struct shim_user *out,
			  struct pd_err *err);

/* Read /etc/passwd and /etc/group of the current root and resolve @user.
 * Runs in the workload's child (exec.c), after the root is set up. */
int shim_user_resolve(const char *user, struct shim_user *out, struct pd_err *err);
