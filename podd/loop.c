/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loop's signal events. SIGTERM and SIGINT stop podd (pods keep
 * running); SIGCHLD runs the backstop reaper for any child not reaped
 * through its pidfd; SIGPIPE is ignored (a client that goes away must not
 * kill podd).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "http.h"
#include "log.h"
#include "pod.h"
#include "podd.h"

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct podd *d = arg;

	(void)what;
	log_info("signal %d: stopping podd; pods keep running", (int)sig);
	d->shutting_down = true;
	event_base_loopexit(d->base, NULL);
}

/* Reap children the pidfds did not: the status goes to the pod it belongs
 * to, so nothing is lost whichever event runs first. */
static void
reap_children(struct podd *d)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (task_note_reaped(d, pid, status) == 0)
			pod_note_reaped(d, pid, status);
}

static void
on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	reap_children(arg);
}

int
loop_setup(struct podd *d)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};

	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
	d->sig_term = evsignal_new(d->base, SIGTERM, on_stop_signal, d);
	d->sig_int = evsignal_new(d->base, SIGINT, on_stop_signal, d);
	d->sig_chld = evsignal_new(d->base, SIGCHLD, on_sigchld, d);
	if (d->sig_term == NULL || d->sig_int == NULL || d->sig_chld == NULL ||
	    evsignal_add(d->sig_term, NULL) < 0 || evsignal_add(d->sig_int, NULL) < 0 ||
	    evsignal_add(d->sig_chld, NULL) < 0)
		return -1;
	/* Children that exited before the handler was in place. */
	reap_children(d);
	return 0;
}

void
loop_teardown(struct podd *d)
{
	if (d->sig_term != NULL)
		event_free(d->sig_term);
	if (d->sig_int != NULL)
		event_free(d->sig_int);
	if (d->sig_chld != NULL)
		event_free(d->sig_chld);
	d->sig_term = d->sig_int = d->sig_chld = NULL;
}
