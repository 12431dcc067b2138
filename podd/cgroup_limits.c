/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limits as the API gives them (cgroup.h's struct cg_limits):
 * parsed, printed, merged, and mapped from a Kubernetes container's
 * "resources" the way the kubelet maps them. Pure: jansson only, no
 * system calls; unit-tested (tests/unit/test_cgroup_limits.c).
 */
#include "cgroup.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"

/* docker refuses less than 6 MiB of memory: a workload cannot start in less. */
#define MEMORY_MIN  (6LL << 20)
#define BYTES_MAX   (1LL << 62)
#define NANO_CPU    1000000000LL
#define NANO_MIN    10000000LL /* 0.01 CPU, docker's least */
#define CPUS_MAX    4096LL
#define SHARES_MIN  2
#define SHARES_MAX  262144
#define PIDS_MAX    (1LL << 22) /* the kernel's pid_max ceiling */
#define CPU_NUM_MAX 8191

int
cg_cpuset_max(const char *list)
{
	const char *p = list;
	int max = -1;

	if (*p == '\0')
		return -1;
	while (*p != '\0') {
		char *end;
		long a, b;

		if (*p < '0' || *p > '9')
			return -1;
		a = strtol(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			if (p[1] < '0' || p[1] > '9')
				return -1;
			b = strtol(p + 1, &end, 10);
			p = end;
		}
		if (a > b || b > CPU_NUM_MAX)
			return -1;
		if (b > max)
			max = (int)b;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return -1;
		} else if (*p != '\0') {
			return -1;
		}
	}
	return max;
}

int
cg_limits_parse(const json_t *limits, struct cg_limits *out, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_LIMIT_MEMORY,     PD_F_LIMIT_MEMORY_SWAP,
					      PD_F_LIMIT_MEMORY_RES, PD_F_LIMIT_NANO_CPUS,
					      PD_F_LIMIT_CPU_SHARES, PD_F_LIMIT_CPUSET_CPUS,
					      PD_F_LIMIT_PIDS,       NULL};
	const char *cpuset = NULL;

	memset(out, 0, sizeof(*out));
	if (limits == NULL || json_is_null(limits))
		return 0;
	if (!json_is_object(limits))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an object", PD_F_LIMITS);
	if (pd_json_check_keys(limits, PD_F_LIMITS, allowed, err) < 0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_MEMORY, 0, BYTES_MAX, &out->memory, err) < 0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_MEMORY_SWAP, -1, BYTES_MAX, &out->memory_swap, err) <
		0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_MEMORY_RES, 0, BYTES_MAX, &out->memory_reservation,
			    err) < 0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_NANO_CPUS, 0, CPUS_MAX * NANO_CPU, &out->nano_cpus,
			    err) < 0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_CPU_SHARES, 0, SHARES_MAX, &out->cpu_shares, err) <
		0 ||
	    pd_json_get_int(limits, PD_F_LIMIT_PIDS, -1, PIDS_MAX, &out->pids_limit, err) < 0 ||
	    pd_json_get_string(limits, PD_F_LIMIT_CPUSET_CPUS, &cpuset, err) < 0)
		return pd_err_prefix(err, "limits");
	if (out->memory != 0 && out->memory < MEMORY_MIN)
		return pd_fail(err, PD_E_INVALID, "limits: memory %lld is below the least, 6MiB",
			       out->memory);
	if (out->nano_cpus != 0 && out->nano_cpus < NANO_MIN)
		return pd_fail(err, PD_E_INVALID, "limits: cpus must be at least 0.01");
	if (out->cpu_shares == 1)
		return pd_fail(err, PD_E_INVALID, "limits: cpu_shares must be 2 to %d", SHARES_MAX);
	if (cpuset != NULL && cpuset[0] != '\0') {
		if (strlen(cpuset) >= sizeof(out->cpuset_cpus) || cg_cpuset_max(cpuset) < 0)
			return pd_fail(err, PD_E_INVALID,
				       "limits: cpuset_cpus \"%.40s\" is not a CPU list (such as "
				       "0-1,3)",
				       cpuset);
		memcpy(out->cpuset_cpus, cpuset, strlen(cpuset) + 1);
	}
	return cg_limits_check_pairs(out, err);
}

int
cg_limits_check_pairs(const struct cg_limits *l, struct pd_err *err)
{
	if (l->memory_swap > 0 && l->memory == 0)
		return pd_fail(err, PD_E_INVALID,
			       "limits: memory_swap needs memory (it is memory plus swap)");
	if (l->memory_swap > 0 && l->memory_swap < l->memory)
		return pd_fail(err, PD_E_INVALID,
			       "limits: memory_swap must be at least memory (it is memory plus "
			       "swap)");
	if (l->memory_reservation > 0 && l->memory > 0 && l->memory_reservation > l->memory)
		return pd_fail(err, PD_E_INVALID,
			       "limits: memory_reservation must not be above memory");
	return 0;
}

json_t *
cg_limits_json(const struct cg_limits *l)
{
	json_t *j = json_object();

	if (l->memory != 0)
		json_object_set_new(j, PD_F_LIMIT_MEMORY, json_integer(l->memory));
	if (l->memory_swap != 0)
		json_object_set_new(j, PD_F_LIMIT_MEMORY_SWAP, json_integer(l->memory_swap));
	if (l->memory_reservation != 0)
		json_object_set_new(j, PD_F_LIMIT_MEMORY_RES, json_integer(l->memory_reservation));
	if (l->nano_cpus != 0)
		json_object_set_new(j, PD_F_LIMIT_NANO_CPUS, json_integer(l->nano_cpus));
	if (l->cpu_shares != 0)
		json_object_set_new(j, PD_F_LIMIT_CPU_SHARES, json_integer(l->cpu_shares));
	if (l->cpuset_cpus[0] != '\0')
		json_object_set_new(j, PD_F_LIMIT_CPUSET_CPUS, json_string(l->cpuset_cpus));
	if (l->pids_limit != 0)
		json_object_set_new(j, PD_F_LIMIT_PIDS, json_integer(l->pids_limit));
	return j;
}

void
cg_limits_merge(struct cg_limits *into, const struct cg_limits *changes)
{
	if (changes->memory != 0)
		into->memory = changes->memory;
	if (changes->memory_swap != 0)
		into->memory_swap = changes->memory_swap;
	if (changes->memory_reservation != 0)
		into->memory_reservation = changes->memory_reservation;
	if (changes->nano_cpus != 0)
		into->nano_cpus = changes->nano_cpus;
	if (changes->cpu_shares != 0)
		into->cpu_shares = changes->cpu_shares;
	if (changes->cpuset_cpus[0] != '\0')
		memcpy(into->cpuset_cpus, changes->cpuset_cpus, sizeof(into->cpuset_cpus));
	if (changes->pids_limit != 0)
		into->pids_limit = changes->pids_limit;
}

bool
cg_limits_empty(const struct cg_limits *l)
{
	return l->memory == 0 && l->memory_swap == 0 && l->memory_reservation == 0 &&
	       l->nano_cpus == 0 && l->cpu_shares == 0 && l->cpuset_cpus[0] == '\0' &&
	       l->pids_limit == 0;
}

/* A Kubernetes quantity ("500m", "0.5", "128Mi", "1G", "1e3") as a
 * number of units; -1 when it is not one. */
static double
quantity(const json_t *v)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
	    {"", 1},
	    {"m", 1e-3},
	    {"k", 1e3},
	    {"M", 1e6},
	    {"G", 1e9},
	    {"T", 1e12},
	    {"P", 1e15},
	    {"E", 1e18},
	    {"Ki", 1024.0},
	    {"Mi", 1024.0 * 1024},
	    {"Gi", 1024.0 * 1024 * 1024},
	    {"Ti", 1024.0 * 1024 * 1024 * 1024},
	    {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024},
	    {"Ei", 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024},
	};
	const char *s;
	char *end;
	double n;

	if (json_is_number(v))
		return json_number_value(v) >= 0 ? json_number_value(v) : -1;
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (*s < '0' || *s > '9') {
		if (*s != '.')
			return -1;
	}
	n = strtod(s, &end);
	if (end == s || !isfinite(n) || n < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0)
			return n * units[i].mult;
	return -1;
}

static int
resource(const json_t *resources, const char *group, const char *name, double *out,
	 struct pd_err *err)
{
	const json_t *g = json_object_get(resources, group);
	const json_t *v = g != NULL ? json_object_get(g, name) : NULL;

	*out = -1;
	if (v == NULL || json_is_null(v))
		return 0;
	*out = quantity(v);
	if (*out < 0)
		return pd_fail(err, PD_E_INVALID, "resources: %s.%s is not a quantity", group,
			       name);
	return 0;
}

int
cg_limits_from_resources(const json_t *resources, struct cg_limits *l, struct pd_err *err)
{
	double req_cpu, lim_cpu, lim_mem, req_mem;

	if (resources == NULL || !json_is_object(resources))
		return 0;
	if (resource(resources, "requests", "cpu", &req_cpu, err) < 0 ||
	    resource(resources, "limits", "cpu", &lim_cpu, err) < 0 ||
	    resource(resources, "limits", "memory", &lim_mem, err) < 0 ||
	    resource(resources, "requests", "memory", &req_mem, err) < 0)
		return -1;
	/* The kubelet's MilliCPUToShares: milli * 1024 / 1000, at least 2. */
	if (req_cpu >= 0 && l->cpu_shares == 0) {
		long long shares = (long long)(req_cpu * 1000 + 0.5) * 1024 / 1000;

		l->cpu_shares =
		    shares < SHARES_MIN ? SHARES_MIN : (shares > SHARES_MAX ? SHARES_MAX : shares);
	}
	if (lim_cpu > 0 && l->nano_cpus == 0) {
		long long nano = (long long)(lim_cpu * 1000 + 0.5) * 1000000LL;

		/* The kubelet's least quota is 1ms per 100ms: 0.01 CPU. */
		l->nano_cpus = nano < NANO_MIN ? NANO_MIN : nano;
	}
	if (lim_mem > 0 && l->memory == 0)
		l->memory = lim_mem > (double)BYTES_MAX ? BYTES_MAX : (long long)lim_mem;
	if (req_mem > 0 && l->memory_reservation == 0)
		l->memory_reservation =
		    req_mem > (double)BYTES_MAX ? BYTES_MAX : (long long)req_mem;
	if (l->memory > 0 && l->memory < MEMORY_MIN)
		return pd_fail(err, PD_E_INVALID,
			       "resources: limits.memory %lld is below the least, 6MiB", l->memory);
	if (l->memory > 0 && l->memory_reservation > l->memory)
		l->memory_reservation = l->memory;
	return 0;
}
