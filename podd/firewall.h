/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's own firewall: `table inet podd`, recomputed whole from podd's state
 * and replaced in one nftables transaction (lib/nft.h), so that it never
 * holds a rule of a pod or network podd no longer has. It holds:
 *
 *  - DNAT of every published port for traffic that comes from elsewhere
 *    (prerouting, to a local address of the host or the map's host IP), to
 *    the pod's address, so the pod sees the real client. Connections made
 *    by the host itself do not pass prerouting and reach podd's proxy
 *    (proxy.h), which keeps the host port bound;
 *  - hairpin: masquerade of DNATed traffic that leaves by the bridge it came
 *    in on, so a pod reaches its own network's published ports;
 *  - isolation: nothing is forwarded between two podd networks' bridges,
 *    and an internal network's bridge forwards to and from nothing else.
 *
 * The table exists only while a network is in use or a port published.
 * Nothing here touches another table; other tables are only read, to warn
 * of a FORWARD chain whose drop policy podd's accept cannot override.
 */
#pragma once

#include <jansson.h>

#include "err.h"

struct podd;

/* Recompute podd's table from podd's state (networks in use, their bridges and subnets,
 * every published port of every attachment) and apply it as one transaction. Called
 * after anything that changes that state; cheap enough to call on each change. */
int fw_sync(struct podd *d, struct pd_err *err);

/* fw_sync for callers that cannot fail on it (state changes that already
 * happened): a failure is logged as a warning. */
void fw_sync_or_warn(struct podd *d);

/* The host's forwarding state for `info`: {"ipv4_forwarding": bool,
 * "ipv6_forwarding": bool, "table": "inet podd" or "" when podd has none,
 * "forward_drop_chains": ["ip filter FORWARD", ...], "warning": "..." or
 * absent}, a new reference. Never fails: a sysctl that cannot be read is
 * left out. */
json_t *fw_info(struct podd *d);

/* Free what fw_sync keeps in @d. The table stays: pods outlive podd, and
 * the next podd's first fw_sync replaces it. */
void fw_free(struct podd *d);
