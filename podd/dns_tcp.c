/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCP side of a network's DNS server (dns.h): where a client asks
 * again after a truncated UDP answer. Messages carry a two-byte length
 * (RFC 1035 4.2.2); a client's queries are answered one at a time, in
 * order (reading pauses while one is relayed). A message that does not
 * parse ends the connection, as does a client idle for TCP_IDLE_S. At
 * most DNS_TCP_MAX clients per server; the next is closed at once.
 */
#include "dns_int.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "cleanup.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

#define TCP_IDLE_S 10

struct dns_tcp {
	TAILQ_ENTRY(dns_tcp) entry;
	struct dns_server *s;    /* borrowed: owns the client */
	struct bufferevent *bev; /* owned */
	struct dns_relay *relay; /* owned: its query being relayed, or NULL */
};

void
dns_tcp_free(struct dns_tcp *conn)
{
	if (conn == NULL)
		return;
	TAILQ_REMOVE(&conn->s->conns, conn, entry);
	conn->s->n_conns--;
	dns_relay_free(conn->relay);
	bufferevent_free(conn->bev);
	free(conn);
}

static void
write_msg(struct dns_tcp *conn, const uint8_t *buf, size_t len)
{
	uint8_t lenb[2] = {(uint8_t)(len >> 8), (uint8_t)len};

	if (bufferevent_write(conn->bev, lenb, 2) < 0 || bufferevent_write(conn->bev, buf, len) < 0)
		log_debug("network \"%s\": DNS: a TCP answer was not queued", conn->s->network);
}

/* The queries waiting in @conn's input, while none is relayed. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct dns_tcp *conn = arg;
	struct dns_server *s = conn->s;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t *buf = s->d->dns->buf, lenb[2], out[PD_DNS_UDP_MAX];

	while (conn->relay == NULL && evbuffer_copyout(in, lenb, 2) == 2) {
		size_t len = (size_t)lenb[0] << 8 | lenb[1], n;
		struct pd_dns_query q;
		struct pd_err err = {0};

		if (evbuffer_get_length(in) < len + 2)
			return;
		evbuffer_drain(in, 2);
		if (evbuffer_remove(in, buf, len) != (int)len ||
		    pd_dns_query_parse(buf, len, &q, &err) < 0) {
			log_debug("network \"%s\": DNS: TCP client dropped: %s", s->network,
				  err.kind != 0 ? err.msg : "short read");
			dns_tcp_free(conn);
			return;
		}
		n = dns_answer(s, buf, &q, out, sizeof(out));
		if (n == 0) {
			conn->relay = dns_relay_start(s, buf, len, &q, NULL, 0, conn);
			if (conn->relay != NULL) {
				bufferevent_disable(bev, EV_READ);
				return;
			}
			n = dns_servfail(buf, &q, out, sizeof(out));
		}
		write_msg(conn, out, n);
	}
}

void
dns_tcp_answer(struct dns_tcp *conn, const uint8_t *buf, size_t len)
{
	conn->relay = NULL;
	write_msg(conn, buf, len);
	if (bufferevent_enable(conn->bev, EV_READ) < 0) {
		dns_tcp_free(conn);
		return;
	}
	on_read(conn->bev, conn);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what; /* EOF, an error or the idle timeout: the client is done */
	dns_tcp_free(arg);
}

static void
on_accept(struct evconnlistener *lst, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	struct dns_server *s = arg;
	struct timeval idle = {TCP_IDLE_S, 0};
	struct dns_tcp *conn;

	(void)lst;
	(void)sa;
	(void)len;
	if (s->n_conns >= DNS_TCP_MAX) {
		close(fd);
		return;
	}
	conn = xcalloc(1, sizeof(*conn));
	conn->s = s;
	conn->bev = bufferevent_socket_new(s->d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (conn->bev == NULL) {
		close(fd);
		free(conn);
		return;
	}
	TAILQ_INSERT_TAIL(&s->conns, conn, entry);
	s->n_conns++;
	bufferevent_setcb(conn->bev, on_read, NULL, on_event, conn);
	bufferevent_set_timeouts(conn->bev, &idle, &idle);
	/* At most one message's length plus its bytes waits unread. */
	bufferevent_setwatermark(conn->bev, EV_READ, 0, PD_DNS_MSG_MAX + 2);
	if (bufferevent_enable(conn->bev, EV_READ | EV_WRITE) < 0)
		dns_tcp_free(conn);
}

int
dns_tcp_listen(struct dns_server *s, int fd)
{
	s->tcp = evconnlistener_new(s->d->base, on_accept, s,
				    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
	if (s->tcp == NULL) {
		close(fd);
		return -1;
	}
	return 0;
}
