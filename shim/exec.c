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

#include "capset.h"
#include "cleanup.h"
#include "rootfs.h"
#include "stdio_fds.h"
#include "xalloc.h"

struct child_plan {
	const struct shim_spec *spec; /* borrowed */
	const struct shim_stdio *io;  /* borrowed */
	const char *overlay_opts;     /* borrowed, NULL when read_only */
	uint64_t caps;
};

/* pd_spawn's setup hook, in the child. */
static int
child_setup(void *arg, struct pd_err *err)
{
	const struct child_plan *plan = arg;
	const struct shim_spec *spec = plan->spec;

	if (spec->target < 0 && shim_rootfs_setup(spec, plan->overlay_opts, err) < 0)
		return -1;
	/* An exec session: the target's root comes with its mount namespace
	 * (its PID namespace the shim joined for us, lib/shim.h). */
	if (spec->target >= 0 &&
	    setns(spec->target, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		return pd_fail_errno(err, errno, "join the container's namespaces");
	if (shim_stdio_child(spec, plan->io, err) < 0)
		return -1;
	if (chdir(spec->cwd) < 0)
		return pd_fail_errno(err, errno, "chdir %s", spec->cwd);
	return shim_caps_apply(plan->caps, spec->uid, spec->gid, err);
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
shim_exec_start(const struct shim_spec *spec, int clone_flags, const struct shim_stdio *io,
		struct pd_child *child, struct pd_err *err)
{
	cleanup_free char *opts = NULL;
	struct child_plan plan = {.spec = spec, .io = io};
	struct pd_spawn s = {
	    .path = spec->args[0],
	    .search_path = spec->path,
	    .argv = (char *const *)spec->args,
	    .envp = (char *const *)spec->env,
	    /* An exec session joins the mount namespace it runs in. */
	    .clone_flags = (spec->target < 0 ? CLONE_NEWNS : 0) | clone_flags,
	    .fds = {io->spawn_fds[0], io->spawn_fds[1], io->spawn_fds[2]},
	    .n_fds = 3,
	    .new_session = spec->tty,
	    .controlling_tty = spec->tty,
	    .setup = child_setup,
	    .setup_arg = &plan,
	};
	int r;

	if (shim_caps_parse(spec->caps, spec->n_caps, &plan.caps, err) < 0)
		return -1;
	if (spec->target < 0)
		opts = shim_overlay_opts(spec);
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
