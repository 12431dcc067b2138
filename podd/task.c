/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper commands run from the loop; see task.h.
 */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "fd.h"
#include "log.h"
#include "podd.h"
#include "proc.h"
#include "xalloc.h"

#define TASK_ERRORS_MAX 1024

struct task {
	TAILQ_ENTRY(task) entry;
	struct podd *d; /* borrowed */
	pid_t pid;
	int pidfd;              /* owned */
	int err_fd;             /* owned: read end of the task's stderr, -1 at EOF */
	int out_fd;             /* owned: read end of its stdout, -1 at EOF or unused */
	int in_fd;              /* owned: write end of its stdin, -1 once written */
	struct event *pidfd_ev; /* owned */
	struct event *err_ev;   /* owned */
	struct event *out_ev;   /* owned, NULL when unused */
	struct event *in_ev;    /* owned, NULL when unused */
	struct event *timer;    /* owned, NULL without a time limit */
	bool exited, have_status, timed_out, out_overflow;
	int status;
	char errors[TASK_ERRORS_MAX];
	size_t errors_len;
	char *input; /* owned */
	size_t input_len, input_off;
	char *out; /* owned */
	size_t out_len;
	task_done_fn *done;       /* may be NULL */
	task_io_done_fn *io_done; /* or this one */
	void *arg;                /* borrowed */
};

static void
task_free(struct task *t)
{
	struct event *evs[] = {t->pidfd_ev, t->err_ev, t->out_ev, t->in_ev, t->timer};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	close_reset(&t->pidfd);
	close_reset(&t->err_fd);
	close_reset(&t->out_fd);
	close_reset(&t->in_fd);
	free(t->input);
	free(t->out);
	free(t);
}

/* The exit and the end of stdout and stderr have come: report and forget. */
static void
task_finish_if_done(struct task *t)
{
	int code;

	if (!t->exited || t->err_fd >= 0 || t->out_fd >= 0)
		return;
	code = t->have_status ? pd_exit_code(t->status) : 255;
	if (t->timed_out && code != 0) {
		(void)snprintf(t->errors, sizeof(t->errors), "timed out, killed");
	} else if (t->out_overflow && code == 0) {
		code = 1;
		(void)snprintf(t->errors, sizeof(t->errors), "wrote more than %d bytes on stdout",
			       TASK_OUTPUT_MAX);
	}
	TAILQ_REMOVE(&t->d->tasks, t, entry);
	if (t->done != NULL)
		t->done(t->arg, code, t->errors);
	if (t->io_done != NULL)
		t->io_done(t->arg, code, t->out != NULL ? t->out : "", t->out_len, t->errors);
	task_free(t);
}

static void
on_task_exit(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;

	(void)fd;
	(void)what;
	if (!t->have_status) {
		int r = pd_pidfd_reap(t->pidfd, &t->status);

		if (r == 0) {
			event_add(t->pidfd_ev, NULL);
			return;
		}
		t->have_status = r == 1;
	}
	t->exited = true;
	/* Input it did not read is of no use now. */
	if (t->in_ev != NULL) {
		event_free(t->in_ev);
		t->in_ev = NULL;
	}
	close_reset(&t->in_fd);
	task_finish_if_done(t);
}

static void
on_task_stderr(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)what;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		size_t room = sizeof(t->errors) - 1 - t->errors_len;
		size_t k = (size_t)n < room ? (size_t)n : room;

		memcpy(t->errors + t->errors_len, buf, k);
		t->errors_len += k;
		t->errors[t->errors_len] = '\0';
		return;
	}
	event_free(t->err_ev);
	t->err_ev = NULL;
	close_reset(&t->err_fd);
	task_finish_if_done(t);
}

static void
on_task_stdout(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)what;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		if (t->out_len + (size_t)n > TASK_OUTPUT_MAX) {
			t->out_overflow = true; /* read on, to the end, and drop it */
			return;
		}
		t->out = xrealloc(t->out, t->out_len + (size_t)n + 1);
		memcpy(t->out + t->out_len, buf, (size_t)n);
		t->out_len += (size_t)n;
		t->out[t->out_len] = '\0';
		return;
	}
	event_free(t->out_ev);
	t->out_ev = NULL;
	close_reset(&t->out_fd);
	task_finish_if_done(t);
}

static void
on_task_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;
	ssize_t n = write(fd, t->input + t->input_off, t->input_len - t->input_off);

	(void)what;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		t->input_off += (size_t)n;
	if (n > 0 && t->input_off < t->input_len)
		return;
	/* All written, or it closed its stdin (EPIPE): EOF for it. */
	event_free(t->in_ev);
	t->in_ev = NULL;
	close_reset(&t->in_fd);
}

static void
on_task_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;
	struct pd_err err = {0};

	(void)fd;
	(void)what;
	log_warn("task %d: timed out, killing it", (int)t->pid);
	t->timed_out = true;
	pd_pidfd_signal(t->pidfd, SIGKILL, &err);
}

static struct event *
watch(struct task *t, int fd, short what, event_callback_fn cb)
{
	return fd < 0 ? NULL : event_new(t->d->base, fd, what, cb, t);
}

/* In a die_with_podd task's child: see task_io. @arg is podd's pid: if
 * podd died before the prctl, the parent is another already. */
static int
die_with_podd(void *arg, struct pd_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return pd_fail_errno(err, errno, "prctl PR_SET_PDEATHSIG");
	if (getppid() != *(const pid_t *)arg)
		return pd_fail(err, PD_E_UNAVAILABLE, "podd is gone");
	return 0;
}

/* Spawn @io (its input copied) with stderr, and with @io_done stdout and
 * stdin, as pipes; the task reports to @done or @io_done. */
static int
spawn_task(struct podd *d, const struct task_io *io, task_done_fn *done, task_io_done_fn *io_done,
	   void *arg, struct pd_err *err)
{
	pid_t self = getpid();
	struct pd_spawn s = {.path = io->argv[0],
			     .argv = io->argv,
			     .envp = io->envp,
			     .n_fds = 3,
			     .setup = io->die_with_podd ? die_with_podd : NULL,
			     .setup_arg = &self};
	int errp[2] = {-1, -1}, outp[2] = {-1, -1}, inp[2] = {-1, -1};
	struct timeval tv = {.tv_sec = io->timeout_s};
	struct pd_child child;
	struct task *t;
	/* A handed stdin or stdout replaces the pipe (task.h). */
	bool pipe_out = io_done != NULL && io->stdout_fd < 0;
	bool pipe_in = io_done != NULL && io->stdin_fd < 0;
	int r;

	/* Only podd's ends are non-blocking: the task's are its stdio, which
	 * it may read or write expecting to block. */
	if (pipe2(errp, O_CLOEXEC) < 0 || (pipe_out && pipe2(outp, O_CLOEXEC) < 0) ||
	    (pipe_in && pipe2(inp, O_CLOEXEC) < 0)) {
		r = pd_fail_errno(err, errno, "pipe");
		goto close_pipes;
	}
	if (pd_fd_set_nonblock(errp[0], err) < 0 ||
	    (pipe_out && pd_fd_set_nonblock(outp[0], err) < 0) ||
	    (pipe_in && pd_fd_set_nonblock(inp[1], err) < 0)) {
		r = -1;
		goto close_pipes;
	}
	s.fds[0] = pipe_in || io_done == NULL ? inp[0] : io->stdin_fd;
	s.fds[1] = pipe_out || io_done == NULL ? outp[1] : io->stdout_fd;
	s.fds[2] = errp[1];
	r = pd_spawn(&s, &child, err);
	if (r < 0) {
		pd_err_prefix(err, "run %s", io->argv[0]);
		goto close_pipes;
	}
	close_reset(&errp[1]);
	close_reset(&outp[1]);
	close_reset(&inp[0]);
	/* The sync socket is not read: a failed exec shows as exit code 127 or
	 * 126, and reading it here would block the loop until the exec. */
	close(child.sync_fd);
	t = xcalloc(1, sizeof(*t));
	t->d = d;
	t->pid = child.pid;
	t->pidfd = child.pidfd;
	t->err_fd = errp[0];
	t->out_fd = outp[0];
	t->in_fd = inp[1];
	t->done = done;
	t->io_done = io_done;
	t->arg = arg;
	if (io->input_len > 0 && t->in_fd >= 0) {
		t->input = xmalloc(io->input_len);
		memcpy(t->input, io->input, io->input_len);
		t->input_len = io->input_len;
	} else {
		close_reset(&t->in_fd); /* EOF at once */
	}
	t->pidfd_ev = watch(t, t->pidfd, EV_READ, on_task_exit);
	t->err_ev = watch(t, t->err_fd, EV_READ | EV_PERSIST, on_task_stderr);
	t->out_ev = watch(t, t->out_fd, EV_READ | EV_PERSIST, on_task_stdout);
	t->in_ev = watch(t, t->in_fd, EV_WRITE | EV_PERSIST, on_task_stdin);
	if (io->timeout_s > 0)
		t->timer = evtimer_new(d->base, on_task_timeout, t);
	if (t->pidfd_ev == NULL || t->err_ev == NULL || event_add(t->pidfd_ev, NULL) < 0 ||
	    event_add(t->err_ev, NULL) < 0 || (t->out_fd >= 0 && event_add(t->out_ev, NULL) < 0) ||
	    (t->in_fd >= 0 && event_add(t->in_ev, NULL) < 0) ||
	    (io->timeout_s > 0 && (t->timer == NULL || evtimer_add(t->timer, &tv) < 0))) {
		pd_pidfd_signal(t->pidfd, SIGKILL, err);
		task_free(t);
		return pd_fail(err, PD_E_SYSTEM, "cannot watch %s", io->argv[0]);
	}
	TAILQ_INSERT_TAIL(&d->tasks, t, entry);
	log_debug("task %d: %s started", (int)t->pid, io->argv[0]);
	return 0;

close_pipes:
	close_reset(&errp[0]);
	close_reset(&errp[1]);
	close_reset(&outp[0]);
	close_reset(&outp[1]);
	close_reset(&inp[0]);
	close_reset(&inp[1]);
	return r;
}

int
task_run(struct podd *d, char *const *argv, task_done_fn *done, void *arg, struct pd_err *err)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	struct task_io io = {.argv = argv, .envp = envp, .stdin_fd = -1, .stdout_fd = -1};

	return spawn_task(d, &io, done, NULL, arg, err);
}

int
task_run_io(struct podd *d, const struct task_io *io, task_io_done_fn *done, void *arg,
	    struct pd_err *err)
{
	return spawn_task(d, io, NULL, done, arg, err);
}

int
task_note_reaped(struct podd *d, pid_t pid, int status)
{
	struct task *t;

	TAILQ_FOREACH (t, &d->tasks, entry) {
		if (t->pid == pid && !t->have_status) {
			t->have_status = true;
			t->status = status;
			return 1;
		}
	}
	return 0;
}

void
task_free_all(struct podd *d)
{
	struct task *t;

	while ((t = TAILQ_FIRST(&d->tasks)) != NULL) {
		TAILQ_REMOVE(&d->tasks, t, entry);
		task_free(t);
	}
}

void
task_delete_trees(struct podd *d, const char *const *paths)
{
	char *argv[8] = {"/bin/rm", "-rf", "--one-file-system", "--"};
	struct pd_err err = {0};
	size_t n = 4;

	for (; *paths != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1; paths++)
		argv[n++] = (char *)*paths;
	argv[n] = NULL;
	if (task_run(d, argv, NULL, NULL, &err) < 0)
		log_error("cannot delete %s: %s", argv[4], err.msg);
}
