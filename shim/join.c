/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Joining and creating namespaces; see join.h.
 *
 * Every namespace file is opened and checked before the first setns, so a
 * bad path fails before anything changed. setns on a pidfd with
 * CLONE_NEWPID (Linux 5.8) changes only the namespace the shim's next child
 * is born in: the shim itself stays where it is.
 */
#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "ns.h"

static int
open_all(const struct shim_spec *spec, int fds[SHIM_NS_COUNT], struct pd_err *err)
{
	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		if (spec->ns[i].mode != SHIM_NS_PATH)
			continue;
		fds[i] = pd_ns_open_file(spec->ns[i].path, (enum pd_ns_type)i, err);
		if (fds[i] < 0)
			return pd_err_prefix(err, "join %s namespace", pd_ns_desc(i)->name);
	}
	return 0;
}

static int
enter(const struct shim_spec *spec, int fds[SHIM_NS_COUNT], struct shim_joined *joined,
      struct pd_err *err)
{
	int unshare_flags = 0;

	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		const struct shim_ns *ns = &spec->ns[i];
		const struct pd_ns_desc *d = pd_ns_desc(i);
		int fd = ns->mode == SHIM_NS_FD ? ns->fd : fds[i];

		switch (ns->mode) {
		case SHIM_NS_HOST:
			break;
		case SHIM_NS_NEW:
			if (i == PD_NS_PID)
				joined->clone_flags |= CLONE_NEWPID;
			else
				unshare_flags |= d->clone_flag;
			break;
		case SHIM_NS_PATH:
		case SHIM_NS_FD:
			/* Our own active PID namespace stays an allowed
			 * target of setns: keep it to return to. */
			if (i == PD_NS_PID) {
				joined->own_pid_ns =
				    open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
				if (joined->own_pid_ns < 0)
					return pd_fail_errno(err, errno, "open /proc/self/ns/pid");
			}
			if (setns(fd, d->clone_flag) < 0)
				return pd_fail_errno(err, errno, "join %s namespace", d->name);
			break;
		}
	}
	if (unshare_flags != 0 && unshare(unshare_flags) < 0)
		return pd_fail_errno(err, errno, "unshare");
	return 0;
}

static int
hold_and_set_up(const struct shim_spec *spec, struct shim_joined *joined, struct pd_err *err)
{
	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		if (spec->ns[i].hold == NULL)
			continue;
		if (pd_ns_bind(getpid(), (enum pd_ns_type)i, spec->ns[i].hold, err) < 0)
			return pd_err_prefix(err, "hold %s namespace", pd_ns_desc(i)->name);
		joined->held[i] = true;
	}
	if (spec->ns[PD_NS_NET].mode == SHIM_NS_NEW && pd_ns_loopback_up(err) < 0)
		return -1;
	if (spec->ns[PD_NS_UTS].mode == SHIM_NS_NEW && spec->hostname != NULL &&
	    sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return pd_fail_errno(err, errno, "set hostname %s", spec->hostname);
	return 0;
}

int
shim_join(const struct shim_spec *spec, struct shim_joined *joined, struct pd_err *err)
{
	int fds[SHIM_NS_COUNT] = {-1, -1, -1, -1};
	int r;

	memset(joined, 0, sizeof(*joined));
	joined->own_pid_ns = -1;
	r = open_all(spec, fds, err);
	if (r == 0)
		r = enter(spec, fds, joined, err);
	if (r == 0)
		r = hold_and_set_up(spec, joined, err);
	for (int i = 0; i < SHIM_NS_COUNT; i++)
		close_reset(&fds[i]);
	/* The pidfds given, once each; an exec session's workload still
	 * needs its target (exec.c). */
	for (int i = 0; i < SHIM_NS_COUNT && spec->target < 0; i++) {
		bool seen = false;

		if (spec->ns[i].mode != SHIM_NS_FD)
			continue;
		for (int k = 0; k < i; k++)
			seen |= spec->ns[k].mode == SHIM_NS_FD && spec->ns[k].fd == spec->ns[i].fd;
		if (!seen)
			close(spec->ns[i].fd);
	}
	if (r < 0)
		shim_join_undo(spec, joined);
	return r;
}

int
shim_join_pid_return(struct shim_joined *joined, struct pd_err *err)
{
	int r = 0;

	if (joined->own_pid_ns >= 0 && setns(joined->own_pid_ns, CLONE_NEWPID) < 0)
		r = pd_fail_errno(err, errno, "return to the shim's PID namespace");
	close_reset(&joined->own_pid_ns);
	return r;
}

void
shim_join_undo(const struct shim_spec *spec, struct shim_joined *joined)
{
	struct pd_err perr = {0};

	/* Back to the shim's own PID namespace for children: what runs at
	 * exit may fork (ASan's leak check does, and hangs across the
	 * boundary). */
	if (shim_join_pid_return(joined, &perr) < 0)
		log_warn("%s", perr.msg);
	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		struct pd_err err = {0};

		if (!joined->held[i])
			continue;
		if (pd_ns_unbind(spec->ns[i].hold, &err) < 0)
			log_warn("%s", err.msg);
		joined->held[i] = false;
	}
}
