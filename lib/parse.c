/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parsers; see parse.h.
 */
#include "parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

int
pd_parse_int(const char *s, long long min, long long max, long long *out, struct pd_err *err)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return pd_fail(err, PD_E_INVALID, "\"%s\" is not a number", s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || (end != NULL && *end == '\0' && (v < min || v > max)))
		return pd_fail(err, PD_E_INVALID, "%s is out of range (%lld to %lld)", s, min, max);
	if (errno != 0 || end == NULL || *end != '\0')
		return pd_fail(err, PD_E_INVALID, "\"%.64s\" is not a number", s);
	*out = v;
	return 0;
}

int
pd_parse_size(const char *s, unsigned long long max, unsigned long long *out, struct pd_err *err)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
	    {"", 0},     {"b", 0},  {"k", 10},  {"kb", 10},  {"kib", 10}, {"m", 20},  {"mb", 20},
	    {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},   {"tb", 40}, {"tib", 40},
	};
	size_t nd = strspn(s, "0123456789");
	char digits[24];
	long long v = 0;
	struct pd_err ignored;

	if (nd == 0 || nd >= sizeof(digits))
		goto bad;
	memcpy(digits, s, nd);
	digits[nd] = '\0';
	if (pd_parse_int(digits, 0, max > LLONG_MAX ? LLONG_MAX : (long long)max, &v, &ignored) < 0)
		goto bad;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(s + nd, units[i].suffix) != 0)
			continue;
		if ((unsigned long long)v > (max >> units[i].shift))
			goto bad;
		*out = (unsigned long long)v << units[i].shift;
		return 0;
	}
bad:
	return pd_fail(err, PD_E_INVALID, "size \"%.40s\" is not a size (a number with k, m or g)",
		       s);
}

static const struct {
	const char *unit;
	long long ms;
} duration_units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
};

#define DURATION_MAX_MS (366LL * 24 * 3600 * 1000)

int
pd_parse_duration_ms(const char *s, long long *out_ms, struct pd_err *err)
{
	const char *p = s;
	long long total = 0;

	if (s == NULL || *s == '\0')
		return pd_fail(err, PD_E_INVALID, "empty duration");
	while (*p) {
		long long v = 0, unit_ms = -1;
		size_t ulen = 0;
		int nd = 0;

		for (; isdigit((unsigned char)*p); p++, nd++) {
			if (v > DURATION_MAX_MS)
				return pd_fail(err, PD_E_INVALID, "duration \"%.64s\" is too long",
					       s);
			v = v * 10 + (*p - '0');
		}
		if (nd == 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "\"%.64s\" is not a duration (examples: 10, 10s, 500ms, 1m30s)", s);
		if (*p == '\0' && p - nd == s) {
			unit_ms = 1000; /* a bare number is seconds */
		} else {
			for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]);
			     i++) {
				size_t l = strlen(duration_units[i].unit);

				if (strncmp(p, duration_units[i].unit, l) == 0 && l > ulen &&
				    !isalpha((unsigned char)p[l])) {
					unit_ms = duration_units[i].ms;
					ulen = l;
				}
			}
		}
		if (unit_ms <= 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "\"%.64s\" is not a duration (examples: 10, 10s, 500ms, 1m30s)", s);
		p += ulen;
		if (v > DURATION_MAX_MS / unit_ms)
			return pd_fail(err, PD_E_INVALID, "duration \"%.64s\" is too long", s);
		total += v * unit_ms;
		if (total > DURATION_MAX_MS)
			return pd_fail(err, PD_E_INVALID, "duration \"%.64s\" is too long", s);
	}
	*out_ms = total;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},     {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

#define N_SIGNAL_NAMES (sizeof(signal_names) / sizeof(signal_names[0]))

const char *
pd_signal_name(int sig)
{
	for (size_t i = 0; i < N_SIGNAL_NAMES; i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	return NULL;
}

int
pd_parse_signal(const char *s, int *sig, struct pd_err *err)
{
	const char *name = s;
	struct pd_err ignored;
	long long n = 0;

	if (s == NULL || *s == '\0')
		return pd_fail(err, PD_E_INVALID, "empty signal");
	if (pd_parse_int(s, 1, 64, &n, &ignored) == 0) {
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < N_SIGNAL_NAMES; i++) {
		if (strcasecmp(name, signal_names[i].name) == 0) {
			*sig = signal_names[i].sig;
			return 0;
		}
	}
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		long long off = 0;

		if (name[5] != '\0' &&
		    ((name[5] != '+' && name[5] != '-') ||
		     pd_parse_int(name + 6, 0, SIGRTMAX - SIGRTMIN, &off, &ignored) < 0))
			goto bad;
		if (name[5] == '-')
			off = -off;
		n = min ? SIGRTMIN + off : SIGRTMAX + off;
		if (n < SIGRTMIN || n > SIGRTMAX)
			goto bad;
		*sig = (int)n;
		return 0;
	}
bad:
	return pd_fail(err, PD_E_INVALID, "unknown signal \"%.32s\"", s);
}

int
pd_parse_kv(const char *s, char **key, const char **value, struct pd_err *err)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL)
		return pd_fail(err, PD_E_INVALID, "\"%.64s\" is not KEY=VALUE", s);
	if (eq == s)
		return pd_fail(err, PD_E_INVALID, "\"%.64s\" has an empty key", s);
	*key = xstrndup(s, (size_t)(eq - s));
	*value = eq + 1;
	return 0;
}

int
pd_copy_bounded(char *dst, size_t len, const char *src, const char *what, struct pd_err *err)
{
	size_t n = strlen(src);

	if (n >= len)
		return pd_fail(err, PD_E_INVALID, "%s is too long", what);
	memcpy(dst, src, n + 1);
	return 0;
}

int
pd_parse_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
