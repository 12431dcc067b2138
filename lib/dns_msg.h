/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS messages (RFC 1035), as much as podd's DNS server needs: the header
 * and the one question of a query, and the answers podd gives itself (A,
 * AAAA, PTR, an empty answer, NXDOMAIN, SERVFAIL, TC). Everything else a
 * client asks is relayed byte for byte by podd/dns.c, so this codec never
 * reads answers, additional records or EDNS options; it only looks at a
 * relayed answer's id and TC bit. A codec of our own rather than libevent's
 * evdns server: evdns hides a query's bytes and id, which a raw relay needs,
 * and has no TCP; the same parser serves UDP and TCP here. Pure functions;
 * no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PD_DNS_HEADER    12
#define PD_DNS_NAME_MAX  254 /* a name as text, no trailing dot, and NUL */
#define PD_DNS_UDP_MAX   512 /* an answer over UDP to a client without EDNS */
#define PD_DNS_MSG_MAX   65535
#define PD_DNS_TYPE_A    1
#define PD_DNS_TYPE_PTR  12
#define PD_DNS_TYPE_AAAA 28
#define PD_DNS_TYPE_ANY  255
#define PD_DNS_CLASS_IN  1

enum pd_dns_rcode {
	PD_DNS_NOERROR = 0,
	PD_DNS_FORMERR = 1,
	PD_DNS_SERVFAIL = 2,
	PD_DNS_NXDOMAIN = 3,
	PD_DNS_NOTIMP = 4,
	PD_DNS_REFUSED = 5,
};

/* The question of a query. */
struct pd_dns_query {
	uint16_t id;
	uint16_t flags;             /* as sent: opcode, RD, ... */
	char name[PD_DNS_NAME_MAX]; /* lower case, dotted, no trailing dot; "" for the root */
	bool plain; /* only letters, digits, '-' and '_' in its labels: a name podd may know */
	uint16_t qtype, qclass;
	size_t end; /* offset just past the question */
};

/* Parse a query of @len bytes at @msg: QR clear, opcode QUERY, exactly one
 * question whose name has no compression pointer, labels of 1..63 bytes,
 * 255 bytes in all. Answer, authority and additional records are not
 * looked at (a client's EDNS OPT record comes after the question).
 * PD_E_INVALID for anything else: the caller drops the packet. */
int pd_dns_query_parse(const uint8_t *msg, size_t len, struct pd_dns_query *q, struct pd_err *err);

/* An answer being built into a caller's buffer. */
struct pd_dns_reply {
	uint8_t *buf; /* borrowed */
	size_t cap;   /* the most the answer may take (512 for a UDP client) */
	size_t len;
	size_t qend; /* the end of the question */
	uint16_t ancount;
	bool truncated; /* an answer did not fit: TC is set and no answer kept */
};

/* Start the answer to @q (whose bytes are @msg) in @buf of @cap bytes
 * (at least PD_DNS_HEADER + the question; PD_E_TOO_LARGE otherwise):
 * header with the query's id, opcode and RD, QR, AA and RA set, @rcode,
 * and the question copied. */
int pd_dns_reply_start(struct pd_dns_reply *r, uint8_t *buf, size_t cap, const uint8_t *msg,
		       const struct pd_dns_query *q, enum pd_dns_rcode rcode, struct pd_err *err);

/* Add an A (@len 4) or AAAA (@len 16) record for the question's name,
 * @addr in network byte order. When it does not fit the reply is turned
 * into an empty one with TC set (the client asks again over TCP). */
void pd_dns_reply_add_addr(struct pd_dns_reply *r, const void *addr, size_t len, uint32_t ttl);

/* Add a PTR record for the question's name pointing at @target (dotted
 * text, no trailing dot). PD_E_INVALID for a target that is not a name. */
int pd_dns_reply_add_ptr(struct pd_dns_reply *r, const char *target, uint32_t ttl,
			 struct pd_err *err);

/* The id of a message of @len bytes, and whether it has TC set; false, 0
 * for a message shorter than a header. */
uint16_t pd_dns_msg_id(const uint8_t *msg, size_t len);
bool pd_dns_msg_truncated(const uint8_t *msg, size_t len);

/* The address a reverse name stands for: "4.3.2.1.in-addr.arpa" gives
 * 1.2.3.4 (@family AF_INET, 4 bytes into @addr), 32 nibbles under
 * "ip6.arpa" an IPv6 address (AF_INET6, 16 bytes). False for anything
 * else (a partial reverse name included). */
bool pd_dns_reverse_addr(const char *name, int *family, uint8_t addr[16]);

/* True when @name is @domain or ends in ".@domain"; @prefix_len gets the
 * length of what comes before ".@domain" (0 for @domain itself). */
bool pd_dns_name_in(const char *name, const char *domain, size_t *prefix_len);
