/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS message codec: a query's question in, podd's own answers out
 * (dns_msg.h). Offsets are checked against the length before every read;
 * nothing here follows a compression pointer, so no input can loop.
 */
#include "dns_msg.h"

#include <string.h>
#include <sys/socket.h>

#include "parse.h"

#define FLAG_QR       0x8000
#define FLAG_OPCODE   0x7800
#define FLAG_AA       0x0400
#define FLAG_TC       0x0200
#define FLAG_RD       0x0100
#define FLAG_RA       0x0080
#define NAME_WIRE_MAX 255

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool
is_plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
pd_dns_query_parse(const uint8_t *msg, size_t len, struct pd_dns_query *q, struct pd_err *err)
{
	size_t off = PD_DNS_HEADER, out = 0;

	memset(q, 0, sizeof(*q));
	if (len < PD_DNS_HEADER)
		return pd_fail(err, PD_E_INVALID, "a DNS message shorter than its header");
	q->id = get16(msg);
	q->flags = get16(msg + 2);
	if ((q->flags & FLAG_QR) != 0)
		return pd_fail(err, PD_E_INVALID, "a DNS response where a query was expected");
	if ((q->flags & FLAG_OPCODE) != 0)
		return pd_fail(err, PD_E_INVALID, "a DNS opcode other than QUERY");
	if (get16(msg + 4) != 1)
		return pd_fail(err, PD_E_INVALID, "a DNS query without exactly one question");
	q->plain = true;
	for (;;) {
		uint8_t l;

		if (off >= len)
			return pd_fail(err, PD_E_INVALID, "a DNS name past the message's end");
		l = msg[off++];
		if (l == 0)
			break;
		if (l > 63)
			return pd_fail(err, PD_E_INVALID,
				       "a DNS label over 63 bytes, or a pointer");
		if (off - PD_DNS_HEADER + l > NAME_WIRE_MAX - 1 || l > len - off)
			return pd_fail(err, PD_E_INVALID, "a DNS name too long or cut short");
		if (out > 0)
			q->name[out++] = '.';
		for (uint8_t i = 0; i < l; i++) {
			uint8_t c = msg[off + i];

			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			if (!is_plain(c))
				q->plain = false;
			/* A NUL or a dot inside a label cannot be text: such a name is
			 * never one of ours, and is relayed as its bytes are. */
			if (c == 0 || c == '.')
				c = '?';
			q->name[out++] = (char)c;
		}
		off += l;
	}
	q->name[out] = '\0';
	if (len - off < 4)
		return pd_fail(err, PD_E_INVALID, "a DNS question cut short");
	q->qtype = get16(msg + off);
	q->qclass = get16(msg + off + 2);
	q->end = off + 4;
	return 0;
}

int
pd_dns_reply_start(struct pd_dns_reply *r, uint8_t *buf, size_t cap, const uint8_t *msg,
		   const struct pd_dns_query *q, enum pd_dns_rcode rcode, struct pd_err *err)
{
	uint16_t flags = FLAG_QR | FLAG_AA | FLAG_RA | (q->flags & (FLAG_OPCODE | FLAG_RD));

	if (cap < q->end)
		return pd_fail(err, PD_E_TOO_LARGE, "no room for a DNS answer's question");
	*r = (struct pd_dns_reply){.buf = buf, .cap = cap, .len = q->end, .qend = q->end};
	memset(buf, 0, PD_DNS_HEADER);
	put16(buf, q->id);
	put16(buf + 2, (uint16_t)(flags | (uint16_t)rcode));
	put16(buf + 4, 1);
	memcpy(buf + PD_DNS_HEADER, msg + PD_DNS_HEADER, q->end - PD_DNS_HEADER);
	return 0;
}

/* Room for @n more bytes; else the reply becomes an empty one with TC. */
static bool
reserve(struct pd_dns_reply *r, size_t n)
{
	if (r->truncated)
		return false;
	if (r->cap - r->len >= n)
		return true;
	r->truncated = true;
	r->ancount = 0;
	put16(r->buf + 2, get16(r->buf + 2) | FLAG_TC);
	put16(r->buf + 6, 0);
	r->len = r->qend;
	return false;
}

/* The record's fixed part: a pointer to the question's name, @type, IN,
 * @ttl and @rdlen. */
static void
put_rr(struct pd_dns_reply *r, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	uint8_t *p = r->buf + r->len;

	put16(p, 0xc000 | PD_DNS_HEADER);
	put16(p + 2, type);
	put16(p + 4, PD_DNS_CLASS_IN);
	put16(p + 6, (uint16_t)(ttl >> 16));
	put16(p + 8, (uint16_t)ttl);
	put16(p + 10, rdlen);
	r->len += 12;
	r->ancount++;
	put16(r->buf + 6, r->ancount);
}

void
pd_dns_reply_add_addr(struct pd_dns_reply *r, const void *addr, size_t len, uint32_t ttl)
{
	if (!reserve(r, 12 + len))
		return;
	put_rr(r, len == 4 ? PD_DNS_TYPE_A : PD_DNS_TYPE_AAAA, ttl, (uint16_t)len);
	memcpy(r->buf + r->len, addr, len);
	r->len += len;
}

int
pd_dns_reply_add_ptr(struct pd_dns_reply *r, const char *target, uint32_t ttl, struct pd_err *err)
{
	uint8_t wire[NAME_WIRE_MAX];
	size_t n = 0;
	const char *p = target;

	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || n + 1 + l + 1 > sizeof(wire))
			return pd_fail(err, PD_E_INVALID, "\"%s\" is not a DNS name", target);
		wire[n++] = (uint8_t)l;
		memcpy(wire + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	wire[n++] = 0;
	if (!reserve(r, 12 + n))
		return 0;
	put_rr(r, PD_DNS_TYPE_PTR, ttl, (uint16_t)n);
	memcpy(r->buf + r->len, wire, n);
	r->len += n;
	return 0;
}

uint16_t
pd_dns_msg_id(const uint8_t *msg, size_t len)
{
	return len >= PD_DNS_HEADER ? get16(msg) : 0;
}

bool
pd_dns_msg_truncated(const uint8_t *msg, size_t len)
{
	return len >= PD_DNS_HEADER && (get16(msg + 2) & FLAG_TC) != 0;
}

/* "d.c.b.a" (each 0..255, no leading zero) into @addr, reversed. */
static bool
reverse4(const char *s, size_t len, uint8_t addr[4])
{
	int i = 3;
	size_t off = 0;

	while (i >= 0) {
		unsigned v = 0;
		size_t start = off;

		while (off < len && s[off] >= '0' && s[off] <= '9' && off - start < 3)
			v = v * 10 + (unsigned)(s[off++] - '0');
		if (off == start || v > 255 || (off - start > 1 && s[start] == '0'))
			return false;
		addr[i--] = (uint8_t)v;
		if (i >= 0) {
			if (off >= len || s[off] != '.')
				return false;
			off++;
		}
	}
	return off == len;
}

bool
pd_dns_reverse_addr(const char *name, int *family, uint8_t addr[16])
{
	size_t n;

	if (pd_dns_name_in(name, "in-addr.arpa", &n)) {
		*family = AF_INET;
		return reverse4(name, n, addr);
	}
	if (!pd_dns_name_in(name, "ip6.arpa", &n) || n != 32 * 2 - 1)
		return false;
	for (int i = 0; i < 32; i++) {
		int v = pd_parse_hex_digit(name[i * 2]);

		if (v < 0 || (i < 31 && name[i * 2 + 1] != '.'))
			return false;
		if (i % 2 == 0)
			addr[15 - i / 2] = (uint8_t)v;
		else
			addr[15 - i / 2] |= (uint8_t)(v << 4);
	}
	*family = AF_INET6;
	return true;
}

bool
pd_dns_name_in(const char *name, const char *domain, size_t *prefix_len)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n == d && strcmp(name, domain) == 0) {
		*prefix_len = 0;
		return true;
	}
	if (n <= d + 1 || name[n - d - 1] != '.' || strcmp(name + n - d, domain) != 0)
		return false;
	*prefix_len = n - d - 1;
	return true;
}
