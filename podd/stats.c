/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: a container's stats from its cgroup files and its
 * network namespace, and the stats endpoints with their streams; see
 * stats.h. The reads are small cgroupfs and procfs files: nothing blocks.
 */
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "stats_parse.h"
#include "timefmt.h"
#include "xalloc.h"

/* Bytes a stream lets wait for its client before it skips samples. */
#define STREAM_UNSENT_MAX ((size_t)256 * 1024)

long
stats_read_text(int dirfd, const char *path, char *buf, size_t size)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (long)len;
}

/* A number file of @controller's dir @fd; -2 when unreadable. */
static long long
file_number(int fd, const char *name)
{
	char buf[64];
	long long v;

	if (fd < 0 || stats_read_text(fd, name, buf, sizeof(buf)) < 0 || stats_number(buf, &v) < 0)
		return -2;
	return v;
}

static long long
file_key(int fd, const char *name, const char *key)
{
	char buf[8192];
	long long v;

	if (fd < 0 || stats_read_text(fd, name, buf, sizeof(buf)) < 0 ||
	    stats_kv_get(buf, key, &v) < 0)
		return 0;
	return v;
}

static int
ctl_dir(struct podd *d, const char *rel, const char *controller)
{
	struct pd_err ignored;

	return cgroup_dir_open(d, rel, controller, &ignored);
}

/* The machine's side of a CPU sample: its CPU time and online CPUs. */
static json_t *
cpu_json(long long usage_ns)
{
	char buf[4096];
	long long sys = -1;

	if (stats_read_text(AT_FDCWD, "/proc/stat", buf, sizeof(buf)) > 0)
		sys = stats_system_ns(buf, sysconf(_SC_CLK_TCK));
	return json_pack("{s:I, s:I, s:i}", PD_F_TOTAL_USAGE, (json_int_t)usage_ns,
			 PD_F_SYSTEM_USAGE, (json_int_t)(sys < 0 ? 0 : sys), PD_F_ONLINE_CPUS,
			 (int)sysconf(_SC_NPROCESSORS_ONLN));
}

static long long
cpu_usage_ns(struct podd *d, const char *rel)
{
	if (cgroup_on_v2(d, "cpu")) {
		cleanup_close int fd = ctl_dir(d, rel, "cpu");

		return file_key(fd, "cpu.stat", "usage_usec") * 1000;
	} else {
		cleanup_close int fd = ctl_dir(d, rel, "cpuacct");
		long long v = file_number(fd, "cpuacct.usage");

		return v < 0 ? 0 : v;
	}
}

static double
cpu_percent(const json_t *cur, const json_t *prev)
{
	long long c0, c1, s0, s1;

	if (prev == NULL)
		return 0.0;
	c0 = json_integer_value(json_object_get(prev, PD_F_TOTAL_USAGE));
	s0 = json_integer_value(json_object_get(prev, PD_F_SYSTEM_USAGE));
	c1 = json_integer_value(json_object_get(cur, PD_F_TOTAL_USAGE));
	s1 = json_integer_value(json_object_get(cur, PD_F_SYSTEM_USAGE));
	return stats_cpu_percent(c1 - c0, s1 - s0,
				 (int)json_integer_value(json_object_get(cur, PD_F_ONLINE_CPUS)));
}

/* Memory as docker shows it: the usage without the inactive page cache,
 * the limit (the machine's memory when there is none). */
static json_t *
memory_json(struct podd *d, const char *rel)
{
	cleanup_close int fd = ctl_dir(d, rel, "memory");
	bool v2 = cgroup_on_v2(d, "memory");
	long long raw = file_number(fd, v2 ? "memory.current" : "memory.usage_in_bytes");
	long long limit = file_number(fd, v2 ? "memory.max" : "memory.limit_in_bytes");
	long long inactive =
	    file_key(fd, "memory.stat", v2 ? "inactive_file" : "total_inactive_file");
	long long host = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	long long usage;

	if (raw < 0)
		raw = 0;
	usage = inactive < raw ? raw - inactive : raw;
	if (limit < 0 || limit > host)
		limit = host;
	return json_pack("{s:I, s:I, s:I, s:f}", PD_F_USAGE, (json_int_t)usage, PD_F_RAW_USAGE,
			 (json_int_t)raw, PD_F_LIMIT, (json_int_t)limit, PD_F_PERCENT,
			 limit > 0 ? (double)usage * 100.0 / (double)limit : 0.0);
}

static json_t *
pids_json(struct podd *d, const char *rel)
{
	cleanup_close int fd = ctl_dir(d, rel, "pids");
	long long cur = file_number(fd, "pids.current");
	long long max = file_number(fd, "pids.max");

	if (cur < 0) { /* no pids controller: count its members */
		cleanup_free pid_t *pids = NULL;
		struct pd_err ignored;
		size_t n = 0;

		cur = cgroup_pids(d, rel, &pids, &n, &ignored) == 0 ? (long long)n : 0;
	}
	return json_pack("{s:I, s:I}", PD_F_CURRENT, (json_int_t)cur, PD_F_LIMIT,
			 (json_int_t)(max < 0 ? 0 : max));
}

static void
block_io(struct podd *d, const char *rel, long long *rd, long long *wr)
{
	bool v2 = cgroup_on_v2(d, "io");
	cleanup_close int fd = ctl_dir(d, rel, v2 ? "io" : "blkio");
	char buf[8192];

	*rd = *wr = 0;
	if (fd < 0 || stats_read_text(fd, v2 ? "io.stat" : "blkio.throttle.io_service_bytes", buf,
				      sizeof(buf)) < 0)
		return;
	if (v2)
		stats_io_v2(buf, rd, wr);
	else
		stats_blkio_v1(buf, rd, wr);
}

/* The interfaces of @pid's network namespace; none when it is the host's
 * (podd's own), as docker shows none for --network host. */
static json_t *
networks_json(pid_t pid, long long *rx, long long *tx)
{
	char path[64], buf[16384];
	struct stat mine, theirs;

	*rx = *tx = 0;
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (pid <= 0 || stat("/proc/self/ns/net", &mine) < 0 || stat(path, &theirs) < 0 ||
	    mine.st_ino == theirs.st_ino)
		return json_object();
	(void)snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
	if (stats_read_text(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return json_object();
	return stats_net_dev(buf, rx, tx);
}

json_t *
stats_read(struct container *c, const json_t *prev)
{
	struct podd *d = c->d;
	cleanup_free char *rel = ctr_cgroup_rel(c);
	bool up = ctr_state_up(c->rec.state) && cgroup_enabled(d);
	struct pd_err ignored;
	const struct pod *pod =
	    c->rec.spec.pod[0] != '\0' ? pod_find(d, c->rec.spec.pod, &ignored) : NULL;
	char now[PD_TIME_RFC3339_MAX];
	long long rx = 0, tx = 0, rd = 0, wr = 0;
	json_t *cpu = cpu_json(up ? cpu_usage_ns(d, rel) : 0);
	json_t *j;

	pd_time_rfc3339_now(now, sizeof(now));
	j = json_pack("{s:s, s:s, s:s, s:s, s:f, s:o, s:O}", PD_F_ID, c->rec.id, PD_F_NAME,
		      c->rec.spec.name, PD_F_STATE, ctr_state_name(c->rec.state), PD_F_READ, now,
		      PD_F_CPU_PERCENT, up ? cpu_percent(cpu, prev) : 0.0, PD_F_CPU_STATS, cpu,
		      PD_F_PRECPU_STATS, prev != NULL ? prev : json_null());
	if (pod != NULL)
		json_object_set_new(j, PD_F_POD, json_string(pod->rec.spec.name));
	if (up) {
		json_object_set_new(j, PD_F_MEMORY, memory_json(d, rel));
		json_object_set_new(j, PD_F_PIDS, pids_json(d, rel));
		json_object_set_new(j, PD_F_NETWORKS, networks_json(c->rec.pid, &rx, &tx));
		block_io(d, rel, &rd, &wr);
	} else {
		json_object_set_new(j, PD_F_MEMORY,
				    json_pack("{s:i, s:i, s:i, s:f}", PD_F_USAGE, 0, PD_F_RAW_USAGE,
					      0, PD_F_LIMIT, 0, PD_F_PERCENT, 0.0));
		json_object_set_new(j, PD_F_PIDS,
				    json_pack("{s:i, s:i}", PD_F_CURRENT, 0, PD_F_LIMIT, 0));
		json_object_set_new(j, PD_F_NETWORKS, json_object());
	}
	json_object_set_new(j, PD_F_NET_RX, json_integer(rx));
	json_object_set_new(j, PD_F_NET_TX, json_integer(tx));
	json_object_set_new(j, PD_F_BLOCK_READ, json_integer(rd));
	json_object_set_new(j, PD_F_BLOCK_WRITE, json_integer(wr));
	return j;
}

void
stats_on_running(struct container *c)
{
	/* Its leaf is new at each start: its CPU time starts at 0. */
	json_decref(c->stats_prev);
	c->stats_prev = cpu_json(0);
}

/* A one-shot read: against the container's earlier sample, which it
 * replaces. */
static json_t *
read_once(struct container *c)
{
	json_t *j = stats_read(c, c->stats_prev);

	if (ctr_state_up(c->rec.state)) {
		json_decref(c->stats_prev);
		c->stats_prev = json_incref(json_object_get(j, PD_F_CPU_STATS));
	}
	return j;
}

/* ---- streams ------------------------------------------------------------ */

struct stats_stream {
	TAILQ_ENTRY(stats_stream) entry;
	struct podd *d;             /* borrowed */
	struct evhttp_request *req; /* borrowed from evhttp */
	struct event *timer;        /* owned */
	char id[PD_ID_LEN + 1];     /* one container's, or "" for all running */
	json_t *prev;               /* owned: {id: cpu_stats} of the last sample */
};
TAILQ_HEAD(stats_stream_list, stats_stream);

struct stats_streams {
	struct stats_stream_list list;
};

static struct stats_streams *
streams_get(struct podd *d)
{
	if (d->stats_streams == NULL) {
		d->stats_streams = xcalloc(1, sizeof(*d->stats_streams));
		TAILQ_INIT(&d->stats_streams->list);
	}
	return d->stats_streams;
}

static void
stream_end(struct stats_stream *s)
{
	TAILQ_REMOVE(&s->d->stats_streams->list, s, entry);
	event_free(s->timer);
	json_decref(s->prev);
	if (s->req != NULL) {
		http_conn_on_gone(s->req, NULL, NULL);
		evhttp_send_reply_end(s->req);
	}
	free(s);
}

static void
on_stream_gone(void *arg)
{
	struct stats_stream *s = arg;

	evhttp_send_reply_end(s->req); /* frees the detached request */
	s->req = NULL;
	stream_end(s);
}

/* A sample of @c against the stream's last one, which it replaces. */
static json_t *
stream_sample(struct stats_stream *s, struct container *c)
{
	json_t *j = stats_read(c, json_object_get(s->prev, c->rec.id));

	json_object_set(s->prev, c->rec.id, json_object_get(j, PD_F_CPU_STATS));
	return j;
}

/* Send one line: a sample of the container, or of every running one. */
static void
stream_send(struct stats_stream *s)
{
	cleanup_json json_t *line = NULL;
	struct container *c;

	if (s->id[0] != '\0') {
		struct pd_err ignored;

		c = container_find(s->d, s->id, &ignored);
		/* As docker's, the stream of one container ends with it. */
		if (c == NULL || !ctr_state_up(c->rec.state)) {
			stream_end(s);
			return;
		}
		line = stream_sample(s, c);
	} else {
		line = json_array();
		TAILQ_FOREACH (c, &s->d->containers, entry)
			if (ctr_state_up(c->rec.state))
				json_array_append_new(line, stream_sample(s, c));
	}
	if (http_conn_unsent(s->req) > STREAM_UNSENT_MAX)
		return; /* a client that does not read misses samples */
	http_send_json_line(s->req, line);
}

static void
on_stream_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stream_send(arg);
}

static void
stream_start(struct podd *d, struct evhttp_request *req, const char *id)
{
	static const struct timeval second = {.tv_sec = 1};
	struct stats_stream *s = xcalloc(1, sizeof(*s));

	s->d = d;
	s->req = req;
	s->prev = json_object();
	(void)snprintf(s->id, sizeof(s->id), "%s", id != NULL ? id : "");
	s->timer = event_new(d->base, -1, EV_PERSIST, on_stream_timer, s);
	if (s->timer == NULL || event_add(s->timer, &second) < 0)
		abort();
	TAILQ_INSERT_TAIL(&streams_get(d)->list, s, entry);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/x-ndjson");
	evhttp_send_reply_start(req, 200, "OK");
	http_conn_on_gone(req, on_stream_gone, s);
	stream_send(s); /* the first sample at once (may end the stream) */
}

/* ?stream=BOOL (false when absent), and nothing else. */
static int
stream_query(struct evhttp_request *req, bool *stream)
{
	static const char *const params[] = {PD_Q_STREAM, NULL};
	struct http_query *q = http_action_query(req, params);
	struct pd_err err = {0};
	const char *v;

	if (q == NULL)
		return -1;
	*stream = false;
	v = http_query_get(q, PD_Q_STREAM);
	if (v != NULL && http_parse_bool(v, PD_Q_STREAM, stream, &err) < 0) {
		http_query_free(q);
		http_reply_error(req, &err);
		return -1;
	}
	http_query_free(q);
	return 0;
}

void
api_container_stats(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	struct container *c;
	bool stream;

	if (stream_query(req, &stream) < 0)
		return;
	c = container_find(d, arg, &err);
	if (c == NULL) {
		http_reply_error(req, &err);
		return;
	}
	if (stream && ctr_state_up(c->rec.state)) {
		stream_start(d, req, c->rec.id);
		return;
	}
	j = read_once(c);
	http_reply_json(req, 200, j);
}

void
api_stats(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *list = NULL;
	struct container *c;
	bool stream;

	(void)arg;
	if (stream_query(req, &stream) < 0)
		return;
	if (stream) {
		stream_start(d, req, NULL);
		return;
	}
	list = json_array();
	TAILQ_FOREACH (c, &d->containers, entry)
		if (ctr_state_up(c->rec.state))
			json_array_append_new(list, read_once(c));
	http_reply_json(req, 200, list);
}

void
stats_teardown(struct podd *d)
{
	struct stats_stream *s;

	if (d->stats_streams == NULL)
		return;
	while ((s = TAILQ_FIRST(&d->stats_streams->list)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		stream_end(s);
	free(d->stats_streams);
	d->stats_streams = NULL;
}
