/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container state machine (see the diagram in container.h). Every
 * transition is here: the API verbs and the shim's events (its report on
 * the sync socket, its exit, the stop timer). Nothing blocks.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "ctr_image.h"
#include "ctr_logs.h"
#include "ctr_priv_shim.h"
#include "events.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "pod_seq.h"
#include "pod_volume.h"
#include "probe.h"
#include "proc.h"
#include "recover.h"
#include "restart.h"
#include "shim.h"
#include "shim_launch.h"
#include "stats.h"
#include "sync.h"
#include "volume.h"
#include "xalloc.h"

#define CTR_FILE "container.json"

static void on_shim_sync(evutil_socket_t fd, short what, void *arg);
static bool restart_if_asked(struct container *c);
static void begin_stop(struct container *c, int sig, long long timeout_s);
static void start_failed(struct container *c, enum ctr_state back_to);

/* ---- the registry ------------------------------------------------------ */

struct container *
container_new(struct podd *d)
{
	struct container *c = xcalloc(1, sizeof(*c));

	c->d = d;
	supervise_init(&c->sv, d->base);
	c->rec.exit_code = -1;
	c->log_wd = -1;
	c->stop_after_start = -1; /* restart */
	TAILQ_INIT(&c->followers);
	TAILQ_INIT(&c->execs);
	return c;
}

static void
waiter_add(struct container *c, struct http_pending *pending, enum ctr_reply reply)
{
	waiters_add(&c->sv.waiters, pending, (int)reply);
}

static json_t *
wait_json(const struct container *c)
{
	json_t *j = json_pack("{s:s, s:s, s:i}", PD_F_ID, c->rec.id, PD_F_NAME, c->rec.spec.name,
			      PD_F_EXIT_CODE, c->rec.exit_code);

	if (c->rec.signal[0] != '\0')
		json_object_set_new(j, PD_F_SIGNAL, json_string(c->rec.signal));
	return j;
}

/* What happened, for answer(). */
enum ctr_event {
	EV_RUNNING,      /* the workload runs: start waiters get the container */
	EV_START_FAILED, /* start waiters get the error */
	EV_EXITED,       /* stop and wait waiters get their answers */
	EV_REMOVED,      /* removal waiters get {"id","name"}; everyone else an error */
	EV_SHUTDOWN,     /* everyone gets the error */
};

/* Answer the waiters that @ev concerns. */
static void
answer(struct container *c, enum ctr_event ev, const struct pd_err *err)
{
	struct waiter *w, *next;

	for (w = TAILQ_FIRST(&c->sv.waiters); w != NULL; w = next) {
		cleanup_json json_t *j = NULL;
		struct pd_err gone;
		bool start = w->reply == CTR_REPLY_CREATED || w->reply == CTR_REPLY_STARTED;

		next = TAILQ_NEXT(w, entry);
		if (ev == EV_RUNNING && start) {
			j = container_to_json(c);
			http_pending_reply_json(w->pending,
						w->reply == CTR_REPLY_CREATED ? 201 : 200, j);
		} else if (ev == EV_START_FAILED && start) {
			http_pending_reply_error(w->pending, err);
		} else if (ev == EV_EXITED && w->reply == CTR_REPLY_STOPPED) {
			j = container_to_json(c);
			http_pending_reply_json(w->pending, 200, j);
		} else if (ev == EV_EXITED && w->reply == CTR_REPLY_WAIT) {
			j = wait_json(c);
			http_pending_reply_json(w->pending, 200, j);
		} else if (ev == EV_REMOVED && w->reply == CTR_REPLY_REMOVED) {
			j = json_pack("{s:s, s:s}", PD_F_ID, c->rec.id, PD_F_NAME,
				      c->rec.spec.name);
			http_pending_reply_json(w->pending, 200, j);
		} else if (ev == EV_REMOVED || ev == EV_SHUTDOWN) {
			if (err == NULL) {
				pd_fail(&gone, PD_E_NOT_FOUND, "container \"%s\" was removed",
					c->rec.spec.name);
				err = &gone;
			}
			http_pending_reply_error(w->pending, err);
		} else {
			continue;
		}
		waiter_done(&c->sv.waiters, w);
	}
}

void
container_free(struct container *c)
{
	struct pd_err err;

	pd_fail(&err, PD_E_UNAVAILABLE, "podd is shutting down");
	answer(c, EV_SHUTDOWN, &err);
	ctr_logs_free(c);
	probe_container_free(c); /* probes: before the exec sessions it may use */
	exec_free_all(c);
	restart_free(c);            /* restart */
	json_decref(c->stats_prev); /* issue 13, observe */
	supervise_forget(&c->sv);
	ctr_spec_clear(&c->rec.spec);
	ctr_ports_stop(c);      /* issue 14, attach */
	ctr_net_clear(&c->rec); /* issue 14, attach */
	free(c);
}

void
container_free_all(struct podd *d)
{
	struct container *c;

	while ((c = TAILQ_FIRST(&d->containers)) != NULL) {
		TAILQ_REMOVE(&d->containers, c, entry);
		container_free(c);
	}
}

struct container *
container_find(struct podd *d, const char *ref, struct pd_err *err)
{
	struct container *c, *match = NULL;
	size_t len = strlen(ref), n = 0;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.name, ref) == 0 || strcmp(c->rec.id, ref) == 0)
			return c;
	if (pd_is_id_prefix(ref)) {
		TAILQ_FOREACH (c, &d->containers, entry)
			if (strncmp(c->rec.id, ref, len) == 0) {
				match = c;
				n++;
			}
		if (n > 1) {
			pd_fail(err, PD_E_INVALID, "prefix \"%s\" matches %zu containers", ref, n);
			return NULL;
		}
		if (match != NULL)
			return match;
	}
	pd_fail(err, PD_E_NOT_FOUND, "no such container: %.80s", ref);
	return NULL;
}

static void
save_or_log(struct container *c)
{
	struct pd_err err = {0};

	if (container_save(c, &err) < 0)
		log_error("container \"%s\": %s", c->rec.spec.name, err.msg);
}

static void
set_now(char *buf)
{
	pd_time_rfc3339_now(buf, PD_TIME_RFC3339_MAX);
}

static void
set_reason(struct container *c, const char *reason)
{
	(void)snprintf(c->rec.reason, sizeof(c->rec.reason), "%s", reason);
}

/* Delete everything of @c and drop it from the registry; removal waiters
 * are answered, the others get @err (or "was removed"). */
static void
destroy(struct container *c, const struct pd_err *err)
{
	struct podd *d = c->d;
	char pod_id[sizeof(c->rec.spec.pod)];

	memcpy(pod_id, c->rec.spec.pod, sizeof(pod_id));
	TAILQ_REMOVE(&d->containers, c, entry);
	log_info("container \"%s\": removed", c->rec.spec.name);
	events_emit_container(c, "remove", NULL); /* events */
	/* Anonymous volumes go with rm -v and --rm, as docker's, and with a
	 * failed run, which leaves nothing behind. */
	if (c->remove_volumes || c->rec.spec.auto_remove || c->first_start)
		volume_remove_anonymous(d, &c->rec.spec);
	ctr_logs_finish(c);
	answer(c, EV_REMOVED, err);
	ctr_trash(c);
	container_free(c);
	if (pod_id[0] != '\0')
		pod_on_container_removed(d, pod_id);
}

/* ---- create ------------------------------------------------------------ */

/* A docker-style name for a container created without one. */
static void
make_name(struct podd *d, const char *id, char *buf, size_t len)
{
	static const char *const adjectives[] = {
	    "brave", "calm",  "clever", "eager",  "fancy", "gentle", "happy", "jolly",
	    "keen",  "lucid", "merry",  "nimble", "proud", "quiet",  "swift", "witty"};
	static const char *const nouns[] = {
	    "badger", "comet",  "falcon", "harbor",  "lynx",  "maple",  "nebula", "otter",
	    "pebble", "quartz", "raven",  "sparrow", "tiger", "walrus", "willow", "zephyr"};
	struct pd_err ignored;
	unsigned v = (unsigned)strtoul((char[]){id[0], id[1], id[2], id[3], '\0'}, NULL, 16);

	(void)snprintf(buf, len, "%s_%s", adjectives[v & 15], nouns[(v >> 4) & 15]);
	if (container_find(d, buf, &ignored) != NULL)
		(void)snprintf(buf, len, "%s_%s_%.6s", adjectives[v & 15], nouns[(v >> 4) & 15],
			       id);
}

/* Resolve the pod and image references of @spec into ids, and check what
 * needs the system: the rootfs is a directory, the pod runs. */
static int
resolve(struct podd *d, struct container *c, struct pd_err *err)
{
	struct ctr_spec *s = &c->rec.spec;
	const json_t *img_cfg = NULL;
	struct stat st;

	if (s->pod[0] != '\0') {
		struct pod *pod = pod_find(d, s->pod, err);

		if (pod == NULL)
			return -1;
		if (pod->rec.state != POD_RUNNING)
			return pd_fail(err, PD_E_CONFLICT, "pod \"%s\" is %s, not running",
				       pod->rec.spec.name, pod_state_name(pod->rec.state));
		if (s->hostname[0] != '\0')
			return pd_fail(err, PD_E_INVALID,
				       "a container in pod \"%s\" shares its hostname: set it with "
				       "pod create --hostname",
				       pod->rec.spec.name);
		memcpy(s->pod, pod->rec.id, sizeof(s->pod));
		/* restart: the pod's policy is the default (--rm: none). */
		if (s->restart_policy[0] == '\0' && !s->auto_remove)
			(void)snprintf(s->restart_policy, sizeof(s->restart_policy), "%s",
				       restart_policy_of_pod(pod->rec.spec.restart_policy));
	}
	if (s->restart_policy[0] == '\0') /* restart */
		(void)snprintf(s->restart_policy, sizeof(s->restart_policy), "no");
	if (s->target_pid > 0 && pd_proc_start_time(s->target_pid, &s->target_start_time, err) < 0)
		return pd_fail(err, PD_E_NOT_FOUND, "process %d does not exist",
			       (int)s->target_pid);
	if (s->target_pid == getpid())
		return pd_fail(err, PD_E_INVALID, "process %d is podd itself", (int)s->target_pid);
	if (s->image[0] != '\0') {
		struct image *img = image_find(d, s->image, err);

		if (img == NULL)
			return -1;
		image_display_name(img, s->image, c->rec.image_name, sizeof(c->rec.image_name));
		memcpy(s->image, img->id, sizeof(img->id));
		img_cfg = image_config(img);
	} else {
		if (stat(s->rootfs, &st) < 0)
			return pd_fail_errno(err, errno, "rootfs %s", s->rootfs);
		if (!S_ISDIR(st.st_mode))
			return pd_fail(err, PD_E_INVALID, "rootfs %s is not a directory",
				       s->rootfs);
	}
	for (int k = 0; k < CTR_NS_KINDS; k++) {
		struct ctr_ns_mode *m = &s->ns[k];
		struct container *t;

		if (m->how != CTR_NS_CONTAINER)
			continue;
		t = container_find(d, m->target, err);
		if (t == NULL)
			return -1;
		if (!ctr_state_up(t->rec.state))
			return pd_fail(err, PD_E_CONFLICT,
				       "container \"%s\" is not running: a container can join the "
				       "namespaces of a running one only",
				       t->rec.spec.name);
		if (s->pod[0] != '\0' && strcmp(t->rec.spec.pod, s->pod) != 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "container \"%s\" is not in the pod: a container in a pod can "
			    "join the PID namespace of another of the same pod only",
			    t->rec.spec.name);
		memcpy(m->target, t->rec.id, sizeof(m->target));
	}
	/* issue 13: devices on the host, sysctls in the pod's namespaces */
	if (ctr_priv_resolve(d, s, err) < 0)
		return -1;
	/* issue 11, config: the image's Entrypoint, Cmd, Env, WorkingDir,
	 * User, StopSignal (none for a --rootfs). */
	if (ctr_image_apply(s, img_cfg, err) < 0)
		return -1;
	/* issue 12, podspec: mounts of its pod's volumes, checked */
	if (pod_volumes_check_mounts(d, s->pod[0] != '\0' ? pod_find(d, s->pod, err) : NULL, s,
				     err) < 0)
		return -1;
	/* probes: the image's healthcheck when the request gave none. */
	if (s->probes[PROBE_HEALTH] == NULL &&
	    probe_health_from_image(img_cfg, &s->probes[PROBE_HEALTH], err) < 0)
		return -1;
	if (s->hostname[0] == '\0' && s->pod[0] == '\0' && s->ns[CTR_NS_UTS].how == CTR_NS_DEFAULT)
		(void)snprintf(s->hostname, sizeof(s->hostname), "%.12s", c->rec.id);
	return 0;
}

static int start_shim(struct container *c, struct pd_err *err);

/* Whether a container is named @name. Only names count: a name that is
 * also a prefix of another container's id is a name of its own, as in
 * docker (a reference looks at names before id prefixes). */
static bool
name_taken(struct podd *d, const char *name)
{
	return container_by_name(d, name) != NULL;
}

struct container *
container_by_name(struct podd *d, const char *name)
{
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.name, name) == 0)
			return c;
	return NULL;
}

int
container_create(struct podd *d, struct ctr_spec *spec, struct http_pending *pending,
		 struct pd_err *err)
{
	struct container *c;

	/* issue 13: a limit this podd cannot give fails the create, not a start */
	if (cgroup_limits_check(d, &spec->limits, err) < 0)
		return -1;
	if (spec->name[0] != '\0' && name_taken(d, spec->name))
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" already exists", spec->name);
	c = container_new(d);
	c->rec.spec = *spec;
	/* On a failure the spec goes back to the caller as resolve() left it:
	 * it may have replaced what the caller's copy points to. */
	if (pd_id_generate(c->rec.id, err) < 0 || resolve(d, c, err) < 0 ||
	    ctr_net_create(d, &c->rec.spec, err) < 0) { /* issue 14, attach */
		*spec = c->rec.spec;
		memset(&c->rec.spec, 0, sizeof(c->rec.spec));
		container_free(c);
		return -1;
	}
	/* Volumes last: nothing fails after them but the disk. */
	if (volume_prepare_mounts(d, &c->rec.spec, err) < 0) {
		*spec = c->rec.spec;
		memset(&c->rec.spec, 0, sizeof(c->rec.spec));
		container_free(c);
		return -1;
	}
	memset(spec, 0, sizeof(*spec)); /* the container owns it now */
	if (c->rec.spec.name[0] == '\0')
		make_name(d, c->rec.id, c->rec.spec.name, sizeof(c->rec.spec.name));
	c->rec.seq = pod_seq_next(d, c->rec.spec.pod); /* issue 12, podlife */
	set_now(c->rec.created);
	/* A run is recorded as starting: a podd restarted before it answered
	 * removes it (ctr_store.c), as nobody was told its id. */
	c->rec.state = c->rec.spec.start ? CTR_STARTING : CTR_CREATED;
	if (mkdirat(d->ctrs_fd, c->rec.id, 0700) < 0) {
		pd_fail_errno(err, errno, "mkdir containers/%s", c->rec.id);
		volume_remove_anonymous(d, &c->rec.spec);
		container_free(c);
		return -1;
	}
	TAILQ_INSERT_TAIL(&d->containers, c, entry);
	if (container_save(c, err) < 0) {
		destroy(c, NULL);
		return -1;
	}
	events_emit_container(c, "create", NULL); /* events */
	if (!c->rec.spec.start) {
		cleanup_json json_t *j = container_to_json(c);

		log_info("container \"%s\": created", c->rec.spec.name);
		http_pending_reply_json(pending, 201, j);
		return 0;
	}
	c->first_start = true;
	if (start_shim(c, err) < 0) {
		destroy(c, NULL);
		return -1;
	}
	waiter_add(c, pending, CTR_REPLY_CREATED);
	return 0;
}

/* ---- start ------------------------------------------------------------- */

/* The shim spawned, once the container's network is ready. */
static int
spawn_shim(struct container *c, struct pd_err *err)
{
	struct ctr_plan plan;

	if (ctr_plan_resolve(c, &plan, err) < 0 || ctr_ports_start(c, err) < 0)
		return -1;
	supervise_name(&c->sv, "container \"%s\"", c->rec.spec.name);
	if (ctr_shim_spawn(c, &plan, on_shim_sync, err) < 0) {
		ctr_ports_stop(c);
		return -1;
	}
	c->rec.state = CTR_STARTING;
	log_debug("container \"%s\": starting", c->rec.spec.name);
	return 0;
}

static int
start_shim(struct container *c, struct pd_err *err)
{
	struct ctr_plan plan;
	int r;

	pd_err_clear(&c->start_err);
	if (ctr_plan_resolve(c, &plan, err) < 0)
		return -1;
	/* issue 14, attach: its network first (ctr_net.c) */
	r = ctr_net_prepare(c, err);
	if (r < 0)
		return -1;
	if (r == 1) {
		c->rec.state = CTR_STARTING;
		return 0;
	}
	return spawn_shim(c, err);
}

void
container_on_net_ready(struct container *c, const struct pd_err *err)
{
	enum ctr_state back_to = c->rec.finished[0] != '\0' ? CTR_EXITED : CTR_CREATED;
	struct pd_err e = {0};

	if (err == NULL && spawn_shim(c, &e) == 0)
		return;
	c->start_err = err != NULL ? *err : e;
	pd_err_prefix(&c->start_err, "container \"%s\"", c->rec.spec.name);
	start_failed(c, back_to);
}

int
container_start(struct container *c, struct http_pending *pending, struct pd_err *err)
{
	switch (c->rec.state) {
	case CTR_RUNNING:
	case CTR_STOPPING:
	case CTR_PAUSED:
		waiter_add(c, pending, CTR_REPLY_STARTED);
		answer(c, EV_RUNNING, NULL);
		return 0;
	case CTR_STARTING:
		waiter_add(c, pending, CTR_REPLY_STARTED);
		return 0;
	case CTR_CREATED:
	case CTR_EXITED:
		restart_on_user_start(c); /* restart */
		if (start_shim(c, err) < 0)
			return -1;
		waiter_add(c, pending, CTR_REPLY_STARTED);
		return 0;
	}
	PD_UNREACHABLE("container state out of its enum");
}

int
container_start_by_policy(struct container *c, struct pd_err *err)
{
	struct pd_err e = {0};

	if (ctr_logs_rotate(c, &e) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, e.msg);
	c->restart_by_policy = true;
	if (start_shim(c, err) < 0) {
		c->restart_by_policy = false;
		return -1;
	}
	return 0;
}

/* The start failed: say why, and undo. */
static void
start_failed(struct container *c, enum ctr_state back_to)
{
	struct pd_err e = c->start_err;

	supervise_forget(&c->sv);
	ctr_cgroup_release(c); /* issue 13: what the failed start left in it */
	ctr_ports_end(c);      /* issue 14, attach */
	log_info("container \"%s\": start failed: %s", c->rec.spec.name, e.msg);
	answer(c, EV_START_FAILED, &e);
	ctr_logs_finish(c);
	if (c->first_start || c->rec.spec.auto_remove || c->remove_when_exited) {
		/* A failed run leaves nothing behind. */
		destroy(c, &e);
		return;
	}
	ctr_release_run_dir(c);
	c->rec.state = back_to;
	set_reason(c, e.msg);
	restart_on_start_failed(c); /* restart: a policy's start failed */
	save_or_log(c);
	if (c->stop_after_start >= 0) { /* restart: a stop waits: it is stopped */
		c->stop_after_start = -1;
		answer(c, EV_EXITED, NULL);
	}
	pod_seq_container_changed(c); /* issue 12, podlife */
}

static void
on_shim_sync(evutil_socket_t fd, short what, void *arg)
{
	struct container *c = arg;
	enum ctr_state back_to = c->rec.finished[0] != '\0' ? CTR_EXITED : CTR_CREATED;
	cleanup_free char *name = xasprintf("\"%s\"", c->rec.spec.name);
	struct pd_sync_msg msg;
	struct pd_err err = {0};
	int r = shim_report_read(&c->sv, &msg, name, container_on_shim_exit, c, &err);

	(void)fd;
	(void)what;
	if (r == 0)
		return;
	if (r == 1) {
		c->rec.shim_pid = msg.pids[0];
		c->rec.pid = msg.pids[1];
		/* The pidfds pin both processes: their start times are theirs. */
		if (pd_proc_start_time(c->rec.shim_pid, &c->rec.shim_start_time, &err) < 0 ||
		    pd_proc_start_time(c->rec.pid, &c->rec.pid_start_time, &err) < 0)
			log_warn("container \"%s\": %s", c->rec.spec.name, err.msg);
		c->rec.state = CTR_RUNNING;
		c->first_start = false;
		set_now(c->rec.started);
		c->rec.finished[0] = c->rec.signal[0] = c->rec.reason[0] = '\0';
		c->rec.exit_code = -1;
		c->rec.oom_killed = false; /* issue 13, observe */
		c->monitor_died = false;
		stats_on_running(c);   /* issue 13, observe: the CPU baseline */
		restart_on_running(c); /* restart */
		/* Send the ACK once the record is on disk: a podd restarted
		 * after it adopts the workload from the record; without the
		 * ACK the shim ends the workload itself (lib/shim.h). */
		if (container_save(c, &err) == 0) {
			shim_report_ack(&c->sv);
		} else {
			log_error("container \"%s\": %s; the shim ends it", c->rec.spec.name,
				  err.msg);
			supervise_close_sync(&c->sv);
		}
		log_info("container \"%s\": running, pid %d", c->rec.spec.name, (int)c->rec.pid);
		events_emit_container(c, "start", NULL); /* events */
		probe_container_running(c);              /* probes */
		answer(c, EV_RUNNING, NULL);
		if (c->remove_when_exited)
			supervise_signal(&c->sv, SIGKILL);
		if (c->stop_after_start >= 0) { /* restart: a user's stop came meanwhile */
			long long t = c->stop_after_start;

			c->stop_after_start = -1;
			begin_stop(c, t == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec), t);
		}
		pod_seq_container_changed(c); /* issue 12, podlife */
		return;
	}
	c->start_err = err;
	start_failed(c, back_to);
}

/* ---- the end of a workload ---------------------------------------------- */

/* Read the exit file the shim left into the record. */
static void
read_exit_file(struct container *c)
{
	cleanup_free char *dir = ctr_run_dir(c);
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_json json_t *j = NULL;
	const char *finished = NULL, *sig = NULL;
	struct pd_err err = {0};
	json_error_t jerr;
	int code = -1, pid = 0;

	if (dirfd >= 0)
		j = pd_json_load_file(dirfd, "exit.json", 4096, &err);
	if (j == NULL ||
	    json_unpack_ex(j, &jerr, 0, "{s:i, s:s, s?s, s?i}", PD_SHIM_EXIT_CODE, &code,
			   PD_SHIM_FINISHED, &finished, PD_SHIM_SIGNAL, &sig, PD_SHIM_PID,
			   &pid) < 0 ||
	    code < 0 || code > 255) {
		c->rec.exit_code = -1;
		set_now(c->rec.finished);
		set_reason(c, "podd-shim ended without recording the exit status");
		log_warn("container \"%s\": %s", c->rec.spec.name, c->rec.reason);
		return;
	}
	c->rec.exit_code = code;
	(void)snprintf(c->rec.finished, sizeof(c->rec.finished), "%s", finished);
	(void)snprintf(c->rec.signal, sizeof(c->rec.signal), "%s", sig != NULL ? sig : "");
}

/* A container in another's PID namespace dies with that namespace's init:
 * say so, rather than leave a bare SIGKILL unexplained. */
static void
explain_kill(struct container *c)
{
	const struct ctr_ns_mode *m = &c->rec.spec.ns[CTR_NS_PID];
	struct pd_err ignored;
	struct container *t;
	uint64_t start;

	if (m->how != CTR_NS_CONTAINER || strcmp(c->rec.signal, "KILL") != 0)
		return;
	t = container_find(c->d, m->target, &ignored);
	if (t == NULL || t->rec.pid <= 0 || pd_proc_start_time(t->rec.pid, &start, &ignored) < 0 ||
	    start != t->rec.pid_start_time)
		(void)snprintf(
		    c->rec.reason, sizeof(c->rec.reason),
		    "killed by the kernel: the PID namespace it joined (container %s) ended",
		    t != NULL ? t->rec.spec.name : m->target);
}

void
container_on_shim_exit(evutil_socket_t fd, short what, void *arg)
{
	struct container *c = arg;
	bool stopped = c->rec.state == CTR_STOPPING; /* events */

	(void)fd;
	(void)what;
	/* A monitor killed without an exit file: end the workload first, and
	 * come back here once it is gone (recover.c). */
	if (recover_end_workload(c))
		return;
	probe_container_ended(c); /* probes: before the pidfds go */
	supervise_forget(&c->sv);
	if (c->monitor_died)
		recover_note_monitor_death(c);
	else
		read_exit_file(c);
	explain_kill(c);
	ctr_oom_check(c); /* issue 13, observe: before its cgroup goes */
	exec_kill_all(c);
	ctr_cgroup_release(c); /* issue 13: the rest of what it started, then its leaf */
	c->rec.state = CTR_EXITED;
	ctr_ports_end(c); /* issue 14, attach: served while it runs */
	c->rec.shim_pid = c->rec.pid = 0;
	c->rec.shim_start_time = c->rec.pid_start_time = 0;
	log_info("container \"%s\": exited with code %d", c->rec.spec.name, c->rec.exit_code);
	/* events */
	if (c->rec.oom_killed) /* issue 13, observe: before die, as docker's */
		events_emit_container(c, "oom", NULL);
	events_emit_container(c, "die", events_exit_attrs(c));
	if (stopped)
		events_emit_container(c, "stop", NULL);
	ctr_logs_finish(c);
	answer(c, EV_EXITED, NULL);
	restart_note_exit(c); /* restart: last_state */
	if (restart_if_asked(c))
		return;
	if (c->remove_when_exited || c->rec.spec.auto_remove) {
		destroy(c, NULL);
		return;
	}
	restart_on_exit(c); /* restart: decide by the policy, schedule */
	save_or_log(c);
	pod_seq_container_changed(c); /* issue 12, podlife */
}

/* ---- restart --------------------------------------------------------------- */

/* After an exit: start again if a restart is waiting for it. Returns true
 * when the exit is handled so. */
static bool
restart_if_asked(struct container *c)
{
	struct waiter *w;
	struct pd_err err = {0};
	bool asked = false;

	TAILQ_FOREACH (w, &c->sv.waiters, entry) {
		if (w->reply == CTR_REPLY_RESTART) {
			w->reply = CTR_REPLY_STARTED;
			asked = true;
		}
	}
	if (!asked || c->remove_when_exited)
		return false;
	save_or_log(c);
	log_info("container \"%s\": restarting", c->rec.spec.name);
	if (start_shim(c, &err) < 0) {
		answer(c, EV_START_FAILED, &err);
		return false;
	}
	return true;
}

int
container_restart(struct container *c, long long timeout_s, struct http_pending *pending,
		  struct pd_err *err)
{
	if (c->rec.spec.auto_remove)
		return pd_fail(err, PD_E_CONFLICT,
			       "container \"%s\" is removed when it exits (--rm): it cannot be "
			       "restarted",
			       c->rec.spec.name);
	switch (c->rec.state) {
	case CTR_STARTING:
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is starting; try again",
			       c->rec.spec.name);
	case CTR_RUNNING:
	case CTR_PAUSED: /* issue 13, observe: thawed by begin_stop */
		log_info("container \"%s\": restarting (timeout %llds)", c->rec.spec.name,
			 timeout_s);
		restart_on_user_start(c); /* restart */
		waiter_add(c, pending, CTR_REPLY_RESTART);
		begin_stop(c, timeout_s == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec), timeout_s);
		return 0;
	case CTR_STOPPING:
		waiter_add(c, pending, CTR_REPLY_RESTART);
		return 0;
	case CTR_CREATED:
	case CTR_EXITED:
		return container_start(c, pending, err);
	}
	PD_UNREACHABLE("container state out of its enum");
}

/* ---- stop, kill, wait, remove -------------------------------------------- */

/* restart: a user's stop of a container the policy is starting: done
 * once it runs (on_shim_sync), or answered when its start fails. */
static void
stop_after_start(struct container *c, long long timeout_s)
{
	if (c->rec.state == CTR_STARTING && c->restart_by_policy &&
	    (c->stop_after_start < 0 || timeout_s < c->stop_after_start))
		c->stop_after_start = timeout_s;
}

/* restart: a user's stop (stop, a fatal kill, pod stop) is never undone
 * by the policy; an exited container's record says so now, a running
 * one's at its exit. */
static void
user_stop(struct container *c)
{
	bool save =
	    c->rec.state == CTR_EXITED && (restart_pending(c) || !c->rec.restart.user_stopped);

	restart_cancel(c);
	if (save)
		save_or_log(c);
}

/* issue 13, observe: thaw a paused container, so that what is sent next
 * is acted on (docker's stop and kill do the same); it runs again. */
static void
thaw(struct container *c)
{
	struct pd_err err = {0};

	if (c->rec.state != CTR_PAUSED)
		return;
	if (ctr_cgroup_freeze(c, false, &err) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, err.msg);
	c->rec.state = CTR_RUNNING;
	events_emit_container(c, "unpause", NULL);
	save_or_log(c);
}

static void
begin_stop(struct container *c, int sig, long long timeout_s)
{
	thaw(c); /* issue 13, observe */
	supervise_stop(&c->sv, sig, timeout_s);
	if (c->rec.state == CTR_RUNNING)
		c->rec.state = CTR_STOPPING;
}

int
container_stop(struct container *c, long long timeout_s, struct http_pending *pending,
	       struct pd_err *err)
{
	if (c->rec.state == CTR_STARTING && !c->restart_by_policy)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is starting; try again",
			       c->rec.spec.name);
	user_stop(c); /* restart */
	switch (c->rec.state) {
	case CTR_STARTING:
		/* restart: the policy's start in flight is stopped once it
		 * runs (or answered if it fails). */
		stop_after_start(c, timeout_s);
		waiter_add(c, pending, CTR_REPLY_STOPPED);
		return 0;
	case CTR_RUNNING:
	case CTR_PAUSED: /* issue 13, observe: thawed by begin_stop */
		log_info("container \"%s\": stopping (timeout %llds)", c->rec.spec.name, timeout_s);
		waiter_add(c, pending, CTR_REPLY_STOPPED);
		begin_stop(c, timeout_s == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec), timeout_s);
		return 0;
	case CTR_STOPPING:
		waiter_add(c, pending, CTR_REPLY_STOPPED);
		return 0;
	case CTR_CREATED:
	case CTR_EXITED: {
		cleanup_json json_t *j = container_to_json(c);

		http_pending_reply_json(pending, 200, j);
		return 0;
	}
	}
	PD_UNREACHABLE("container state out of its enum");
}

int
container_kill(struct container *c, int sig, struct pd_err *err)
{
	if (!ctr_state_up(c->rec.state))
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
			       c->rec.spec.name);
	thaw(c); /* issue 13, observe: so that the signal is acted on */
	if (pd_pidfd_signal(c->sv.pidfd, sig, err) < 0)
		return pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
	/* restart: as docker's kill, a fatal signal is a user's stop. */
	if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT || sig == SIGQUIT ||
	    sig == ctr_stop_signal(&c->rec.spec))
		user_stop(c);
	log_info("container \"%s\": sent signal %d", c->rec.spec.name, sig);
	return 0;
}

int
container_stop_for_restart(struct container *c, long long timeout_s, struct pd_err *err)
{
	if (c->rec.state == CTR_STOPPING)
		return 0;
	if (c->rec.state != CTR_RUNNING && c->rec.state != CTR_PAUSED)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
			       c->rec.spec.name);
	log_info("container \"%s\": stopping for a restart (timeout %llds)", c->rec.spec.name,
		 timeout_s);
	begin_stop(c, timeout_s == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec), timeout_s);
	return 0;
}

int
container_wait(struct container *c, struct http_pending *pending, struct pd_err *err)
{
	(void)err;
	if (c->rec.state == CTR_EXITED) {
		cleanup_json json_t *j = wait_json(c);

		http_pending_reply_json(pending, 200, j);
		return 0;
	}
	container_wait_next(c, pending);
	return 0;
}

void
container_wait_next(struct container *c, struct http_pending *pending)
{
	/* The headers go now: a client that sees them knows the wait is held
	 * before it starts the container (podctl run does). */
	http_pending_start_stream(pending);
	waiter_add(c, pending, CTR_REPLY_WAIT);
}

int
container_rename(struct container *c, const char *name, struct pd_err *err)
{
	if (pd_name_validate(name, "container name", err) < 0)
		return -1;
	if (strcmp(c->rec.spec.name, name) == 0)
		return 0;
	if (name_taken(c->d, name))
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" already exists", name);
	log_info("container \"%s\": renamed to \"%s\"", c->rec.spec.name, name);
	memcpy(c->rec.spec.name, name, strlen(name) + 1);
	events_emit_container(c, "rename", NULL);
	return container_save(c, err);
}

int
container_remove_volumes(struct container *c, bool force, bool volumes,
			 struct http_pending *pending, struct pd_err *err)
{
	bool before = c->remove_volumes;

	c->remove_volumes = before || volumes;
	if (container_remove(c, force, pending, err) < 0) {
		c->remove_volumes = before;
		return -1;
	}
	return 0;
}

int
container_remove(struct container *c, bool force, struct http_pending *pending, struct pd_err *err)
{
	switch (c->rec.state) {
	case CTR_STARTING:
	case CTR_RUNNING:
	case CTR_STOPPING:
	case CTR_PAUSED:
		if (!force)
			return pd_fail(err, PD_E_CONFLICT,
				       "container \"%s\" is running: stop it first or remove it "
				       "with --force",
				       c->rec.spec.name);
		c->remove_when_exited = true;
		waiter_add(c, pending, CTR_REPLY_REMOVED);
		if (c->rec.state != CTR_STARTING)
			begin_stop(c, SIGKILL, 0);
		return 0;
	case CTR_CREATED:
	case CTR_EXITED:
		waiter_add(c, pending, CTR_REPLY_REMOVED);
		destroy(c, NULL);
		return 0;
	}
	PD_UNREACHABLE("container state out of its enum");
}

/* ---- pause, unpause (issue 13, observe) ----------------------------------- */

int
container_pause(struct container *c, struct pd_err *err)
{
	if (c->rec.state == CTR_PAUSED)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is already paused",
			       c->rec.spec.name);
	if (c->rec.state != CTR_RUNNING)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running",
			       c->rec.spec.name);
	if (ctr_cgroup_freeze(c, true, err) < 0)
		return pd_err_prefix(err, "pause container \"%s\"", c->rec.spec.name);
	c->rec.state = CTR_PAUSED;
	save_or_log(c);
	log_info("container \"%s\": paused", c->rec.spec.name);
	events_emit_container(c, "pause", NULL);
	return 0;
}

int
container_unpause(struct container *c, struct pd_err *err)
{
	if (c->rec.state != CTR_PAUSED)
		return pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not paused",
			       c->rec.spec.name);
	if (ctr_cgroup_freeze(c, false, err) < 0)
		return pd_err_prefix(err, "unpause container \"%s\"", c->rec.spec.name);
	c->rec.state = CTR_RUNNING;
	save_or_log(c);
	log_info("container \"%s\": unpaused", c->rec.spec.name);
	events_emit_container(c, "unpause", NULL);
	return 0;
}

/* ---- pods and images ---------------------------------------------------- */

int
container_count_in_pod(struct podd *d, const char *pod_id, bool running_only)
{
	struct container *c;
	int n = 0;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.pod, pod_id) == 0 &&
		    (!running_only || (c->rec.state != CTR_CREATED && c->rec.state != CTR_EXITED)))
			n++;
	return n;
}

void
container_remove_all_in_pod(struct podd *d, const char *pod_id)
{
	struct container *c, *next;

	for (c = TAILQ_FIRST(&d->containers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (strcmp(c->rec.spec.pod, pod_id) != 0)
			continue;
		if (c->rec.state == CTR_CREATED || c->rec.state == CTR_EXITED) {
			destroy(c, NULL);
		} else {
			c->remove_when_exited = true;
			if (c->rec.state != CTR_STARTING)
				begin_stop(c, SIGKILL, 0);
		}
	}
}

void
container_stop_all_in_pod(struct podd *d, const char *pod_id, long long timeout_s)
{
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		if (strcmp(c->rec.spec.pod, pod_id) != 0)
			continue;
		user_stop(c); /* restart: pod stop is a user's stop of each */
		stop_after_start(c, timeout_s);
		if (c->rec.state == CTR_RUNNING || c->rec.state == CTR_PAUSED)
			begin_stop(c, timeout_s == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec),
				   timeout_s);
	}
}

/* ---- issue 12, podlife: the pod's sequence (pod_seq.c) ------------------ */

int
container_start_by_pod(struct container *c, struct pd_err *err)
{
	if (c->rec.state != CTR_CREATED && c->rec.state != CTR_EXITED)
		return 0;
	restart_on_user_start(c); /* restart: a pod start is a user's start of each */
	return start_shim(c, err);
}

void
container_stop_by_pod(struct container *c, long long timeout_s)
{
	user_stop(c); /* restart: a pod stop is a user's stop of each */
	if (timeout_s >= 0)
		stop_after_start(c, timeout_s);
	if ((c->rec.state != CTR_RUNNING && c->rec.state != CTR_PAUSED) || timeout_s < 0)
		return;
	log_info("container \"%s\": stopping for its pod (timeout %llds)", c->rec.spec.name,
		 timeout_s);
	begin_stop(c, timeout_s == 0 ? SIGKILL : ctr_stop_signal(&c->rec.spec), timeout_s);
}

bool
container_uses_image(struct podd *d, const char *image_id)
{
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.image, image_id) == 0)
			return true;
	return false;
}
