/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Queries a network's DNS server relays (dns.h): the client's bytes go to
 * an upstream nameserver as they are, over UDP from a socket of their own
 * (a fresh source port per query, and no id to rewrite: the answer is
 * matched by its socket and id), and the answer's bytes come back as they
 * are. No answer within RELAY_TIMEOUT_MS: the next nameserver; none left:
 * SERVFAIL. A truncated answer goes to a UDP client as it is (TC set: it
 * asks podd again over TCP) and is asked again over TCP for a TCP client.
 * At most DNS_RELAYS_MAX in flight per server; each is a timer and a
 * socket on the loop, never a wait.
 */
#include "dns_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cleanup.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

#define RELAY_TIMEOUT_MS    2000
#define RELAY_TCP_TIMEOUT_S 5

struct dns_relay {
	TAILQ_ENTRY(dns_relay) entry;
	struct dns_server *s; /* borrowed: owns the relay */
	uint8_t *query;       /* owned: the client's bytes */
	size_t len;
	uint16_t id;
	struct pd_dns_query q;
	struct sockaddr_storage client; /* a UDP client */
	socklen_t client_len;
	struct dns_tcp *conn;    /* borrowed: a TCP client, or NULL */
	size_t upstream;         /* the nameserver asked */
	int fd;                  /* owned: UDP socket to it, or -1 */
	struct event *ev;        /* owned: its answer or timeout */
	struct bufferevent *bev; /* owned: TCP to it, or NULL */
};

void
dns_relay_free(struct dns_relay *r)
{
	if (r == NULL)
		return;
	TAILQ_REMOVE(&r->s->relays, r, entry);
	r->s->n_relays--;
	if (r->ev != NULL)
		event_free(r->ev);
	if (r->fd >= 0)
		close(r->fd);
	if (r->bev != NULL)
		bufferevent_free(r->bev);
	free(r->query);
	free(r);
}

/* The answer (or SERVFAIL when @buf is NULL) to the client; the relay ends. */
static void
relay_done(struct dns_relay *r, const uint8_t *buf, size_t len)
{
	uint8_t fail[PD_DNS_UDP_MAX];
	struct dns_tcp *conn = r->conn;

	if (buf == NULL) {
		len = dns_servfail(r->query, &r->q, fail, sizeof(fail));
		buf = fail;
	}
	if (conn == NULL && len > 0)
		dns_udp_send(r->s, buf, len, &r->client, r->client_len);
	r->conn = NULL;
	dns_relay_free(r);
	if (conn != NULL)
		dns_tcp_answer(conn, buf, len);
}

static int send_udp(struct dns_relay *r);
static int send_tcp(struct dns_relay *r);

static void
on_udp_answer(evutil_socket_t fd, short what, void *arg)
{
	struct dns_relay *r = arg;
	uint8_t *buf = r->s->d->dns->buf;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		log_debug("network \"%s\": DNS: nameserver %zu did not answer", r->s->network,
			  r->upstream);
		r->upstream++;
		if (send_udp(r) < 0)
			relay_done(r, NULL, 0);
		return;
	}
	n = recv(fd, buf, PD_DNS_MSG_MAX, MSG_DONTWAIT);
	if (n < PD_DNS_HEADER || pd_dns_msg_id(buf, (size_t)n) != r->id) {
		/* A stray datagram, or an ICMP error: wait for the rest of the time */
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			r->upstream++;
			if (send_udp(r) < 0)
				relay_done(r, NULL, 0);
		}
		return;
	}
	if (r->conn != NULL && pd_dns_msg_truncated(buf, (size_t)n)) {
		event_del(r->ev);
		if (send_tcp(r) == 0)
			return;
		relay_done(r, NULL, 0);
		return;
	}
	relay_done(r, buf, (size_t)n);
}

/* Ask nameserver r->upstream over UDP; -1 when none is left. */
static int
send_udp(struct dns_relay *r)
{
	struct dns_server *s = r->s;
	struct timeval tv = {RELAY_TIMEOUT_MS / 1000, (RELAY_TIMEOUT_MS % 1000) * 1000};

	if (r->ev != NULL) {
		event_free(r->ev);
		r->ev = NULL;
	}
	close_reset(&r->fd);
	for (; r->upstream < s->n_upstreams; r->upstream++) {
		const struct sockaddr_storage *up = &s->upstreams[r->upstream];
		int fd = socket(up->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		if (connect(fd, (const struct sockaddr *)up, s->upstream_lens[r->upstream]) < 0 ||
		    send(fd, r->query, r->len, MSG_DONTWAIT) < 0) {
			close(fd);
			continue;
		}
		r->fd = fd;
		r->ev = event_new(s->d->base, fd, EV_READ | EV_PERSIST, on_udp_answer, r);
		if (r->ev == NULL || event_add(r->ev, &tv) < 0)
			return -1;
		return 0;
	}
	return -1;
}

static void
on_tcp_answer(struct bufferevent *bev, void *arg)
{
	struct dns_relay *r = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t *buf = r->s->d->dns->buf, lenb[2];
	size_t len;

	if (evbuffer_copyout(in, lenb, 2) < 2)
		return;
	len = (size_t)lenb[0] << 8 | lenb[1];
	if (evbuffer_get_length(in) < len + 2)
		return;
	evbuffer_drain(in, 2);
	if (evbuffer_remove(in, buf, len) != (int)len || len < PD_DNS_HEADER ||
	    pd_dns_msg_id(buf, len) != r->id) {
		relay_done(r, NULL, 0);
		return;
	}
	relay_done(r, buf, len);
}

static void
on_tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct dns_relay *r = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	log_debug("network \"%s\": DNS: TCP to nameserver %zu failed", r->s->network, r->upstream);
	relay_done(r, NULL, 0);
}

/* Ask nameserver r->upstream again over TCP, for a TCP client. */
static int
send_tcp(struct dns_relay *r)
{
	struct dns_server *s = r->s;
	const struct sockaddr_storage *up = &s->upstreams[r->upstream];
	struct timeval tv = {RELAY_TCP_TIMEOUT_S, 0};
	uint8_t lenb[2] = {(uint8_t)(r->len >> 8), (uint8_t)r->len};
	int fd = socket(up->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	r->bev = bufferevent_socket_new(s->d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (r->bev == NULL) {
		close(fd);
		return -1;
	}
	bufferevent_setcb(r->bev, on_tcp_answer, NULL, on_tcp_event, r);
	bufferevent_set_timeouts(r->bev, &tv, &tv);
	if (bufferevent_socket_connect(r->bev, (const struct sockaddr *)up,
				       (int)s->upstream_lens[r->upstream]) < 0 ||
	    bufferevent_write(r->bev, lenb, 2) < 0 ||
	    bufferevent_write(r->bev, r->query, r->len) < 0 ||
	    bufferevent_enable(r->bev, EV_READ | EV_WRITE) < 0)
		return -1;
	return 0;
}

struct dns_relay *
dns_relay_start(struct dns_server *s, const uint8_t *msg, size_t len, const struct pd_dns_query *q,
		const struct sockaddr_storage *client, socklen_t client_len, struct dns_tcp *conn)
{
	struct dns_relay *r;

	if (s->n_relays >= DNS_RELAYS_MAX || s->n_upstreams == 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->s = s;
	r->query = xmalloc(len);
	memcpy(r->query, msg, len);
	r->len = len;
	r->id = q->id;
	r->q = *q;
	r->fd = -1;
	r->conn = conn;
	if (client != NULL) {
		r->client = *client;
		r->client_len = client_len;
	}
	TAILQ_INSERT_TAIL(&s->relays, r, entry);
	s->n_relays++;
	if (send_udp(r) < 0) {
		r->conn = NULL; /* the caller answers it */
		dns_relay_free(r);
		return NULL;
	}
	return r;
}
