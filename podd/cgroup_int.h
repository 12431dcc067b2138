/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of podd's cgroups share (cgroup.c, cgroup_apply.c): the
 * hierarchies found at start and small cgroupfs file helpers. Not for the
 * rest of podd, which goes through cgroup.h.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include "cgroup.h"

struct event_base;

enum cg_v1 {
	CG_V1_CPU,
	CG_V1_CPUACCT,
	CG_V1_CPUSET,
	CG_V1_MEMORY,
	CG_V1_PIDS,
	CG_V1_FREEZER,
	CG_V1_DEVICES,
	CG_V1_BLKIO,
	CG_V1_N
};
extern const char *const cg_v1_names[CG_V1_N];

struct cg_rm;
TAILQ_HEAD(cg_rm_list, cg_rm);

struct cgroups {
	enum cg_layout layout;
	char *parent;                  /* owned: as given, or "/podd" */
	char *v1[CG_V1_N];             /* owned: the parent's dir per v1 controller, NULL:
					* not used (co-mounted ones hold equal strings) */
	char *v1_mount[CG_V1_N];       /* owned: each v1 controller's mount point */
	char *v1_opts[CG_V1_N];        /* owned: the controllers of its hierarchy */
	char *v2;                      /* owned: the parent's cgroup2 dir, NULL: none */
	char *v2_controllers;          /* owned: the cgroup2 root's controllers, ','-joined */
	const char *hier[CG_V1_N + 2]; /* borrowed from v1[] and v2: each hierarchy's
					* parent dir once, NULL-terminated */
	bool memsw;                    /* v1 swap accounting (memory.memsw.*) */
	struct event_base *base;       /* borrowed */
	struct cg_rm_list removals;    /* owned: busy dirs retried */
	/* issue 16 (cgroup_leaf.c): podd's cgroup2 leaf and the cgroup it
	 * was started in, both owned, NULL when podd did not move */
	char *leaf, *leaf_up;
};

/* issue 16: the name of podd's own leaf below the cgroup it was started in */
#define CG_LEAF_NAME "podd"
/* Move podd into @own_dir/CG_LEAF_NAME (made if missing). */
int cg_leaf_enter(struct cgroups *cg, const char *own_dir, struct pd_err *err);
/* At a stop: back to where it started and the leaf removed, when podd is
 * alone in it; else it stays. */
void cg_leaf_leave(struct cgroups *cg);

/* @value into @dir/@file in one write. */
int cg_write(const char *dir, const char *file, const char *value, struct pd_err *err);
/* @dir/@file's content (a new string). */
char *cg_read(const char *dir, const char *file, struct pd_err *err);
/* The number after "KEY " in a flat keyed file, -1 when absent. */
long long cg_read_key(const char *dir, const char *file, const char *key);
/* Copy the parent's cpuset.cpus and mems into @dir when its are empty. */
int cg_cpuset_fill(const char *dir, struct pd_err *err);
/* Whether the cgroup2 root offers @name. */
bool cg_has_v2_controller(const struct cgroups *cg, const char *name);
/* rmdir @rel everywhere: 0 gone, 1 some dir still busy, -1 @err. */
int cg_rmdirs(struct cgroups *cg, const char *rel, struct pd_err *err);
/* The dir holding @controller's files for @rel (NULL: the v2 one), a new
 * string, or NULL when the layout has none. */
char *cg_controller_dir(const struct podd *d, const char *rel, const char *controller);
