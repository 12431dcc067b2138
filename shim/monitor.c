/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-monitor (monitor.h is its contract with podd-shim): one poll over
 * the workload's pidfd, a signalfd for SIGCHLD (a subreaper: orphans of the
 * workload come here and are reaped) and the two output pipes. When the
 * workload exits, the pipes are drained without blocking (a background
 * process may still hold them), the workload is reaped and the exit file is
 * written atomically.
 *
 * Plain poll, no event library, no heap: four fds need neither, and every
 * page mapped here is paid by every container for as long as it runs. It
 * links lib/ pieces that are libc only (crilog, timefmt, log, exitfile,
 * file, reap) into a static musl binary; no jansson, no libcap.
 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "attach_server.h"
#include "cleanup.h"
#include "exitfile.h"
#include "io.h"
#include "log.h"
#include "parse.h"
#include "reap.h"
#include "timefmt.h"

/* What one wake-up reads from a pipe at most, so that a chatty stream
 * cannot starve the other or the exit. */
#define READ_BURST (256 * 1024)
/* What is drained after the exit at most: the pipes' contents, not what a
 * background process keeps writing. */
#define DRAIN_MAX (1024 * 1024)
/* Without a signalfd, how often orphans are reaped, in ms. */
#define REAP_EVERY_MS 1000

/* glibc has it, musl does not: the wait status of an exit with @ret. */
#ifndef W_EXITCODE
#define W_EXITCODE(ret, sig) ((ret) << 8 | (sig))
#endif

struct monitor {
	pid_t pid;                      /* the workload */
	int pidfd;                      /* the workload's */
	int out_fd, err_fd;             /* read ends of stdout and stderr (or the terminal, and
					 * -1), taken by the streams */
	struct shim_attach_conf attach; /* taken by the attach server */
	int log_fd;                     /* the CRI log, O_APPEND */
	int exit_dirfd;                 /* the exit file's directory */
	const char *exit_name;          /* borrowed from argv */
};

/* An fd flag's value: a number given, and open. */
static int
parse_fd(const char *flag, const char *s, int *fd, struct pd_err *err)
{
	long long v;

	if (pd_parse_int(s, 0, 1 << 20, &v, err) < 0)
		return pd_err_prefix(err, "%s", flag);
	if (fcntl((int)v, F_GETFD) < 0)
		return pd_fail_errno(err, errno, "%s %lld", flag, v);
	*fd = (int)v;
	return 0;
}

/* A file name: not empty, no '/'. */
static int
parse_name(const char *flag, const char *s, const char **name, struct pd_err *err)
{
	if (s[0] == '\0' || strchr(s, '/') != NULL)
		return pd_fail(err, PD_E_INVALID, "%s \"%s\": not a file name", flag, s);
	*name = s;
	return 0;
}

static int
parse_args(int argc, char **argv, struct monitor *m, struct pd_err *err)
{
	long long pid = 0, hold = 0;

	if (argc % 2 != 1)
		return pd_fail(err, PD_E_INVALID, "flags come in pairs: FLAG VALUE");
	for (int i = 1; i < argc; i += 2) {
		const char *f = argv[i], *v = argv[i + 1];
		int r;

		if (strcmp(f, PD_MONITOR_PID) == 0)
			r = pd_parse_int(v, 1, 1 << 30, &pid, err);
		else if (strcmp(f, PD_MONITOR_PIDFD) == 0)
			r = parse_fd(f, v, &m->pidfd, err);
		else if (strcmp(f, PD_MONITOR_STDOUT) == 0)
			r = parse_fd(f, v, &m->out_fd, err);
		else if (strcmp(f, PD_MONITOR_STDERR) == 0)
			r = parse_fd(f, v, &m->err_fd, err);
		else if (strcmp(f, PD_MONITOR_LOG) == 0)
			r = parse_fd(f, v, &m->log_fd, err);
		else if (strcmp(f, PD_MONITOR_EXIT_DIR) == 0)
			r = parse_fd(f, v, &m->exit_dirfd, err);
		else if (strcmp(f, PD_MONITOR_EXIT_NAME) == 0)
			r = parse_name(f, v, &m->exit_name, err);
		else if (strcmp(f, PD_MONITOR_STDIN) == 0)
			r = parse_fd(f, v, &m->attach.stdin_fd, err);
		else if (strcmp(f, PD_MONITOR_TTY) == 0)
			r = parse_fd(f, v, &m->attach.tty_fd, err);
		else if (strcmp(f, PD_MONITOR_ATTACH) == 0)
			r = parse_fd(f, v, &m->attach.listen_fd, err);
		else if (strcmp(f, PD_MONITOR_HOLD_MS) == 0)
			r = pd_parse_int(v, 0, 3600 * 1000, &hold, err);
		else
			r = pd_fail(err, PD_E_INVALID, "unknown flag \"%s\"", f);
		if (r < 0)
			return -1;
	}
	m->pid = (pid_t)pid;
	m->attach.hold_ms = (int)hold;
	if (m->pid == 0 || m->pidfd < 0 || m->out_fd < 0 || m->log_fd < 0 || m->exit_dirfd < 0 ||
	    m->exit_name == NULL)
		return pd_fail(err, PD_E_INVALID,
			       "usage: %s %s P %s FD %s FD [%s FD] %s FD %s FD %s NAME [%s FD] "
			       "[%s FD] [%s FD [%s MS]]",
			       PD_MONITOR_BINARY, PD_MONITOR_PID, PD_MONITOR_PIDFD,
			       PD_MONITOR_STDOUT, PD_MONITOR_STDERR, PD_MONITOR_LOG,
			       PD_MONITOR_EXIT_DIR, PD_MONITOR_EXIT_NAME, PD_MONITOR_STDIN,
			       PD_MONITOR_TTY, PD_MONITOR_ATTACH, PD_MONITOR_HOLD_MS);
	if ((m->err_fd < 0) != (m->attach.tty_fd >= 0))
		return pd_fail(err, PD_E_INVALID, "%s is given exactly when %s is not",
			       PD_MONITOR_STDERR, PD_MONITOR_TTY);
	return 0;
}

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

/* A loop that must not end on an error must not spin on one either. */
static void
pause_after_error(void)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};

	(void)nanosleep(&ts, NULL);
}

/* Until the workload has exited: its output into the log and to attached
 * clients, their input to it, orphans reaped. Returns its wait status. */
static int
watch(const struct monitor *m, struct shim_stream streams[2])
{
	cleanup_close int sfd = -1;
	struct pollfd p[4 + SHIM_ATTACH_POLLFDS];
	sigset_t chld;
	bool warned = false;
	int status = 0, r;

	/* Blocked already (podd-shim blocks it before the workload starts, and
	 * the mask survives execve); again, so as not to depend on it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		log_warn("block SIGCHLD: %s", strerror(errno));
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		log_warn("signalfd: %s (orphans are reaped every %d ms)", strerror(errno),
			 REAP_EVERY_MS);
	for (;;) {
		long long now = (long long)pd_time_mono_ms();
		bool out = shim_attach_output_ready(now);
		int timeout = shim_attach_timeout(now), n_attach;

		if (sfd < 0 && (timeout < 0 || timeout > REAP_EVERY_MS))
			timeout = REAP_EVERY_MS;
		p[0] = (struct pollfd){.fd = m->pidfd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = sfd, .events = POLLIN};
		/* A negative fd is skipped by poll. */
		p[2] = (struct pollfd){.fd = out ? streams[0].fd : -1, .events = POLLIN};
		p[3] = (struct pollfd){.fd = out ? streams[1].fd : -1, .events = POLLIN};
		n_attach = shim_attach_pollfds(&p[4]);
		if (poll(p, (nfds_t)4 + (nfds_t)n_attach, timeout) < 0) {
			if (errno == EINTR)
				continue;
			if (!warned)
				log_error("poll: %s", strerror(errno));
			warned = true;
			pause_after_error();
			continue;
		}
		/* With clients, one read per wake-up: each read goes to them
		 * as one message, and the next waits until they took it. */
		for (int i = 0; i < 2; i++)
			if (p[2 + i].revents != 0)
				(void)shim_stream_read(&streams[i], m->log_fd,
						       shim_attach_has_clients() ? 1 : READ_BURST);
		shim_attach_events(&p[4], n_attach);
		if (sfd < 0 || p[1].revents != 0) {
			struct signalfd_siginfo si;

			while (sfd >= 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			reap_orphans(m->pid);
		}
		if (p[0].revents != 0) {
			r = pd_pidfd_reap(m->pidfd, &status);
			if (r == 1)
				return status;
			if (r < 0) {
				/* Not our child, or no pidfd: nothing will tell
				 * how it ended. Say so rather than wait forever. */
				log_error("reap the workload %d: %s (exit code 255)", (int)m->pid,
					  strerror(errno));
				return W_EXITCODE(255, 0);
			}
		}
	}
}

int
main(int argc, char **argv)
{
	static struct shim_stream streams[2];
	struct monitor m = {
	    .pidfd = -1,
	    .out_fd = -1,
	    .err_fd = -1,
	    .log_fd = -1,
	    .exit_dirfd = -1,
	    .attach = {.listen_fd = -1, .stdin_fd = -1, .tty_fd = -1},
	};
	struct pd_err err = {0};
	int status;

	pd_log_init(PD_MONITOR_BINARY);
	if (parse_args(argc, argv, &m, &err) < 0) {
		log_error("%s", err.msg);
		return 125;
	}
	/* Kept across execve from podd-shim; set again, so as not to depend on it. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		log_warn("become a subreaper: %s", strerror(errno));
	shim_attach_init(&m.attach);
	for (int i = 0; i < 2; i++)
		shim_stream_init(&streams[i], i == 0 ? m.out_fd : m.err_fd,
				 i == 0 ? PD_CRILOG_STDOUT : PD_CRILOG_STDERR, shim_attach_output,
				 PD_ATTACH_MSG_MAX - 1);
	status = watch(&m, streams);
	shim_attach_before_drain((long long)pd_time_mono_ms());
	for (int i = 0; i < 2; i++) {
		(void)shim_stream_read(&streams[i], m.log_fd, DRAIN_MAX);
		shim_stream_flush(&streams[i], m.log_fd);
		shim_stream_close(&streams[i]);
	}
	reap_orphans(0);
	if (pd_exit_file_write(m.exit_dirfd, m.exit_name, m.pid, status, &err) < 0)
		log_error("exit file %s: %s", m.exit_name, err.msg);
	/* After the exit file: a client that has the code may ask podd. */
	shim_attach_finish(pd_exit_code(status));
	return err.msg[0] != '\0';
}
