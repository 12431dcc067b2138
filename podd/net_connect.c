/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `network connect` and `network disconnect` (issue 14, attach): one more
 * interface (eth1, ...) for a pod, or for a container of its own, by a CNI
 * ADD with that ifname on its held network namespace, and its DEL. The
 * attachment is in the owner's record, so a podd restart keeps it, and the
 * owner's next start attaches it again (pod_net.c, ctr_net.c). An owner
 * that does not run gets the attachment at its next start. As docker, the
 * last network may be disconnected too.
 *
 *   POST /v1/networks/{name}/connect    {"container": REF, "ip"?, "aliases"?}
 *   POST /v1/networks/{name}/disconnect {"container": REF}
 *
 * REF names a container of its own or a pod. The ADD's end looks its owner
 * up again by id: whatever happened meanwhile (a stop, a removal, a
 * disconnect), an attachment nobody holds any more is DEL'ed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "cni_chain.h"
#include "container.h"
#include "dns.h" /* issue 14 */
#include "firewall.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "netattach.h"
#include "network.h"
#include "pod.h"
#include "xalloc.h"

/* A pod or a container of its own, seen as an owner of attachments. */
struct owner {
	struct pod *pod;     /* one of the two */
	struct container *c; /* */
	const char *id, *name, *kind;
	struct net_attachment **nets;
	size_t *n_nets;
	bool up;   /* its network namespace is held and attached */
	bool busy; /* an ADD of its own start runs */
	char netns[4096];
};

static int
owner_of_pod(struct pod *pod, struct owner *o, struct pd_err *err)
{
	o->pod = pod;
	o->id = pod->rec.id;
	o->name = pod->rec.spec.name;
	o->kind = "pod";
	o->nets = &pod->rec.nets;
	o->n_nets = &pod->rec.n_nets;
	o->up = pod->rec.state == POD_RUNNING && pod_net_attached(pod) &&
		infra_held_path(pod, POD_NS_NET, o->netns, sizeof(o->netns)) == 0;
	o->busy = pod->net_op != NULL;
	if (pod->rec.spec.net != POD_NET_CNI)
		return pd_fail(err, PD_E_INVALID, "pod \"%s\" is on the %s network",
			       pod->rec.spec.name, pod_net_name(&pod->rec.spec));
	return 0;
}

static int
owner_of_container(struct container *c, struct owner *o, struct pd_err *err)
{
	o->c = c;
	o->id = c->rec.id;
	o->name = c->rec.spec.name;
	o->kind = "container";
	o->nets = &c->rec.nets;
	o->n_nets = &c->rec.n_nets;
	o->up = ctr_net_attached(c) && ctr_net_held_path(c, o->netns, sizeof(o->netns)) == 0;
	o->busy = c->net_op != NULL;
	if (c->rec.spec.pod[0] != '\0')
		return pd_fail(err, PD_E_INVALID,
			       "container \"%s\" is in a pod: connect its pod to the network",
			       c->rec.spec.name);
	if (!ctr_net_wanted(c))
		return pd_fail(
		    err, PD_E_INVALID,
		    "container \"%s\" has no network of its own (--network none, host or "
		    "container:)",
		    c->rec.spec.name);
	return 0;
}

/* The container or pod @ref names. */
static int
owner_find(struct podd *d, const char *ref, struct owner *o, struct pd_err *err)
{
	struct container *c;
	struct pod *pod;

	memset(o, 0, sizeof(*o));
	c = container_find(d, ref, err);
	if (c != NULL)
		return owner_of_container(c, o, err);
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	pd_err_clear(err);
	pod = pod_find(d, ref, err);
	if (pod == NULL) {
		if (err->kind == PD_E_NOT_FOUND)
			pd_fail(err, PD_E_NOT_FOUND, "no container or pod \"%s\"", ref);
		return -1;
	}
	return owner_of_pod(pod, o, err);
}

static void
owner_save(const struct owner *o)
{
	struct pd_err err = {0};

	if ((o->pod != NULL ? pod_save(o->pod, &err) : container_save(o->c, &err)) < 0)
		log_warn("%s \"%s\": %s", o->kind, o->name, err.msg);
}

static json_t *
owner_json(const struct owner *o)
{
	return o->pod != NULL ? pod_to_json(o->pod) : container_to_json(o->c);
}

/* Its attachment 0 changed: the views of it and its ports follow. */
static void
owner_eth0_changed(const struct owner *o)
{
	struct pd_err err = {0};
	int r;

	if (o->pod != NULL) {
		pod_record_sync_views(&o->pod->rec);
		r = o->pod->rec.state == POD_RUNNING ? pod_ports_start(o->pod, &err) : 0;
	} else {
		r = ctr_state_up(o->c->rec.state) ? ctr_ports_start(o->c, &err) : 0;
	}
	if (r < 0)
		log_warn("%s \"%s\": %s", o->kind, o->name, err.msg);
}

/* Drop attachment @i of @o. */
static void
owner_drop(const struct owner *o, size_t i)
{
	struct net_attachment *a = *o->nets;

	net_attachment_clear(&a[i]);
	memmove(&a[i], &a[i + 1], (*o->n_nets - i - 1) * sizeof(*a));
	(*o->n_nets)--;
	if (i == 0)
		owner_eth0_changed(o);
}

/* A DEL in the background, nobody told. */
static void
del_in_background(struct podd *d, const char *owner_id, const char *network, const char *ifname,
		  const json_t *result)
{
	struct pd_err err = {0};
	struct network *n = network_find(d, network, &err);
	struct cni_req req = {
	    .cmd = CNI_DEL, .container_id = owner_id, .ifname = ifname, .prev_result = result};

	if (n != NULL) {
		req.conflist = n->conflist;
		if (cni_run(d, &req, NULL, NULL, &err) != NULL)
			return;
	}
	log_warn("%.12s: %s; its address on \"%s\" is not released", owner_id, err.msg, network);
}

struct connecting {
	struct podd *d;
	struct http_pending *pending;
	char id[PD_ID_LEN + 1];
	char network[PD_NAME_MAX + 1];
	char ifname[16];
};

static void
on_connected(void *arg, json_t *result, const struct pd_err *err)
{
	struct connecting *k = arg;
	struct pd_err e = {0};
	struct owner o;
	struct net_attachment *a = NULL;
	cleanup_json json_t *j = NULL;
	bool ok = false;

	if (owner_find(k->d, k->id, &o, &e) == 0) {
		a = net_attachment_find(*o.nets, *o.n_nets, k->network);
		if (a != NULL && (a->cni_result != NULL || strcmp(a->ifname, k->ifname) != 0))
			a = NULL;
	}
	if (err != NULL) {
		e = *err;
		del_in_background(k->d, k->id, k->network, k->ifname, NULL);
	} else if (a == NULL || !o.up) {
		pd_fail(&e, PD_E_CONFLICT, "%.12s left its network namespace meanwhile", k->id);
		del_in_background(k->d, k->id, k->network, k->ifname, result);
		json_decref(result);
	} else if (net_attachment_take_result(a, result, &e) < 0) {
		del_in_background(k->d, k->id, k->network, k->ifname, NULL);
	} else {
		ok = true;
	}
	if (!ok || a == NULL) {
		if (a != NULL) {
			owner_drop(&o, (size_t)(a - *o.nets));
			owner_save(&o);
		}
		http_pending_reply_error(k->pending, &e);
		free(k);
		return;
	}
	log_info("%s \"%s\": %s %s on network \"%s\"", o.kind, o.name, a->ifname, a->ip,
		 a->network);
	if (a == *o.nets)
		owner_eth0_changed(&o);
	owner_save(&o);
	dns_sync(k->d); /* issue 14, dns: its names on that network */
	j = owner_json(&o);
	http_pending_reply_json(k->pending, 200, j);
	free(k);
}

/* The body's "aliases" (names) and "ip" (an IPv4 address, "" for none). */
static int
connect_body(const json_t *body, const char **ref, const char **ip, json_t **aliases,
	     struct pd_err *err)
{
	static const char *const keys[] = {"container", PD_F_IP, PD_F_ALIASES, NULL};
	const json_t *al = json_object_get(body, PD_F_ALIASES), *v;
	struct in_addr addr;
	size_t i;

	*ref = NULL;
	*ip = "";
	if (pd_json_check_keys(body, "connect", keys, err) < 0 ||
	    pd_json_get_string(body, "container", ref, err) < 0 ||
	    pd_json_get_string(body, PD_F_IP, ip, err) < 0)
		return -1;
	if (*ref == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"container\" is required");
	if ((*ip)[0] != '\0' && inet_pton(AF_INET, *ip, &addr) != 1)
		return pd_fail(err, PD_E_INVALID, "ip \"%.64s\" is not an IPv4 address", *ip);
	if (al != NULL && (!json_is_array(al) || json_array_size(al) > 64))
		return pd_fail(err, PD_E_INVALID, "field \"aliases\" must be an array of names");
	json_array_foreach (al, i, v)
		if (!json_is_string(v) || pd_name_validate(json_string_value(v), "alias", err) < 0)
			return err->kind != 0
				   ? -1
				   : pd_fail(err, PD_E_INVALID, "an alias is not a string");
	*aliases = al != NULL ? json_deep_copy(al) : json_array();
	return 0;
}

int
net_connect(struct podd *d, const char *network, const json_t *body, struct http_pending *pending,
	    struct pd_err *err)
{
	const char *ref, *ip;
	cleanup_json json_t *aliases = NULL, *conflist = NULL;
	struct network *n = network_find(d, network, err);
	struct owner o;
	struct net_attachment *a;
	struct connecting *k;
	char args[32] = "";
	struct cni_req req = {.cmd = CNI_ADD};

	if (n == NULL || connect_body(body, &ref, &ip, &aliases, err) < 0 ||
	    owner_find(d, ref, &o, err) < 0)
		return -1;
	if (n->removing)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" is being removed", n->name);
	if (net_attachment_find(*o.nets, *o.n_nets, n->name) != NULL)
		return pd_fail(err, PD_E_CONFLICT, "%s \"%s\" is already on network \"%s\"", o.kind,
			       o.name, n->name);
	if (o.busy)
		return pd_fail(err, PD_E_CONFLICT, "%s \"%s\" is being attached; try again", o.kind,
			       o.name);
	if (*o.n_nets >= NET_ATTACH_MAX)
		return pd_fail(err, PD_E_TOO_LARGE, "%s \"%s\" is on %d networks already", o.kind,
			       o.name, NET_ATTACH_MAX);
	*o.nets = xrealloc(*o.nets, (*o.n_nets + 1) * sizeof(**o.nets));
	a = &(*o.nets)[*o.n_nets];
	net_attachment_init(a, n->name, "");
	net_attachment_next_ifname(*o.nets, *o.n_nets, a->ifname);
	json_decref(a->aliases);
	a->aliases = steal_ptr(aliases);
	(*o.n_nets)++;
	if (!o.up) {
		/* Attached at its next start. */
		cleanup_json json_t *j = owner_json(&o);

		owner_save(&o);
		http_pending_reply_json(pending, 200, j);
		return 0;
	}
	k = xcalloc(1, sizeof(*k));
	k->d = d;
	k->pending = pending;
	memcpy(k->id, o.id, sizeof(k->id));
	memcpy(k->network, n->name, sizeof(k->network));
	memcpy(k->ifname, a->ifname, sizeof(k->ifname));
	if (ip[0] != '\0')
		(void)snprintf(args, sizeof(args), "IP=%s", ip);
	conflist = net_conflist_for(n->conflist, a->ifname);
	req.conflist = conflist;
	req.container_id = o.id;
	req.netns = o.netns;
	req.ifname = a->ifname;
	req.args = args[0] != '\0' ? args : NULL;
	if (cni_run(d, &req, on_connected, k, err) == NULL) {
		free(k);
		owner_drop(&o, *o.n_nets - 1);
		return -1;
	}
	return 0;
}

int
net_disconnect(struct podd *d, const char *network, const json_t *body, struct pd_err *err)
{
	static const char *const keys[] = {"container", NULL};
	const char *ref = NULL;
	struct owner o;
	struct net_attachment *a;

	if (network_find(d, network, err) == NULL ||
	    pd_json_check_keys(body, "disconnect", keys, err) < 0 ||
	    pd_json_get_string(body, "container", &ref, err) < 0)
		return -1;
	if (ref == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"container\" is required");
	if (owner_find(d, ref, &o, err) < 0)
		return -1;
	a = net_attachment_find(*o.nets, *o.n_nets, network);
	if (a == NULL)
		return pd_fail(err, PD_E_NOT_FOUND, "%s \"%s\" is not on network \"%s\"", o.kind,
			       o.name, network);
	if (o.busy)
		return pd_fail(err, PD_E_CONFLICT, "%s \"%s\" is being attached; try again", o.kind,
			       o.name);
	if (a->cni_result != NULL)
		del_in_background(d, o.id, a->network, a->ifname, a->cni_result);
	log_info("%s \"%s\": %s left network \"%s\"", o.kind, o.name, a->ifname, a->network);
	owner_drop(&o, (size_t)(a - *o.nets));
	owner_save(&o);
	fw_sync_or_warn(d);
	dns_sync(d); /* issue 14, dns */
	return 0;
}

/* POST /v1/networks/{name}/connect and .../disconnect */
static void
connect_or_disconnect(struct podd *d, struct evhttp_request *req, const char *arg, bool connect)
{
	static const char *const no_params[] = {NULL};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	struct http_query *q = http_query_parse(req, no_params, &err);
	struct http_pending *p;

	if (q == NULL) {
		http_reply_error(req, &err);
		return;
	}
	http_query_free(q);
	body = http_body_json(req, &err);
	if (body == NULL) {
		http_reply_error(req, &err);
		return;
	}
	p = http_pending_new(req);
	if (connect) {
		if (net_connect(d, arg, body, p, &err) < 0)
			http_pending_reply_error(p, &err);
		return;
	}
	if (net_disconnect(d, arg, body, &err) < 0) {
		http_pending_reply_error(p, &err);
	} else {
		cleanup_json json_t *j = json_pack("{s:s}", PD_F_NAME, arg);

		http_pending_reply_json(p, 200, j);
	}
}

void
api_network_connect(struct podd *d, struct evhttp_request *req, const char *arg)
{
	connect_or_disconnect(d, req, arg, true);
}

void
api_network_disconnect(struct podd *d, struct evhttp_request *req, const char *arg)
{
	connect_or_disconnect(d, req, arg, false);
}
