/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped mounts and the join of the pod's user namespace; see userns.h.
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "copytree.h"
#include "file.h"

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

/* The copy of @layer at @copy (absolute; its parent exists). */
static int
copy_layer(const struct shim_spec *spec, const char *layer, const char *copy, struct pd_err *err)
{
	struct shim_copy_ids ids = {.to_uid = spec->userns_uid,
				    .to_gid = spec->userns_gid,
				    .size = SHIM_COPY_IDS,
				    .layer = true};
	const char *slash = strrchr(copy, '/');
	char dir[SHIM_MAX_PATH + 1], tmp[SHIM_MAX_PATH + 1];
	cleanup_close int dirfd = -1, src = -1, dst = -1;
	struct pd_err ignored;
	struct stat st;
	int r;

	if ((size_t)(slash - copy) >= sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), ".tmp-%s-%s", spec->id, slash + 1) >= (int)sizeof(tmp))
		return pd_fail(err, PD_E_INVALID, "layer copy path too long");
	memcpy(dir, copy, (size_t)(slash - copy));
	dir[slash - copy] = '\0';
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	src = open(layer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 || src < 0 || fstat(src, &st) < 0)
		return pd_fail_errno(err, errno, "copy layer %s", layer);
	(void)pd_rm_rf_at(dirfd, tmp, &ignored); /* a copy a crash cut short */
	if (mkdirat(dirfd, tmp, 0700) < 0 ||
	    (dst = openat(dirfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return pd_fail_errno(err, errno, "copy layer %s", layer);
	r = shim_copy_tree(src, dst, &ids, err);
	if (r == 0 && (fchown(dst, shim_copy_id(&ids, st.st_uid, true),
			      shim_copy_id(&ids, st.st_gid, false)) < 0 ||
		       fchmod(dst, st.st_mode & 07777) < 0))
		r = pd_fail_errno(err, errno, "copy layer %s", layer);
	/* Another container of the pod made it first: keep that one. */
	if (r == 0 && renameat(dirfd, tmp, dirfd, slash + 1) < 0 && errno != EEXIST &&
	    errno != ENOTEMPTY)
		r = pd_fail_errno(err, errno, "copy layer %s", layer);
	if (r < 0 || faccessat(dirfd, tmp, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		(void)pd_rm_rf_at(dirfd, tmp, &ignored);
	return r < 0 ? pd_err_prefix(err, "copy layer %s for the pod's ids", layer) : 0;
}

int
shim_userns_copy_layers(const struct shim_spec *spec, struct pd_err *err)
{
	struct stat st;

	for (size_t i = 0; spec->userns_layers != NULL && i < spec->n_lowers; i++) {
		if (stat(spec->lowers[i], &st) == 0)
			continue;
		if (errno != ENOENT)
			return pd_fail_errno(err, errno, "layer copy %s", spec->lowers[i]);
		if (copy_layer(spec, spec->userns_layers[i], spec->lowers[i], err) < 0)
			return -1;
	}
	return 0;
}
