/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/ns_map (issue 16): the namespace map from a made-up scan of /proc:
 * who shares what, owners, folded children, helpers and host processes,
 * host namespaces counted, the scope of a name, reused pids; the links'
 * text and the id maps parsed.
 */
#include <string.h>

#include "api.h"
#include "json.h"
#include "ns_map.h"
#include "unit.h"

/* Inodes: the host's are 1..8 by type (pid 1) and podd's net is 200 (a
 * test's network namespace); the rest are made up per process. */
#define HOST(t) ((uint64_t)(t) + 1)

static void
proc_host(struct ns_map_proc *p, pid_t pid, pid_t ppid, const char *comm)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->start_time = 7;
	(void)snprintf(p->comm, sizeof(p->comm), "%s", comm);
	for (int t = 0; t < NSM_TYPES; t++)
		p->ino[t] = HOST(t);
}

enum {
	P_INIT,
	P_PODD,
	P_INFRA,
	P_APP,
	P_APP_KID,
	P_APP_MON,
	P_SIDE,
	P_SHIM,
	P_EXEC,
	P_INTRUDER,
	P_HELPER,
	P_OTHER,
	P_HOSTNET,
	P_N
};

struct fixture {
	struct ns_map_proc procs[P_N];
	struct ns_map_known known[6];
	struct ns_map_input in;
};

static void
fixture_init(struct fixture *f)
{
	struct ns_map_proc *p = f->procs;

	memset(f, 0, sizeof(*f));
	proc_host(&p[P_INIT], 1, 0, "init");
	proc_host(&p[P_PODD], 50, 1, "podd");
	p[P_PODD].ino[NSM_NET] = 200;
	/* The infra: the pod's net, ipc and uts. */
	proc_host(&p[P_INFRA], 100, 50, "podd-pause");
	p[P_INFRA].ino[NSM_NET] = 1001;
	p[P_INFRA].ino[NSM_IPC] = 1002;
	p[P_INFRA].ino[NSM_UTS] = 1003;
	/* app: in the pod, its own pid, mnt and cgroup; a child of its own. */
	p[P_APP] = p[P_INFRA];
	p[P_APP].pid = 110;
	p[P_APP].ppid = 109;
	(void)snprintf(p[P_APP].comm, sizeof(p[P_APP].comm), "sleep");
	p[P_APP].ino[NSM_PID] = 1104;
	p[P_APP].ino[NSM_MNT] = 1105;
	p[P_APP].ino[NSM_CGROUP] = 1107;
	p[P_APP_KID] = p[P_APP];
	p[P_APP_KID].pid = 111;
	p[P_APP_KID].ppid = 110;
	/* Its monitor keeps the pod's net, ipc and uts, not the rest. */
	proc_host(&p[P_APP_MON], 109, 1, "podd-monitor");
	p[P_APP_MON].ino[NSM_NET] = 1001;
	p[P_APP_MON].ino[NSM_IPC] = 1002;
	p[P_APP_MON].ino[NSM_UTS] = 1003;
	/* side: app's pid namespace, its own net and mnt. */
	proc_host(&p[P_SIDE], 120, 119, "sleep");
	p[P_SIDE].ino[NSM_PID] = 1104;
	p[P_SIDE].ino[NSM_NET] = 1201;
	p[P_SIDE].ino[NSM_MNT] = 1205;
	/* An exec session in app, under its shim (a host process). */
	proc_host(&p[P_SHIM], 131, 1, "podd-shim");
	p[P_EXEC] = p[P_APP];
	p[P_EXEC].pid = 130;
	p[P_EXEC].ppid = 131;
	/* Someone in the pod's network; a helper of podd's there; someone
	 * elsewhere. */
	proc_host(&p[P_INTRUDER], 140, 1, "nsenter");
	p[P_INTRUDER].ino[NSM_NET] = 1001;
	proc_host(&p[P_HELPER], 150, 50, "netplug");
	p[P_HELPER].ino[NSM_NET] = 1001;
	proc_host(&p[P_OTHER], 160, 1, "bash");
	/* A container in podd's (the host's) network. */
	proc_host(&p[P_HOSTNET], 170, 169, "sleep");
	p[P_HOSTNET].ino[NSM_NET] = 200;
	p[P_HOSTNET].ino[NSM_MNT] = 1705;

	f->known[0] = (struct ns_map_known){.pid = 100,
					    .start_time = 7,
					    .role = NSM_ROLE_INFRA,
					    .pod = "web",
					    .owns = ~0u,
					    .in_scope = true};
	f->known[1] = (struct ns_map_known){.pid = 110,
					    .role = NSM_ROLE_CONTAINER,
					    .pod = "web",
					    .container = "app",
					    .owns = ~0u,
					    .in_scope = true};
	f->known[2] = (struct ns_map_known){.pid = 120,
					    .role = NSM_ROLE_SIDECAR,
					    .container = "side",
					    .owns = ~(1u << NSM_PID),
					    .in_scope = true};
	f->known[3] = (struct ns_map_known){.pid = 170,
					    .role = NSM_ROLE_CONTAINER,
					    .container = "hostnet",
					    .owns = ~0u,
					    .in_scope = true};
	f->known[4] = (struct ns_map_known){.pid = 130,
					    .role = NSM_ROLE_EXEC,
					    .pod = "web",
					    .container = "app",
					    .exec_id = "e1",
					    .in_scope = true};
	/* Gone since podd listed it. */
	f->known[5] = (struct ns_map_known){.pid = 999,
					    .role = NSM_ROLE_CONTAINER,
					    .container = "gone",
					    .owns = ~0u,
					    .in_scope = true};
	f->in.procs = f->procs;
	f->in.n_procs = P_N;
	f->in.known = f->known;
	f->in.n_known = 6;
	for (int t = 0; t < NSM_TYPES; t++) {
		f->in.host_ino[0][t] = HOST(t);
		f->in.host_ino[1][t] = p[P_PODD].ino[t];
	}
	f->in.podd_pid = 50;
}

/* The namespace of @type and @ino in @map, or NULL. */
static json_t *
ns_get(json_t *map, const char *type, long long ino)
{
	json_t *ns;
	size_t i;

	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns)
		if (strcmp(json_string_value(json_object_get(ns, PD_F_NS_TYPE)), type) == 0 &&
		    json_integer_value(json_object_get(ns, PD_F_NS_INODE)) == ino)
			return ns;
	return NULL;
}

/* The members' pids of @ns as "100 110 ...". */
static void
pids_text(const json_t *list, char *buf, size_t len)
{
	const json_t *m;
	size_t i, o = 0;

	buf[0] = '\0';
	json_array_foreach (list, i, m)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i == 0 ? "" : " ",
				      (long long)json_integer_value(json_object_get(m, PD_F_PID)));
}

static const char *
sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(null)";
}

static void
test_who_shares_what(void)
{
	struct fixture f = {0};
	json_auto_t *map = NULL;
	json_t *ns, *m;
	char buf[256];
	size_t i;

	fixture_init(&f);
	map = ns_map_build(&f.in);
	REQUIRE(map != NULL);

	/* The pod's net: the infra owns it; app, its child, its monitor and
	 * its exec, a helper and a host process are in it, in that order. */
	ns = ns_get(map, "net", 1001);
	REQUIRE(ns != NULL);
	CHECK_STR(sget(ns, PD_F_NS_OWNER), ==, "web");
	CHECK_STR(sget(ns, PD_F_NS_OWNER_KIND), ==, PD_NS_OWNER_POD);
	CHECK(json_is_false(json_object_get(ns, PD_F_NS_HOST)));
	pids_text(json_object_get(ns, PD_F_NS_MEMBERS), buf, sizeof(buf));
	CHECK_STR(buf, ==, "100 110 111 109 130 150 140");
	m = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 2);
	CHECK_STR(sget(m, PD_F_ROLE), ==, "child");
	CHECK_STR(sget(m, PD_F_NS_CONTAINER), ==, "app");
	CHECK_INT(json_integer_value(json_object_get(m, PD_F_NS_PARENT)), ==, 110);
	m = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 3);
	CHECK_STR(sget(m, PD_F_ROLE), ==, "monitor");
	CHECK_STR(sget(m, PD_F_NS_CONTAINER), ==, "app");
	CHECK(json_is_null(json_object_get(m, PD_F_NS_PARENT)));
	m = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 4);
	CHECK_STR(sget(m, PD_F_ROLE), ==, "exec");
	CHECK_STR(sget(m, PD_F_NS_EXEC_ID), ==, "e1");
	m = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 5);
	CHECK_STR(sget(m, PD_F_ROLE), ==, "helper");
	CHECK(json_is_null(json_object_get(m, PD_F_POD)));
	m = json_array_get(json_object_get(ns, PD_F_NS_MEMBERS), 6);
	CHECK_STR(sget(m, PD_F_ROLE), ==, "host");
	CHECK_STR(sget(m, PD_F_NS_COMM), ==, "nsenter");

	/* app's pid namespace is app's, the sidecar's too. */
	ns = ns_get(map, "pid", 1104);
	REQUIRE(ns != NULL);
	CHECK_STR(sget(ns, PD_F_NS_OWNER), ==, "app");
	CHECK_STR(sget(ns, PD_F_NS_OWNER_KIND), ==, PD_NS_OWNER_CONTAINER);
	pids_text(json_object_get(ns, PD_F_NS_MEMBERS), buf, sizeof(buf));
	CHECK_STR(buf, ==, "110 111 120 130");
	ns = ns_get(map, "mnt", 1205);
	REQUIRE(ns != NULL);
	CHECK_STR(sget(ns, PD_F_NS_OWNER), ==, "side");

	/* podd's network is the host's: its containers listed, the rest
	 * counted (podd itself). */
	ns = ns_get(map, "net", 200);
	REQUIRE(ns != NULL);
	CHECK(json_is_true(json_object_get(ns, PD_F_NS_HOST)));
	CHECK_STR(sget(ns, PD_F_NS_OWNER), ==, "host");
	pids_text(json_object_get(ns, PD_F_NS_MEMBERS), buf, sizeof(buf));
	CHECK_STR(buf, ==, "170");
	CHECK_INT(json_integer_value(json_object_get(ns, PD_F_NS_HOST_PROCESSES)), ==, 1);
	/* pid 1's time namespace: every process of podd's, the seven others
	 * counted (init, podd, the monitors, nsenter, netplug, bash). */
	ns = ns_get(map, "time", (long long)HOST(NSM_TIME));
	REQUIRE(ns != NULL);
	pids_text(json_object_get(ns, PD_F_NS_MEMBERS), buf, sizeof(buf));
	CHECK_STR(buf, ==, "100 110 111 120 170 130");
	CHECK_INT(json_integer_value(json_object_get(ns, PD_F_NS_HOST_PROCESSES)), ==, 7);
	/* pid 1's net is no one's here: not listed. */
	CHECK(ns_get(map, "net", (long long)HOST(NSM_NET)) == NULL);

	/* The processes: podd's and those found beside them, no others. */
	pids_text(json_object_get(map, PD_F_PROCESSES), buf, sizeof(buf));
	CHECK_STR(buf, ==, "100 110 111 109 120 170 130 150 140");
	m = json_array_get(json_object_get(map, PD_F_PROCESSES), 0);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(m, PD_F_NS_NS), "net")), ==,
		  1001);
	CHECK_INT(json_integer_value(json_object_get(m, PD_F_NS_PPID)), ==, 50);
	/* Every namespace has the same keys. */
	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns)
		CHECK_INT(json_object_size(ns), ==, 9);
	/* Types in order, the host's last within a type. */
	ns = json_array_get(json_object_get(map, PD_F_NAMESPACES), 0);
	CHECK_STR(sget(ns, PD_F_NS_TYPE), ==, "net");
	CHECK_INT(json_integer_value(json_object_get(ns, PD_F_NS_INODE)), ==, 1001);
}

static void
test_scope_of_a_name(void)
{
	struct fixture f = {0};
	json_auto_t *map = NULL;
	json_t *ns;
	size_t i;
	char buf[256];

	fixture_init(&f);
	for (i = 0; i < 6; i++)
		f.known[i].in_scope = f.known[i].pid == 120;
	map = ns_map_build(&f.in);
	REQUIRE(map != NULL);
	/* side's namespaces only: its net and mnt, app's pid, host ones. */
	CHECK(ns_get(map, "net", 1201) != NULL);
	CHECK(ns_get(map, "pid", 1104) != NULL);
	CHECK(ns_get(map, "net", 1001) == NULL);
	CHECK(ns_get(map, "mnt", 1105) == NULL);
	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns) {
		if (!json_is_true(json_object_get(ns, PD_F_NS_HOST)))
			continue;
		/* Only side of podd's processes is listed in a host one. */
		pids_text(json_object_get(ns, PD_F_NS_MEMBERS), buf, sizeof(buf));
		CHECK_STR(buf, ==, "120");
	}
	pids_text(json_object_get(map, PD_F_PROCESSES), buf, sizeof(buf));
	CHECK_STR(buf, ==, "110 111 120 130");
}

static void
test_reused_pid_is_not_listed(void)
{
	struct fixture f = {0};
	json_auto_t *map = NULL;
	char buf[256];

	fixture_init(&f);
	f.known[0].start_time = 5; /* the infra's pid now names another process */
	map = ns_map_build(&f.in);
	REQUIRE(map != NULL);
	/* It is a helper now (its parent is podd) and the pod's net has no
	 * owner from the pod: app owns it. */
	CHECK_STR(sget(ns_get(map, "net", 1001), PD_F_NS_OWNER), ==, "app");
	pids_text(json_object_get(ns_get(map, "net", 1001), PD_F_NS_MEMBERS), buf, sizeof(buf));
	CHECK_STR(buf, ==, "110 111 109 130 100 150 140");
}

static void
test_empty(void)
{
	struct ns_map_input in = {0};
	json_auto_t *map = ns_map_build(&in);

	REQUIRE(map != NULL);
	CHECK_INT(json_array_size(json_object_get(map, PD_F_NAMESPACES)), ==, 0);
	CHECK_INT(json_array_size(json_object_get(map, PD_F_PROCESSES)), ==, 0);
}

static void
test_links_and_names(void)
{
	CHECK_INT(ns_map_link_inode("net:[4026531840]", NSM_NET), ==, 4026531840LL);
	CHECK_INT(ns_map_link_inode("time:[4026531834]", NSM_TIME), ==, 4026531834LL);
	CHECK_INT(ns_map_link_inode("net:[4026531840]", NSM_IPC), ==, 0);
	CHECK_INT(ns_map_link_inode("net:[]", NSM_NET), ==, 0);
	CHECK_INT(ns_map_link_inode("net:[12", NSM_NET), ==, 0);
	CHECK_INT(ns_map_link_inode("net:[1x]", NSM_NET), ==, 0);
	CHECK_INT(ns_map_link_inode("net", NSM_NET), ==, 0);
	CHECK_INT(ns_map_link_inode("", NSM_CGROUP), ==, 0);
	CHECK_INT(ns_map_link_inode("net:[123456789012345678901234]", NSM_NET), ==, 0);
	CHECK_STR(ns_map_type_name(NSM_CGROUP), ==, "cgroup");
	CHECK_STR(ns_map_role_name(NSM_ROLE_SIDECAR), ==, "sidecar");
}

static void
test_idmap(void)
{
	struct pd_err err = {0};
	json_auto_t *m = ns_map_idmap_parse("         0 3000000000      65536\n", &err);
	json_auto_t *two = ns_map_idmap_parse("0 0 1\n\n  1 100000 65535", &err);
	json_auto_t *host = ns_map_idmap_parse("0 0 4294967295\n", &err);
	json_auto_t *none = ns_map_idmap_parse("", &err);
	char *text;

	REQUIRE(m != NULL && two != NULL && host != NULL && none != NULL);
	text = json_dumps(m, JSON_COMPACT);
	CHECK_STR(text, ==, "[[0,3000000000,65536]]");
	free(text);
	text = json_dumps(two, JSON_COMPACT);
	CHECK_STR(text, ==, "[[0,0,1],[1,100000,65535]]");
	free(text);
	CHECK_INT(json_integer_value(json_array_get(json_array_get(host, 0), 2)), ==, 4294967295LL);
	CHECK_INT(json_array_size(none), ==, 0);
	CHECK(ns_map_idmap_parse("0 1\n", &err) == NULL);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK(ns_map_idmap_parse("0 1 2 3\n", &err) == NULL);
	CHECK(ns_map_idmap_parse("0 x 2\n", &err) == NULL);
	CHECK(ns_map_idmap_parse("0 -1 2\n", &err) == NULL);
	CHECK(ns_map_idmap_parse("0 1 4294967296\n", &err) == NULL);
	CHECK(ns_map_idmap_parse("0 1 12345678901234567890\n", &err) == NULL);
}

static const struct unit_case cases[] = {
    {"who_shares_what", test_who_shares_what},
    {"scope_of_a_name", test_scope_of_a_name},
    {"reused_pid_is_not_listed", test_reused_pid_is_not_listed},
    {"empty", test_empty},
    {"links_and_names", test_links_and_names},
    {"idmap", test_idmap},
};

UNIT_MAIN(cases)
