/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plumbing of a supervised child (see supervise.h): its events, its
 * fds, the stop timer and the waiter list. Nothing here knows what the
 * child is; the callbacks given to the watches do.
 */
#include "supervise.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "fd.h"
#include "http.h"
#include "log.h"
#include "proc.h"
#include "xalloc.h"

void
supervise_init(struct supervised *sv, struct event_base *base)
{
	sv->base = base;
	(void)snprintf(sv->what, sizeof(sv->what), "a child");
	sv->pidfd = sv->exit_pidfd = sv->sync_fd = -1;
	sv->exit_ev = sv->sync_ev = sv->stop_timer = NULL;
	TAILQ_INIT(&sv->waiters);
}

void
supervise_name(struct supervised *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(sv->what, sizeof(sv->what), fmt, ap);
	va_end(ap);
}

int
supervise_watch_sync(struct supervised *sv, int fd, event_callback_fn cb, void *arg,
		     struct pd_err *err)
{
	supervise_close_sync(sv);
	sv->sync_fd = fd;
	if (pd_fd_set_nonblock(fd, err) < 0) {
		close_reset(&sv->sync_fd);
		return -1;
	}
	sv->sync_ev = event_new(sv->base, fd, EV_READ, cb, arg);
	if (sv->sync_ev == NULL || event_add(sv->sync_ev, NULL) < 0) {
		supervise_close_sync(sv);
		return pd_fail(err, PD_E_SYSTEM, "cannot watch the start of %s", sv->what);
	}
	return 0;
}

void
supervise_close_sync(struct supervised *sv)
{
	supervise_unwatch_sync(sv);
	close_reset(&sv->sync_fd);
}

void
supervise_unwatch_sync(struct supervised *sv)
{
	if (sv->sync_ev != NULL)
		event_free(sv->sync_ev);
	sv->sync_ev = NULL;
}

int
supervise_watch_exit(struct supervised *sv, int pidfd, int exit_pidfd, event_callback_fn cb,
		     void *arg, struct pd_err *err)
{
	int watched = exit_pidfd >= 0 ? exit_pidfd : pidfd;

	sv->pidfd = pidfd;
	sv->exit_pidfd = exit_pidfd;
	sv->exit_ev = event_new(sv->base, watched, EV_READ, cb, arg);
	if (sv->exit_ev == NULL || event_add(sv->exit_ev, NULL) < 0)
		return pd_fail(err, PD_E_SYSTEM, "cannot watch the end of %s", sv->what);
	return 0;
}

void
supervise_rearm_exit(struct supervised *sv)
{
	if (sv->exit_ev != NULL && event_add(sv->exit_ev, NULL) < 0)
		log_error("%s: cannot watch its end", sv->what);
}

void
supervise_signal(struct supervised *sv, int sig)
{
	struct pd_err err = {0};

	if (pd_pidfd_signal(sv->pidfd, sig, &err) < 0)
		log_error("%s: %s", sv->what, err.msg);
}

static void
on_stop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct supervised *sv = arg;

	(void)fd;
	(void)what;
	log_info("%s: did not stop in time, sending SIGKILL", sv->what);
	supervise_signal(sv, SIGKILL);
}

void
supervise_stop(struct supervised *sv, int sig, long long timeout_s)
{
	struct timeval tv = {.tv_sec = (time_t)timeout_s};

	supervise_signal(sv, sig);
	if (sig == SIGKILL || sv->stop_timer != NULL)
		return;
	sv->stop_timer = evtimer_new(sv->base, on_stop_timeout, sv);
	if (sv->stop_timer == NULL || evtimer_add(sv->stop_timer, &tv) < 0) {
		log_error("%s: cannot arm the stop timer, killing now", sv->what);
		supervise_signal(sv, SIGKILL);
	}
}

void
supervise_forget(struct supervised *sv)
{
	supervise_close_sync(sv);
	if (sv->exit_ev != NULL)
		event_free(sv->exit_ev);
	if (sv->stop_timer != NULL)
		event_free(sv->stop_timer);
	sv->exit_ev = sv->stop_timer = NULL;
	close_reset(&sv->pidfd);
	close_reset(&sv->exit_pidfd);
}

void
waiters_add(struct waiter_list *l, struct http_pending *pending, int reply)
{
	struct waiter *w = xcalloc(1, sizeof(*w));

	w->pending = pending;
	w->reply = reply;
	TAILQ_INSERT_TAIL(l, w, entry);
}

void
waiter_done(struct waiter_list *l, struct waiter *w)
{
	TAILQ_REMOVE(l, w, entry);
	free(w);
}

void
waiters_fail(struct waiter_list *l, const struct pd_err *err)
{
	struct waiter *w;

	while ((w = TAILQ_FIRST(l)) != NULL) {
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		http_pending_reply_error(w->pending, err);
		waiter_done(l, w);
	}
}
