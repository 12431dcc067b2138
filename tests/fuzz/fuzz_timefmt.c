/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: pd_time_rfc3339_parse on a NUL-terminated copy of the
 * input, and pd_time_rfc3339 on a timespec taken from its first bytes. A
 * parsed time in years 1000..9999 must format and parse back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const struct timespec *ts)
{
	char buf[PD_TIME_RFC3339_MAX];
	struct timespec back;
	struct tm tm;

	if (gmtime_r(&ts->tv_sec, &tm) == NULL || tm.tm_year + 1900 < 1000 ||
	    tm.tm_year + 1900 > 9999)
		return;
	if (pd_time_rfc3339(ts, buf, sizeof(buf)) < 0)
		abort();
	if (pd_time_rfc3339_parse(buf, &back) < 0 || back.tv_sec != ts->tv_sec ||
	    back.tv_nsec != ts->tv_nsec)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char buf[PD_TIME_RFC3339_MAX];
	struct timespec ts;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pd_time_rfc3339_parse(s, &ts) == 0) {
		if (ts.tv_nsec < 0 || ts.tv_nsec > 999999999)
			abort();
		round_trip(&ts);
	}
	free(s);

	/* Any timespec formats without overflowing, or fails. */
	if (size >= sizeof(int64_t) + sizeof(int32_t)) {
		int64_t sec;
		int32_t nsec;

		memcpy(&sec, data, sizeof(sec));
		memcpy(&nsec, data + sizeof(sec), sizeof(nsec));
		ts.tv_sec = (time_t)sec;
		ts.tv_nsec = nsec;
		if (pd_time_rfc3339(&ts, buf, sizeof(buf)) == 0 && strlen(buf) >= sizeof(buf))
			abort();
		if (nsec >= 0 && nsec <= 999999999)
			round_trip(&ts);
	}
	return 0;
}
