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

/* Move @src to 3, 4, ... (monitor.h's order), without CLOEXEC, and close
 * every other fd above 2. Returns 0, or -1 with @where pointing to the
 * copies that are open: @src itself, @tmp or @fixed. */
static int
place_fds(const int src[N_FDS], int tmp[N_FDS], int fixed[N_FDS], const int **where,
	  struct pd_err *err)
{
	*where = src;
	/* First above the fixed numbers, so that no dup2 below overwrites a
	 * source still to be moved. */
	for (int i = 0; i < N_FDS; i++) {
		tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, SHIM_MONITOR_FD_END);
		if (tmp[i] < 0)
			return pd_fail_errno(err, errno, "dup fd %d", src[i]);
	}
	*where = tmp;
	for (int i = 0; i < N_FDS; i++) {
		fixed[i] = SHIM_MONITOR_PIDFD + i;
		if (dup2(tmp[i], fixed[i]) < 0)
			return pd_fail_errno(err, errno, "dup2 fd %d", src[i]);
	}
	*where = fixed;
	/* close_range: Linux 5.9. The copies above go too. Every fd of the
	 * shim is close-on-exec anyway, so a failure here is only noted. */
	if (close_range(SHIM_MONITOR_FD_END, ~0U, 0) < 0)
		log_warn("close_range: %s", strerror(errno));
	return 0;
}

/* The monitor cannot run: end the workload and say so in the exit file,
 * with the fds at @fds (monitor.h's order). */
static void
give_up(const struct shim_handoff *h, const int fds[N_FDS])
{
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	struct pd_err err = {0};
	int status;

	if (pd_pidfd_signal(fds[0], SIGKILL, &err) < 0)
		log_error("kill the workload %d: %s", (int)h->pid, err.msg);
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	if (pd_pidfd_reap(fds[0], &status) != 1)
		log_error("reap the workload %d: %s", (int)h->pid, strerror(errno));
	if (pd_exit_file_write(fds[N_FDS - 1], h->exit_name, h->pid, W_EXITCODE(255, 0), &err) < 0)
		log_error("exit file %s: %s", h->exit_name, err.msg);
}

int
shim_handoff(const struct shim_handoff *h, struct pd_err *err)
{
	const int src[N_FDS] = {h->pidfd, h->out_fd, h->err_fd, h->log_fd, h->exit_dirfd};
	int tmp[N_FDS] = {-1, -1, -1, -1, -1}, fixed[N_FDS];
	char pid[16];
	char fd_arg[N_FDS][16];
	const int *where;
	char *argv[] = {
	    (char *)PD_MONITOR_BINARY,
	    (char *)PD_MONITOR_PID,
	    pid,
	    (char *)PD_MONITOR_PIDFD,
	    fd_arg[0],
	    (char *)PD_MONITOR_STDOUT,
	    fd_arg[1],
	    (char *)PD_MONITOR_STDERR,
	    fd_arg[2],
	    (char *)PD_MONITOR_LOG,
	    fd_arg[3],
	    (char *)PD_MONITOR_EXIT_DIR,
	    fd_arg[4],
	    (char *)PD_MONITOR_EXIT_NAME,
	    (char *)h->exit_name,
	    NULL,
	};

	(void)snprintf(pid, sizeof(pid), "%d", (int)h->pid);
	for (int i = 0; i < N_FDS; i++)
		(void)snprintf(fd_arg[i], sizeof(fd_arg[i]), "%d", SHIM_MONITOR_PIDFD + i);
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
