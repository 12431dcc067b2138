/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's start; see exec.h. What can be decided is decided in the
 * shim (the overlay options, the capability mask), so the child only makes
 * system calls, and libcap's.
 */
#include "exec.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "rootfs.h"
#include "xalloc.h"

struct child_plan {
	const struct shim_spec *spec; /* borrowed */
	const char *overlay_opts;     /* borrowed, NULL when read_only */
	uint64_t caps;
};

/* pd_spawn's setup hook, in the child. */
static int
child_setup(void *arg, struct pd_err *err)
{
	const struct child_plan *plan = arg;

	if (shim_rootfs_setup(plan->spec, plan->overlay_opts, err) < 0)
		return -1;
	if (chdir(plan->spec->cwd) < 0)
		return pd_fail_errno(err, errno, "chdir %s", plan->spec->cwd);
	return shim_caps_apply(plan->caps, err);
}

/* Reap a child whose setup or execve failed: it exits right after saying so. */
static void
reap(struct pd_child *c)
{
	struct pollfd p = {.fd = c->pidfd, .events = POLLIN};
	int status;

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	(void)pd_pidfd_reap(c->pidfd, &status);
}

int
shim_exec_start(const struct shim_spec *spec, int clone_flags, int out_fd, int err_fd,
		struct pd_child *child, struct pd_err *err)
{
	cleanup_free char *opts = NULL;
	struct child_plan plan = {.spec = spec};
	struct pd_spawn s = {
	    .path = spec->args[0],
	    .search_path = spec->path,
	    .argv = (char *const *)spec->args,
	    .envp = (char *const *)spec->env,
	    .clone_flags = CLONE_NEWNS | clone_flags,
	    .fds = {-1, out_fd, err_fd},
	    .n_fds = 3,
	    .setup = child_setup,
	    .setup_arg = &plan,
	};
	int r;

	if (shim_caps_parse(spec->caps, spec->n_caps, &plan.caps, err) < 0)
		return -1;
	if (!spec->read_only)
		opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", spec->rootfs, spec->upper,
				 spec->work);
	plan.overlay_opts = opts;
	if (pd_spawn(&s, child, err) < 0)
		return -1;
	r = pd_spawn_wait_sync(child->sync_fd, false, err);
	close_reset(&child->sync_fd);
	if (r < 0) {
		reap(child);
		close_reset(&child->pidfd);
	}
	return r;
}
