/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Containers in podd: the registry and the state machine (every transition
 * in container.c), driven by the API and by events on the shim (its sync
 * socket, its pidfd, the stop timer).
 *
 *   create ─▶ CREATED ─start─▶ STARTING ─started─▶ RUNNING ─stop─▶ STOPPING
 *                ▲                │ setup failed      │ exits         │ exits
 *                └────────────────┘                   ▼               ▼
 *                                   start ◀──────── EXITED ◀──────────┘
 *
 * The shim is not podd's child: podd holds pidfds of the shim and of the
 * workload (handed over by the shim), signals the workload through its
 * pidfd, and hears of the end when the shim's pidfd becomes readable; the
 * exit status is in the exit file the shim wrote. A podd restart adopts
 * running shims by pid and start time, and follows the same path.
 *
 * Source files: container.c (the registry and every transition), ctr_shim.c
 * (the plan and files of a start), ctr_store.c (records, adoption),
 * ctr_json.c (the API's view), exec.c (exec sessions); supervise.c and
 * shim_launch.c do the plumbing of the processes.
 *
 * Files (paths.h builds them):
 *   <root>/containers/<id>/container.json   the record (ctr_spec.h)
 *   <root>/containers/<id>/container.log    CRI log (written by the shim)
 *   <root>/containers/<id>/upper, work      the overlay's writable layer
 *   <run>/containers/<id>/shim.json         the shim's spec (lib/shim.h)
 *   <run>/containers/<id>/exit.json         written by the shim at exit
 *   <run>/containers/<id>/etc/              hostname, hosts, resolv.conf
 *   <run>/containers/<id>/rootfs/           where the shim assembles the root
 *   <run>/containers/<id>/ns/{net,ipc,uts}  namespaces of a container without
 *                                           a pod, held by bind mounts
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include "ctr_spec.h"
#include "podd.h"
#include "port_serve.h"
#include "supervise.h"

struct evhttp_request;
struct http_pending;
struct log_follower;
struct pod;

/* What a waiter is waiting for, and gets. */
enum ctr_reply {
	CTR_REPLY_CREATED, /* 201 container, once running (create with start) */
	CTR_REPLY_STARTED, /* 200 container, once running */
	CTR_REPLY_STOPPED, /* 200 container, once exited */
	CTR_REPLY_WAIT,    /* 200 {"exit_code"...}, at the next exit */
	CTR_REPLY_REMOVED, /* 200 {"id","name"}, once removed */
	CTR_REPLY_RESTART, /* becomes CTR_REPLY_STARTED once it has exited */
};

struct exec_session;
TAILQ_HEAD(exec_session_list, exec_session);

struct container {
	TAILQ_ENTRY(container) entry;
	struct podd *d;          /* borrowed */
	struct ctr_record rec;   /* owns rec.spec's strings and arrays */
	struct supervised sv;    /* sv.pidfd: the workload's, sv.exit_pidfd: its
				  * shim's (-1 without them); the waiters */
	bool remove_when_exited; /* rm -f, auto_remove, or a failed run */
	bool first_start;        /* a failed start removes the container */
	bool monitor_died;       /* its monitor died: podd ended the workload (recover.c) */
	struct pd_err start_err; /* why the start failed (kind 0: none) */
	struct log_follower_list followers; /* logs -f streams (ctr_logs.c) */
	int log_wd;                     /* the inotify watch of its log while followed, else -1 */
	bool hold_output;               /* the next start holds output (start?attach) */
	struct exec_session_list execs; /* running exec sessions (exec.c) */
	bool remove_volumes;            /* rm -v: its anonymous volumes go with it */
	unsigned seq_gen;               /* issue 12, podlife: the run of its pod's sequence
					 * that started it last (pod_seq.c) */
	/* probes branch */
	struct ctr_probes *probes; /* owned, NULL without probes (probe.c) */
	/* restart (issue 12, restart.h) */
	struct event *restart_timer; /* owned, NULL until a restart first waits */
	bool restart_by_policy;      /* the start in flight is the policy's */
	long long stop_after_start;  /* a user's stop came during the policy's
				      * start: its timeout once it runs; -1: none */
	/* issue 13, observe: owned, NULL until it runs: the CPU figures of
	 * its start or of the last one-shot stats read (stats.c) */
	json_t *stats_prev;
	/* issue 14, attach (ctr_net.c): the CNI ADD in flight, NULL otherwise;
	 * the proxies of its published ports while it runs */
	struct cni_op *net_op;
	size_t net_idx; /* the attachment net_op attaches */
	struct port_proxies proxies;
};

/* A new, empty container of @d (not yet in the registry). */
struct container *container_new(struct podd *d);

/* Free @c (out of the registry): waiters get 503, processes go on. */
void container_free(struct container *c);

/* Find a container by name, full id or unique id prefix. */
struct container *container_find(struct podd *d, const char *ref, struct pd_err *err);
/* issue 15: the container named exactly @name, or NULL (names only, not
 * ids: the Engine's name conflicts). */
struct container *container_by_name(struct podd *d, const char *name);

/* Create (and with spec->start, start) a container; @spec's owned parts are
 * taken over on success. @pending (owned on success) is answered with 201
 * when the container is created, or once it runs. */
int container_create(struct podd *d, struct ctr_spec *spec, struct http_pending *pending,
		     struct pd_err *err);

/* The verbs. Each takes @pending (owned on success) and answers it when
 * the container settles, or at once; on -1 @err says why and @pending is
 * still the caller's.
 *
 * start: a created or exited container is started, answered 200 with the
 * container once its workload runs (or with the start's error); a running
 * one is answered at once, a starting one with the start in flight. */
int container_start(struct container *c, struct http_pending *pending, struct pd_err *err);
/* stop: SIGTERM (SIGKILL for @timeout_s 0), SIGKILL after @timeout_s;
 * answered 200 with the container once it exited. PD_E_CONFLICT while it
 * starts; one that does not run is answered at once. */
int container_stop(struct container *c, long long timeout_s, struct http_pending *pending,
		   struct pd_err *err);
/* kill: send @sig to the workload; PD_E_CONFLICT when it does not run. */
int container_kill(struct container *c, int sig, struct pd_err *err);
/* Stop (as container_stop) then start again, in the same held namespaces
 * for a container of its own; answered once it runs. */
int container_restart(struct container *c, long long timeout_s, struct http_pending *pending,
		      struct pd_err *err);
/* restart (issue 12): stop @c so that its restart policy applies to the
 * exit, as to a crash: a liveness or startup probe's kill (probes branch).
 * SIGTERM (or its stop signal; SIGKILL for @timeout_s 0), SIGKILL after
 * @timeout_s. Not a user's stop: nothing is cancelled. PD_E_CONFLICT when
 * it does not run; one already stopping is left as it is. */
int container_stop_for_restart(struct container *c, long long timeout_s, struct pd_err *err);
/* restart (issue 12): start @c again for its policy (restart.c): the log
 * so far becomes the previous one (logs?previous=1), then the shim is
 * started as for a start. -1 when it cannot be (its pod does not run). */
int container_start_by_policy(struct container *c, struct pd_err *err);
/* wait: answered {"id","name","exit_code"[,"signal"]} at the next exit, at
 * once for an exited container; the headers go at once (a stream). */
int container_wait(struct container *c, struct http_pending *pending, struct pd_err *err);
/* issue 15: the same at the next exit even for an exited container (the
 * Engine's wait?condition=next-exit, sent before a start). */
void container_wait_next(struct container *c, struct http_pending *pending);
/* issue 15: rename @c (docker rename): PD_E_CONFLICT when the name is
 * taken; saved. Its files are by id: nothing else changes. */
int container_rename(struct container *c, const char *name, struct pd_err *err);
/* remove: a created or exited container is deleted and answered at once;
 * a running one only with @force (PD_E_CONFLICT without), killed, and
 * answered once its workload and its shim are gone and its files deleted. */
int container_remove(struct container *c, bool force, struct http_pending *pending,
		     struct pd_err *err);
/* The same, and with @volumes its anonymous volumes too (rm -v). */
int container_remove_volumes(struct container *c, bool force, bool volumes,
			     struct http_pending *pending, struct pd_err *err);

/* issue 12, podlife: its pod's sequence starts @c (created or exited) with
 * nobody waiting, as a user's start; stops it (running) with @timeout_s, a
 * user's stop that no restart policy undoes (@timeout_s < 0: only cancel
 * its restart policy). */
int container_start_by_pod(struct container *c, struct pd_err *err);
void container_stop_by_pod(struct container *c, long long timeout_s);

/* ctr_json.c: the API's JSON for @c (a new reference). */
json_t *container_to_json(const struct container *c);

/* The containers of @pod: count them, or kill and remove them all (pod rm -f). */
int container_count_in_pod(struct podd *d, const char *pod_id, bool running_only);
void container_remove_all_in_pod(struct podd *d, const char *pod_id);
/* Stop every running container of @pod (TERM, KILL after @timeout_s). */
void container_stop_all_in_pod(struct podd *d, const char *pod_id, long long timeout_s);
/* [{"id","name","state"}] of the containers of @pod (a new reference). */
json_t *container_list_in_pod(struct podd *d, const char *pod_id);
/* The same lists for every pod at once, {pod id: [...]}, in one pass over
 * the containers: a listing of all pods calls this, not the above per pod
 * (which made `pod ls` O(pods x containers)). */
json_t *container_lists_by_pod(struct podd *d);

/* True when a container was made from the image @image_id. */
bool container_uses_image(struct podd *d, const char *image_id);

/* Load containers from disk and adopt running shims (ctr_store.c). */
int container_load_all(struct podd *d, struct pd_err *err);
int container_save(struct container *c, struct pd_err *err);
/* Free every container at shutdown: shims go on, waiters get 503. */
void container_free_all(struct podd *d);

/* The shim's pidfd: the shim has exited (shared by spawned and adopted
 * shims). */
void container_on_shim_exit(int fd, short what, void *arg);

/* What a start needs, resolved once from the container's references and
 * handed down to its files, its shim spec and its environment. The
 * pointers are borrowed, valid while the start is being set up. */
struct ctr_plan {
	struct pod *pod;                           /* NULL: a container of its own */
	struct container *ns_target[CTR_NS_KINDS]; /* the T of each --X container:T */
	char hostname[PD_NAME_MAX + 1];            /* the hostname it will have */
	struct pod *userns;                        /* issue 13: ctr_userns_pod, or NULL */
};

/* ctr_shim.c: fill @plan for a start of @c: its pod (which must run), the
 * containers whose namespaces it joins (which must run), its hostname.
 * PD_E_NOT_FOUND or PD_E_CONFLICT naming what is missing. */
int ctr_plan_resolve(const struct container *c, struct ctr_plan *plan, struct pd_err *err);

/* ctr_cgroup.c (issue 13, cgroup.h): @c's cgroup path below the parent (a
 * new string); its leaf made with its limits for a start of @plan (and
 * its pod's cgroup when missing), before the shim spawns; at its end what
 * is left in the leaf killed and the leaf removed (a busy one a moment
 * later). */
char *ctr_cgroup_rel(const struct container *c);
int ctr_cgroup_prepare(struct container *c, const struct ctr_plan *plan, struct pd_err *err);
void ctr_cgroup_release(struct container *c);
/* The shim spec's cgroup keys for @c (lib/shim.h) into @spec. */
void ctr_cgroup_shim_keys(const struct container *c, json_t *spec);

/* ctr_shim.c: prepare the files a start of @plan needs and launch
 * podd-shim. On success c->sv watches its sync socket with @on_sync
 * (shim_launch.h). */
int ctr_shim_spawn(struct container *c, const struct ctr_plan *plan, event_callback_fn on_sync,
		   struct pd_err *err);

/* idmap.c (issue 13): the pod whose user namespace @c's processes join
 * (its own, or that of a container whose namespaces it joins), NULL for
 * the host's; the shim's "userns" object for it (lib/shim.h; NULL with
 * @err); the writable layer "upper" of @root_fd chowned to its root. */
struct pod *ctr_userns_pod(const struct container *c);
json_t *ctr_userns_json(const struct pod *pod, struct pd_err *err);
int ctr_userns_own_upper(const struct pod *pod, int root_fd, struct pd_err *err);
/* With --userns-layers copy: the shim @spec's lowers become the pod's
 * copies of them, which the shim makes when missing (lib/shim.h). */
int ctr_userns_copy_lowers(const struct pod *pod, json_t *spec, struct pd_err *err);
/* Both above: the shim spec @spec of a container of @pod gets its userns
 * key, and its lowers the copies when layers are copied. */
int ctr_userns_keys(const struct pod *pod, json_t *spec, struct pd_err *err);

/* Paths of @c's state: "<root>/containers/<id>" and "<run>/containers/<id>". */
char *ctr_root_dir(const struct container *c);
char *ctr_run_dir(const struct container *c);
/* The hostname @c has, into @buf: its pod's, the one of the container
 * whose UTS namespace it joined, the host's, or its own. */
void ctr_hostname(const struct container *c, char *buf, size_t len);
/* The environment of @c's processes: docker's defaults (PATH, HOSTNAME
 * @hostname, and HOME=/root when @user is NULL or "": root), then the
 * container's, then @extra (may be NULL), each replacing the keys before
 * it. A new reference. */
json_t *ctr_env(const struct container *c, const char *hostname, const char *user,
		const json_t *extra);
/* issue 13: the shim spec's "seccomp" (with its cache, <root>/seccomp) and
 * "no_new_privs" of @s onto @j (containers and their exec sessions alike). */
void ctr_shim_security(const struct podd *d, const struct ctr_spec *s, json_t *j);
/* Release what a container holds in the run dir (held namespaces too). */
void ctr_release_run_dir(struct container *c);
/* Delete all of @c's files: its run dir and held namespaces at once, its
 * root dir renamed aside (.rm-ID) and deleted by a task, off the loop (the
 * writable layer may be large). What a stop of podd interrupts is deleted
 * at the next start. */
void ctr_trash(struct container *c);

/* exec.c: start an exec session in running @c; @pending is answered once
 * its command exec'd (201) or failed. Takes @spec's owned parts on success. */
struct exec_spec;
int exec_start(struct container *c, struct exec_spec *spec, struct http_pending *pending,
	       struct pd_err *err);
/* exec.c: an exec session of podd's own (exec probes, healthchecks): run
 * @command (borrowed) in running @c, detached, its output kept. @done(@arg,
 * exit_code, output) runs once when it ends: exit_code -1 when it could
 * not start (output: why) or left no status; output is the end of what it
 * printed (at most EXEC_OUTPUT_MAX - 1 bytes, borrowed). Returns the
 * session (the container's), or NULL with @err. */
#define EXEC_OUTPUT_MAX 1024
struct exec_output {
	size_t len;
	char buf[EXEC_OUTPUT_MAX];
};
typedef void exec_done_fn(void *arg, int exit_code, const char *output);
struct exec_session *exec_start_internal(struct container *c, const json_t *command,
					 exec_done_fn *done, void *arg, struct pd_err *err);
/* SIGKILL an internal session's command (its @done still runs at its end). */
void exec_session_kill(struct exec_session *e);
/* Its @done will not run: the session ends on its own, unlisted. */
void exec_session_forget(struct exec_session *e);
/* SIGKILL the commands of @c's sessions, as its end ends them: in its own
 * PID namespace the kernel has done so, not in a pod's shared one. */
void exec_kill_all(struct container *c);
/* Forget @c's sessions (they run on; their files go with the run dir). */
void exec_free_all(struct container *c);
/* [{"id","pid","command","user","tty"}] of @c's running sessions. */
json_t *exec_list_json(const struct container *c);

/* issue 13, observe: pause freezes the cgroup of running @c (state
 * paused), unpause thaws it; PD_E_CONFLICT for any other state. */
int container_pause(struct container *c, struct pd_err *err);
int container_unpause(struct container *c, struct pd_err *err);
/* ctr_observe.c: update: @body {"limits": {...}} (only the keys given
 * change; in its cgroup at once when it runs) and/or {"restart_policy"};
 * saved. PD_E_INVALID for a bad body or limits this podd cannot apply. */
int container_update(struct container *c, const json_t *body, struct pd_err *err);
/* ctr_observe.c: freeze or thaw @c's cgroup (cgroup.h). */
int ctr_cgroup_freeze(struct container *c, bool frozen, struct pd_err *err);
/* ctr_observe.c: in the exit path, before its cgroup is released: an OOM
 * kill in its cgroup that ended the workload with SIGKILL sets
 * rec.oom_killed and the reason "OOMKilled" (docker's, kubectl's). */
void ctr_oom_check(struct container *c);

/* issue 14, attach, ctr_net.c: a container of its own on a network.
 * wanted: it asked for one; attached: its eth0 is. prepare, before a
 * start: 0 when it is ready (or needs none), 1 when its namespace is being
 * made or attached (container_on_net_ready follows, in container.c), -1
 * with @err (an unknown network). detach: the ADD in flight undone, the
 * ports stopped, each attachment DEL'ed in the background (when its held
 * namespaces go). ports_start/stop: its published ports served or not.
 * create: at create, after the image's config is merged: the default
 * network for a container of its own, the network checked, -P (every
 * ExposedPort of the image given a free host port in s->ports), the ports
 * checked to be free. */
bool ctr_net_wanted(const struct container *c);
bool ctr_net_attached(const struct container *c);
/* Where its network namespace is held, into @buf. */
int ctr_net_held_path(const struct container *c, char *buf, size_t len);
int ctr_net_prepare(struct container *c, struct pd_err *err);
void container_on_net_ready(struct container *c, const struct pd_err *err);
void ctr_net_detach(struct container *c);
int ctr_ports_start(struct container *c, struct pd_err *err);
void ctr_ports_stop(struct container *c);
/* The same at the end of a run, and podd's firewall follows (not at
 * podd's shutdown, where the table stays for the next podd). */
void ctr_ports_end(struct container *c);
int ctr_net_create(struct podd *d, struct ctr_spec *s, struct pd_err *err);

/* ctr_copy.c: a container's files as tar through a podd-archive task, in
 * its root (running) or its overlay (stopped): COPY_TO unpacks what @fd
 * gives into the directory @path, COPY_FROM writes @path as tar to @fd,
 * COPY_EXPORT the whole tree, COPY_STAT answers @path's stat as JSON
 * ({"name","size","mode" (Go's FileMode),"mtime","linkTarget"}; @fd -1).
 * @path is relative to the working directory unless absolute. @fd is
 * taken (closed here whatever happens); @pending is answered when the task
 * ends (owned on success). */
enum copy_kind { COPY_TO, COPY_FROM, COPY_EXPORT, COPY_STAT };
int ctr_copy_start(struct container *c, enum copy_kind kind, int fd, const char *path,
		   struct http_pending *pending, struct pd_err *err);
/* ctr_copy.c: answer every cp and export in flight (503) and forget them,
 * at shutdown (their tasks go on without podd). */
void ctr_copy_free_all(struct podd *d);
