/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DNS servers' lifecycle (dns.h) and their UDP side: which networks
 * get one, the sockets bound to the gateway address, the nameservers read
 * from --resolv-conf at each start, and each datagram answered or handed
 * to the relay. The queries' parsing is lib/dns_msg.c's, the answers
 * dns_answer.c's.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "cleanup.h"
#include "dns_int.h"
#include "file.h"
#include "log.h"
#include "netattach.h"
#include "podd.h"
#include "resolv_conf.h"
#include "xalloc.h"

/* Datagrams handled per readiness callback, so one busy network cannot hold
 * the loop. */
#define UDP_BATCH 64

const char *
dns_resolv_path(const struct podd *d)
{
	return d->cfg.resolv_conf != NULL ? d->cfg.resolv_conf : "/etc/resolv.conf";
}

/* An address and port as a socket address; false for bad text. */
static bool
sockaddr_of(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return true;
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return true;
	}
	return false;
}

/* The nameservers of --resolv-conf, less @s's own address (a host whose
 * resolv.conf names a pod network's gateway would loop). */
static void
read_upstreams(struct dns_server *s)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	struct pd_resolv rc;
	struct pd_err err = {0};

	s->n_upstreams = 0;
	if (pd_file_read(AT_FDCWD, dns_resolv_path(s->d), 64 * 1024, &text, &len, &err) < 0) {
		log_warn("network \"%s\": DNS: %s; names of others are not relayed", s->network,
			 err.msg);
		return;
	}
	pd_resolv_parse(text, len, &rc);
	for (size_t i = 0; i < rc.n_ns; i++) {
		if (strcmp(rc.ns[i], s->addr) == 0)
			continue;
		if (sockaddr_of(rc.ns[i], DNS_PORT, &s->upstreams[s->n_upstreams],
				&s->upstream_lens[s->n_upstreams]))
			s->n_upstreams++;
	}
}

void
dns_udp_send(struct dns_server *s, const uint8_t *buf, size_t len,
	     const struct sockaddr_storage *client, socklen_t client_len)
{
	/* A full socket buffer drops the answer, as a lost datagram: the
	 * client asks again. */
	if (sendto(s->udp_fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)client, client_len) <
	    0)
		log_debug("network \"%s\": DNS: sendto: %s", s->network, strerror(errno));
}

static void
on_udp_query(evutil_socket_t fd, short what, void *arg)
{
	struct dns_server *s = arg;
	uint8_t *buf = s->d->dns->buf;
	uint8_t out[PD_DNS_UDP_MAX];

	(void)what;
	for (int i = 0; i < UDP_BATCH; i++) {
		struct sockaddr_storage client;
		socklen_t client_len = sizeof(client);
		struct pd_dns_query q;
		struct pd_err err = {0};
		ssize_t n = recvfrom(fd, buf, PD_DNS_MSG_MAX, MSG_DONTWAIT,
				     (struct sockaddr *)&client, &client_len);
		size_t len;

		if (n < 0)
			return; /* EAGAIN, or an error the next datagram will tell */
		if (pd_dns_query_parse(buf, (size_t)n, &q, &err) < 0) {
			log_debug("network \"%s\": DNS: dropped: %s", s->network, err.msg);
			continue;
		}
		len = dns_answer(s, buf, &q, out, sizeof(out));
		if (len == 0 &&
		    dns_relay_start(s, buf, (size_t)n, &q, &client, client_len, NULL) != NULL)
			continue;
		if (len == 0)
			len = dns_servfail(buf, &q, out, sizeof(out));
		if (len > 0)
			dns_udp_send(s, out, len, &client, client_len);
	}
}

/* A socket of @type bound to @sa: IP_FREEBIND, so that it binds before the
 * address is on the bridge (Linux 2.4; IPV6_FREEBIND 4.15). */
static int
bound_socket(const struct sockaddr_storage *sa, socklen_t len, int type, struct pd_err *err)
{
	cleanup_close int fd = socket(sa->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return pd_fail_errno(err, errno, "socket");
	if (sa->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return pd_fail_errno(err, errno, "IPV6_V6ONLY");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, sa->ss_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       sa->ss_family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, &one,
		       sizeof(one)) < 0)
		return pd_fail_errno(err, errno, "setsockopt");
	if (bind(fd, (const struct sockaddr *)sa, len) < 0)
		return pd_fail_errno(err, errno, "bind");
	return steal_fd(fd);
}

static void
server_free(struct dns_server *s)
{
	struct dns_relay *r;
	struct dns_tcp *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->conns)) != NULL)
		dns_tcp_free(c);
	while ((r = TAILQ_FIRST(&s->relays)) != NULL)
		dns_relay_free(r);
	if (s->tcp != NULL)
		evconnlistener_free(s->tcp);
	if (s->udp_ev != NULL)
		event_free(s->udp_ev);
	if (s->udp_fd >= 0)
		close(s->udp_fd);
	free(s);
}

static struct dns_server *
server_start(struct podd *d, const struct network *n, struct pd_err *err)
{
	struct dns_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage sa;
	socklen_t len;
	int tcp_fd;

	s->d = d;
	s->udp_fd = -1;
	TAILQ_INIT(&s->relays);
	TAILQ_INIT(&s->conns);
	(void)snprintf(s->network, sizeof(s->network), "%s", n->name);
	(void)snprintf(s->addr, sizeof(s->addr), "%s", n->gateway);
	(void)snprintf(s->subnet, sizeof(s->subnet), "%s", n->subnet);
	if (!sockaddr_of(s->addr, DNS_PORT, &sa, &len)) {
		pd_fail(err, PD_E_INVALID, "bad gateway address \"%s\"", s->addr);
		goto fail;
	}
	s->udp_fd = bound_socket(&sa, len, SOCK_DGRAM, err);
	if (s->udp_fd < 0)
		goto fail;
	s->udp_ev = event_new(d->base, s->udp_fd, EV_READ | EV_PERSIST, on_udp_query, s);
	if (s->udp_ev == NULL || event_add(s->udp_ev, NULL) < 0) {
		pd_fail(err, PD_E_SYSTEM, "event_new failed");
		goto fail;
	}
	tcp_fd = bound_socket(&sa, len, SOCK_STREAM, err);
	if (tcp_fd < 0)
		goto fail;
	if (dns_tcp_listen(s, tcp_fd) < 0) {
		pd_fail_errno(err, errno, "listen");
		goto fail;
	}
	read_upstreams(s);
	return s;
fail:
	pd_err_prefix(err, "%s port %d", s->addr, DNS_PORT);
	server_free(s);
	return NULL;
}

static struct dns_server *
server_find(struct podd *d, const char *network)
{
	struct dns_server *s;

	if (d->dns == NULL)
		return NULL;
	TAILQ_FOREACH (s, &d->dns->list, entry)
		if (strcmp(s->network, network) == 0)
			return s;
	return NULL;
}

void
dns_sync(struct podd *d)
{
	struct network *n;
	struct dns_server *s, *next;

	if (d->shutting_down)
		return;
	if (d->dns == NULL) {
		d->dns = xcalloc(1, sizeof(*d->dns));
		TAILQ_INIT(&d->dns->list);
	}
	TAILQ_FOREACH (s, &d->dns->list, entry)
		s->keep = false;
	TAILQ_FOREACH (n, &d->networks, entry) {
		struct pd_err err = {0};

		if (n->gateway[0] == '\0' || n->removing || !net_has_attachment(d, n->name))
			continue;
		s = server_find(d, n->name);
		if (s != NULL && strcmp(s->addr, n->gateway) == 0) {
			s->keep = true;
			continue;
		}
		s = server_start(d, n, &err);
		if (s == NULL) {
			log_warn("network \"%s\": no DNS server: %s", n->name, err.msg);
			continue;
		}
		s->keep = true;
		TAILQ_INSERT_TAIL(&d->dns->list, s, entry);
		log_info("network \"%s\": DNS server on %s:%d (%zu upstream nameservers)", n->name,
			 s->addr, DNS_PORT, s->n_upstreams);
	}
	for (s = TAILQ_FIRST(&d->dns->list); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->keep)
			continue;
		TAILQ_REMOVE(&d->dns->list, s, entry);
		log_info("network \"%s\": DNS server on %s stopped", s->network, s->addr);
		server_free(s);
	}
}

const char *
dns_server_address(struct podd *d, const char *network)
{
	struct pd_err ignored;
	const struct network *n = network_find(d, network, &ignored);
	const struct dns_server *s = n != NULL ? server_find(d, n->name) : NULL;

	return s != NULL ? s->addr : "";
}

void
dns_free_all(struct podd *d)
{
	struct dns_server *s;

	if (d->dns == NULL)
		return;
	while ((s = TAILQ_FIRST(&d->dns->list)) != NULL) {
		TAILQ_REMOVE(&d->dns->list, s, entry);
		server_free(s);
	}
	free(d->dns);
	d->dns = NULL;
}
