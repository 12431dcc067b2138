/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: top, the processes of a container's cgroup as `ps -ef`
 * shows them (docker's top runs ps on the host and keeps the container's
 * pids; podd reads the same facts from /proc itself): UID PID PPID C STIME
 * TTY TIME CMD. User names come from the host's /etc/passwd, read as a
 * file (no NSS lookups in podd's loop).
 */
#include "stats.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "json.h"
#include "stats_parse.h"
#include "xalloc.h"

/* {"uid": name} of the host's /etc/passwd. */
static json_t *
host_users(void)
{
	json_t *users = json_object();
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;

	if (f == NULL)
		return users;
	while ((pw = fgetpwent(f)) != NULL) {
		char uid[16];

		(void)snprintf(uid, sizeof(uid), "%u", (unsigned)pw->pw_uid);
		if (json_object_get(users, uid) == NULL)
			json_object_set_new(users, uid, json_string(pw->pw_name));
	}
	(void)fclose(f);
	return users;
}

/* The effective uid of /proc/PID/status's "Uid:" line, as ps's UID. */
static long
status_uid(const char *status)
{
	const char *p = strstr(status, "\nUid:");
	unsigned long real, effective;

	if (p == NULL || sscanf(p + 5, "%lu %lu", &real, &effective) != 2)
		return -1;
	return (long)effective;
}

/* STIME: "HH:MM" today, else "MonDD", as ps. */
static void
start_text(time_t start, time_t now, char *buf, size_t len)
{
	struct tm s, n;

	localtime_r(&start, &s);
	localtime_r(&now, &n);
	if (s.tm_year == n.tm_year && s.tm_yday == n.tm_yday)
		(void)strftime(buf, len, "%H:%M", &s);
	else
		(void)strftime(buf, len, "%b%d", &s);
}

struct clock_facts {
	long hz;
	time_t boot; /* the boot time: now less the uptime */
	unsigned long long uptime_ticks;
	time_t now;
};

static void
clock_facts(struct clock_facts *k)
{
	char buf[128];
	double up = 0;

	k->hz = sysconf(_SC_CLK_TCK);
	k->now = time(NULL);
	if (stats_read_text(AT_FDCWD, "/proc/uptime", buf, sizeof(buf)) > 0)
		up = strtod(buf, NULL);
	k->uptime_ticks = (unsigned long long)(up * (double)k->hz);
	k->boot = k->now - (time_t)up;
}

/* One row, or NULL for a process gone meanwhile. */
static json_t *
process_row(pid_t pid, const struct clock_facts *k, const json_t *users)
{
	char path[64], stat[1024], status[4096], cmdline[4096];
	char uid_text[16], c[16], stime[16], tty[16], cpu[32], pid_text[16], ppid_text[16];
	cleanup_free char *cmd = NULL;
	struct top_proc p;
	const char *user;
	long uid, n;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (stats_read_text(AT_FDCWD, path, stat, sizeof(stat)) < 0 || top_parse_stat(stat, &p) < 0)
		return NULL;
	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (stats_read_text(AT_FDCWD, path, status, sizeof(status)) < 0)
		return NULL;
	(void)snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = stats_read_text(AT_FDCWD, path, cmdline, sizeof(cmdline));
	cmd = top_cmdline(cmdline, n < 0 ? 0 : (size_t)n, p.comm);
	uid = status_uid(status);
	(void)snprintf(uid_text, sizeof(uid_text), "%ld", uid);
	user = json_string_value(json_object_get(users, uid_text));
	(void)snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
	(void)snprintf(ppid_text, sizeof(ppid_text), "%d", p.ppid);
	(void)snprintf(
	    c, sizeof(c), "%u",
	    top_cpu_use(p.cpu, k->uptime_ticks > p.start ? k->uptime_ticks - p.start : 0));
	start_text(k->boot + (time_t)(p.start / (unsigned long long)k->hz), k->now, stime,
		   sizeof(stime));
	top_tty_name(p.tty_nr, tty, sizeof(tty));
	top_cpu_time(p.cpu / (unsigned long long)k->hz, cpu, sizeof(cpu));
	return json_pack("[s, s, s, s, s, s, s, s]", user != NULL ? user : uid_text, pid_text,
			 ppid_text, c, stime, tty, cpu, cmd);
}

json_t *
top_container(struct container *c, struct pd_err *err)
{
	cleanup_free char *rel = NULL;
	cleanup_free pid_t *pids = NULL;
	cleanup_json json_t *users = NULL;
	struct clock_facts k;
	json_t *procs;
	size_t n = 0;

	if (!ctr_state_up(c->rec.state)) {
		pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running", c->rec.spec.name);
		return NULL;
	}
	if (!cgroup_enabled(c->d)) {
		pd_fail(err, PD_E_INVALID,
			"top lists a container's cgroup: podd runs with --cgroup-layout none");
		return NULL;
	}
	rel = ctr_cgroup_rel(c);
	if (cgroup_pids(c->d, rel, &pids, &n, err) < 0) {
		pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
		return NULL;
	}
	clock_facts(&k);
	users = host_users();
	procs = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *row = process_row(pids[i], &k, users);

		if (row != NULL)
			json_array_append_new(procs, row);
	}
	return json_pack("{s:[s, s, s, s, s, s, s, s], s:o}", PD_F_TITLES, "UID", "PID", "PPID",
			 "C", "STIME", "TTY", "TIME", "CMD", PD_F_PROCESSES, procs);
}
