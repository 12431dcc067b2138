/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network registry; see network.h.
 */
#include "network.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "file.h"
#include "cni_chain.h"
#include "dns.h" /* issue 14 */
#include "http.h"
#include "ip4.h"
#include "ip6.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "netattach.h"
#include "parse.h"
#include "pod.h"
#include "pod_spec.h" /* issue 15 */
#include "podd.h"
#include "timefmt.h"
#include "xalloc.h"

#define CONFLIST_SUFFIX ".conflist"
#define CONFLIST_MAX    (256 * 1024)
/* Subnets handed out when `network create` names none: 10.78.N.0/24. */
#define AUTO_SUBNET_BASE 0x0a4e0000U
/* IPv6 subnets handed out when `network create --ipv6` names none:
 * fd78:N::/64. */
#define AUTO_SUBNET6_BASE ((ip6_addr)0xfd78 << 112)

static void
network_free(struct network *n)
{
	if (n->gc != NULL)
		cni_cancel(n->gc);
	json_decref(n->conflist);
	free(n);
}

void
network_free_all(struct podd *d)
{
	struct network *n;

	while ((n = TAILQ_FIRST(&d->networks)) != NULL) {
		TAILQ_REMOVE(&d->networks, n, entry);
		network_free(n);
	}
}

static void
copy_field(char *dst, size_t len, const json_t *v)
{
	const char *s = json_string_value(v);

	(void)snprintf(dst, len, "%s", s != NULL && strlen(s) < len ? s : "");
}

/* The IPv6 side of describe(): host-local's second range set, and the
 * outbound keys (issue 14). */
static void
describe6(struct network *n, const json_t *p)
{
	const json_t *ranges = json_object_get(json_object_get(p, "ipam"), "ranges");
	const json_t *range = json_array_get(json_array_get(ranges, 1), 0);
	struct ip6_net net;
	struct pd_err e;

	n->masquerade = json_is_true(json_object_get(p, "ipMasq"));
	n->internal = json_is_true(json_object_get(n->conflist, PD_F_INTERNAL));
	copy_field(n->subnet6, sizeof(n->subnet6), json_object_get(range, "subnet"));
	copy_field(n->gateway6, sizeof(n->gateway6), json_object_get(range, "gateway"));
	if (n->subnet6[0] != '\0' && ip6_parse_cidr(n->subnet6, &net, &e) < 0)
		n->subnet6[0] = '\0'; /* another family's, or wrong: none to show */
	if (n->gateway6[0] == '\0' && n->subnet6[0] != '\0') {
		char gw[IP6_STR_MAX];

		ip6_format(ip6_network(&net) + 1, gw);
		(void)snprintf(n->gateway6, sizeof(n->gateway6), "%.39s", gw);
	}
}

/* What the API shows of a conflist: the first plugin's bridge, subnet and
 * gateway, where it has them (netplug's and the reference bridge plugin's
 * keys; host-local's "ranges" too). */
static void
describe(struct network *n)
{
	const json_t *p = json_array_get(json_object_get(n->conflist, "plugins"), 0);
	const json_t *ipam = json_object_get(p, "ipam");
	const json_t *range = json_array_get(json_array_get(json_object_get(ipam, "ranges"), 0), 0);

	copy_field(n->bridge, sizeof(n->bridge), json_object_get(p, "bridge"));
	copy_field(n->subnet, sizeof(n->subnet), json_object_get(ipam, "subnet"));
	copy_field(n->gateway, sizeof(n->gateway), json_object_get(ipam, "gateway"));
	if (n->subnet[0] == '\0')
		copy_field(n->subnet, sizeof(n->subnet), json_object_get(range, "subnet"));
	if (n->gateway[0] == '\0')
		copy_field(n->gateway, sizeof(n->gateway), json_object_get(range, "gateway"));
	if (n->gateway[0] == '\0' && n->subnet[0] != '\0' &&
	    strcmp(json_string_value(json_object_get(p, "type")), "netplug") == 0) {
		/* netplug's default: the subnet's first address. */
		struct ip4_net net;
		struct pd_err e;

		if (ip4_parse_cidr(n->subnet, &net, &e) == 0)
			ip4_format(ip4_network(&net) + 1, n->gateway);
	}
	describe6(n, p);
}

/* A conflist podd can run: a name, a version, and plugins with safe types. */
static int
check_conflist(const json_t *c, struct pd_err *err)
{
	const json_t *plugins = json_object_get(c, "plugins"), *p;
	size_t i;

	if (!json_is_object(c))
		return pd_fail(err, PD_E_INVALID, "a conflist is a JSON object");
	if (!json_is_string(json_object_get(c, "cniVersion")))
		return pd_fail(err, PD_E_INVALID, "the conflist has no cniVersion");
	if (!json_is_array(plugins) || json_array_size(plugins) == 0 ||
	    json_array_size(plugins) > 16)
		return pd_fail(err, PD_E_INVALID, "the conflist needs 1 to 16 plugins");
	json_array_foreach (plugins, i, p) {
		const char *type = json_string_value(json_object_get(p, "type"));
		struct pd_err e;

		if (!json_is_object(p) || type == NULL)
			return pd_fail(err, PD_E_INVALID, "plugin %zu of the conflist has no type",
				       i + 1);
		/* The type names a file in the CNI path: no '/' or "..". */
		if (pd_name_validate(type, "plugin type", &e) < 0)
			return pd_fail(err, PD_E_INVALID,
				       "plugin type \"%.64s\" is not a valid name", type);
	}
	return 0;
}

/* A subnet as a network takes it: no host bits. */
static int
parse_subnet(const char *s, struct ip4_net *n, struct pd_err *err)
{
	char want[IP4_CIDR_MAX];

	if (ip4_parse_cidr(s, n, err) < 0)
		return pd_err_prefix(err, "subnet");
	if (!ip4_net_is_network(n)) {
		ip4_format_cidr(ip4_network(n), n->prefix, want);
		return pd_fail(err, PD_E_INVALID, "subnet %s has host bits set (%s?)", s, want);
	}
	return 0;
}

/* Subnets of two networks may not overlap: their routes would clash. */
static bool
overlaps(const char *a, const char *b)
{
	struct ip4_net na, nb;
	struct pd_err e;

	if (ip4_parse_cidr(a, &na, &e) < 0 || ip4_parse_cidr(b, &nb, &e) < 0)
		return false;
	return ((na.addr ^ nb.addr) & ip4_mask(na.prefix < nb.prefix ? na.prefix : nb.prefix)) == 0;
}

static struct network *
add(struct podd *d, const char *name, json_t *conflist, const char *created)
{
	struct network *n = xcalloc(1, sizeof(*n));

	n->d = d;
	(void)snprintf(n->name, sizeof(n->name), "%s", name);
	n->conflist = conflist;
	n->builtin = strcmp(name, PD_NET_DEFAULT) == 0;
	copy_field(n->id, sizeof(n->id), json_object_get(conflist, PD_F_ID));
	(void)snprintf(n->created, sizeof(n->created), "%s", created);
	describe(n);
	TAILQ_INSERT_TAIL(&d->networks, n, entry);
	return n;
}

/* What podd asks of netplug for one of its networks. */
struct net_params {
	const char *name, *bridge;
	const char *subnet, *gateway;   /* gateway NULL: netplug's default */
	const char *subnet6, *gateway6; /* NULL: v4-only */
	bool internal;
	/* What podd chose where the body named nothing (the pointers above
	 * point here then). */
	char auto_subnet[20], auto_subnet6[44], auto_bridge[16];
};

/* The conflist podd writes for netplug: host-local's "ranges" when it is
 * dual-stack, ipMasq unless it is internal, hairpinMode. */
static json_t *
netplug_conflist(const struct podd *d, const struct net_params *p)
{
	cleanup_free char *data_dir = xasprintf("%s/cni/networks", d->cfg.run_dir);
	json_t *ipam = json_pack("{s:s}", "dataDir", data_dir);
	json_t *v4 = json_pack("{s:s}", "subnet", p->subnet);
	json_t *c;

	if (p->gateway != NULL)
		json_object_set_new(v4, "gateway", json_string(p->gateway));
	if (p->subnet6 != NULL) {
		json_t *v6 = json_pack("{s:s}", "subnet", p->subnet6);

		if (p->gateway6 != NULL)
			json_object_set_new(v6, "gateway", json_string(p->gateway6));
		json_object_set_new(ipam, "ranges", json_pack("[[o],[o]]", v4, v6));
	} else {
		json_object_update(ipam, v4);
		json_decref(v4);
	}
	/* hairpinMode: a pod reaches its own published port through the host's
	 * address (DNAT sends it back out of the port it came in on). */
	c = json_pack("{s:s, s:s, s:[{s:s, s:s, s:b, s:b, s:b, s:o}]}", "cniVersion", "1.1.0",
		      "name", p->name, "plugins", "type", "netplug", "bridge", p->bridge,
		      "isGateway", 1, "ipMasq", !p->internal, "hairpinMode", 1, "ipam", ipam);
	/* podd's own mark, beside the CNI keys: runtimes ignore it. */
	if (p->internal)
		json_object_set_new(c, PD_F_INTERNAL, json_true());
	return c;
}

/* issue 15, dknet: give @conflist an id of its own unless it has one.
 * Returns 1 when it got one, 0 when it had one, -1. */
static int
ensure_id(json_t *conflist, struct pd_err *err)
{
	const char *id = json_string_value(json_object_get(conflist, PD_F_ID));
	char buf[PD_ID_LEN + 1];

	if (id != NULL && strlen(id) == PD_ID_LEN)
		return 0;
	if (pd_id_generate(buf, err) < 0)
		return -1;
	json_object_set_new(conflist, PD_F_ID, json_string(buf));
	return 1;
}

static int
save(struct podd *d, const char *name, const json_t *conflist, struct pd_err *err)
{
	cleanup_free char *file = xasprintf("%s" CONFLIST_SUFFIX, name);
	cleanup_close int dfd = openat(d->root_fd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return pd_fail_errno(err, errno, "open %s/networks", d->cfg.root);
	return pd_json_save(dfd, file, conflist, err);
}

static void
file_time(struct podd *d, const char *file, char *buf, size_t len)
{
	struct stat st;

	buf[0] = '\0';
	if (fstatat(d->root_fd, file, &st, 0) == 0)
		pd_time_rfc3339(&st.st_mtim, buf, len);
}

/* The default network's conflist is podd's: written when missing, and
 * again when what it says differs from what podd's flags ask (--ipv6, or
 * an older podd's without masquerade). */
static int
ensure_default(struct podd *d, int dfd, struct pd_err *err)
{
	const struct net_params p = {
	    .name = PD_NET_DEFAULT,
	    .bridge = PD_NET_DEFAULT_BRIDGE,
	    .subnet = PD_NET_DEFAULT_SUBNET,
	    .subnet6 = d->cfg.ipv6 ? PD_NET_DEFAULT_SUBNET6 : NULL,
	    .gateway6 = d->cfg.ipv6 ? PD_NET_DEFAULT_GATEWAY6 : NULL,
	};
	cleanup_json json_t *want = netplug_conflist(d, &p);
	cleanup_json json_t *have = NULL;
	struct pd_err e = {0};

	have = pd_json_load_file(dfd, PD_NET_DEFAULT CONFLIST_SUFFIX, CONFLIST_MAX, &e);
	/* issue 15: its id stays what it was */
	if (json_is_string(json_object_get(have, PD_F_ID)))
		json_object_set(want, PD_F_ID, json_object_get(have, PD_F_ID));
	if (ensure_id(want, err) < 0)
		return -1;
	if (have != NULL && json_equal(have, want))
		return 0;
	if (have != NULL)
		log_info("network \"%s\": conflist rewritten (masquerade%s)", PD_NET_DEFAULT,
			 d->cfg.ipv6 ? ", IPv6 " PD_NET_DEFAULT_SUBNET6 : ", IPv4 only");
	return pd_json_save(dfd, PD_NET_DEFAULT CONFLIST_SUFFIX, want, err);
}

int
network_load_all(struct podd *d, struct pd_err *err)
{
	cleanup_close int dfd = -1;
	cleanup_closedir DIR *dir = NULL;
	struct dirent *de;
	char created[40];

	if (mkdirat(d->root_fd, "networks", 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s/networks", d->cfg.root);
	dfd = openat(d->root_fd, "networks", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pd_fail_errno(err, errno, "open %s/networks", d->cfg.root);
	if (ensure_default(d, dfd, err) < 0)
		return -1;
	dir = pd_dir_stream(dfd, ".", "networks dir", err);
	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		size_t len = strlen(de->d_name), sl = strlen(CONFLIST_SUFFIX);
		char name[64];
		cleanup_free char *file = NULL;
		json_t *c;
		struct pd_err e = {0};

		if (len <= sl || strcmp(de->d_name + len - sl, CONFLIST_SUFFIX) != 0 ||
		    len - sl >= sizeof(name))
			continue;
		memcpy(name, de->d_name, len - sl);
		name[len - sl] = '\0';
		file = xasprintf("networks/%s", de->d_name);
		c = pd_json_load_file(d->root_fd, file, CONFLIST_MAX, &e);
		if (c == NULL || pd_name_validate(name, "network name", &e) < 0 ||
		    check_conflist(c, &e) < 0) {
			log_error("network %s: %s; skipped", de->d_name, e.msg);
			json_decref(c);
			continue;
		}
		json_object_set_new(c, "name", json_string(name));
		file_time(d, file, created, sizeof(created));
		/* issue 15: a network from before ids gets one, kept */
		if (ensure_id(c, &e) > 0 && pd_json_save(dfd, de->d_name, c, &e) < 0)
			log_warn("network \"%s\": %s", name, e.msg);
		add(d, name, c, created);
	}
	return 0;
}

struct network *
network_find(struct podd *d, const char *name, struct pd_err *err)
{
	struct network *n;

	if (strcmp(name, PD_NET_BRIDGE) == 0)
		name = PD_NET_DEFAULT;
	TAILQ_FOREACH (n, &d->networks, entry)
		if (strcmp(n->name, name) == 0)
			return n;
	pd_fail(err, PD_E_NOT_FOUND, "no such network: %.64s", name);
	return NULL;
}

struct network *
network_find_ref(struct podd *d, const char *ref, struct pd_err *err)
{
	struct network *n, *found = NULL;
	size_t len = strlen(ref), count = 0;

	TAILQ_FOREACH (n, &d->networks, entry)
		if (strcmp(n->name, ref) == 0 || strcmp(n->id, ref) == 0)
			return n;
	if (strcmp(ref, PD_NET_BRIDGE) == 0)
		return network_find(d, ref, err);
	if (pd_is_id_prefix(ref))
		TAILQ_FOREACH (n, &d->networks, entry)
			if (strncmp(n->id, ref, len) == 0) {
				found = n;
				count++;
			}
	if (count > 1) {
		pd_fail(err, PD_E_INVALID, "prefix \"%.64s\" matches %zu networks", ref, count);
		return NULL;
	}
	if (found == NULL)
		pd_fail(err, PD_E_NOT_FOUND, "no such network: %.64s", ref);
	return found;
}

/* The first 10.78.N.0/24 that overlaps no network. */
static int
auto_subnet(struct podd *d, char *buf, size_t len, struct pd_err *err)
{
	for (uint32_t i = 0; i < 256; i++) {
		char ip[16];
		struct network *n;
		bool taken = false;

		ip4_format(AUTO_SUBNET_BASE | (i << 8), ip);
		(void)snprintf(buf, len, "%s/24", ip);
		TAILQ_FOREACH (n, &d->networks, entry)
			taken |= n->subnet[0] != '\0' && overlaps(n->subnet, buf);
		if (!taken)
			return 0;
	}
	return pd_fail(err, PD_E_CONFLICT, "no free subnet left in 10.78.0.0/16: give --subnet");
}

/* IPv6 subnets of two networks may not overlap either. */
static bool
overlaps6(const char *a, const char *b)
{
	struct ip6_net na, nb;
	struct pd_err e;

	if (ip6_parse_cidr(a, &na, &e) < 0 || ip6_parse_cidr(b, &nb, &e) < 0)
		return false;
	return ip6_overlaps(&na, &nb);
}

/* The first fd78:N::/64 that overlaps no network's IPv6 subnet. */
static int
auto_subnet6(struct podd *d, char *buf, size_t len, struct pd_err *err)
{
	for (unsigned i = 0; i <= 0xffff; i++) {
		char cidr[IP6_CIDR_MAX];
		struct network *n;
		bool taken = false;

		ip6_format_cidr(AUTO_SUBNET6_BASE | ((ip6_addr)i << 96), 64, cidr);
		(void)snprintf(buf, len, "%.43s", cidr);
		TAILQ_FOREACH (n, &d->networks, entry)
			taken |= n->subnet6[0] != '\0' && overlaps6(n->subnet6, buf);
		if (!taken)
			return 0;
	}
	return pd_fail(err, PD_E_CONFLICT,
		       "no free IPv6 subnet left in fd78::/16: give --subnet with an IPv6 CIDR");
}

/* A bridge name is an interface name: at most 15 bytes. */
static int
check_bridge(const char *b, struct pd_err *err)
{
	if (strlen(b) > 15 || b[0] == '\0' || strchr(b, '/') != NULL || strcmp(b, ".") == 0 ||
	    strcmp(b, "..") == 0)
		return pd_fail(err, PD_E_INVALID,
			       "bridge \"%.32s\" is not an interface name (1 to 15 characters)", b);
	for (const char *p = b; *p != '\0'; p++)
		if (*p <= ' ' || *p == ':' || (unsigned char)*p >= 0x7f)
			return pd_fail(err, PD_E_INVALID,
				       "bridge \"%.32s\" is not an interface name", b);
	return 0;
}

static int
check_free(struct podd *d, const struct net_params *p, struct pd_err *err)
{
	struct network *n;

	TAILQ_FOREACH (n, &d->networks, entry) {
		if (strcmp(n->name, p->name) == 0 || strcmp(p->name, PD_NET_BRIDGE) == 0)
			return pd_fail(err, PD_E_CONFLICT, "network \"%s\" already exists",
				       p->name);
		if (p->bridge != NULL && strcmp(n->bridge, p->bridge) == 0)
			return pd_fail(err, PD_E_CONFLICT, "bridge %s is network \"%s\"'s",
				       p->bridge, n->name);
		if (p->subnet != NULL && n->subnet[0] != '\0' && overlaps(n->subnet, p->subnet))
			return pd_fail(err, PD_E_CONFLICT, "subnet %s overlaps network \"%s\" (%s)",
				       p->subnet, n->name, n->subnet);
		if (p->subnet6 != NULL && n->subnet6[0] != '\0' &&
		    overlaps6(n->subnet6, p->subnet6))
			return pd_fail(err, PD_E_CONFLICT, "subnet %s overlaps network \"%s\" (%s)",
				       p->subnet6, n->name, n->subnet6);
	}
	return 0;
}

/* "subnet": one CIDR, or an array of up to two (one per family), into
 * @p->subnet and @p->subnet6. */
static int
get_subnets(const json_t *body, struct net_params *p, struct pd_err *err)
{
	const json_t *v = json_object_get(body, PD_F_SUBNET), *one;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v))
		v = json_pack("[O]", v);
	else if (json_is_array(v) && json_array_size(v) >= 1 && json_array_size(v) <= 2)
		json_incref((json_t *)v);
	else
		return pd_fail(err, PD_E_INVALID,
			       "subnet is a CIDR or an array of two (an IPv4 and an IPv6 one)");
	cleanup_json json_t *list = (json_t *)v;

	json_array_foreach (list, i, one) {
		const char *s = json_string_value(one);
		const char **slot;

		if (s == NULL)
			return pd_fail(err, PD_E_INVALID, "subnet[%zu] is not a string", i);
		slot = strchr(s, ':') != NULL ? &p->subnet6 : &p->subnet;
		if (*slot != NULL)
			return pd_fail(err, PD_E_INVALID,
				       "two IPv%c subnets given: give at most one of each family",
				       slot == &p->subnet6 ? '6' : '4');
		*slot = s;
	}
	return 0;
}

/* The IPv4 side of a network podd writes for netplug. */
static int
check_v4(struct podd *d, struct net_params *p, struct pd_err *err)
{
	struct ip4_net net = {0};
	uint32_t gw;

	if (p->subnet == NULL) {
		if (auto_subnet(d, p->auto_subnet, sizeof(p->auto_subnet), err) < 0)
			return -1;
		p->subnet = p->auto_subnet;
	}
	if (parse_subnet(p->subnet, &net, err) < 0)
		return -1;
	if (net.prefix < 8 || net.prefix > 30)
		return pd_fail(err, PD_E_INVALID, "subnet %s: the prefix must be 8 to 30 bits",
			       p->subnet);
	if (p->gateway != NULL && (ip4_parse(p->gateway, &gw, err) < 0 || !ip4_contains(&net, gw) ||
				   gw == ip4_network(&net) || gw == ip4_broadcast(&net)))
		return pd_fail(err, PD_E_INVALID, "gateway %s is not a host of %s", p->gateway,
			       p->subnet);
	return 0;
}

/* The IPv6 side: a /64 to /120 network, its gateway a host of it. */
static int
check_v6(struct podd *d, struct net_params *p, bool ipv6, struct pd_err *err)
{
	struct ip6_net net;
	char want[IP6_CIDR_MAX];
	ip6_addr gw;

	if (p->subnet6 == NULL && !ipv6) {
		if (p->gateway6 != NULL)
			return pd_fail(err, PD_E_INVALID,
				       "gateway6 %.46s without an IPv6 network (--ipv6)",
				       p->gateway6);
		return 0;
	}
	if (p->subnet6 == NULL) {
		if (auto_subnet6(d, p->auto_subnet6, sizeof(p->auto_subnet6), err) < 0)
			return -1;
		p->subnet6 = p->auto_subnet6;
	}
	if (ip6_parse_cidr(p->subnet6, &net, err) < 0)
		return pd_err_prefix(err, "subnet");
	if (!ip6_net_is_network(&net)) {
		ip6_format_cidr(ip6_network(&net), net.prefix, want);
		return pd_fail(err, PD_E_INVALID, "subnet %s has host bits set (%s?)", p->subnet6,
			       want);
	}
	if (net.prefix < 64 || net.prefix > 120)
		return pd_fail(err, PD_E_INVALID, "subnet %s: the prefix must be 64 to 120 bits",
			       p->subnet6);
	if (p->gateway6 != NULL && (ip6_parse(p->gateway6, &gw, err) < 0 ||
				    !ip6_contains(&net, gw) || gw == ip6_network(&net)))
		return pd_fail(err, PD_E_INVALID, "gateway %.46s is not a host of %s", p->gateway6,
			       p->subnet6);
	return 0;
}

/* A network podd writes for netplug, from the body's keys. */
static json_t *
create_netplug(struct podd *d, const json_t *body, struct net_params *p, struct pd_err *err)
{
	bool ipv6 = false;

	if (get_subnets(body, p, err) < 0 || pd_json_get_bool(body, PD_F_IPV6, &ipv6, err) < 0 ||
	    pd_json_get_bool(body, PD_F_INTERNAL, &p->internal, err) < 0 ||
	    check_v4(d, p, err) < 0 || check_v6(d, p, ipv6, err) < 0)
		return NULL;
	if (p->bridge == NULL) {
		/* "pd-NAME" while it fits, as docker's br-ID. */
		(void)snprintf(p->auto_bridge, sizeof(p->auto_bridge), "pd-%.12s", p->name);
		p->bridge = p->auto_bridge;
	}
	if (check_bridge(p->bridge, err) < 0 || check_free(d, p, err) < 0)
		return NULL;
	return netplug_conflist(d, p);
}

struct network *
network_create(struct podd *d, const json_t *body, struct pd_err *err)
{
	static const char *const keys[] = {
	    PD_F_NAME,     PD_F_SUBNET, PD_F_GATEWAY,  PD_F_BRIDGE, PD_F_CONFLIST,
	    PD_F_INTERNAL, PD_F_IPV6,   PD_F_GATEWAY6, PD_F_LABELS, NULL};
	struct net_params p = {0};
	const json_t *given = json_object_get(body, PD_F_CONFLIST);
	const json_t *labels = json_object_get(body, PD_F_LABELS);
	char created[40];
	cleanup_json json_t *conflist = NULL;

	if (!json_is_object(body))
		return pd_fail(err, PD_E_INVALID, "the body is not a JSON object"), NULL;
	if (pd_json_check_keys(body, "network", keys, err) < 0 ||
	    pd_json_get_string(body, PD_F_NAME, &p.name, err) < 0 ||
	    pd_json_get_string(body, PD_F_GATEWAY, &p.gateway, err) < 0 ||
	    pd_json_get_string(body, PD_F_GATEWAY6, &p.gateway6, err) < 0 ||
	    pd_json_get_string(body, PD_F_BRIDGE, &p.bridge, err) < 0)
		return NULL;
	if (p.name == NULL)
		return pd_fail(err, PD_E_INVALID, "a network needs a name"), NULL;
	/* issue 15: labels, as a pod's */
	if (labels != NULL && pod_labels_check(labels, err) < 0)
		return NULL;
	if (pd_name_validate(p.name, "network name", err) < 0)
		return NULL;
	if (strcmp(p.name, PD_NET_NONE) == 0 || strcmp(p.name, PD_NET_HOST) == 0 ||
	    strcmp(p.name, PD_NET_BRIDGE) == 0)
		return pd_fail(err, PD_E_INVALID, "\"%s\" is a network mode, not a name", p.name),
		       NULL;
	if (given != NULL) {
		if (json_object_size(body) > 2 + (labels != NULL))
			return pd_fail(err, PD_E_INVALID,
				       "a conflist comes alone: its plugins set the subnet and "
				       "bridge"),
			       NULL;
		if (check_conflist(given, err) < 0 || check_free(d, &p, err) < 0)
			return NULL;
		conflist = json_deep_copy(given);
		json_object_set_new(conflist, "name", json_string(p.name));
	} else {
		conflist = create_netplug(d, body, &p, err);
		if (conflist == NULL)
			return NULL;
	}
	if (labels != NULL && json_object_size(labels) > 0)
		json_object_set_new(conflist, PD_F_LABELS, json_deep_copy(labels));
	if (ensure_id(conflist, err) < 0 || save(d, p.name, conflist, err) < 0)
		return NULL;
	pd_time_rfc3339_now(created, sizeof(created));
	log_info("network \"%s\": created", p.name);
	return add(d, p.name, json_incref(conflist), created);
}

static void
forget(struct podd *d, struct network *n)
{
	cleanup_free char *file = xasprintf("networks/%s" CONFLIST_SUFFIX, n->name);

	if (unlinkat(d->root_fd, file, 0) < 0 && errno != ENOENT)
		log_error("network \"%s\": remove %s: %s", n->name, file, strerror(errno));
	TAILQ_REMOVE(&d->networks, n, entry);
	log_info("network \"%s\": removed", n->name);
	network_free(n);
}

static bool has_gc(const struct network *n);

struct removal {
	struct podd *d;
	struct network *n;
	struct http_pending *pending;
};

static void
on_removal_gc(void *arg, json_t *result, const struct pd_err *err)
{
	struct removal *r = arg;
	cleanup_json json_t *j = json_pack("{s:s}", PD_F_NAME, r->n->name);

	json_decref(result);
	/* A failed GC is logged: the network goes either way. */
	if (err != NULL)
		log_warn("%s", err->msg);
	r->n->gc = NULL;
	forget(r->d, r->n);
	http_pending_reply_json(r->pending, 200, j);
	free(r);
}

static int
pods_on(struct podd *d, const struct network *n, json_t *names)
{
	struct pod *pod;
	int count = 0;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		if (pod->rec.spec.net != POD_NET_CNI || strcmp(pod->rec.spec.network, n->name) != 0)
			continue;
		count++;
		if (names != NULL)
			json_array_append_new(names, json_string(pod->rec.spec.name));
	}
	return count;
}

int
network_remove(struct podd *d, struct network *n, struct http_pending *pending, struct pd_err *err)
{
	cleanup_json json_t *none = json_array();
	struct cni_req req = {.conflist = n->conflist, .cmd = CNI_GC, .valid_attachments = none};
	struct removal *r;
	cleanup_json json_t *j = NULL;

	if (n->builtin)
		return pd_fail(err, PD_E_FORBIDDEN, "network \"%s\" is the default network",
			       n->name);
	if (n->removing)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" is being removed", n->name);
	if (n->gc != NULL)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" is busy; try again", n->name);
	if (pods_on(d, n, NULL) > 0)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" has pods: remove them first",
			       n->name);
	if (net_attachment_users(d, n->name) > 0) /* issue 14, attach */
		return pd_fail(err, PD_E_CONFLICT,
			       "network \"%s\" has containers or connected pods: remove or "
			       "disconnect them first",
			       n->name);
	if (!has_gc(n)) {
		/* Nothing to collect: the DELs of its pods freed what they held. */
		j = json_pack("{s:s}", PD_F_NAME, n->name);
		forget(d, n);
		http_pending_reply_json(pending, 200, j);
		return 0;
	}
	r = xcalloc(1, sizeof(*r));
	r->d = d;
	r->n = n;
	r->pending = pending;
	n->gc = cni_run(d, &req, on_removal_gc, r, err);
	if (n->gc == NULL) {
		free(r);
		return -1;
	}
	n->removing = true;
	return 0;
}

json_t *
network_to_json(struct podd *d, const struct network *n)
{
	const json_t *plugins = json_object_get(n->conflist, "plugins"), *p, *labels;
	json_t *types = json_array(), *pods = json_array();
	json_t *j;
	size_t i;

	json_array_foreach (plugins, i, p)
		json_array_append(types, json_object_get(p, "type"));
	pods_on(d, n, pods);
	j = json_pack("{s:s, s:O, s:o, s:b, s:o, s:O}", PD_F_NAME, n->name, PD_F_DRIVER,
		      json_object_get(json_array_get(plugins, 0), "type"), PD_F_PLUGINS, types,
		      PD_F_BUILTIN, n->builtin, PD_F_PODS, pods, PD_F_CONFLIST, n->conflist);
	/* issue 15 */
	json_object_set_new(j, PD_F_ID, json_string(n->id));
	labels = json_object_get(n->conflist, PD_F_LABELS);
	json_object_set_new(j, PD_F_LABELS,
			    json_is_object(labels) ? json_deep_copy(labels) : json_object());
	if (n->created[0] != '\0')
		json_object_set_new(j, PD_F_CREATED, json_string(n->created));
	if (n->subnet[0] != '\0')
		json_object_set_new(j, PD_F_SUBNET, json_string(n->subnet));
	if (n->gateway[0] != '\0')
		json_object_set_new(j, PD_F_GATEWAY, json_string(n->gateway));
	if (n->bridge[0] != '\0')
		json_object_set_new(j, PD_F_BRIDGE, json_string(n->bridge));
	/* issue 14, dns: its DNS server's address, "" when none runs */
	json_object_set_new(j, PD_F_DNS, json_string(dns_server_address(d, n->name)));
	/* issue 14, netplug */
	json_object_set_new(j, PD_F_INTERNAL, json_boolean(n->internal));
	json_object_set_new(j, PD_F_MASQUERADE, json_boolean(n->masquerade));
	json_object_set_new(j, PD_F_IPV6, json_boolean(n->subnet6[0] != '\0'));
	json_object_set_new(j, PD_F_SUBNET6, json_string(n->subnet6));
	json_object_set_new(j, PD_F_GATEWAY6, json_string(n->gateway6));
	return j;
}

/* CNI GC (spec 1.1) is for conflists that declare 1.1 or later. */
static bool
has_gc(const struct network *n)
{
	const char *v = json_string_value(json_object_get(n->conflist, "cniVersion"));
	unsigned major = 0, minor = 0;

	return v != NULL && sscanf(v, "%u.%u", &major, &minor) == 2 &&
	       (major > 1 || (major == 1 && minor >= 1));
}

/* The start's GC is over: the pods that waited for it are attached now
 * (a GC that ran beside their ADD would have taken their attachment for a
 * leftover). */
static void
on_start_gc(void *arg, json_t *result, const struct pd_err *err)
{
	struct network *n = arg;

	json_decref(result);
	if (err != NULL)
		log_warn("%s", err->msg);
	n->gc = NULL;
	if (n->gc_done != NULL)
		n->gc_done(n->d, n);
}

/* issue 14, attach: an attachment GC keeps. */
static bool
add_valid(void *arg, const struct net_attachment *a, const char *const *names, size_t n_names,
	  const char *owner_id)
{
	(void)names;
	(void)n_names;
	json_array_append_new(
	    arg, json_pack("{s:s, s:s}", "containerID", owner_id, "ifname", a->ifname));
	return true;
}

void
network_gc_all(struct podd *d, void (*done)(struct podd *d, struct network *n))
{
	struct network *n;

	TAILQ_FOREACH (n, &d->networks, entry) {
		cleanup_json json_t *valid = json_array();
		struct cni_req req = {
		    .conflist = n->conflist, .cmd = CNI_GC, .valid_attachments = valid};
		struct pd_err err = {0};

		if (!has_gc(n))
			continue;
		net_each_attachment(d, n->name, add_valid, valid); /* issue 14, attach */
		n->gc_done = done;
		n->gc = cni_run(d, &req, on_start_gc, n, &err);
		if (n->gc == NULL)
			log_warn("network \"%s\": %s", n->name, err.msg);
	}
}
