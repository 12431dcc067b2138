/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's nftables table, the pure half: a plan (the networks in use and the
 * published ports to forward) turned into the text of one nft transaction
 * that replaces `table inet podd` whole. No system calls: firewall.c fills
 * the plan from podd's state and runs the text (lib/nft.h). Unit-tested.
 *
 * The table, when the plan holds anything:
 *   prerouting (nat, dstnat): a DNAT per published port for packets to a
 *     local address (or the map's host IP) that did not come from the host
 *     itself, so the pod sees the client's own address;
 *   postrouting (nat, srcnat): masquerade of DNATed packets that leave by
 *     the bridge they came in on (hairpin: the reply must come back through
 *     the host to be un-DNATed);
 *   forward (filter): drop between two podd networks' bridges, both ways,
 *     and between an internal network's bridge and anything else.
 * Every rule's comment names its owner: a pod or container id, or
 * "network:NAME".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port_spec.h"

#define FW_TABLE "inet podd"

struct fw_net {
	char name[64];
	char bridge[16];
	bool internal; /* forwards nothing to or from other interfaces */
};

struct fw_dnat {
	char owner[72]; /* a pod or container id: the rule's comment */
	enum port_proto proto;
	bool v6;          /* host_ip and to_ip are IPv6 */
	char host_ip[46]; /* "" for any local address */
	uint16_t host_port;
	char to_ip[46];
	uint16_t to_port;
};

/* Zero-initialise; release with fw_plan_clear. */
struct fw_plan {
	struct fw_net *nets; /* owned */
	size_t n_nets;
	struct fw_dnat *dnats; /* owned */
	size_t n_dnats;
};

/* Add a network in use (once per name). False, and nothing added, when
 * @bridge is not an interface name nft can be given ([A-Za-z0-9_.-],
 * 1..15 characters) or @name is too long. */
bool fw_plan_add_net(struct fw_plan *plan, const char *name, const char *bridge, bool internal);

/* Add a published port. False, and nothing added, when an address is not
 * an IP literal of its family (host_ip may be "") or the owner is not
 * [A-Za-z0-9_.:-]. */
bool fw_plan_add_dnat(struct fw_plan *plan, const struct fw_dnat *dnat);

void fw_plan_clear(struct fw_plan *plan);

/* True when the plan holds nothing, and the table must not exist. */
bool fw_plan_empty(const struct fw_plan *plan);

/* The transaction that makes the table what @plan says: the table added
 * (so the delete cannot fail), deleted and, unless the plan is empty,
 * written anew. A new string owned by the caller. */
char *fw_rules_script(const struct fw_plan *plan);
