/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16, the namespace map; see ns_map.h. The scan is sorted by pid so
 * that a process's parent is found by bisection; the namespaces are sorted
 * by (type, inode) for the same reason. Everything is a pass over arrays
 * and a sort: O(n log n) in the processes scanned; reading /proc costs far
 * more (api_ns.c).
 */
#include "ns_map.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "parse.h"
#include "xalloc.h"

static const char *const type_names[NSM_TYPES] = {
    [NSM_NET] = "net", [NSM_IPC] = "ipc",   [NSM_UTS] = "uts",       [NSM_PID] = "pid",
    [NSM_MNT] = "mnt", [NSM_USER] = "user", [NSM_CGROUP] = "cgroup", [NSM_TIME] = "time",
};

static const char *const role_names[] = {
    [NSM_ROLE_HOST] = "host",           [NSM_ROLE_INFRA] = "infra",
    [NSM_ROLE_CONTAINER] = "container", [NSM_ROLE_SIDECAR] = "sidecar",
    [NSM_ROLE_DEBUG] = "debug",         [NSM_ROLE_EXEC] = "exec",
    [NSM_ROLE_CHILD] = "child",         [NSM_ROLE_MONITOR] = "monitor",
    [NSM_ROLE_HELPER] = "helper",
};

const char *
ns_map_type_name(enum ns_map_type t)
{
	return type_names[t];
}

const char *
ns_map_role_name(enum ns_map_role r)
{
	return role_names[r];
}

/* A folded child is at most this deep below the process podd knows. */
#define NSM_MAX_DEPTH 64

/* What the build makes of one scanned process. */
struct slot {
	const struct ns_map_proc *p;  /* borrowed */
	const struct ns_map_known *k; /* the known process it is, or is folded under */
	enum ns_map_role role;
	size_t rank; /* the index of k in the known list; SIZE_MAX without one */
	bool podd;   /* known, or a child of one */
	bool in_scope;
	bool listed;
};

struct ns_entry {
	enum ns_map_type type;
	uint64_t ino;
	bool host;
	bool in_scope;
	struct slot **members; /* borrowed slots, owned array */
	size_t n_members, cap;
	size_t host_others; /* processes of a host namespace not listed */
};

struct build {
	const struct ns_map_input *in;
	struct slot *slots; /* owned, sorted by pid */
	size_t n_slots;
	struct ns_entry *ns; /* owned, sorted by (type, inode), then for output */
	size_t n_ns;
};

static int
slot_cmp_pid(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
}

static struct slot *
slot_find(const struct build *b, pid_t pid)
{
	struct ns_map_proc key = {.pid = pid};
	struct slot k = {.p = &key};

	return bsearch(&k, b->slots, b->n_slots, sizeof(*b->slots), slot_cmp_pid);
}

/* The order in a namespace: each known process (in the known list's
 * order) with its children and its monitor after it, then helpers, then
 * host processes, each by pid. */
static int
slot_class(const struct slot *s)
{
	switch (s->role) {
	case NSM_ROLE_INFRA:
	case NSM_ROLE_CONTAINER:
	case NSM_ROLE_SIDECAR:
	case NSM_ROLE_DEBUG:
	case NSM_ROLE_EXEC:
		return 0;
	case NSM_ROLE_CHILD:
		return 1;
	case NSM_ROLE_MONITOR:
		return 2;
	case NSM_ROLE_HELPER:
		return 3;
	case NSM_ROLE_HOST:
		return 4;
	}
	return 4;
}

static int
slot_cmp_order(const struct slot *x, const struct slot *y)
{
	int cx = slot_class(x), cy = slot_class(y);

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
}

static int
member_cmp(const void *a, const void *b)
{
	return slot_cmp_order(*(struct slot *const *)a, *(struct slot *const *)b);
}

/* The parent of each process podd knows is its monitor (a shim's), unless
 * it is podd itself or init (an infra's). */
static void
find_monitors(struct build *b)
{
	for (size_t i = 0; i < b->n_slots; i++) {
		const struct slot *s = &b->slots[i];
		struct slot *m;

		if (!s->podd || s->p->ppid <= 1 || s->p->ppid == b->in->podd_pid)
			continue;
		m = slot_find(b, s->p->ppid);
		if (m == NULL || m->k != NULL)
			continue;
		m->k = s->k;
		m->role = NSM_ROLE_MONITOR;
		m->rank = s->rank;
		m->in_scope = s->in_scope;
	}
}

/* Mark the processes podd knows and their monitors, then fold their
 * descendants under them and name podd's other children helpers. */
static void
classify(struct build *b)
{
	const struct ns_map_input *in = b->in;

	for (size_t i = 0; i < in->n_known; i++) {
		struct slot *s = slot_find(b, in->known[i].pid);

		if (s == NULL || s->k != NULL)
			continue;
		if (in->known[i].start_time != 0 && in->known[i].start_time != s->p->start_time)
			continue;
		s->k = &in->known[i];
		s->role = in->known[i].role;
		s->rank = i;
		s->podd = true;
		s->in_scope = in->known[i].in_scope;
	}
	find_monitors(b);
	for (size_t i = 0; i < b->n_slots; i++) {
		struct slot *s = &b->slots[i];
		pid_t pp = s->p->ppid;

		if (s->k != NULL)
			continue;
		if (in->podd_pid > 0 && pp == in->podd_pid) {
			s->role = NSM_ROLE_HELPER;
			continue;
		}
		for (int depth = 0; depth < NSM_MAX_DEPTH && pp > 1; depth++) {
			const struct slot *a = slot_find(b, pp);

			if (a == NULL)
				break;
			if (a->podd && a->role != NSM_ROLE_CHILD) {
				s->k = a->k;
				s->role = NSM_ROLE_CHILD;
				s->rank = a->rank;
				s->podd = true;
				s->in_scope = a->in_scope;
				break;
			}
			pp = a->p->ppid;
		}
	}
}

static int
ns_cmp_key(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

static struct ns_entry *
ns_find(const struct build *b, enum ns_map_type t, uint64_t ino)
{
	struct ns_entry key = {.type = t, .ino = ino};

	return bsearch(&key, b->ns, b->n_ns, sizeof(*b->ns), ns_cmp_key);
}

static bool
is_host(const struct ns_map_input *in, enum ns_map_type t, uint64_t ino)
{
	return ino == in->host_ino[0][t] || ino == in->host_ino[1][t];
}

/* The namespaces of podd's processes in scope, sorted by (type, inode). */
static void
collect_namespaces(struct build *b)
{
	size_t cap = 0, n = 0, out = 0;

	for (size_t i = 0; i < b->n_slots; i++)
		cap += b->slots[i].podd ? NSM_TYPES : 0;
	b->ns = xcalloc(cap + 1, sizeof(*b->ns));
	for (size_t i = 0; i < b->n_slots; i++) {
		const struct slot *s = &b->slots[i];

		for (int t = 0; s->podd && t < NSM_TYPES; t++) {
			if (s->p->ino[t] == 0)
				continue;
			b->ns[n].type = (enum ns_map_type)t;
			b->ns[n].ino = s->p->ino[t];
			b->ns[n].in_scope = s->in_scope;
			n++;
		}
	}
	qsort(b->ns, n, sizeof(*b->ns), ns_cmp_key);
	/* One entry per namespace, kept when a process in scope is in it. */
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && ns_cmp_key(&b->ns[out - 1], &b->ns[i]) == 0) {
			b->ns[out - 1].in_scope |= b->ns[i].in_scope;
			continue;
		}
		b->ns[out++] = b->ns[i];
	}
	n = out;
	out = 0;
	for (size_t i = 0; i < n; i++) {
		if (!b->ns[i].in_scope)
			continue;
		b->ns[out] = b->ns[i];
		b->ns[out].host = is_host(b->in, b->ns[i].type, b->ns[i].ino);
		out++;
	}
	b->n_ns = out;
}

static void
ns_add_member(struct ns_entry *e, struct slot *s)
{
	if (e->n_members == e->cap) {
		e->cap = e->cap == 0 ? 4 : e->cap * 2;
		e->members = xrealloc(e->members, e->cap * sizeof(struct slot *));
	}
	e->members[e->n_members++] = s;
	s->listed = true;
}

/* Who is in each namespace: everyone in one that is not the host's; in a
 * host namespace only podd's processes in scope, the others counted. */
static void
fill_members(struct build *b)
{
	for (size_t i = 0; i < b->n_slots; i++) {
		struct slot *s = &b->slots[i];

		for (int t = 0; t < NSM_TYPES; t++) {
			struct ns_entry *e;

			if (s->p->ino[t] == 0)
				continue;
			e = ns_find(b, (enum ns_map_type)t, s->p->ino[t]);
			if (e == NULL)
				continue;
			if (e->host && !(s->podd && s->in_scope))
				e->host_others++;
			else
				ns_add_member(e, s);
		}
	}
	for (size_t i = 0; i < b->n_ns; i++)
		qsort(b->ns[i].members, b->ns[i].n_members, sizeof(struct slot *), member_cmp);
}

/* The output order: by type, the host's last, then by the first member. */
static int
ns_cmp_order(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->host != y->host)
		return x->host ? 1 : -1;
	if (x->n_members == 0 || y->n_members == 0)
		return (x->n_members == 0) - (y->n_members == 0);
	if (slot_cmp_order(x->members[0], y->members[0]) != 0)
		return slot_cmp_order(x->members[0], y->members[0]);
	return (x->ino > y->ino) - (x->ino < y->ino);
}

/* The pod or container a namespace was made for: its first member that
 * owns a namespace of its type (the list is in priority order). */
static const struct ns_map_known *
ns_owner(const struct ns_entry *e)
{
	for (size_t i = 0; i < e->n_members; i++) {
		const struct slot *s = e->members[i];

		if (s->podd && s->role != NSM_ROLE_CHILD && (s->k->owns & (1u << e->type)) != 0)
			return s->k;
	}
	return NULL;
}

static json_t *
member_json(const struct slot *s)
{
	const struct ns_map_known *k = s->k;

	return json_pack("{s:i, s:s, s:s?, s:s?, s:s?, s:s, s:o}", PD_F_PID, (int)s->p->pid,
			 PD_F_ROLE, role_names[s->role], PD_F_POD, k != NULL ? k->pod : NULL,
			 PD_F_NS_CONTAINER, k != NULL ? k->container : NULL, PD_F_NS_EXEC_ID,
			 k != NULL ? k->exec_id : NULL, PD_F_NS_COMM, s->p->comm, PD_F_NS_PARENT,
			 s->role == NSM_ROLE_CHILD && k != NULL ? json_integer(k->pid)
								: json_null());
}

static json_t *
process_json(const struct slot *s)
{
	json_t *j = member_json(s);
	json_t *ns = json_object();

	for (int t = 0; t < NSM_TYPES; t++)
		if (s->p->ino[t] != 0)
			json_object_set_new(ns, type_names[t],
					    json_integer((json_int_t)s->p->ino[t]));
	json_object_set_new(j, PD_F_NS_PPID, json_integer(s->p->ppid));
	json_object_set_new(j, PD_F_NS_NS, ns);
	return j;
}

static json_t *
ns_json(const struct ns_entry *e)
{
	const struct ns_map_known *owner = e->host ? NULL : ns_owner(e);
	const char *name = NULL, *kind = NULL;
	json_t *members = json_array();

	if (e->host) {
		name = kind = PD_NS_OWNER_HOST;
	} else if (owner != NULL && owner->role == NSM_ROLE_INFRA) {
		name = owner->pod;
		kind = PD_NS_OWNER_POD;
	} else if (owner != NULL) {
		name = owner->container;
		kind = PD_NS_OWNER_CONTAINER;
	}
	for (size_t i = 0; i < e->n_members; i++)
		json_array_append_new(members, member_json(e->members[i]));
	return json_pack("{s:s, s:I, s:b, s:s?, s:s?, s:o, s:I, s:n, s:n}", PD_F_NS_TYPE,
			 type_names[e->type], PD_F_NS_INODE, (json_int_t)e->ino, PD_F_NS_HOST,
			 e->host, PD_F_NS_OWNER, name, PD_F_NS_OWNER_KIND, kind, PD_F_NS_MEMBERS,
			 members, PD_F_NS_HOST_PROCESSES, (json_int_t)e->host_others,
			 PD_F_NS_UID_MAP, PD_F_NS_GID_MAP);
}

json_t *
ns_map_build(const struct ns_map_input *in)
{
	struct build b = {.in = in, .n_slots = in->n_procs};
	cleanup_free struct slot **listed = NULL;
	json_t *namespaces = json_array(), *processes = json_array();
	size_t n_listed = 0;

	b.slots = xcalloc(in->n_procs + 1, sizeof(*b.slots));
	for (size_t i = 0; i < in->n_procs; i++) {
		b.slots[i].p = &in->procs[i];
		b.slots[i].role = NSM_ROLE_HOST;
		b.slots[i].rank = SIZE_MAX;
	}
	qsort(b.slots, b.n_slots, sizeof(*b.slots), slot_cmp_pid);
	classify(&b);
	collect_namespaces(&b);
	fill_members(&b);
	qsort(b.ns, b.n_ns, sizeof(*b.ns), ns_cmp_order);
	for (size_t i = 0; i < b.n_ns; i++)
		json_array_append_new(namespaces, ns_json(&b.ns[i]));

	listed = xcalloc(b.n_slots + 1, sizeof(struct slot *));
	for (size_t i = 0; i < b.n_slots; i++)
		if (b.slots[i].listed)
			listed[n_listed++] = &b.slots[i];
	qsort(listed, n_listed, sizeof(struct slot *), member_cmp);
	for (size_t i = 0; i < n_listed; i++)
		json_array_append_new(processes, process_json(listed[i]));

	for (size_t i = 0; i < b.n_ns; i++)
		free(b.ns[i].members);
	free(b.ns);
	free(b.slots);
	return json_pack("{s:o, s:o}", PD_F_NAMESPACES, namespaces, PD_F_PROCESSES, processes);
}

uint64_t
ns_map_link_inode(const char *link, enum ns_map_type t)
{
	size_t n = strlen(type_names[t]);
	const char *digits = link + n + 2;
	size_t len;
	char buf[24];
	long long v;
	struct pd_err ignored;

	if (strncmp(link, type_names[t], n) != 0 || strncmp(link + n, ":[", 2) != 0)
		return 0;
	len = strlen(digits);
	if (len < 2 || len > sizeof(buf) || digits[len - 1] != ']')
		return 0;
	memcpy(buf, digits, len - 1);
	buf[len - 1] = '\0';
	if (pd_parse_int(buf, 1, INT64_MAX, &v, &ignored) < 0)
		return 0;
	return (uint64_t)v;
}

/* The ids of one line of an id map into @row: 0 and three ids, 1 for a
 * blank line, -1 with @err. */
static int
idmap_line(const char *line, size_t len, long long row[3], struct pd_err *err)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		char tok[16];
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (n == 3 || i - start >= sizeof(tok))
			return pd_fail(err, PD_E_INVALID, "id map line \"%.*s\": not three ids",
				       (int)(len < 60 ? len : 60), line);
		memcpy(tok, line + start, i - start);
		tok[i - start] = '\0';
		if (pd_parse_int(tok, 0, UINT32_MAX, &row[n++], err) < 0)
			return pd_err_prefix(err, "id map");
	}
	if (n == 0)
		return 1;
	if (n != 3)
		return pd_fail(err, PD_E_INVALID, "id map line \"%.*s\": not three ids",
			       (int)(len < 60 ? len : 60), line);
	return 0;
}

json_t *
ns_map_idmap_parse(const char *text, struct pd_err *err)
{
	cleanup_json json_t *map = json_array();
	const char *line = text;

	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
		long long row[3];
		int r = idmap_line(line, len, row, err);

		if (r < 0)
			return NULL;
		if (r == 0)
			json_array_append_new(map,
					      json_pack("[I, I, I]", (json_int_t)row[0],
							(json_int_t)row[1], (json_int_t)row[2]));
		line += len + (end != NULL);
	}
	return steal_ptr(map);
}
