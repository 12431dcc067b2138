/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 addresses for netplug's config and IPAM: text to number and back,
 * prefixes, and walking an allocation range. Addresses are uint32_t in host
 * byte order, so that arithmetic is plain arithmetic; conversion to network
 * order happens only where an address meets the kernel (netplug/addr.c).
 * Pure functions. IPv6 is deliberately absent: netplug allocates IPv4 only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define IP4_STR_MAX  16 /* "255.255.255.255" and NUL */
#define IP4_CIDR_MAX 19 /* "255.255.255.255/32" and NUL */

/* A network or an address with its prefix length (0..32). */
struct ip4_net {
	uint32_t addr;
	int prefix;
};

/* Parse dotted decimal "a.b.c.d" (no leading zeros, nothing around it).
 * PD_E_INVALID naming @s. */
int ip4_parse(const char *s, uint32_t *out, struct pd_err *err);

/* Parse "a.b.c.d/n". Host bits are kept: callers decide whether they are
 * allowed (ip4_net_is_network()). PD_E_INVALID naming @s. */
int ip4_parse_cidr(const char *s, struct ip4_net *out, struct pd_err *err);

/* Format @a into @buf. */
void ip4_format(uint32_t a, char buf[IP4_STR_MAX]);

/* Format "@a/@prefix" into @buf. */
void ip4_format_cidr(uint32_t a, int prefix, char buf[IP4_CIDR_MAX]);

/* The netmask of a prefix length: 24 gives 0xffffff00. */
uint32_t ip4_mask(int prefix);

/* The network address and the broadcast address of @n. */
uint32_t ip4_network(const struct ip4_net *n);
uint32_t ip4_broadcast(const struct ip4_net *n);

/* True when @n has no host bits set. */
bool ip4_net_is_network(const struct ip4_net *n);

/* True when @a is inside @n. */
bool ip4_contains(const struct ip4_net *n, uint32_t a);

/* The address after @a in [@start, @end], wrapping to @start after @end (and
 * from anything outside the range). @start <= @end. */
uint32_t ip4_range_next(uint32_t a, uint32_t start, uint32_t end);
