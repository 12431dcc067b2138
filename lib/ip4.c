/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 text and arithmetic; see ip4.h. inet_pton(AF_INET) is the parser: it
 * takes exactly four decimal parts, which is what CNI configs use.
 */
#include "ip4.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

int
ip4_parse(const char *s, uint32_t *out, struct pd_err *err)
{
	struct in_addr in;

	if (s == NULL || inet_pton(AF_INET, s, &in) != 1)
		return pd_fail(err, PD_E_INVALID, "\"%.40s\" is not an IPv4 address", s ? s : "");
	*out = ntohl(in.s_addr);
	return 0;
}

int
ip4_parse_cidr(const char *s, struct ip4_net *out, struct pd_err *err)
{
	char addr[IP4_STR_MAX];
	const char *slash = s ? strchr(s, '/') : NULL;
	long long prefix;
	struct pd_err ignored;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(addr))
		return pd_fail(err, PD_E_INVALID, "\"%.40s\" is not an IPv4 CIDR (a.b.c.d/n)",
			       s ? s : "");
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	/* pd_parse_int takes a sign and spaces that a prefix must not have. */
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2] != '\0') ||
	    ip4_parse(addr, &out->addr, &ignored) < 0 ||
	    pd_parse_int(slash + 1, 0, 32, &prefix, &ignored) < 0)
		return pd_fail(err, PD_E_INVALID, "\"%.40s\" is not an IPv4 CIDR (a.b.c.d/n)", s);
	out->prefix = (int)prefix;
	return 0;
}

void
ip4_format(uint32_t a, char buf[IP4_STR_MAX])
{
	/* Four numbers of at most three digits always fit. */
	(void)snprintf(buf, IP4_STR_MAX, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
		       a & 0xff);
}

void
ip4_format_cidr(uint32_t a, int prefix, char buf[IP4_CIDR_MAX])
{
	(void)snprintf(buf, IP4_CIDR_MAX, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 0xff,
		       (a >> 8) & 0xff, a & 0xff, prefix);
}

uint32_t
ip4_mask(int prefix)
{
	return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
}

uint32_t
ip4_network(const struct ip4_net *n)
{
	return n->addr & ip4_mask(n->prefix);
}

uint32_t
ip4_broadcast(const struct ip4_net *n)
{
	return n->addr | ~ip4_mask(n->prefix);
}

bool
ip4_net_is_network(const struct ip4_net *n)
{
	return ip4_network(n) == n->addr;
}

bool
ip4_contains(const struct ip4_net *n, uint32_t a)
{
	return (a & ip4_mask(n->prefix)) == ip4_network(n);
}

uint32_t
ip4_range_next(uint32_t a, uint32_t start, uint32_t end)
{
	if (a < start || a >= end)
		return start;
	return a + 1;
}
