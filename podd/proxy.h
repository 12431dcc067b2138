/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports, the relay: one struct proxy per port map (port_spec.h),
 * living in podd's event loop, relays a host port to a pod address without
 * touching the host firewall and without a process per port.
 *
 * TCP: a listener on host_ip:host_port; each client gets a nonblocking
 * connect to the pod and a pair of bufferevents relaying both ways (they
 * connect and write; the proxy reads into them itself, in bigger reads than
 * libevent 2.1's 4 KiB). Reading one side pauses while more than
 * PROXY_TCP_QUEUE_MAX bytes wait to be written to the other, and resumes
 * once they drain to half that, so a slow reader never makes podd buffer
 * more than that per direction. An EOF from
 * one side becomes a shutdown(SHUT_WR) of the other once what was queued for
 * it is written; the connection is closed when both directions are done. A
 * failed connect to the pod, or an error on either side, resets the other
 * side (RST rather than a clean EOF, so the client sees the failure).
 *
 * UDP: one socket on host_ip:host_port; each client address gets a session,
 * a socket connected to the pod, whose replies go back to the client from
 * the address it wrote to (IP_PKTINFO, for a host_ip of 0.0.0.0). A session
 * ends after PROXY_UDP_IDLE_MS without a datagram either way; past
 * PROXY_UDP_MAX_SESSIONS the least recently active one makes room.
 * Datagrams that cannot be sent at once are dropped, as the network would.
 *
 * A map on every host address (0.0.0.0) is served on [::] too, with
 * IPV6_V6ONLY, so the host port answers both families and no other
 * program can take its IPv6 side; the relay goes to the pod's IPv4
 * address either way. A host without IPv6 serves IPv4 only.
 *
 * Nothing here blocks, and every fd is nonblocking and close-on-exec. The
 * caller ignores SIGPIPE (podd's loop.c does): a write to a peer that reset
 * must come back as EPIPE. The pod sees connections coming from the host's
 * side of its network, not from the client's address (as with docker-proxy):
 * podd's firewall (firewall.h) DNATs what comes from other machines, so
 * the proxy serves the host's own connections.
 *
 * The code: proxy.c binds, starts and frees; proxy_tcp.c and proxy_udp.c
 * relay; proxy_int.h is what they share.
 */
#pragma once

#include <netinet/in.h>

#include "err.h"
#include "port_spec.h"

struct event_base;
struct proxy;

#define PROXY_TCP_QUEUE_MAX    ((size_t)256 * 1024) /* bytes queued towards one side */
#define PROXY_TCP_MAX_CONNS    1024                 /* accepting pauses at this many */
#define PROXY_UDP_IDLE_MS      (60 * 1000)
#define PROXY_UDP_MAX_SESSIONS 1024

struct proxy_stats {
	unsigned long long accepted;       /* TCP: clients accepted in all */
	unsigned long long connect_failed; /* TCP: of which the pod could not be reached */
	unsigned conns;                    /* TCP: connections open now */
	unsigned long long paused;         /* TCP: times a side stopped being read, its
					    * peer's queue full */
	unsigned long long accept_errors;  /* TCP: failed accepts (EMFILE...), each
					    * pausing accepts for 100 ms */
	unsigned long long sessions_made;  /* UDP: sessions created in all */
	unsigned sessions;                 /* UDP: sessions open now */
	unsigned long long dropped;        /* UDP: datagrams not relayed */
};

/* Serve @map (validated by port_spec.h) on @base, relaying to
 * @pod_addr:map->pod_port. The listening socket is bound before this
 * returns; a port already in use is PD_E_CONFLICT ("port 8080/tcp on 0.0.0.0
 * is already in use"), a host_ip that is not this host's is PD_E_INVALID,
 * a privileged port without the right is PD_E_FORBIDDEN, anything else
 * PD_E_SYSTEM. On failure nothing is left open. @base is borrowed and must
 * outlive the proxy; the result is owned by the caller (proxy_free). */
struct proxy *proxy_start(struct event_base *base, const struct port_map *map,
			  struct in_addr pod_addr, struct pd_err *err);

/* Stop serving: close the listening socket now and drop every relayed
 * connection and session (their peers see a reset or nothing more). Accepts
 * NULL. libevent finishes a freed bufferevent from the loop, so the sockets
 * of TCP connections are closed on the loop's next turn (at the latest by
 * event_base_free); the listening socket and UDP sockets are closed here. */
void proxy_free(struct proxy *p);

/* A copy of @p's counters (both families summed). */
void proxy_get_stats(const struct proxy *p, struct proxy_stats *stats);

/* The idle timeout of UDP sessions made from now on, instead of
 * PROXY_UDP_IDLE_MS (for tests). */
void proxy_set_udp_idle_ms(struct proxy *p, unsigned ms);
