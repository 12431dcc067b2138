/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-pause: the infra process of a pod. It exists to hold the pod's
 * namespaces open, so it does nothing but wait for signals:
 *   - SIGTERM and SIGINT: exit 0;
 *   - SIGCHLD: reap every exited child (it is PID 1 of a shared PID
 *     namespace, where orphans are reparented to it);
 *   - anything else: ignored.
 * Every signal but the synchronous fault signals is blocked and read from one
 * signalfd. Blocked signals are never "ignored" by the kernel, so this works
 * for PID 1 of a namespace too, where a signal with the default action would
 * be dropped.
 *
 * It links nothing but libc, statically, and uses no heap. Once running it
 * never exits on an error. With --ready-fd N it tells its spawner that its
 * signals are set up (lib/sync.h: PD_SYNC_READY), then waits there for
 * PD_SYNC_ACK, which podd sends once its record of the pod names this
 * process; EOF instead means podd died before that, and the pause exits
 * (125) rather than hold namespaces nobody knows of. Then it closes every
 * inherited fd. PODD_DEBUG=1 makes it say what it does on stderr.
 *
 * With --init -- CMD [ARG...] (issue 13, podctl run --init) it is the
 * init of a container instead, as docker's --init: it starts CMD (searched
 * in PATH) as its child, forwards every signal it gets to it (SIGTERM and
 * SIGINT included), reaps every zombie (it is PID 1 of the container's PID
 * namespace, or a child subreaper when it shares another's), and exits
 * with CMD's status once CMD has exited (128 + the signal when a signal
 * ended it), which takes the rest of a PID namespace with it. A CMD that
 * cannot be run is 127 (not found) or 126, with one line on stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync.h"

static bool debug;

/* Write "podd-pause: WHAT N" to stderr. No stdio: it would pull most of a
 * static libc into the binary, and every page of it into each pod's PSS. */
static void
say(const char *what, int n)
{
	char buf[128];
	char digits[16];
	size_t len = 0, nd = 0;
	unsigned u = n < 0 ? (unsigned)-n : (unsigned)n;

	if (!debug)
		return;
	do
		digits[nd++] = (char)('0' + u % 10);
	while ((u /= 10) != 0 && nd < sizeof(digits));
	if (n < 0)
		digits[nd++] = '-';
	memcpy(buf, "podd-pause: ", 12);
	len = 12;
	for (size_t i = 0; what[i] != '\0' && len < sizeof(buf) - sizeof(digits) - 2; i++)
		buf[len++] = what[i];
	buf[len++] = ' ';
	while (nd > 0)
		buf[len++] = digits[--nd];
	buf[len++] = '\n';
	if (write(STDERR_FILENO, buf, len) < 0)
		debug = false;
}

static void
fail(const char *msg)
{
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
		return;
}

static int
parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 3 || v > 1024)
		return -1;
	return (int)v;
}

/* Wait for podd's PD_SYNC_ACK on @fd. Signals are blocked meanwhile and
 * wait in the signalfd. */
static bool
acknowledged(int fd)
{
	struct pd_sync_msg msg;
	ssize_t n;

	do
		n = recv(fd, &msg, sizeof(msg), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(msg) && msg.type == PD_SYNC_ACK)
		return true;
	say("no acknowledgement from podd, exiting; recv returned", (int)n);
	return false;
}

/* Fork and exec @argv with the signal mask of before (@old). The child
 * never returns. */
static pid_t
start_child(char **argv, const sigset_t *old)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	sigprocmask(SIG_SETMASK, old, NULL);
	execvp(argv[0], argv);
	{
		int e = errno;

		fail("podd-pause: cannot run ");
		fail(argv[0]);
		fail(e == ENOENT ? ": no such file or directory\n" : ": cannot execute\n");
		_exit(e == ENOENT ? 127 : 126);
	}
}

/* The exit code for a wait status: docker's. */
static int
exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* --init: run @argv as the container's init would; see the top. */
static int
run_init(char **argv)
{
	struct signalfd_siginfo si;
	sigset_t mask, old;
	pid_t child;
	int sfd;

	/* Every signal goes through the signalfd, to be forwarded. */
	sigfillset(&mask);
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGBUS);
	sigdelset(&mask, SIGILL);
	sigdelset(&mask, SIGFPE);
	sigdelset(&mask, SIGABRT);
	sigprocmask(SIG_SETMASK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fail("podd-pause: signalfd failed\n");
		return 125;
	}
	/* Orphans come here when this is not PID 1 (Linux 3.4). */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	child = start_child(argv, &old);
	if (child < 0) {
		fail("podd-pause: fork failed\n");
		return 125;
	}
	say("started, pid", (int)child);
	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si))
			continue; /* EINTR: nothing else happens to a signalfd */
		if (si.ssi_signo != SIGCHLD) {
			say("forwarding signal", (int)si.ssi_signo);
			kill(child, (int)si.ssi_signo);
			continue;
		}
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);

			if (pid <= 0)
				break;
			say("reaped", (int)pid);
			if (pid == child)
				return exit_code(status);
		}
	}
}

static void
reap_all(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		say("reaped", (int)pid);
}

int
main(int argc, char **argv)
{
	struct signalfd_siginfo si;
	sigset_t mask;
	int ready_fd = -1;
	int sfd;

	if (argc >= 4 && strcmp(argv[1], "--init") == 0 && strcmp(argv[2], "--") == 0) {
		debug = getenv("PODD_DEBUG") != NULL;
		return run_init(argv + 3);
	}
	if (argc == 3 && strcmp(argv[1], "--ready-fd") == 0) {
		ready_fd = parse_fd(argv[2]);
		if (ready_fd < 0) {
			fail("podd-pause: --ready-fd takes an fd number from 3 to 1024\n");
			return 125;
		}
	} else if (argc != 1) {
		fail("usage: podd-pause [--ready-fd N] | --init -- CMD [ARG...]\n");
		return 125;
	}
	debug = getenv("PODD_DEBUG") != NULL;

	/* The fault signals stay unblocked: blocking them would hide a crash. */
	sigfillset(&mask);
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGBUS);
	sigdelset(&mask, SIGILL);
	sigdelset(&mask, SIGFPE);
	sigdelset(&mask, SIGABRT);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	if (ready_fd >= 0) {
		struct pd_sync_msg msg;

		memset(&msg, 0, sizeof(msg));
		msg.type = sfd >= 0 ? PD_SYNC_READY : PD_SYNC_ERROR;
		if (sfd < 0) {
			msg.err.kind = PD_E_SYSTEM;
			msg.err.errnum = errno;
			memcpy(msg.err.msg, "podd-pause: signalfd failed",
			       sizeof("podd-pause: signalfd failed"));
		}
		send(ready_fd, &msg, sizeof(msg), MSG_NOSIGNAL);
		if (sfd < 0 || !acknowledged(ready_fd))
			return 125;
	}
	/* close_range: Linux 5.9. Keep only stdio and the signalfd. */
	if (sfd > 3) {
		if (dup2(sfd, 3) < 0)
			return 125;
		close(sfd);
		sfd = 3;
	}
	/* Through syscall(2): musl has no close_range wrapper. */
	syscall(SYS_close_range, sfd >= 0 ? (unsigned)sfd + 1 : 3U, ~0U, 0U);
	if (chdir("/") < 0)
		say("chdir / failed, errno", errno);
	say("running, pid", (int)getpid());

	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si)) {
			/* A signalfd read does not fail in practice; if it ever
			 * does, wait for signals the slow way rather than spin or
			 * exit. */
			int sig;

			if (n < 0 && errno == EINTR)
				continue;
			if (sigwait(&mask, &sig) != 0)
				continue;
			si.ssi_signo = (uint32_t)sig;
		}
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap_all();
			break;
		case SIGTERM:
		case SIGINT:
			say("exiting on signal", (int)si.ssi_signo);
			reap_all();
			return 0;
		default:
			say("ignored signal", (int)si.ssi_signo);
			break;
		}
	}
}
