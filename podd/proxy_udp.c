/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The UDP relay of a proxy (proxy.h): a session per client address, with its
 * own socket connected to the pod, replies sent back from the address the
 * client wrote to, and an idle timeout. The listening socket is IPv4 or, for
 * a proxy's IPv6 twin, IPv6; the pod is reached over IPv4 either way.
 * Binding is proxy.c's.
 */
#include "proxy_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "log.h"
#include "timefmt.h"
#include "xalloc.h"

/* Datagrams handled per readiness callback, so one busy socket cannot hold
 * the loop. */
#define UDP_BATCH        64
#define UDP_DATAGRAM_MAX 65536

struct udp_session {
	TAILQ_ENTRY(udp_session) lru;
	LIST_ENTRY(udp_session) hash;
	struct proxy *p; /* borrowed: owns the session */
	union proxy_addr client;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} local;            /* where the client wrote to: the replies' source */
	int fd;             /* owned: connected to the pod */
	struct event *ev;   /* owned: replies from the pod */
	struct event *idle; /* owned */
	uint64_t last_ms;   /* the last datagram either way (pd_time_mono_ms) */
};

/* A control buffer for either family's packet info. */
union pktinfo_ctl {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

static socklen_t
addr_len(const union proxy_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

static unsigned
udp_bucket(const union proxy_addr *a)
{
	uint32_t h = 0, w;

	if (a->sa.sa_family == AF_INET6) {
		for (size_t i = 0; i < sizeof(a->in6.sin6_addr); i += sizeof(w)) {
			memcpy(&w, (const char *)&a->in6.sin6_addr + i, sizeof(w));
			h = h * 2654435761u ^ w;
		}
		h ^= a->in6.sin6_port * 40503u;
	} else {
		h = a->in.sin_addr.s_addr * 2654435761u ^ a->in.sin_port * 40503u;
	}
	return (h >> 16 ^ h) % PROXY_UDP_BUCKETS;
}

static bool
addr_equal(const union proxy_addr *a, const union proxy_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr)) == 0;
	return a->in.sin_port == b->in.sin_port && a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

static void
session_free(struct udp_session *s)
{
	struct proxy *p = s->p;

	TAILQ_REMOVE(&p->lru, s, lru);
	LIST_REMOVE(s, hash);
	event_free(s->ev);
	event_free(s->idle);
	close(s->fd);
	free(s);
	p->stats.sessions--;
}

static void
session_touch(struct udp_session *s)
{
	s->last_ms = pd_time_mono_ms();
	TAILQ_REMOVE(&s->p->lru, s, lru);
	TAILQ_INSERT_TAIL(&s->p->lru, s, lru);
}

/* A reply from the pod: back to the client, from the address it wrote to. */
static void
session_reply(struct udp_session *s, const void *buf, size_t len)
{
	union pktinfo_ctl ctl = {0};
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	bool v6 = s->client.sa.sa_family == AF_INET6;
	struct msghdr msg = {.msg_name = &s->client,
			     .msg_namelen = addr_len(&s->client),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = v6 ? CMSG_SPACE(sizeof(struct in6_pktinfo))
						  : CMSG_SPACE(sizeof(struct in_pktinfo))};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (v6) {
		struct in6_pktinfo pi = {.ipi6_addr = s->local.v6};

		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in_pktinfo pi = {.ipi_spec_dst = s->local.v4};

		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(s->p->udp_fd, &msg, MSG_DONTWAIT) >= 0)
		return;
	/* EINVAL: the client wrote to an address we cannot send from (a
	 * broadcast); let the routes choose the source instead. */
	if (errno == EINVAL) {
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
		if (sendmsg(s->p->udp_fd, &msg, MSG_DONTWAIT) >= 0)
			return;
	}
	s->p->stats.dropped++;
}

static void
on_session_read(evutil_socket_t fd, short what, void *arg)
{
	struct udp_session *s = arg;
	char buf[UDP_DATAGRAM_MAX];

	(void)what;
	for (int i = 0; i < UDP_BATCH; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		/* ECONNREFUSED: an earlier datagram met a closed pod port.
		 * The session stays; the pod may listen again. */
		if (n < 0 && errno == ECONNREFUSED)
			continue;
		if (n < 0)
			break;
		session_touch(s);
		session_reply(s, buf, (size_t)n);
	}
}

/* A timeval of @ms milliseconds. */
static struct timeval
tv_ms(uint64_t ms)
{
	return (struct timeval){.tv_sec = (time_t)(ms / 1000),
				.tv_usec = (suseconds_t)(ms % 1000 * 1000)};
}

static void
on_session_idle(evutil_socket_t fd, short what, void *arg)
{
	struct udp_session *s = arg;
	uint64_t idle_for = pd_time_mono_ms() - s->last_ms;
	struct timeval left;

	(void)fd;
	(void)what;
	/* One timer per session, armed once per timeout rather than at each
	 * datagram: when it fires early, it sleeps again for what is left. */
	if (idle_for >= s->p->udp_idle_ms) {
		session_free(s);
		return;
	}
	left = tv_ms(s->p->udp_idle_ms - idle_for);
	evtimer_add(s->idle, &left);
}

static struct udp_session *
session_find(struct proxy *p, const union proxy_addr *client)
{
	struct udp_session *s;

	LIST_FOREACH (s, &p->buckets[udp_bucket(client)], hash) {
		if (addr_equal(&s->client, client))
			return s;
	}
	return NULL;
}

static struct udp_session *
session_new(struct proxy *p, const union proxy_addr *client)
{
	const struct timeval timeout = tv_ms(p->udp_idle_ms);
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct udp_session *s;

	/* A UDP connect only sets the default peer: it never waits. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&p->pod, sizeof(p->pod)) < 0) {
		log_debug("proxy %u/udp: session socket: %s", p->map.host_port, strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->p = p;
	s->client = *client;
	s->ev = event_new(p->base, fd, EV_READ | EV_PERSIST, on_session_read, s);
	s->idle = evtimer_new(p->base, on_session_idle, s);
	if (s->ev == NULL || s->idle == NULL || event_add(s->ev, NULL) < 0 ||
	    evtimer_add(s->idle, &timeout) < 0) {
		log_debug("proxy %u/udp: cannot watch a session", p->map.host_port);
		if (s->ev != NULL)
			event_free(s->ev);
		if (s->idle != NULL)
			event_free(s->idle);
		free(s);
		return NULL;
	}
	if (p->stats.sessions >= PROXY_UDP_MAX_SESSIONS)
		session_free(TAILQ_FIRST(&p->lru));
	s->fd = steal_fd(fd);
	s->last_ms = pd_time_mono_ms();
	TAILQ_INSERT_TAIL(&p->lru, s, lru);
	LIST_INSERT_HEAD(&p->buckets[udp_bucket(client)], s, hash);
	p->stats.sessions++;
	p->stats.sessions_made++;
	return s;
}

/* The address a datagram was sent to, from its IP_PKTINFO or IPV6_PKTINFO,
 * into @s->local (the map's host address, or ::, when there is none). */
static void
dgram_local(struct msghdr *msg, struct udp_session *s)
{
	s->local.v6 = in6addr_any;
	if (s->client.sa.sa_family == AF_INET)
		s->local.v4 = s->p->map.host_ip;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			s->local.v4 = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			s->local.v6 = pi.ipi6_addr;
		}
	}
}

static void
udp_forward(struct proxy *p, const union proxy_addr *client, struct msghdr *msg, const void *buf,
	    size_t len)
{
	struct udp_session *s = session_find(p, client);

	if (s == NULL && (s = session_new(p, client)) == NULL) {
		p->stats.dropped++;
		return;
	}
	dgram_local(msg, s);
	session_touch(s);
	/* ECONNREFUSED reports an earlier datagram, not this one: try again. */
	if (send(s->fd, buf, len, MSG_DONTWAIT) < 0 &&
	    (errno != ECONNREFUSED || send(s->fd, buf, len, MSG_DONTWAIT) < 0))
		p->stats.dropped++;
}

static void
on_udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct proxy *p = arg;
	char buf[UDP_DATAGRAM_MAX];

	(void)what;
	for (int i = 0; i < UDP_BATCH; i++) {
		union pktinfo_ctl ctl;
		union proxy_addr client;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr msg = {.msg_name = &client,
				     .msg_namelen = sizeof(client),
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf)};
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

		if (n < 0)
			break;
		if (client.sa.sa_family != p->family || msg.msg_namelen != addr_len(&client))
			continue;
		udp_forward(p, &client, &msg, buf, (size_t)n);
	}
}

int
proxy_udp_start(struct proxy *p, int fd, struct pd_err *err)
{
	for (size_t i = 0; i < PROXY_UDP_BUCKETS; i++)
		LIST_INIT(&p->buckets[i]);
	p->udp_fd = fd;
	p->udp_ev = event_new(p->base, fd, EV_READ | EV_PERSIST, on_udp_read, p);
	if (p->udp_ev == NULL || event_add(p->udp_ev, NULL) < 0)
		return pd_fail(err, PD_E_SYSTEM, "cannot watch a UDP socket");
	return 0;
}

void
proxy_udp_stop(struct proxy *p)
{
	/* session_free unlinks s from s->p, which the analyzer cannot tell is p. */
	while (!TAILQ_EMPTY(&p->lru))
		session_free(TAILQ_FIRST(&p->lru)); /* NOLINT(clang-analyzer-unix.Malloc) */
	if (p->udp_ev != NULL)
		event_free(p->udp_ev);
	p->udp_ev = NULL;
	close_reset(&p->udp_fd);
}

void
proxy_set_udp_idle_ms(struct proxy *p, unsigned ms)
{
	p->udp_idle_ms = ms;
	if (p->v6 != NULL)
		p->v6->udp_idle_ms = ms;
}
