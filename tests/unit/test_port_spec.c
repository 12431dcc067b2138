/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/port_spec: the `-p` syntax (every form, ranges, every way it can be
 * wrong), the canonical string, the JSON of a map and of a list, and the
 * overlap check between maps.
 */
#include <arpa/inet.h>
#include <string.h>

#include "json.h"
#include "port_spec.h"
#include "unit.h"

static void
check_map(const struct port_map *m, enum port_proto proto, const char *ip, int host, int pod)
{
	char got[INET_ADDRSTRLEN];

	CHECK_INT(m->proto, ==, proto);
	CHECK_STR(inet_ntop(AF_INET, &m->host_ip, got, sizeof(got)), ==, ip);
	CHECK_INT(m->host_port, ==, host);
	CHECK_INT(m->pod_port, ==, pod);
}

static void
test_simple(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};

	REQUIRE(port_spec_parse("8080:80", &l, &err) == 0);
	REQUIRE(l.n == 1);
	check_map(&l.maps[0], PORT_TCP, "0.0.0.0", 8080, 80);
	CHECK_INT(err.kind, ==, 0);
	port_list_clear(&l);
	CHECK(l.maps == NULL && l.n == 0);
}

static void
test_every_form(void)
{
	static const struct {
		const char *spec;
		enum port_proto proto;
		const char *ip;
		int host, pod;
	} ok[] = {
	    {"8080:80/tcp", PORT_TCP, "0.0.0.0", 8080, 80},
	    {"53:5353/udp", PORT_UDP, "0.0.0.0", 53, 5353},
	    {"127.0.0.1:8080:80", PORT_TCP, "127.0.0.1", 8080, 80},
	    {"10.1.2.3:1:65535/udp", PORT_UDP, "10.1.2.3", 1, 65535},
	    {"0.0.0.0:65535:1", PORT_TCP, "0.0.0.0", 65535, 1},
	    {"0080:080", PORT_TCP, "0.0.0.0", 80, 80},
	    {"8080-8080:90-90", PORT_TCP, "0.0.0.0", 8080, 90},
	    {"255.255.255.255:1:2", PORT_TCP, "255.255.255.255", 1, 2},
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct port_list l = {0};
		struct pd_err err = {0};

		if (port_spec_parse(ok[i].spec, &l, &err) < 0 || l.n != 1) {
			unit_report(__FILE__, __LINE__, "\"%s\" refused: %s", ok[i].spec, err.msg);
			port_list_clear(&l);
			continue;
		}
		check_map(&l.maps[0], ok[i].proto, ok[i].ip, ok[i].host, ok[i].pod);
		port_list_clear(&l);
	}
}

static void
test_range(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};

	REQUIRE(port_spec_parse("127.0.0.1:8000-8002:9000-9002/udp", &l, &err) == 0);
	REQUIRE(l.n == 3);
	for (int i = 0; i < 3; i++)
		check_map(&l.maps[i], PORT_UDP, "127.0.0.1", 8000 + i, 9000 + i);
	port_list_clear(&l);

	/* The same length, shifted. */
	REQUIRE(port_spec_parse("65534-65535:1-2", &l, &err) == 0);
	REQUIRE(l.n == 2);
	check_map(&l.maps[1], PORT_TCP, "0.0.0.0", 65535, 2);
	port_list_clear(&l);
}

/* Several specs (several -p flags) append to one list. */
static void
test_append(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};

	REQUIRE(port_spec_parse("80:8080", &l, &err) == 0);
	REQUIRE(port_spec_parse("53:53/udp", &l, &err) == 0);
	REQUIRE(port_spec_parse("1-2:3-4", &l, &err) == 0);
	REQUIRE(l.n == 4);
	check_map(&l.maps[0], PORT_TCP, "0.0.0.0", 80, 8080);
	check_map(&l.maps[1], PORT_UDP, "0.0.0.0", 53, 53);
	check_map(&l.maps[3], PORT_TCP, "0.0.0.0", 2, 4);
	/* A bad spec leaves what is there. */
	CHECK_INT(port_spec_parse("5-6:7", &l, &err), ==, -1);
	CHECK_INT(l.n, ==, 4);
	port_list_clear(&l);
}

static void
test_refused(void)
{
	static const struct {
		const char *spec, *needle;
	} bad[] = {
	    {"80", "expected HOSTPORT:PODPORT"},
	    {"1.2.3.4:80", "host port \"1.2.3.4\" is not a number"},
	    {"8080:80/sctp", "unknown protocol \"sctp\""},
	    {"8080:80/TCP", "unknown protocol \"TCP\""},
	    {"8080:80/", "unknown protocol \"\""},
	    {"8080:80/tcp/udp", "pod port \"80/tcp\" is not a number"},
	    {"0:80", "host port 0 is out of range (1 to 65535)"},
	    {"8080:0", "pod port 0 is out of range"},
	    {"65536:80", "host port 65536 is out of range"},
	    {"8080:99999999999999999999999", "pod port 99999999999999999999999 is out of range"},
	    {"+80:80", "host port \"+80\" is not a number"},
	    {" 80:80", "host port \" 80\" is not a number"},
	    {"80 :80", "host port \"80 \" is not a number"},
	    {"80:80 ", "pod port \"80 \" is not a number"},
	    {"0x50:80", "is not a number"},
	    {"a:b", "host port \"a\" is not a number"},
	    {":80", "missing host port"},
	    {"80:", "missing pod port"},
	    {"-1:80", "missing host port"},
	    {"80-:80-", "missing host port"},
	    {"1-2-3:1-3", "host port \"2-3\" is not a number"},
	    {"8080-8081:80", "ranges differ in length (2 and 1 ports)"},
	    {"8080:80-81", "ranges differ in length (1 and 2 ports)"},
	    {"8080-8082:80-81", "ranges differ in length (3 and 2 ports)"},
	    {"8081-8080:80-81", "host port range 8081-8080 is reversed"},
	    {"80-81:91-90", "pod port range 91-90 is reversed"},
	    {":8080:80", "empty host address"},
	    {"1.2.3:8080:80", "host address \"1.2.3\" is not an IPv4 address"},
	    {"256.1.1.1:8080:80", "is not an IPv4 address"},
	    {"localhost:8080:80", "is not an IPv4 address"},
	    {"1.2.3.4 :8080:80", "is not an IPv4 address"},
	    {"[::1]:8080:80", "only IPv4 host addresses are supported"},
	    {"::1:8080:80", "only IPv4 host addresses are supported"},
	    {"1.2.3.4:::80", "only IPv4"},
	    {"1.2.3.4::80", "missing host port"},
	    {"1.2.3.4:80:", "missing pod port"},
	    {"/tcp", "expected HOSTPORT:PODPORT"},
	    {":", "missing host port"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct port_list l = {0};
		struct pd_err err = {0};
		char named[128];

		UNIT_FMT(named, "port spec \"%s\": ", bad[i].spec);
		if (port_spec_parse(bad[i].spec, &l, &err) == 0) {
			unit_report(__FILE__, __LINE__, "\"%s\" accepted", bad[i].spec);
			port_list_clear(&l);
			continue;
		}
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK_INT(l.n, ==, 0);
		CHECK_CONTAINS(err.msg, bad[i].needle);
		/* The message starts by naming the spec as typed. */
		CHECK_INT(strncmp(err.msg, named, strlen(named)), ==, 0);
		CHECK(strchr(err.msg, '\n') == NULL);
	}
}

static void
test_refused_shapes(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};
	char long_spec[80];

	CHECK_INT(port_spec_parse("", &l, &err), ==, -1);
	CHECK_STR(err.msg, ==, "empty port spec");

	memset(long_spec, '1', sizeof(long_spec) - 1);
	long_spec[sizeof(long_spec) - 1] = '\0';
	long_spec[5] = ':';
	CHECK_INT(port_spec_parse(long_spec, &l, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "is over 64 bytes");
	CHECK_CONTAINS(err.msg, "...\"");

	/* A control character (a newline) never reaches the one-line message. */
	CHECK_INT(port_spec_parse("80:80\n", &l, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "port spec \"80:80?\": pod port \"80?\" is not a number");
	CHECK_INT(port_spec_parse("80:80/\x1b[31m", &l, &err), ==, -1);
	CHECK(strchr(err.msg, '\x1b') == NULL);
	CHECK_INT(l.n, ==, 0);
}

/* A range of every port would open 65535 sockets: refused, as is going
 * over the limit across several specs. */
static void
test_too_many(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};

	CHECK_INT(port_spec_parse("1-65535:1-65535", &l, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	CHECK_CONTAINS(err.msg, "port spec \"1-65535:1-65535\": more than 1024 published ports");
	REQUIRE(port_spec_parse("1-1024:1-1024", &l, &err) == 0);
	CHECK_INT(l.n, ==, PORT_LIST_MAX_MAPS);
	CHECK_INT(port_spec_parse("2000:1", &l, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	CHECK_INT(l.n, ==, PORT_LIST_MAX_MAPS);
	port_list_clear(&l);
}

static void
test_format(void)
{
	struct port_map m = {.proto = PORT_TCP, .host_port = 8080, .pod_port = 80};
	char buf[PORT_MAP_STR_MAX];
	struct port_list l = {0};
	struct pd_err err = {0};
	char *s;

	m.host_ip.s_addr = htonl(INADDR_ANY);
	CHECK_STR(port_map_format(&m, buf, sizeof(buf)), ==, "0.0.0.0:8080->80/tcp");
	m.proto = PORT_UDP;
	m.host_ip.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_STR(port_map_format(&m, buf, sizeof(buf)), ==, "127.0.0.1:8080->80/udp");
	/* The longest form fits. */
	m.host_ip.s_addr = htonl(0xffffffff);
	m.host_port = m.pod_port = 65535;
	CHECK_STR(port_map_format(&m, buf, sizeof(buf)), ==, "255.255.255.255:65535->65535/udp");

	s = port_list_format(&l);
	CHECK_STR(s, ==, "");
	free(s);
	REQUIRE(port_spec_parse("10.0.0.1:80-81:8080-8081", &l, &err) == 0);
	REQUIRE(port_spec_parse("53:53/udp", &l, &err) == 0);
	s = port_list_format(&l);
	CHECK_STR(s, ==, "10.0.0.1:80->8080/tcp, 10.0.0.1:81->8081/tcp, 0.0.0.0:53->53/udp");
	free(s);

	/* The canonical form of a map parses back to the same map (without
	 * the "->", which `-p` spells ':'). */
	for (size_t i = 0; i < l.n; i++) {
		struct port_list again = {0};
		char spec[64], *arrow;

		port_map_format(&l.maps[i], spec, sizeof(spec));
		arrow = strstr(spec, "->");
		REQUIRE(arrow != NULL);
		memmove(arrow + 1, arrow + 2, strlen(arrow + 2) + 1);
		*arrow = ':';
		REQUIRE(port_spec_parse(spec, &again, &err) == 0 && again.n == 1);
		CHECK(memcmp(&again.maps[0], &l.maps[i], sizeof(again.maps[0])) == 0);
		port_list_clear(&again);
	}
	port_list_clear(&l);
}

static json_t *
load(const char *text)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(text, strlen(text), 1 << 20, &err);

	REQUIRE(j != NULL);
	return j;
}

static void
test_json_map(void)
{
	struct port_map m = {.proto = PORT_UDP, .host_port = 5353, .pod_port = 53}, back;
	struct pd_err err = {0};
	json_t *j;
	char *s;

	m.host_ip.s_addr = htonl(INADDR_LOOPBACK);
	j = port_map_to_json(&m);
	s = pd_json_dump(j);
	CHECK_STR(s, ==,
		  "{\"host_ip\":\"127.0.0.1\",\"host_port\":5353,\"pod_port\":53,"
		  "\"protocol\":\"udp\"}");
	free(s);
	REQUIRE(port_map_from_json(j, &back, &err) == 0);
	CHECK(memcmp(&back, &m, sizeof(m)) == 0);
	json_decref(j);

	/* Defaults: tcp on every address. */
	j = load("{\"host_port\":8080,\"pod_port\":80}");
	REQUIRE(port_map_from_json(j, &back, &err) == 0);
	check_map(&back, PORT_TCP, "0.0.0.0", 8080, 80);
	json_decref(j);
}

static void
test_json_map_refused(void)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"[]", "port: expected a JSON object"},
	    {"{\"host_port\":8080,\"pod_port\":80,\"hostPort\":1}", "unknown field \"hostPort\""},
	    {"{\"pod_port\":80}", "field \"host_port\" is required"},
	    {"{\"host_port\":80}", "field \"pod_port\" is required"},
	    {"{\"host_port\":0,\"pod_port\":80}", "\"host_port\" must be between 1 and 65535"},
	    {"{\"host_port\":65536,\"pod_port\":80}", "must be between 1 and 65535"},
	    {"{\"host_port\":80,\"pod_port\":-1}", "\"pod_port\" must be between"},
	    {"{\"host_port\":\"80\",\"pod_port\":80}", "\"host_port\" must be an integer"},
	    {"{\"host_port\":80.0,\"pod_port\":80}", "must be an integer"},
	    {"{\"host_port\":80,\"pod_port\":80,\"protocol\":\"sctp\"}",
	     "unknown protocol \"sctp\""},
	    {"{\"host_port\":80,\"pod_port\":80,\"protocol\":6}", "\"protocol\" must be a string"},
	    {"{\"host_port\":80,\"pod_port\":80,\"host_ip\":\"::1\"}",
	     "field \"host_ip\": host address \"::1\" is not an IPv4 address"},
	    {"{\"host_port\":80,\"pod_port\":80,\"host_ip\":\"\"}", "empty host address"},
	    {"{\"host_port\":80,\"pod_port\":80,\"host_ip\":[]}", "\"host_ip\" must be a string"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_err err = {0};
		struct port_map m;
		json_t *j = load(bad[i].text);

		CHECK_INT(port_map_from_json(j, &m, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK_CONTAINS(err.msg, bad[i].needle);
		json_decref(j);
	}
}

static void
test_json_list(void)
{
	struct port_list l = {0}, back = {0};
	struct pd_err err = {0};
	json_t *j;
	char *s;

	j = port_list_to_json(&l);
	s = pd_json_dump(j);
	CHECK_STR(s, ==, "[]");
	free(s);
	json_decref(j);

	REQUIRE(port_spec_parse("127.0.0.1:80-81:90-91", &l, &err) == 0);
	REQUIRE(port_spec_parse("53:53/udp", &l, &err) == 0);
	j = port_list_to_json(&l);
	REQUIRE(json_array_size(j) == 3);
	REQUIRE(port_list_from_json(j, &back, &err) == 0);
	REQUIRE(back.n == l.n);
	CHECK(memcmp(back.maps, l.maps, l.n * sizeof(l.maps[0])) == 0);
	json_decref(j);
	port_list_clear(&back);

	/* null is an empty list; a non-array is refused. */
	REQUIRE(port_list_from_json(json_null(), &back, &err) == 0);
	CHECK_INT(back.n, ==, 0);
	REQUIRE(port_list_from_json(NULL, &back, &err) == 0);
	j = load("{\"host_port\":80,\"pod_port\":80}");
	CHECK_INT(port_list_from_json(j, &back, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "ports: expected a JSON array");
	json_decref(j);

	/* A bad element names its index and leaves the list alone. */
	j = load("[{\"host_port\":80,\"pod_port\":80},{\"host_port\":80}]");
	CHECK_INT(port_list_from_json(j, &l, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_STR(err.msg, ==, "ports[1]: field \"pod_port\" is required");
	CHECK_INT(l.n, ==, 3);
	json_decref(j);
	port_list_clear(&l);
}

static void
test_json_list_too_many(void)
{
	struct port_list l = {0};
	struct pd_err err = {0};
	json_t *a = json_array();
	struct port_map m = {.proto = PORT_TCP, .pod_port = 80};

	for (int i = 1; i <= PORT_LIST_MAX_MAPS + 1; i++) {
		m.host_port = (uint16_t)i;
		json_array_append_new(a, port_map_to_json(&m));
	}
	CHECK_INT(port_list_from_json(a, &l, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
	CHECK_INT(l.n, ==, 0);
	CHECK(json_array_remove(a, 0) == 0);
	CHECK_INT(port_list_from_json(a, &l, &err), ==, 0);
	CHECK_INT(l.n, ==, PORT_LIST_MAX_MAPS);
	json_decref(a);
	port_list_clear(&l);
}

/* Parse each spec of the NULL-terminated @specs into one list and check it. */
static int
check_specs(const char *const *specs, struct pd_err *err)
{
	struct port_list l = {0};
	int r;

	for (; *specs != NULL; specs++)
		REQUIRE(port_spec_parse(*specs, &l, err) == 0);
	r = port_list_check(&l, err);
	port_list_clear(&l);
	return r;
}

static void
test_overlaps(void)
{
	static const char *const fine[][4] = {
	    {"8080:80", "8081:80", NULL},
	    {"8080:80", "8080:80/udp", NULL},
	    {"127.0.0.1:8080:80", "127.0.0.2:8080:80", NULL},
	    {"1-10:1-10", "11-20:1-10", NULL},
	    {"127.0.0.1:53:53/udp", "0.0.0.0:53:53", NULL},
	};
	static const struct {
		const char *specs[4], *needle;
	} clash[] = {
	    {{"8080:80", "8080:81", NULL},
	     "host port 8080/tcp is published twice (0.0.0.0:8080->80/tcp and "
	     "0.0.0.0:8080->81/tcp)"},
	    {{"0.0.0.0:8080:80", "127.0.0.1:8080:81", NULL}, "(0.0.0.0:8080->80/tcp and 127.0.0.1"},
	    {{"127.0.0.1:8080:81", "8080:80", NULL}, "(127.0.0.1:8080->81/tcp and 0.0.0.0"},
	    {{"10.0.0.1:53:53/udp", "10.0.0.1:53:54/udp", NULL}, "host port 53/udp"},
	    {{"1-10:1-10", "10-20:1-11", NULL}, "host port 10/tcp"},
	    {{"5:5", "6:6", "5:7", NULL}, "host port 5/tcp"},
	};

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		struct pd_err err = {0};

		if (check_specs(fine[i], &err) < 0)
			unit_report(__FILE__, __LINE__, "case %zu refused: %s", i, err.msg);
	}
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		struct pd_err err = {0};

		CHECK_INT(check_specs(clash[i].specs, &err), ==, -1);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
		CHECK_CONTAINS(err.msg, clash[i].needle);
	}
}

static void
test_overlap_symmetric(void)
{
	struct port_map any = {.proto = PORT_TCP, .host_port = 80, .pod_port = 1};
	struct port_map lo = any, other = any;

	any.host_ip.s_addr = htonl(INADDR_ANY);
	lo.host_ip.s_addr = htonl(INADDR_LOOPBACK);
	other.host_ip.s_addr = htonl(0x0a000001);
	CHECK(port_map_overlaps(&any, &lo) && port_map_overlaps(&lo, &any));
	CHECK(port_map_overlaps(&lo, &lo));
	CHECK(!port_map_overlaps(&lo, &other) && !port_map_overlaps(&other, &lo));
	other.host_ip = lo.host_ip;
	other.proto = PORT_UDP;
	CHECK(!port_map_overlaps(&lo, &other));
	other.proto = PORT_TCP;
	other.host_port = 81;
	CHECK(!port_map_overlaps(&lo, &other));
}

static const struct unit_case cases[] = {
    {"simple", test_simple},       {"every_form", test_every_form},
    {"range", test_range},         {"append", test_append},
    {"refused", test_refused},     {"refused_shapes", test_refused_shapes},
    {"too_many", test_too_many},   {"format", test_format},
    {"json_map", test_json_map},   {"json_map_refused", test_json_map_refused},
    {"json_list", test_json_list}, {"json_list_too_many", test_json_list_too_many},
    {"overlaps", test_overlaps},   {"overlap_symmetric", test_overlap_symmetric},
};

UNIT_MAIN(cases)
