/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16: podctl ns [POD | CONTAINER] [--format table|json|dot]: who
 * shares which namespace, from GET /v1/ns (lib/api.h; podd reads /proc,
 * podctl never does: a member of podd's group has no right to). The table
 * has a row per namespace: its type, inode, owner (the pod or container
 * it was made for, or host), the id maps of a user namespace, and its
 * members as ROLE:NAME PID, a workload's own children folded into it as
 * "(+N)"; json is podd's map as it is; dot is a graphviz digraph with a
 * node per process and per namespace and an edge for each membership.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "name.h"
#include "output.h"
#include "xalloc.h"

enum { N_FORMAT };

static const struct flag_spec ns_flags[] = {
    [N_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT",
		  "table (default), json (podd's map) or dot (a graphviz digraph)"},
    {.name = NULL},
};

static const struct cmd_usage ns_usage = {
    .name = "ns",
    .operands = "[POD | CONTAINER]",
    .operand_what = "pod or container name",
    .summary = "Show which processes share which namespace (net, ipc, uts, pid, mnt,\n"
	       "user, cgroup, time): pods' infras, containers, sidecars, exec sessions,\n"
	       "debug containers, and host processes found in the same namespaces. With\n"
	       "a pod or container, only its namespaces. A namespace of the host's own\n"
	       "is shown as host, with a count of its other processes.",
    .flags = ns_flags,
    .min_operands = 0,
    .max_operands = 1,
};

enum ns_format { NS_TABLE, NS_JSON, NS_DOT };

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long
num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* A member's name: its pod's for an infra, its container's, or its
 * command's. */
static const char *
member_name(const json_t *m)
{
	const char *role = str(m, PD_F_ROLE), *name = NULL;

	if (role != NULL && strcmp(role, "infra") == 0)
		name = str(m, PD_F_POD);
	else if (role != NULL && strcmp(role, "child") != 0)
		name = str(m, PD_F_NS_CONTAINER);
	if (name == NULL)
		name = str(m, PD_F_NS_COMM);
	return name != NULL ? name : "?";
}

/* How many children of @parent are among @members. */
static size_t
children_of(const json_t *members, long long parent)
{
	const json_t *m;
	size_t i, n = 0;

	json_array_foreach (members, i, m)
		if (json_is_integer(json_object_get(m, PD_F_NS_PARENT)) &&
		    num(m, PD_F_NS_PARENT) == parent)
			n++;
	return n;
}

/* Whether @pid is among @members. */
static bool
has_member(const json_t *members, long long pid)
{
	const json_t *m;
	size_t i;

	json_array_foreach (members, i, m)
		if (num(m, PD_F_PID) == pid)
			return true;
	return false;
}

/* The MEMBERS cell: "ROLE:NAME PID" each, a folded child counted in its
 * parent's "(+N)", and a host namespace's other processes at the end. A
 * new string. */
static char *
members_text(const json_t *ns)
{
	const json_t *members = json_object_get(ns, PD_F_NS_MEMBERS), *m;
	long long others = num(ns, PD_F_NS_HOST_PROCESSES);
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);
	const char *sep = "";

	if (out == NULL)
		return xstrdup("?");
	json_array_foreach (members, i, m) {
		const json_t *parent = json_object_get(m, PD_F_NS_PARENT);
		size_t kids;

		if (json_is_integer(parent) && has_member(members, json_integer_value(parent)))
			continue; /* folded into its parent */
		fprintf(out, "%s%s:%s %lld", sep, str(m, PD_F_ROLE), member_name(m),
			num(m, PD_F_PID));
		kids = children_of(members, num(m, PD_F_PID));
		if (kids > 0)
			fprintf(out, " (+%zu)", kids);
		sep = ", ";
	}
	if (others > 0)
		fprintf(out, "%s+%lld host process%s", sep, others, others == 1 ? "" : "es");
	(void)fclose(out);
	return buf;
}

/* "0:3000000000:65536" for each line of an id map, after @what. */
static void
idmap_text(FILE *out, const char *what, const json_t *map)
{
	const json_t *row;
	size_t i;

	fprintf(out, "%s", what);
	json_array_foreach (map, i, row)
		fprintf(out, "%s%lld:%lld:%lld", i == 0 ? " " : ",",
			(long long)json_integer_value(json_array_get(row, 0)),
			(long long)json_integer_value(json_array_get(row, 1)),
			(long long)json_integer_value(json_array_get(row, 2)));
}

/* The IDS cell of a user namespace: "host" for the host's, else its uid
 * and gid maps; NULL ("-") for other types. A new string. */
static char *
ids_text(const json_t *ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if (strcmp(str(ns, PD_F_NS_TYPE), "user") != 0)
		return NULL;
	if (json_is_true(json_object_get(ns, PD_F_NS_HOST)))
		return xstrdup("host");
	out = open_memstream(&buf, &len);
	if (out == NULL)
		return xstrdup("?");
	idmap_text(out, "uid", json_object_get(ns, PD_F_NS_UID_MAP));
	idmap_text(out, " gid", json_object_get(ns, PD_F_NS_GID_MAP));
	(void)fclose(out);
	return buf;
}

static char *
owner_text(const json_t *ns)
{
	const char *kind = str(ns, PD_F_NS_OWNER_KIND), *owner = str(ns, PD_F_NS_OWNER);

	if (kind == NULL || owner == NULL)
		return NULL;
	if (strcmp(kind, PD_NS_OWNER_HOST) == 0)
		return xstrdup("host");
	return xasprintf("%s %s", kind, owner);
}

static void
print_table(const json_t *map)
{
	static const char *const header[] = {"TYPE", "INODE", "OWNER", "IDS", "MEMBERS"};
	cleanup_table struct table t = {0};
	const json_t *ns;
	size_t i;

	table_init(&t, 5, header);
	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns) {
		cleanup_free char *inode = xasprintf("%lld", num(ns, PD_F_NS_INODE));
		cleanup_free char *owner = owner_text(ns);
		cleanup_free char *ids = ids_text(ns);
		cleanup_free char *members = members_text(ns);
		const char *row[] = {str(ns, PD_F_NS_TYPE), inode, owner, ids, members};

		table_add_row(&t, row);
	}
	table_print(&t, stdout);
}

/* @s as the inside of a dot string: '"' and '\' escaped, controls as '?'. */
static void
dot_string(FILE *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc((unsigned char)*s < 0x20 ? '?' : *s, out);
	}
}

static void
print_dot(const json_t *map)
{
	const json_t *ns, *p, *m;
	size_t i, k;

	printf("digraph podd_ns {\n\trankdir=LR;\n\tnode [fontsize=10];\n");
	json_array_foreach (json_object_get(map, PD_F_PROCESSES), i, p) {
		printf("\t\"p%lld\" [shape=ellipse, label=\"%s:", num(p, PD_F_PID),
		       str(p, PD_F_ROLE));
		dot_string(stdout, member_name(p));
		printf("\\n%lld ", num(p, PD_F_PID));
		dot_string(stdout, str(p, PD_F_NS_COMM));
		printf("\"];\n");
	}
	json_array_foreach (json_object_get(map, PD_F_NAMESPACES), i, ns) {
		cleanup_free char *owner = owner_text(ns);
		const char *type = str(ns, PD_F_NS_TYPE);
		long long ino = num(ns, PD_F_NS_INODE);

		printf("\t\"%s:%lld\" [shape=box, label=\"%s %lld\\n", type, ino, type, ino);
		dot_string(stdout, owner != NULL ? owner : "-");
		if (num(ns, PD_F_NS_HOST_PROCESSES) > 0)
			printf(" (+%lld)", num(ns, PD_F_NS_HOST_PROCESSES));
		printf("\"];\n");
		json_array_foreach (json_object_get(ns, PD_F_NS_MEMBERS), k, m)
			printf("\t\"p%lld\" -> \"%s:%lld\";\n", num(m, PD_F_PID), type, ino);
	}
	printf("}\n");
}

static bool
parse_format(const char *value, enum ns_format *fmt)
{
	*fmt = NS_TABLE;
	if (value == NULL || strcmp(value, "table") == 0)
		return true;
	if (strcmp(value, "json") == 0)
		*fmt = NS_JSON;
	else if (strcmp(value, "dot") == 0)
		*fmt = NS_DOT;
	else
		return false;
	return true;
}

int
cmd_ns(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *map = NULL;
	cleanup_free char *path = NULL;
	struct pd_err err = {0};
	enum ns_format fmt;
	int rc;

	if (!cmd_parse(&ns_usage, argc, argv, &f, &rc))
		return rc;
	if (!parse_format(f.v[N_FORMAT].value, &fmt))
		return cmd_usage_error(&ns_usage, "--format is table, json or dot, not \"%.64s\"",
				       f.v[N_FORMAT].value);
	if (f.nargs > 0) {
		if (!pd_is_id_prefix(f.args[0]) &&
		    pd_name_validate(f.args[0], "pod or container name", &err) < 0)
			return cmd_error(&err);
		path = xasprintf("%s?%s=%s", PD_PATH_NS, PD_Q_REF, f.args[0]);
	} else {
		path = xstrdup(PD_PATH_NS);
	}
	map = client_call(ctl->socket_path, "GET", path, NULL, &err);
	if (map == NULL)
		return cmd_error(&err);
	if (!json_is_array(json_object_get(map, PD_F_NAMESPACES)) ||
	    !json_is_array(json_object_get(map, PD_F_PROCESSES))) {
		pd_fail(&err, PD_E_SYSTEM, "podd sent a namespace map without namespaces");
		return cmd_error(&err);
	}
	switch (fmt) {
	case NS_JSON:
		return output_json(stdout, map) < 0 ? EXIT_PODCTL : 0;
	case NS_DOT:
		print_dot(map);
		return 0;
	case NS_TABLE:
		print_table(map);
		return 0;
	}
	return 0;
}
