/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's own firewall: the plan read from podd's state, applied through
 * lib/nft.h, and the host's forwarding state; see firewall.h. What the
 * table holds is decided in firewall_rules.c.
 *
 * One transaction replaces the table whole (add, delete, add): nftables
 * applies a batch atomically, so a packet sees the old table or the new
 * one, never none, and no rule of a pod that has gone can survive a
 * change. The text of the last transaction is kept: a sync that would
 * write the same table does nothing.
 */
#include "firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "fd.h"
#include "file.h"
#include "firewall_rules.h"
#include "json.h"
#include "log.h"
#include "netattach.h"
#include "network.h"
#include "nft.h"
#include "pod.h"
#include "podd.h"
#include "xalloc.h"

#define IPV4_FORWARD "/proc/sys/net/ipv4/ip_forward"
#define IPV6_FORWARD "/proc/sys/net/ipv6/conf/all/forwarding"

struct firewall {
	char *applied; /* owned: the last transaction applied, NULL before the first */
	bool in_use;   /* the table exists */
};

/* One published port of an attached owner (netattach.h's net_each_port):
 * a DNAT to its IPv4 address, and one to its IPv6 address for a port on
 * every address (or on an IPv6 one) when it has one. An internal
 * network's ports are served to the host itself only (the proxy). */
struct port_walk {
	struct podd *d;
	struct fw_plan *plan;
};

static bool
plan_port(void *arg, const char *owner_id, const char *network, const char *ip, const char *ip6,
	  const struct port_map *m)
{
	struct port_walk *w = arg;
	struct fw_dnat r = {.proto = m->proto, .host_port = m->host_port, .to_port = m->pod_port};
	struct pd_err ignored;
	const struct network *n = network_find(w->d, network, &ignored);
	bool any = m->host_ip.s_addr == htonl(INADDR_ANY);

	if (n == NULL || n->internal)
		return true;
	(void)snprintf(r.owner, sizeof(r.owner), "%s", owner_id);
	(void)snprintf(r.to_ip, sizeof(r.to_ip), "%s", ip);
	if (!any && inet_ntop(AF_INET, &m->host_ip, r.host_ip, sizeof(r.host_ip)) == NULL)
		return true;
	if (ip[0] != '\0' && !fw_plan_add_dnat(w->plan, &r))
		log_warn("%.12s: port %u is not forwarded by podd's firewall", owner_id,
			 m->host_port);
	if (any && ip6 != NULL && ip6[0] != '\0') {
		r.v6 = true;
		(void)snprintf(r.to_ip, sizeof(r.to_ip), "%s", ip6);
		if (!fw_plan_add_dnat(w->plan, &r))
			log_warn("%.12s: port %u is not forwarded to IPv6 by podd's firewall",
				 owner_id, m->host_port);
	}
	return true;
}

/* Everything podd's table must hold now: the networks in use (a pod or a
 * container attached to them) and every published port of an attached
 * owner. */
static void
plan_collect(struct podd *d, struct fw_plan *plan)
{
	const struct network *n;
	struct port_walk w = {.d = d, .plan = plan};

	TAILQ_FOREACH (n, &d->networks, entry) {
		/* A network whose plugins are not a bridge of netplug's has no
		 * bridge to isolate; its pods' ports are forwarded still. */
		if (net_has_attachment(d, n->name) && n->bridge[0] != '\0' &&
		    !fw_plan_add_net(plan, n->name, n->bridge, n->internal))
			log_warn("network \"%s\": bridge \"%s\" is not isolated by podd's firewall",
				 n->name, n->bridge);
	}
	/* An internal network is reached by no one: its ports are served to
	 * the host itself only (the proxy); plan_port skips them. */
	net_each_port(d, plan_port, &w);
}

/* "1" into a forwarding sysctl that is off; true when it is on. */
static bool
forwarding_on(const char *path, const char *what)
{
	cleanup_free char *buf = NULL;
	struct pd_err err = {0};
	size_t len = 0;

	if (pd_file_read(AT_FDCWD, path, 16, &buf, &len, &err) < 0)
		return false;
	if (len > 0 && buf[0] == '1')
		return true;
	/* procfs: one write in place (no temporary file and rename). */
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pd_fd_write_all(fd, "1\n", 2, &err) < 0) {
		log_warn("cannot turn %s forwarding on: %s", what,
			 fd < 0 ? strerror(errno) : err.msg);
		return false;
	}
	log_info("%s forwarding turned on: published ports and podd's networks need it", what);
	return true;
}

/* The FORWARD hook chains of other tables whose policy is drop, as
 * "FAMILY TABLE CHAIN" strings (a new array; empty when none or when the
 * ruleset cannot be read). */
static json_t *
drop_chains(void)
{
	cleanup_json json_t *all = NULL;
	json_t *out = json_array(), *item;
	struct pd_err err = {0};
	size_t i;

	if (pd_nft_list("list chains", &all, &err) < 0)
		return out;
	json_array_foreach (json_object_get(all, "nftables"), i, item) {
		json_t *c = json_object_get(item, "chain");
		const char *fam = json_string_value(json_object_get(c, "family"));
		const char *table = json_string_value(json_object_get(c, "table"));
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *hook = json_string_value(json_object_get(c, "hook"));
		const char *policy = json_string_value(json_object_get(c, "policy"));

		if (fam == NULL || table == NULL || name == NULL || hook == NULL ||
		    policy == NULL || strcmp(hook, "forward") != 0 || strcmp(policy, "drop") != 0)
			continue;
		if (strcmp(fam, "inet") == 0 &&
		    (strcmp(table, "podd") == 0 || strcmp(table, "netplug") == 0))
			continue;
		json_array_append_new(out, json_sprintf("%s %s %s", fam, table, name));
	}
	return out;
}

/* The warning for @chains (non-empty), a new string. */
static char *
drop_warning(const json_t *chains)
{
	cleanup_free char *list = NULL;
	json_t *c;
	size_t i;

	json_array_foreach (chains, i, c) {
		char *more = xasprintf("%s%s\"%s\"", list != NULL ? list : "", i > 0 ? ", " : "",
				       json_string_value(c));

		free(list);
		list = more;
	}
	return xasprintf("forward chain %s drops by default, and an accept in podd's table "
			 "cannot override another table's drop: traffic of podd's networks "
			 "(published ports, the way out) is dropped there unless that table "
			 "accepts their bridges (for iptables: iptables -I FORWARD -i BRIDGE "
			 "-j ACCEPT and iptables -I FORWARD -o BRIDGE -j ACCEPT)",
			 list);
}

/* Forwarding on the bridge of every network of @plan that is not internal.
 * netplug makes a bridge with forwarding off (a CNI plugin alone must not
 * route a network); podd routes it, as published ports need in both
 * directions (a reply from a pod to a client elsewhere, a pod reaching its
 * own network's port through the host), and its forward chain keeps the
 * networks apart. */
static void
bridges_forwarding(const struct fw_plan *plan)
{
	for (size_t i = 0; i < plan->n_nets; i++) {
		char path[96], what[48];

		if (plan->nets[i].internal)
			continue;
		/* Bridge names are at most 15 characters (fw_plan_add_net). */
		(void)snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding",
			       plan->nets[i].bridge);
		(void)snprintf(what, sizeof(what), "bridge %s", plan->nets[i].bridge);
		(void)forwarding_on(path, what);
	}
}

/* The table has just come into use: what the host needs for it to work. */
static void
on_first_use(void)
{
	cleanup_json json_t *chains = drop_chains();

	(void)forwarding_on(IPV4_FORWARD, "IPv4");
	if (json_array_size(chains) > 0) {
		cleanup_free char *w = drop_warning(chains);

		log_warn("%s", w);
	}
}

int
fw_sync(struct podd *d, struct pd_err *err)
{
	struct fw_plan plan = {0};
	cleanup_free char *script = NULL;
	bool empty;

	if (d->fw == NULL)
		d->fw = xcalloc(1, sizeof(*d->fw));
	plan_collect(d, &plan);
	script = fw_rules_script(&plan);
	empty = fw_plan_empty(&plan);
	if (d->fw->applied != NULL && strcmp(d->fw->applied, script) == 0) {
		fw_plan_clear(&plan);
		return 0;
	}
	if (!empty && !d->fw->in_use)
		on_first_use();
	bridges_forwarding(&plan);
	fw_plan_clear(&plan);
	if (pd_nft_run(script, err) < 0)
		return pd_err_prefix(err, "podd's firewall");
	free(d->fw->applied);
	d->fw->applied = steal_ptr(script);
	d->fw->in_use = !empty;
	return 0;
}

void
fw_sync_or_warn(struct podd *d)
{
	struct pd_err err = {0};

	/* Before main's first fw_sync (pods being adopted), a sync would
	 * drop the rules of the pods not yet loaded. */
	if (d->shutting_down || d->fw == NULL)
		return;
	if (fw_sync(d, &err) < 0)
		log_warn("%s", err.msg);
}

static void
info_forwarding(json_t *j, const char *key, const char *path)
{
	cleanup_free char *buf = NULL;
	struct pd_err err = {0};
	size_t len = 0;

	if (pd_file_read(AT_FDCWD, path, 16, &buf, &len, &err) == 0)
		json_object_set_new(j, key, json_boolean(len > 0 && buf[0] == '1'));
}

json_t *
fw_info(struct podd *d)
{
	json_t *j = json_object();
	json_t *chains = drop_chains();

	info_forwarding(j, PD_F_FW_IPV4_FORWARDING, IPV4_FORWARD);
	info_forwarding(j, PD_F_FW_IPV6_FORWARDING, IPV6_FORWARD);
	json_object_set_new(j, PD_F_FW_TABLE,
			    json_string(d->fw != NULL && d->fw->in_use ? FW_TABLE : ""));
	if (json_array_size(chains) > 0) {
		cleanup_free char *w = drop_warning(chains);

		json_object_set_new(j, PD_F_FW_WARNING, json_string(w));
	}
	json_object_set_new(j, PD_F_FW_DROP_CHAINS, chains);
	return j;
}

void
fw_free(struct podd *d)
{
	if (d->fw == NULL)
		return;
	free(d->fw->applied);
	free(d->fw);
	d->fw = NULL;
}
