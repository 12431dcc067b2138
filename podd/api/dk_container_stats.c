/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine's top and stats of a container, from podd's (stats.h): stats
 * as the Engine's JSON (what `docker stats` computes its columns from),
 * one-shot or a stream of one a second.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "dk.h"
#include "dk_container.h"
#include "json.h"
#include "podd.h"
#include "stats.h"
#include "xalloc.h"

void
dk_ctr_top(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	cleanup_json json_t *top = NULL, *j = NULL;
	struct pd_err err = {0};

	if (c == NULL)
		return;
	if (!ctr_state_up(c->rec.state)) {
		dk_reply_error(r, 409, "Container %s is not running", c->rec.id);
		return;
	}
	if ((top = top_container(c, &err)) == NULL) {
		dk_reply_err(r, &err);
		return;
	}
	j = json_pack("{s:O, s:O}", "Titles", json_object_get(top, PD_F_TITLES), "Processes",
		      json_object_get(top, PD_F_PROCESSES));
	dk_reply_json(r, 200, j);
}

/* podd's cpu_stats {"total_usage","system_cpu_usage","online_cpus"} as
 * the Engine's. */
static json_t *
cpu(const json_t *s)
{
	return json_pack("{s:{s:O, s:i, s:i}, s:O, s:O, s:{s:i, s:i, s:i}}", "cpu_usage",
			 "total_usage", json_object_get(s, PD_F_TOTAL_USAGE) ?: json_integer(0),
			 "usage_in_kernelmode", 0, "usage_in_usermode", 0, "system_cpu_usage",
			 json_object_get(s, PD_F_SYSTEM_USAGE) ?: json_integer(0), "online_cpus",
			 json_object_get(s, PD_F_ONLINE_CPUS) ?: json_integer(0), "throttling_data",
			 "periods", 0, "throttled_periods", 0, "throttled_time", 0);
}

/* The Engine's stats object of podd's @s. Memory: docker shows usage
 * minus inactive_file; podd's "usage" is that already, "raw_usage" the
 * cgroup's, so inactive_file is their difference. */
static json_t *
engine_stats(const struct container *c, const json_t *s)
{
	const json_t *mem = json_object_get(s, PD_F_MEMORY), *pids = json_object_get(s, PD_F_PIDS);
	long long raw = json_integer_value(json_object_get(mem, PD_F_RAW_USAGE));
	long long shown = json_integer_value(json_object_get(mem, PD_F_USAGE));
	json_t *nets = json_object(), *n;
	const char *ifname;

	json_object_foreach (json_object_get(s, PD_F_NETWORKS), ifname, n)
		json_object_set_new(nets, ifname,
				    json_pack("{s:O, s:O, s:i, s:i, s:O, s:O, s:i, s:i}",
					      "rx_bytes", json_object_get(n, PD_F_RX_BYTES),
					      "rx_packets", json_object_get(n, PD_F_RX_PACKETS),
					      "rx_errors", 0, "rx_dropped", 0, "tx_bytes",
					      json_object_get(n, PD_F_TX_BYTES), "tx_packets",
					      json_object_get(n, PD_F_TX_PACKETS), "tx_errors", 0,
					      "tx_dropped", 0));
	return json_pack(
	    "{s:O, s:s, s:s+, s:s, s:o, s:o, s:{s:I, s:O, s:{s:I}}, s:{s:O, s:O}, s:o, "
	    "s:{s:[{s:i, s:i, s:s, s:O}, {s:i, s:i, s:s, s:O}]}, s:i}",
	    "read", json_object_get(s, PD_F_READ), "preread", "0001-01-01T00:00:00Z", "name", "/",
	    c->rec.spec.name, "id", c->rec.id, "cpu_stats", cpu(json_object_get(s, PD_F_CPU_STATS)),
	    "precpu_stats", cpu(json_object_get(s, PD_F_PRECPU_STATS)), "memory_stats", "usage",
	    (json_int_t)raw, "limit", json_object_get(mem, PD_F_LIMIT) ?: json_integer(0), "stats",
	    "inactive_file", (json_int_t)(raw > shown ? raw - shown : 0), "pids_stats", "current",
	    json_object_get(pids, PD_F_CURRENT) ?: json_integer(0), "limit",
	    json_object_get(pids, PD_F_LIMIT) ?: json_integer(0), "networks", nets, "blkio_stats",
	    "io_service_bytes_recursive", "major", 0, "minor", 0, "op", "read", "value",
	    json_object_get(s, PD_F_BLOCK_READ), "major", 0, "minor", 0, "op", "write", "value",
	    json_object_get(s, PD_F_BLOCK_WRITE), "num_procs", 0);
}

/* A stream: the container by id (it may go), a sample a second. */
struct stats_stream {
	struct dk_req *r;
	struct event *timer;
	char id[PD_ID_LEN + 1];
	json_t *prev; /* owned: the last sample's cpu_stats */
};

static void
stream_free(struct stats_stream *s)
{
	dk_on_gone(s->r, NULL, NULL);
	dk_stream_end(s->r);
	event_free(s->timer);
	json_decref(s->prev);
	free(s);
}

static void
stream_gone(void *arg)
{
	stream_free(arg);
}

static void
stream_tick(evutil_socket_t fd, short what, void *arg)
{
	struct stats_stream *s = arg;
	struct pd_err ignored;
	struct container *c = container_find(dk_podd(s->r), s->id, &ignored);
	cleanup_json json_t *sample = NULL, *out = NULL;
	const struct timeval second = {1, 0};

	(void)fd;
	(void)what;
	if (c == NULL) {
		stream_free(s);
		return;
	}
	sample = stats_read(c, s->prev);
	out = engine_stats(c, sample);
	json_decref(s->prev);
	s->prev = json_incref(json_object_get(sample, PD_F_CPU_STATS));
	/* A client that does not read gets no more than it has not taken. */
	if (dk_stream_unsent(s->r) < 64 * 1024)
		dk_stream_json(s->r, out);
	evtimer_add(s->timer, &second);
}

void
dk_ctr_stats(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	cleanup_json json_t *sample = NULL, *out = NULL;
	struct stats_stream *s;

	if (c == NULL)
		return;
	if (!dk_query_bool(r, "stream", true) || dk_query_bool(r, "one-shot", false)) {
		sample = stats_read(c, c->stats_prev);
		if (json_object_get(sample, PD_F_CPU_STATS) != NULL) {
			json_decref(c->stats_prev);
			c->stats_prev = json_incref(json_object_get(sample, PD_F_CPU_STATS));
		}
		out = engine_stats(c, sample);
		dk_reply_json(r, 200, out);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->r = r;
	memcpy(s->id, c->rec.id, sizeof(s->id));
	s->prev = c->stats_prev != NULL ? json_incref(c->stats_prev) : NULL;
	s->timer = evtimer_new(dk_podd(r)->base, stream_tick, s);
	dk_stream_start(r, 200, "application/json");
	dk_on_gone(r, stream_gone, s);
	stream_tick(-1, 0, s);
}
