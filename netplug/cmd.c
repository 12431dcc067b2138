/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ADD, DEL, CHECK, GC and STATUS; see cmd.h. Order of ADD: allocate the
 * address first (a full range then fails before anything exists), then the
 * bridge, the veth pair and the container side. Each step after the
 * allocation has an undo, run in reverse order on failure; the bridge is
 * shared by every attachment and stays.
 */
#include "cmd.h"

#include <string.h>

#include "addr.h"
#include "cleanup.h"
#include "ipam.h"
#include "link.h"
#include "log.h"
#include "masq.h"
#include "nl.h"
#include "xalloc.h"

/* The CNI code of a failure past the parsing stages. */
static int
code_of(const struct pd_err *err)
{
	return pd_err_info(err->kind)->cni_code;
}

/* The address asked for: IP= in CNI_ARGS or runtimeConfig.ips (0: any). */
static int
wanted_address(const struct cni_conf *conf, const struct cni_env *env, uint32_t *out,
	       struct pd_err *err)
{
	if (env->static_ip != 0 && conf->static_ip != 0 && env->static_ip != conf->static_ip)
		return pd_fail(err, PD_E_INVALID,
			       "CNI_ARGS IP and runtimeConfig.ips ask for different addresses");
	*out = env->static_ip != 0 ? env->static_ip : conf->static_ip;
	return 0;
}

/* The attachment's addresses: IPv4, and IPv6 for a dual-stack network. */
static int
allocate(const struct cni_conf *conf, const struct cni_env *env, uint32_t want,
	 struct cni_add_result *r, struct pd_err *err)
{
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err ignored;

	if (ipam_open(&ip, conf, true, err) < 0 ||
	    ipam_allocate(&ip, env->container_id, env->ifname, want, &r->addr, err) < 0)
		return -1;
	if (conf->has_v6 && ipam_allocate6(&ip, env->container_id, env->ifname, conf->static_ip6,
					   &r->addr6, err) < 0) {
		(void)ipam_release(&ip, env->container_id, env->ifname, &ignored);
		return -1;
	}
	return 0;
}

/* Undo steps log their own failure and never return one. */
static void
undo_allocation(const struct cni_conf *conf, const struct cni_env *env)
{
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};

	if (ipam_open(&ip, conf, false, &err) < 0 ||
	    ipam_release(&ip, env->container_id, env->ifname, &err) < 0)
		log_warn("undo: release the address of %s/%s: %s", env->container_id, env->ifname,
			 err.msg);
}

static void
undo_veth(struct nl_sock *host, const char *name)
{
	struct pd_err err = {0};

	if (np_link_delete(host, name, &err) < 0)
		log_warn("undo: %s", err.msg);
}

/* Neither end's name is in use: the spec wants an error when CNI_IFNAME
 * exists in the container, and a clear one beats the kernel's EEXIST. */
static int
names_free(struct nl_sock *host, struct nl_sock *ctr, const char *host_if, const char *ifname,
	   struct pd_err *err)
{
	struct np_link l;

	if (np_link_get(ctr, ifname, &l, err) == 0)
		return pd_fail(err, PD_E_CONFLICT, "interface %s already exists in CNI_NETNS",
			       ifname);
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	if (np_link_get(host, host_if, &l, err) == 0)
		return pd_fail(err, PD_E_CONFLICT,
			       "host interface %s already exists (an earlier ADD without DEL?)",
			       host_if);
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	pd_err_clear(err);
	return 0;
}

/* The container's side: addresses, up, routes, then lo. */
static int
setup_container(struct nl_sock *ctr, int nsfd, const struct cni_conf *conf, const char *ifname,
		const struct cni_add_result *r, struct np_link *out, struct pd_err *err)
{
	if (np_link_get(ctr, ifname, out, err) < 0 ||
	    np_addr_add(ctr, out->index, r->addr, conf->subnet.prefix, err) < 0 ||
	    (conf->has_v6 &&
	     np_addr_add6(ctr, out->index, r->addr6, conf->subnet6.prefix, err) < 0) ||
	    np_link_up(ctr, ifname, err) < 0)
		return -1;
	/* Routes after up: the kernel takes a gateway only on a live link. */
	for (size_t i = 0; i < conf->n_routes; i++)
		if (np_route_add(ctr, out->index, &conf->routes[i], err) < 0)
			return -1;
	for (size_t i = 0; i < conf->n_routes6; i++)
		if (np_route_add6(ctr, out->index, &conf->routes6[i], err) < 0)
			return -1;
	return np_lo_up(nsfd, err);
}

/* Open CNI_NETNS and a socket in it; failures are the environment's. */
static int
open_netns(const char *path, int *nsfd, struct nl_sock **ctr, struct pd_err *err)
{
	*nsfd = np_netns_open(path, err);
	if (*nsfd < 0)
		return pd_err_prefix(err, "CNI_NETNS");
	*ctr = np_nl_open_in(*nsfd, err);
	if (*ctr == NULL)
		return pd_err_prefix(err, "CNI_NETNS %.64s", path);
	return 0;
}

int
cmd_add(const struct cni_conf *conf, const struct cni_env *env, json_t **result, struct pd_err *err)
{
	cleanup_close int nsfd = -1;
	cleanup_nl_sock struct nl_sock *host = NULL;
	cleanup_nl_sock struct nl_sock *ctr = NULL;
	struct cni_add_result r = {.sandbox = env->netns};
	struct np_link br, hv, cv;
	uint32_t want = 0;

	if (wanted_address(conf, env, &want, err) < 0)
		return CNI_E_CONFIG;
	if (open_netns(env->netns, &nsfd, &ctr, err) < 0)
		return err->kind == PD_E_SYSTEM ? code_of(err) : CNI_E_ENV;
	host = np_nl_open(err);
	if (host == NULL)
		return code_of(err);
	cni_host_ifname(env->container_id, env->ifname, r.host.name);
	if (names_free(host, ctr, r.host.name, env->ifname, err) < 0)
		return code_of(err);

	if (allocate(conf, env, want, &r, err) < 0)
		return code_of(err);
	if (np_bridge_ensure(host, conf, &br, err) < 0)
		goto undo_allocation;
	if (np_veth_create(host, r.host.name, env->ifname, nsfd, br.index, conf->mtu, err) < 0)
		goto undo_allocation;
	if (setup_container(ctr, nsfd, conf, env->ifname, &r, &cv, err) < 0 ||
	    np_link_get(host, r.host.name, &hv, err) < 0 ||
	    (conf->hairpin && np_link_set_hairpin(host, hv.index, err) < 0))
		goto undo_veth;
	if (conf->ip_masq && np_masq_add(conf, env->container_id, env->ifname, r.addr,
					 conf->has_v6 ? &r.addr6 : NULL, err) < 0)
		goto undo_veth;

	memcpy(r.bridge.name, conf->bridge, sizeof(r.bridge.name));
	memcpy(r.bridge.mac, br.mac, sizeof(r.bridge.mac));
	memcpy(r.host.mac, hv.mac, sizeof(r.host.mac));
	memcpy(r.ctr.name, env->ifname, sizeof(r.ctr.name));
	memcpy(r.ctr.mac, cv.mac, sizeof(r.ctr.mac));
	*result = cni_result_json(conf, &r);
	return CNI_OK;

undo_veth:
	/* Deleting one end deletes the pair, the container's end with it. */
	undo_veth(host, r.host.name);
undo_allocation:
	undo_allocation(conf, env);
	return code_of(err);
}

int
cmd_del(const struct cni_conf *conf, const struct cni_env *env, json_t **result, struct pd_err *err)
{
	cleanup_nl_sock struct nl_sock *host = np_nl_open(err);
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	char host_if[IFNAMSIZ];
	int r;

	(void)result;
	if (host == NULL)
		return code_of(err);
	cni_host_ifname(env->container_id, env->ifname, host_if);
	/* Rules go whatever the config says now: it may have had ipMasq at ADD. */
	if (np_link_delete(host, host_if, err) < 0 ||
	    np_masq_del(conf, env->container_id, env->ifname, err) < 0)
		return code_of(err);
	r = ipam_open(&ip, conf, false, err);
	if (r < 0)
		return code_of(err);
	if (r == 0 && ipam_release(&ip, env->container_id, env->ifname, err) < 0)
		return code_of(err);
	return CNI_OK;
}

/* The allocation of the attachment is @want. */
static int
check_allocation(const struct cni_conf *conf, const struct cni_env *env, const struct ip4_net *want,
		 struct pd_err *err)
{
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	char a[IP4_STR_MAX], b[IP4_STR_MAX];
	uint32_t held;
	int r = ipam_open(&ip, conf, false, err);

	if (r < 0)
		return -1;
	if (r > 0)
		return pd_fail(err, PD_E_NOT_FOUND, "no address is allocated on network %s",
			       conf->name);
	if (ipam_find(&ip, env->container_id, env->ifname, &held, err) < 0)
		return -1;
	if (held != want->addr || want->prefix != conf->subnet.prefix) {
		ip4_format(held, a);
		ip4_format(want->addr, b);
		return pd_fail(err, PD_E_CONFLICT,
			       "the attachment holds %s but prevResult gives %s/%d", a, b,
			       want->prefix);
	}
	return 0;
}

/* With ipMasq, a rule for each address of the attachment. */
static int
check_masq(const struct cni_conf *conf, const struct cni_env *env, struct pd_err *err)
{
	size_t want = conf->has_v6 ? 2 : 1, n = 0;

	if (!conf->ip_masq)
		return 0;
	if (np_masq_count(conf, env->container_id, env->ifname, &n, err) < 0)
		return -1;
	if (n < want)
		return pd_fail(err, PD_E_NOT_FOUND,
			       "ipMasq: %zu of the %zu masquerade rules of %s/%s are missing in "
			       "table inet netplug",
			       want - n, want, env->container_id, env->ifname);
	return 0;
}

int
cmd_check(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	  struct pd_err *err)
{
	cleanup_close int nsfd = -1;
	cleanup_nl_sock struct nl_sock *host = NULL;
	cleanup_nl_sock struct nl_sock *ctr = NULL;
	char host_if[IFNAMSIZ], text[IP4_CIDR_MAX];
	struct np_link l, br;
	struct ip4_net want;
	int has;

	(void)result;
	if (cni_prev_address(conf->prev_result, env->ifname, env->netns, &want, err) < 0)
		return CNI_E_CONFIG;
	if (check_allocation(conf, env, &want, err) < 0)
		return code_of(err);
	if (open_netns(env->netns, &nsfd, &ctr, err) < 0)
		return err->kind == PD_E_SYSTEM ? code_of(err) : CNI_E_ENV;
	if (np_link_get(ctr, env->ifname, &l, err) < 0) {
		pd_err_prefix(err, "CNI_NETNS");
		return code_of(err);
	}
	if (!(l.flags & IFF_UP)) {
		pd_fail(err, PD_E_CONFLICT, "%s is down in CNI_NETNS", env->ifname);
		return code_of(err);
	}
	has = np_addr_has(ctr, l.index, want.addr, want.prefix, err);
	if (has <= 0) {
		if (has == 0) {
			ip4_format_cidr(want.addr, want.prefix, text);
			pd_fail(err, PD_E_NOT_FOUND, "%s does not have the address %s", env->ifname,
				text);
		}
		return code_of(err);
	}
	host = np_nl_open(err);
	if (host == NULL)
		return code_of(err);
	cni_host_ifname(env->container_id, env->ifname, host_if);
	if (np_link_get(host, conf->bridge, &br, err) < 0 ||
	    np_link_get(host, host_if, &l, err) < 0)
		return code_of(err);
	if (l.master != br.index) {
		pd_fail(err, PD_E_CONFLICT, "host interface %s is not on the bridge %s", host_if,
			conf->bridge);
		return code_of(err);
	}
	return check_masq(conf, env, err) < 0 ? code_of(err) : CNI_OK;
}

struct doomed {
	const struct cni_conf *conf;
	char (*names)[IFNAMSIZ]; /* owned, n entries */
	size_t n;
};

static void
doomed_free(struct doomed *d)
{
	free(d->names);
}

/* Collect a host end that no kept attachment owns. */
static void
collect_stale(const char *name, void *arg)
{
	struct doomed *d = arg;
	char mine[IFNAMSIZ];

	for (size_t i = 0; i < d->conf->n_valid; i++) {
		cni_host_ifname(d->conf->valid[i].id, d->conf->valid[i].ifname, mine);
		if (strcmp(mine, name) == 0)
			return;
	}
	d->names = xrealloc(d->names, (d->n + 1) * sizeof(*d->names));
	memcpy(d->names[d->n++], name, IFNAMSIZ);
}

/* A GC that keeps nothing is the network's end (podd's `network rm`): its
 * bridge goes too, once nothing else is plugged into it. Returns 0 or -1. */
static int
drop_idle_bridge(struct nl_sock *host, const struct cni_conf *conf, const struct np_link *br,
		 struct pd_err *err)
{
	size_t ports = 0;

	if (np_bridge_port_count(host, br->index, &ports, err) < 0)
		return -1;
	if (ports > 0)
		return 0;
	return np_link_delete(host, conf->bridge, err);
}

int
cmd_gc(const struct cni_conf *conf, const struct cni_env *env, json_t **result, struct pd_err *err)
{
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	cleanup_nl_sock struct nl_sock *host = NULL;
	__attribute__((cleanup(doomed_free))) struct doomed d = {.conf = conf};
	struct np_link br;
	int r;

	(void)env;
	(void)result;
	r = ipam_open(&ip, conf, false, err);
	if (r < 0 || (r == 0 && ipam_gc(&ip, conf->valid, conf->n_valid, err) < 0))
		return code_of(err);
	ipam_close(&ip);
	if (np_masq_gc(conf, err) < 0)
		return code_of(err);
	host = np_nl_open(err);
	if (host == NULL)
		return code_of(err);
	if (np_link_get(host, conf->bridge, &br, err) < 0)
		return err->kind == PD_E_NOT_FOUND ? CNI_OK : code_of(err);
	r = np_host_links_on(host, br.index, collect_stale, &d, err);
	if (r < 0)
		return code_of(err);
	/* Delete them all, then report the first failure (the spec: GC removes
	 * as much as it can). */
	r = 0;
	for (size_t i = 0; i < d.n; i++) {
		struct pd_err e = {0};

		if (np_link_delete(host, d.names[i], &e) < 0 && r++ == 0)
			*err = e;
	}
	if (r == 0 && conf->n_valid == 0)
		r = drop_idle_bridge(host, conf, &br, err);
	return r == 0 ? CNI_OK : code_of(err);
}

int
cmd_status(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	   struct pd_err *err)
{
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	char s[IP4_STR_MAX], e[IP4_STR_MAX];
	uint32_t left;

	(void)env;
	(void)result;
	if (ipam_open(&ip, conf, true, err) < 0 || ipam_free_count(&ip, &left, err) < 0)
		return CNI_E_UNAVAILABLE;
	if (left == 0) {
		ip4_format(conf->range_start, s);
		ip4_format(conf->range_end, e);
		pd_fail(err, PD_E_UNAVAILABLE, "no free address left in the range %s-%s", s, e);
		return CNI_E_UNAVAILABLE;
	}
	return CNI_OK;
}
