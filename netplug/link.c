/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bridge, veth and loopback; see link.h. No `ip` command is run: every change
 * is one rtnetlink request through libnl-route-3, but for the forwarding
 * switches, files under /proc/sys.
 */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "addr.h"
#include "cleanup.h"
#include "file.h"
#include "ns.h"

int
np_link_get(struct nl_sock *sk, const char *name, struct np_link *out, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *link = NULL;
	struct nl_addr *mac;
	const char *type;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);

	if (r < 0)
		return np_nl_fail(err, r, "link %s", name);
	memset(out, 0, sizeof(*out));
	out->index = rtnl_link_get_ifindex(link);
	out->master = rtnl_link_get_master(link);
	out->flags = rtnl_link_get_flags(link);
	type = rtnl_link_get_type(link);
	out->is_bridge = type != NULL && strcmp(type, "bridge") == 0;
	mac = rtnl_link_get_addr(link);
	if (mac != NULL)
		nl_addr2str(mac, out->mac, sizeof(out->mac));
	return 0;
}

/* Set the file /proc/sys/@path to @value (one digit) unless it holds it:
 * a write that changes net.ipv4.ip_forward resets the forwarding switch of
 * every interface, so it is made only when needed. */
static int
sysctl_set(const char *path, char value, struct pd_err *err)
{
	cleanup_free char *cur = NULL;
	cleanup_close int dfd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;
	char line[2] = {value, '\n'};
	size_t len;

	if (dfd < 0)
		return pd_fail_errno(err, errno, "open /proc/sys");
	if (pd_file_read(dfd, path, 64, &cur, &len, err) < 0)
		return -1;
	if (len > 0 && cur[0] == value)
		return 0;
	fd = openat(dfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, 2) != 2)
		return pd_fail_errno(err, errno, "write %c to /proc/sys/%s", value, path);
	return 0;
}

/* A bridge forwards what comes in on it only for a network whose traffic
 * goes out (ipMasq): the host routes it on, which the host-wide switches
 * allow (as the reference bridge plugin and docker turn them on). Without
 * ipMasq, what comes in on the bridge is not routed: its pods reach each
 * other and the host, not other networks. The bridge's own switch is set
 * after the host-wide one, whose change resets every interface's. */
static int
set_forwarding(const struct cni_conf *conf, struct pd_err *err)
{
	char path[96];

	if (conf->ip_masq &&
	    (sysctl_set("net/ipv4/ip_forward", '1', err) < 0 ||
	     (conf->has_v6 && sysctl_set("net/ipv6/conf/all/forwarding", '1', err) < 0)))
		return -1;
	if (snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", conf->bridge) >=
	    (int)sizeof(path))
		return pd_fail(err, PD_E_INVALID, "bridge name %.32s is too long", conf->bridge);
	if (sysctl_set(path, conf->ip_masq ? '1' : '0', err) < 0)
		return pd_err_prefix(err, "bridge %s", conf->bridge);
	return 0;
}

static int
bridge_create(struct nl_sock *sk, const struct cni_conf *conf, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *br = rtnl_link_bridge_alloc();
	int r;

	if (br == NULL)
		abort();
	rtnl_link_set_name(br, conf->bridge);
	if (conf->mtu > 0)
		rtnl_link_set_mtu(br, (unsigned)conf->mtu);
	rtnl_link_set_flags(br, IFF_UP);
	r = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	/* Another netplug made it in the meantime: just as good. */
	if (r == -NLE_EXIST)
		return 0;
	if (r < 0)
		return np_nl_fail(err, r, "create bridge %s", conf->bridge);
	return 0;
}

int
np_bridge_ensure(struct nl_sock *sk, const struct cni_conf *conf, struct np_link *out,
		 struct pd_err *err)
{
	if (np_link_get(sk, conf->bridge, out, err) < 0) {
		if (err->kind != PD_E_NOT_FOUND || bridge_create(sk, conf, err) < 0 ||
		    np_link_get(sk, conf->bridge, out, err) < 0)
			return -1;
	}
	if (!out->is_bridge)
		return pd_fail(err, PD_E_CONFLICT, "link %s exists and is not a bridge",
			       conf->bridge);
	if ((!(out->flags & IFF_UP) && np_link_up(sk, conf->bridge, err) < 0) ||
	    set_forwarding(conf, err) < 0)
		return -1;
	if (conf->is_gateway &&
	    np_addr_add(sk, out->index, conf->gateway, conf->subnet.prefix, err) < 0) {
		if (err->kind != PD_E_CONFLICT)
			return pd_err_prefix(err, "bridge %s", conf->bridge);
		pd_err_clear(err);
	}
	if (conf->is_gateway && conf->has_v6 &&
	    np_addr_add6(sk, out->index, conf->gateway6, conf->subnet6.prefix, err) < 0) {
		if (err->kind != PD_E_CONFLICT)
			return pd_err_prefix(err, "bridge %s", conf->bridge);
		pd_err_clear(err);
	}
	return 0;
}

int
np_veth_create(struct nl_sock *sk, const char *host, const char *peer, int nsfd, int master,
	       int mtu, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *veth = rtnl_link_veth_alloc();
	cleanup_rtnl_link struct rtnl_link *other = NULL;
	int r;

	if (veth == NULL)
		abort();
	other = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(veth, host);
	rtnl_link_set_master(veth, master);
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(other, peer);
	rtnl_link_set_ns_fd(other, nsfd);
	if (mtu > 0) {
		rtnl_link_set_mtu(veth, (unsigned)mtu);
		rtnl_link_set_mtu(other, (unsigned)mtu);
	}
	r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0)
		return np_nl_fail(err, r, "create veth %s (peer %s)", host, peer);
	return 0;
}

int
np_link_up(struct nl_sock *sk, const char *name, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *link = NULL;
	cleanup_rtnl_link struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (change == NULL)
		abort();
	r = rtnl_link_get_kernel(sk, 0, name, &link);
	if (r < 0)
		return np_nl_fail(err, r, "link %s", name);
	rtnl_link_set_flags(change, IFF_UP);
	r = rtnl_link_change(sk, link, change, 0);
	if (r < 0)
		return np_nl_fail(err, r, "bring %s up", name);
	return 0;
}

int
np_link_delete(struct nl_sock *sk, const char *name, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (link == NULL)
		abort();
	rtnl_link_set_name(link, name);
	r = rtnl_link_delete(sk, link);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return 1;
	if (r < 0)
		return np_nl_fail(err, r, "delete link %s", name);
	return 0;
}

static int
lo_up(void *arg, struct pd_err *err)
{
	(void)arg;
	/* The one loopback helper of the project (lib/ns.c). */
	return pd_ns_loopback_up(err);
}

int
np_lo_up(int nsfd, struct pd_err *err)
{
	return np_in_netns(nsfd, lo_up, NULL, err);
}

int
np_host_links_on(struct nl_sock *sk, int master, void (*fn)(const char *name, void *arg), void *arg,
		 struct pd_err *err)
{
	cleanup_nl_cache struct nl_cache *cache = NULL;
	int r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	if (r < 0)
		return np_nl_fail(err, r, "list links");
	for (struct nl_object *o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_link *link = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(link);

		if (rtnl_link_get_master(link) == master && name != NULL &&
		    cni_is_host_ifname(name))
			fn(name, arg);
	}
	return 0;
}

int
np_bridge_port_count(struct nl_sock *sk, int master, size_t *count, struct pd_err *err)
{
	cleanup_nl_cache struct nl_cache *cache = NULL;
	int r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	if (r < 0)
		return np_nl_fail(err, r, "list links");
	*count = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o))
		if (rtnl_link_get_master((struct rtnl_link *)o) == master)
			(*count)++;
	return 0;
}

int
np_link_set_hairpin(struct nl_sock *sk, int index, struct pd_err *err)
{
	cleanup_rtnl_link struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (link == NULL)
		abort();
	rtnl_link_set_ifindex(link, index);
	rtnl_link_set_family(link, AF_BRIDGE);
	r = rtnl_link_bridge_set_flags(link, RTNL_BRIDGE_HAIRPIN_MODE);
	if (r == 0)
		r = rtnl_link_change(sk, link, link, 0);
	if (r < 0)
		return np_nl_fail(err, r, "set hairpin mode on the bridge port %d", index);
	return 0;
}
