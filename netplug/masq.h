/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ipMasq: what an attachment's addresses send to anywhere outside its
 * network's subnets (and not to multicast) leaves the host with the address
 * of the interface it goes out of. The rules live in netplug's own nftables
 * table, `table inet netplug`, chain `postrouting` (nat, srcnat), one per
 * address of the attachment, each with the comment "CONTAINERID/IFNAME" by
 * which DEL, GC and CHECK find it again. Every change is one transaction
 * (lib/nft.h), made under a lock on the data dir, so that the table can go
 * with its last rule without racing another netplug's ADD: the table exists
 * only while it holds a rule.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "cni.h"
#include "err.h"
#include "ip6.h"

/* Add the rules of (@id, @ifname): one for @addr4 (0: none), one for *@addr6
 * (NULL: none). */
int np_masq_add(const struct cni_conf *conf, const char *id, const char *ifname, uint32_t addr4,
		const ip6_addr *addr6, struct pd_err *err);

/* Delete every rule of (@id, @ifname); none is not an error. */
int np_masq_del(const struct cni_conf *conf, const char *id, const char *ifname,
		struct pd_err *err);

/* How many rules (@id, @ifname) has, into *@n. */
int np_masq_count(const struct cni_conf *conf, const char *id, const char *ifname, size_t *n,
		  struct pd_err *err);

/* Delete the rules of @conf's network (by their source address) whose
 * attachment is not in @conf->valid. */
int np_masq_gc(const struct cni_conf *conf, struct pd_err *err);
