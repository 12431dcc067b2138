/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports served: one proxy (proxy.h) per map, for any owner of
 * ports (a pod, a container of its own), and the check that a host port is
 * not published twice, across every owner (netattach.h's net_each_port).
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct event_base;
struct podd;
struct port_list;
struct proxy;

/* The proxies of one owner: proxies[i] serves map i of its list. */
struct port_proxies {
	struct proxy **p; /* owned */
	size_t n;
};

/* Serve maps [@from, list->n) of @list to @ip; on failure the ones this
 * call started are stopped (those before @from stay). */
int port_serve(struct event_base *base, const struct port_list *list, size_t from, const char *ip,
	       struct port_proxies *pp, struct pd_err *err);
/* Stop every proxy of @pp. */
void port_serve_stop(struct port_proxies *pp);

/* PD_E_CONFLICT when a map of @ports (an array of port objects) claims a
 * host port another owner than @self_id publishes. */
int port_check_free(struct podd *d, const char *self_id, const json_t *ports, struct pd_err *err);

/* A free host port for @proto ("tcp" or "udp") in docker's ephemeral range
 * (49153-65535): published by no owner, nor in @taken (maps already
 * picked), and bindable now. PD_E_UNAVAILABLE when none is. */
int port_pick_free(struct podd *d, const char *proto, const struct port_list *taken,
		   struct pd_err *err);
