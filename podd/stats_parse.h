/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: the pure half of stats and top. Parsers of the kernel's
 * text files (cgroup files of v1 and v2, /proc/stat, /proc/PID/net/dev,
 * /proc/PID/stat) and docker's formulas over what they give. No system
 * calls: stats.c and top.c read the files and call these. Unit-tested
 * (tests/unit/test_stats_parse.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

/* The value of @key in a "key value" per line file (memory.stat, cpu.stat,
 * memory.events, memory.oom_control): 0 with *out, -1 when absent or not
 * a number. */
int stats_kv_get(const char *text, const char *key, long long *out);

/* A single number file (memory.usage_in_bytes, pids.current, cpuacct.usage,
 * memory.max, pids.max): "max" gives -1. -1 when it is not a number. */
int stats_number(const char *text, long long *out);

/* Bytes read and written in blkio.throttle.io_service_bytes (v1: "MAJ:MIN
 * Read N" lines; the "Total" lines are not added again) or io.stat (v2:
 * "MAJ:MIN rbytes=N wbytes=N ..."), summed over the devices. */
void stats_blkio_v1(const char *text, long long *read, long long *write);
void stats_io_v2(const char *text, long long *read, long long *write);

/* /proc/PID/net/dev: every interface but lo as {IF: {"rx_bytes","tx_bytes",
 * "rx_packets","tx_packets"}} (a new object), the bytes summed into *rx and
 * *tx. */
json_t *stats_net_dev(const char *text, long long *rx, long long *tx);

/* /proc/stat: the CPU time of the whole machine (the "cpu" line's fields
 * summed) in ns, given the clock ticks per second; -1 when malformed. */
long long stats_system_ns(const char *text, long hz);

/* docker's CPU %: the container's share of the machine's CPU time between
 * two samples, times the CPUs (so one busy CPU is 100%); 0 when either
 * delta is not positive. */
double stats_cpu_percent(long long cpu_delta_ns, long long system_delta_ns, int online_cpus);

/* What top shows of one process, from /proc/PID/stat (the whole line). */
struct top_proc {
	int ppid;
	int tty_nr;               /* field 7: 0 without a terminal */
	unsigned long long cpu;   /* utime + stime in clock ticks */
	unsigned long long start; /* start time in clock ticks since boot */
	char comm[64];
};
int top_parse_stat(const char *stat, struct top_proc *p);

/* The TTY column as ps prints it: "?", "pts/N" or "ttyN". */
void top_tty_name(int tty_nr, char *buf, size_t len);

/* The TIME column: "[DD-]HH:MM:SS" of @secs of CPU time. */
void top_cpu_time(unsigned long long secs, char *buf, size_t len);

/* The C column: CPU use in percent over the process's life, as ps's. */
unsigned top_cpu_use(unsigned long long cpu_ticks, unsigned long long age_ticks);

/* The CMD column from /proc/PID/cmdline (@len bytes, NUL-separated; may be
 * empty for a kernel thread or a zombie: "[comm]"). A new string. */
char *top_cmdline(const char *cmdline, size_t len, const char *comm);
