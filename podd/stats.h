/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: what a container uses, as docker's stats shows it, read
 * from its cgroup (cgroup.h: cgroup_dir_open on v1 or v2) and from the
 * network namespace of its workload (/proc/PID/net/dev); the stats streams
 * of GET /v1/containers/X/stats?stream=1 and GET /v1/stats?stream=1 (a
 * timer per stream: a sample a second, nothing blocks; a client that goes
 * away ends its stream); and top, from the pids of its cgroup and /proc.
 *
 * CPU % is docker's: the container's CPU time over the machine's (the sum
 * of /proc/stat's "cpu" line) between two samples, times the online CPUs.
 * A one-shot read takes its earlier sample from the container (its start,
 * or the one-shot read before), so it answers at once; a stream keeps its
 * own.
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

struct container;
struct podd;
struct evhttp_request;

/* The stats object of @c (lib/api.h; a new reference). @prev (borrowed,
 * may be NULL) is the "cpu_stats" of an earlier sample. A container that
 * does not run has zeros. */
json_t *stats_read(struct container *c, const json_t *prev);

/* At each start of @c: the baseline of its one-shot reads (c->stats_prev). */
void stats_on_running(struct container *c);

/* Read at most @size - 1 bytes of @path (relative to @dirfd) into @buf,
 * NUL-terminated: the head of a kernel file that may be long (/proc/stat).
 * Returns the length, or -1 (errno set). */
long stats_read_text(int dirfd, const char *path, char *buf, size_t size);

/* GET /v1/containers/X/stats and GET /v1/stats (http.c's routes). */
void api_container_stats(struct podd *d, struct evhttp_request *req, const char *arg);
void api_stats(struct podd *d, struct evhttp_request *req, const char *arg);

/* End every stream (podd's shutdown). */
void stats_teardown(struct podd *d);

/* top.c: {"titles":[...],"processes":[[...]]} of the processes in @c's
 * cgroup (a new reference), or NULL with @err. */
struct pd_err;
json_t *top_container(struct container *c, struct pd_err *err);
