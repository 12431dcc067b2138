/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI protocol, pure; see cni.h. Field names, defaults and codes follow
 * the CNI spec (SPEC.md, versions 1.0.0 and 1.1.0) and, where the spec leaves
 * them to the plugin, the reference bridge and host-local plugins, so that a
 * config written for those works here where the two overlap.
 */
#include "cni.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "name.h"
#include "parse.h"
#include "xalloc.h"

static const char *const cmd_names[] = {
    [CNI_CMD_ADD] = "ADD",         [CNI_CMD_DEL] = "DEL", [CNI_CMD_CHECK] = "CHECK",
    [CNI_CMD_VERSION] = "VERSION", [CNI_CMD_GC] = "GC",   [CNI_CMD_STATUS] = "STATUS",
};

/* Oldest first; 0.3.x and 0.4.0 results differ from 1.x only by the
 * "version" of each address. */
static const char *const supported_versions[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const top_keys[] = {
    "cniVersion",
    "cniVersions",
    "name",
    "type",
    "bridge",
    "isGateway",
    "ipMasq",
    "hairpinMode",
    "mtu",
    "ipam",
    "dns",
    "args",
    "runtimeConfig",
    "prevResult",
    "capabilities",
    "cni.dev/valid-attachments",
    "cni.dev/attachments",
    NULL,
};
static const char *const ipam_keys[] = {"type",   "subnet",  "rangeStart", "rangeEnd", "gateway",
					"routes", "dataDir", "ranges",     NULL};
static const char *const range_keys[] = {"subnet", "rangeStart", "rangeEnd", "gateway", NULL};
static const char *const route_keys[] = {"dst", "gw", NULL};
static const char *const attach_keys[] = {"containerID", "ifname", NULL};

int
cni_command_parse(const char *s, enum cni_cmd *cmd, struct pd_err *err)
{
	if (s == NULL || *s == '\0')
		return pd_fail(err, PD_E_INVALID, "CNI_COMMAND is not set");
	for (size_t i = 0; i < N_ELEMS(cmd_names); i++) {
		if (strcmp(s, cmd_names[i]) == 0) {
			*cmd = (enum cni_cmd)i;
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID,
		       "CNI_COMMAND \"%.32s\" is not one of ADD, DEL, CHECK, VERSION, GC, STATUS",
		       s);
}

const char *
cni_command_name(enum cni_cmd cmd)
{
	return cmd_names[cmd];
}

/* "X.Y.Z" into 10000X + 100Y + Z, each part 0..99; -1 if not of that shape. */
static long
version_number(const char *s)
{
	long parts[3];
	const char *p = s;

	for (int i = 0; i < 3; i++) {
		long v = 0;
		int digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 3) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (digits == 0 || v > 99 || (i < 2 && *p++ != '.'))
			return -1;
		parts[i] = v;
	}
	if (*p != '\0')
		return -1;
	return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

int
cni_conf_version(const json_t *j, enum cni_cmd cmd, struct cni_conf *conf, struct pd_err *err)
{
	const char *v = json_string_value(json_object_get(j, "cniVersion"));
	bool known = false;
	long num;

	if (!json_is_object(j))
		return pd_fail(err, PD_E_INVALID, "the network config is not a JSON object");
	if (v == NULL)
		return pd_fail(err, PD_E_INVALID,
			       "cniVersion is missing (that means 0.1.0); supported: 0.3.0 to %s",
			       CNI_VERSION_LATEST);
	for (size_t i = 0; i < N_ELEMS(supported_versions) && !known; i++)
		known = strcmp(v, supported_versions[i]) == 0;
	num = version_number(v);
	if (!known || num < 0)
		return pd_fail(err, PD_E_INVALID,
			       "cniVersion \"%.16s\" is not supported (supported: 0.3.0, 0.3.1, "
			       "0.4.0, 1.0.0, 1.1.0)",
			       v);
	if (cmd == CNI_CMD_CHECK && num < 400)
		return pd_fail(err, PD_E_INVALID, "cniVersion %s has no CHECK (0.4.0 and later)",
			       v);
	if ((cmd == CNI_CMD_GC || cmd == CNI_CMD_STATUS) && num < 10100)
		return pd_fail(err, PD_E_INVALID, "cniVersion %s has no %s (1.1.0 and later)", v,
			       cni_command_name(cmd));
	memcpy(conf->version, v, strlen(v) + 1);
	conf->version_num = (unsigned)num;
	return 0;
}

/* @s as a JSON string literal, for messages: quotes and escapes keep a
 * message on one line whatever the input held. Owned by the caller. */
static char *
quoted(const char *s)
{
	json_t *j = json_string(s);
	char *out;

	if (j == NULL)
		return xstrdup("\"?\"");
	out = pd_json_dump(j);
	json_decref(j);
	return out;
}

/* Every key of @obj is in @allowed; a non-object is left to stage 3. */
static int
check_keys(const json_t *obj, const char *path, const char *const *allowed, struct pd_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach ((json_t *)obj, key, v) {
		bool ok = false;

		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			cleanup_free char *k = quoted(key);
			cleanup_free char *val = pd_json_dump(v);

			return pd_fail(err, PD_E_INVALID, "unsupported field %s%s%.64s: %.48s%s",
				       path, *path ? "." : "", k, val,
				       strlen(val) > 48 ? "..." : "");
		}
	}
	return 0;
}

/* check_keys over each object of the array @arr. */
static int
check_array_keys(const json_t *arr, const char *path, const char *const *allowed,
		 struct pd_err *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return 0;
	json_array_foreach ((json_t *)arr, i, v)
		if (check_keys(v, path, allowed, err) < 0)
			return -1;
	return 0;
}

int
cni_conf_check_fields(const json_t *j, struct pd_err *err)
{
	const json_t *ipam = json_object_get(j, "ipam");
	const json_t *ranges = json_object_get(ipam, "ranges");
	const char *type = json_string_value(json_object_get(ipam, "type"));

	if (check_keys(j, "", top_keys, err) < 0 || check_keys(ipam, "ipam", ipam_keys, err) < 0 ||
	    check_array_keys(json_object_get(ipam, "routes"), "ipam.routes[]", route_keys, err) <
		0 ||
	    check_array_keys(json_object_get(j, "cni.dev/valid-attachments"),
			     "cni.dev/valid-attachments[]", attach_keys, err) < 0 ||
	    check_array_keys(json_object_get(j, "cni.dev/attachments"), "cni.dev/attachments[]",
			     attach_keys, err) < 0)
		return -1;
	/* IPAM runs in process; "host-local" is accepted because netplug keeps
	 * host-local's layout and defaults, so a config for it can name it. */
	if (type != NULL && strcmp(type, "netplug") != 0 && strcmp(type, "host-local") != 0) {
		cleanup_free char *t = quoted(type);

		return pd_fail(err, PD_E_INVALID,
			       "unsupported field ipam.type: %.40s (netplug allocates in process: "
			       "leave it out, or use \"netplug\" or \"host-local\")",
			       t);
	}
	if (json_is_array(ranges)) {
		size_t i;
		json_t *set;

		if (json_array_size(ranges) > 2)
			return pd_fail(err, PD_E_INVALID,
				       "unsupported field ipam.ranges: more than two range sets "
				       "(netplug allocates one IPv4 and one IPv6 address)");
		json_array_foreach (ranges, i, set) {
			if (json_array_size(set) > 1)
				return pd_fail(err, PD_E_INVALID,
					       "unsupported field ipam.ranges[%zu]: more than one "
					       "range in a set (netplug allocates from one range "
					       "per family)",
					       i);
			if (check_array_keys(set, "ipam.ranges[][]", range_keys, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* A string field: absent leaves *out; a non-string is an error. */
static int
get_str(const json_t *obj, const char *key, const char *path, bool required, const char **out,
	struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return pd_fail(err, PD_E_INVALID, "%s%s%s is required", path,
				       *path ? "." : "", key);
		return 0;
	}
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "%s%s%s must be a string", path, *path ? "." : "",
			       key);
	*out = json_string_value(v);
	return 0;
}

/* An optional address field of the subnet @net, not its network or
 * broadcast address. */
static int
get_host_addr(const json_t *obj, const char *key, const char *path, const struct ip4_net *net,
	      uint32_t *out, struct pd_err *err)
{
	const char *s = NULL;
	char subnet[IP4_CIDR_MAX];

	if (get_str(obj, key, path, false, &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (ip4_parse(s, out, err) < 0)
		return pd_err_prefix(err, "%s.%s", path, key);
	ip4_format_cidr(net->addr, net->prefix, subnet);
	if (!ip4_contains(net, *out) || *out == ip4_network(net) || *out == ip4_broadcast(net))
		return pd_fail(err, PD_E_INVALID, "%s.%s %s is not a host address of the subnet %s",
			       path, key, s, subnet);
	return 0;
}

/* An IPv6 entry of ipam.routes: needs the IPv6 range set's gateway. */
static int
parse_route6(struct cni_conf *conf, size_t i, const char *dst, const char *gw, struct pd_err *err)
{
	struct cni_route6 *route = &conf->routes6[conf->n_routes6];

	if (!conf->has_v6)
		return pd_fail(err, PD_E_INVALID,
			       "ipam.routes[%zu].dst %.50s is IPv6, but ipam.ranges has no IPv6 "
			       "range set",
			       i, dst);
	if (ip6_parse_cidr(dst, &route->dst, err) < 0)
		return pd_err_prefix(err, "ipam.routes[%zu].dst", i);
	if (!ip6_net_is_network(&route->dst))
		return pd_fail(err, PD_E_INVALID, "ipam.routes[%zu].dst %s has host bits set", i,
			       dst);
	route->gw = conf->gateway6;
	if (gw != NULL && ip6_parse(gw, &route->gw, err) < 0)
		return pd_err_prefix(err, "ipam.routes[%zu].gw", i);
	conf->n_routes6++;
	return 0;
}

static int
parse_routes(const json_t *ipam, struct cni_conf *conf, struct pd_err *err)
{
	const json_t *routes = json_object_get(ipam, "routes");
	size_t i;
	json_t *r;

	if (routes == NULL || json_is_null(routes)) {
		/* Not host-local's default (none), but what a pod on a bridge wants. */
		conf->routes[0] = (struct cni_route){.dst = {0, 0}, .gw = conf->gateway};
		conf->n_routes = 1;
		if (conf->has_v6) {
			conf->routes6[0] = (struct cni_route6){.dst = {0, 0}, .gw = conf->gateway6};
			conf->n_routes6 = 1;
		}
		return 0;
	}
	if (!json_is_array(routes))
		return pd_fail(err, PD_E_INVALID, "ipam.routes must be an array");
	if (json_array_size(routes) > CNI_ROUTES_MAX)
		return pd_fail(err, PD_E_INVALID, "ipam.routes has more than %d routes",
			       CNI_ROUTES_MAX);
	json_array_foreach (routes, i, r) {
		struct cni_route *route = &conf->routes[conf->n_routes];
		const char *dst = NULL, *gw = NULL;

		if (!json_is_object(r))
			return pd_fail(err, PD_E_INVALID, "ipam.routes[%zu] must be an object", i);
		if (get_str(r, "dst", "ipam.routes[]", true, &dst, err) < 0 ||
		    get_str(r, "gw", "ipam.routes[]", false, &gw, err) < 0)
			return -1;
		if (dst != NULL && strchr(dst, ':') != NULL) {
			if (parse_route6(conf, i, dst, gw, err) < 0)
				return -1;
			continue;
		}
		conf->n_routes++;
		if (ip4_parse_cidr(dst, &route->dst, err) < 0)
			return pd_err_prefix(err, "ipam.routes[%zu].dst", i);
		if (!ip4_net_is_network(&route->dst))
			return pd_fail(err, PD_E_INVALID,
				       "ipam.routes[%zu].dst %s has host bits set", i, dst);
		route->gw = conf->gateway;
		if (gw != NULL && ip4_parse(gw, &route->gw, err) < 0)
			return pd_err_prefix(err, "ipam.routes[%zu].gw", i);
	}
	return 0;
}

/* subnet, gateway and range, from @range (the ipam object itself, or the one
 * entry of host-local's "ranges"). */
static int
parse_range(const json_t *range, const char *path, struct cni_conf *conf, struct pd_err *err)
{
	struct ip4_net *net = &conf->subnet;
	const char *subnet = NULL;
	char want[IP4_CIDR_MAX];
	uint32_t first, last;

	if (get_str(range, "subnet", path, true, &subnet, err) < 0)
		return -1;
	if (ip4_parse_cidr(subnet, net, err) < 0)
		return pd_err_prefix(err, "%s.subnet", path);
	if (!ip4_net_is_network(net)) {
		ip4_format_cidr(ip4_network(net), net->prefix, want);
		return pd_fail(err, PD_E_INVALID,
			       "%s.subnet %s has host bits set (the network is %s)", path, subnet,
			       want);
	}
	/* /31 and /32 leave nothing to hand out (RFC 3021 aside); under /8 a
	 * search of the range would take too long. */
	if (net->prefix < 8 || net->prefix > 30)
		return pd_fail(err, PD_E_INVALID, "%s.subnet %s: the prefix must be /8 to /30",
			       path, subnet);
	first = ip4_network(net) + 1;
	last = ip4_broadcast(net) - 1;
	conf->gateway = first;
	conf->range_start = first;
	conf->range_end = last;
	if (get_host_addr(range, "gateway", path, net, &conf->gateway, err) < 0 ||
	    get_host_addr(range, "rangeStart", path, net, &conf->range_start, err) < 0 ||
	    get_host_addr(range, "rangeEnd", path, net, &conf->range_end, err) < 0)
		return -1;
	if (conf->range_start > conf->range_end)
		return pd_fail(err, PD_E_INVALID, "%s: rangeStart is after rangeEnd", path);
	if (conf->range_start == conf->range_end && conf->range_start == conf->gateway)
		return pd_fail(err, PD_E_INVALID, "%s: the range holds only the gateway", path);
	return 0;
}

/* An optional IPv6 address field of @net, not its first address (the
 * subnet-router anycast address). */
static int
get_host_addr6(const json_t *obj, const char *key, const char *path, const struct ip6_net *net,
	       ip6_addr *out, struct pd_err *err)
{
	const char *s = NULL;

	if (get_str(obj, key, path, false, &s, err) < 0)
		return -1;
	if (s == NULL)
		return 0;
	if (ip6_parse(s, out, err) < 0)
		return pd_err_prefix(err, "%s.%s", path, key);
	if (!ip6_contains(net, *out) || *out == ip6_network(net))
		return pd_fail(err, PD_E_INVALID, "%s.%s %.46s is not a host address of the subnet",
			       path, key, s);
	return 0;
}

/* The IPv6 range set, as parse_range() does the IPv4 one. */
static int
parse_range6(const json_t *range, const char *path, struct cni_conf *conf, struct pd_err *err)
{
	struct ip6_net *net = &conf->subnet6;
	const char *subnet = NULL;

	if (get_str(range, "subnet", path, true, &subnet, err) < 0)
		return -1;
	if (ip6_parse_cidr(subnet, net, err) < 0)
		return pd_err_prefix(err, "%s.subnet", path);
	if (!ip6_net_is_network(net))
		return pd_fail(err, PD_E_INVALID, "%s.subnet %s has host bits set", path, subnet);
	if (net->prefix < 8 || net->prefix > 126)
		return pd_fail(err, PD_E_INVALID, "%s.subnet %s: the prefix must be /8 to /126",
			       path, subnet);
	conf->has_v6 = true;
	conf->gateway6 = ip6_network(net) + 1;
	conf->range_start6 = ip6_network(net) + 1;
	conf->range_end6 = ip6_last(net);
	if (get_host_addr6(range, "gateway", path, net, &conf->gateway6, err) < 0 ||
	    get_host_addr6(range, "rangeStart", path, net, &conf->range_start6, err) < 0 ||
	    get_host_addr6(range, "rangeEnd", path, net, &conf->range_end6, err) < 0)
		return -1;
	if (conf->range_start6 > conf->range_end6)
		return pd_fail(err, PD_E_INVALID, "%s: rangeStart is after rangeEnd", path);
	if (conf->range_start6 == conf->range_end6 && conf->range_start6 == conf->gateway6)
		return pd_fail(err, PD_E_INVALID, "%s: the range holds only the gateway", path);
	return 0;
}

/* host-local's "ranges": one IPv4 range set and at most one IPv6 one, in
 * either order, one range each. */
static int
parse_ranges(const json_t *ipam, const json_t *ranges, struct cni_conf *conf, struct pd_err *err)
{
	bool v4 = false;
	size_t i;
	json_t *set;

	if (json_object_get(ipam, "subnet") != NULL)
		return pd_fail(err, PD_E_INVALID, "ipam: give subnet or ranges, not both");
	if (!json_is_array(ranges) || json_array_size(ranges) == 0)
		return pd_fail(err, PD_E_INVALID,
			       "ipam.ranges must be [[{\"subnet\": \"a.b.c.d/n\", ...}]]");
	json_array_foreach (ranges, i, set) {
		const json_t *r = json_array_get(set, 0);
		const char *subnet = json_string_value(json_object_get(r, "subnet"));
		char path[48];

		if (!json_is_object(r))
			return pd_fail(err, PD_E_INVALID,
				       "ipam.ranges[%zu] must be [{\"subnet\": ...}]", i);
		(void)snprintf(path, sizeof(path), "ipam.ranges[%zu][0]", i);
		if (subnet != NULL && strchr(subnet, ':') != NULL) {
			if (conf->has_v6)
				return pd_fail(err, PD_E_INVALID,
					       "ipam.ranges: more than one IPv6 range set");
			if (parse_range6(r, path, conf, err) < 0)
				return -1;
			continue;
		}
		if (v4)
			return pd_fail(err, PD_E_INVALID,
				       "ipam.ranges: more than one IPv4 range set");
		if (parse_range(r, path, conf, err) < 0)
			return -1;
		v4 = true;
	}
	if (!v4)
		return pd_fail(err, PD_E_INVALID, "ipam.ranges has no IPv4 range set");
	return 0;
}

static int
parse_ipam(const json_t *ipam, struct cni_conf *conf, struct pd_err *err)
{
	const json_t *ranges = json_object_get(ipam, "ranges");
	const char *dir = CNI_DATA_DIR, *type = NULL;

	if (!json_is_object(ipam))
		return pd_fail(err, PD_E_INVALID, "ipam is required, an object with a subnet");
	if (get_str(ipam, "type", "ipam", false, &type, err) < 0)
		return -1;
	if (ranges != NULL && !json_is_null(ranges)) {
		if (parse_ranges(ipam, ranges, conf, err) < 0)
			return -1;
	} else if (parse_range(ipam, "ipam", conf, err) < 0) {
		return -1;
	}
	if (parse_routes(ipam, conf, err) < 0 ||
	    get_str(ipam, "dataDir", "ipam", false, &dir, err) < 0)
		return -1;
	if (dir[0] != '/' || strstr(dir, "/../") != NULL)
		return pd_fail(err, PD_E_INVALID, "ipam.dataDir \"%.64s\" must be an absolute path",
			       dir);
	return pd_copy_bounded(conf->data_dir, sizeof(conf->data_dir), dir, "ipam.dataDir", err);
}

/* An IPv6 entry of runtimeConfig.ips; for a network with an IPv6 range. */
static int
parse_runtime_ip6(const char *s, size_t i, struct cni_conf *conf, struct pd_err *err)
{
	struct ip6_net a;

	if (!conf->has_v6)
		return 0; /* someone else's, as before dual stack */
	if ((strchr(s, '/') ? ip6_parse_cidr(s, &a, err) : ip6_parse(s, &a.addr, err)) < 0)
		return pd_err_prefix(err, "runtimeConfig.ips[%zu]", i);
	if (conf->static_ip6 != 0)
		return pd_fail(err, PD_E_INVALID,
			       "runtimeConfig.ips asks for more than one IPv6 address");
	conf->static_ip6 = a.addr;
	return 0;
}

/* An address from runtimeConfig.ips ("ips" capability: "a.b.c.d" or
 * "a.b.c.d/n"); IPv6 entries are someone else's. */
static int
parse_runtime_ips(const json_t *rc, struct cni_conf *conf, struct pd_err *err)
{
	const json_t *ips = json_object_get(rc, "ips");
	size_t i;
	json_t *v;

	if (ips == NULL || json_is_null(ips))
		return 0;
	if (!json_is_array(ips))
		return pd_fail(err, PD_E_INVALID, "runtimeConfig.ips must be an array of strings");
	json_array_foreach (ips, i, v) {
		const char *s = json_string_value(v);
		struct ip4_net a;

		if (s == NULL)
			return pd_fail(err, PD_E_INVALID, "runtimeConfig.ips[%zu] must be a string",
				       i);
		if (strchr(s, ':') != NULL) {
			if (parse_runtime_ip6(s, i, conf, err) < 0)
				return -1;
			continue;
		}
		if ((strchr(s, '/') ? ip4_parse_cidr(s, &a, err) : ip4_parse(s, &a.addr, err)) < 0)
			return pd_err_prefix(err, "runtimeConfig.ips[%zu]", i);
		if (conf->static_ip != 0)
			return pd_fail(err, PD_E_INVALID,
				       "runtimeConfig.ips asks for more than one IPv4 address");
		conf->static_ip = a.addr;
	}
	return 0;
}

static int
parse_attachments(const json_t *j, struct cni_conf *conf, struct pd_err *err)
{
	/* libcni sends both names: the spec's, and the one of its first draft. */
	const json_t *list = json_object_get(j, "cni.dev/valid-attachments");
	size_t i;
	json_t *a;

	if (list == NULL)
		list = json_object_get(j, "cni.dev/attachments");
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return pd_fail(err, PD_E_INVALID, "cni.dev/valid-attachments must be an array");
	if (json_array_size(list) > CNI_ATTACH_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "cni.dev/valid-attachments has more than %d entries",
			       CNI_ATTACH_MAX);
	conf->has_valid = true;
	conf->valid = xcalloc(json_array_size(list) + 1, sizeof(*conf->valid));
	json_array_foreach (list, i, a) {
		const char *id = NULL, *ifname = NULL;

		if (get_str(a, "containerID", "cni.dev/valid-attachments[]", true, &id, err) < 0 ||
		    get_str(a, "ifname", "cni.dev/valid-attachments[]", true, &ifname, err) < 0 ||
		    pd_copy_bounded(conf->valid[i].id, sizeof(conf->valid[i].id), id,
				    "cni.dev/valid-attachments[].containerID", err) < 0 ||
		    pd_copy_bounded(conf->valid[i].ifname, sizeof(conf->valid[i].ifname), ifname,
				    "cni.dev/valid-attachments[].ifname", err) < 0)
			return -1;
		conf->n_valid = i + 1;
	}
	return 0;
}

/* An optional object field, kept as a reference in @conf. */
static int
get_object(const json_t *j, const char *key, json_t **out, struct pd_err *err)
{
	json_t *v = json_object_get(j, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return pd_fail(err, PD_E_INVALID, "%s must be an object", key);
	*out = json_incref(v);
	return 0;
}

int
cni_conf_parse(const json_t *j, enum cni_cmd cmd, struct cni_conf *conf, struct pd_err *err)
{
	const char *name = "", *type = "", *bridge = CNI_BRIDGE;
	json_t *rc = json_object_get(j, "runtimeConfig");
	long long mtu = 0;

	conf->is_gateway = true;
	if (get_str(j, "name", "", true, &name, err) < 0 ||
	    pd_name_validate_max(name, "network name", CNI_NETWORK_MAX, err) < 0 ||
	    get_str(j, "type", "", true, &type, err) < 0)
		return -1;
	memcpy(conf->name, name, strlen(name) + 1);
	if (*type == '\0')
		return pd_fail(err, PD_E_INVALID, "type is empty");
	if (get_str(j, "bridge", "", false, &bridge, err) < 0 ||
	    cni_ifname_validate(bridge, "bridge", err) < 0)
		return -1;
	memcpy(conf->bridge, bridge, strlen(bridge) + 1);
	if (pd_json_get_bool(j, "isGateway", &conf->is_gateway, err) < 0 ||
	    pd_json_get_bool(j, "ipMasq", &conf->ip_masq, err) < 0 ||
	    pd_json_get_bool(j, "hairpinMode", &conf->hairpin, err) < 0 ||
	    pd_json_get_int(j, "mtu", 0, 65535, &mtu, err) < 0)
		return -1;
	if (mtu != 0 && mtu < 68)
		return pd_fail(err, PD_E_INVALID, "mtu %lld is under IPv4's minimum of 68", mtu);
	conf->mtu = (int)mtu;
	if (parse_ipam(json_object_get(j, "ipam"), conf, err) < 0 ||
	    get_object(j, "dns", &conf->dns, err) < 0 ||
	    get_object(j, "prevResult", &conf->prev_result, err) < 0)
		return -1;
	if (rc != NULL && !json_is_null(rc) && !json_is_object(rc))
		return pd_fail(err, PD_E_INVALID, "runtimeConfig must be an object");
	if (parse_runtime_ips(rc, conf, err) < 0 || parse_attachments(j, conf, err) < 0)
		return -1;
	if (cmd == CNI_CMD_CHECK && conf->prev_result == NULL)
		return pd_fail(err, PD_E_INVALID, "CHECK needs the prevResult of the ADD");
	if (cmd == CNI_CMD_GC && !conf->has_valid)
		return pd_fail(err, PD_E_INVALID,
			       "GC needs cni.dev/valid-attachments (the attachments to keep)");
	return 0;
}

void
cni_conf_clear(struct cni_conf *conf)
{
	json_decref(conf->dns);
	json_decref(conf->prev_result);
	free(conf->valid);
	conf->dns = NULL;
	conf->prev_result = NULL;
	conf->valid = NULL;
	conf->n_valid = 0;
	conf->has_valid = false;
}

int
cni_ifname_validate(const char *name, const char *what, struct pd_err *err)
{
	size_t len = strlen(name);

	if (len == 0)
		return pd_fail(err, PD_E_INVALID, "%s is empty", what);
	if (len >= IFNAMSIZ)
		return pd_fail(err, PD_E_INVALID, "%s \"%.32s\" is longer than %d characters", what,
			       name, IFNAMSIZ - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return pd_fail(err, PD_E_INVALID, "%s \"%s\" is not an interface name", what, name);
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' || c == ':' || isspace(c) || c < 0x20 || c == 0x7f)
			return pd_fail(err, PD_E_INVALID,
				       "%s \"%.16s\" has a character that is not allowed (/, : or "
				       "white space)",
				       what, name);
	}
	return 0;
}

/* IP= of CNI_ARGS: one IPv4 address among the comma-separated list (the
 * IPv6 ones are for another plugin). */
static int
parse_ip_arg(const char *value, uint32_t *out, struct pd_err *err)
{
	cleanup_free char *copy = xstrdup(value);
	char *rest = copy, *tok;

	while ((tok = strsep(&rest, ",")) != NULL) {
		uint32_t a;

		if (*tok == '\0' || strchr(tok, ':') != NULL)
			continue;
		if (ip4_parse(tok, &a, err) < 0)
			return pd_err_prefix(err, "CNI_ARGS IP");
		if (*out != 0)
			return pd_fail(err, PD_E_INVALID,
				       "CNI_ARGS IP names more than one IPv4 address");
		*out = a;
	}
	return 0;
}

static int
parse_args(const char *args, struct cni_env *env, struct pd_err *err)
{
	cleanup_free char *copy = NULL;
	char *rest, *pair;

	if (args == NULL)
		return 0;
	if (strlen(args) > 4096)
		return pd_fail(err, PD_E_INVALID, "CNI_ARGS is longer than 4096 bytes");
	copy = xstrdup(args);
	rest = copy;
	/* Other keys (K8S_POD_NAME, IgnoreUnknown, ...) are for other plugins. */
	while ((pair = strsep(&rest, ";")) != NULL) {
		cleanup_free char *key = NULL;
		const char *value;

		if (*pair == '\0')
			continue;
		if (pd_parse_kv(pair, &key, &value, err) < 0)
			return pd_err_prefix(err, "CNI_ARGS");
		if (strcmp(key, "IP") == 0 && parse_ip_arg(value, &env->static_ip, err) < 0)
			return -1;
	}
	return 0;
}

int
cni_env_parse(enum cni_cmd cmd, const char *(*get)(const char *name), struct cni_env *env,
	      struct pd_err *err)
{
	bool attach = cmd == CNI_CMD_ADD || cmd == CNI_CMD_DEL || cmd == CNI_CMD_CHECK;
	const char *id = get("CNI_CONTAINERID");
	const char *netns = get("CNI_NETNS");
	const char *ifname = get("CNI_IFNAME");

	memset(env, 0, sizeof(*env));
	env->cmd = cmd;
	if (!attach)
		return 0;
	if (id == NULL || *id == '\0')
		return pd_fail(err, PD_E_INVALID, "CNI_CONTAINERID is not set");
	if (pd_name_validate_max(id, "CNI_CONTAINERID", CNI_ID_MAX, err) < 0)
		return -1;
	memcpy(env->container_id, id, strlen(id) + 1);
	if (ifname == NULL || *ifname == '\0')
		return pd_fail(err, PD_E_INVALID, "CNI_IFNAME is not set");
	if (cni_ifname_validate(ifname, "CNI_IFNAME", err) < 0)
		return -1;
	memcpy(env->ifname, ifname, strlen(ifname) + 1);
	/* DEL may come after the namespace is gone, so it may lack CNI_NETNS. */
	if ((netns == NULL || *netns == '\0') && cmd != CNI_CMD_DEL)
		return pd_fail(err, PD_E_INVALID, "CNI_NETNS is not set");
	if (netns != NULL && *netns != '\0') {
		if (netns[0] != '/')
			return pd_fail(err, PD_E_INVALID,
				       "CNI_NETNS \"%.64s\" is not an absolute path", netns);
		if (pd_copy_bounded(env->netns, sizeof(env->netns), netns, "CNI_NETNS", err) < 0)
			return -1;
	}
	return parse_args(get("CNI_ARGS"), env, err);
}

const char *
cni_reply_version(const json_t *j)
{
	const char *v = json_string_value(json_object_get(j, "cniVersion"));

	if (v == NULL || *v == '\0' || strlen(v) >= CNI_VERSION_MAX ||
	    strspn(v, "0123456789.") != strlen(v))
		return CNI_VERSION_LATEST;
	return v;
}

/* The array @key of @obj, made anew when absent or not an array. */
static json_t *
array_of(json_t *obj, const char *key)
{
	json_t *a = json_object_get(obj, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	return a;
}

/* The IPv6 entry of "ips". */
static json_t *
result_ip6(const struct cni_conf *conf, const struct cni_add_result *r, size_t ctr_index)
{
	char addr[IP6_CIDR_MAX], gw[IP6_STR_MAX];
	json_t *ip;

	ip6_format_cidr(r->addr6, conf->subnet6.prefix, addr);
	ip6_format(conf->gateway6, gw);
	ip = json_pack("{s:s,s:s,s:I}", "address", addr, "gateway", gw, "interface",
		       (json_int_t)ctr_index);
	if (conf->version_num < 10000)
		json_object_set_new(ip, "version", json_string("6"));
	return ip;
}

json_t *
cni_result_json(const struct cni_conf *conf, const struct cni_add_result *r)
{
	json_t *res = conf->prev_result ? json_deep_copy(conf->prev_result) : json_object();
	json_t *ifaces = array_of(res, "interfaces");
	json_t *ips = array_of(res, "ips");
	json_t *routes = array_of(res, "routes");
	char addr[IP4_CIDR_MAX], gw[IP4_STR_MAX];
	size_t ctr_index;
	json_t *ip;

	json_array_append_new(ifaces,
			      json_pack("{s:s,s:s}", "name", r->bridge.name, "mac", r->bridge.mac));
	json_array_append_new(ifaces,
			      json_pack("{s:s,s:s}", "name", r->host.name, "mac", r->host.mac));
	ctr_index = json_array_size(ifaces);
	json_array_append_new(ifaces, json_pack("{s:s,s:s,s:s}", "name", r->ctr.name, "mac",
						r->ctr.mac, "sandbox", r->sandbox));
	ip4_format_cidr(r->addr, conf->subnet.prefix, addr);
	ip4_format(conf->gateway, gw);
	ip = json_pack("{s:s,s:s,s:I}", "address", addr, "gateway", gw, "interface",
		       (json_int_t)ctr_index);
	if (conf->version_num < 10000) /* 0.3.x, 0.4.0: each address says its family */
		json_object_set_new(ip, "version", json_string("4"));
	json_array_append_new(ips, ip);
	if (conf->has_v6)
		json_array_append_new(ips, result_ip6(conf, r, ctr_index));
	for (size_t i = 0; i < conf->n_routes; i++) {
		char dst[IP4_CIDR_MAX], via[IP4_STR_MAX];

		ip4_format_cidr(conf->routes[i].dst.addr, conf->routes[i].dst.prefix, dst);
		ip4_format(conf->routes[i].gw, via);
		json_array_append_new(routes, json_pack("{s:s,s:s}", "dst", dst, "gw", via));
	}
	for (size_t i = 0; i < conf->n_routes6; i++) {
		char dst[IP6_CIDR_MAX], via[IP6_STR_MAX];

		ip6_format_cidr(conf->routes6[i].dst.addr, conf->routes6[i].dst.prefix, dst);
		ip6_format(conf->routes6[i].gw, via);
		json_array_append_new(routes, json_pack("{s:s,s:s}", "dst", dst, "gw", via));
	}
	if (conf->dns != NULL)
		json_object_set(res, "dns", conf->dns);
	json_object_set_new(res, "cniVersion", json_string(conf->version));
	return res;
}

/* A copy of @s that is printable ASCII, so it is valid UTF-8 for jansson
 * whatever was cut where, and one line. */
static char *
printable(const char *s)
{
	char *out = xstrdup(s ? s : "");

	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return out;
}

char *
cni_error_json(const char *version, int code, const char *msg, const char *details)
{
	cleanup_free char *v = printable(version);
	cleanup_free char *m = printable(msg);
	cleanup_free char *d = printable(details);
	cleanup_json json_t *j =
	    json_pack("{s:s,s:i,s:s,s:s}", "cniVersion", v, "code", code, "msg", m, "details", d);

	return pd_json_dump(j);
}

char *
cni_version_json(const char *version)
{
	cleanup_free char *v = printable(version);
	cleanup_json json_t *list = json_array();
	cleanup_json json_t *j = NULL;

	for (size_t i = 0; i < N_ELEMS(supported_versions); i++)
		json_array_append_new(list, json_string(supported_versions[i]));
	j = json_pack("{s:s,s:O}", "cniVersion", v, "supportedVersions", list);
	return pd_json_dump(j);
}

int
cni_prev_address(const json_t *prev, const char *ifname, const char *sandbox, struct ip4_net *out,
		 struct pd_err *err)
{
	const json_t *ifaces = json_object_get(prev, "interfaces");
	size_t i, idx = (size_t)-1;
	json_t *v;

	json_array_foreach (ifaces, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *sb = json_string_value(json_object_get(v, "sandbox"));

		if (name != NULL && sb != NULL && strcmp(name, ifname) == 0 &&
		    strcmp(sb, sandbox) == 0) {
			idx = i;
			break;
		}
	}
	if (idx == (size_t)-1)
		return pd_fail(err, PD_E_NOT_FOUND, "prevResult lists no interface %s in %.64s",
			       ifname, sandbox);
	json_array_foreach (json_object_get(prev, "ips"), i, v) {
		json_t *at = json_object_get(v, "interface");
		const char *addr = json_string_value(json_object_get(v, "address"));
		struct pd_err ignored;

		if (json_is_integer(at) && json_integer_value(at) == (json_int_t)idx &&
		    addr != NULL && ip4_parse_cidr(addr, out, &ignored) == 0)
			return 0;
	}
	return pd_fail(err, PD_E_NOT_FOUND, "prevResult lists no IPv4 address for %s", ifname);
}

void
cni_host_ifname(const char *id, const char *ifname, char out[IFNAMSIZ])
{
	/* FNV-1a, 64 bits, over id NUL ifname; 48 bits of it fit the name. */
	uint64_t h = 14695981039346656037ull;
	const unsigned char *p;

	for (p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	h = (h ^ 0) * 1099511628211ull;
	for (p = (const unsigned char *)ifname; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	(void)snprintf(out, IFNAMSIZ, "vp%012llx", (unsigned long long)(h & 0xffffffffffffull));
}

bool
cni_is_host_ifname(const char *name)
{
	return strlen(name) == 14 && strncmp(name, "vp", 2) == 0 &&
	       strspn(name + 2, "0123456789abcdef") == 12;
}
