/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shim's loop; see monitor.h. Plain poll, not libevent: four fds do not
 * need an event library, and each library mapped costs every container PSS
 * (the figures are in main.c).
 */
#include "monitor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cleanup.h"
#include "io.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "proc.h"
#include "shim.h"
#include "timefmt.h"

/* What one wake-up reads from a pipe at most, so that a chatty stream
 * cannot starve the other or the exit. */
#define READ_BURST (256 * 1024)
/* What is drained after the exit at most: the pipes' contents, not what a
 * background process keeps writing. */
#define DRAIN_MAX (1024 * 1024)

/* Reap every exited child but the workload, which is reaped through its
 * pidfd. WNOWAIT looks without reaping. */
static void
reap_orphans(pid_t workload)
{
	for (;;) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0 ||
		    info.si_pid == workload)
			return;
		(void)waitpid(info.si_pid, NULL, WNOHANG);
	}
}

static int
write_exit_file(const struct shim_monitor *m, int status, struct pd_err *err)
{
	char finished[PD_TIME_RFC3339_MAX];
	cleanup_json json_t *j = NULL;
	const char *sig = NULL;

	if (pd_time_rfc3339_now(finished, sizeof(finished)) < 0)
		return pd_fail(err, PD_E_SYSTEM, "format the time");
	j = json_pack("{s:i, s:s, s:i}", PD_SHIM_EXIT_CODE, pd_exit_code(status), PD_SHIM_FINISHED,
		      finished, PD_SHIM_PID, (int)m->pid);
	if (j == NULL)
		return pd_fail(err, PD_E_SYSTEM, "build the exit record");
	if (WIFSIGNALED(status))
		sig = pd_signal_name(WTERMSIG(status));
	if (sig != NULL && json_object_set_new(j, PD_SHIM_SIGNAL, json_string(sig)) < 0)
		return pd_fail(err, PD_E_SYSTEM, "build the exit record");
	return pd_json_save_run(m->exit_dirfd, m->exit_name, j, err);
}

int
shim_monitor_run(const struct shim_monitor *m, struct pd_err *err)
{
	static struct shim_stream streams[2];
	cleanup_close int sfd = -1;
	struct pollfd p[4];
	sigset_t chld;
	int status = 0, r;
	bool exited = false;

	shim_stream_init(&streams[0], m->out_fd, PD_CRILOG_STDOUT);
	shim_stream_init(&streams[1], m->err_fd, PD_CRILOG_STDERR);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		log_warn("signalfd: %s (orphans are reaped at the end)", strerror(errno));
	while (!exited) {
		p[0] = (struct pollfd){.fd = m->pidfd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
		p[2] = (struct pollfd){.fd = streams[0].fd, .events = POLLIN};
		p[3] = (struct pollfd){.fd = streams[1].fd, .events = POLLIN};
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return pd_fail_errno(err, errno, "poll");
		}
		for (int i = 0; i < 2; i++)
			if (p[2 + i].revents != 0)
				(void)shim_stream_read(&streams[i], m->log_fd, READ_BURST);
		if (p[1].revents != 0) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			reap_orphans(m->pid);
		}
		if (p[0].revents != 0) {
			r = pd_pidfd_reap(m->pidfd, &status);
			if (r < 0)
				return pd_fail_errno(err, errno, "reap the workload");
			exited = r == 1;
		}
	}
	for (int i = 0; i < 2; i++) {
		(void)shim_stream_read(&streams[i], m->log_fd, DRAIN_MAX);
		shim_stream_flush(&streams[i], m->log_fd);
		shim_stream_close(&streams[i]);
	}
	reap_orphans(0);
	return write_exit_file(m, status, err);
}
