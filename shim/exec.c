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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capset.h"
#include "cgroup.h"
#include "cleanup.h"
#include "privileges.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "stdio_fds.h"
#include "user.h"
#include "userns.h"
#include "xalloc.h"

struct child_plan {
	const struct shim_spec *spec; /* borrowed */
	const struct shim_stdio *io;  /* borrowed */
	const char *overlay_opts;     /* borrowed, NULL when read_only */
	uint64_t caps;
	struct shim_filter filter; /* issue 13: compiled before the clone */
	/* issue 11, filled in the child (its own copy of this plan): */
	struct shim_user user;            /* spec->user resolved */
	char home_env[SHIM_MAX_PATH + 8]; /* "HOME=...", in spec->env's spare slot */
	int cg_fds[SHIM_MAX_CGROUPS];     /* issue 13: the leaves' cgroup.procs (cgroup.h) */
};

/* Create the working directory @cwd when it is missing, as docker does for
 * an image's WorkingDir or -w: each missing component 0755, owned by root.
 * The root is the container's already, so nothing resolves outside it. */
static int
make_cwd(const char *cwd, struct pd_err *err)
{
	char path[SHIM_MAX_PATH + 1];
	size_t len = strlen(cwd);

	if (len >= sizeof(path))
		return pd_fail(err, PD_E_INVALID, "workdir too long");
	memcpy(path, cwd, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "create workdir %s", path);
		path[i] = cwd[i];
	}
	return 0;
}

/* The user of the workload, and its HOME when env has none (user.h). */
static int
take_user(struct child_plan *plan, struct pd_err *err)
{
	const struct shim_spec *spec = plan->spec;

	if (shim_user_resolve(spec->user, &plan->user, err) < 0)
		return -1;
	if (!spec->has_home) {
		(void)snprintf(plan->home_env, sizeof(plan->home_env), "HOME=%s", plan->user.home);
		/* The spare slot after the env (spec.c allocates it). */
		spec->env[spec->n_env] = plan->home_env;
	}
	return 0;
}

/* pd_spawn's setup hook, in the child. */
static int
child_setup(void *arg, struct pd_err *err)
{
	struct child_plan *plan = arg;
	const struct shim_spec *spec = plan->spec;

	/* issue 13: into its cgroups first, so that all it does is counted
	 * there and nothing it starts is outside */
	if (shim_cgroup_join(plan->cg_fds, spec->n_cgroups, err) < 0)
		return -1;
	/* issue 13: oom_score_adj and rlimits, before the root is built. */
	if (shim_priv_process(&spec->priv, err) < 0)
		return -1;
	if (shim_cgroup_ns(spec, err) < 0)
		return -1;
	if (spec->target < 0 && shim_rootfs_setup(spec, plan->overlay_opts, err) < 0)
		return -1;
	/* An exec session: the target's root comes with its mount namespace
	 * (its PID namespace the shim joined for us, lib/shim.h). */
	if (spec->target >= 0 &&
	    setns(spec->target, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		return pd_fail_errno(err, errno, "join the container's namespaces");
	/* issue 13: the pod's user namespace, once every mount is made */
	if (spec->userns_fd >= 0 && shim_userns_enter(spec->userns_fd, err) < 0)
		return -1;
	if (spec->user != NULL && take_user(plan, err) < 0)
		return -1;
	if (shim_stdio_child(spec, plan->io, err) < 0)
		return -1;
	if (spec->target < 0 && chdir(spec->cwd) < 0 && errno == ENOENT &&
	    make_cwd(spec->cwd, err) < 0)
		return -1;
	if (chdir(spec->cwd) < 0)
		return pd_fail_errno(err, errno, "chdir %s", spec->cwd);
	/* While every capability is still held: without no_new_privs the
	 * kernel takes a filter only from CAP_SYS_ADMIN. */
	if (shim_seccomp_load(&plan->filter, err) < 0)
		return -1;
	if (spec->user != NULL)
		return shim_caps_apply(plan->caps, plan->user.uid, plan->user.gid,
				       plan->user.groups, plan->user.n_groups, spec->no_new_privs,
				       err);
	return shim_caps_apply(plan->caps, spec->uid, spec->gid, NULL, 0, spec->no_new_privs, err);
}

/* The filter @spec asks for, compiled for the workload's @caps. */
static int
compile_filter(const struct shim_spec *spec, uint64_t caps, struct shim_filter *f,
	       struct pd_err *err)
{
	/* A privileged container runs without the default filter, as in
	 * docker; a profile given with it still applies. */
	if (spec->seccomp == SHIM_SECCOMP_NONE ||
	    (spec->priv.privileged && spec->seccomp == SHIM_SECCOMP_DEFAULT))
		return 0;
	return shim_seccomp_prepare(spec->seccomp == SHIM_SECCOMP_DEFAULT ? shim_seccomp_default()
									  : &spec->profile,
				    caps, spec->seccomp_cache, f, err);
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

	if (shim_caps_parse(spec->caps, spec->n_caps, &plan.caps, err) < 0 ||
	    compile_filter(spec, plan.caps, &plan.filter, err) < 0)
		return -1;
	if (spec->priv.privileged) /* issue 13: all it has to give */
		plan.caps &= shim_caps_bounding();
	/* issue 13: --init runs podd-pause, which runs the command. */
	if (spec->priv.init_argv != NULL) {
		s.path = PD_SHIM_INIT_PATH;
		s.argv = (char *const *)spec->priv.init_argv;
	}
	if (spec->target < 0)
		opts = shim_overlay_opts(spec);
	plan.overlay_opts = opts;
	if (shim_cgroup_open(spec, plan.cg_fds, err) < 0) {
		shim_seccomp_clear(&plan.filter);
		return -1;
	}
	r = pd_spawn(&s, child, err);
	shim_cgroup_close(plan.cg_fds, spec->n_cgroups);
	if (r < 0) {
		shim_seccomp_clear(&plan.filter);
		return -1;
	}
	r = pd_spawn_wait_sync(child->sync_fd, false, err);
	shim_seccomp_clear(&plan.filter);
	close_reset(&child->sync_fd);
	if (r < 0) {
		reap(child);
		close_reset(&child->pidfd);
	}
	return r;
}
