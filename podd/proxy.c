/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A published port's proxy: binding its socket, and its start and end; see
 * proxy.h for what it does. The relaying itself is in proxy_tcp.c and
 * proxy_udp.c. This file does not decide which ports a pod gets
 * (port_spec.c checks that) nor when they open and close (the pod does).
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "proxy_int.h"
#include "xalloc.h"

/* A bound (and for TCP listening) nonblocking socket for @map, on its host
 * address (@family AF_INET) or on [::] (AF_INET6). */
static int
bind_socket(const struct port_map *map, int family, struct pd_err *err)
{
	int type = map->proto == PORT_TCP ? SOCK_STREAM : SOCK_DGRAM;
	union proxy_addr sa = {0};
	cleanup_close int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	char where[PORT_MAP_STR_MAX], ip[INET6_ADDRSTRLEN] = "::";
	const int on = 1;
	int e;

	port_map_format(map, where, sizeof(where));
	if (fd < 0)
		return pd_fail_errno(err, errno, "publish %s: socket", where);
	if (family == AF_INET6) {
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_addr = in6addr_any;
		sa.in6.sin6_port = htons(map->host_port);
		/* The IPv4 side is the other socket's. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
			return pd_fail_errno(err, errno, "publish %s: IPV6_V6ONLY", where);
	} else {
		sa.in.sin_family = AF_INET;
		sa.in.sin_addr = map->host_ip;
		sa.in.sin_port = htons(map->host_port);
	}
	/* TCP only: lets podd bind again a port whose old connections are in
	 * TIME_WAIT. On UDP it would let two sockets share the port. */
	if (map->proto == PORT_TCP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		return pd_fail_errno(err, errno, "publish %s: SO_REUSEADDR", where);
	/* The destination address of each datagram, so that a reply leaves
	 * from the address the client wrote to, whatever the routes say. */
	if (map->proto == PORT_UDP &&
	    (family == AF_INET6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on))
				: setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on))) < 0)
		return pd_fail_errno(err, errno, "publish %s: IP_PKTINFO", where);
	if (bind(fd, &sa.sa, family == AF_INET6 ? sizeof(sa.in6) : sizeof(sa.in)) == 0 &&
	    (map->proto == PORT_UDP || listen(fd, SOMAXCONN) == 0))
		return steal_fd(fd);
	e = errno;
	if (family == AF_INET && inet_ntop(AF_INET, &map->host_ip, ip, sizeof(ip)) == NULL)
		ip[0] = '\0';
	switch (e) {
	case EADDRINUSE:
		pd_fail(err, PD_E_CONFLICT, "port %u/%s on %s is already in use", map->host_port,
			port_proto_name(map->proto), ip);
		break;
	case EADDRNOTAVAIL:
		pd_fail(err, PD_E_INVALID, "publish %s: %s is not an address of this host", where,
			ip);
		break;
	case EACCES:
		pd_fail(err, PD_E_FORBIDDEN, "publish %s: port %u needs privilege", where,
			map->host_port);
		break;
	default:
		return pd_fail_errno(err, e, "publish %s: bind", where);
	}
	err->errnum = e;
	return -1;
}

static struct proxy *
start_family(struct event_base *base, const struct port_map *map, int family,
	     struct in_addr pod_addr, struct pd_err *err)
{
	struct proxy *p;
	int fd = bind_socket(map, family, err);

	if (fd < 0)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->base = base;
	p->map = *map;
	p->family = family;
	p->pod.sin_family = AF_INET;
	p->pod.sin_addr = pod_addr;
	p->pod.sin_port = htons(map->pod_port);
	p->udp_fd = -1;
	p->udp_idle_ms = PROXY_UDP_IDLE_MS;
	TAILQ_INIT(&p->conns);
	TAILQ_INIT(&p->lru);
	if ((map->proto == PORT_TCP ? proxy_tcp_start(p, fd, err) : proxy_udp_start(p, fd, err)) <
	    0) {
		proxy_free(p);
		return NULL;
	}
	return p;
}

struct proxy *
proxy_start(struct event_base *base, const struct port_map *map, struct in_addr pod_addr,
	    struct pd_err *err)
{
	struct proxy *p = start_family(base, map, AF_INET, pod_addr, err);
	struct pd_err e6 = {0};

	if (p == NULL || map->host_ip.s_addr != htonl(INADDR_ANY))
		return p;
	p->v6 = start_family(base, map, AF_INET6, pod_addr, &e6);
	if (p->v6 != NULL)
		return p;
	/* A host without IPv6 (or with it off) serves IPv4 only. */
	if (e6.errnum == EAFNOSUPPORT || e6.errnum == EADDRNOTAVAIL)
		return p;
	proxy_free(p);
	*err = e6;
	return NULL;
}

void
proxy_free(struct proxy *p)
{
	if (p == NULL)
		return;
	proxy_free(p->v6);
	proxy_tcp_stop(p);
	proxy_udp_stop(p);
	free(p);
}

void
proxy_get_stats(const struct proxy *p, struct proxy_stats *stats)
{
	*stats = p->stats;
	if (p->v6 == NULL)
		return;
	stats->accepted += p->v6->stats.accepted;
	stats->connect_failed += p->v6->stats.connect_failed;
	stats->conns += p->v6->stats.conns;
	stats->paused += p->v6->stats.paused;
	stats->accept_errors += p->v6->stats.accept_errors;
	stats->sessions_made += p->v6->stats.sessions_made;
	stats->sessions += p->v6->stats.sessions;
	stats->dropped += p->v6->stats.dropped;
}
