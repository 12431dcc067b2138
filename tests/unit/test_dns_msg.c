/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/dns_msg: a query's question (what is refused: responses, other
 * opcodes, pointers, labels and names too long, cut-short messages), the
 * answers podd builds (A, AAAA, PTR, NXDOMAIN, TC when an answer does not
 * fit), reverse names; lib/resolv_conf: nameservers, search lists and a
 * container's file on a network with a DNS server.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns_msg.h"
#include "resolv_conf.h"
#include "unit.h"

/* A query for @name (dotted) of @type into @buf; its length. */
static size_t
query(uint8_t *buf, const char *name, uint16_t type)
{
	static const uint8_t hdr[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
	size_t n = sizeof(hdr);
	const char *p = name;

	memcpy(buf, hdr, n);
	while (*p != '\0') {
		size_t l = strcspn(p, ".");

		buf[n++] = (uint8_t)l;
		memcpy(buf + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	buf[n++] = 0;
	buf[n++] = (uint8_t)(type >> 8);
	buf[n++] = (uint8_t)type;
	buf[n++] = 0;
	buf[n++] = 1;
	return n;
}

static void
test_parse_query(void)
{
	uint8_t buf[600];
	struct pd_dns_query q;
	struct pd_err err = {0};
	size_t n = query(buf, "Web.DNS.podd", PD_DNS_TYPE_AAAA);

	REQUIRE(pd_dns_query_parse(buf, n, &q, &err) == 0);
	CHECK_INT(q.id, ==, 0x1234);
	CHECK_STR(q.name, ==, "web.dns.podd");
	CHECK_INT(q.qtype, ==, PD_DNS_TYPE_AAAA);
	CHECK_INT(q.qclass, ==, PD_DNS_CLASS_IN);
	CHECK_INT(q.end, ==, n);
	CHECK(q.plain);
	/* The root, and a name with a byte no pod name has. */
	n = query(buf, "", PD_DNS_TYPE_A);
	REQUIRE(pd_dns_query_parse(buf, n, &q, &err) == 0);
	CHECK_STR(q.name, ==, "");
	n = query(buf, "a b.test", PD_DNS_TYPE_A);
	REQUIRE(pd_dns_query_parse(buf, n, &q, &err) == 0);
	CHECK(!q.plain);
}

static int
refused(const uint8_t *buf, size_t n)
{
	struct pd_dns_query q;
	struct pd_err err = {0};
	int r = pd_dns_query_parse(buf, n, &q, &err);

	return r < 0 && err.kind == PD_E_INVALID;
}

static void
test_refused_queries(void)
{
	uint8_t buf[600], copy[600];
	size_t n = query(buf, "web", PD_DNS_TYPE_A);
	char label[70];

	memcpy(copy, buf, n);
	for (size_t i = 0; i < n; i++)
		CHECK(refused(buf, i)); /* every cut-short message */
	copy[2] |= 0x80;                /* a response */
	CHECK(refused(copy, n));
	memcpy(copy, buf, n);
	copy[2] |= 0x10; /* opcode 2: STATUS */
	CHECK(refused(copy, n));
	memcpy(copy, buf, n);
	copy[5] = 2; /* two questions */
	CHECK(refused(copy, n));
	memcpy(copy, buf, n);
	copy[12] = 0xc0; /* a pointer */
	CHECK(refused(copy, n));
	memset(label, 'a', 64);
	label[64] = '\0';
	CHECK(refused(buf, query(buf, label, PD_DNS_TYPE_A)));
	/* 255 bytes on the wire at most: 4 labels of 63 are 256. */
	{
		char name[300];

		memset(label, 'b', 63);
		label[63] = '\0';
		(void)snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label, label, label, label);
		CHECK(!refused(buf, query(buf, name, PD_DNS_TYPE_A)));
		(void)snprintf(name, sizeof(name), "%s.%s.%s.%.62s", label, label, label, label);
		CHECK(refused(buf, query(buf, name, PD_DNS_TYPE_A)));
	}
}

static void
test_answers(void)
{
	uint8_t buf[600], out[PD_DNS_UDP_MAX];
	size_t n = query(buf, "web", PD_DNS_TYPE_A);
	struct pd_dns_query q;
	struct pd_dns_reply r;
	struct pd_err err = {0};
	uint8_t a[4] = {10, 77, 0, 2};

	REQUIRE(pd_dns_query_parse(buf, n, &q, &err) == 0);
	REQUIRE(pd_dns_reply_start(&r, out, sizeof(out), buf, &q, PD_DNS_NOERROR, &err) == 0);
	pd_dns_reply_add_addr(&r, a, 4, 60);
	CHECK_INT(r.len, ==, n + 16);
	CHECK_INT(out[0], ==, 0x12);
	CHECK_INT(out[1], ==, 0x34);
	CHECK_INT(out[2], ==, 0x85); /* QR, AA, RD */
	CHECK_INT(out[3], ==, 0x80); /* RA, NOERROR */
	CHECK_INT(out[7], ==, 1);    /* one answer */
	CHECK_INT(out[n], ==, 0xc0); /* its name points at the question */
	CHECK_INT(out[n + 1], ==, 12);
	CHECK_INT(out[n + 3], ==, PD_DNS_TYPE_A);
	CHECK_INT(out[n + 9], ==, 60);
	CHECK(memcmp(out + n + 12, a, 4) == 0);
	CHECK(!pd_dns_msg_truncated(out, r.len));
	CHECK_INT(pd_dns_msg_id(out, r.len), ==, 0x1234);
	/* NXDOMAIN */
	REQUIRE(pd_dns_reply_start(&r, out, sizeof(out), buf, &q, PD_DNS_NXDOMAIN, &err) == 0);
	CHECK_INT(out[3] & 0x0f, ==, PD_DNS_NXDOMAIN);
	CHECK_INT(r.len, ==, n);
	/* A PTR */
	REQUIRE(pd_dns_reply_start(&r, out, sizeof(out), buf, &q, PD_DNS_NOERROR, &err) == 0);
	REQUIRE(pd_dns_reply_add_ptr(&r, "web.dns.podd", 60, &err) == 0);
	CHECK_INT(r.len, ==, n + 12 + 14);
	CHECK(memcmp(out + n + 12, "\3web\3dns\4podd\0", 14) == 0);
	CHECK(pd_dns_reply_add_ptr(&r, "bad..name", 60, &err) < 0);
}

static void
test_truncated_answer(void)
{
	uint8_t buf[600], out[64];
	size_t n = query(buf, "web", PD_DNS_TYPE_AAAA);
	struct pd_dns_query q;
	struct pd_dns_reply r;
	struct pd_err err = {0};
	uint8_t a[16] = {0xfd, 0x77};

	REQUIRE(pd_dns_query_parse(buf, n, &q, &err) == 0);
	REQUIRE(pd_dns_reply_start(&r, out, sizeof(out), buf, &q, PD_DNS_NOERROR, &err) == 0);
	pd_dns_reply_add_addr(&r, a, 16, 60); /* 21 + 28 = 49 */
	CHECK(!r.truncated);
	pd_dns_reply_add_addr(&r, a, 16, 60); /* 77: does not fit */
	CHECK(r.truncated);
	CHECK(pd_dns_msg_truncated(out, r.len));
	CHECK_INT(r.len, ==, n);
	CHECK_INT(out[7], ==, 0);
	/* Too small for the question itself. */
	CHECK(pd_dns_reply_start(&r, out, 12, buf, &q, PD_DNS_NOERROR, &err) < 0);
}

static void
test_reverse_names(void)
{
	uint8_t a[16];
	int family = 0;
	char v6[80];

	REQUIRE(pd_dns_reverse_addr("2.0.77.10.in-addr.arpa", &family, a));
	CHECK_INT(family, ==, AF_INET);
	CHECK(a[0] == 10 && a[1] == 77 && a[2] == 0 && a[3] == 2);
	CHECK(!pd_dns_reverse_addr("0.77.10.in-addr.arpa", &family, a));
	CHECK(!pd_dns_reverse_addr("256.0.77.10.in-addr.arpa", &family, a));
	CHECK(!pd_dns_reverse_addr("02.0.77.10.in-addr.arpa", &family, a));
	CHECK(!pd_dns_reverse_addr("in-addr.arpa", &family, a));
	CHECK(!pd_dns_reverse_addr("2.0.77.10.example", &family, a));
	memcpy(v6, "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.7.d.f.ip6.arpa", 73);
	REQUIRE(pd_dns_reverse_addr(v6, &family, a));
	CHECK_INT(family, ==, AF_INET6);
	CHECK(a[0] == 0xfd && a[1] == 0x77 && a[15] == 2);
	v6[0] = 'g';
	CHECK(!pd_dns_reverse_addr(v6, &family, a));
}

static void
test_name_in(void)
{
	size_t n = 99;

	CHECK(pd_dns_name_in("web.dns.podd", "dns.podd", &n));
	CHECK_INT(n, ==, 3);
	CHECK(pd_dns_name_in("dns.podd", "dns.podd", &n));
	CHECK_INT(n, ==, 0);
	CHECK(!pd_dns_name_in("webdns.podd", "dns.podd", &n));
	CHECK(!pd_dns_name_in("podd", "dns.podd", &n));
	CHECK(!pd_dns_name_in(".dns.podd", "dns.podd", &n));
}

static void
test_resolv_conf(void)
{
	static const char text[] = "# a comment\n"
				   "domain old.test\n"
				   "nameserver 198.18.0.2\n"
				   "nameserver fe80::1%eth0\n"
				   "nameserver not-an-address\n"
				   "nameserver 2001:db8::53 \n"
				   "search a.test  b.test\n"
				   "options ndots:2 edns0\n"
				   "nameserver 198.18.0.3\n"
				   "nameserver 198.18.0.4\n";
	struct pd_resolv r;
	char *s;

	pd_resolv_parse(text, strlen(text), &r);
	CHECK_INT(r.n_ns, ==, 3);
	CHECK_STR(r.ns[0], ==, "198.18.0.2");
	CHECK_STR(r.ns[1], ==, "2001:db8::53");
	CHECK_STR(r.ns[2], ==, "198.18.0.3");
	CHECK_STR(r.search, ==, "a.test b.test");
	s = pd_resolv_for_server(text, strlen(text), "10.77.0.1", "dns.podd");
	CHECK_STR(s, ==,
		  "nameserver 10.77.0.1\nsearch dns.podd a.test b.test\n# a comment\n"
		  "options ndots:2 edns0\n");
	free(s);
	s = pd_resolv_for_server("", 0, "10.77.0.1", "dns.podd");
	CHECK_STR(s, ==, "nameserver 10.77.0.1\nsearch dns.podd\n");
	free(s);
}

static const struct unit_case cases[] = {
    {"parse_query", test_parse_query},
    {"refused_queries", test_refused_queries},
    {"answers", test_answers},
    {"truncated_answer", test_truncated_answer},
    {"reverse_names", test_reverse_names},
    {"name_in", test_name_in},
    {"resolv_conf", test_resolv_conf},
};

UNIT_MAIN(cases)
