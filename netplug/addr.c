/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Addresses and routes; see addr.h. Addresses arrive in host byte order
 * (netplug/ip4.h) and are turned to network order here, where they meet
 * libnl.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

/* @a/@prefix as a libnl address (owned by the caller). */
static struct nl_addr *
nl_ip4(uint32_t a, int prefix)
{
	uint32_t be = htonl(a);
	struct nl_addr *n = nl_addr_build(AF_INET, &be, sizeof(be));

	if (n == NULL)
		abort();
	nl_addr_set_prefixlen(n, prefix);
	return n;
}

int
np_addr_add(struct nl_sock *sk, int index, uint32_t addr, int prefix, struct pd_err *err)
{
	cleanup_rtnl_addr struct rtnl_addr *a = rtnl_addr_alloc();
	cleanup_nl_addr struct nl_addr *local = nl_ip4(addr, prefix);
	cleanup_nl_addr struct nl_addr *bcast = nl_ip4(addr | ~ip4_mask(prefix), 32);
	char text[IP4_CIDR_MAX];
	int r;

	if (a == NULL)
		abort();
	rtnl_addr_set_ifindex(a, index);
	rtnl_addr_set_family(a, AF_INET);
	r = rtnl_addr_set_local(a, local);
	if (r == 0)
		r = rtnl_addr_set_broadcast(a, bcast);
	if (r == 0)
		r = rtnl_addr_add(sk, a, NLM_F_EXCL);
	if (r < 0) {
		ip4_format_cidr(addr, prefix, text);
		return np_nl_fail(err, r, "add address %s", text);
	}
	return 0;
}

int
np_addr_has(struct nl_sock *sk, int index, uint32_t addr, int prefix, struct pd_err *err)
{
	cleanup_nl_cache struct nl_cache *cache = NULL;
	uint32_t be = htonl(addr);
	int r = rtnl_addr_alloc_cache(sk, &cache);

	if (r < 0)
		return np_nl_fail(err, r, "list addresses");
	for (struct nl_object *o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) == index && rtnl_addr_get_family(a) == AF_INET &&
		    local != NULL && nl_addr_get_len(local) == sizeof(be) &&
		    memcmp(nl_addr_get_binary_addr(local), &be, sizeof(be)) == 0 &&
		    rtnl_addr_get_prefixlen(a) == prefix)
			return 1;
	}
	return 0;
}

int
np_route_add(struct nl_sock *sk, int index, const struct cni_route *r, struct pd_err *err)
{
	cleanup_rtnl_route struct rtnl_route *route = rtnl_route_alloc();
	cleanup_nl_addr struct nl_addr *dst = nl_ip4(r->dst.addr, r->dst.prefix);
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	char text[IP4_CIDR_MAX], via[IP4_STR_MAX];
	int e;

	if (route == NULL || nh == NULL)
		abort();
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_BOOT);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_scope(route, r->gw != 0 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	e = rtnl_route_set_dst(route, dst);
	rtnl_route_nh_set_ifindex(nh, index);
	if (r->gw != 0) {
		cleanup_nl_addr struct nl_addr *gw = nl_ip4(r->gw, 32);

		rtnl_route_nh_set_gateway(nh, gw); /* takes its own reference */
	}
	rtnl_route_add_nexthop(route, nh); /* the route owns nh from here */
	if (e == 0)
		e = rtnl_route_add(sk, route, NLM_F_EXCL);
	if (e < 0) {
		ip4_format_cidr(r->dst.addr, r->dst.prefix, text);
		ip4_format(r->gw, via);
		return np_nl_fail(err, e, "add route %s via %s", text, via);
	}
	return 0;
}

/* @a/@prefix as a libnl address (owned by the caller). */
static struct nl_addr *
nl_ip6(ip6_addr a, int prefix)
{
	uint8_t b[16];
	struct nl_addr *n;

	ip6_to_bytes(a, b);
	n = nl_addr_build(AF_INET6, b, sizeof(b));
	if (n == NULL)
		abort();
	nl_addr_set_prefixlen(n, prefix);
	return n;
}

int
np_addr_add6(struct nl_sock *sk, int index, ip6_addr addr, int prefix, struct pd_err *err)
{
	cleanup_rtnl_addr struct rtnl_addr *a = rtnl_addr_alloc();
	cleanup_nl_addr struct nl_addr *local = nl_ip6(addr, prefix);
	char text[IP6_CIDR_MAX];
	int r;

	if (a == NULL)
		abort();
	rtnl_addr_set_ifindex(a, index);
	rtnl_addr_set_family(a, AF_INET6);
	/* No duplicate address detection: the range is the network's own, and
	 * a tentative address would not be usable for a second or so. */
	rtnl_addr_set_flags(a, IFA_F_NODAD);
	r = rtnl_addr_set_local(a, local);
	if (r == 0)
		r = rtnl_addr_add(sk, a, NLM_F_EXCL);
	if (r < 0) {
		ip6_format_cidr(addr, prefix, text);
		return np_nl_fail(err, r, "add address %s", text);
	}
	return 0;
}

int
np_route_add6(struct nl_sock *sk, int index, const struct cni_route6 *r, struct pd_err *err)
{
	cleanup_rtnl_route struct rtnl_route *route = rtnl_route_alloc();
	cleanup_nl_addr struct nl_addr *dst = nl_ip6(r->dst.addr, r->dst.prefix);
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	char text[IP6_CIDR_MAX], via[IP6_STR_MAX];
	int e;

	if (route == NULL || nh == NULL)
		abort();
	rtnl_route_set_family(route, AF_INET6);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_BOOT);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	e = rtnl_route_set_dst(route, dst);
	rtnl_route_nh_set_ifindex(nh, index);
	if (r->gw != 0) {
		cleanup_nl_addr struct nl_addr *gw = nl_ip6(r->gw, 128);

		rtnl_route_nh_set_gateway(nh, gw);
	}
	rtnl_route_add_nexthop(route, nh);
	if (e == 0)
		e = rtnl_route_add(sk, route, NLM_F_EXCL);
	if (e < 0) {
		ip6_format_cidr(r->dst.addr, r->dst.prefix, text);
		ip6_format(r->gw, via);
		return np_nl_fail(err, e, "add route %s via %s", text, via);
	}
	return 0;
}
