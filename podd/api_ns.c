/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16: GET /v1/ns (lib/api.h), the namespace map. The processes podd
 * knows come from its registries (pods' infras, containers' workloads,
 * exec sessions), each with its start time where podd recorded one; every
 * other process from one scan of /proc: its stat and its eight namespace
 * links, about 60 us of CPU a process here (README's figures), so a
 * machine of a few thousand is mapped in the loop. A process gone
 * mid-scan is skipped, and so are kernel threads.
 * ns_map.c makes the map; this file reads, and fills the user
 * namespaces' id maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <evhttp.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "ns_map.h"
#include "pod.h"
#include "stats.h"
#include "stats_parse.h"
#include "xalloc.h"

/* An id map is at most 340 lines of three numbers (user_namespaces(7)). */
#define NS_IDMAP_MAX (64 * 1024)

/* /proc/PID's parent, name, start time and namespaces into @p; false for
 * a process gone (or one whose links cannot be read at all). */
static bool
read_proc(int proc_fd, pid_t pid, struct ns_map_proc *p)
{
	char path[64], stat[1024], link[64];
	struct top_proc tp;
	bool any = false;

	(void)snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (stats_read_text(proc_fd, path, stat, sizeof(stat)) < 0 || top_parse_stat(stat, &tp) < 0)
		return false;
	/* Kernel threads (kthreadd's children) all sit in the initial
	 * namespaces: their eight links are not read, nor are they counted. */
	if (pid == 2 || tp.ppid == 2)
		return false;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = tp.ppid;
	p->start_time = tp.start;
	(void)snprintf(p->comm, sizeof(p->comm), "%s", tp.comm);
	for (int t = 0; t < NSM_TYPES; t++) {
		ssize_t n;

		(void)snprintf(path, sizeof(path), "%d/ns/%s", (int)pid,
			       ns_map_type_name((enum ns_map_type)t));
		n = readlinkat(proc_fd, path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		p->ino[t] = ns_map_link_inode(link, (enum ns_map_type)t);
		any = any || p->ino[t] != 0;
	}
	return any;
}

/* Every process of /proc into *@out (a new array); the count. */
static size_t
scan_procs(int proc_fd, struct ns_map_proc **out)
{
	struct pd_err err = {0};
	cleanup_closedir DIR *dir = pd_dir_stream(proc_fd, ".", "/proc", &err);
	struct ns_map_proc *procs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	*out = NULL;
	if (dir == NULL) {
		log_warn("namespace map: %s", err.msg);
		return 0;
	}
	while ((de = pd_dir_next(dir)) != NULL) {
		char *end = NULL;
		long pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		errno = 0;
		pid = strtol(de->d_name, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT32_MAX)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 512 : cap * 2;
			procs = xrealloc(procs, cap * sizeof(*procs));
		}
		if (read_proc(proc_fd, (pid_t)pid, &procs[n]))
			n++;
	}
	*out = procs;
	return n;
}

/* The namespaces of pid 1 and of podd: the host's. */
static void
host_namespaces(int proc_fd, struct ns_map_input *in)
{
	struct ns_map_proc p;

	if (read_proc(proc_fd, 1, &p))
		memcpy(in->host_ino[0], p.ino, sizeof(p.ino));
	if (read_proc(proc_fd, getpid(), &p))
		memcpy(in->host_ino[1], p.ino, sizeof(p.ino));
}

struct known_list {
	struct ns_map_known *v; /* owned */
	size_t n, cap;
	json_t *execs; /* owned: the exec lists whose ids v borrows */
};

static struct ns_map_known *
known_add(struct known_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 32 : l->cap * 2;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	return &l->v[l->n++];
}

static bool
pod_has_infra(const struct pod *pod)
{
	switch (pod->rec.state) {
	case POD_CREATING:
	case POD_RUNNING:
	case POD_STOPPING:
		return pod->rec.infra_pid > 0;
	case POD_STOPPED:
	case POD_EXITED:
		return false;
	}
	return false;
}

/* A container's role, and the namespaces made for it: all but those it
 * takes from another container or a host process (debug --process). */
static void
ctr_role(const struct container *c, struct ns_map_known *k)
{
	static const enum ns_map_type kinds[CTR_NS_KINDS] = {[CTR_NS_NET] = NSM_NET,
							     [CTR_NS_IPC] = NSM_IPC,
							     [CTR_NS_UTS] = NSM_UTS,
							     [CTR_NS_PID] = NSM_PID};
	const struct ctr_spec *s = &c->rec.spec;
	bool joins = false;

	k->owns = ~0u;
	for (int i = 0; i < CTR_NS_KINDS; i++) {
		if (s->ns[i].how == CTR_NS_CONTAINER || s->target_pid > 0)
			k->owns &= ~(1u << kinds[i]);
		joins = joins || s->ns[i].how == CTR_NS_CONTAINER;
	}
	k->role = s->ephemeral ? NSM_ROLE_DEBUG : joins ? NSM_ROLE_SIDECAR : NSM_ROLE_CONTAINER;
}

/* The processes podd knows, infras first (a pod's namespaces are its
 * own), then workloads, then exec sessions; in scope those of @pod or of
 * @ctr (both NULL: all). */
static void
known_collect(struct podd *d, const struct pod *scope_pod, const struct container *scope_ctr,
	      struct known_list *l)
{
	bool all = scope_pod == NULL && scope_ctr == NULL;
	struct container *c;
	struct pod *pod;

	l->execs = json_array();
	TAILQ_FOREACH (pod, &d->pods, entry) {
		struct ns_map_known *k;

		if (!pod_has_infra(pod))
			continue;
		k = known_add(l);
		k->pid = pod->rec.infra_pid;
		k->start_time = pod->rec.infra_start_time;
		k->role = NSM_ROLE_INFRA;
		k->pod = pod->rec.spec.name;
		k->owns = ~0u;
		k->in_scope = all || pod == scope_pod;
	}
	TAILQ_FOREACH (c, &d->containers, entry) {
		struct pd_err ignored;
		const struct pod *in_pod = NULL;
		bool in_scope;
		struct ns_map_known *k;
		json_t *execs, *e;
		size_t i;

		if (!ctr_state_up(c->rec.state) || c->rec.pid <= 0)
			continue;
		if (c->rec.spec.pod[0] != '\0')
			in_pod = pod_find(d, c->rec.spec.pod, &ignored);
		in_scope = all || c == scope_ctr || (scope_pod != NULL && in_pod == scope_pod);
		k = known_add(l);
		k->pid = c->rec.pid;
		k->start_time = c->rec.pid_start_time;
		k->pod = in_pod != NULL ? in_pod->rec.spec.name : NULL;
		k->container = c->rec.spec.name;
		k->in_scope = in_scope;
		ctr_role(c, k);

		execs = exec_list_json(c);
		json_array_append_new(l->execs, execs);
		json_array_foreach (execs, i, e) {
			struct ns_map_known *x = known_add(l);

			x->pid = (pid_t)json_integer_value(json_object_get(e, PD_F_PID));
			x->role = NSM_ROLE_EXEC;
			x->pod = in_pod != NULL ? in_pod->rec.spec.name : NULL;
			x->container = c->rec.spec.name;
			x->exec_id = json_string_value(json_object_get(e, PD_F_ID));
			x->in_scope = in_scope;
		}
	}
}

/* The id maps of each user namespace, read from its first member. */
static void
fill_idmaps(int proc_fd, json_t *map)
{
	static const char *const files[] = {"uid_map", "gid_map"};
	static const char *const keys[] = {PD_F_NS_UID_MAP, PD_F_NS_GID_MAP};
	json_t *ns;
	size_t i;

	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns) {
		json_t *first = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 0);
		const char *type = json_string_value(json_object_get(ns, PD_F_NS_TYPE));

		if (first == NULL || type == NULL || strcmp(type, "user") != 0)
			continue;
		for (size_t f = 0; f < 2; f++) {
			char path[64];
			cleanup_free char *text = NULL;
			struct pd_err err = {0};
			size_t len;
			json_t *ids;

			(void)snprintf(path, sizeof(path), "%d/%s",
				       (int)json_integer_value(json_object_get(first, PD_F_PID)),
				       files[f]);
			if (pd_file_read(proc_fd, path, NS_IDMAP_MAX, &text, &len, &err) < 0)
				continue; /* gone since the scan */
			ids = ns_map_idmap_parse(text, &err);
			if (ids == NULL)
				log_warn("namespace map: %s: %s", path, err.msg);
			else
				json_object_set_new(ns, keys[f], ids);
		}
	}
}

/* @ref as a pod (first: its containers all share its namespaces) or a
 * container; -1 with @err. */
static int
scope_find(struct podd *d, const char *ref, struct pod **pod, struct container **ctr,
	   struct pd_err *err)
{
	*pod = NULL;
	*ctr = NULL;
	if (ref == NULL)
		return 0;
	if (ref[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "ref: an empty name");
	*pod = pod_find(d, ref, err);
	if (*pod != NULL)
		return 0;
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	pd_err_clear(err);
	*ctr = container_find(d, ref, err);
	if (*ctr != NULL)
		return 0;
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	return pd_fail(err, PD_E_NOT_FOUND, "no such pod or container: %.80s", ref);
}

/* @clock's time in ms: the wall clock, and podd's CPU time (the figure
 * that does not grow with a loaded machine's waits). */
static double
clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void
api_ns(struct podd *d, struct evhttp_request *req, const char *arg)
{
	static const char *const params[] = {PD_Q_REF, NULL};
	struct http_query *q = http_action_query(req, params);
	struct known_list known = {0};
	cleanup_free struct ns_map_proc *procs = NULL;
	cleanup_close int proc_fd = -1;
	cleanup_json json_t *map = NULL;
	struct ns_map_input in = {0};
	struct pd_err err = {0};
	struct container *ctr;
	struct pod *pod;
	double start, cpu_start;

	(void)arg;
	if (q == NULL)
		return;
	if (scope_find(d, http_query_get(q, PD_Q_REF), &pod, &ctr, &err) < 0) {
		http_query_free(q);
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0) {
		pd_fail_errno(&err, errno, "open /proc");
		http_reply_error(req, &err);
		return;
	}
	start = clock_ms(CLOCK_MONOTONIC);
	cpu_start = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	known_collect(d, pod, ctr, &known);
	in.n_procs = scan_procs(proc_fd, &procs);
	in.procs = procs;
	in.known = known.v;
	in.n_known = known.n;
	in.podd_pid = getpid();
	host_namespaces(proc_fd, &in);
	map = ns_map_build(&in);
	fill_idmaps(proc_fd, map);
	log_debug("namespace map: %zu processes in %.1f ms (%.1f ms of CPU)", in.n_procs,
		  clock_ms(CLOCK_MONOTONIC) - start, clock_ms(CLOCK_THREAD_CPUTIME_ID) - cpu_start);
	free(known.v);
	json_decref(known.execs);
	http_reply_json(req, 200, map);
}
