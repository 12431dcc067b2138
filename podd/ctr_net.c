/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container of its own on a network (--network bridge|NAME, the default
 * without --pod), as docker's: before its first start podd makes its
 * network namespace (a short task: util-linux's unshare, which holds it by
 * a bind mount where the shim later holds ipc and uts), attaches it (CNI
 * ADD on the held file), and only then spawns the shim, which joins it. The
 * namespace and its address stay across restarts of the container; the
 * attachment is DEL'ed when the held namespaces go (the container removed,
 * or a failed start). Its published ports are served while it runs.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "api.h"
#include "cni_chain.h"
#include "dns.h" /* issue 14 */
#include "file.h"
#include "firewall.h"
#include "json.h"
#include "log.h"
#include "network.h"
#include "ns.h"
#include "paths.h"
#include "port_serve.h"
#include "port_spec.h"
#include "task.h"
#include "xalloc.h"

#define CTR_IFNAME "eth0"

bool
ctr_net_wanted(const struct container *c)
{
	return c->rec.spec.pod[0] == '\0' && c->rec.spec.ns[CTR_NS_NET].how == CTR_NS_NETWORK;
}

bool
ctr_net_attached(const struct container *c)
{
	return c->rec.n_nets > 0 && c->rec.nets[0].cni_result != NULL;
}

static char *
held_net(const struct container *c)
{
	return paths_ctr_run(c->d, c->rec.id, "ns/net");
}

int
ctr_net_held_path(const struct container *c, char *buf, size_t len)
{
	cleanup_free char *held = held_net(c);

	return snprintf(buf, len, "%s", held) < (int)len ? 0 : -1;
}

/* The first attachment not attached, or -1. */
static int
next_unattached(const struct container *c)
{
	return net_attachment_first_unattached(c->rec.nets, c->rec.n_nets);
}

/* The container's eth0, made when missing. */
static struct net_attachment *
eth0(struct container *c)
{
	if (c->rec.n_nets == 0) {
		c->rec.nets = xcalloc(1, sizeof(*c->rec.nets));
		c->rec.n_nets = 1;
		net_attachment_init(&c->rec.nets[0], c->rec.spec.ns[CTR_NS_NET].target, CTR_IFNAME);
		net_attachment_set_aliases(&c->rec.nets[0], /* issue 14, dns */
					   json_object_get(c->rec.spec.k8s, PD_F_ALIASES));
	}
	return &c->rec.nets[0];
}

static int start_add(struct container *c, struct pd_err *err);

static void
on_added(void *arg, json_t *result, const struct pd_err *err)
{
	struct container *c = arg;
	struct net_attachment *a = &c->rec.nets[c->net_idx];
	struct pd_err e = {0};

	c->net_op = NULL;
	if (err != NULL) {
		container_on_net_ready(c, err);
		return;
	}
	if (net_attachment_take_result(a, result, &e) < 0) {
		container_on_net_ready(c, &e);
		return;
	}
	log_info("container \"%s\": %s %s on network \"%s\"", c->rec.spec.name, a->ifname, a->ip,
		 a->network);
	if (container_save(c, &e) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, e.msg);
	dns_sync(c->d); /* issue 14: the network's names */
	/* The next one (network connect's), or it is ready. */
	if (next_unattached(c) < 0)
		container_on_net_ready(c, NULL);
	else if (start_add(c, &e) < 0)
		container_on_net_ready(c, &e);
}

/* The ADD of its first attachment not attached. */
static int
start_add(struct container *c, struct pd_err *err)
{
	int i = next_unattached(c);
	struct net_attachment *a = &c->rec.nets[i < 0 ? 0 : i];
	struct network *n = network_find(c->d, a->network, err);
	cleanup_free char *netns = held_net(c);
	cleanup_json json_t *conflist = NULL;
	struct cni_req req = {.cmd = CNI_ADD, .container_id = c->rec.id, .ifname = a->ifname};

	if (n == NULL)
		return -1;
	conflist = net_conflist_for(n->conflist, a->ifname);
	req.conflist = conflist;
	req.netns = netns;
	c->net_idx = (size_t)(i < 0 ? 0 : i);
	c->net_op = cni_run(c->d, &req, on_added, c, err);
	return c->net_op != NULL ? 0 : -1;
}

/* The task that made the namespace is over; its container is looked up
 * again by id, as it may be gone. */
struct made {
	struct podd *d;
	char id[PD_ID_LEN + 1];
};

static void
on_made(void *arg, int exit_code, const char *errors)
{
	struct made *m = arg;
	struct pd_err e = {0};
	struct container *c = container_find(m->d, m->id, &e);

	free(m);
	if (c == NULL || c->rec.state != CTR_STARTING)
		return;
	if (exit_code != 0) {
		pd_fail(&e, PD_E_SYSTEM, "make its network namespace: %s",
			errors[0] != '\0' ? errors : "unshare failed");
		container_on_net_ready(c, &e);
		return;
	}
	if (start_add(c, &e) < 0)
		container_on_net_ready(c, &e);
}

/* util-linux's unshare, where the system has it. */
static const char *
unshare_path(void)
{
	static const char *const paths[] = {"/usr/bin/unshare", "/bin/unshare"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Make @c's network namespace, held on its file, by a task. */
static int
make_netns(struct container *c, struct pd_err *err)
{
	cleanup_free char *held = held_net(c);
	cleanup_free char *dir = paths_ctr_run(c->d, c->rec.id, "ns");
	cleanup_free char *opt = xasprintf("--net=%s", held);
	const char *unshare = unshare_path();
	char *argv[] = {(char *)unshare, opt, (char *)"true", NULL};
	struct made *m;
	int fd;

	if (unshare == NULL)
		return pd_fail(err, PD_E_UNAVAILABLE,
			       "a network of its own needs unshare(1) (util-linux)");
	if (pd_mkdir_p(dir, 0700, err) < 0)
		return -1;
	fd = open(held, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return pd_fail_errno(err, errno, "create %s", held);
	close(fd);
	m = xcalloc(1, sizeof(*m));
	m->d = c->d;
	memcpy(m->id, c->rec.id, sizeof(m->id));
	if (task_run(c->d, argv, on_made, m, err) < 0) {
		free(m);
		return -1;
	}
	return 0;
}

int
ctr_net_prepare(struct container *c, struct pd_err *err)
{
	cleanup_free char *held = NULL;
	struct network *n;
	struct pd_err ignored;
	int fd;

	if (!ctr_net_wanted(c))
		return 0;
	n = network_find(c->d, eth0(c)->network, err);
	if (n == NULL)
		return -1;
	if (n->removing)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" is being removed", n->name);
	held = held_net(c);
	fd = pd_ns_open_file(held, PD_NS_NET, &ignored);
	if (fd >= 0)
		close(fd);
	if (fd >= 0 && next_unattached(c) < 0)
		return 0;
	if ((fd >= 0 ? start_add(c, err) : make_netns(c, err)) < 0)
		return -1;
	return 1;
}

void
ctr_net_detach(struct container *c)
{
	if (c->net_op != NULL) {
		/* An ADD still running is undone when it ends. */
		cni_abandon(c->net_op);
		c->net_op = NULL;
	}
	ctr_ports_stop(c);
	if (!ctr_net_wanted(c))
		return;
	fw_sync_or_warn(c->d); /* its ports, and maybe its network's use, go */
	for (size_t i = 0; i < c->rec.n_nets; i++) {
		struct net_attachment *a = &c->rec.nets[i];
		struct pd_err err = {0};
		struct network *n = network_find(c->d, a->network, &err);
		struct cni_req req = {.cmd = CNI_DEL,
				      .container_id = c->rec.id,
				      .ifname = a->ifname,
				      .prev_result = a->cni_result};

		/* In the background: nothing the user does waits for it. */
		if (n != NULL) {
			req.conflist = n->conflist;
			if (cni_run(c->d, &req, NULL, NULL, &err) == NULL)
				n = NULL;
		}
		if (n == NULL)
			log_warn("container \"%s\": %s; its address is not released",
				 c->rec.spec.name, err.msg);
		net_attachment_reset(a);
	}
	dns_sync(c->d); /* issue 14: a server whose network has no one left stops */
}

int
ctr_ports_start(struct container *c, struct pd_err *err)
{
	struct port_list list = {0};
	int r;

	ctr_ports_stop(c);
	if (!ctr_net_attached(c) || json_array_size(c->rec.spec.ports) == 0)
		return 0;
	if (port_check_free(c->d, c->rec.id, c->rec.spec.ports, err) < 0 ||
	    port_list_from_json(c->rec.spec.ports, &list, err) < 0)
		return -1;
	r = port_serve(c->d->base, &list, 0, c->rec.nets[0].ip, &c->proxies, err);
	port_list_clear(&list);
	fw_sync_or_warn(c->d); /* issue 14: DNATed too (firewall.h) */
	return r;
}

void
ctr_ports_stop(struct container *c)
{
	port_serve_stop(&c->proxies);
}

void
ctr_ports_end(struct container *c)
{
	bool had = c->proxies.n > 0 || ctr_net_attached(c);

	ctr_ports_stop(c);
	if (had)
		fw_sync_or_warn(c->d);
}

/* "80/tcp" (or "80": tcp) into @map's pod side. */
static bool
exposed_parse(const char *key, struct port_map *map)
{
	char proto[8] = "tcp";
	unsigned port;
	int used = 0;

	if (sscanf(key, "%5u%n/%7s", &port, &used, proto) < 1 || port == 0 || port > 65535)
		return false;
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		return false; /* sctp: not published by podd */
	map->proto = strcmp(proto, "udp") == 0 ? PORT_UDP : PORT_TCP;
	map->pod_port = (uint16_t)port;
	return true;
}

static int
publish_all(struct podd *d, struct ctr_spec *s, struct pd_err *err)
{
	const json_t *exposed = json_object_get(s->image_config, "ExposedPorts");
	struct port_list list = {0};
	const char *key;
	json_t *v;
	int r = 0;

	if (!s->publish_all || !json_is_object(exposed))
		return 0;
	if (s->ports != NULL && port_list_from_json(s->ports, &list, err) < 0)
		return -1;
	json_object_foreach ((json_t *)exposed, key, v) {
		struct port_map map = {0};
		bool have = false;
		int port;

		if (!exposed_parse(key, &map))
			continue;
		for (size_t i = 0; i < list.n; i++)
			have |= list.maps[i].pod_port == map.pod_port &&
				list.maps[i].proto == map.proto;
		if (have)
			continue;
		port = port_pick_free(d, port_proto_name(map.proto), &list, err);
		if (port < 0) {
			r = -1;
			break;
		}
		map.host_port = (uint16_t)port;
		port_list_append(&list, &map);
	}
	if (r == 0) {
		json_decref(s->ports);
		s->ports = port_list_to_json(&list);
	}
	port_list_clear(&list);
	return r;
}

int
ctr_net_create(struct podd *d, struct ctr_spec *s, struct pd_err *err)
{
	struct ctr_ns_mode *m = &s->ns[CTR_NS_NET];

	/* As docker's: a container of its own is on the default network
	 * unless it says otherwise; a debug --process one takes its
	 * process's. */
	if (s->pod[0] == '\0' && s->target_pid == 0 && m->how == CTR_NS_DEFAULT) {
		m->how = CTR_NS_NETWORK;
		(void)snprintf(m->target, sizeof(m->target), "%s", PD_NET_DEFAULT);
	}
	if (m->how != CTR_NS_NETWORK)
		return 0;
	if (s->pod[0] != '\0')
		return pd_fail(err, PD_E_INVALID,
			       "--pod and --network conflict: a container in a pod has the pod's "
			       "network");
	if (network_find(d, m->target, err) == NULL || publish_all(d, s, err) < 0)
		return -1;
	return s->ports != NULL ? port_check_free(d, "", s->ports, err) : 0;
}
