/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spawn helper and pidfd wrappers; see proc.h.
 *
 * clone3 is called through syscall(2) (glibc 2.36 has no wrapper). Without a
 * stack it returns twice like fork, so the child runs on a copy of the
 * parent's stack; everything it does until execve is a system call.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "cleanup.h"
#include "fd.h"
#include "sync.h"

#ifndef P_PIDFD
#define P_PIDFD 3 /* Linux 5.4; in <linux/wait.h>, which clashes with <sys/wait.h> */
#endif

static _Noreturn void
child_fail(int sync_fd, const struct pd_err *err, int code)
{
	struct pd_sync_msg msg = {.type = PD_SYNC_ERROR, .err = *err};

	pd_sync_send(sync_fd, &msg);
	_exit(code);
}

/* Put the parent's fds where the child wants them. Sources are first moved
 * above every target, so that a source numbered like an earlier target is
 * not clobbered by its dup2. */
static int
child_map_fds(const struct pd_spawn *s, int *sync_fd, struct pd_err *err)
{
	int high[PD_SPAWN_MAX_FDS];
	int base = PD_SPAWN_MAX_FDS + 1;
	int nullfd = -1;
	int fd;

	for (int i = 0; i < s->n_fds; i++) {
		int src = s->fds[i];

		if (src < 0) {
			if (nullfd < 0)
				nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (nullfd < 0)
				return pd_fail_errno(err, errno, "open /dev/null");
			src = nullfd;
		}
		high[i] = fcntl(src, F_DUPFD_CLOEXEC, base);
		if (high[i] < 0)
			return pd_fail_errno(err, errno, "dup fd %d", src);
	}
	fd = fcntl(*sync_fd, F_DUPFD_CLOEXEC, base);
	if (fd < 0)
		return pd_fail_errno(err, errno, "dup sync fd");
	*sync_fd = fd;
	for (int i = 0; i < s->n_fds; i++)
		if (dup2(high[i], i) < 0)
			return pd_fail_errno(err, errno, "dup2 to fd %d", i);
	/* The sync end goes right after the map; it stays close-on-exec unless
	 * the new program is to report readiness on it. */
	if (s->keep_sync) {
		if (dup2(*sync_fd, s->n_fds) < 0)
			return pd_fail_errno(err, errno, "dup2 sync fd");
	} else if (dup3(*sync_fd, s->n_fds, O_CLOEXEC) < 0) {
		return pd_fail_errno(err, errno, "dup3 sync fd");
	}
	*sync_fd = s->n_fds;
	/* close_range: Linux 5.9. Everything else the parent had open goes. */
	if (close_range((unsigned)s->n_fds + 1, ~0U, 0) < 0)
		return pd_fail_errno(err, errno, "close_range");
	return 0;
}

/* glibc's sigaction refuses the two real-time signals it keeps for itself
 * (32 and 33), but an ignored disposition of theirs inherited from our own
 * parent would still pass through execve: reset them with the system call. */
static void
reset_reserved_signal(int sig)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} ksa = {.handler = SIG_DFL};

	syscall(SYS_rt_sigaction, sig, &ksa, NULL, sizeof(ksa.mask));
}

static bool
searched(const struct pd_spawn *s)
{
	return s->search_path != NULL && strchr(s->path, '/') == NULL;
}

/* Exec @s->path, directly or through the search path (see proc.h), and
 * return the errno to report. Runs in the child: the candidates are built on
 * the stack, nothing is allocated. */
static int
child_exec(const struct pd_spawn *s, char *const *envp)
{
	char buf[PATH_MAX];
	size_t nlen = strlen(s->path);
	const char *dir = s->search_path;
	bool denied = false;

	if (!searched(s)) {
		execve(s->path, s->argv, envp);
		return errno;
	}
	if (nlen == 0)
		return ENOENT;
	for (;;) {
		const char *end = strchrnul(dir, ':');
		const char *d = dir;
		size_t dlen = (size_t)(end - dir);

		if (dlen == 0) {
			d = ".";
			dlen = 1;
		}
		/* A candidate longer than PATH_MAX cannot exist: skip it. */
		if (dlen + 1 + nlen < sizeof(buf)) {
			memcpy(buf, d, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + 1, s->path, nlen + 1);
			execve(buf, s->argv, envp);
			switch (errno) {
			case EACCES:
				denied = true;
				break;
			case ENOENT:
			case ENOTDIR:
			case ENAMETOOLONG:
			case ESTALE:
			case ENODEV:
			case ETIMEDOUT:
				break;
			default:
				return errno;
			}
		}
		if (*end == '\0')
			break;
		dir = end + 1;
	}
	return denied ? EACCES : ENOENT;
}

static _Noreturn void
child_run(const struct pd_spawn *s, int sync_fd)
{
	static char *const empty_env[] = {NULL};
	struct pd_err err = {0};
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;
	int e;

	/* Handlers do not survive execve but ignored signals do (podd ignores
	 * SIGPIPE), and the mask is inherited: reset both. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, &sa, NULL) < 0 && sig != SIGKILL && sig != SIGSTOP)
			reset_reserved_signal(sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* The hook runs before the fd map closes the parent's fds, so it can
	 * still use fds it was handed (namespace files to join). */
	if (s->setup != NULL && s->setup(s->setup_arg, &err) < 0)
		child_fail(sync_fd, &err, 125);
	if (child_map_fds(s, &sync_fd, &err) < 0)
		child_fail(sync_fd, &err, 125);
	if (s->new_session && setsid() < 0) {
		pd_fail_errno(&err, errno, "setsid");
		child_fail(sync_fd, &err, 125);
	}
	if (s->controlling_tty && ioctl(0, TIOCSCTTY, 0) < 0) {
		pd_fail_errno(&err, errno, "make fd 0 the controlling terminal");
		child_fail(sync_fd, &err, 125);
	}
	e = child_exec(s, s->envp ? s->envp : empty_env);
	if (e == ENOENT || e == ENOTDIR) {
		pd_fail(&err, PD_E_NO_COMMAND, "exec \"%s\": no such file or directory%s", s->path,
			searched(s) ? " in PATH" : "");
		err.errnum = e;
		child_fail(sync_fd, &err, 127);
	}
	if (e == EACCES || e == ENOEXEC || e == EISDIR || e == EPERM) {
		pd_fail(&err, PD_E_NOT_EXECUTABLE, "exec \"%s\": %s", s->path, strerror(e));
		err.errnum = e;
		child_fail(sync_fd, &err, 126);
	}
	pd_fail_errno(&err, e, "exec \"%s\"", s->path);
	child_fail(sync_fd, &err, 126);
}

int
pd_spawn(const struct pd_spawn *s, struct pd_child *out, struct pd_err *err)
{
	struct clone_args args;
	cleanup_close int parent_end = -1;
	cleanup_close int child_end = -1;
	int pidfd = -1;
	int fds[2];
	long pid;

	if (s->n_fds < 0 || s->n_fds > PD_SPAWN_MAX_FDS)
		return pd_fail(err, PD_E_INVALID, "spawn: bad fd count %d", s->n_fds);
	if (pd_sync_pair(fds, err) < 0)
		return -1;
	parent_end = fds[0];
	child_end = fds[1];

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD | (unsigned)s->clone_flags;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	/* clone3 with CLONE_PIDFD: Linux 5.3. */
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return pd_fail_errno(err, errno, "clone3");
	if (pid == 0)
		child_run(s, child_end);

	out->pid = (pid_t)pid;
	out->pidfd = pidfd;
	out->sync_fd = steal_fd(parent_end);
	return 0;
}

int
pd_spawn_wait_sync(int sync_fd, bool keep_sync, struct pd_err *err)
{
	struct pd_sync_msg msg;
	int r = pd_sync_recv(sync_fd, &msg);

	if (r < 0)
		return pd_fail_errno(err, errno, "read sync socket");
	if (r == 0 && keep_sync)
		return pd_fail(err, PD_E_SYSTEM, "the process exited before it was ready");
	if (r == 0 || msg.type == PD_SYNC_READY)
		return 0;
	*err = msg.err;
	return -1;
}

int
pd_pidfd_open(pid_t pid, struct pd_err *err)
{
	int fd = pidfd_open(pid, 0);

	if (fd < 0 && errno == ESRCH)
		return pd_fail(err, PD_E_NOT_FOUND, "process %d is gone", (int)pid);
	if (fd < 0)
		return pd_fail_errno(err, errno, "pidfd_open %d", (int)pid);
	/* pidfds are always close-on-exec (O_CLOEXEC is implied by the kernel). */
	return fd;
}

int
pd_pidfd_signal(int pidfd, int sig, struct pd_err *err)
{
	if (pidfd_send_signal(pidfd, sig, NULL, 0) == 0)
		return 0;
	if (errno == ESRCH)
		return 1;
	return pd_fail_errno(err, errno, "send signal %d", sig);
}

int
pd_proc_stat_parse_start(const char *stat, char *state, unsigned long *flags, uint64_t *ticks)
{
	/* comm may hold spaces and ')': the fields start after the last ')'. */
	const char *p = strrchr(stat, ')');
	unsigned long long v;
	char *end;

	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	*state = p[2];
	p++;
	/* After ')' come field 3 (state) .. field 22 (starttime). */
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return -1;
		if (field != 9 && field != 22) {
			while (*p != ' ' && *p != '\0')
				p++;
			continue;
		}
		if (*p < '0' || *p > '9') /* strtoull would take "-5" as 2^64 - 5 */
			return -1;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno != 0 || end == p || (*end != ' ' && *end != '\n' && *end != '\0'))
			return -1;
		if (field == 9)
			*flags = (unsigned long)v;
		else
			*ticks = v;
		p = end;
	}
	return 0;
}

int
pd_proc_start_time(pid_t pid, uint64_t *ticks, struct pd_err *err)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	unsigned long flags;
	char state;
	ssize_t n;

	if (snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid) >= (int)sizeof(path))
		return pd_fail(err, PD_E_INVALID, "bad pid %d", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "process %d is gone", (int)pid);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return pd_fail_errno(err, errno, "read %s", path);
	buf[n] = '\0';
	if (pd_proc_stat_parse_start(buf, &state, &flags, ticks) < 0)
		return pd_fail(err, PD_E_SYSTEM, "%s: unexpected format", path);
	/* A zombie has a start time but is no longer the process; nor is one in
	 * exit(2) (PF_EXITING), which may stay so for a while: the init of a PID
	 * namespace waits there until every other process of it is reaped. */
	if (state == 'Z' || state == 'X' || (flags & PD_PF_EXITING) != 0)
		return pd_fail(err, PD_E_NOT_FOUND, "process %d has exited", (int)pid);
	return 0;
}
