/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups (issue 13): a cgroup per pod with a leaf per container under it
 * and the infra in a leaf of its own, all under a parent podd owns
 * (--cgroup-parent), on cgroup v1, v2 or both (--cgroup-layout).
 *
 * Layouts, detected at start (cgroup_setup):
 *   v2      cgroup2 on /sys/fs/cgroup: everything there; the controllers
 *           podd uses are enabled in the parent's and each pod's
 *           cgroup.subtree_control (neither holds processes).
 *   hybrid  v1 controllers, and a cgroup2 at /sys/fs/cgroup/unified: limits
 *           on v1; membership, cgroup.kill, cgroup.freeze and the populated
 *           events on the unified dir, which needs no controller for them.
 *   v1      v1 controllers only (or --cgroup-layout v1 on a hybrid host):
 *           the freezer freezes, a freeze-and-kill ends a cgroup.
 *   none    no cgroups at all: limits are refused.
 * v1 controllers used: cpu, cpuacct, cpuset (cpus and mems copied from the
 * parent into each new dir, as the kernel leaves them empty), memory, pids,
 * freezer, devices, blkio; named hierarchies (name=systemd) are not touched.
 *
 * Names under the parent: "pod-<POD_ID>", its infra "pod-<POD_ID>/infra",
 * a container of a pod "pod-<POD_ID>/ctr-<CTR_ID>", a container without a
 * pod "ctr-<CTR_ID>". A cgroup of podd's is named by this path relative to
 * the parent ("rel"); the same rel names a dir in every hierarchy.
 *
 * Nothing here blocks: the files are small cgroupfs writes, and a dir that
 * is still busy (its last process not yet gone) is removed by a retry on a
 * timer.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "err.h"

struct podd;

/* ---- limits (cgroup_limits.c, pure) ---- */

/* docker's HostConfig meanings. */
struct cg_limits {
	long long memory;             /* bytes; 0: not set */
	long long memory_swap;        /* memory+swap in bytes; -1: unlimited; 0: not set */
	long long memory_reservation; /* bytes; 0: not set */
	long long nano_cpus;          /* 1e9 per CPU; 0: not set */
	long long cpu_shares;         /* 2..262144; 0: not set */
	char cpuset_cpus[128];        /* "" not set */
	long long pids_limit;         /* >0 max; -1 unlimited; 0: not set */
};

/* The API's "limits" object (lib/api.h PD_API_LIMITS_*) into @out (zeroed
 * first): known keys only, numbers in range, cpuset_cpus in the kernel's
 * list form ("0-1,3"). Pure. PD_E_INVALID naming the key. */
int cg_limits_parse(const json_t *limits, struct cg_limits *out, struct pd_err *err);
/* The same object for @l, with only the keys set (a new reference). */
json_t *cg_limits_json(const struct cg_limits *l);
/* Set in @into every key @changes sets (an update). */
void cg_limits_merge(struct cg_limits *into, const struct cg_limits *changes);
/* True when @l sets no key. */
bool cg_limits_empty(const struct cg_limits *l);
/* The checks a pair of keys needs (memory_swap and memory_reservation
 * against memory), on the merged result. PD_E_INVALID. */
int cg_limits_check_pairs(const struct cg_limits *l, struct pd_err *err);
/* The highest CPU number in a cpuset list ("0-1,3": 3), or -1 when the
 * list is not one. Pure. */
int cg_cpuset_max(const char *list);
/* kubelet's mapping of a container's k8s "resources" ({"requests":{cpu,
 * memory}, "limits":{...}}, quantities as strings or numbers) into the keys
 * @l does not set yet: requests.cpu → cpu_shares (milli*1024/1000, at
 * least 2), limits.cpu → nano_cpus, limits.memory → memory,
 * requests.memory → memory_reservation. PD_E_INVALID for a quantity that
 * is not one. */
int cg_limits_from_resources(const json_t *resources, struct cg_limits *l, struct pd_err *err);

/* ---- the cgroups of podd (cgroup.c) ---- */

enum cg_layout { CG_LAYOUT_AUTO, CG_LAYOUT_NONE, CG_LAYOUT_V1, CG_LAYOUT_HYBRID, CG_LAYOUT_V2 };

/* "auto", "none", "v1", "hybrid", "v2" → @out; -1 for anything else. */
int cgroup_layout_parse(const char *s, enum cg_layout *out);

/* Detect the layout (@want: CG_LAYOUT_AUTO, or the one to use), find the
 * parent (@parent: absolute from each hierarchy's root, relative below
 * podd's own cgroup in each; NULL: "/podd") and make its dirs. Before the
 * loop runs; podd exits when it fails. */
int cgroup_setup(struct podd *d, enum cg_layout want, const char *parent, struct pd_err *err);
/* Free what cgroup_setup made (the dirs stay: the pods run on); a removal
 * still retried is tried once more. */
void cgroup_teardown(struct podd *d);

/* The rel names (new strings). */
char *cgroup_rel_pod(const char *pod_id);
char *cgroup_rel_infra(const char *pod_id);
char *cgroup_rel_ctr(const char *pod_id /* NULL or "": none */, const char *ctr_id);

/* Make @rel in every hierarchy (what exists already is kept: a restart
 * reuses its dirs) and apply @l (may be NULL). A dir made here is removed
 * again when a later step fails. */
int cgroup_create(struct podd *d, const char *rel, const struct cg_limits *l, struct pd_err *err);
/* Write the keys @l sets into @rel's files. PD_E_INVALID when the layout
 * cannot have them (none; memory_swap without swap accounting). */
int cgroup_apply_limits(struct podd *d, const char *rel, const struct cg_limits *l,
			struct pd_err *err);
/* Refuse limits this podd could not apply: any with --cgroup-layout none,
 * memory_swap without swap accounting, cpus and a cpuset past the
 * machine's CPUs. PD_E_INVALID. */
int cgroup_limits_check(struct podd *d, const struct cg_limits *l, struct pd_err *err);
/* Remove @rel in every hierarchy; one still busy (EBUSY: its last process
 * is not yet gone) is retried on a timer, for a few seconds, then logged.
 * Missing dirs are fine. Fails only for a dir that cannot be removed. */
int cgroup_remove(struct podd *d, const char *rel, struct pd_err *err);
/* SIGKILL every process in @rel: cgroup.kill on the v2 dir (Linux 5.14),
 * else freeze, kill each process, thaw (v1 freezer). */
int cgroup_kill(struct podd *d, const char *rel, struct pd_err *err);
/* Freeze or thaw @rel: cgroup.freeze on the v2 dir, else the v1 freezer. */
int cgroup_freeze(struct podd *d, const char *rel, bool frozen, struct pd_err *err);
/* The pids in @rel (*pids owned by the caller, *n of them). */
int cgroup_pids(struct podd *d, const char *rel, pid_t **pids, size_t *n, struct pd_err *err);
/* How many processes the kernel's OOM killer ended in @rel; -1 unknown. */
long long cgroup_oom_kills(struct podd *d, const char *rel);
/* The dir fd holding @controller's files ("memory", "cpu", "cpuacct",
 * "pids", "blkio", "io", "freezer", "devices", "cpuset") for @rel, or of
 * the v2 dir for NULL: -1 with @err (PD_E_NOT_FOUND) when this layout has
 * none. The caller closes it. */
int cgroup_dir_open(struct podd *d, const char *rel, const char *controller, struct pd_err *err);
/* True when @controller's files are on cgroup v2 in this layout (NULL:
 * when there is a v2 dir at all). */
bool cgroup_on_v2(const struct podd *d, const char *controller);
/* "v1", "hybrid", "v2" or "none". */
const char *cgroup_layout_name(const struct podd *d);
/* The absolute dir of @rel in every hierarchy, as the shim's "cgroups"
 * (lib/shim.h; a new reference, an empty array with no cgroups). */
json_t *cgroup_shim_dirs(struct podd *d, const char *rel);
/* For a process podd spawns itself (the infra): each hierarchy's
 * cgroup.procs of @rel opened for writing into @fds (at most CG_PROCS_MAX);
 * the child writes "0" to each before exec. Returns how many. */
#define CG_PROCS_MAX 12
int cgroup_procs_open(struct podd *d, const char *rel, int *fds, struct pd_err *err);
/* After a restart of podd: every cgroup under the parent (in the first
 * hierarchy's names) for which @keep(@d, rel) is false is killed and
 * removed, children first; a pod dir goes after its leaves. What a podd
 * killed half-way through a start or a removal left. */
typedef bool cgroup_keep_fn(struct podd *d, const char *rel);
void cgroup_gc(struct podd *d, cgroup_keep_fn *keep);
/* The shim's "cgroup_mounts" (lib/shim.h): what a container sees at
 * /sys/fs/cgroup (a new reference). */
json_t *cgroup_shim_mounts(const struct podd *d);
/* /v1/info's "cgroup": {"layout","parent","v1_controllers","v2_controllers"}. */
json_t *cgroup_info_json(const struct podd *d);
/* True when podd uses cgroups (the layout is not none). */
bool cgroup_enabled(const struct podd *d);
