/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Links: the bridge, the veth pair of an attachment, loopback. Each function
 * takes a socket from nl.h and acts in that socket's network namespace.
 */
#pragma once

#include <stdbool.h>

#include "cni.h"
#include "err.h"
#include "nl.h"

struct np_link {
	int index;
	int master; /* ifindex of the bridge it is on, 0 if none */
	unsigned flags;
	bool is_bridge;
	char mac[CNI_MAC_MAX];
};

/* The link @name, into @out. PD_E_NOT_FOUND when there is none. */
int np_link_get(struct nl_sock *sk, const char *name, struct np_link *out, struct pd_err *err);

/* Make sure the bridge @conf->bridge exists (creating it with @conf->mtu),
 * is up, and, with @conf->is_gateway, has the gateway address. Idempotent,
 * and safe against other netplugs doing the same at once. A link of that
 * name that is not a bridge is PD_E_CONFLICT. */
int np_bridge_ensure(struct nl_sock *sk, const struct cni_conf *conf, struct np_link *out,
		     struct pd_err *err);

/* Create a veth pair in one request: @host on the bridge @master, up, in the
 * namespace of @sk; its peer named @peer directly in the namespace @nsfd, so
 * no temporary name is ever seen there. @mtu 0 keeps the default. */
int np_veth_create(struct nl_sock *sk, const char *host, const char *peer, int nsfd, int master,
		   int mtu, struct pd_err *err);

/* Bring the link @name up. */
int np_link_up(struct nl_sock *sk, const char *name, struct pd_err *err);

/* Delete the link @name. Returns 0 when deleted, 1 when there was none. */
int np_link_delete(struct nl_sock *sk, const char *name, struct pd_err *err);

/* Bring "lo" up in the namespace @nsfd. */
int np_lo_up(int nsfd, struct pd_err *err);

/* Call @fn with the name of each link on the bridge @master whose name
 * cni_is_host_ifname() accepts: netplug's host veth ends. */
int np_host_links_on(struct nl_sock *sk, int master, void (*fn)(const char *name, void *arg),
		     void *arg, struct pd_err *err);

/* How many links have @master (a bridge's index) as their master. */
int np_bridge_port_count(struct nl_sock *sk, int master, size_t *count, struct pd_err *err);

/* Set the hairpin flag of the bridge port @index (a link on a bridge): the
 * bridge may send a frame back out of the port it came in on, so a pod
 * reaches itself through an address that NAT maps back to it. */
int np_link_set_hairpin(struct nl_sock *sk, int index, struct pd_err *err);
