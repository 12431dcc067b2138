/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recovery after a crash of podd or of a monitor; see recover.h.
 *
 * Why a lock and not a look at processes: a shim between its spawn and
 * podd's acknowledgement is named by no record, and its pid is known to
 * nobody but the dead podd. Its run dir is the one thing both sides know,
 * so the shim holds a shared flock there for exactly that span, and the
 * restarted podd waits for the exclusive one. The wait happens once, at
 * start, before the API is served; nothing else in podd blocks on it.
 */
#include "recover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "log.h"
#include "proc.h"
#include "timefmt.h"

/* How long start-up waits for shims in their start, in all. A start takes
 * milliseconds, and a shim whose podd died sees EOF at once. */
#define SETTLE_MS      10000
#define SETTLE_POLL_MS 10

/* Take and drop the exclusive lock of @name under @parent_fd, polling
 * until @deadline. */
static void
settle_one(int parent_fd, const char *name, const char *label, long long deadline)
{
	cleanup_close int fd =
	    openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct timespec pause = {.tv_sec = 0, .tv_nsec = SETTLE_POLL_MS * 1000000L};
	bool said = false;

	if (fd < 0)
		return;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			log_warn("%s/%s: flock: %s", label, name, strerror(errno));
			return;
		}
		if ((long long)pd_time_mono_ms() >= deadline) {
			log_warn("%s/%s: a shim is still starting; going on without it", label,
				 name);
			return;
		}
		if (!said)
			log_info("%s/%s: waiting for a shim to finish its start", label, name);
		said = true;
		(void)nanosleep(&pause, NULL);
	}
	/* Closing the fd drops the lock. */
}

void
recover_settle_shims(struct podd *d)
{
	long long deadline = (long long)pd_time_mono_ms() + SETTLE_MS;
	struct pd_err err = {0};
	cleanup_closedir DIR *dir = pd_dir_stream(d->run_ctrs_fd, ".", "run/containers", &err);
	struct dirent *de;

	if (dir == NULL) {
		log_error("%s", err.msg);
		return;
	}
	while ((de = pd_dir_next(dir)) != NULL) {
		cleanup_close int cfd = -1;

		if (de->d_name[0] == '.')
			continue;
		settle_one(d->run_ctrs_fd, de->d_name, "run/containers", deadline);
		/* An exec session's shim locks its container's exec/ dir. */
		cfd = openat(d->run_ctrs_fd, de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (cfd >= 0)
			settle_one(cfd, "exec", de->d_name, deadline);
	}
}

bool
recover_unfinished_dir(int parent_fd, const char *name, const char *record, const char *what)
{
	cleanup_close int fd =
	    openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct pd_err err = {0};

	if (fd < 0 || faccessat(fd, record, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return false;
	log_info("%s/%s: its record was never written (podd stopped while making it); deleting",
		 what, name);
	if (pd_rm_rf_at(parent_fd, name, &err) < 0)
		log_error("%s/%s: %s", what, name, err.msg);
	return true;
}

int
recover_open_same(pid_t pid, uint64_t start)
{
	struct pd_err ignored;
	uint64_t now;
	int pidfd;

	if (pid <= 0)
		return -1;
	pidfd = pd_pidfd_open(pid, &ignored);
	if (pidfd < 0)
		return -1;
	if (pd_proc_start_time(pid, &now, &ignored) < 0 || now != start) {
		close(pidfd);
		return -1;
	}
	return pidfd;
}

/* True when @c's shim left an exit file. */
static bool
has_exit_file(const struct container *c)
{
	cleanup_free char *run = ctr_run_dir(c);
	cleanup_close int fd = open(run, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd >= 0 && faccessat(fd, "exit.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool
recover_end_workload(struct container *c)
{
	struct pd_err err = {0};
	int pidfd;

	if (c->monitor_died || c->rec.pid <= 0 || has_exit_file(c))
		return false;
	/* Adopted with its shim gone: no pidfd yet. */
	if (c->sv.pidfd < 0)
		c->sv.pidfd = recover_open_same(c->rec.pid, c->rec.pid_start_time);
	if (c->sv.pidfd < 0 || pd_pidfd_signal(c->sv.pidfd, SIGKILL, &err) != 0)
		return false;
	log_warn("container \"%s\": its monitor died, the workload %d runs on; killing it",
		 c->rec.spec.name, (int)c->rec.pid);
	c->monitor_died = true;
	/* From now on the end awaited is the workload's own: a pidfd is
	 * readable once its process has exited, child or not. */
	pidfd = steal_fd(c->sv.pidfd);
	supervise_forget(&c->sv);
	if (supervise_watch_exit(&c->sv, pidfd, -1, container_on_shim_exit, c, &err) < 0) {
		log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
		return false;
	}
	return true;
}

void
recover_note_monitor_death(struct container *c)
{
	/* As containerd does when a shim dies: the task exits with 128 +
	 * SIGKILL, and the processes are killed. */
	c->rec.exit_code = 128 + SIGKILL;
	(void)snprintf(c->rec.signal, sizeof(c->rec.signal), "KILL");
	pd_time_rfc3339_now(c->rec.finished, sizeof(c->rec.finished));
	(void)snprintf(c->rec.reason, sizeof(c->rec.reason),
		       "podd-monitor died without recording the exit: podd killed the workload");
}
