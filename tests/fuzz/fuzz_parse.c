/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the lib/parse functions (integers, durations, signals,
 * K=V) on a NUL-terminated copy of the input. Whatever they accept must be in
 * range and must read back the same.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const struct pd_err *err)
{
	if (err->kind != PD_E_INVALID || strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg))
		abort();
}

static void
fuzz_int(const char *s, long long min, long long max)
{
	struct pd_err err = {0};
	char back[32];
	long long v, again;

	if (pd_parse_int(s, min, max, &v, &err) < 0) {
		check_err(&err);
		return;
	}
	if (v < min || v > max)
		abort();
	if (snprintf(back, sizeof(back), "%lld", v) >= (int)sizeof(back))
		abort();
	if (pd_parse_int(back, min, max, &again, &err) < 0 || again != v)
		abort();
}

static void
fuzz_duration(const char *s)
{
	struct pd_err err = {0};
	long long ms;

	if (pd_parse_duration_ms(s, &ms, &err) < 0) {
		check_err(&err);
		return;
	}
	if (ms < 0 || ms > 366LL * 24 * 3600 * 1000)
		abort();
}

static void
fuzz_signal(const char *s)
{
	struct pd_err err = {0};
	const char *name;
	int sig, again;

	if (pd_parse_signal(s, &sig, &err) < 0) {
		check_err(&err);
		return;
	}
	if (sig < 1 || sig > 64)
		abort();
	name = pd_signal_name(sig);
	if (name != NULL && (pd_parse_signal(name, &again, &err) < 0 || again != sig))
		abort();
}

static void
fuzz_kv(const char *s)
{
	struct pd_err err = {0};
	const char *value;
	char *key;

	if (pd_parse_kv(s, &key, &value, &err) < 0) {
		check_err(&err);
		return;
	}
	if (key[0] == '\0' || strchr(key, '=') != NULL || value != strchr(s, '=') + 1)
		abort();
	free(key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_int(s, 0, 65535);
	fuzz_int(s, -10, 10);
	fuzz_int(s, LLONG_MIN, LLONG_MAX);
	fuzz_duration(s);
	fuzz_signal(s);
	fuzz_kv(s);
	free(s);
	return 0;
}
