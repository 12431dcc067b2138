/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/proc: the /proc/PID/stat parse, exit codes, and pd_spawn end to end
 * with small system binaries: the outcome on the sync socket (ok, 127, 126,
 * a failed setup hook), the fd map, the fds and signal state the child gets,
 * and reaping through the pidfd. No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd.h"
#include "proc.h"
#include "unit.h"

/* A /proc/PID/stat line with @comm and starttime (field 22) = @start. */
static void
stat_line(char *buf, size_t len, const char *comm, const char *start)
{
	int n = snprintf(buf, len,
			 "4242 (%s) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %s 1000 "
			 "200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
			 comm, start);

	REQUIRE(n > 0 && (size_t)n < len);
}

static int
parse_start(const char *stat, uint64_t *ticks)
{
	unsigned long flags;
	char state = '?';

	return pd_proc_stat_parse_start(stat, &state, &flags, ticks);
}

static void
test_stat_parse(void)
{
	char buf[512];
	unsigned long flags = 0;
	uint64_t t = 0;
	char state = '?';

	stat_line(buf, sizeof(buf), "sleep", "987654");
	CHECK_INT(parse_start(buf, &t), ==, 0);
	CHECK_INT(t, ==, 987654);
	stat_line(buf, sizeof(buf), "a b) c) (d", "55");
	CHECK_INT(parse_start(buf, &t), ==, 0);
	CHECK_INT(t, ==, 55);
	stat_line(buf, sizeof(buf), ")", "7");
	CHECK_INT(parse_start(buf, &t), ==, 0);
	CHECK_INT(t, ==, 7);
	stat_line(buf, sizeof(buf), "x", "8");
	buf[strlen("4242 (x) ")] = 'Z';
	CHECK_INT(pd_proc_stat_parse_start(buf, &state, &flags, &t), ==, 0);
	CHECK_INT(state, ==, 'Z');
	CHECK_INT(flags, ==, 4194560);
	CHECK_INT(t, ==, 8);
	/* starttime as the last field, without a newline. */
	CHECK_INT(parse_start("1 (x) S 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 99", &t), ==,
		  0);
	CHECK_INT(t, ==, 99);
}

static void
test_stat_parse_malformed(void)
{
	char buf[512];
	uint64_t t = 12345;

	CHECK_INT(parse_start("", &t), ==, -1);
	CHECK_INT(parse_start("4242 (sleep S 1 2 3", &t), ==, -1);
	CHECK_INT(parse_start("4242 (sleep)", &t), ==, -1);
	CHECK_INT(parse_start("4242 (sleep) ", &t), ==, -1);
	CHECK_INT(parse_start("4242 (sleep)S 1", &t), ==, -1);
	CHECK_INT(parse_start("1 (x) S 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21", &t), ==,
		  -1);
	CHECK_INT(parse_start("1 (x) S 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 ", &t), ==,
		  -1);
	stat_line(buf, sizeof(buf), "x", "12z");
	CHECK_INT(parse_start(buf, &t), ==, -1);
	stat_line(buf, sizeof(buf), "x", "-5");
	CHECK_INT(parse_start(buf, &t), ==, -1);
	stat_line(buf, sizeof(buf), "x", "+5");
	CHECK_INT(parse_start(buf, &t), ==, -1);
	stat_line(buf, sizeof(buf), "x", "99999999999999999999999");
	CHECK_INT(parse_start(buf, &t), ==, -1);
	CHECK_INT(t, ==, 12345);
}

static void
test_start_time_self(void)
{
	struct pd_err err = {0};
	char buf[1024];
	uint64_t a = 0, b = 1;
	ssize_t n;
	int fd;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	REQUIRE(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	REQUIRE(n > 0);
	buf[n] = '\0';
	REQUIRE(parse_start(buf, &a) == 0);
	CHECK_INT(pd_proc_start_time(getpid(), &b, &err), ==, 0);
	CHECK_INT(a, ==, b);
	CHECK_INT(a, >, 0);
	/* Above the kernel's pid limit (4194304), so never a live process. */
	CHECK_INT(pd_proc_start_time(1 << 30, &b, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
}

static void
test_start_time_zombie(void)
{
	struct pd_err err = {0};
	struct pollfd p = {.events = POLLIN};
	uint64_t t = 0;
	pid_t pid = fork();

	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(0);
	p.fd = pd_pidfd_open(pid, &err);
	REQUIRE(p.fd >= 0);
	REQUIRE(poll(&p, 1, 10000) == 1);
	/* Exited, not yet reaped: a zombie is not the process any more. */
	CHECK_INT(pd_proc_start_time(pid, &t, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	REQUIRE(waitpid(pid, NULL, 0) == pid);
	close(p.fd);
}

static void
test_exit_code(void)
{
	CHECK_INT(pd_exit_code(W_EXITCODE(0, 0)), ==, 0);
	CHECK_INT(pd_exit_code(W_EXITCODE(3, 0)), ==, 3);
	CHECK_INT(pd_exit_code(W_EXITCODE(255, 0)), ==, 255);
	CHECK_INT(pd_exit_code(W_EXITCODE(0, SIGKILL)), ==, 137);
	CHECK_INT(pd_exit_code(W_EXITCODE(0, SIGTERM)), ==, 143);
	CHECK_INT(pd_exit_code(W_EXITCODE(0, SIGSEGV) | 0x80), ==, 139); /* core dumped */
	CHECK_INT(pd_exit_code(W_STOPCODE(SIGSTOP)), ==, 255);
}

static void
test_exit_code_real(void)
{
	int status = 0;
	pid_t pid = fork();

	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(42);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK_INT(pd_exit_code(status), ==, 42);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		(void)raise(SIGKILL);
		_exit(0);
	}
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK_INT(pd_exit_code(status), ==, 137);
}

/* Wait for @c to exit (poll on the pidfd, then reap) and return its exit
 * code, closing the caller's fds. -1 if it does not exit in 10 s. */
static int
wait_exit(struct pd_child *c)
{
	struct pollfd p = {.fd = c->pidfd, .events = POLLIN};
	int status = -1, code = -1;

	if (poll(&p, 1, 10000) == 1 && pd_pidfd_reap(c->pidfd, &status) == 1)
		code = pd_exit_code(status);
	close(c->pidfd);
	close(c->sync_fd);
	return code;
}

/* Spawn @argv (argv[0] is the path) with fds 0..2 from @fds, wait for the
 * sync outcome into @err, then for the exit. Returns the exit code; *sync_r
 * gets pd_spawn_wait_sync's result. */
static int
run(char *const *argv, const int fds[3], int *sync_r, struct pd_err *err)
{
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = 3};
	struct pd_child c;

	for (int i = 0; i < 3; i++)
		s.fds[i] = fds ? fds[i] : -1;
	REQUIRE(pd_spawn(&s, &c, err) == 0);
	CHECK_INT(c.pid, >, 0);
	CHECK_INT(fcntl(c.pidfd, F_GETFD), ==, FD_CLOEXEC);
	CHECK_INT(fcntl(c.sync_fd, F_GETFD), ==, FD_CLOEXEC);
	*sync_r = pd_spawn_wait_sync(c.sync_fd, false, err);
	return wait_exit(&c);
}

static void
test_spawn_true_false(void)
{
	char *t[] = {"/bin/true", NULL}, *f[] = {"/bin/false", NULL};
	struct pd_err err = {0};
	int r = -5;

	CHECK_INT(run(t, NULL, &r, &err), ==, 0);
	CHECK_INT(r, ==, 0);
	CHECK_INT(err.kind, ==, 0);
	CHECK_INT(run(f, NULL, &r, &err), ==, 1);
	CHECK_INT(r, ==, 0);
}

static void
test_spawn_missing(void)
{
	char *argv[] = {"/nonexistent/podd-test-cmd", NULL};
	char *notdir[] = {"/bin/true/x", NULL};
	struct pd_err err = {0};
	int r = 0;

	CHECK_INT(run(argv, NULL, &r, &err), ==, 127);
	CHECK_INT(r, ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NO_COMMAND);
	CHECK_CONTAINS(err.msg, "/nonexistent/podd-test-cmd");
	pd_err_clear(&err);
	CHECK_INT(run(notdir, NULL, &r, &err), ==, 127);
	CHECK_INT(err.kind, ==, PD_E_NO_COMMAND);
}

static void
test_spawn_not_executable(void)
{
	char dir[PATH_MAX], plain[PATH_MAX + 16], junk[PATH_MAX + 16];
	char *argv[] = {plain, NULL}, *argv2[] = {junk, NULL}, *argv3[] = {dir, NULL};
	struct pd_err err = {0};
	int r = 0, fd;

	unit_tmpdir(dir, sizeof(dir));
	UNIT_FMT(plain, "%s/plain", dir);
	UNIT_FMT(junk, "%s/junk", dir);
	fd = open(plain, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	REQUIRE(fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10);
	close(fd);
	/* Executable, but neither ELF nor a #! script: ENOEXEC. */
	fd = open(junk, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	REQUIRE(fd >= 0 && write(fd, "\x01\x02\x03\x04junk", 8) == 8);
	close(fd);

	CHECK_INT(run(argv, NULL, &r, &err), ==, 126);
	CHECK_INT(r, ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_EXECUTABLE);
	CHECK_INT(err.errnum, ==, EACCES);
	CHECK_CONTAINS(err.msg, plain);
	CHECK_INT(run(argv2, NULL, &r, &err), ==, 126);
	CHECK_INT(err.kind, ==, PD_E_NOT_EXECUTABLE);
	CHECK_INT(err.errnum, ==, ENOEXEC);
	CHECK_INT(run(argv3, NULL, &r, &err), ==, 126);
	CHECK_INT(err.kind, ==, PD_E_NOT_EXECUTABLE);
	CHECK_INT(unit_rmtree(dir), ==, 0);
}

/* Run @argv with its stdout on a pipe and return what it wrote (caller frees). */
static char *
capture(char *const *argv, int *code)
{
	struct pd_err err = {0};
	char *out = NULL;
	size_t len = 0;
	int p[2], fds[3], r = 0;

	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	fds[0] = -1;
	fds[1] = p[1];
	fds[2] = -1;
	*code = run(argv, fds, &r, &err);
	CHECK_INT(r, ==, 0);
	close(p[1]);
	CHECK_INT(pd_fd_read_all(p[0], 1 << 16, &out, &len, &err), ==, 0);
	close(p[0]);
	return out;
}

static void
test_spawn_fd_map(void)
{
	char *echo[] = {"/bin/sh", "-c", "echo hello; echo to-null >&2", NULL};
	char *link[] = {"/bin/readlink", "/proc/self/fd/0", NULL};
	int code = -1;
	char *out;

	out = capture(echo, &code);
	CHECK_INT(code, ==, 0);
	CHECK_STR(out, ==, "hello\n");
	free(out);
	out = capture(link, &code);
	CHECK_STR(out, ==, "/dev/null\n");
	free(out);
}

static void
test_spawn_only_mapped_fds(void)
{
	char *ls[] = {"/bin/ls", "-1", "/proc/self/fd", NULL};
	int inheritable[2], code = -1;
	char *out;

	/* Without O_CLOEXEC on purpose: the child must still not get it. */
	REQUIRE(pipe2(inheritable, 0) == 0); /* NOLINT(android-cloexec-pipe2) */
	out = capture(ls, &code);
	CHECK_INT(code, ==, 0);
	/* 0-2 mapped, 3 is ls's own handle on the directory it lists. */
	CHECK_STR(out, ==, "0\n1\n2\n3\n");
	free(out);
	close(inheritable[0]);
	close(inheritable[1]);
}

static void
test_spawn_signals_reset(void)
{
	char *cat[] = {"/bin/cat", "/proc/self/status", NULL};
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigset_t block;
	int code = -1;
	char *out;

	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGTERM, &ign, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	out = capture(cat, &code);
	CHECK_INT(code, ==, 0);
	CHECK_CONTAINS(out, "SigBlk:\t0000000000000000\n");
	CHECK_CONTAINS(out, "SigIgn:\t0000000000000000\n");
	free(out);
}

static int
refuse(void *arg, struct pd_err *err)
{
	return pd_fail(err, PD_E_FORBIDDEN, "setup refused: %s", (const char *)arg);
}

static void
test_spawn_setup_fails(void)
{
	char *argv[] = {"/bin/true", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = 3, .fds = {-1, -1, -1}};
	struct pd_err err = {0};
	struct pd_child c;

	s.setup = refuse;
	s.setup_arg = "no caps";
	REQUIRE(pd_spawn(&s, &c, &err) == 0);
	CHECK_INT(pd_spawn_wait_sync(c.sync_fd, false, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_FORBIDDEN);
	CHECK_STR(err.msg, ==, "setup refused: no caps");
	CHECK_INT(wait_exit(&c), ==, 125);
}

static void
test_spawn_keep_sync_without_ready(void)
{
	char *argv[] = {"/bin/true", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = 3, .fds = {-1, -1, -1}};
	struct pd_err err = {0};
	struct pd_child c;

	s.keep_sync = true;
	REQUIRE(pd_spawn(&s, &c, &err) == 0);
	CHECK_INT(pd_spawn_wait_sync(c.sync_fd, true, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "exited before it was ready");
	CHECK_INT(wait_exit(&c), ==, 0);
}

static void
test_spawn_bad_fd_count(void)
{
	char *argv[] = {"/bin/true", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = PD_SPAWN_MAX_FDS + 1};
	struct pd_err err = {0};
	struct pd_child c;

	CHECK_INT(pd_spawn(&s, &c, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	s.n_fds = -1;
	CHECK_INT(pd_spawn(&s, &c, &err), ==, -1);
}

static void
test_pidfd_reap_and_signal(void)
{
	char *argv[] = {"/bin/sleep", "30", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = 3, .fds = {-1, -1, -1}};
	struct pd_err err = {0};
	struct pd_child c;
	uint64_t ticks = 0;
	int status = -1;

	REQUIRE(pd_spawn(&s, &c, &err) == 0);
	CHECK_INT(pd_spawn_wait_sync(c.sync_fd, false, &err), ==, 0);
	CHECK_INT(pd_pidfd_reap(c.pidfd, &status), ==, 0);
	CHECK_INT(pd_proc_start_time(c.pid, &ticks, &err), ==, 0);
	CHECK_INT(pd_pidfd_signal(c.pidfd, SIGKILL, &err), ==, 0);
	CHECK_INT(wait_exit(&c), ==, 137);
}

static void
test_pidfd_signal_after_exit(void)
{
	char *argv[] = {"/bin/true", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .n_fds = 3, .fds = {-1, -1, -1}};
	struct pd_err err = {0};
	struct pd_child c;
	struct pollfd p;
	int status = -1;

	REQUIRE(pd_spawn(&s, &c, &err) == 0);
	p.fd = c.pidfd;
	p.events = POLLIN;
	REQUIRE(poll(&p, 1, 10000) == 1);
	REQUIRE(pd_pidfd_reap(c.pidfd, &status) == 1);
	CHECK_INT(pd_exit_code(status), ==, 0);
	/* Reaped: the process is gone, which is not an error. */
	CHECK_INT(pd_pidfd_signal(c.pidfd, SIGTERM, &err), ==, 1);
	CHECK_INT(err.kind, ==, 0);
	/* A second reap finds nothing. */
	CHECK_INT(pd_pidfd_reap(c.pidfd, &status), ==, -1);
	close(c.pidfd);
	close(c.sync_fd);
}

static void
test_pidfd_open(void)
{
	struct pd_err err = {0};
	int status = 0;
	int fd;

	fd = pd_pidfd_open(getppid(), &err);
	REQUIRE(fd >= 0);
	CHECK_INT(fcntl(fd, F_GETFD), ==, FD_CLOEXEC);
	/* Our parent is not our child. */
	CHECK_INT(pd_pidfd_reap(fd, &status), ==, -1);
	close(fd);
	CHECK_INT(pd_pidfd_open(1 << 30, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
}

/* Make @dir/@name with @mode holding @text. */
static void
make_file(const char *dir, const char *name, mode_t mode, const char *text)
{
	char path[PATH_MAX + 64];
	int fd;

	UNIT_FMT(path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
	REQUIRE(fd >= 0);
	REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

/* Spawn @cmd searched in @search; returns the exit code, *sync_r and @err as run(). */
static int
run_search(const char *cmd, const char *search, int *sync_r, struct pd_err *err)
{
	char *argv[] = {(char *)cmd, NULL};
	struct pd_spawn s = {.path = cmd, .search_path = search, .argv = argv, .n_fds = 3};
	struct pd_child c;

	for (int i = 0; i < 3; i++)
		s.fds[i] = -1;
	REQUIRE(pd_spawn(&s, &c, err) == 0);
	*sync_r = pd_spawn_wait_sync(c.sync_fd, false, err);
	return wait_exit(&c);
}

static void
test_spawn_search_path(void)
{
	struct pd_err err = {0};
	int r = -5;

	CHECK_INT(run_search("true", "/nonexistent:/bin/true:/usr/bin:/bin", &r, &err), ==, 0);
	CHECK_INT(r, ==, 0);
	CHECK_INT(run_search("false", "/bin", &r, &err), ==, 1);
	CHECK_INT(r, ==, 0);
	/* With a '/', the path is used as is. */
	CHECK_INT(run_search("/bin/true", "/nonexistent", &r, &err), ==, 0);
	CHECK_INT(r, ==, 0);
}

static void
test_spawn_search_missing(void)
{
	struct pd_err err = {0};
	int r = 0;

	CHECK_INT(run_search("podd-no-such-cmd", "/nonexistent:/bin:", &r, &err), ==, 127);
	CHECK_INT(r, ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NO_COMMAND);
	CHECK_STR(err.msg, ==, "exec \"podd-no-such-cmd\": no such file or directory in PATH");
	pd_err_clear(&err);
	CHECK_INT(run_search("", "/bin", &r, &err), ==, 127);
	CHECK_INT(err.kind, ==, PD_E_NO_COMMAND);
}

static void
test_spawn_search_eacces(void)
{
	char a[PATH_MAX], b[PATH_MAX], both[2 * PATH_MAX + 2];
	struct pd_err err = {0};
	int r = 0;

	unit_tmpdir(a, sizeof(a));
	unit_tmpdir(b, sizeof(b));
	make_file(a, "cmd", 0644, "#!/bin/sh\nexit 3\n");
	/* Only a file without the x bit: EACCES beats the ENOENT of later dirs. */
	UNIT_FMT(both, "%s:/nonexistent", a);
	CHECK_INT(run_search("cmd", both, &r, &err), ==, 126);
	CHECK_INT(r, ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_EXECUTABLE);
	CHECK_INT(err.errnum, ==, EACCES);
	CHECK_CONTAINS(err.msg, "exec \"cmd\"");
	/* A runnable one further on wins. */
	make_file(b, "cmd", 0755, "#!/bin/sh\nexit 3\n");
	UNIT_FMT(both, "%s:%s", a, b);
	pd_err_clear(&err);
	CHECK_INT(run_search("cmd", both, &r, &err), ==, 3);
	CHECK_INT(r, ==, 0);
	/* A directory of that name is EACCES too. */
	UNIT_FMT(both, "/:%s", a);
	CHECK_INT(run_search("tmp", both, &r, &err), ==, 126);
	CHECK_INT(err.kind, ==, PD_E_NOT_EXECUTABLE);
	CHECK_INT(unit_rmtree(a), ==, 0);
	CHECK_INT(unit_rmtree(b), ==, 0);
}

static const struct unit_case cases[] = {
    {"stat_parse", test_stat_parse},
    {"stat_parse_malformed", test_stat_parse_malformed},
    {"start_time_self", test_start_time_self},
    {"start_time_zombie", test_start_time_zombie},
    {"exit_code", test_exit_code},
    {"exit_code_real", test_exit_code_real},
    {"spawn_true_false", test_spawn_true_false},
    {"spawn_missing", test_spawn_missing},
    {"spawn_not_executable", test_spawn_not_executable},
    {"spawn_search_path", test_spawn_search_path},
    {"spawn_search_missing", test_spawn_search_missing},
    {"spawn_search_eacces", test_spawn_search_eacces},
    {"spawn_fd_map", test_spawn_fd_map},
    {"spawn_only_mapped_fds", test_spawn_only_mapped_fds},
    {"spawn_signals_reset", test_spawn_signals_reset},
    {"spawn_setup_fails", test_spawn_setup_fails},
    {"spawn_keep_sync_without_ready", test_spawn_keep_sync_without_ready},
    {"spawn_bad_fd_count", test_spawn_bad_fd_count},
    {"pidfd_reap_and_signal", test_pidfd_reap_and_signal},
    {"pidfd_signal_after_exit", test_pidfd_signal_after_exit},
    {"pidfd_open", test_pidfd_open},
};

UNIT_MAIN(cases)
