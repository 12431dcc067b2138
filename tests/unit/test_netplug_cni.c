/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netplug/cni and netplug/ip4: the config stages (version, fields, values)
 * with their defaults and every way a config can be wrong, the CNI_*
 * environment per command, the result (alone and appended to a prevResult),
 * the error and version replies, and the IPv4 arithmetic under the range.
 */
#include <string.h>

#include "cni.h"
#include "ip4.h"
#include "json.h"
#include "unit.h"

#define BASE "\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":\"netplug\""
#define IPAM "\"ipam\":{\"subnet\":\"10.77.0.0/24\"}"

/* Which stage failed: 0 none, 1 version, 2 fields, 7 values, 6 JSON. */
static int
parse_stage(const char *text, enum cni_cmd cmd, struct cni_conf *conf, struct pd_err *err)
{
	json_t *j = pd_json_load(text, strlen(text), CNI_CONF_MAX, err);
	int stage = 0;

	memset(conf, 0, sizeof(*conf));
	if (j == NULL)
		return 6;
	if (cni_conf_version(j, cmd, conf, err) < 0)
		stage = 1;
	else if (cni_conf_check_fields(j, err) < 0)
		stage = 2;
	else if (cni_conf_parse(j, cmd, conf, err) < 0)
		stage = 7;
	json_decref(j);
	return stage;
}

static uint32_t
ip(const char *s)
{
	struct pd_err err = {0};
	uint32_t a = 0;

	REQUIRE(ip4_parse(s, &a, &err) == 0);
	return a;
}

static void
test_defaults(void)
{
	struct cni_conf c;
	struct pd_err err = {0};

	REQUIRE(parse_stage("{" BASE "," IPAM "}", CNI_CMD_ADD, &c, &err) == 0);
	CHECK_STR(c.version, ==, "1.0.0");
	CHECK_INT(c.version_num, ==, 10000);
	CHECK_STR(c.name, ==, "net");
	CHECK_STR(c.bridge, ==, "podd0");
	CHECK(c.is_gateway);
	CHECK_INT(c.mtu, ==, 0);
	CHECK_INT(c.subnet.addr, ==, ip("10.77.0.0"));
	CHECK_INT(c.subnet.prefix, ==, 24);
	CHECK_INT(c.gateway, ==, ip("10.77.0.1"));
	CHECK_INT(c.range_start, ==, ip("10.77.0.1"));
	CHECK_INT(c.range_end, ==, ip("10.77.0.254"));
	CHECK_INT(c.n_routes, ==, 1);
	CHECK_INT(c.routes[0].dst.addr, ==, 0);
	CHECK_INT(c.routes[0].dst.prefix, ==, 0);
	CHECK_INT(c.routes[0].gw, ==, ip("10.77.0.1"));
	CHECK_STR(c.data_dir, ==, "/var/lib/cni/networks");
	CHECK(c.dns == NULL && c.prev_result == NULL && !c.has_valid);
	CHECK_INT(err.kind, ==, 0);
	cni_conf_clear(&c);
}

static void
test_all_fields(void)
{
	struct cni_conf c;
	struct pd_err err = {0};

	REQUIRE(parse_stage(
		    "{" BASE ",\"bridge\":\"br9\",\"isGateway\":false,\"mtu\":1400,"
		    "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.9.0.0/16\","
		    "\"rangeStart\":\"10.9.1.10\",\"rangeEnd\":\"10.9.1.20\","
		    "\"gateway\":\"10.9.0.254\",\"dataDir\":\"/tmp/x\",\"routes\":["
		    "{\"dst\":\"192.168.0.0/16\"},{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.9.0.9\"}]},"
		    "\"dns\":{\"nameservers\":[\"10.9.0.254\"]},\"args\":{\"x\":1},"
		    "\"runtimeConfig\":{\"ips\":[\"fd00::5/64\",\"10.9.1.15/16\"]},"
		    "\"capabilities\":{\"ips\":true},\"cniVersions\":[\"1.0.0\"]}",
		    CNI_CMD_ADD, &c, &err) == 0);
	CHECK_STR(c.bridge, ==, "br9");
	CHECK(!c.is_gateway);
	CHECK_INT(c.mtu, ==, 1400);
	CHECK_INT(c.subnet.prefix, ==, 16);
	CHECK_INT(c.range_start, ==, ip("10.9.1.10"));
	CHECK_INT(c.range_end, ==, ip("10.9.1.20"));
	CHECK_INT(c.gateway, ==, ip("10.9.0.254"));
	CHECK_INT(c.n_routes, ==, 2);
	CHECK_INT(c.routes[0].dst.addr, ==, ip("192.168.0.0"));
	CHECK_INT(c.routes[0].gw, ==, ip("10.9.0.254"));
	CHECK_INT(c.routes[1].gw, ==, ip("10.9.0.9"));
	CHECK_STR(c.data_dir, ==, "/tmp/x");
	CHECK(json_is_object(c.dns));
	CHECK_INT(c.static_ip, ==, ip("10.9.1.15"));
	cni_conf_clear(&c);

	/* host-local's "ranges" with one range. */
	REQUIRE(parse_stage("{" BASE ",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.88.0.0/16\","
			    "\"gateway\":\"10.88.0.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}",
			    CNI_CMD_ADD, &c, &err) == 0);
	CHECK_INT(c.subnet.addr, ==, ip("10.88.0.0"));
	CHECK_INT(c.range_end, ==, ip("10.88.255.254"));
	cni_conf_clear(&c);
}

static void
test_versions(void)
{
	struct cni_conf c;
	struct pd_err err = {0};
	const char *ok[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
	char text[512];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		UNIT_FMT(text, "{\"cniVersion\":\"%s\",\"name\":\"n\",\"type\":\"t\"," IPAM "}",
			 ok[i]);
		CHECK_INT(parse_stage(text, CNI_CMD_ADD, &c, &err), ==, 0);
		cni_conf_clear(&c);
	}
	CHECK_INT(parse_stage("{\"name\":\"n\",\"type\":\"t\"," IPAM "}", CNI_CMD_ADD, &c, &err),
		  ==, 1);
	CHECK_CONTAINS(err.msg, "cniVersion is missing");
	CHECK_INT(parse_stage("{\"cniVersion\":\"9.9.9\",\"name\":\"n\",\"type\":\"t\"," IPAM "}",
			      CNI_CMD_ADD, &c, &err),
		  ==, 1);
	CHECK_CONTAINS(err.msg, "\"9.9.9\" is not supported");
	CHECK_INT(parse_stage("{\"cniVersion\":1,\"name\":\"n\"}", CNI_CMD_ADD, &c, &err), ==, 1);
	CHECK_INT(parse_stage("{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"t\"," IPAM "}",
			      CNI_CMD_CHECK, &c, &err),
		  ==, 1);
	CHECK_CONTAINS(err.msg, "no CHECK");
	CHECK_INT(parse_stage("{" BASE "," IPAM "}", CNI_CMD_GC, &c, &err), ==, 1);
	CHECK_CONTAINS(err.msg, "no GC");
	CHECK_INT(parse_stage("{" BASE "," IPAM "}", CNI_CMD_STATUS, &c, &err), ==, 1);
	CHECK_INT(parse_stage("[1]", CNI_CMD_ADD, &c, &err), ==, 1);
	cni_conf_clear(&c);
}

/* Each config fails at @stage with a message holding @needle. */
static void
fails(const char *text, int stage, const char *needle)
{
	struct cni_conf c;
	struct pd_err err = {0};
	int got = parse_stage(text, CNI_CMD_ADD, &c, &err);

	if (got != stage || strstr(err.msg, needle) == NULL)
		unit_report(__FILE__, __LINE__, "%s: stage %d (want %d): %s", text, got, stage,
			    err.msg);
	CHECK(err.kind == PD_E_INVALID);
	CHECK(strchr(err.msg, '\n') == NULL);
	cni_conf_clear(&c);
}

static void
test_unsupported_fields(void)
{
	fails("{" BASE "," IPAM ",\"promiscMode\":true}", 2,
	      "unsupported field \"promiscMode\": true");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.1.0.0/24\",\"resolvConf\":\"/x\"}}", 2,
	      "unsupported field ipam.\"resolvConf\": \"/x\"");
	fails("{" BASE ",\"ipam\":{\"type\":\"dhcp\"}}", 2, "ipam.type: \"dhcp\"");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.1.0.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\","
	      "\"mtu\":9000}]}}",
	      2, "ipam.routes[].\"mtu\": 9000");
	fails("{" BASE ",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":"
	      "\"10.2.0.0/24\"}]]}}",
	      2, "more than one range in a set");
	fails("{" BASE ",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.0.0/24\"}],[{\"subnet\":"
	      "\"10.2.0.0/24\"}]]}}",
	      7, "more than one IPv4 range set");
	fails("{" BASE "," IPAM ",\"a\\nb\":1}", 2, "\"a\\nb\"");
}

static void
test_bad_values(void)
{
	fails("{\"cniVersion\":\"1.0.0\",\"type\":\"t\"," IPAM "}", 7, "name is required");
	fails("{\"cniVersion\":\"1.0.0\",\"name\":\"../x\",\"type\":\"t\"," IPAM "}", 7,
	      "network name");
	fails("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"," IPAM "}", 7, "type is required");
	fails("{" BASE "}", 7, "ipam is required");
	fails("{" BASE ",\"ipam\":{}}", 7, "ipam.subnet is required");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/33\"}}", 7, "not an IPv4 CIDR");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"nonsense\"}}", 7, "not an IPv4 CIDR");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"fd00::/64\"}}", 7, "not an IPv4 CIDR");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.5/24\"}}", 7,
	      "the network is 10.77.0.0/24");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/31\"}}", 7, "/8 to /30");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.0.0.0/7\"}}", 7, "/8 to /30");
	fails("{" BASE ",\"ipam\":{\"subnet\":7}}", 7, "ipam.subnet must be a string");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"gateway\":\"10.78.0.1\"}}", 7,
	      "not a host address of the subnet");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"rangeEnd\":\"10.77.0.255\"}}", 7,
	      "ipam.rangeEnd 10.77.0.255 is not a host address");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.9\","
	      "\"rangeEnd\":\"10.77.0.8\"}}",
	      7, "rangeStart is after rangeEnd");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.1\","
	      "\"rangeEnd\":\"10.77.0.1\"}}",
	      7, "only the gateway");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"routes\":{}}}", 7,
	      "ipam.routes must be an array");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"routes\":[{\"gw\":\"1.1.1.1\"}]}}",
	      7, "dst is required");
	fails("{" BASE
	      ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"routes\":[{\"dst\":\"1.1.1.1/8\"}]}}",
	      7, "has host bits set");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"dataDir\":\"rel\"}}", 7,
	      "must be an absolute path");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"type\":5}}", 7,
	      "ipam.type must be a string");
	fails("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"ranges\":[]}}", 7,
	      "subnet or ranges, not both");
	fails("{" BASE ",\"ipam\":{\"ranges\":[[]]}}", 7, "ipam.ranges[0] must be");
	fails("{" BASE ",\"bridge\":\"a-very-long-bridge-name\"," IPAM "}", 7, "bridge");
	fails("{" BASE ",\"bridge\":\"a/b\"," IPAM "}", 7, "not allowed");
	fails("{" BASE ",\"mtu\":60," IPAM "}", 7, "mtu 60");
	fails("{" BASE ",\"mtu\":70000," IPAM "}", 7, "mtu");
	fails("{" BASE ",\"isGateway\":\"yes\"," IPAM "}", 7, "isGateway");
	fails("{" BASE ",\"dns\":[]," IPAM "}", 7, "dns must be an object");
	fails("{" BASE ",\"runtimeConfig\":{\"ips\":[\"10.77.0.3\",\"10.77.0.4\"]}," IPAM "}", 7,
	      "more than one IPv4");
	fails("{" BASE ",\"runtimeConfig\":{\"ips\":[\"x\"]}," IPAM "}", 7, "runtimeConfig.ips[0]");
}

static void
test_check_gc_needs(void)
{
	struct cni_conf c;
	struct pd_err err = {0};

	CHECK_INT(parse_stage("{" BASE "," IPAM "}", CNI_CMD_CHECK, &c, &err), ==, 7);
	CHECK_CONTAINS(err.msg, "prevResult");
	cni_conf_clear(&c);
	CHECK_INT(parse_stage("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"," IPAM "}",
			      CNI_CMD_GC, &c, &err),
		  ==, 7);
	CHECK_CONTAINS(err.msg, "valid-attachments");
	cni_conf_clear(&c);
	REQUIRE(parse_stage("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"," IPAM
			    ",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":"
			    "\"eth0\"},{\"containerID\":\"b\",\"ifname\":\"net1\"}]}",
			    CNI_CMD_GC, &c, &err) == 0);
	CHECK(c.has_valid);
	CHECK_INT(c.n_valid, ==, 2);
	CHECK_STR(c.valid[1].id, ==, "b");
	CHECK_STR(c.valid[1].ifname, ==, "net1");
	cni_conf_clear(&c);
	/* The draft's name, which libcni sends too; an empty list keeps nothing. */
	REQUIRE(parse_stage("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"," IPAM
			    ",\"cni.dev/attachments\":[]}",
			    CNI_CMD_GC, &c, &err) == 0);
	CHECK(c.has_valid);
	CHECK_INT(c.n_valid, ==, 0);
	cni_conf_clear(&c);
	CHECK_INT(parse_stage("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"," IPAM
			      ",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\"}]}",
			      CNI_CMD_GC, &c, &err),
		  ==, 7);
	CHECK_CONTAINS(err.msg, "ifname is required");
	cni_conf_clear(&c);
}

/* A fake environment for cni_env_parse. */
static const char *const *fake_env;

static const char *
fake_get(const char *name)
{
	size_t len = strlen(name);

	for (const char *const *e = fake_env; *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int
env_parse(enum cni_cmd cmd, const char *const *vars, struct cni_env *env, struct pd_err *err)
{
	fake_env = vars;
	return cni_env_parse(cmd, fake_get, env, err);
}

static void
test_env(void)
{
	struct cni_env env;
	struct pd_err err = {0};
	enum cni_cmd cmd;
	char id[300];

	CHECK_INT(cni_command_parse("ADD", &cmd, &err), ==, 0);
	CHECK_INT(cmd, ==, CNI_CMD_ADD);
	CHECK_INT(cni_command_parse("STATUS", &cmd, &err), ==, 0);
	CHECK_INT(cmd, ==, CNI_CMD_STATUS);
	CHECK_INT(cni_command_parse("add", &cmd, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_COMMAND \"add\"");
	CHECK_INT(cni_command_parse(NULL, &cmd, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_COMMAND is not set");

	const char *full[] = {"CNI_CONTAINERID=abc", "CNI_NETNS=/run/netns/x", "CNI_IFNAME=eth0",
			      "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.77.0.9,fd00::9",
			      NULL};
	REQUIRE(env_parse(CNI_CMD_ADD, full, &env, &err) == 0);
	CHECK_STR(env.container_id, ==, "abc");
	CHECK_STR(env.netns, ==, "/run/netns/x");
	CHECK_STR(env.ifname, ==, "eth0");
	CHECK_INT(env.static_ip, ==, ip("10.77.0.9"));

	const char *del[] = {"CNI_CONTAINERID=abc", "CNI_IFNAME=eth0", NULL};
	CHECK_INT(env_parse(CNI_CMD_DEL, del, &env, &err), ==, 0);
	CHECK_STR(env.netns, ==, "");
	CHECK_INT(env_parse(CNI_CMD_ADD, del, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_NETNS is not set");
	CHECK_INT(env_parse(CNI_CMD_CHECK, del, &env, &err), ==, -1);

	const char *none[] = {NULL};
	CHECK_INT(env_parse(CNI_CMD_GC, none, &env, &err), ==, 0);
	CHECK_INT(env_parse(CNI_CMD_STATUS, none, &env, &err), ==, 0);
	CHECK_INT(env_parse(CNI_CMD_VERSION, none, &env, &err), ==, 0);
	CHECK_INT(env_parse(CNI_CMD_DEL, none, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_CONTAINERID is not set");

	const char *noif[] = {"CNI_CONTAINERID=abc", "CNI_NETNS=/n", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, noif, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_IFNAME is not set");

	const char *badid[] = {"CNI_CONTAINERID=-x", "CNI_NETNS=/n", "CNI_IFNAME=eth0", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, badid, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_CONTAINERID");

	const char *badif[] = {"CNI_CONTAINERID=x", "CNI_NETNS=/n", "CNI_IFNAME=a b", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, badif, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_IFNAME");

	const char *longif[] = {"CNI_CONTAINERID=x", "CNI_NETNS=/n", "CNI_IFNAME=0123456789abcdef",
				NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, longif, &env, &err), ==, -1);

	const char *relns[] = {"CNI_CONTAINERID=x", "CNI_NETNS=netns", "CNI_IFNAME=eth0", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, relns, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_NETNS \"netns\" is not an absolute path");

	const char *badargs[] = {"CNI_CONTAINERID=x", "CNI_NETNS=/n", "CNI_IFNAME=eth0",
				 "CNI_ARGS=FOO", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, badargs, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_ARGS");

	const char *badip[] = {"CNI_CONTAINERID=x", "CNI_NETNS=/n", "CNI_IFNAME=eth0",
			       "CNI_ARGS=IP=10.1.2", NULL};
	CHECK_INT(env_parse(CNI_CMD_ADD, badip, &env, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "CNI_ARGS IP");

	/* Container ids of 64 hex digits (docker, containerd) are fine. */
	memset(id, 'a', 64);
	memcpy(id, "CNI_CONTAINERID=", 16);
	memset(id + 16, 'f', 64);
	id[80] = '\0';
	const char *longid[] = {id, "CNI_IFNAME=eth0", NULL};
	CHECK_INT(env_parse(CNI_CMD_DEL, longid, &env, &err), ==, 0);
	CHECK_INT(strlen(env.container_id), ==, 64);
}

static void
test_reply_version(void)
{
	json_t *j = json_pack("{s:s}", "cniVersion", "1.0.0");

	CHECK_STR(cni_reply_version(j), ==, "1.0.0");
	json_object_set_new(j, "cniVersion", json_string("9.9.9"));
	CHECK_STR(cni_reply_version(j), ==, "9.9.9");
	json_object_set_new(j, "cniVersion", json_string("x\"y"));
	CHECK_STR(cni_reply_version(j), ==, CNI_VERSION_LATEST);
	json_object_set_new(j, "cniVersion", json_integer(1));
	CHECK_STR(cni_reply_version(j), ==, CNI_VERSION_LATEST);
	CHECK_STR(cni_reply_version(NULL), ==, CNI_VERSION_LATEST);
	json_decref(j);
}

static void
test_error_and_version_json(void)
{
	struct pd_err err = {0};
	char *s = cni_error_json("1.0.0", 7, "bad \"x\"\nsecond", "d\xff");
	json_t *j = pd_json_load(s, strlen(s), 4096, &err);

	REQUIRE(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "cniVersion")), ==, "1.0.0");
	CHECK_INT(json_integer_value(json_object_get(j, "code")), ==, 7);
	CHECK_STR(json_string_value(json_object_get(j, "msg")), ==, "bad \"x\"?second");
	CHECK_STR(json_string_value(json_object_get(j, "details")), ==, "d?");
	CHECK(strchr(s, '\n') == NULL);
	json_decref(j);
	free(s);

	s = cni_version_json("1.1.0");
	CHECK_STR(s, ==,
		  "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\","
		  "\"1.0.0\",\"1.1.0\"]}");
	free(s);
}

static struct cni_add_result
sample_result(void)
{
	struct cni_add_result r = {.sandbox = "/run/netns/p", .addr = ip("10.77.0.5")};

	memcpy(r.bridge.name, "podd0", 6);
	memcpy(r.bridge.mac, "aa:aa:aa:aa:aa:aa", 18);
	memcpy(r.host.name, "vp0123456789ab", 15);
	memcpy(r.host.mac, "bb:bb:bb:bb:bb:bb", 18);
	memcpy(r.ctr.name, "eth0", 5);
	memcpy(r.ctr.mac, "cc:cc:cc:cc:cc:cc", 18);
	return r;
}

static void
test_result(void)
{
	struct cni_conf c;
	struct pd_err err = {0};
	struct cni_add_result r = sample_result();
	struct ip4_net back;
	json_t *res;
	char *s;

	REQUIRE(parse_stage("{" BASE "," IPAM ",\"dns\":{\"nameservers\":[\"10.77.0.1\"]}}",
			    CNI_CMD_ADD, &c, &err) == 0);
	res = cni_result_json(&c, &r);
	s = pd_json_dump(res);
	CHECK_STR(
	    s, ==,
	    "{\"cniVersion\":\"1.0.0\",\"dns\":{\"nameservers\":[\"10.77.0.1\"]},"
	    "\"interfaces\":[{\"mac\":\"aa:aa:aa:aa:aa:aa\",\"name\":\"podd0\"},"
	    "{\"mac\":\"bb:bb:bb:bb:bb:bb\",\"name\":\"vp0123456789ab\"},"
	    "{\"mac\":\"cc:cc:cc:cc:cc:cc\",\"name\":\"eth0\",\"sandbox\":\"/run/netns/p\"}],"
	    "\"ips\":[{\"address\":\"10.77.0.5/24\",\"gateway\":\"10.77.0.1\",\"interface\":2}],"
	    "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.77.0.1\"}]}");
	/* CHECK finds the address of the interface again in such a result. */
	CHECK_INT(cni_prev_address(res, "eth0", "/run/netns/p", &back, &err), ==, 0);
	CHECK_INT(back.addr, ==, r.addr);
	CHECK_INT(back.prefix, ==, 24);
	CHECK_INT(cni_prev_address(res, "eth1", "/run/netns/p", &back, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	CHECK_INT(cni_prev_address(res, "eth0", "/run/netns/q", &back, &err), ==, -1);
	free(s);
	json_decref(res);
	cni_conf_clear(&c);
}

static void
test_result_old_version_and_chain(void)
{
	struct cni_conf c;
	struct pd_err err = {0};
	struct cni_add_result r = sample_result();
	json_t *res, *ips;

	REQUIRE(parse_stage("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"t\"," IPAM
			    ",\"prevResult\":{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":"
			    "\"x0\"}],\"ips\":[{\"version\":\"4\",\"address\":\"192.168.1.2/24\","
			    "\"interface\":0}],\"dns\":{\"domain\":\"prev\"}}}",
			    CNI_CMD_ADD, &c, &err) == 0);
	res = cni_result_json(&c, &r);
	CHECK_INT(json_array_size(json_object_get(res, "interfaces")), ==, 4);
	ips = json_object_get(res, "ips");
	REQUIRE(json_array_size(ips) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(ips, 1), "version")), ==, "4");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(ips, 1), "interface")), ==, 3);
	CHECK_STR(json_string_value(json_object_get(json_object_get(res, "dns"), "domain")), ==,
		  "prev");
	/* The config's prevResult is left as it was. */
	CHECK_INT(json_array_size(json_object_get(c.prev_result, "interfaces")), ==, 1);
	json_decref(res);
	cni_conf_clear(&c);
}

static void
test_host_ifname(void)
{
	char a[IFNAMSIZ], b[IFNAMSIZ], c[IFNAMSIZ];

	cni_host_ifname("c1", "eth0", a);
	cni_host_ifname("c1", "eth0", b);
	cni_host_ifname("c1", "eth1", c);
	CHECK_STR(a, ==, b);
	CHECK_STR(a, !=, c);
	CHECK_INT(strlen(a), ==, 14);
	CHECK(cni_is_host_ifname(a));
	/* id and ifname are kept apart: ("c1e", "th0") is another attachment. */
	cni_host_ifname("c1e", "th0", c);
	CHECK_STR(a, !=, c);
	CHECK(!cni_is_host_ifname("vp0123"));
	CHECK(!cni_is_host_ifname("eth0"));
	CHECK(!cni_is_host_ifname("vp0123456789AB"));
}

static void
test_ip4(void)
{
	struct pd_err err = {0};
	struct ip4_net n;
	char buf[IP4_CIDR_MAX];
	uint32_t a;

	CHECK_INT(ip4_parse("10.77.0.1", &a, &err), ==, 0);
	CHECK_INT(a, ==, 0x0a4d0001);
	CHECK_INT(ip4_parse("10.77.0", &a, &err), ==, -1);
	CHECK_INT(ip4_parse("10.77.0.256", &a, &err), ==, -1);
	CHECK_INT(ip4_parse(" 10.77.0.1", &a, &err), ==, -1);
	CHECK_INT(ip4_parse("", &a, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("10.77.0.0/16", &n, &err), ==, 0);
	CHECK_INT(n.prefix, ==, 16);
	CHECK_INT(ip4_parse_cidr("10.77.0.0/-1", &n, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("10.77.0.0/ 8", &n, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("10.77.0.0/08", &n, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("10.77.0.0/", &n, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("10.77.0.0", &n, &err), ==, -1);
	CHECK_INT(ip4_parse_cidr("0.0.0.0/0", &n, &err), ==, 0);
	CHECK_INT(ip4_mask(0), ==, 0);
	CHECK_INT(ip4_mask(32), ==, 0xffffffffu);
	CHECK_INT(ip4_mask(24), ==, 0xffffff00u);
	n = (struct ip4_net){ip("10.77.1.2"), 16};
	CHECK_INT(ip4_network(&n), ==, ip("10.77.0.0"));
	CHECK_INT(ip4_broadcast(&n), ==, ip("10.77.255.255"));
	CHECK(!ip4_net_is_network(&n));
	CHECK(ip4_contains(&n, ip("10.77.200.1")));
	CHECK(!ip4_contains(&n, ip("10.78.0.1")));
	ip4_format_cidr(ip("255.255.255.255"), 32, buf);
	CHECK_STR(buf, ==, "255.255.255.255/32");
	CHECK_INT(ip4_range_next(5, 3, 6), ==, 6);
	CHECK_INT(ip4_range_next(6, 3, 6), ==, 3);
	CHECK_INT(ip4_range_next(0, 3, 6), ==, 3);
	CHECK_INT(ip4_range_next(9, 3, 6), ==, 3);
	CHECK_INT(ip4_range_next(0xffffffffu, 3, 0xffffffffu), ==, 3);
}

/* host-local's "ranges" with an IPv6 range set: defaults, routes, the
 * result's second address, and what is refused. */
static void
test_dual_stack(void)
{
	struct cni_conf c;
	struct pd_err err = {0};
	struct cni_add_result r = sample_result();
	char *s;
	json_t *res;

	REQUIRE(parse_stage("{" BASE ",\"ipMasq\":true,\"hairpinMode\":true,\"ipam\":{\"ranges\":"
			    "[[{\"subnet\":\"fd77::/64\"}],[{\"subnet\":\"10.77.0.0/24\"}]]}}",
			    CNI_CMD_ADD, &c, &err) == 0);
	CHECK(c.ip_masq && c.hairpin && c.has_v6);
	CHECK_INT(c.subnet.addr, ==, ip("10.77.0.0"));
	CHECK_INT(c.subnet6.prefix, ==, 64);
	CHECK_INT(c.n_routes, ==, 1);
	CHECK_INT(c.n_routes6, ==, 1);
	REQUIRE(ip6_parse("fd77::1", &r.addr6, &err) == 0);
	CHECK(c.gateway6 == r.addr6 && c.routes6[0].gw == r.addr6);
	REQUIRE(ip6_parse("fd77::5", &r.addr6, &err) == 0);
	res = cni_result_json(&c, &r);
	s = pd_json_dump(json_object_get(res, "ips"));
	CHECK_STR(s, ==,
		  "[{\"address\":\"10.77.0.5/24\",\"gateway\":\"10.77.0.1\",\"interface\":2},"
		  "{\"address\":\"fd77::5/64\",\"gateway\":\"fd77::1\",\"interface\":2}]");
	free(s);
	s = pd_json_dump(json_object_get(res, "routes"));
	CHECK_STR(s, ==,
		  "[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.77.0.1\"},{\"dst\":\"::/0\",\"gw\":"
		  "\"fd77::1\"}]");
	free(s);
	json_decref(res);
	cni_conf_clear(&c);

	CHECK_INT(parse_stage("{" BASE ",\"ipam\":{\"ranges\":[[{\"subnet\":\"fd77::/64\"}]]}}",
			      CNI_CMD_ADD, &c, &err),
		  ==, 7);
	CHECK_CONTAINS(err.msg, "no IPv4 range set");
	cni_conf_clear(&c);
	CHECK_INT(parse_stage("{" BASE ",\"ipam\":{\"ranges\":[[{\"subnet\":\"10.77.0.0/24\"}],"
			      "[{\"subnet\":\"fd77::/127\"}]]}}",
			      CNI_CMD_ADD, &c, &err),
		  ==, 7);
	CHECK_CONTAINS(err.msg, "/8 to /126");
	cni_conf_clear(&c);
	CHECK_INT(parse_stage("{" BASE ",\"ipam\":{\"subnet\":\"10.77.0.0/24\",\"routes\":"
			      "[{\"dst\":\"::/0\"}]}}",
			      CNI_CMD_ADD, &c, &err),
		  ==, 7);
	CHECK_CONTAINS(err.msg, "no IPv6 range set");
	cni_conf_clear(&c);
	CHECK_INT(parse_stage("{" BASE ",\"ipMasq\":1," IPAM "}", CNI_CMD_ADD, &c, &err), ==, 7);
	cni_conf_clear(&c);
}

static const struct unit_case cases[] = {
    {"defaults", test_defaults},
    {"all_fields", test_all_fields},
    {"versions", test_versions},
    {"unsupported_fields", test_unsupported_fields},
    {"bad_values", test_bad_values},
    {"check_gc_needs", test_check_gc_needs},
    {"env", test_env},
    {"reply_version", test_reply_version},
    {"error_and_version_json", test_error_and_version_json},
    {"result", test_result},
    {"result_old_version_and_chain", test_result_old_version_and_chain},
    {"host_ifname", test_host_ifname},
    {"ip4", test_ip4},
    {"dual_stack", test_dual_stack},
};

UNIT_MAIN(cases)
