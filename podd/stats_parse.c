/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: parsers of the kernel's stats files and docker's
 * formulas; see stats_parse.h. The file formats: Documentation/admin-guide/
 * cgroup-v2.rst (memory.stat, io.stat, cpu.stat), cgroup-v1/blkio-
 * controller.rst, proc(5) (/proc/stat, /proc/PID/stat, /proc/net/dev).
 */
#include "stats_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "xalloc.h"

/* strtoll of a whole word at @s: 0 with *out and *end past it. */
static int
number_at(const char *s, long long *out, const char **end)
{
	char *e;
	long long v;

	errno = 0;
	v = strtoll(s, &e, 10);
	if (e == s || errno != 0)
		return -1;
	*out = v;
	if (end != NULL)
		*end = e;
	return 0;
}

int
stats_kv_get(const char *text, const char *key, long long *out)
{
	size_t klen = strlen(key);

	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return number_at(line + klen + 1, out, NULL);
		line = nl != NULL ? nl + 1 : NULL;
	}
	return -1;
}

int
stats_number(const char *text, long long *out)
{
	if (strncmp(text, "max", 3) == 0 && (text[3] == '\n' || text[3] == '\0')) {
		*out = -1;
		return 0;
	}
	return number_at(text, out, NULL);
}

void
stats_blkio_v1(const char *text, long long *read, long long *write)
{
	*read = *write = 0;
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		char dev[32], op[16];
		long long v;

		/* "8:0 Read 4096"; "Total N" at the end has no device */
		if (sscanf(line, "%31s %15s %lld", dev, op, &v) == 3 && strchr(dev, ':') != NULL) {
			if (strcmp(op, "Read") == 0)
				*read += v;
			else if (strcmp(op, "Write") == 0)
				*write += v;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
}

void
stats_io_v2(const char *text, long long *read, long long *write)
{
	*read = *write = 0;
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		const char *end = nl != NULL ? nl : line + strlen(line);
		const char *p = strchr(line, ' ');
		long long v;

		while (p != NULL && p < end) {
			p++;
			if (strncmp(p, "rbytes=", 7) == 0 && number_at(p + 7, &v, NULL) == 0)
				*read += v;
			else if (strncmp(p, "wbytes=", 7) == 0 && number_at(p + 7, &v, NULL) == 0)
				*write += v;
			p = strchr(p, ' ');
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
}

json_t *
stats_net_dev(const char *text, long long *rx, long long *tx)
{
	json_t *nets = json_object();

	*rx = *tx = 0;
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		const char *colon = strchr(line, ':');
		/* rx: bytes packets errs drop fifo frame compressed multicast;
		 * tx: bytes packets ... */
		long long f[10];
		const char *p;
		char name[32];
		size_t n = 0;

		if (colon == NULL || (nl != NULL && colon > nl))
			goto next;
		p = line;
		while (*p == ' ')
			p++;
		if ((size_t)(colon - p) >= sizeof(name) || colon == p)
			goto next;
		memcpy(name, p, (size_t)(colon - p));
		name[colon - p] = '\0';
		p = colon + 1;
		while (n < 10 && number_at(p, &f[n], &p) == 0)
			n++;
		if (n < 10 || strcmp(name, "lo") == 0)
			goto next;
		json_object_set_new(nets, name,
				    json_pack("{s:I, s:I, s:I, s:I}", PD_F_RX_BYTES,
					      (json_int_t)f[0], PD_F_TX_BYTES, (json_int_t)f[8],
					      PD_F_RX_PACKETS, (json_int_t)f[1], PD_F_TX_PACKETS,
					      (json_int_t)f[9]));
		*rx += f[0];
		*tx += f[8];
next:
		line = nl != NULL ? nl + 1 : NULL;
	}
	return nets;
}

long long
stats_system_ns(const char *text, long hz)
{
	const char *p;
	long long sum = 0, v;
	int n = 0;

	if (strncmp(text, "cpu ", 4) != 0 || hz <= 0)
		return -1;
	p = text + 4;
	while (number_at(p, &v, &p) == 0) {
		sum += v;
		n++;
	}
	if (n < 4)
		return -1;
	return sum * (1000000000LL / hz);
}

double
stats_cpu_percent(long long cpu_delta_ns, long long system_delta_ns, int online_cpus)
{
	if (cpu_delta_ns <= 0 || system_delta_ns <= 0 || online_cpus <= 0)
		return 0.0;
	return (double)cpu_delta_ns / (double)system_delta_ns * online_cpus * 100.0;
}

int
top_parse_stat(const char *stat, struct top_proc *p)
{
	const char *open = strchr(stat, '(');
	const char *close = strrchr(stat, ')');
	unsigned long long utime, stime, start;
	size_t n;
	int ppid, tty;

	memset(p, 0, sizeof(*p));
	if (open == NULL || close == NULL || close < open)
		return -1;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';
	/* after ") ": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8)
	 * flags(9) minflt cminflt majflt cmajflt utime(14) stime(15) cutime
	 * cstime priority nice num_threads itrealvalue starttime(22) */
	if (sscanf(close + 1,
		   " %*c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d "
		   "%llu",
		   &ppid, &tty, &utime, &stime, &start) != 5)
		return -1;
	p->ppid = ppid;
	p->tty_nr = tty;
	p->cpu = utime + stime;
	p->start = start;
	return 0;
}

void
top_tty_name(int tty_nr, char *buf, size_t len)
{
	unsigned major = ((unsigned)tty_nr >> 8) & 0xfff;
	unsigned minor = ((unsigned)tty_nr & 0xff) | (((unsigned)tty_nr >> 12) & 0xfff00);

	if (tty_nr == 0)
		(void)snprintf(buf, len, "?");
	else if (major >= 136 && major <= 143) /* Unix98 pty slaves */
		(void)snprintf(buf, len, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		(void)snprintf(buf, len, "tty%u", minor);
	else
		(void)snprintf(buf, len, "%u:%u", major, minor);
}

void
top_cpu_time(unsigned long long secs, char *buf, size_t len)
{
	unsigned long long days = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60,
			   s = secs % 60;

	if (days > 0)
		(void)snprintf(buf, len, "%llu-%02llu:%02llu:%02llu", days, h, m, s);
	else
		(void)snprintf(buf, len, "%02llu:%02llu:%02llu", h, m, s);
}

unsigned
top_cpu_use(unsigned long long cpu_ticks, unsigned long long age_ticks)
{
	if (age_ticks == 0)
		return 0;
	return (unsigned)(cpu_ticks * 100 / age_ticks);
}

char *
top_cmdline(const char *cmdline, size_t len, const char *comm)
{
	char *s;

	while (len > 0 && cmdline[len - 1] == '\0')
		len--;
	if (len == 0)
		return xasprintf("[%s]", comm);
	s = xmalloc(len + 1); /* not strndup: the arguments are NUL-separated */
	memcpy(s, cmdline, len);
	s[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0' || s[i] == '\n')
			s[i] = ' ';
	return s;
}
