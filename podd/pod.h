/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pods in podd: the registry and the state machine (one switch per event, all
 * in pod.c), driven by the API and by events on the infra process (its sync
 * socket, its pidfd, the stop timer).
 *
 *   create/start ─▶ CREATING ─ready─▶ RUNNING ─stop─▶ STOPPING ─exit─▶ STOPPED
 *                      │ fails              │ infra dies             ▲
 *                      ▼                    ▼                        │
 *                 (removed, or        EXITED (namespaces held) ─stop─┘
 *                  STOPPED)             └─start: a new infra joins them
 *
 * An operation that takes time keeps its HTTP request as a waiter and
 * answers it when the pod settles.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include "ns.h"
#include "pod_spec.h"
#include "port_serve.h"
#include "podd.h"
#include "supervise.h"

struct evhttp_request;
struct http_pending;
struct cni_op;
struct proxy;

/* What a waiter gets when the pod settles without an error. */
enum pod_reply { POD_REPLY_CREATED, POD_REPLY_POD, POD_REPLY_REMOVED };

/* Namespaces podd holds for a pod with bind mounts (pid cannot be held);
 * user only for a pod with a user namespace of its own (issue 13). */
enum pod_held_ns { POD_NS_NET, POD_NS_IPC, POD_NS_UTS, POD_NS_USER, POD_NS_HELD };

struct pod {
	TAILQ_ENTRY(pod) entry;
	struct podd *d;        /* borrowed */
	struct pod_record rec; /* owns rec.spec.labels */
	struct supervised sv;  /* the infra (sv.pidfd -1 without one) and the waiters */
	bool have_status;      /* wait_status holds the infra's reaped status */
	int wait_status;
	bool remove_when_settled;               /* rm -f, or a create that failed */
	bool removing;                          /* infra gone, waits for its containers' end */
	struct pd_err remove_err;               /* what the others get then (kind 0: none) */
	struct pd_err start_err;                /* why the infra failed to start (kind 0: none) */
	char ns_ids[PD_NS_COUNT][PD_NS_ID_MAX]; /* "" when not known */
	struct cni_op *net_op;                  /* the CNI ADD in flight, NULL otherwise */
	struct cni_op *net_del;                 /* the CNI DEL in flight, NULL otherwise */
	json_t *net_dels;                       /* owned, may be NULL: the DELs queued after it
						 * (issue 14, attach: one per attachment) */
	size_t net_idx;                         /* the attachment net_op attaches */
	bool add_after_del;                     /* an ADD waits for net_del */
	bool add_after_gc;                      /* an ADD waits for its network's GC */
	struct port_proxies proxies;            /* one per published port while attached */
	/* issue 12, podlife: the sequence and the ordered stop (pod_seq.c). */
	unsigned seq_gen;          /* the run of the sequence; its containers carry it */
	int stop_phase;            /* 0: none; 1: apps; 2: sidecars */
	bool stop_infra;           /* the ordered stop ends with the infra (pod stop) */
	long long stop_timeout;    /* ?timeout= of the stop, -1: each container's own */
	struct event *deadline_ev; /* owned, may be NULL: the active deadline */
};

/* A new, empty pod of @d (not yet in the registry). */
struct pod *pod_new(struct podd *d);

/* Free @pod (out of the registry): waiters get 503, the infra is left
 * running. */
void pod_free(struct pod *pod);

/* Find a pod by name, full id or unique id prefix. PD_E_NOT_FOUND, or
 * PD_E_INVALID for an ambiguous prefix. */
struct pod *pod_find(struct podd *d, const char *ref, struct pd_err *err);

/* Create and start a pod from @spec (its labels are taken over). @pending
 * (owned) is answered when the infra is ready or has failed. On an immediate
 * failure returns -1 with @err and @pending untouched. */
int pod_create(struct podd *d, struct pod_spec *spec, struct http_pending *pending,
	       struct pd_err *err);

/* Start a stopped or exited pod. */
int pod_start(struct pod *pod, struct http_pending *pending, struct pd_err *err);

/* Stop a pod: its containers in order (pod_seq.h), each with @timeout_s
 * (-1: its own), then SIGTERM to the infra, SIGKILL after @timeout_s (-1:
 * 10). */
int pod_stop(struct pod *pod, long long timeout_s, struct http_pending *pending,
	     struct pd_err *err);

/* issue 12, podlife: the end of an ordered stop (pod_seq.c): SIGTERM to
 * the infra, SIGKILL after the stop's timeout. */
void pod_stop_infra(struct pod *pod);

/* Remove a pod; a running one only with @force (SIGKILL first). */
int pod_remove(struct pod *pod, bool force, struct http_pending *pending, struct pd_err *err);

/* The API's JSON for @pod (a new reference). */
json_t *pod_to_json(const struct pod *pod);
/* The same with @containers (stolen) as its container list, taken from
 * container_lists_by_pod by a listing of every pod. */
json_t *pod_to_json_with(const struct pod *pod, json_t *containers);

/* A container of the pod @pod_id was removed: a pod removal that waited
 * for its containers' end may finish. */
void pod_on_container_removed(struct podd *d, const char *pod_id);

/* The event callback of an infra's pidfd: the infra has exited. @arg is
 * the pod. Shared by spawned and adopted infras (store.c). */
void pod_on_infra_exit(int fd, short what, void *arg);

/* Called from the SIGCHLD backstop: @pid was reaped with @status. */
void pod_note_reaped(struct podd *d, pid_t pid, int status);

/* Load every pod from the state dir and adopt running infra processes
 * (store.c). Pods whose infra died while podd was down are cleaned up. */
int pod_load_all(struct podd *d, struct pd_err *err);

/* Save @pod's record atomically (store.c). Logged, not fatal, on failure. */
int pod_save(struct pod *pod, struct pd_err *err);

/* Remove @pod's state files (store.c). */
int pod_forget(struct pod *pod, struct pd_err *err);

/* Free every pod, leaving infra processes running (shutdown). Waiters get
 * 503. */
void pod_free_all(struct podd *d);

/* The end of the pod's CNI ADDs (pod_net.c calls it): every attachment
 * attached (@err NULL), or @err. */
void pod_on_attached(struct pod *pod, const struct pd_err *err);

/* pod_net.c: the pod on its CNI network. attach starts the ADD (its end
 * comes to pod_on_attached); take_result keeps the ADD's result and the
 * address in it; detach stops the ports and runs the DEL in the background
 * (an ADD in flight is undone when it ends); undo_failed_add runs the DEL a
 * failed ADD calls for. */
int pod_net_attach(struct pod *pod, struct pd_err *err);
/* True while the pod's eth0 is attached (its ADD's result kept). */
bool pod_net_attached(const struct pod *pod);
/* Start the DELs still queued in the background (the pod is being freed). */
void pod_net_flush_dels(struct pod *pod);
void pod_net_detach(struct pod *pod);
void pod_net_undo_failed_add(struct pod *pod);
/* @n's GC is over: attach the pods that waited for it. */
struct network;
void pod_net_gc_done(struct podd *d, struct network *n);

/* pod_ports.c: the published ports of an attached pod, one proxy each.
 * check_free: PD_E_CONFLICT if a pod other than @self serves one of
 * @ports. add: more ports (an array as pod_ports_parse makes), served at
 * once if the pod is attached. remove: those of a host side
 * "[HOSTIP:]HOSTPORT[-END][/PROTO]" (PD_E_NOT_FOUND for one not published).
 * The caller saves the pod after add and remove. */
int pod_ports_check_free(struct podd *d, const struct pod *self, const json_t *ports,
			 struct pd_err *err);
int pod_ports_start(struct pod *pod, struct pd_err *err);
void pod_ports_stop(struct pod *pod);
int pod_ports_add(struct pod *pod, const json_t *ports, struct pd_err *err);
int pod_ports_remove(struct pod *pod, const char *spec, struct pd_err *err);

/* pod_cgroup.c (issue 13, cgroup.h): the pod's cgroup with its limits
 * (made when missing); its infra's leaf made and its cgroup.procs opened
 * into @fds (CG_PROCS_MAX slots; returns how many); the infra's leaf
 * killed and removed; the whole pod cgroup removed (pod rm). */
int pod_cgroup_ensure(struct pod *pod, struct pd_err *err);
int pod_cgroup_infra_open(struct pod *pod, int *fds, struct pd_err *err);
void pod_cgroup_infra_release(struct pod *pod);
void pod_cgroup_remove(struct pod *pod);
/* At start, once pods and containers are loaded: the cgroups a podd
 * killed half-way left (cgroup_gc). */
void pod_cgroup_gc(struct podd *d);

/* infra.c: the infra process and the namespaces held for the pod. */
struct pd_child;
/* Spawn the infra: @child has its pidfd and sync socket (the caller's). */
int infra_spawn(struct pod *pod, struct pd_child *child, struct pd_err *err);
int infra_hold_namespaces(struct pod *pod, struct pd_err *err);
/* Fails only when the pod's `ip netns` name could not be removed. */
int infra_release_namespaces(struct pod *pod, struct pd_err *err);
/* Read the namespace ids of a held pod into pod->ns_ids. */
void infra_read_ns_ids(struct pod *pod);
/* Where the pod's namespace @h is held (a bind mount under the run dir). */
int infra_held_path(const struct pod *pod, enum pod_held_ns h, char *buf, size_t len);
/* False in host network mode, where podd holds no network namespace. */
bool infra_holds_net(const struct pod *pod);
/* Path of the ip-netns name of @pod into @buf ("" in host network mode). */
int infra_netns_path(const struct pod *pod, char *buf, size_t len);

/* pod_userns.c (issue 13): the pools of subordinate ids (--subid-file, else
 * /etc/subuid and /etc/subgid, else the built-in pool), read at start;
 * PD_E_INVALID for a bad file. */
int pod_userns_load_pools(struct podd *d, struct pd_err *err);
/* With USERNS_AUTO, a free range of @d's pools into @ids (the pods of @d
 * hold the others): PD_E_UNAVAILABLE when the pool is used up. */
int pod_userns_alloc(struct podd *d, struct userns_ids *ids, struct pd_err *err);
/* Write the uid_map and gid_map of @pid, a child in its new user namespace. */
int pod_userns_write_maps(pid_t pid, const struct userns_ids *ids, struct pd_err *err);
/* idmap.c: remove the pod's layer copies (a task), if it has any. */
void pod_userns_forget_copies(struct pod *pod);
/* True for a pod with a user namespace of its own. */
bool pod_has_userns(const struct pod *pod);
