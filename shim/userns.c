/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped mounts and the join of the pod's user namespace; see userns.h.
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

int
shim_userns_idmap(int tree, int userns_fd, const char *what, struct pd_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd};

	/* Not recursive: the kernel idmaps one mount at a time (AT_RECURSIVE
	 * with MOUNT_ATTR_IDMAP is refused before Linux 6.1 on trees). */
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return pd_fail_errno(err, errno, "idmapped mount of %s", what);
	return 0;
}

int
shim_userns_enter(int userns_fd, struct pd_err *err)
{
	if (setns(userns_fd, CLONE_NEWUSER) < 0)
		return pd_fail_errno(err, errno, "join the pod's user namespace");
	/* The ids are still the host's root, unmapped here: become the
	 * namespace's root, which keeps the capabilities setns gave. */
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return pd_fail_errno(err, errno, "become root of the pod's user namespace");
	return 0;
}
