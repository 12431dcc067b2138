/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside a proxy (proxy.h): the struct that proxy.c (binding, start, free),
 * proxy_tcp.c (the TCP relay) and proxy_udp.c (UDP sessions) share, and what
 * each of the two relays offers the first. Private to those three files.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/queue.h>

#include "proxy.h"

#define PROXY_UDP_BUCKETS 256

struct event;
struct evconnlistener;
struct tcp_conn;
struct udp_session;
TAILQ_HEAD(tcp_conn_list, tcp_conn);
TAILQ_HEAD(udp_session_list, udp_session);
LIST_HEAD(udp_session_bucket, udp_session);

/* A client's address, of either family. */
union proxy_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct proxy {
	struct event_base *base; /* borrowed */
	struct port_map map;
	int family; /* of the listening socket: AF_INET, or AF_INET6 for the twin */
	/* owned, NULL without one: the same map on [::] (v4-mapped off), for a
	 * map on every address, so the port answers IPv6 clients too */
	struct proxy *v6;
	struct sockaddr_in pod;
	struct proxy_stats stats;
	/* TCP (proxy_tcp.c) */
	struct evconnlistener *listener; /* owned */
	struct event *accept_retry;      /* owned */
	bool accepting;
	struct tcp_conn_list conns; /* owned */
	/* UDP (proxy_udp.c) */
	int udp_fd;                  /* owned */
	struct event *udp_ev;        /* owned */
	struct udp_session_list lru; /* owned: least recently active first */
	struct udp_session_bucket buckets[PROXY_UDP_BUCKETS]; /* the same, by client */
	unsigned udp_idle_ms;
};

/* Relay TCP from the listening socket @fd (owned from now on, even on
 * failure). PD_E_SYSTEM if libevent cannot watch it. */
int proxy_tcp_start(struct proxy *p, int fd, struct pd_err *err);

/* Close the listener and every connection; what was never started is
 * skipped. */
void proxy_tcp_stop(struct proxy *p);

/* Relay UDP from the bound socket @fd (owned from now on, even on failure).
 * PD_E_SYSTEM if libevent cannot watch it. */
int proxy_udp_start(struct proxy *p, int fd, struct pd_err *err);

/* Close the socket and every session; what was never started is skipped. */
void proxy_udp_stop(struct proxy *p);
