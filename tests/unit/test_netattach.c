/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/netattach: a CNI result read for both families and the MAC, an
 * attachment's record and back, bad records, the API's view, the next
 * interface name, and the conflist of a second interface.
 */
#include <stdlib.h>
#include <string.h>

#include "netattach.h"
#include "unit.h"

static json_t *
dual_result(void)
{
	return json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:s}, {s:s, s:s}]}",
			 "cniVersion", "1.1.0", "interfaces", "name", "podd0", "mac",
			 "aa:aa:aa:aa:aa:aa", "name", "eth1", "mac", "02:42:0a:4d:00:05", "ips",
			 "address", "fd77::5/64", "gateway", "fd77::1", "address", "10.77.0.5/16",
			 "gateway", "10.77.0.1");
}

static void
test_result_both_families(void)
{
	struct net_attachment a;
	struct pd_err err = {0};

	net_attachment_init(&a, "podd", "eth1");
	REQUIRE(net_attachment_take_result(&a, dual_result(), &err) == 0);
	CHECK_STR(a.ip, ==, "10.77.0.5");
	CHECK_STR(a.gateway, ==, "10.77.0.1");
	CHECK_STR(a.ip6, ==, "fd77::5");
	CHECK_STR(a.gateway6, ==, "fd77::1");
	CHECK_STR(a.mac, ==, "02:42:0a:4d:00:05");
	CHECK(a.cni_result != NULL);
	net_attachment_reset(&a);
	CHECK_STR(a.ip, ==, "");
	CHECK(a.cni_result == NULL);
	CHECK_STR(a.network, ==, "podd");
	/* No address at all: refused, the result released. */
	CHECK_INT(net_attachment_take_result(&a, json_pack("{s:[]}", "ips"), &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	net_attachment_clear(&a);
}

static void
test_record_round_trip(void)
{
	struct net_attachment a[2], *back = NULL;
	struct pd_err err = {0};
	json_t *j, *again;
	size_t n = 0;

	net_attachment_init(&a[0], "podd", "eth0");
	REQUIRE(net_attachment_take_result(&a[0], dual_result(), &err) == 0);
	net_attachment_init(&a[1], "other", "eth1");
	json_array_append_new(a[1].aliases, json_string("web"));
	j = net_attachments_to_record(a, 2);
	REQUIRE(net_attachments_from_record(j, &back, &n, &err) == 0);
	REQUIRE(n == 2);
	CHECK_STR(back[0].ip6, ==, "fd77::5");
	CHECK_STR(back[1].ifname, ==, "eth1");
	CHECK(back[1].cni_result == NULL);
	CHECK_STR(json_string_value(json_array_get(back[1].aliases, 0)), ==, "web");
	again = net_attachments_to_record(back, n);
	CHECK(json_equal(j, again));
	json_decref(again);
	json_decref(j);
	net_attachments_free(back, n);
	net_attachment_clear(&a[0]);
	net_attachment_clear(&a[1]);
}

static void
test_bad_records(void)
{
	static const char *const bad[] = {
	    "[{\"network\":\"a/b\",\"ifname\":\"eth0\"}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0/x\"}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0\",\"ip\":\"10.0.0.300\"}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0\",\"ip6\":\"10.0.0.3\"}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0\",\"aliases\":[\"a b\"]}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0\",\"cni_result\":[]}]",
	    "[{\"network\":\"n\",\"ifname\":\"eth0\",\"extra\":1}]",
	    "{\"network\":\"n\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct net_attachment *a = NULL;
		struct pd_err err = {0};
		size_t n = 7;
		json_t *j = json_loads(bad[i], 0, NULL);

		REQUIRE(j != NULL);
		CHECK_INT(net_attachments_from_record(j, &a, &n, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK(a == NULL && n == 0);
		json_decref(j);
	}
}

static void
test_api_view_and_names(void)
{
	struct net_attachment a[2];
	char name[16];
	json_t *j;

	net_attachment_init(&a[0], "podd", "eth0");
	net_attachment_init(&a[1], "other", "eth2");
	j = net_attachments_json(a, 2);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "other"), "ifname")), ==,
		  "eth2");
	CHECK(json_object_get(json_object_get(j, "podd"), "aliases") != NULL);
	json_decref(j);
	net_attachment_next_ifname(a, 2, name);
	CHECK_STR(name, ==, "eth1");
	CHECK(net_attachment_find(a, 2, "other") == &a[1]);
	CHECK(net_attachment_find(a, 2, "none") == NULL);
	net_attachment_clear(&a[0]);
	net_attachment_clear(&a[1]);
}

static void
test_conflist_of_a_second_interface(void)
{
	json_t *conf = json_pack("{s:s, s:[{s:s, s:{s:s}}, {s:s, s:{s:s, s:[]}}]}", "name", "n",
				 "plugins", "type", "netplug", "ipam", "subnet", "10.78.0.0/24",
				 "type", "other", "ipam", "subnet", "10.79.0.0/24", "routes");
	json_t *eth0 = net_conflist_for(conf, "eth0");
	json_t *eth1 = net_conflist_for(conf, "eth1");
	json_t *p0 = json_array_get(json_object_get(eth1, "plugins"), 0);

	CHECK(eth0 == conf);
	CHECK_INT(json_array_size(json_object_get(json_object_get(p0, "ipam"), "routes")), ==, 0);
	CHECK(json_object_get(
		  json_object_get(json_array_get(json_object_get(conf, "plugins"), 0), "ipam"),
		  "routes") == NULL);
	json_decref(eth0);
	json_decref(eth1);
	json_decref(conf);
}

static const struct unit_case cases[] = {
    {"result_both_families", test_result_both_families},
    {"record_round_trip", test_record_round_trip},
    {"bad_records", test_bad_records},
    {"api_view_and_names", test_api_view_and_names},
    {"conflist_of_a_second_interface", test_conflist_of_a_second_interface},
};

UNIT_MAIN(cases)
