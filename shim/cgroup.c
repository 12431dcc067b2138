/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's cgroups; see cgroup.h.
 */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int
shim_cgroup_open(const struct shim_spec *spec, int *fds, struct pd_err *err)
{
	for (size_t i = 0; i < SHIM_MAX_CGROUPS; i++)
		fds[i] = -1;
	for (size_t i = 0; i < spec->n_cgroups; i++) {
		char path[SHIM_MAX_PATH + 32];

		if (snprintf(path, sizeof(path), "%s/cgroup.procs", spec->cgroups[i]) >=
		    (int)sizeof(path)) {
			shim_cgroup_close(fds, i);
			return pd_fail(err, PD_E_INVALID, "cgroup path too long");
		}
		fds[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			int e = errno;

			shim_cgroup_close(fds, i);
			return pd_fail_errno(err, e, "open %s", path);
		}
	}
	return 0;
}

void
shim_cgroup_close(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close_reset(&fds[i]);
}

int
shim_cgroup_join(const int *fds, size_t n, struct pd_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (write(fds[i], "0", 1) != 1)
			return pd_fail_errno(err, errno, "join the container's cgroup");
	return 0;
}

int
shim_cgroup_ns(const struct shim_spec *spec, struct pd_err *err)
{
	if (!spec->cgroup_ns)
		return 0;
	/* The namespace's root is the cgroup the process is in now: the leaf
	 * it just joined (cgroup namespaces: Linux 4.6). */
	if (spec->target < 0 && unshare(CLONE_NEWCGROUP) < 0)
		return pd_fail_errno(err, errno, "make the cgroup namespace");
	if (spec->target >= 0 && setns(spec->target, CLONE_NEWCGROUP) < 0)
		return pd_fail_errno(err, errno, "join the container's cgroup namespace");
	return 0;
}

int
shim_cgroup_mount(const struct shim_spec *spec, struct pd_err *err)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *top = "/sys/fs/cgroup";
	bool tmpfs = false;

	if (spec->n_cgroup_mounts == 0)
		return 0;
	if (mkdir("/sys/fs", 0755) < 0 && errno != EEXIST && errno != EROFS)
		return pd_fail_errno(err, errno, "mkdir /sys/fs");
	for (size_t i = 0; i < spec->n_cgroup_mounts; i++)
		tmpfs |= strcmp(spec->cgroup_mounts[i].target, top) != 0;
	/* v1: the hierarchies go in dirs of a tmpfs, read-only once filled. */
	if (tmpfs && mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return pd_fail_errno(err, errno, "mount a tmpfs on %s", top);
	for (size_t i = 0; i < spec->n_cgroup_mounts; i++) {
		const struct shim_cgroup_mount *m = &spec->cgroup_mounts[i];

		if (strcmp(m->target, top) != 0 && mkdir(m->target, 0555) < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "mkdir %s", m->target);
		if (mount(m->v2 ? "cgroup2" : "cgroup", m->target, m->v2 ? "cgroup2" : "cgroup", ro,
			  m->options) < 0)
			return pd_fail_errno(err, errno, "mount %s on %s",
					     m->v2 ? "cgroup2" : m->options, m->target);
	}
	if (tmpfs && mount(NULL, top, NULL, MS_REMOUNT | MS_BIND | ro, NULL) < 0)
		return pd_fail_errno(err, errno, "make %s read-only", top);
	return 0;
}
