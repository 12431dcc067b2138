/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports served (port_serve.h).
 */
#include "port_serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "netattach.h"
#include "pod.h"
#include "podd.h"
#include "port_spec.h"
#include "proxy.h"
#include "xalloc.h"

int
port_serve(struct event_base *base, const struct port_list *list, size_t from, const char *ip,
	   struct port_proxies *pp, struct pd_err *err)
{
	struct in_addr addr;

	if (inet_pton(AF_INET, ip, &addr) != 1)
		return pd_fail(err, PD_E_SYSTEM, "no IPv4 address to publish ports to");
	pp->p = xrealloc(pp->p, (list->n > 0 ? list->n : 1) * sizeof(struct proxy *));
	for (size_t i = from; i < list->n; i++) {
		pp->p[i] = proxy_start(base, &list->maps[i], addr, err);
		if (pp->p[i] == NULL) {
			while (i-- > from)
				proxy_free(pp->p[i]);
			pp->n = from;
			return -1;
		}
		pp->n = i + 1;
	}
	return 0;
}

void
port_serve_stop(struct port_proxies *pp)
{
	for (size_t i = 0; i < pp->n; i++)
		proxy_free(pp->p[i]);
	free(pp->p);
	pp->p = NULL;
	pp->n = 0;
}

struct check {
	struct podd *d;
	const char *self_id;
	const struct port_list *want;
	struct pd_err *err;
	int r;
};

/* "pod \"web\"" or "container \"web\"" for the owner @id (a static buffer). */
static const char *
owner_name(struct podd *d, const char *id)
{
	static char buf[PD_NAME_MAX + 16];
	struct pd_err ignored;
	const struct pod *pod = pod_find(d, id, &ignored);
	const struct container *c = pod == NULL ? container_find(d, id, &ignored) : NULL;

	(void)snprintf(buf, sizeof(buf), "%s \"%s\"", pod != NULL ? "pod" : "container",
		       pod != NULL ? pod->rec.spec.name
		       : c != NULL ? c->rec.spec.name
				   : id);
	return buf;
}

static bool
check_one(void *arg, const char *owner_id, const char *network, const char *ip, const char *ip6,
	  const struct port_map *map)
{
	struct check *k = arg;

	(void)network;
	(void)ip;
	(void)ip6;
	if (strcmp(owner_id, k->self_id) == 0)
		return true;
	for (size_t i = 0; i < k->want->n; i++) {
		char buf[PORT_MAP_STR_MAX];

		if (!port_map_overlaps(&k->want->maps[i], map))
			continue;
		k->r = pd_fail(k->err, PD_E_CONFLICT, "port %s is published by %s",
			       port_map_format(map, buf, sizeof(buf)), owner_name(k->d, owner_id));
		return false;
	}
	return true;
}

int
port_check_free(struct podd *d, const char *self_id, const json_t *ports, struct pd_err *err)
{
	struct port_list want = {0};
	struct check k = {.d = d, .self_id = self_id, .want = &want, .err = err};

	if (port_list_from_json(ports, &want, err) < 0)
		return -1;
	net_each_port(d, check_one, &k);
	port_list_clear(&want);
	return k.r;
}

struct used {
	struct port_map map;
	bool taken;
};

static bool
used_one(void *arg, const char *owner_id, const char *network, const char *ip, const char *ip6,
	 const struct port_map *map)
{
	struct used *u = arg;

	(void)owner_id;
	(void)network;
	(void)ip;
	(void)ip6;
	u->taken = port_map_overlaps(&u->map, map);
	return !u->taken;
}

/* Whether @port can be bound for @proto now (any address). */
static bool
bindable(enum port_proto proto, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, (proto == PORT_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

#define EPHEMERAL_FIRST 49153
#define EPHEMERAL_LAST  65535

int
port_pick_free(struct podd *d, const char *proto, const struct port_list *taken, struct pd_err *err)
{
	static unsigned next; /* where the last search ended: ports spread out */
	unsigned span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
	struct used u = {.map = {.proto = strcmp(proto, "udp") == 0 ? PORT_UDP : PORT_TCP}};

	for (unsigned k = 0; k < span; k++) {
		uint16_t port = (uint16_t)(EPHEMERAL_FIRST + (next + k) % span);
		bool in_taken = false;

		u.map.host_port = port;
		u.taken = false;
		for (size_t i = 0; i < taken->n && !in_taken; i++)
			in_taken = port_map_overlaps(&u.map, &taken->maps[i]);
		if (in_taken)
			continue;
		net_each_port(d, used_one, &u);
		if (u.taken || !bindable(u.map.proto, port))
			continue;
		next = (next + k + 1) % span;
		return port;
	}
	return pd_fail(err, PD_E_UNAVAILABLE, "no free host port for %s", proto);
}
