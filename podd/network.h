/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Networks: named CNI conflists a pod can be attached to. Each is a file
 * ROOT/networks/NAME.conflist that any CNI runtime could read. podd writes
 * one for `network create NAME --subnet CIDR` (netplug: a bridge, a veth per
 * pod, host-local style addresses kept under RUN_DIR/cni, masquerading
 * what leaves the network unless it is --internal, dual-stack with --ipv6),
 * or stores the conflist a user gives, which may chain any plugins of the
 * CNI path. The default network "podd" (bridge podd0, 10.77.0.0/16,
 * masquerading; with podd --ipv6 also fd77::/64) is written at start when it
 * is missing or differs from that, and cannot be removed.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/queue.h>

#include "err.h"

struct podd;
struct cni_op;

struct network {
	TAILQ_ENTRY(network) entry;
	struct podd *d; /* borrowed */
	char name[64];
	/* issue 15, dknet: a random id kept in the conflist under podd's own
	 * key "id" (as "internal"), which the Engine API's clients key on */
	char id[65];
	json_t *conflist;  /* owned */
	bool builtin;      /* the default network */
	struct cni_op *gc; /* a GC in flight (at start, or of a removal), NULL otherwise */
	/* Called when the start's GC is over (network_gc_all's @done). */
	void (*gc_done)(struct podd *d, struct network *n);
	bool removing; /* network_remove() has begun */
	char created[40];
	/* What the conflist says, for the API ("" when it does not). */
	char bridge[16];
	char subnet[20];
	char gateway[16];
	/* issue 14, netplug: outbound traffic and IPv6 */
	bool internal;     /* no way out: no masquerade; podd's firewall isolates it */
	bool masquerade;   /* the first plugin has ipMasq */
	char subnet6[44];  /* the IPv6 range set's subnet, "" when v4-only */
	char gateway6[40]; /* "" when v4-only */
};

TAILQ_HEAD(network_list, network);

/* Load every network (and write the default one if it is missing). */
int network_load_all(struct podd *d, struct pd_err *err);

/* By name; "bridge" is the default network. PD_E_NOT_FOUND. */
struct network *network_find(struct podd *d, const char *name, struct pd_err *err);

/* Create a network from an API body; PD_E_CONFLICT for a taken name,
 * bridge or overlapping subnet. */
struct network *network_create(struct podd *d, const json_t *body, struct pd_err *err);

/* Remove @n: refused for the default network and while a pod uses it.
 * The network's plugins get a CNI GC with no valid attachment first (for
 * netplug: its addresses and bridge go); @pending is answered after. */
struct http_pending;
int network_remove(struct podd *d, struct network *n, struct http_pending *pending,
		   struct pd_err *err);

/* issue 15, dknet: by name, full id or unique id prefix (any length, as
 * docker; issue 16: /v1 inspect and rm too). PD_E_NOT_FOUND, or
 * PD_E_INVALID for a prefix that matches several. */
struct network *network_find_ref(struct podd *d, const char *ref, struct pd_err *err);

/* issue 15, dknet: `network connect` and `disconnect` (net_connect.c) for
 * other dialects: the /v1 bodies {"container", "ip"?, "aliases"?} and
 * {"container"}. */
int net_connect(struct podd *d, const char *network, const json_t *body,
		struct http_pending *pending, struct pd_err *err);
int net_disconnect(struct podd *d, const char *network, const json_t *body, struct pd_err *err);

/* The API's object for @n. */
json_t *network_to_json(struct podd *d, const struct network *n);

void network_free_all(struct podd *d);

/* After a start: a CNI GC of every network (1.1 conflists), with the pods
 * attached to it as the valid attachments, which frees what pods that
 * ended while podd was down held. @done(d, n) is called when the GC of @n
 * is over (the pods that waited for it may attach). */
void network_gc_all(struct podd *d, void (*done)(struct podd *d, struct network *n));
