/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec of podd-monitor; see handoff.h and monitor.h.
 */
#include "handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "exitfile.h"
#include "log.h"
#include "monitor.h"
#include "proc.h"

#define N_FDS (SHIM_MONITOR_FD_END - SHIM_MONITOR_PIDFD)

int
shim_handoff_find(char *path, size_t len, struct pd_err *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	int r;

	if (n < 0)
		return pd_fail_errno(err, errno, "readlink /proc/self/exe");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash == NULL)
		return pd_fail(err, PD_E_SYSTEM, "/proc/self/exe is \"%s\": not a path", self);
	*slash = '\0';
	r = snprintf(path, len, "%s/%s", self, PD_MONITOR_BINARY);
	if (r < 0 || (size_t)r >= len)
		return pd_fail(err, PD_E_INVALID, "path of %s: too long", PD_MONITOR_BINARY);
	if (access(path, X_OK) < 0)
		return errno == ENOENT
			   ? pd_fail(err, PD_E_NOT_FOUND, "%s not found beside podd-shim: %s",
				     PD_MONITOR_BINARY, path)
			   : pd_fail_errno(err, errno, "%s %s", PD_MONITOR_BINARY, path);
	return 0;
}

/* Move each @src that is open to 3 + its index (monitor.h's order),
 * without CLOEXEC, and close every other fd above 2. Returns 0, or -1 with
 * @where pointing to the copies that are open: @src itself, @tmp or @fixed. */
static int
place_fds(const int src[N_FDS], int tmp[N_FDS], int fixed[N_FDS], const int **where,
	  struct pd_err *err)
{
	*where = src;
	/* First above the fixed numbers, so that no dup2 below overwrites a
	 * source still to be moved. */
	for (int i = 0; i < N_FDS; i++) {
		if (src[i] < 0)
			continue;
		tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, SHIM_MONITOR_FD_END);
		if (tmp[i] < 0)
			return pd_fail_errno(err, errno, "dup fd %d", src[i]);
	}
	*where = tmp;
	for (int i = 0; i < N_FDS; i++) {
		fixed[i] = -1;
		if (tmp[i] < 0)
			continue;
		fixed[i] = SHIM_MONITOR_PIDFD + i;
		if (dup2(tmp[i], fixed[i]) < 0)
			return pd_fail_errno(err, errno, "dup2 fd %d", src[i]);
	}
	*where = fixed;
	/* close_range: Linux 5.9. The copies above go too. Every fd of the
	 * shim is close-on-exec anyway, so a failure here is only noted. */
	if (close_range(SHIM_MONITOR_FD_END, ~0U, 0) < 0)
		log_warn("close_range: %s", strerror(errno));
	for (int i = 0; i < N_FDS; i++)
		if (fixed[i] < 0)
			(void)close(SHIM_MONITOR_PIDFD + i);
	return 0;
}

void
shim_kill_workload(pid_t pid, int pidfd, int exit_dirfd, const char *exit_name, int status)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	struct pd_err err = {0};
	int reaped = 0;

	if (pd_pidfd_signal(pidfd, SIGKILL, &err) < 0)
		log_error("kill the workload %d: %s", (int)pid, err.msg);
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	if (pd_pidfd_reap(pidfd, &reaped) != 1) {
		log_error("reap the workload %d: %s", (int)pid, strerror(errno));
		reaped = W_EXITCODE(0, SIGKILL);
	}
	if (pd_exit_file_write(exit_dirfd, exit_name, pid, status >= 0 ? status : reaped, &err) < 0)
		log_error("exit file %s: %s", exit_name, err.msg);
}

/* The monitor cannot run: end the workload and say so in the exit file,
 * with the fds at @fds (monitor.h's order). */
static void
give_up(const struct shim_handoff *h, const int fds[N_FDS])
{
	shim_kill_workload(h->pid, fds[SHIM_MONITOR_PIDFD - SHIM_MONITOR_PIDFD],
			   fds[SHIM_MONITOR_EXIT_DIR - SHIM_MONITOR_PIDFD], h->exit_name,
			   W_EXITCODE(255, 0));
}

/* An fd flag for each open fd, "--flag N", into @argv from @argc. */
static int
fd_args(char **argv, int argc, const int src[N_FDS], char num[N_FDS][16])
{
	static const char *const flags[N_FDS] = {
	    PD_MONITOR_PIDFD,    PD_MONITOR_STDOUT, PD_MONITOR_STDERR, PD_MONITOR_LOG,
	    PD_MONITOR_EXIT_DIR, PD_MONITOR_STDIN,  PD_MONITOR_TTY,    PD_MONITOR_ATTACH,
	};

	for (int i = 0; i < N_FDS; i++) {
		if (src[i] < 0)
			continue;
		(void)snprintf(num[i], sizeof(num[i]), "%d", SHIM_MONITOR_PIDFD + i);
		argv[argc++] = (char *)flags[i];
		argv[argc++] = num[i];
	}
	return argc;
}

int
shim_handoff(const struct shim_handoff *h, struct pd_err *err)
{
	const int src[N_FDS] = {h->pidfd,      h->out_fd,   h->err_fd, h->log_fd,
				h->exit_dirfd, h->stdin_fd, h->tty_fd, h->attach_fd};
	int tmp[N_FDS], fixed[N_FDS];
	char pid[16], hold[16];
	char num[N_FDS][16];
	char *argv[2 * N_FDS + 8];
	const int *where;
	int argc = 0;

	for (int i = 0; i < N_FDS; i++)
		tmp[i] = -1;
	(void)snprintf(pid, sizeof(pid), "%d", (int)h->pid);
	(void)snprintf(hold, sizeof(hold), "%d", h->hold_ms);
	argv[argc++] = (char *)PD_MONITOR_BINARY;
	argv[argc++] = (char *)PD_MONITOR_PID;
	argv[argc++] = pid;
	argc = fd_args(argv, argc, src, num);
	argv[argc++] = (char *)PD_MONITOR_EXIT_NAME;
	argv[argc++] = (char *)h->exit_name;
	if (h->attach_fd >= 0 && h->hold_ms > 0) {
		argv[argc++] = (char *)PD_MONITOR_HOLD_MS;
		argv[argc++] = hold;
	}
	argv[argc] = NULL;
	if (place_fds(src, tmp, fixed, &where, err) == 0) {
		/* No environment: podd-monitor reads none, and each byte of it
		 * would sit on its stack for the container's life. */
		execve(h->path, argv, (char *[]){NULL});
		pd_fail_errno(err, errno, "exec %s", h->path);
	}
	pd_err_prefix(err, "hand over to %s", PD_MONITOR_BINARY);
	give_up(h, where);
	for (int i = 0; i < N_FDS; i++)
		close_reset(&tmp[i]);
	return -1;
}
