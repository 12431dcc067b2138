/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16, the namespace map (`podctl ns`): which processes share which
 * namespace. Pure: it gets a scan of /proc (every process's parent, name
 * and namespace inodes) and the processes podd knows (infras, workloads,
 * exec sessions, with their pod and container), and builds the API's
 * JSON (lib/api.h, "namespace map"). api_ns.c reads /proc and fills the
 * user namespaces' id maps; nothing here touches the system.
 *
 * Who is listed: podd's processes (those it knows, and their descendants
 * folded under them as "child"), and in every namespace of theirs that is
 * not the host's, whatever else sits there: a workload's monitor (its
 * parent, the shim that stays: it keeps the pod's net, ipc and uts),
 * a helper of podd's (its child, "helper") or any other process ("host").
 * A host namespace (the inode of pid 1's or of podd's own) lists podd's
 * processes in it and counts the others.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "err.h"

/* The kinds /proc/PID/ns shows (time: Linux 5.6; a kernel without one
 * leaves its inode 0). */
enum ns_map_type {
	NSM_NET,
	NSM_IPC,
	NSM_UTS,
	NSM_PID,
	NSM_MNT,
	NSM_USER,
	NSM_CGROUP,
	NSM_TIME,
	NSM_TYPES
};

/* Its name in /proc/PID/ns and in the API ("net", ...). */
const char *ns_map_type_name(enum ns_map_type t);

/* What a listed process is to podd (the API's "role", ns_map_role_name). */
enum ns_map_role {
	NSM_ROLE_HOST,      /* found in a scan only: a process podd did not start */
	NSM_ROLE_INFRA,     /* a pod's infra */
	NSM_ROLE_CONTAINER, /* a container's workload (its pid 1) */
	NSM_ROLE_SIDECAR,   /* the workload of a container that joins another's
			     * namespaces (--network/--pid/... container:X) */
	NSM_ROLE_DEBUG,     /* the workload of a `podctl debug` container */
	NSM_ROLE_EXEC,      /* an exec session's command */
	NSM_ROLE_CHILD,     /* a descendant of one of the above */
	NSM_ROLE_MONITOR,   /* the parent of one of the above: its monitor */
	NSM_ROLE_HELPER,    /* a child of podd's (netplug, a task) */
};

const char *ns_map_role_name(enum ns_map_role r);

#define NSM_COMM_MAX 64

/* One process of a /proc scan. */
struct ns_map_proc {
	pid_t pid;
	pid_t ppid;
	char comm[NSM_COMM_MAX];
	uint64_t start_time;     /* field 22 of /proc/PID/stat */
	uint64_t ino[NSM_TYPES]; /* 0: unknown */
};

/* A process podd knows; the strings are borrowed. */
struct ns_map_known {
	pid_t pid;
	uint64_t start_time; /* its start time as podd recorded it; 0: not checked
			      * (a scanned process of that pid and another start
			      * time is not it: the pid was reused) */
	enum ns_map_role role;
	const char *pod;       /* its pod's name, or NULL */
	const char *container; /* its container's name, or NULL (an infra) */
	const char *exec_id;   /* an exec session's id, or NULL */
	unsigned owns;         /* bit 1 << type: its namespace of that type was made
				* for it (an infra's, a container's own) */
	bool in_scope;         /* the map is asked for its pod or container */
};

struct ns_map_input {
	const struct ns_map_proc *procs; /* borrowed: the scan, any order */
	size_t n_procs;
	const struct ns_map_known *known; /* borrowed: an owner is looked for in
					   * this order (infras first) */
	size_t n_known;
	uint64_t host_ino[2][NSM_TYPES]; /* pid 1's and podd's namespaces */
	pid_t podd_pid;
};

/* The map of @in as {"namespaces": [...], "processes": [...]} (lib/api.h):
 * the namespaces of the processes in scope and everyone in them. A known
 * process missing from the scan (gone meanwhile) is left out. A new
 * reference. */
json_t *ns_map_build(const struct ns_map_input *in);

/* The inode of a /proc/PID/ns link's text "TYPE:[INODE]" of type @t, or
 * 0 when it is not one. */
uint64_t ns_map_link_inode(const char *link, enum ns_map_type t);

/* /proc/PID/uid_map or gid_map text as [[inside, outside, count], ...];
 * a new reference, or NULL with PD_E_INVALID for a malformed line. */
json_t *ns_map_idmap_parse(const char *text, struct pd_err *err);
