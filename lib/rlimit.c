/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limit names; see rlimit.h. The names are docker's (its
 * --ulimit takes the RLIMIT_ suffixes of setrlimit(2), lowercase).
 */
#include "rlimit.h"

#include <string.h>
#include <sys/resource.h>

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

int
pd_rlimit_from_name(const char *name, int *resource, struct pd_err *err)
{
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcmp(name, rlimits[i].name) == 0) {
			*resource = rlimits[i].resource;
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID,
		       "ulimit \"%.32s\" is not a resource (as, core, cpu, data, fsize, locks, "
		       "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, "
		       "stack)",
		       name);
}

int
pd_rlimit_check(const char *name, long long soft, long long hard, struct pd_err *err)
{
	const long long max = 1LL << 62;

	if (soft < -1 || hard < -1 || soft > max || hard > max)
		return pd_fail(err, PD_E_INVALID, "ulimit \"%.32s\": a value is out of range",
			       name);
	if (hard != PD_RLIMIT_UNLIMITED && (soft == PD_RLIMIT_UNLIMITED || soft > hard))
		return pd_fail(err, PD_E_INVALID,
			       "ulimit \"%.32s\": soft limit %lld is over the hard limit %lld",
			       name, soft, hard);
	return 0;
}
