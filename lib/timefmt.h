/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time formats: RFC 3339 with nanoseconds in UTC (logs, the API, CRI log
 * lines) and the monotonic clock in milliseconds (timeouts, benchmarks).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2026-11-23T08:17:01.123456789Z" plus NUL. */
#define PD_TIME_RFC3339_MAX 40

/* Format @ts (CLOCK_REALTIME) into @buf. Returns 0, or -1 if @len is too small. */
int pd_time_rfc3339(const struct timespec *ts, char *buf, size_t len);

/* Format the current time into @buf. Returns 0, or -1 if @len is too small. */
int pd_time_rfc3339_now(char *buf, size_t len);

/* Parse an RFC 3339 time with optional fraction and "Z" or "+HH:MM" offset. */
int pd_time_rfc3339_parse(const char *s, struct timespec *ts);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t pd_time_mono_ms(void);
