/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The answers a network's DNS server gives itself (dns.h): the names of
 * the network's attachments (a pod's name, hostname, its containers' names
 * and its aliases) for A, AAAA and ANY, with or without DNS_DOMAIN; PTR
 * for their addresses; NXDOMAIN within DNS_DOMAIN and for an address of
 * the network's subnet that nobody has. What is none of these is left to
 * the relay. Names are looked up at each query, among the pods podd has
 * now: no table to keep in step.
 */
#include "dns_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netattach.h"
#include "ip4.h"
#include "log.h"
#include "pod.h"
#include "podd.h"
#include "xalloc.h"

/* One attachment of the network as the answers see it. */
struct host {
	const char *ip;  /* "" when none */
	const char *ip6; /* "" when none */
	const char *const *names;
	size_t n_names;
};

/* Called with each attachment of @s's network; returns false to stop. */
typedef bool host_fn(void *arg, const struct host *h);

struct each {
	host_fn *fn;
	void *arg;
};

static bool
on_attachment(void *arg, const struct net_attachment *a, const char *const *names, size_t n_names,
	      const char *owner_id)
{
	struct each *e = arg;
	struct host h = {.ip = a->ip, .ip6 = a->ip6, .names = names, .n_names = n_names};

	(void)owner_id;
	return n_names == 0 || e->fn(e->arg, &h);
}

static void
each_host(struct dns_server *s, host_fn *fn, void *arg)
{
	struct each e = {fn, arg};

	net_each_attachment(s->d, s->network, on_attachment, &e);
}

struct by_name {
	const char *name; /* the name asked, without DNS_DOMAIN */
	size_t len;
	uint16_t qtype;
	struct pd_dns_reply *r;
	bool found;
};

static bool
has_name(const struct host *h, const char *name, size_t len)
{
	for (size_t i = 0; i < h->n_names; i++)
		if (strlen(h->names[i]) == len && strncasecmp(h->names[i], name, len) == 0)
			return true;
	return false;
}

static void
add_addr(struct pd_dns_reply *r, int family, const char *text)
{
	uint8_t a[16];

	if (text[0] != '\0' && inet_pton(family, text, a) == 1)
		pd_dns_reply_add_addr(r, a, family == AF_INET ? 4 : 16, DNS_TTL_S);
}

/* Every attachment that has the name answers (an alias may be shared, and
 * the client gets each address, as docker's round robin). */
static bool
on_host_by_name(void *arg, const struct host *h)
{
	struct by_name *b = arg;

	if (!has_name(h, b->name, b->len))
		return true;
	b->found = true;
	if (b->r == NULL)
		return true;
	if (b->qtype == PD_DNS_TYPE_A || b->qtype == PD_DNS_TYPE_ANY)
		add_addr(b->r, AF_INET, h->ip);
	if (b->qtype == PD_DNS_TYPE_AAAA || b->qtype == PD_DNS_TYPE_ANY)
		add_addr(b->r, AF_INET6, h->ip6);
	return true;
}

struct by_addr {
	int family;
	const uint8_t *addr;
	const char *name; /* borrowed from the pod: its first name */
};

static bool
on_host_by_addr(void *arg, const struct host *h)
{
	struct by_addr *b = arg;
	const char *text = b->family == AF_INET ? h->ip : h->ip6;
	uint8_t a[16];

	if (text[0] == '\0' || inet_pton(b->family, text, a) != 1 ||
	    memcmp(a, b->addr, b->family == AF_INET ? 4 : 16) != 0)
		return true;
	b->name = h->names[0];
	return false;
}

/* True when @addr is in @s's IPv4 subnet. */
static bool
in_subnet(const struct dns_server *s, int family, const uint8_t *addr)
{
	struct ip4_net net;
	struct pd_err ignored;

	if (family != AF_INET || ip4_parse_cidr(s->subnet, &net, &ignored) < 0)
		return false;
	return ip4_contains(&net, (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
				      (uint32_t)addr[2] << 8 | addr[3]);
}

static size_t
answer_ptr(struct dns_server *s, const uint8_t *msg, const struct pd_dns_query *q, int family,
	   const uint8_t *addr, uint8_t *out, size_t cap)
{
	struct by_addr b = {.family = family, .addr = addr};
	struct pd_dns_reply r;
	struct pd_err err = {0};
	char target[PD_DNS_NAME_MAX];

	each_host(s, on_host_by_addr, &b);
	if (b.name == NULL && !in_subnet(s, family, addr))
		return 0;
	if (pd_dns_reply_start(&r, out, cap, msg, q,
			       b.name != NULL ? PD_DNS_NOERROR : PD_DNS_NXDOMAIN, &err) < 0)
		return 0;
	if (b.name != NULL && (q->qtype == PD_DNS_TYPE_PTR || q->qtype == PD_DNS_TYPE_ANY) &&
	    snprintf(target, sizeof(target), "%s.%s", b.name, DNS_DOMAIN) < (int)sizeof(target) &&
	    pd_dns_reply_add_ptr(&r, target, DNS_TTL_S, &err) < 0)
		log_debug("network \"%s\": DNS: %s", s->network, err.msg);
	return r.len;
}

size_t
dns_answer(struct dns_server *s, const uint8_t *msg, const struct pd_dns_query *q, uint8_t *out,
	   size_t cap)
{
	struct by_name b = {.name = q->name, .len = strlen(q->name), .qtype = q->qtype};
	struct pd_dns_reply r;
	struct pd_err err = {0};
	bool in_domain;
	uint8_t addr[16];
	int family;

	if (!q->plain || q->qclass != PD_DNS_CLASS_IN)
		return 0;
	if (pd_dns_reverse_addr(q->name, &family, addr))
		return answer_ptr(s, msg, q, family, addr, out, cap);
	in_domain = pd_dns_name_in(q->name, DNS_DOMAIN, &b.len);
	if (b.len > 0)
		each_host(s, on_host_by_name, &b);
	if (!b.found && !in_domain)
		return 0;
	if (pd_dns_reply_start(&r, out, cap, msg, q,
			       b.found || b.len == 0 ? PD_DNS_NOERROR : PD_DNS_NXDOMAIN, &err) < 0)
		return 0;
	if (b.found) {
		b.r = &r;
		each_host(s, on_host_by_name, &b);
	}
	return r.len;
}

size_t
dns_servfail(const uint8_t *msg, const struct pd_dns_query *q, uint8_t *out, size_t cap)
{
	struct pd_dns_reply r;
	struct pd_err ignored;

	if (pd_dns_reply_start(&r, out, cap, msg, q, PD_DNS_SERVFAIL, &ignored) < 0)
		return 0;
	return r.len;
}
