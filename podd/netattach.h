/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attachments: a pod, or a container of its own, on a CNI network. Each
 * attachment is one interface in the owner's network namespace (eth0,
 * eth1, ...) made by one CNI ADD, with the addresses the ADD's result gave
 * it. The owner holds an array of them; index 0 is eth0. The record keeps
 * them (with the ADD's result, which the DEL is given back), so a podd
 * restart finds every interface again.
 *
 * netattach.c is pure (results, records, the API's view: unit-tested);
 * netattach_each.c walks the attachments and ports of every owner, for the
 * DNS server and the firewall.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "name.h"

struct podd;
struct port_map;

struct net_attachment {
	char network[PD_NAME_MAX + 1];
	char ifname[16];            /* "eth0", "eth1", ... */
	char ip[16], gateway[16];   /* "" when none */
	char ip6[46], gateway6[46]; /* "" when v4-only */
	char mac[18];
	json_t *aliases;    /* owned: array of strings (--network-alias), never NULL */
	json_t *cni_result; /* owned, NULL until attached */
};

/* At most this many interfaces per owner (eth0 .. eth15). */
#define NET_ATTACH_MAX 16

/* An empty attachment of @network as @ifname (aliases [], not attached). */
void net_attachment_init(struct net_attachment *a, const char *network, const char *ifname);
/* issue 14, dns: @a's aliases become a copy of @aliases (an array of
 * names, checked by pod_dns_keys_parse; NULL: none). */
void net_attachment_set_aliases(struct net_attachment *a, const json_t *aliases);

/* Release what @a owns. */
void net_attachment_clear(struct net_attachment *a);
/* Forget the addresses and the result (after a DEL); the network, the
 * ifname and the aliases stay. */
void net_attachment_reset(struct net_attachment *a);
/* Release an array of @n attachments and the array. */
void net_attachments_free(struct net_attachment *a, size_t n);

/* Keep a CNI ADD's @result (taken over, also on failure) in @a with the
 * addresses in it: the first IPv4 and the first IPv6 address and their
 * gateways, the MAC of the interface @a->ifname. PD_E_SYSTEM when the
 * result has no address at all. */
int net_attachment_take_result(struct net_attachment *a, json_t *result, struct pd_err *err);

/* The state file's JSON of @a (a new reference), and back (@a initialised
 * first; release it even on failure). PD_E_INVALID. */
json_t *net_attachment_to_record(const struct net_attachment *a);
int net_attachment_from_record(const json_t *j, struct net_attachment *a, struct pd_err *err);
/* An array of them: to a JSON array, and back into *@out (a new array,
 * NULL for none) and *@n. */
json_t *net_attachments_to_record(const struct net_attachment *a, size_t n);
int net_attachments_from_record(const json_t *j, struct net_attachment **out, size_t *n,
				struct pd_err *err);

/* The API's "networks" object of @n attachments: {"NAME": {"ip", "gateway",
 * "ip6", "gateway6", "mac", "ifname", "aliases"}} (a new reference). */
json_t *net_attachments_json(const struct net_attachment *a, size_t n);

/* The conflist to attach @ifname with (a new reference): @conflist for
 * eth0; for another interface a copy whose IPAM sets no routes where it
 * would set its default ones, as only eth0 has the default route (as in
 * docker: one default gateway). */
json_t *net_conflist_for(const json_t *conflist, const char *ifname);

/* The attachment of @network in @a[0..n), or NULL. */
struct net_attachment *net_attachment_find(struct net_attachment *a, size_t n, const char *network);
/* The index of the first attachment of @a[0..n) not attached, or -1. */
int net_attachment_first_unattached(const struct net_attachment *a, size_t n);
/* The first interface name "ethN" that no attachment of @a[0..n) has, into
 * @buf (16 bytes). */
void net_attachment_next_ifname(const struct net_attachment *a, size_t n, char buf[16]);

/* Every attachment of every running pod and container of its own on
 * @network, with the names that resolve to it (the pod's name and
 * hostname, each container's name, the aliases); @fn returns false to
 * stop. */
typedef bool net_each_fn(void *arg, const struct net_attachment *a, const char *const *names,
			 size_t n_names, const char *owner_id);
void net_each_attachment(struct podd *d, const char *network, net_each_fn *fn, void *arg);
/* issue 14, dns: true when a running pod or container of @d is attached to
 * @network (net_each_attachment finds one). */
bool net_has_attachment(struct podd *d, const char *network);

/* Every published port of every attached owner (a pod, or a container of
 * its own): the owner's id, the network and addresses of its attachment 0
 * (the one ports are published to), and one map; @fn returns false to
 * stop. */
typedef bool net_port_fn(void *arg, const char *owner_id, const char *network, const char *ip,
			 const char *ip6, const struct port_map *map);
void net_each_port(struct podd *d, net_port_fn *fn, void *arg);

/* How many containers of their own, and pods by `network connect`, have an
 * attachment on @network (attached or not). */
size_t net_attachment_users(struct podd *d, const char *network);
