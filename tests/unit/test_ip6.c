/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/ip6: parsing and formatting (inet_pton's forms in, inet_ntop's out),
 * CIDRs and what is refused, masks, networks, containment, overlap, and
 * walking a range with its wrap.
 */
#include <string.h>

#include "ip6.h"
#include "unit.h"

static ip6_addr
a6(const char *s)
{
	struct pd_err err = {0};
	ip6_addr a = 0;

	REQUIRE(ip6_parse(s, &a, &err) == 0);
	return a;
}

static void
test_parse_format(void)
{
	struct pd_err err = {0};
	char buf[IP6_STR_MAX], cidr[IP6_CIDR_MAX];
	uint8_t b[16];
	ip6_addr a;

	a = a6("fd77:0:0::0001");
	ip6_format(a, buf);
	CHECK_STR(buf, ==, "fd77::1");
	ip6_to_bytes(a, b);
	CHECK_INT(b[0], ==, 0xfd);
	CHECK_INT(b[1], ==, 0x77);
	CHECK_INT(b[15], ==, 1);
	CHECK(ip6_from_bytes(b) == a);
	ip6_format(a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), buf);
	CHECK_STR(buf, ==, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ip6_format_cidr(a6("2001:db8::"), 32, cidr);
	CHECK_STR(cidr, ==, "2001:db8::/32");
	CHECK_INT(ip6_parse("10.0.0.1", &a, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "not an IPv6 address");
	CHECK_INT(ip6_parse("fd77:::1", &a, &err), ==, -1);
	CHECK_INT(ip6_parse(NULL, &a, &err), ==, -1);
}

static void
test_cidr(void)
{
	struct pd_err err = {0};
	struct ip6_net n;

	REQUIRE(ip6_parse_cidr("fd77::/64", &n, &err) == 0);
	CHECK(n.addr == a6("fd77::"));
	CHECK_INT(n.prefix, ==, 64);
	CHECK(ip6_net_is_network(&n));
	REQUIRE(ip6_parse_cidr("::/0", &n, &err) == 0);
	CHECK_INT(n.prefix, ==, 0);
	REQUIRE(ip6_parse_cidr("fd77::5/128", &n, &err) == 0);
	CHECK(ip6_net_is_network(&n));
	REQUIRE(ip6_parse_cidr("fd77::5/64", &n, &err) == 0);
	CHECK(!ip6_net_is_network(&n));
	CHECK(ip6_network(&n) == a6("fd77::"));
	CHECK(ip6_last(&n) == a6("fd77::ffff:ffff:ffff:ffff"));
	static const char *const bad[] = {"fd77::",     "fd77::/129", "fd77::/-1",
					  "fd77::/064", "fd77::/ 6",  "fd77::/6x",
					  "/64",        "10.0.0.0/8", "fd77::/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(ip6_parse_cidr(bad[i], &n, &err), ==, -1);
		CHECK_CONTAINS(err.msg, "not an IPv6 CIDR");
	}
}

static void
test_arithmetic(void)
{
	struct ip6_net n = {a6("fd78:1::"), 64}, m = {a6("fd78::"), 16}, o = {a6("fd78:2::"), 64};

	CHECK(ip6_mask(0) == 0);
	CHECK(ip6_mask(128) == ~(ip6_addr)0);
	CHECK(ip6_mask(64) == ~(ip6_addr)0 << 64);
	CHECK(ip6_mask(1) == (ip6_addr)1 << 127);
	CHECK(ip6_contains(&n, a6("fd78:1::ffff")));
	CHECK(!ip6_contains(&n, a6("fd78:2::1")));
	CHECK(ip6_overlaps(&n, &m));
	CHECK(ip6_overlaps(&m, &n));
	CHECK(!ip6_overlaps(&n, &o));
	CHECK(ip6_range_next(a6("::5"), a6("::3"), a6("::6")) == a6("::6"));
	CHECK(ip6_range_next(a6("::6"), a6("::3"), a6("::6")) == a6("::3"));
	CHECK(ip6_range_next(0, a6("::3"), a6("::6")) == a6("::3"));
	CHECK(ip6_range_next(~(ip6_addr)0, a6("::3"), ~(ip6_addr)0) == a6("::3"));
	/* Carries cross the 64-bit halves. */
	CHECK(ip6_range_next(a6("fd78:1::ffff:ffff:ffff:ffff"), a6("fd78:1::"),
			     a6("fd78:1::1:0:0:0:0")) == a6("fd78:1:0:1::"));
}

static const struct unit_case cases[] = {
    {"parse_format", test_parse_format},
    {"cidr", test_cidr},
    {"arithmetic", test_arithmetic},
};

UNIT_MAIN(cases)
