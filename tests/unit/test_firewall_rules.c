/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/firewall_rules: the text of podd's nftables table from a plan: an
 * empty plan only deletes the table, DNAT rules of both families with and
 * without a host address, hairpin masquerade per network, isolation
 * between networks and of an internal one, and what the plan refuses (a
 * bridge name or an owner that could add text of its own, a bad address).
 */
#include <string.h>
#include <stdlib.h>

#include "firewall_rules.h"
#include "unit.h"

static struct fw_dnat
dnat(const char *owner, enum port_proto proto, bool v6, const char *host_ip, int host_port,
     const char *to_ip, int to_port)
{
	struct fw_dnat r = {.proto = proto,
			    .v6 = v6,
			    .host_port = (uint16_t)host_port,
			    .to_port = (uint16_t)to_port};

	strncpy(r.owner, owner, sizeof(r.owner) - 1);
	strncpy(r.host_ip, host_ip, sizeof(r.host_ip) - 1);
	strncpy(r.to_ip, to_ip, sizeof(r.to_ip) - 1);
	return r;
}

static void
test_empty_deletes_the_table(void)
{
	struct fw_plan plan = {0};
	char *s = fw_rules_script(&plan);

	CHECK(fw_plan_empty(&plan));
	CHECK_STR(s, ==, "add table inet podd\ndelete table inet podd\n");
	free(s);
}

static void
test_dnat_rules(void)
{
	struct fw_plan plan = {0};
	struct fw_dnat a = dnat("abc", PORT_TCP, false, "", 8080, "10.77.0.2", 80);
	struct fw_dnat b = dnat("abc", PORT_UDP, false, "198.18.0.1", 5353, "10.77.0.2", 53);
	struct fw_dnat c = dnat("def", PORT_TCP, true, "", 8443, "fd77::2", 443);
	char *s;

	REQUIRE(fw_plan_add_dnat(&plan, &a) && fw_plan_add_dnat(&plan, &b) &&
		fw_plan_add_dnat(&plan, &c));
	s = fw_rules_script(&plan);
	CHECK(strstr(s, "meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to "
			"10.77.0.2:80 comment \"abc\"\n") != NULL);
	CHECK(strstr(s, "ip daddr 198.18.0.1 udp dport 5353 dnat ip to 10.77.0.2:53 comment "
			"\"abc\"\n") != NULL);
	CHECK(strstr(s, "meta nfproto ipv6 fib daddr type local tcp dport 8443 dnat ip6 to "
			"[fd77::2]:443 comment \"def\"\n") != NULL);
	CHECK(strstr(s, "type nat hook prerouting priority dstnat") != NULL);
	free(s);
	fw_plan_clear(&plan);
}

static void
test_networks(void)
{
	struct fw_plan plan = {0};
	char *s;

	REQUIRE(fw_plan_add_net(&plan, "podd", "podd0", false));
	REQUIRE(fw_plan_add_net(&plan, "red", "red0", false));
	REQUIRE(fw_plan_add_net(&plan, "red", "red0", false)); /* once */
	REQUIRE(fw_plan_add_net(&plan, "lab", "lab0", true));
	CHECK_INT(plan.n_nets, ==, 3);
	s = fw_rules_script(&plan);
	CHECK(strstr(s, "iifname \"podd0\" oifname \"podd0\" ct status dnat masquerade comment "
			"\"network:podd\"") != NULL);
	CHECK(strstr(s, "iifname \"lab0\" oifname \"lab0\" ct status dnat") == NULL);
	CHECK(strstr(s, "iifname \"podd0\" oifname { \"red0\", \"lab0\" } drop comment "
			"\"network:podd\"") != NULL);
	CHECK(strstr(s, "iifname \"red0\" oifname { \"podd0\", \"lab0\" } drop") != NULL);
	CHECK(strstr(s, "iifname \"lab0\" oifname != \"lab0\" drop comment \"network:lab\"") !=
	      NULL);
	CHECK(strstr(s, "oifname \"lab0\" iifname != \"lab0\" drop comment \"network:lab\"") !=
	      NULL);
	free(s);
	fw_plan_clear(&plan);
}

static void
test_one_network_needs_no_isolation(void)
{
	struct fw_plan plan = {0};
	char *s;

	REQUIRE(fw_plan_add_net(&plan, "podd", "podd0", false));
	s = fw_rules_script(&plan);
	CHECK(strstr(s, " drop") == NULL);
	free(s);
	fw_plan_clear(&plan);
}

static void
test_refused(void)
{
	struct fw_plan plan = {0};
	struct fw_dnat r = dnat("abc", PORT_TCP, false, "", 8080, "10.77.0.2", 80);

	CHECK(!fw_plan_add_net(&plan, "x", "br\" drop", false));
	CHECK(!fw_plan_add_net(&plan, "x", "", false));
	CHECK(!fw_plan_add_net(&plan, "x", "a-name-over-15ch", false));
	CHECK(!fw_plan_add_net(&plan, "x;y", "br0", false));
	r.to_ip[0] = '\0';
	CHECK(!fw_plan_add_dnat(&plan, &r));
	r = dnat("abc", PORT_TCP, false, "::1", 8080, "10.77.0.2", 80);
	CHECK(!fw_plan_add_dnat(&plan, &r));
	r = dnat("a\"b", PORT_TCP, false, "", 8080, "10.77.0.2", 80);
	CHECK(!fw_plan_add_dnat(&plan, &r));
	r = dnat("abc", PORT_TCP, true, "", 8080, "10.77.0.2", 80);
	CHECK(!fw_plan_add_dnat(&plan, &r));
	CHECK(fw_plan_empty(&plan));
}

static const struct unit_case cases[] = {
    {"empty_deletes_the_table", test_empty_deletes_the_table},
    {"dnat_rules", test_dnat_rules},
    {"networks", test_networks},
    {"one_network_needs_no_isolation", test_one_network_needs_no_isolation},
    {"refused", test_refused},
};

UNIT_MAIN(cases)
