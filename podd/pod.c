/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod state machine (see the diagram in pod.h). Every transition is in
 * this file: the API verbs (pod_create, pod_start, pod_stop, pod_remove) and
 * the infra events (on_infra_sync, pod_on_infra_exit, on_stop_timeout). Nothing
 * here blocks: the infra is spawned and then heard from through events.
 */
#include "pod.h"

#include "container.h"
#include "pod_seq.h"
#include "pod_status.h"
#include "dns.h" /* issue 14 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "events.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "pod_volume.h"
#include "proc.h"
#include "sync.h"
#include "timefmt.h"
#include "xalloc.h"

static void on_infra_sync(evutil_socket_t fd, short what, void *arg);

struct pod *
pod_new(struct podd *d)
{
	struct pod *pod = xcalloc(1, sizeof(*pod));

	pod->d = d;
	supervise_init(&pod->sv, d->base);
	pod->rec.infra_exit_code = -1;
	return pod;
}

static void
waiter_add(struct pod *pod, struct http_pending *pending, enum pod_reply reply)
{
	waiters_add(&pod->sv.waiters, pending, (int)reply);
}

/* Answer every waiter. @err answers those waiting for the pod to run; a
 * waiter for its removal is answered by @removed. */
static void
settle(struct pod *pod, const struct pd_err *err, bool removed)
{
	struct waiter *w;

	while ((w = TAILQ_FIRST(&pod->sv.waiters)) != NULL) {
		cleanup_json json_t *j = NULL;

		if (w->reply == POD_REPLY_REMOVED && removed) {
			j = json_pack("{s:s, s:s}", PD_F_ID, pod->rec.id, PD_F_NAME,
				      pod->rec.spec.name);
			http_pending_reply_json(w->pending, 200, j);
		} else if (err != NULL) {
			http_pending_reply_error(w->pending, err);
		} else if (w->reply == POD_REPLY_REMOVED) {
			struct pd_err e;

			pd_fail(&e, PD_E_CONFLICT,
				"pod \"%s\" was started again before it was removed",
				pod->rec.spec.name);
			http_pending_reply_error(w->pending, &e);
		} else {
			j = pod_to_json(pod);
			http_pending_reply_json(w->pending,
						w->reply == POD_REPLY_CREATED ? 201 : 200, j);
		}
		waiter_done(&pod->sv.waiters, w);
	}
}

void
pod_free(struct pod *pod)
{
	struct pd_err err;

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	settle(pod, &err, false);
	supervise_forget(&pod->sv);
	pod_seq_cancel(pod); /* issue 12, podlife */
	if (pod->net_op != NULL)
		cni_abandon(pod->net_op);
	if (pod->net_del != NULL)
		cni_cancel(pod->net_del);
	pod_net_flush_dels(pod); /* issue 14, attach */
	pod_ports_stop(pod);
	pod_record_clear(&pod->rec);
	free(pod);
}

static void
save_or_log(struct pod *pod)
{
	struct pd_err err = {0};

	if (pod_save(pod, &err) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, err.msg);
}

static void
set_now(char *buf)
{
	pd_time_rfc3339_now(buf, PD_TIME_RFC3339_MAX);
}

static void
set_reason(struct pod *pod, const char *reason)
{
	size_t n = strlen(reason);

	if (n >= sizeof(pod->rec.reason))
		n = sizeof(pod->rec.reason) - 1;
	memcpy(pod->rec.reason, reason, n);
	pod->rec.reason[n] = '\0';
}

/* The pod leaves its network, and its namespaces go. Fails when its `ip
 * netns` name stayed (logged). */
static int
release_or_fail(struct pod *pod, struct pd_err *err)
{
	pod_net_detach(pod);
	return infra_release_namespaces(pod, err);
}

static void
release(struct pod *pod)
{
	struct pd_err ignored;

	release_or_fail(pod, &ignored);
}

/* Release everything the pod holds and drop it from the registry; answers
 * removal waiters with success and the rest with @err. A removal is over
 * when it answers: while containers of the pod are still being ended, the
 * pod waits for them (pod_on_container_removed). A netns name that stayed
 * is an error for the removal waiters too: the name is not free. */
static void
pod_destroy(struct pod *pod, const struct pd_err *err)
{
	struct pd_err e = {0}, rel = {0};
	bool released;

	if (container_count_in_pod(pod->d, pod->rec.id, false) > 0) {
		if (!pod->removing && err != NULL)
			pod->remove_err = *err;
		pod->removing = true;
		return;
	}
	pod_volumes_teardown(pod);     /* issue 12, podspec: before its run dir goes */
	pod_cgroup_remove(pod);        /* issue 13: its containers' leaves are gone */
	pod_userns_forget_copies(pod); /* issue 13 */
	released = release_or_fail(pod, &rel) == 0;
	if (pod_forget(pod, &e) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
	TAILQ_REMOVE(&pod->d->pods, pod, entry);
	log_info("pod \"%s\": removed", pod->rec.spec.name);
	events_emit_pod(pod, "remove", NULL); /* events */
	if (released)
		settle(pod, err, true);
	else
		settle(pod, err != NULL ? err : &rel, false);
	pod_free(pod);
}

void
pod_on_container_removed(struct podd *d, const char *pod_id)
{
	struct pd_err ignored;
	struct pod *pod = pod_find(d, pod_id, &ignored);

	if (pod != NULL && pod->removing)
		pod_destroy(pod, pod->remove_err.kind != 0 ? &pod->remove_err : NULL);
	else if (pod != NULL)
		pod_seq_pod_changed(pod); /* issue 12, podlife */
}

struct pod *
pod_find(struct podd *d, const char *ref, struct pd_err *err)
{
	struct pod *pod, *match = NULL;
	size_t len = strlen(ref), n = 0;

	TAILQ_FOREACH (pod, &d->pods, entry)
		if (strcmp(pod->rec.spec.name, ref) == 0 || strcmp(pod->rec.id, ref) == 0)
			return pod;
	if (pd_is_id_prefix(ref)) {
		TAILQ_FOREACH (pod, &d->pods, entry)
			if (strncmp(pod->rec.id, ref, len) == 0) {
				match = pod;
				n++;
			}
		if (n > 1) {
			pd_fail(err, PD_E_INVALID, "prefix \"%s\" matches %zu pods", ref, n);
			return NULL;
		}
		if (match != NULL)
			return match;
	}
	pd_fail(err, PD_E_NOT_FOUND, "no such pod: %.80s", ref);
	return NULL;
}

/* Spawn the infra and listen for it. The pod is CREATING until it reports. */
static int
start_infra(struct pod *pod, struct pd_err *err)
{
	struct pd_child child;
	enum pod_state was;

	pd_err_clear(&pod->start_err);
	pod->have_status = false;
	supervise_name(&pod->sv, "pod \"%s\"", pod->rec.spec.name);
	/* issue 12, podspec: its volumes' dirs, tmpfs mounts and files */
	if (pod_volumes_setup(pod, err) < 0)
		return -1;
	if (infra_spawn(pod, &child, err) < 0)
		return -1;
	if (supervise_watch_exit(&pod->sv, child.pidfd, -1, pod_on_infra_exit, pod, err) < 0) {
		close(child.sync_fd);
		goto fail;
	}
	if (supervise_watch_sync(&pod->sv, child.sync_fd, on_infra_sync, pod, err) < 0)
		goto fail;
	was = pod->rec.state;
	pod->rec.state = POD_CREATING;
	pod->rec.infra_exit_code = -1;
	pod->rec.reason[0] = '\0';
	/* The infra waits for its ACK until a record names it (on_infra_sync):
	 * a pod podd cannot record is not started. */
	if (pod_save(pod, err) < 0) {
		supervise_forget(&pod->sv); /* EOF on its ready fd: the infra exits */
		pod->rec.state = was;
		pod->rec.infra_pid = 0;
		pod->rec.infra_start_time = 0;
		return -1;
	}
	return 0;
fail:
	/* The SIGCHLD backstop reaps it. */
	supervise_signal(&pod->sv, SIGKILL);
	supervise_forget(&pod->sv);
	return -1;
}

int
pod_create(struct podd *d, struct pod_spec *spec, struct http_pending *pending, struct pd_err *err)
{
	char netns[4096];
	struct pod *pod, *other;

	TAILQ_FOREACH (other, &d->pods, entry) /* names only, not id prefixes */
		if (strcmp(other->rec.spec.name, spec->name) == 0)
			return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" already exists", spec->name);
	if (spec->net == POD_NET_CNI && network_find(d, spec->network, err) == NULL)
		return -1;
	if (pod_ports_check_free(d, NULL, spec->ports, err) < 0)
		return -1;
	if (cgroup_limits_check(d, &spec->limits, err) < 0) /* issue 13 */
		return -1;
	pod = pod_new(d);
	pod->rec.spec = *spec;
	spec->ports = NULL; /* the pod's now, whatever comes */
	spec->k8s = NULL;   /* likewise: freed twice on a failure below otherwise */
	if (infra_netns_path(pod, netns, sizeof(netns)) < 0) {
		pod->rec.spec.labels = NULL; /* still the caller's */
		pod_free(pod);
		return pd_fail(err, PD_E_INVALID, "pod name too long for a netns path");
	}
	if (netns[0] != '\0' && access(netns, F_OK) == 0) {
		pod->rec.spec.labels = NULL;
		pod_free(pod);
		return pd_fail(err, PD_E_CONFLICT,
			       "network namespace %s already exists (a pod of another podd?)",
			       netns);
	}
	/* issue 13: the range is the pod's from here; its record keeps it */
	if (pd_id_generate(pod->rec.id, err) < 0 ||
	    pod_userns_alloc(d, &pod->rec.spec.userns, err) < 0) {
		pod->rec.spec.labels = NULL;
		pod_free(pod);
		return -1;
	}
	spec->labels = NULL; /* the pod owns them now */
	set_now(pod->rec.created);
	pod->remove_when_settled = true; /* until the infra is ready */
	TAILQ_INSERT_TAIL(&d->pods, pod, entry);
	if (start_infra(pod, err) < 0) {
		struct pd_err e = {0};

		pod_volumes_teardown(pod); /* issue 12, podspec */
		pod_cgroup_remove(pod);    /* issue 13 */
		if (pod_forget(pod, &e) < 0)
			log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
		TAILQ_REMOVE(&d->pods, pod, entry);
		pod_free(pod);
		return -1;
	}
	waiter_add(pod, pending, POD_REPLY_CREATED);
	events_emit_pod(pod, "create", NULL); /* events */
	log_info("pod \"%s\": creating, infra pid %d", pod->rec.spec.name, (int)pod->rec.infra_pid);
	return 0;
}

/* A pod whose removal waits for its containers takes no other verb. */
static int
refuse_if_removing(const struct pod *pod, struct pd_err *err)
{
	if (pod->removing)
		return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" is being removed",
			       pod->rec.spec.name);
	return 0;
}

int
pod_start(struct pod *pod, struct http_pending *pending, struct pd_err *err)
{
	if (refuse_if_removing(pod, err) < 0)
		return -1;
	/* issue 12, podlife: a start runs the pod's sequence (pod_seq.h),
	 * on a running pod too: what does not run is started. */
	switch (pod->rec.state) {
	case POD_RUNNING:
		if (pod->rec.deadline_exceeded)
			return pd_fail(
			    err, PD_E_CONFLICT,
			    "pod \"%s\" is past its active deadline: stop it, then start "
			    "it again",
			    pod->rec.spec.name);
		pod_seq_begin(pod);
		waiter_add(pod, pending, POD_REPLY_POD);
		settle(pod, NULL, false);
		return 0;
	case POD_CREATING:
		pod->rec.seq_active = true;
		waiter_add(pod, pending, POD_REPLY_POD);
		return 0;
	case POD_STOPPING:
		return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" is stopping", pod->rec.spec.name);
	case POD_STOPPED:
	case POD_EXITED:
		pod->remove_when_settled = false;
		pod->rec.seq_active = true;
		pod->rec.deadline_exceeded = false;
		if (start_infra(pod, err) < 0) {
			pod->rec.seq_active = false;
			return pd_err_prefix(err, "pod \"%s\"", pod->rec.spec.name);
		}
		waiter_add(pod, pending, POD_REPLY_POD);
		log_info("pod \"%s\": starting, infra pid %d", pod->rec.spec.name,
			 (int)pod->rec.infra_pid);
		return 0;
	}
	PD_UNREACHABLE("pod state out of its enum");
}

/* Signal the infra and, unless it is SIGKILL, arm the SIGKILL timer. */
static void
begin_stop(struct pod *pod, int sig, long long timeout_s)
{
	supervise_stop(&pod->sv, sig, timeout_s);
	/* STOPPING is not written to disk: it lasts until the infra exits, and
	 * a podd restarted in between finds the infra alive (running) or gone
	 * (exited) either way. Not writing it saves two fsyncs per stop. */
	if (pod->rec.state == POD_RUNNING)
		pod->rec.state = POD_STOPPING;
}

int
pod_stop(struct pod *pod, long long timeout_s, struct http_pending *pending, struct pd_err *err)
{
	if (refuse_if_removing(pod, err) < 0)
		return -1;
	switch (pod->rec.state) {
	case POD_CREATING:
		return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" is starting; try again",
			       pod->rec.spec.name);
	case POD_RUNNING:
		/* issue 12, podlife: app containers, then sidecars, then the
		 * infra (pod_seq.h). */
		if (timeout_s >= 0)
			log_info("pod \"%s\": stopping (timeout %llds)", pod->rec.spec.name,
				 timeout_s);
		else
			log_info("pod \"%s\": stopping (each container's own timeout)",
				 pod->rec.spec.name);
		waiter_add(pod, pending, POD_REPLY_POD);
		pod->rec.state = POD_STOPPING;
		pod_seq_stop(pod, timeout_s, true);
		return 0;
	case POD_STOPPING:
		waiter_add(pod, pending, POD_REPLY_POD);
		return 0;
	case POD_EXITED:
		release(pod);
		pod->rec.state = POD_STOPPED;
		save_or_log(pod);
		log_info("pod \"%s\": stopped", pod->rec.spec.name);
		events_emit_pod(pod, "stop", NULL); /* events */
		waiter_add(pod, pending, POD_REPLY_POD);
		settle(pod, NULL, false);
		return 0;
	case POD_STOPPED:
		waiter_add(pod, pending, POD_REPLY_POD);
		settle(pod, NULL, false);
		return 0;
	}
	PD_UNREACHABLE("pod state out of its enum");
}

int
pod_remove(struct pod *pod, bool force, struct http_pending *pending, struct pd_err *err)
{
	if (pod->removing) {
		waiter_add(pod, pending, POD_REPLY_REMOVED);
		return 0;
	}
	switch (pod->rec.state) {
	case POD_CREATING:
	case POD_RUNNING:
	case POD_STOPPING:
		if (!force)
			return pd_fail(err, PD_E_CONFLICT,
				       "pod \"%s\" is %s: stop it first or remove it with --force",
				       pod->rec.spec.name, pod_state_name(pod->rec.state));
		pod_seq_cancel(pod); /* issue 12, podlife */
		container_remove_all_in_pod(pod->d, pod->rec.id);
		pod->remove_when_settled = true;
		if (pod->rec.state == POD_CREATING && pod->start_err.kind == 0)
			pd_fail(&pod->start_err, PD_E_CONFLICT,
				"pod \"%s\" was removed while it was being created",
				pod->rec.spec.name);
		waiter_add(pod, pending, POD_REPLY_REMOVED);
		begin_stop(pod, SIGKILL, 0);
		return 0;
	case POD_STOPPED:
	case POD_EXITED:
		if (!force && container_count_in_pod(pod->d, pod->rec.id, true) > 0)
			return pd_fail(err, PD_E_CONFLICT,
				       "pod \"%s\" has running containers: stop them first or "
				       "remove it with --force",
				       pod->rec.spec.name);
		container_remove_all_in_pod(pod->d, pod->rec.id);
		waiter_add(pod, pending, POD_REPLY_REMOVED);
		pod_destroy(pod, NULL);
		return 0;
	}
	PD_UNREACHABLE("pod state out of its enum");
}

/* The infra is ready, its namespaces held, the pod attached: it runs. */
static void
become_running(struct pod *pod)
{
	pod->rec.state = POD_RUNNING;
	pod->remove_when_settled = false;
	set_now(pod->rec.started);
	pod->rec.finished[0] = '\0';
	save_or_log(pod);
	log_info("pod \"%s\": running, infra pid %d", pod->rec.spec.name, (int)pod->rec.infra_pid);
	events_emit_pod(pod, "start", NULL); /* events */
	pod_seq_pod_running(pod);            /* issue 12, podlife */
	settle(pod, NULL, false);
}

void
pod_stop_infra(struct pod *pod)
{
	long long timeout_s =
	    pod->stop_timeout >= 0 ? pod->stop_timeout : PD_STOP_TIMEOUT_DEFAULT_S;

	if (pod->sv.pidfd < 0 || pod->rec.state != POD_STOPPING)
		return;
	begin_stop(pod, SIGTERM, timeout_s);
}

static void
on_infra_sync(evutil_socket_t fd, short what, void *arg)
{
	struct pod *pod = arg;
	struct pd_sync_msg msg;
	struct pd_err err = {0};
	int r = pd_sync_recv(fd, &msg);

	(void)what;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		event_add(pod->sv.sync_ev, NULL);
		return;
	}
	/* start_infra saved the record that names the infra: the ACK lets
	 * it run on past a crash of podd (lib/sync.h). */
	if (r == 1 && msg.type == PD_SYNC_READY && pod->start_err.kind == 0 &&
	    pd_sync_ack(pod->sv.sync_fd, &err) < 0)
		pod->start_err = err;
	supervise_close_sync(&pod->sv);
	if (r == 1 && msg.type == PD_SYNC_READY && pod->start_err.kind == 0) {
		if (infra_hold_namespaces(pod, &err) == 0) {
			infra_read_ns_ids(pod);
			/* A pod started again after its infra died still has
			 * its network namespace, attached. */
			if (pod->rec.spec.net != POD_NET_CNI || pod_net_attached(pod)) {
				if (pod_ports_start(pod, &err) == 0) {
					become_running(pod);
					return;
				}
			} else if (pod_net_attach(pod, &err) == 0) {
				return; /* pod_on_attached goes on */
			}
		}
		pod->start_err = err;
	} else if (pod->start_err.kind != 0) {
		/* rm -f came first: the infra is being killed. */
	} else if (r == 1 && msg.type == PD_SYNC_ERROR) {
		pod->start_err = msg.err;
	} else if (r == 0 || r == 1) {
		pd_fail(&pod->start_err, PD_E_SYSTEM,
			"the infra process exited before it was ready");
	} else {
		pd_fail_errno(&pod->start_err, errno, "reading the infra's status");
	}
	/* The rest happens when the pidfd says the infra has gone. */
	supervise_signal(&pod->sv, SIGKILL);
}

void
pod_on_attached(struct pod *pod, const struct pd_err *err)
{
	struct pd_err e = {0};

	if (err != NULL) {
		e = *err;
		pod_net_undo_failed_add(pod);
	} else if (pod_ports_start(pod, &e) < 0) {
		pod_net_detach(pod);
	} else {
		log_info("pod \"%s\": address %s on network \"%s\"", pod->rec.spec.name,
			 pod->rec.ip, pod->rec.spec.network);
		dns_sync(pod->d); /* issue 14: the network's names */
		become_running(pod);
		return;
	}
	if (pod->start_err.kind == 0)
		pod->start_err = e;
	/* The rest happens when the pidfd says the infra has gone. */
	supervise_signal(&pod->sv, SIGKILL);
}

/* The infra is gone: a failed start, a stop, or a crash. */
void
pod_on_infra_exit(evutil_socket_t fd, short what, void *arg)
{
	struct pod *pod = arg;
	char msg[PD_ERR_MSG_MAX];
	int status;

	(void)fd;
	(void)what;
	if (!pod->have_status) {
		int r = pd_pidfd_reap(pod->sv.pidfd, &status);

		if (r == 0) { /* not a zombie yet: wait for the next wake-up */
			supervise_rearm_exit(&pod->sv);
			return;
		}
		pod->have_status = r == 1;
		pod->wait_status = status;
	}
	pod->rec.infra_exit_code = pod->have_status ? pd_exit_code(pod->wait_status) : -1;
	if (pod->sv.sync_fd >= 0 && pod->start_err.kind == 0) {
		/* The exit may be seen before the sync socket: an error the child
		 * sent is still queued there, and it says more than an exit code. */
		struct pd_sync_msg m;

		if (pd_sync_recv(pod->sv.sync_fd, &m) == 1 && m.type == PD_SYNC_ERROR)
			pod->start_err = m.err;
	}
	supervise_forget(&pod->sv);
	pod_cgroup_infra_release(pod); /* issue 13 */
	pod_seq_cancel(pod);           /* issue 12, podlife */
	pod->rec.infra_pid = 0;
	pod->rec.infra_start_time = 0;
	set_now(pod->rec.finished);
	memset(pod->ns_ids[PD_NS_PID], 0, sizeof(pod->ns_ids[PD_NS_PID]));
	if (pod->rec.state == POD_RUNNING || pod->rec.state == POD_STOPPING) /* events */
		events_emit_pod(pod, "die",
				json_pack("{s:i}", "exit_code", pod->rec.infra_exit_code));

	switch (pod->rec.state) {
	case POD_CREATING:
		if (pod->start_err.kind == 0)
			pd_fail(&pod->start_err, PD_E_SYSTEM,
				"the infra process exited before it was ready (exit code %d)",
				pod->rec.infra_exit_code);
		log_info("pod \"%s\": infra failed: %s", pod->rec.spec.name, pod->start_err.msg);
		if (pod->remove_when_settled) {
			struct pd_err e = pod->start_err;

			pod_destroy(pod, &e);
			return;
		}
		release(pod);
		pod->rec.state = POD_STOPPED;
		set_reason(pod, pod->start_err.msg);
		save_or_log(pod);
		settle(pod, &pod->start_err, false);
		return;
	case POD_RUNNING:
		/* An adopted infra is not podd's child: its status went to init. */
		if (pod->rec.infra_exit_code < 0)
			(void)snprintf(msg, sizeof(msg),
				       "infra process exited unexpectedly "
				       "(exit status unknown: adopted after a podd restart)");
		else
			(void)snprintf(msg, sizeof(msg),
				       "infra process exited unexpectedly (exit code %d)",
				       pod->rec.infra_exit_code);
		log_warn("pod \"%s\": %s; its namespaces are kept until it is stopped",
			 pod->rec.spec.name, msg);
		pod->rec.state = POD_EXITED;
		set_reason(pod, msg);
		save_or_log(pod);
		return;
	case POD_STOPPING:
		if (pod->remove_when_settled) {
			pod_destroy(pod, NULL);
			return;
		}
		release(pod);
		pod->rec.state = POD_STOPPED;
		save_or_log(pod);
		log_info("pod \"%s\": stopped", pod->rec.spec.name);
		events_emit_pod(pod, "stop", NULL); /* events */
		settle(pod, NULL, false);
		return;
	case POD_STOPPED:
	case POD_EXITED:
		log_warn("pod \"%s\": exit event without an infra", pod->rec.spec.name);
		return;
	}
}

void
pod_note_reaped(struct podd *d, pid_t pid, int status)
{
	struct pod *pod;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		if (pod->sv.pidfd >= 0 && pod->rec.infra_pid == pid) {
			pod->have_status = true;
			pod->wait_status = status;
			return;
		}
	}
	log_debug("reaped untracked child %d (exit code %d)", (int)pid, pd_exit_code(status));
}

static void
set_if(json_t *obj, const char *key, const char *value)
{
	if (value[0] != '\0')
		json_object_set_new(obj, key, json_string(value));
}

/* issue 12, podlife: the lifecycle keys and kubectl's view (pod_status.h). */
static void
pod_life_json(const struct pod *pod, json_t *j)
{
	struct pod_status st;
	struct pod_status_in in = {
	    .state = pod->rec.state,
	    .restart_policy = pod->rec.spec.restart_policy,
	    .started = pod->rec.started,
	    .deadline_exceeded = pod->rec.deadline_exceeded,
	    .containers = json_object_get(j, PD_F_CONTAINERS),
	};

	pod_life_to_json(&pod->rec, j);
	json_object_del(j, "seq_active");
	pod_status_compute(&in, &st);
	pod_status_to_json(&st, j);
}

json_t *
pod_to_json(const struct pod *pod)
{
	return pod_to_json_with(pod, container_list_in_pod(pod->d, pod->rec.id));
}

json_t *
pod_to_json_with(const struct pod *pod, json_t *containers)
{
	const struct pod_record *r = &pod->rec;
	json_t *j, *infra, *ns;
	char netns[4096];

	infra = json_pack("{s:i}", PD_F_PID, (int)r->infra_pid);
	if (r->infra_exit_code >= 0 && (r->state == POD_EXITED || r->state == POD_STOPPED))
		json_object_set_new(infra, PD_F_EXIT_CODE, json_integer(r->infra_exit_code));
	ns = json_object();
	for (int t = 0; t < PD_NS_COUNT; t++)
		set_if(ns, pd_ns_desc((enum pd_ns_type)t)->name, pod->ns_ids[t]);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:O, s:o, s:o, s:o, s:O, s:o}", PD_F_ID,
		      r->id, PD_F_NAME, r->spec.name, PD_F_STATE, pod_state_name(r->state),
		      PD_F_CREATED, r->created, PD_F_HOSTNAME, r->spec.hostname, PD_F_SHARE_PID,
		      r->spec.share_pid, PD_F_NETWORK, pod_net_name(&r->spec), PD_F_LABELS,
		      r->spec.labels, PD_F_INFRA, infra, PD_F_NAMESPACES, ns, PD_F_CONTAINERS,
		      containers, PD_F_PORTS, r->spec.ports, PD_F_DNS, pod_dns_json(&r->spec));
	set_if(j, PD_F_IP, r->ip);
	set_if(j, PD_F_GATEWAY, r->gateway);
	/* issue 14, attach: every network, and eth0's IPv6 address */
	json_object_set_new(j, PD_F_NETWORKS, net_attachments_json(r->nets, r->n_nets));
	set_if(j, PD_F_IP6, r->n_nets > 0 ? r->nets[0].ip6 : "");
	set_if(j, PD_F_STARTED, r->started);
	set_if(j, PD_F_FINISHED, r->finished);
	set_if(j, PD_F_REASON, r->reason);
	json_object_set_new(j, PD_F_USERNS, userns_ids_json(&r->spec.userns)); /* issue 13 */
	if (r->spec.has_restart_backoff) /* restart (issue 12) */
		json_object_set_new(j, PD_F_RESTART_BACKOFF,
				    restart_backoff_to_json(&r->spec.restart_backoff));
	pod_life_json(pod, j);
	/* issue 13, cgroups: the pod's limits and its cgroup below the parent */
	json_object_set_new(j, PD_F_LIMITS, cg_limits_json(&r->spec.limits));
	if (cgroup_enabled(pod->d))
		json_object_set_new(j, PD_F_CGROUP_PATH, json_sprintf("pod-%s", r->id));
	if (r->spec.k8s != NULL) { /* issue 12, podspec */
		json_t *k = pod_spec_k8s_public(&r->spec);

		json_object_update(j, k);
		json_decref(k);
	}
	if ((r->state == POD_RUNNING || r->state == POD_EXITED || r->state == POD_STOPPING) &&
	    infra_netns_path(pod, netns, sizeof(netns)) == 0)
		set_if(j, PD_F_NETNS_PATH, netns);
	return j;
}

void
pod_free_all(struct podd *d)
{
	struct pod *pod;

	while ((pod = TAILQ_FIRST(&d->pods)) != NULL) {
		TAILQ_REMOVE(&d->pods, pod, entry);
		pod_free(pod);
	}
}
