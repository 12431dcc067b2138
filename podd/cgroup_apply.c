/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Limits into cgroup files (cgroup.h's cgroup_apply_limits), on v1 and on
 * v2, and the check that a podd can apply them at all, made when a
 * container or a pod is created so that a run with a limit this machine
 * cannot give fails at once and leaves nothing.
 *
 *   limit               v1                                  v2
 *   memory              memory.limit_in_bytes               memory.max
 *   memory_swap         memory.memsw.limit_in_bytes         memory.swap.max (swap - memory)
 *   memory_reservation  memory.soft_limit_in_bytes          memory.low
 *   nano_cpus           cpu.cfs_quota_us / cfs_period_us    cpu.max "QUOTA PERIOD"
 *   cpu_shares          cpu.shares                          cpu.weight (runc's conversion)
 *   cpuset_cpus         cpuset.cpus                         cpuset.cpus
 *   pids_limit          pids.max                            pids.max
 */
#include "cgroup.h"
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

#define CFS_PERIOD_US 100000LL

static int
write_ll(const char *dir, const char *file, long long v, struct pd_err *err)
{
	char buf[32];

	if (v < 0)
		return cg_write(dir, file, "-1", err);
	(void)snprintf(buf, sizeof(buf), "%lld", v);
	return cg_write(dir, file, buf, err);
}

static int
write_max(const char *dir, const char *file, long long v, struct pd_err *err)
{
	char buf[32];

	if (v < 0)
		return cg_write(dir, file, "max", err);
	(void)snprintf(buf, sizeof(buf), "%lld", v);
	return cg_write(dir, file, buf, err);
}

/* v1 refuses a memory limit above memsw's and a memsw below memory's: the
 * order of the two writes depends on which way they move. */
static int
v1_memory(const struct cgroups *cg, const char *dir, const struct cg_limits *l, struct pd_err *err)
{
	long long swap = l->memory_swap;
	struct pd_err first = {0};

	if (swap == 0 && l->memory > 0 && cg->memsw)
		swap = -1; /* as docker on v1 without --memory-swap: swap as it comes */
	if (swap != 0 && !cg->memsw)
		return pd_fail(err, PD_E_INVALID,
			       "memory_swap: this kernel has no swap accounting "
			       "(memory.memsw.limit_in_bytes)");
	if (l->memory > 0 && write_ll(dir, "memory.limit_in_bytes", l->memory, &first) < 0) {
		if (first.errnum != EINVAL || swap == 0)
			goto fail;
		if (write_ll(dir, "memory.memsw.limit_in_bytes", swap, err) < 0 ||
		    write_ll(dir, "memory.limit_in_bytes", l->memory, err) < 0)
			return -1;
	} else if (swap != 0 && write_ll(dir, "memory.memsw.limit_in_bytes", swap, err) < 0) {
		return -1;
	}
	if (l->memory_reservation > 0 &&
	    write_ll(dir, "memory.soft_limit_in_bytes", l->memory_reservation, err) < 0)
		return -1;
	return 0;
fail:
	*err = first;
	return -1;
}

static int
apply_v1(struct podd *d, const char *rel, const struct cg_limits *l, struct pd_err *err)
{
	const struct cgroups *cg = d->cgroups;
	cleanup_free char *mem = cg_controller_dir(d, rel, "memory");
	cleanup_free char *cpu = cg_controller_dir(d, rel, "cpu");
	cleanup_free char *cpuset = cg_controller_dir(d, rel, "cpuset");
	cleanup_free char *pids = cg_controller_dir(d, rel, "pids");

	if ((l->memory != 0 || l->memory_swap != 0 || l->memory_reservation != 0) &&
	    (mem == NULL || v1_memory(cg, mem, l, err) < 0))
		return mem == NULL ? pd_fail(err, PD_E_INVALID, "no memory cgroup") : -1;
	if ((l->nano_cpus != 0 || l->cpu_shares != 0) && cpu == NULL)
		return pd_fail(err, PD_E_INVALID, "no cpu cgroup");
	if (l->nano_cpus != 0 && (write_ll(cpu, "cpu.cfs_period_us", CFS_PERIOD_US, err) < 0 ||
				  write_ll(cpu, "cpu.cfs_quota_us",
					   l->nano_cpus * CFS_PERIOD_US / 1000000000LL, err) < 0))
		return -1;
	if (l->cpu_shares != 0 && write_ll(cpu, "cpu.shares", l->cpu_shares, err) < 0)
		return -1;
	if (l->cpuset_cpus[0] != '\0' &&
	    (cpuset == NULL || cg_write(cpuset, "cpuset.cpus", l->cpuset_cpus, err) < 0))
		return cpuset == NULL ? pd_fail(err, PD_E_INVALID, "no cpuset cgroup") : -1;
	if (l->pids_limit != 0 &&
	    (pids == NULL || write_max(pids, "pids.max", l->pids_limit, err) < 0))
		return pids == NULL ? pd_fail(err, PD_E_INVALID, "no pids cgroup") : -1;
	return 0;
}

/* runc's conversion of shares [2, 262144] to a weight [1, 10000]. */
static long long
shares_to_weight(long long shares)
{
	return 1 + ((shares - 2) * 9999) / 262142;
}

static int
apply_v2(struct podd *d, const char *rel, const struct cg_limits *l, struct pd_err *err)
{
	cleanup_free char *dir = cg_controller_dir(d, rel, NULL);
	char buf[64];

	if (l->memory > 0 && write_max(dir, "memory.max", l->memory, err) < 0)
		return -1;
	if (l->memory_swap != 0 &&
	    write_max(dir, "memory.swap.max", l->memory_swap < 0 ? -1 : l->memory_swap - l->memory,
		      err) < 0)
		return -1;
	if (l->memory_reservation > 0 &&
	    write_ll(dir, "memory.low", l->memory_reservation, err) < 0)
		return -1;
	if (l->nano_cpus != 0) {
		(void)snprintf(buf, sizeof(buf), "%lld %lld",
			       l->nano_cpus * CFS_PERIOD_US / 1000000000LL, CFS_PERIOD_US);
		if (cg_write(dir, "cpu.max", buf, err) < 0)
			return -1;
	}
	if (l->cpu_shares != 0 &&
	    write_ll(dir, "cpu.weight", shares_to_weight(l->cpu_shares), err) < 0)
		return -1;
	if (l->cpuset_cpus[0] != '\0' && cg_write(dir, "cpuset.cpus", l->cpuset_cpus, err) < 0)
		return -1;
	if (l->pids_limit != 0 && write_max(dir, "pids.max", l->pids_limit, err) < 0)
		return -1;
	return 0;
}

int
cgroup_apply_limits(struct podd *d, const char *rel, const struct cg_limits *l, struct pd_err *err)
{
	if (cg_limits_empty(l))
		return 0;
	if (!cgroup_enabled(d))
		return pd_fail(err, PD_E_INVALID,
			       "limits need cgroups: podd runs with --cgroup-layout none");
	if (d->cgroups->layout == CG_LAYOUT_V2)
		return apply_v2(d, rel, l, err);
	return apply_v1(d, rel, l, err);
}

/* On v2, a limit needs its controller in the cgroup2 root. */
static int
check_v2(const struct cgroups *cg, const struct cg_limits *l, struct pd_err *err)
{
	static const struct {
		const char *controller;
		size_t off;
	} needs[] = {
	    {"memory", offsetof(struct cg_limits, memory)},
	    {"memory", offsetof(struct cg_limits, memory_swap)},
	    {"memory", offsetof(struct cg_limits, memory_reservation)},
	    {"cpu", offsetof(struct cg_limits, nano_cpus)},
	    {"cpu", offsetof(struct cg_limits, cpu_shares)},
	    {"pids", offsetof(struct cg_limits, pids_limit)},
	};

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		long long v = *(const long long *)(const void *)((const char *)l + needs[i].off);

		if (v != 0 && !cg_has_v2_controller(cg, needs[i].controller))
			return pd_fail(err, PD_E_INVALID,
				       "limits: the cgroup2 hierarchy has no %s controller",
				       needs[i].controller);
	}
	if (l->cpuset_cpus[0] != '\0' && !cg_has_v2_controller(cg, "cpuset"))
		return pd_fail(err, PD_E_INVALID,
			       "limits: the cgroup2 hierarchy has no cpuset controller");
	return 0;
}

int
cgroup_limits_check(struct podd *d, const struct cg_limits *l, struct pd_err *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const struct cgroups *cg = d->cgroups;

	if (cg_limits_empty(l))
		return 0;
	if (!cgroup_enabled(d))
		return pd_fail(err, PD_E_INVALID,
			       "limits need cgroups: podd runs with --cgroup-layout none");
	if (ncpu < 1)
		ncpu = 1;
	if (l->nano_cpus > ncpu * 1000000000LL)
		return pd_fail(err, PD_E_INVALID,
			       "limits: cpus %.2f is more than this machine's %ld CPUs",
			       (double)l->nano_cpus / 1e9, ncpu);
	if (l->cpuset_cpus[0] != '\0' && cg_cpuset_max(l->cpuset_cpus) >= ncpu)
		return pd_fail(err, PD_E_INVALID,
			       "limits: cpuset_cpus \"%s\": this machine has CPUs 0-%ld",
			       l->cpuset_cpus, ncpu - 1);
	if (cg->layout == CG_LAYOUT_V2)
		return check_v2(cg, l, err);
	if (l->memory_swap != 0 && !cg->memsw)
		return pd_fail(err, PD_E_INVALID,
			       "limits: memory_swap: this kernel has no swap accounting "
			       "(memory.memsw.limit_in_bytes)");
	return 0;
}
