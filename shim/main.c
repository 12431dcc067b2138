/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-shim: the supervisor of one container (lib/shim.h is the contract
 * with podd). This file reads the spec, detaches, runs the steps in order
 * and reports on the sync socket; the steps live in join.c, exec.c (with
 * rootfs.c and capset.c in the child), and handoff.c, which execs
 * podd-monitor (monitor.c with io.c, shim/monitor.h) in this process for
 * step 6, the long part.
 *
 * Memory: setup needs glibc, jansson and libcap, linked dynamically; the
 * loop that runs for the container's life needs none of them, so after
 * STARTED the process becomes podd-monitor, static against musl, libc only,
 * with no environment. PSS of one running shim whose workload sleeps
 * (smaps_rollup, Debian 12 test VM, glibc 2.36, musl 1.2.3, Linux 6.18.44;
 * tests/shim/measure.sh and `podctl run -d ... sleep`):
 *
 *                                 1 shim     10 shims   private dirty
 *   podd-shim running the loop    314-353    ~196       132 kB
 *   podd-monitor (now)             48-56      ~22        16-24 kB
 *
 * Before: libc 127-149, the podd-shim binary 56, anon 40, jansson 26,
 * libcap 26, ld.so 16, heap 16, stack 12. Now: the binary 36 (every
 * cached page of a mapped file is mapped, so its 34 KB file is its PSS:
 * vfprintf ~10 KB of it), bss 8, stack 4-12 (where the kernel's random
 * offset puts argv). The exec costs no measurable time: STARTED to the
 * exit file for `true` is ~1.6 ms either way (measure.sh, median of 30),
 * and `podctl run --rm busybox true` is 9.6 ms before, 9.9 ms after
 * (medians of seven rounds of 20, rounds ranging 7.7-12.0 ms).
 * A static glibc shim was tried before (636 kB for one shim: it touches
 * ~570 kB of its own text at start); dynamic stays for setup, which keeps
 * PIE with full RELRO, the asan variant and library updates.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "exec.h"
#include "file.h"
#include "handoff.h"
#include "join.h"
#include "json.h"
#include "log.h"
#include "ns.h"
#include "userns.h"
#include "parse.h"
#include "privileges.h"
#include "proc.h"
#include "shim.h"
#include "spec.h"
#include "stdio_fds.h"
#include "sync.h"

/* What the shim holds from its start to its end. */
struct shim {
	int sync_fd;
	json_t *json; /* owned until the workload runs */
	struct shim_spec spec;
	int log_fd;
	int exit_dirfd;
	char exit_name[256];
	char monitor[PATH_MAX]; /* podd-monitor's path (handoff.h) */
};

static _Noreturn void
usage(void)
{
	(void)fprintf(stderr, "usage: %s --sync-fd N SPEC_PATH\n", PD_SHIM_BINARY);
	exit(125);
}

static void
report_error(struct shim *sh, const struct pd_err *err)
{
	struct pd_sync_msg msg = {.type = PD_SYNC_ERROR, .err = *err};

	log_error("%s", err->msg);
	pd_sync_send(sh->sync_fd, &msg);
}

static int
check_dir(const char *key, const char *path, struct pd_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return pd_fail_errno(err, errno, "%s %s", key, path);
	if (!S_ISDIR(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "%s %s: not a directory", key, path);
	return 0;
}

/* Step 1: the spec, and everything that can be checked or opened before
 * anything changes: the log, the exit file's directory (opened now, so that
 * no later change of the shim's view can move it), the image's dirs, and
 * podd-monitor, which step 6 runs. */
static int
load(struct shim *sh, const char *spec_path, struct pd_err *err)
{
	const struct shim_spec *s = &sh->spec;
	char dir[SHIM_MAX_PATH + 1];
	const char *slash;
	int pid_fd;

	sh->json = pd_json_load_file(AT_FDCWD, spec_path, PD_SHIM_SPEC_MAX, err);
	if (sh->json == NULL)
		return pd_err_prefix(err, "spec %s", spec_path);
	if (shim_spec_parse(sh->json, &sh->spec, err) < 0)
		return pd_err_prefix(err, "spec %s", spec_path);
	/* issue 13: a privileged container's host devices, the init's argv */
	if (shim_priv_prepare(&sh->spec.priv, sh->spec.args, sh->spec.n_args, err) < 0)
		return -1;
	for (int i = 0; i < SHIM_NS_COUNT; i++) {
		pid_fd = s->ns[i].mode == SHIM_NS_FD ? s->ns[i].fd : -1;
		if (pid_fd >= 0 && (pid_fd == sh->sync_fd || fcntl(pid_fd, F_GETFD) < 0))
			return pd_fail(err, PD_E_INVALID, "%s: fd %d is not a pidfd given",
				       s->target >= 0 ? "target" : "namespace", pid_fd);
	}
	/* issue 13: the layers' copies for the pod's ids, without idmap */
	if (shim_userns_copy_layers(s, err) < 0)
		return -1;
	for (size_t i = 0; s->target < 0 && i < s->n_lowers; i++)
		if (check_dir(PD_SHIM_LOWERS, s->lowers[i], err) < 0)
			return -1;
	if (s->target < 0 &&
	    ((s->rootfs != NULL && check_dir(PD_SHIM_ROOTFS, s->rootfs, err) < 0) ||
	     check_dir(PD_SHIM_MOUNT_POINT, s->mount_point, err) < 0 ||
	     (s->upper != NULL && check_dir(PD_SHIM_UPPER, s->upper, err) < 0) ||
	     (s->work != NULL && check_dir(PD_SHIM_WORK, s->work, err) < 0)))
		return -1;
	/* issue 13: the pod's user namespace, joined by the workload */
	if (s->userns != NULL &&
	    (sh->spec.userns_fd = pd_ns_open_file(s->userns, PD_NS_USER, err)) < 0)
		return pd_err_prefix(err, "the pod's user namespace");
	sh->log_fd = open(s->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (sh->log_fd < 0)
		return pd_fail_errno(err, errno, "open log %s", s->log);
	slash = strrchr(s->exit_file, '/');
	if ((size_t)(slash - s->exit_file) >= sizeof(dir) ||
	    strlen(slash + 1) >= sizeof(sh->exit_name))
		return pd_fail(err, PD_E_INVALID, "exit file path too long");
	memcpy(dir, s->exit_file, (size_t)(slash - s->exit_file));
	dir[slash - s->exit_file] = '\0';
	memcpy(sh->exit_name, slash + 1, strlen(slash + 1) + 1);
	sh->exit_dirfd = pd_dir_open(dir[0] ? dir : "/", err);
	if (sh->exit_dirfd < 0)
		return pd_err_prefix(err, "exit file");
	return shim_handoff_find(sh->monitor, sizeof(sh->monitor), err);
}

/* Step 1's end: the shared lock on the exit file's directory (lib/shim.h),
 * held until podd acknowledged the start or the shim undid it. A restarted
 * podd holds the lock exclusively while it reads the run dirs, so once the
 * lock is ours either podd is the one that spawned us (the sync socket is
 * open), or it died and a new podd may have cleaned the dir: then nothing
 * is started. Returns 1 to go on, 0 to exit quietly, -1 with @err. */
static int
claim(struct shim *sh, struct pd_err *err)
{
	struct pollfd p = {.fd = sh->sync_fd, .events = POLLIN | POLLRDHUP};
	struct stat st;
	int r;

	while ((r = flock(sh->exit_dirfd, LOCK_SH)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return pd_fail_errno(err, errno, "lock the exit file's directory");
	/* podd writes nothing before STARTED: anything readable is its end. */
	while ((r = poll(&p, 1, 0)) < 0 && errno == EINTR)
		;
	if (r > 0 || (fstat(sh->exit_dirfd, &st) == 0 && st.st_nlink == 0)) {
		log_warn("%s: podd is gone; not starting", sh->spec.id);
		return 0;
	}
	return 1;
}

/* Step 2: fork, and let the first process exit, so that the shim is
 * reparented away from podd (to init, or to a subreaper above podd) and
 * outlives it. The shim then reaps its workload's orphans itself. podd
 * signals the workload through its pidfd, never the shim: the signals a
 * terminal or podd's process group could send are ignored. */
static int
detach(struct pd_err *err)
{
	static const int ignored[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE};
	struct sigaction sa = {.sa_handler = SIG_IGN};
	sigset_t chld;
	pid_t pid = fork();

	if (pid < 0)
		return pd_fail_errno(err, errno, "fork");
	if (pid > 0)
		_exit(0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return pd_fail_errno(err, errno, "become a subreaper");
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (sigaction(ignored[i], &sa, NULL) < 0)
			return pd_fail_errno(err, errno, "ignore signal %d", ignored[i]);
	/* SIGCHLD is read from a signalfd in the monitor; blocked from now on
	 * so none is lost (pd_spawn unblocks it in the workload). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		return pd_fail_errno(err, errno, "block SIGCHLD");
	return 0;
}

/* Steps 3 to 5. On failure, what was done is undone before the error goes
 * to podd. */
static int
start(struct shim *sh, struct pd_child *child, struct shim_stdio *io, struct pd_err *err)
{
	struct shim_joined joined;
	struct pd_sync_msg msg = {.type = PD_SYNC_STARTED};
	cleanup_close int self = -1;
	int fds[2];

	if (shim_join(&sh->spec, &joined, err) < 0)
		return -1;
	if (shim_stdio_open(&sh->spec, io, err) < 0) {
		shim_join_undo(&sh->spec, &joined);
		return -1;
	}
	self = pd_pidfd_open(getpid(), err);
	if (self < 0 || shim_exec_start(&sh->spec, joined.clone_flags, io, child, err) < 0) {
		shim_stdio_close(io, true);
		shim_join_undo(&sh->spec, &joined);
		return -1;
	}
	/* Not fatal: the workload runs where it should either way. */
	if (shim_join_pid_return(&joined, err) < 0)
		log_warn("%s", err->msg);
	if (shim_stdio_started(&sh->spec, io, err) < 0) {
		/* Started, but without its terminal nothing can be shown of
		 * it: end it, and fail the start. */
		struct pd_err ignored;

		(void)pd_pidfd_signal(child->pidfd, SIGKILL, &ignored);
		shim_stdio_close(io, true);
		return -1;
	}
	msg.pids[0] = (int32_t)getpid();
	msg.pids[1] = (int32_t)child->pid;
	fds[0] = self;
	fds[1] = child->pidfd;
	if (pd_sync_send_fds(sh->sync_fd, &msg, fds, 2, err) < 0)
		log_warn("%s", err->msg);
	/* Until podd has recorded the container, a crash of podd would leave
	 * the workload running unknown to the next one: without the ACK it
	 * is ended, with an exit file for a record that names it after all
	 * (lib/shim.h, step 5). */
	if (!pd_sync_wait_ack(sh->sync_fd)) {
		shim_kill_workload(child->pid, child->pidfd, sh->exit_dirfd, sh->exit_name, -1);
		shim_stdio_close(io, true);
		shim_join_undo(&sh->spec, &joined);
		return pd_fail(err, PD_E_UNAVAILABLE,
			       "podd went away before it recorded the start: the workload %d was "
			       "killed",
			       (int)child->pid);
	}
	if (flock(sh->exit_dirfd, LOCK_UN) < 0)
		log_warn("unlock the exit file's directory: %s", strerror(errno));
	return 0;
}

/* Steps 1 to 5 here; step 6 in podd-monitor, exec'd in this process
 * (handoff.h), which frees all that podd-shim mapped. Returns only when
 * something failed. */
static int
run(struct shim *sh, const char *spec_path)
{
	struct pd_err err = {0};
	struct pd_child child = {.pid = -1, .pidfd = -1, .sync_fd = -1};
	struct shim_stdio io;
	struct shim_handoff h;
	int r = 1;

	shim_stdio_init(&io);
	if (load(sh, spec_path, &err) < 0 || (r = claim(sh, &err)) < 0 ||
	    (r > 0 && detach(&err) < 0) || (r > 0 && start(sh, &child, &io, &err) < 0)) {
		report_error(sh, &err);
		goto out;
	}
	if (r == 0)
		goto out;
	close_reset(&sh->sync_fd);
	if (sh->spec.target >= 0)
		close(sh->spec.target);
	close_reset(&sh->spec.userns_fd);
	h = (struct shim_handoff){
	    .path = sh->monitor,
	    .pid = child.pid,
	    .pidfd = child.pidfd,
	    .out_fd = io.out_r,
	    .err_fd = io.err_r,
	    .log_fd = sh->log_fd,
	    .exit_dirfd = sh->exit_dirfd,
	    .stdin_fd = io.in_w,
	    .tty_fd = io.tty,
	    .attach_fd = io.listen_fd,
	    .hold_ms = sh->spec.hold_output ? PD_ATTACH_HOLD_MS : 0,
	    .exit_name = sh->exit_name,
	};
	if (shim_handoff(&h, &err) < 0)
		log_error("%s (the workload was killed: exit code 255)", err.msg);
out:
	shim_stdio_close(&io, false);
	close_reset(&child.pidfd);
	return 1;
}

int
main(int argc, char **argv)
{
	struct shim sh = {.sync_fd = -1, .log_fd = -1, .exit_dirfd = -1, .spec = {.userns_fd = -1}};
	struct pd_err err = {0};
	long long fd;
	int r;

	pd_log_init(PD_SHIM_BINARY);
	if (argc != 4 || strcmp(argv[1], "--sync-fd") != 0)
		usage();
	if (pd_parse_int(argv[2], 3, 1023, &fd, &err) < 0) {
		log_error("--sync-fd: %s", err.msg);
		usage();
	}
	sh.sync_fd = (int)fd;
	if (fcntl(sh.sync_fd, F_SETFD, FD_CLOEXEC) < 0) {
		log_error("--sync-fd %d: %s", sh.sync_fd, strerror(errno));
		return 125;
	}
	r = run(&sh, argv[3]);
	close_reset(&sh.spec.userns_fd);
	shim_spec_clear(&sh.spec);
	json_decref(sh.json);
	close_reset(&sh.sync_fd);
	close_reset(&sh.log_fd);
	close_reset(&sh.exit_dirfd);
	return r;
}
