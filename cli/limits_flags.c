/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The resource limit flags; see limits_flags.h. The values are turned into
 * the API's numbers here (sizes, fractions of CPUs); their ranges are
 * podd's to check, once, for every client.
 */
#include "limits_flags.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "parse.h"

#define BYTES_MAX (1ULL << 62)

static int
bytes(json_t *limits, const char *key, const char *flag, const char *s, bool minus_one,
      struct pd_err *err)
{
	unsigned long long n;

	if (minus_one && strcmp(s, "-1") == 0) {
		json_object_set_new(limits, key, json_integer(-1));
		return 0;
	}
	if (pd_parse_size(s, BYTES_MAX, &n, err) < 0)
		return pd_err_prefix(err, "--%s", flag);
	json_object_set_new(limits, key, json_integer((json_int_t)n));
	return 0;
}

/* "1.5" CPUs as 1e9ths: digits, an optional fraction of up to 9 digits. */
static int
nano_cpus(const char *s, long long *out, struct pd_err *err)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;
	long long n = 0;

	if (s[whole] == '.')
		frac = strspn(s + whole + 1, "0123456789");
	if ((whole == 0 && frac == 0) || whole > 6 || frac > 9 ||
	    s[whole + (s[whole] == '.' ? 1 + frac : 0)] != '\0')
		return pd_fail(err, PD_E_INVALID, "--cpus \"%.40s\" is not a number of CPUs", s);
	for (size_t i = 0; i < whole; i++)
		n = n * 10 + (s[i] - '0');
	n *= 1000000000LL;
	for (size_t i = 0, mult = 100000000; i < frac; i++, mult /= 10)
		n += (long long)(s[whole + 1 + i] - '0') * (long long)mult;
	if (n == 0)
		return pd_fail(err, PD_E_INVALID, "--cpus must be more than 0");
	*out = n;
	return 0;
}

static int
integer(json_t *limits, const char *key, const char *flag, const char *s, long long min,
	long long max, struct pd_err *err)
{
	long long n;

	if (pd_parse_int(s, min, max, &n, err) < 0)
		return pd_err_prefix(err, "--%s", flag);
	json_object_set_new(limits, key, json_integer(n));
	return 0;
}

int
limits_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	cleanup_json json_t *l = json_object();
	long long nano = 0;

	if (v[LIMITS_MEMORY].set &&
	    bytes(l, PD_F_LIMIT_MEMORY, "memory", v[LIMITS_MEMORY].value, false, err) < 0)
		return -1;
	if (v[LIMITS_MEMORY_SWAP].set && bytes(l, PD_F_LIMIT_MEMORY_SWAP, "memory-swap",
					       v[LIMITS_MEMORY_SWAP].value, true, err) < 0)
		return -1;
	if (v[LIMITS_MEMORY_RESERVATION].set &&
	    bytes(l, PD_F_LIMIT_MEMORY_RES, "memory-reservation",
		  v[LIMITS_MEMORY_RESERVATION].value, false, err) < 0)
		return -1;
	if (v[LIMITS_CPUS].set) {
		if (nano_cpus(v[LIMITS_CPUS].value, &nano, err) < 0)
			return -1;
		json_object_set_new(l, PD_F_LIMIT_NANO_CPUS, json_integer(nano));
	}
	if (v[LIMITS_CPU_SHARES].set && integer(l, PD_F_LIMIT_CPU_SHARES, "cpu-shares",
						v[LIMITS_CPU_SHARES].value, 2, 262144, err) < 0)
		return -1;
	if (v[LIMITS_CPUSET_CPUS].set &&
	    json_object_set_new(l, PD_F_LIMIT_CPUSET_CPUS,
				json_string(v[LIMITS_CPUSET_CPUS].value)) < 0)
		return pd_fail(err, PD_E_INVALID, "--cpuset-cpus is not valid UTF-8");
	if (v[LIMITS_PIDS_LIMIT].set) {
		/* docker: 0 and -1 both mean unlimited */
		if (strcmp(v[LIMITS_PIDS_LIMIT].value, "0") == 0)
			json_object_set_new(l, PD_F_LIMIT_PIDS, json_integer(-1));
		else if (integer(l, PD_F_LIMIT_PIDS, "pids-limit", v[LIMITS_PIDS_LIMIT].value, -1,
				 1LL << 22, err) < 0)
			return -1;
	}
	if (json_object_size(l) > 0)
		json_object_set_new(body, PD_F_LIMITS, steal_ptr(l));
	return 0;
}
