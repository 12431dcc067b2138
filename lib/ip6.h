/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv6 networks for netplug's config and IPAM and podd's networks: CIDR text
 * to number and back, prefixes, and walking an allocation range, as lib/ip4.h
 * does for IPv4. inet_pton and inet_ntop do the address text; what they do
 * not give (a prefix, its mask, arithmetic over a range) is here. An address
 * is an unsigned 128-bit number (the 16 bytes read most significant first),
 * so that a range is plain arithmetic. Pure functions.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define IP6_STR_MAX  46 /* INET6_ADDRSTRLEN */
#define IP6_CIDR_MAX 50 /* and "/128" */

typedef unsigned __int128 ip6_addr;

/* A network or an address with its prefix length (0..128). */
struct ip6_net {
	ip6_addr addr;
	int prefix;
};

/* Parse an IPv6 address in any form inet_pton takes. PD_E_INVALID naming @s. */
int ip6_parse(const char *s, ip6_addr *out, struct pd_err *err);

/* Parse "ADDR/n". Host bits are kept (ip6_net_is_network() tells). */
int ip6_parse_cidr(const char *s, struct ip6_net *out, struct pd_err *err);

/* Format @a (inet_ntop's canonical form) into @buf. */
void ip6_format(ip6_addr a, char buf[IP6_STR_MAX]);

/* Format "@a/@prefix" into @buf. */
void ip6_format_cidr(ip6_addr a, int prefix, char buf[IP6_CIDR_MAX]);

/* The 16 bytes of @a, network order, and back. */
void ip6_to_bytes(ip6_addr a, uint8_t out[16]);
ip6_addr ip6_from_bytes(const uint8_t in[16]);

/* The mask of a prefix length. */
ip6_addr ip6_mask(int prefix);

/* The first and the last address of @n. */
ip6_addr ip6_network(const struct ip6_net *n);
ip6_addr ip6_last(const struct ip6_net *n);

/* True when @n has no host bits set. */
bool ip6_net_is_network(const struct ip6_net *n);

/* True when @a is inside @n. */
bool ip6_contains(const struct ip6_net *n, ip6_addr a);

/* True when @a and @b share an address. */
bool ip6_overlaps(const struct ip6_net *a, const struct ip6_net *b);

/* The address after @a in [@start, @end], wrapping to @start after @end (and
 * from anything outside the range). @start <= @end. */
ip6_addr ip6_range_next(ip6_addr a, ip6_addr start, ip6_addr end);
