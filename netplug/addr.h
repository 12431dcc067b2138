/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 and IPv6 addresses and routes on links, through a socket from nl.h (in that
 * socket's namespace).
 */
#pragma once

#include <stdint.h>

#include "cni.h"
#include "err.h"
#include "nl.h"

/* Add @addr/@prefix (with its broadcast address) to the link @index. An
 * address that is already there is PD_E_CONFLICT. */
int np_addr_add(struct nl_sock *sk, int index, uint32_t addr, int prefix, struct pd_err *err);

/* Whether the link @index has @addr/@prefix: 1 yes, 0 no. */
int np_addr_has(struct nl_sock *sk, int index, uint32_t addr, int prefix, struct pd_err *err);

/* Add the route @r out of the link @index, through @r->gw (on the link when
 * it is 0). */
int np_route_add(struct nl_sock *sk, int index, const struct cni_route *r, struct pd_err *err);

/* Add the IPv6 address @addr/@prefix to the link @index, without duplicate
 * address detection (usable at once). PD_E_CONFLICT when it is there. */
int np_addr_add6(struct nl_sock *sk, int index, ip6_addr addr, int prefix, struct pd_err *err);

/* Add the IPv6 route @r out of the link @index. */
int np_route_add6(struct nl_sock *sk, int index, const struct cni_route6 *r, struct pd_err *err);
