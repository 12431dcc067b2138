/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv6 text and arithmetic; see ip6.h.
 */
#include "ip6.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

void
ip6_to_bytes(ip6_addr a, uint8_t out[16])
{
	for (int i = 15; i >= 0; i--, a >>= 8)
		out[i] = (uint8_t)(a & 0xff);
}

ip6_addr
ip6_from_bytes(const uint8_t in[16])
{
	ip6_addr a = 0;

	for (int i = 0; i < 16; i++)
		a = (a << 8) | in[i];
	return a;
}

int
ip6_parse(const char *s, ip6_addr *out, struct pd_err *err)
{
	struct in6_addr in;

	if (s == NULL || inet_pton(AF_INET6, s, &in) != 1)
		return pd_fail(err, PD_E_INVALID, "\"%.50s\" is not an IPv6 address", s ? s : "");
	*out = ip6_from_bytes(in.s6_addr);
	return 0;
}

int
ip6_parse_cidr(const char *s, struct ip6_net *out, struct pd_err *err)
{
	char addr[IP6_STR_MAX];
	const char *slash = s ? strchr(s, '/') : NULL;
	long long prefix;
	struct pd_err ignored;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(addr))
		return pd_fail(err, PD_E_INVALID, "\"%.50s\" is not an IPv6 CIDR (ADDR/n)",
			       s ? s : "");
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2] != '\0') ||
	    ip6_parse(addr, &out->addr, &ignored) < 0 ||
	    pd_parse_int(slash + 1, 0, 128, &prefix, &ignored) < 0)
		return pd_fail(err, PD_E_INVALID, "\"%.50s\" is not an IPv6 CIDR (ADDR/n)", s);
	out->prefix = (int)prefix;
	return 0;
}

void
ip6_format(ip6_addr a, char buf[IP6_STR_MAX])
{
	struct in6_addr in;

	ip6_to_bytes(a, in.s6_addr);
	if (inet_ntop(AF_INET6, &in, buf, IP6_STR_MAX) == NULL)
		buf[0] = '\0'; /* cannot happen: the buffer is large enough */
}

void
ip6_format_cidr(ip6_addr a, int prefix, char buf[IP6_CIDR_MAX])
{
	char s[IP6_STR_MAX];

	ip6_format(a, s);
	(void)snprintf(buf, IP6_CIDR_MAX, "%s/%d", s, prefix);
}

ip6_addr
ip6_mask(int prefix)
{
	if (prefix <= 0)
		return 0;
	if (prefix >= 128)
		return ~(ip6_addr)0;
	return ~(~(ip6_addr)0 >> prefix);
}

ip6_addr
ip6_network(const struct ip6_net *n)
{
	return n->addr & ip6_mask(n->prefix);
}

ip6_addr
ip6_last(const struct ip6_net *n)
{
	return n->addr | ~ip6_mask(n->prefix);
}

bool
ip6_net_is_network(const struct ip6_net *n)
{
	return ip6_network(n) == n->addr;
}

bool
ip6_contains(const struct ip6_net *n, ip6_addr a)
{
	return (a & ip6_mask(n->prefix)) == ip6_network(n);
}

bool
ip6_overlaps(const struct ip6_net *a, const struct ip6_net *b)
{
	int p = a->prefix < b->prefix ? a->prefix : b->prefix;

	return ((a->addr ^ b->addr) & ip6_mask(p)) == 0;
}

ip6_addr
ip6_range_next(ip6_addr a, ip6_addr start, ip6_addr end)
{
	if (a < start || a >= end)
		return start;
	return a + 1;
}
