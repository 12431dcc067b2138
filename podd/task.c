/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper commands run from the loop; see task.h.
 */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
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
	struct event *pidfd_ev; /* owned */
	struct event *err_ev;   /* owned */
	bool exited, have_status;
	int status;
	char errors[TASK_ERRORS_MAX];
	size_t errors_len;
	task_done_fn *done; /* may be NULL */
	void *arg;          /* borrowed */
};

static void
task_free(struct task *t)
{
	if (t->pidfd_ev != NULL)
		event_free(t->pidfd_ev);
	if (t->err_ev != NULL)
		event_free(t->err_ev);
	close_reset(&t->pidfd);
	close_reset(&t->err_fd);
	free(t);
}

/* Both the exit and the end of stderr have come: report and forget. */
static void
task_finish_if_done(struct task *t)
{
	int code;

	if (!t->exited || t->err_fd >= 0)
		return;
	code = t->have_status ? pd_exit_code(t->status) : 255;
	TAILQ_REMOVE(&t->d->tasks, t, entry);
	if (t->done != NULL)
		t->done(t->arg, code, t->errors);
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

int
task_run(struct podd *d, char *const *argv, task_done_fn *done, void *arg, struct pd_err *err)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	struct pd_spawn s = {.path = argv[0], .argv = argv, .envp = envp, .n_fds = 3};
	struct pd_child child;
	int pipefd[2];
	struct task *t;
	int r;

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return pd_fail_errno(err, errno, "pipe");
	s.fds[0] = -1;
	s.fds[1] = -1;
	s.fds[2] = pipefd[1];
	r = pd_spawn(&s, &child, err);
	close(pipefd[1]);
	if (r < 0) {
		close(pipefd[0]);
		return pd_err_prefix(err, "run %s", argv[0]);
	}
	/* The sync socket is not read: a failed exec shows as exit code 127 or
	 * 126, and reading it here would block the loop until the exec. */
	close(child.sync_fd);
	t = xcalloc(1, sizeof(*t));
	t->d = d;
	t->pid = child.pid;
	t->pidfd = child.pidfd;
	t->err_fd = pipefd[0];
	t->done = done;
	t->arg = arg;
	t->pidfd_ev = event_new(d->base, t->pidfd, EV_READ, on_task_exit, t);
	t->err_ev = event_new(d->base, t->err_fd, EV_READ | EV_PERSIST, on_task_stderr, t);
	if (t->pidfd_ev == NULL || t->err_ev == NULL || event_add(t->pidfd_ev, NULL) < 0 ||
	    event_add(t->err_ev, NULL) < 0) {
		task_free(t);
		return pd_fail(err, PD_E_SYSTEM, "cannot watch %s", argv[0]);
	}
	TAILQ_INSERT_TAIL(&d->tasks, t, entry);
	log_debug("task %d: %s started", (int)t->pid, argv[0]);
	return 0;
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
