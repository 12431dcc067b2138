/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the DNS servers (dns.h): one server per network, its UDP socket
 * and TCP listener (dns.c), its TCP clients (dns_tcp.c), the queries it
 * relays (dns_relay.c) and the answers it gives itself (dns_answer.c).
 * Every object here is owned by its server, and a server by d->dns; a
 * server's stop frees them all, so nothing outlives the network's last
 * attachment.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "dns.h"
#include "dns_msg.h"
#include "name.h"

struct event;
struct bufferevent;
struct evconnlistener;

#define DNS_RELAYS_MAX    256 /* relayed queries in flight per server */
#define DNS_TCP_MAX       64  /* TCP clients per server */
#define DNS_UPSTREAMS_MAX 3   /* nameservers resolv.conf takes (MAXNS) */
#define DNS_TTL_S         60  /* of podd's own answers: pods come and go */

struct dns_relay;
struct dns_tcp;
TAILQ_HEAD(dns_relay_list, dns_relay);
TAILQ_HEAD(dns_tcp_list, dns_tcp);

struct dns_server {
	TAILQ_ENTRY(dns_server) entry;
	struct podd *d; /* borrowed */
	char network[PD_NAME_MAX + 1];
	char addr[46]; /* the gateway address it listens on */
	char subnet[20];
	int udp_fd;                 /* owned */
	struct event *udp_ev;       /* owned */
	struct evconnlistener *tcp; /* owned: closes its socket */
	struct dns_relay_list relays;
	size_t n_relays;
	struct dns_tcp_list conns;
	size_t n_conns;
	struct sockaddr_storage upstreams[DNS_UPSTREAMS_MAX];
	socklen_t upstream_lens[DNS_UPSTREAMS_MAX];
	size_t n_upstreams;
	bool keep; /* dns_sync's mark */
};

TAILQ_HEAD(dns_server_list, dns_server);

struct dns_servers {
	struct dns_server_list list;
	uint8_t buf[PD_DNS_MSG_MAX + 2]; /* one datagram or stream message at a time */
};

/* dns_answer.c: podd's own answer to @q (bytes @msg) into @out of @cap
 * bytes: its length, or 0 when the query is to be relayed. */
size_t dns_answer(struct dns_server *s, const uint8_t *msg, const struct pd_dns_query *q,
		  uint8_t *out, size_t cap);
/* A SERVFAIL for @q into @out: its length (0 when @cap is too small). */
size_t dns_servfail(const uint8_t *msg, const struct pd_dns_query *q, uint8_t *out, size_t cap);

/* dns_relay.c: relay @msg (@len bytes, copied) for a UDP client at @client
 * or for the TCP client @conn (then @client is NULL). An answer, or
 * SERVFAIL when no upstream answers, goes back to the client. NULL when
 * the relay cannot start (the caller answers SERVFAIL). */
struct dns_relay *dns_relay_start(struct dns_server *s, const uint8_t *msg, size_t len,
				  const struct pd_dns_query *q,
				  const struct sockaddr_storage *client, socklen_t client_len,
				  struct dns_tcp *conn);
void dns_relay_free(struct dns_relay *r);

/* dns.c: send @len bytes to a UDP client of @s. */
void dns_udp_send(struct dns_server *s, const uint8_t *buf, size_t len,
		  const struct sockaddr_storage *client, socklen_t client_len);

/* dns_tcp.c: listen on @fd (bound; owned from here, closed on failure);
 * an answer for @conn (its relay is over); free a client. */
int dns_tcp_listen(struct dns_server *s, int fd);
void dns_tcp_answer(struct dns_tcp *conn, const uint8_t *buf, size_t len);
void dns_tcp_free(struct dns_tcp *conn);
