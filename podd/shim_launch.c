/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The launch of a podd-shim and the reading of its report (see
 * shim_launch.h), shared by a container's start (ctr_shim.c) and an exec
 * session (exec.c), which differ only in the spec they build.
 */
#include "shim_launch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "proc.h"
#include "shim.h"
#include "sync.h"

int
shim_launch(const struct shim_launch *l, struct supervised *sv, event_callback_fn on_sync,
	    void *arg, struct pd_err *err)
{
	char sync_arg[16];
	char *argv[] = {PD_SHIM_BINARY, "--sync-fd", sync_arg, (char *)l->spec_path, NULL};
	struct pd_spawn s = {
	    .path = l->shim_path,
	    .argv = argv,
	    .fds = {-1, -1, STDERR_FILENO},
	    .n_fds = 3,
	    .keep_sync = true,
	    .new_session = true,
	};
	struct pd_child child;

	if (l->extra_fd >= 0)
		s.fds[s.n_fds++] = l->extra_fd;
	/* The sync socket comes right after the fds given (lib/proc.h). */
	(void)snprintf(sync_arg, sizeof(sync_arg), "%d", s.n_fds);
	if (pd_json_save_volatile(l->dir_fd, l->spec_name, l->spec, err) < 0)
		return -1;
	if (pd_spawn(&s, &child, err) < 0)
		goto fail;
	/* The first shim process exits as soon as it has forked the real one;
	 * the SIGCHLD backstop reaps it. */
	close(child.pidfd);
	if (supervise_watch_sync(sv, child.sync_fd, on_sync, arg, err) < 0) {
		/* Without its socket the shim gets EOF and ends what it started. */
		goto fail;
	}
	return 0;
fail:
	if (unlinkat(l->dir_fd, l->spec_name, 0) < 0 && errno != ENOENT)
		log_warn("remove %s: %s", l->spec_path, strerror(errno));
	return -1;
}

int
shim_report_read(struct supervised *sv, struct pd_sync_msg *msg, const char *what,
		 event_callback_fn on_exit, void *arg, struct pd_err *err)
{
	int got[PD_SYNC_MAX_FDS], n = 0;
	int r = pd_sync_recv_fds(sv->sync_fd, msg, got, PD_SYNC_MAX_FDS, &n);

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		event_add(sv->sync_ev, NULL);
		return 0;
	}
	if (r == 1 && msg->type == PD_SYNC_STARTED && n == 2) {
		struct pd_err e = {0};

		/* The socket stays open for shim_report_ack(). */
		supervise_unwatch_sync(sv);

		/* A shim podd cannot watch still runs its process: keep the
		 * pidfds, so it can be signalled, and say so. */
		if (supervise_watch_exit(sv, got[1], got[0], on_exit, arg, &e) < 0)
			log_error("%s", e.msg);
		return 1;
	}
	supervise_close_sync(sv);
	for (int i = 0; i < n; i++)
		close(got[i]);
	if (r == 1 && msg->type == PD_SYNC_ERROR) {
		*err = msg->err;
		return -1;
	}
	if (r == 0 || r == 1)
		return pd_fail(err, PD_E_SYSTEM, "podd-shim exited before it started %s", what);
	return pd_fail_errno(err, errno, "reading the shim's report");
}

void
shim_report_ack(struct supervised *sv)
{
	struct pd_err err = {0};

	if (sv->sync_fd >= 0 && pd_sync_ack(sv->sync_fd, &err) < 0)
		log_warn("%s: %s (the shim ends it)", sv->what, err.msg);
	supervise_close_sync(sv);
}
