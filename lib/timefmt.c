/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 3339 formatting and parsing. Pure apart from reading the clock.
 */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int
pd_time_rfc3339(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	int n;

	/* Not strftime: in a static musl binary (podd-monitor) it drags in the
	 * time zone code and malloc, ~12 KB that every container would map. */
	if (gmtime_r(&ts->tv_sec, &tm) == NULL)
		return -1;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (long)ts->tv_nsec);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int
pd_time_rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return pd_time_rfc3339(&ts, buf, len);
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

int
pd_time_rfc3339_parse(const char *s, struct timespec *ts)
{
	struct tm tm = {0};
	int year, mon, day, hh, mm, ss, oh = 0, om = 0;
	long nsec = 0;
	long sign = 0;
	time_t t;

	if (digits(&s, 4, &year) < 0 || *s++ != '-' || digits(&s, 2, &mon) < 0 || *s++ != '-' ||
	    digits(&s, 2, &day) < 0 || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &hh) < 0 || *s++ != ':' || digits(&s, 2, &mm) < 0 || *s++ != ':' ||
	    digits(&s, 2, &ss) < 0)
		return -1;
	if (*s == '.') {
		long scale = 100000000;

		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		for (; isdigit((unsigned char)*s); s++) {
			nsec += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		s++;
		if (digits(&s, 2, &oh) < 0 || *s++ != ':' || digits(&s, 2, &om) < 0)
			return -1;
	} else {
		return -1;
	}
	if (*s != '\0' || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 ||
	    ss > 60 || oh > 23 || om > 59)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	/* Seconds are added after timegm, so that a leap second (:60) cannot
	 * move the date and a date that timegm had to normalise (Feb 30) shows. */
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != day)
		return -1;
	ts->tv_sec = t + ss - sign * (oh * 3600 + om * 60);
	ts->tv_nsec = nsec;
	return 0;
}

uint64_t
pd_time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
