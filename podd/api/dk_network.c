/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's network endpoints (dk.h), over podd's networks
 * (network.c, net_connect.c).
 *
 * podd's default network is docker's "bridge": the docker CLI and compose
 * expect a network of that name (`docker network ls` lists bridge, host and
 * none; a container's default NetworkMode is "bridge"), and it is what a
 * container gets without --network in both. host and none are podd's
 * network modes, not networks: they are listed (and inspected) as the
 * Engine lists them, with ids of their own, and cannot be created or
 * removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dk.h"
#include "filters.h"
#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "digest.h"
#include "http.h"
#include "ip4.h"
#include "json.h"
#include "netattach.h"
#include "network.h"
#include "podd.h"
#include "xalloc.h"

/* Options of `docker network create -o` podd takes. */
#define OPT_BRIDGE_NAME "com.docker.network.bridge.name"

/* ---- the Engine's network object --------------------------------------------- */

/* The modes docker lists as networks. */
static const char *const modes[] = {PD_NET_HOST, PD_NET_NONE};

static const char *
mode_driver(const char *mode)
{
	return strcmp(mode, PD_NET_HOST) == 0 ? "host" : "null";
}

/* A mode's id: the same at every start (the digest of its name). */
static void
mode_id(const char *mode, char out[PD_DIGEST_MAX + 1])
{
	char name[32];

	(void)snprintf(name, sizeof(name), "podd network mode %s", mode);
	pd_digest_buf(name, strlen(name), out);
}

static json_t *
mode_json(const char *mode)
{
	char id[PD_DIGEST_MAX + 1];

	mode_id(mode, id);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s, s:n, s:[]}, s:b, s:b, s:b, "
			 "s:{s:s}, s:b, s:{}, s:{}, s:{}}",
			 "Name", mode, "Id", pd_digest_hex(id), "Created", "0001-01-01T00:00:00Z",
			 "Scope", "local", "Driver", mode_driver(mode), "EnableIPv6", 0, "IPAM",
			 "Driver", "default", "Options", "Config", "Internal", 0, "Attachable", 0,
			 "Ingress", 0, "ConfigFrom", "Network", "", "ConfigOnly", 0, "Containers",
			 "Options", "Labels");
}

/* "ip/prefix" of @ip in @subnet's prefix ("" when no @ip). */
static json_t *
with_prefix(const char *ip, const char *subnet)
{
	const char *slash = strchr(subnet, '/');
	char buf[80];

	if (ip[0] == '\0')
		return json_string("");
	(void)snprintf(buf, sizeof(buf), "%.46s/%.3s", ip, slash != NULL ? slash + 1 : "32");
	return json_string(buf);
}

/* The network's containers: every container of its own with an attachment
 * on it that is attached, keyed by id. */
static json_t *
containers_on(struct podd *d, const struct network *n)
{
	json_t *all = json_object();
	const struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		const struct net_attachment *a =
		    net_attachment_find(c->rec.nets, c->rec.n_nets, n->name);

		if (a == NULL || a->cni_result == NULL)
			continue;
		json_object_set_new(all, c->rec.id,
				    json_pack("{s:s, s:s, s:s, s:o, s:o}", "Name", c->rec.spec.name,
					      "EndpointID", c->rec.id, "MacAddress", a->mac,
					      "IPv4Address", with_prefix(a->ip, n->subnet),
					      "IPv6Address", with_prefix(a->ip6, n->subnet6)));
	}
	return all;
}

static const char *
engine_name(const struct network *n)
{
	return n->builtin ? PD_NET_BRIDGE : n->name;
}

static const char *
engine_driver(const struct network *n)
{
	const char *type = json_string_value(
	    json_object_get(json_array_get(json_object_get(n->conflist, "plugins"), 0), "type"));

	return type == NULL || strcmp(type, "netplug") == 0 ? "bridge" : type;
}

static json_t *
engine_json(struct podd *d, const struct network *n)
{
	json_t *config = json_array(), *options = json_object();
	const json_t *labels = json_object_get(n->conflist, PD_F_LABELS);

	if (n->subnet[0] != '\0')
		json_array_append_new(
		    config, json_pack("{s:s, s:s}", "Subnet", n->subnet, "Gateway", n->gateway));
	if (n->subnet6[0] != '\0')
		json_array_append_new(
		    config, json_pack("{s:s, s:s}", "Subnet", n->subnet6, "Gateway", n->gateway6));
	if (n->bridge[0] != '\0')
		json_object_set_new(options, OPT_BRIDGE_NAME, json_string(n->bridge));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s, s:n, s:o}, s:b, s:b, s:b, "
			 "s:{s:s}, s:b, s:o, s:o, s:o}",
			 "Name", engine_name(n), "Id", n->id, "Created",
			 n->created[0] != '\0' ? n->created : "0001-01-01T00:00:00Z", "Scope",
			 "local", "Driver", engine_driver(n), "EnableIPv6", n->subnet6[0] != '\0',
			 "IPAM", "Driver", "default", "Options", "Config", config, "Internal",
			 n->internal, "Attachable", 0, "Ingress", 0, "ConfigFrom", "Network", "",
			 "ConfigOnly", 0, "Containers", containers_on(d, n), "Options", options,
			 "Labels", json_is_object(labels) ? json_deep_copy(labels) : json_object());
}

/* ---- list ------------------------------------------------------------------- */

static bool
wanted(const json_t *filters, const json_t *net)
{
	const char *name = json_string_value(json_object_get(net, "Name"));
	const char *id = json_string_value(json_object_get(net, "Id"));
	const char *driver = json_string_value(json_object_get(net, "Driver"));
	bool builtin = strcmp(name, PD_NET_BRIDGE) == 0 || strcmp(name, PD_NET_HOST) == 0 ||
		       strcmp(name, PD_NET_NONE) == 0;
	const json_t *list, *v;
	size_t i;
	bool hit;
	int dangling = pd_filter_bool(filters, "dangling");

	list = json_object_get(filters, "name");
	hit = json_array_size(list) == 0;
	json_array_foreach (list, i, v)
		hit |= strstr(name, json_string_value(v)) != NULL;
	if (!hit)
		return false;
	list = json_object_get(filters, "id");
	hit = json_array_size(list) == 0;
	json_array_foreach (list, i, v)
		hit |= strncmp(id, json_string_value(v), strlen(json_string_value(v))) == 0;
	if (!hit || !pd_filter_any(filters, "driver", driver) ||
	    !pd_filter_any(filters, "type", builtin ? "builtin" : "custom") ||
	    !pd_filter_labels(json_object_get(net, "Labels"), json_object_get(filters, "label")))
		return false;
	/* dangling: a custom network no container is on */
	if (dangling >= 0 &&
	    (dangling == 1) !=
		(!builtin && json_object_size(json_object_get(net, "Containers")) == 0))
		return false;
	return true;
}

static void
list(struct dk_req *r)
{
	static const char *const known[] = {"name", "id",       "label", "driver",
					    "type", "dangling", "scope", NULL};
	struct podd *d = dk_podd(r);
	cleanup_json json_t *filters = dk_query_filters(r);
	cleanup_json json_t *out = json_array();
	struct network *n;

	if (filters == NULL || dk_filters_check(r, filters, known) < 0)
		return;
	TAILQ_FOREACH (n, &d->networks, entry) {
		json_t *j = engine_json(d, n);

		if (wanted(filters, j))
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		json_t *j = mode_json(modes[i]);

		if (wanted(filters, j))
			json_array_append_new(out, j);
		else
			json_decref(j);
	}
	dk_reply_json(r, 200, out);
}

/* ---- inspect, remove ---------------------------------------------------------- */

/* The mode @ref names (its name, id or an id prefix), or NULL. */
static const char *
find_mode(const char *ref)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char id[PD_DIGEST_MAX + 1];
		const char *hex;

		mode_id(modes[i], id);
		hex = pd_digest_hex(id);
		if (strcmp(ref, modes[i]) == 0 ||
		    (strlen(ref) >= 12 && strncmp(hex, ref, strlen(ref)) == 0))
			return modes[i];
	}
	return NULL;
}

/* The network @ref names, or NULL after answering 404 the Engine's way. */
static struct network *
find(struct dk_req *r, const char *ref)
{
	struct pd_err err = {0};
	struct network *n = network_find_ref(dk_podd(r), ref, &err);

	if (n == NULL && err.kind == PD_E_NOT_FOUND)
		dk_reply_error(r, 404, "network %s not found", ref);
	else if (n == NULL)
		dk_reply_err(r, &err);
	return n;
}

static void
inspect(struct dk_req *r)
{
	const char *ref = dk_arg(r, 0), *mode = find_mode(ref);
	cleanup_json json_t *j = NULL;
	struct network *n;

	if (mode != NULL) {
		j = mode_json(mode);
		dk_reply_json(r, 200, j);
		return;
	}
	n = find(r, ref);
	if (n == NULL)
		return;
	j = engine_json(dk_podd(r), n);
	dk_reply_json(r, 200, j);
}

/* The Engine's words for a network that cannot go now; 0 when it can. */
static int
refuse_removal(struct dk_req *r, struct network *n)
{
	cleanup_json json_t *j = network_to_json(dk_podd(r), n);

	if (n->builtin) {
		dk_reply_error(r, 403, "%s is a pre-defined network and cannot be removed",
			       PD_NET_BRIDGE);
		return -1;
	}
	if (json_array_size(json_object_get(j, PD_F_PODS)) > 0 ||
	    net_attachment_users(dk_podd(r), n->name) > 0) {
		dk_reply_error(r, 409,
			       "error while removing network: network %s id %s has active "
			       "endpoints",
			       n->name, n->id);
		return -1;
	}
	return 0;
}

static void
remove_network(struct dk_req *r)
{
	const char *ref = dk_arg(r, 0), *mode = find_mode(ref);
	struct pd_err err = {0};
	struct network *n;

	if (mode != NULL) {
		dk_reply_error(r, 403, "%s is a pre-defined network and cannot be removed", mode);
		return;
	}
	n = find(r, ref);
	if (n == NULL || refuse_removal(r, n) < 0)
		return;
	/* NULL after: 204, as the Engine answers */
	struct http_pending *p = dk_pending(r, NULL, NULL, NULL);

	if (network_remove(dk_podd(r), n, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

/* ---- create ------------------------------------------------------------------- */

/* The Engine's IPAM.Config into the /v1 body's "subnet" and gateways. */
static int
translate_ipam(const json_t *ipam, json_t *v1, struct pd_err *err)
{
	static const char *const ipam_keys[] = {"Driver", "Config", "Options", NULL};
	static const char *const cfg_keys[] = {"Subnet", "Gateway", "IPRange", "AuxiliaryAddresses",
					       NULL};
	const char *driver = NULL;
	const json_t *cfg, *opts = json_object_get(ipam, "Options");
	json_t *subnets;
	size_t i;

	if (ipam == NULL || json_is_null(ipam))
		return 0;
	subnets = json_array();
	json_object_set_new(v1, PD_F_SUBNET, subnets);
	if (pd_json_check_keys(ipam, "IPAM", ipam_keys, err) < 0 ||
	    pd_json_get_string(ipam, "Driver", &driver, err) < 0)
		return -1;
	if (driver != NULL && driver[0] != '\0' && strcmp(driver, "default") != 0)
		return pd_fail(err, PD_E_INVALID,
			       "IPAM driver %.64s is not supported: podd has its own (\"default\")",
			       driver);
	if (json_object_size(opts) > 0)
		return pd_fail(err, PD_E_INVALID, "IPAM.Options are not supported");
	json_array_foreach (json_object_get(ipam, "Config"), i, cfg) {
		const char *subnet = NULL, *gw = NULL, *range = NULL;

		if (pd_json_check_keys(cfg, "IPAM.Config", cfg_keys, err) < 0 ||
		    pd_json_get_string(cfg, "Subnet", &subnet, err) < 0 ||
		    pd_json_get_string(cfg, "Gateway", &gw, err) < 0 ||
		    pd_json_get_string(cfg, "IPRange", &range, err) < 0)
			return -1;
		if (json_object_size(json_object_get(cfg, "AuxiliaryAddresses")) > 0)
			return pd_fail(err, PD_E_INVALID,
				       "IPAM.Config.AuxiliaryAddresses are not supported");
		if (subnet == NULL || subnet[0] == '\0')
			return pd_fail(err, PD_E_INVALID, "IPAM.Config needs a Subnet");
		/* addresses come from the whole subnet: a range that is not it
		 * would be dropped */
		if (range != NULL && range[0] != '\0' && strcmp(range, subnet) != 0)
			return pd_fail(err, PD_E_INVALID,
				       "IPAM.Config.IPRange %.64s is not supported: podd hands out "
				       "addresses from the whole subnet",
				       range);
		json_array_append_new(subnets, json_string(subnet));
		if (gw != NULL && gw[0] != '\0')
			json_object_set_new(
			    v1, strchr(subnet, ':') != NULL ? PD_F_GATEWAY6 : PD_F_GATEWAY,
			    json_string(gw));
	}
	if (json_array_size(subnets) == 0)
		json_object_del(v1, PD_F_SUBNET);
	return 0;
}

/* The Engine's create body as podd's /v1 one (a new reference), or NULL. */
static json_t *
translate_create(const json_t *b, struct pd_err *err)
{
	static const char *const keys[] = {
	    "Name",       "CheckDuplicate", "Driver", "Internal",   "Attachable", "Ingress", "IPAM",
	    "EnableIPv6", "Options",        "Labels", "ConfigOnly", "ConfigFrom", "Scope",   NULL};
	cleanup_json json_t *v1 = json_object();
	const char *name = NULL, *driver = NULL, *scope = NULL, *key, *from;
	bool internal = false, ipv6 = false, ingress = false, config_only = false;
	const json_t *opts = json_object_get(b, "Options"), *labels, *v;

	if (!json_is_object(b))
		return pd_fail(err, PD_E_INVALID, "the body is not a JSON object"), NULL;
	if (pd_json_check_keys(b, "network", keys, err) < 0 ||
	    pd_json_get_string(b, "Name", &name, err) < 0 ||
	    pd_json_get_string(b, "Driver", &driver, err) < 0 ||
	    pd_json_get_string(b, "Scope", &scope, err) < 0 ||
	    pd_json_get_bool(b, "Internal", &internal, err) < 0 ||
	    pd_json_get_bool(b, "EnableIPv6", &ipv6, err) < 0 ||
	    pd_json_get_bool(b, "Ingress", &ingress, err) < 0 ||
	    pd_json_get_bool(b, "ConfigOnly", &config_only, err) < 0)
		return NULL;
	if (name == NULL || name[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "a network needs a Name"), NULL;
	if (driver != NULL && driver[0] != '\0' && strcmp(driver, "bridge") != 0)
		return pd_fail(err, PD_E_INVALID,
			       "network driver %.64s is not supported: podd's networks are bridges",
			       driver),
		       NULL;
	if (scope != NULL && scope[0] != '\0' && strcmp(scope, "local") != 0)
		return pd_fail(err, PD_E_INVALID, "network scope %.64s is not supported", scope),
		       NULL;
	from = json_string_value(json_object_get(json_object_get(b, "ConfigFrom"), "Network"));
	if (ingress || config_only || (from != NULL && from[0] != '\0'))
		return pd_fail(err, PD_E_INVALID,
			       "Ingress, ConfigOnly and ConfigFrom networks are swarm's: not "
			       "supported"),
		       NULL;
	json_object_set_new(v1, PD_F_NAME, json_string(name));
	json_object_foreach ((json_t *)opts, key, v) {
		if (strcmp(key, OPT_BRIDGE_NAME) != 0 || !json_is_string(v))
			return pd_fail(err, PD_E_INVALID,
				       "network option %.64s is not supported (podd takes %s)", key,
				       OPT_BRIDGE_NAME),
			       NULL;
		json_object_set_new(v1, PD_F_BRIDGE, json_string(json_string_value(v)));
	}
	if (translate_ipam(json_object_get(b, "IPAM"), v1, err) < 0)
		return NULL;
	if (internal)
		json_object_set_new(v1, PD_F_INTERNAL, json_true());
	if (ipv6)
		json_object_set_new(v1, PD_F_IPV6, json_true());
	labels = json_object_get(b, "Labels");
	if (json_is_object(labels) && json_object_size(labels) > 0)
		json_object_set(v1, PD_F_LABELS, (json_t *)labels);
	return json_incref(v1);
}

static void
create(struct dk_req *r)
{
	struct pd_err err = {0};
	cleanup_json json_t *body = dk_body_json(r, false, &err);
	cleanup_json json_t *v1 = NULL, *j = NULL;
	struct network *n;

	v1 = body != NULL ? translate_create(body, &err) : NULL;
	n = v1 != NULL ? network_create(dk_podd(r), v1, &err) : NULL;
	if (n == NULL) {
		dk_reply_err(r, &err);
		return;
	}
	j = json_pack("{s:s, s:s}", "Id", n->id, "Warning", "");
	dk_reply_json(r, 201, j);
}

/* ---- connect, disconnect, prune ------------------------------------------------- */

/* The network @r names as the model's name, and the body's container
 * (checked: 404 the Engine's way); NULL after answering. */
static const char *
connect_target(struct dk_req *r, json_t **body, const char **ctr)
{
	struct pd_err err = {0};
	struct network *n;
	struct container *c;

	if (find_mode(dk_arg(r, 0)) != NULL) {
		dk_reply_error(r, 400, "container cannot be connected to or disconnected from %s",
			       dk_arg(r, 0));
		return NULL;
	}
	*body = dk_body_json(r, false, &err);
	if (*body == NULL || pd_json_get_string(*body, "Container", ctr, &err) < 0) {
		dk_reply_err(r, &err);
		return NULL;
	}
	if (*ctr == NULL) {
		dk_reply_error(r, 400, "field Container is required");
		return NULL;
	}
	n = find(r, dk_arg(r, 0));
	if (n == NULL)
		return NULL;
	c = dk_container(r, *ctr);
	if (c == NULL)
		return NULL;
	*ctr = c->rec.id;
	return n->name;
}

static void
connected(struct dk_req *r, const json_t *reply, void *arg)
{
	(void)reply;
	(void)arg;
	dk_reply_empty(r, 200);
}

static void
connect_ctr(struct dk_req *r)
{
	cleanup_json json_t *body = NULL, *v1 = NULL;
	const char *ctr = NULL, *network = connect_target(r, &body, &ctr), *ip = NULL, *ip6 = NULL;
	const json_t *ep, *ipam;
	struct pd_err err = {0};

	if (network == NULL)
		return;
	ep = json_object_get(body, "EndpointConfig");
	ipam = json_object_get(ep, "IPAMConfig");
	/* The endpoint's other keys describe it (ids, what inspect shows,
	 * newer clients' GwPriority), or are refused below. */
	if (pd_json_get_string(ipam, "IPv4Address", &ip, &err) < 0 ||
	    pd_json_get_string(ipam, "IPv6Address", &ip6, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	if (ip6 != NULL && ip6[0] != '\0') {
		dk_reply_error(r, 400, "EndpointConfig.IPAMConfig.IPv6Address is not supported");
		return;
	}
	if (json_string_length(json_object_get(ep, "MacAddress")) > 0 ||
	    json_object_size(json_object_get(ep, "DriverOpts")) > 0) {
		dk_reply_error(r, 400,
			       "EndpointConfig.MacAddress and DriverOpts are not supported");
		return;
	}
	if (json_array_size(json_object_get(ep, "Links")) > 0) {
		dk_reply_error(r, 400,
			       "EndpointConfig.Links are not supported: use the names "
			       "podd's DNS gives");
		return;
	}
	v1 = json_pack("{s:s}", "container", ctr);
	if (ip != NULL && ip[0] != '\0')
		json_object_set_new(v1, PD_F_IP, json_string(ip));
	if (json_array_size(json_object_get(ep, "Aliases")) > 0)
		json_object_set(v1, PD_F_ALIASES, json_object_get(ep, "Aliases"));
	struct http_pending *p = dk_pending(r, connected, NULL, NULL);

	if (net_connect(dk_podd(r), network, v1, p, &err) < 0)
		http_pending_reply_error(p, &err);
}

static void
disconnect(struct dk_req *r)
{
	cleanup_json json_t *body = NULL, *v1 = NULL;
	const char *ctr = NULL, *network = connect_target(r, &body, &ctr);
	struct pd_err err = {0};

	if (network == NULL)
		return;
	/* Force is for an endpoint whose container is gone: podd removes the
	 * attachments with their container, so there is none such. */
	v1 = json_pack("{s:s}", "container", ctr);
	if (net_disconnect(dk_podd(r), network, v1, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_empty(r, 200);
}

/* A prune: answered once every removal it began is over (a removal runs
 * its network's CNI GC first), so that the networks it names are gone. */
struct pruning {
	struct dk_req *r;
	json_t *gone; /* owned: the names */
	size_t left;  /* removals not over, + 1 while they are being begun */
};

static void
pruning_step(struct pruning *p)
{
	cleanup_json json_t *j = NULL;

	if (--p->left > 0)
		return;
	j = json_pack("{s:o}", "NetworksDeleted", p->gone);
	dk_reply_json(p->r, 200, j);
	free(p);
}

static void
pruned_one(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	(void)status;
	(void)j;
	(void)err; /* the network goes even when its GC failed (network.c) */
	pruning_step(arg);
}

static void
prune(struct dk_req *r)
{
	static const char *const known[] = {"label", NULL};
	static const struct http_pending_sink sink = {pruned_one, NULL};
	struct podd *d = dk_podd(r);
	cleanup_json json_t *filters = dk_query_filters(r);
	struct network *n, *next;
	struct pruning *pr;

	if (filters == NULL || dk_filters_check(r, filters, known) < 0)
		return;
	pr = xcalloc(1, sizeof(*pr));
	pr->r = r;
	pr->gone = json_array();
	pr->left = 1;
	for (n = TAILQ_FIRST(&d->networks); n != NULL; n = next) {
		cleanup_json json_t *v1 = network_to_json(d, n);
		struct pd_err err = {0};
		struct http_pending *p;

		next = TAILQ_NEXT(n, entry);
		if (n->builtin || n->removing ||
		    json_array_size(json_object_get(v1, PD_F_PODS)) > 0 ||
		    net_attachment_users(d, n->name) > 0 ||
		    !pd_filter_labels(json_object_get(v1, PD_F_LABELS),
				      json_object_get(filters, "label")))
			continue;
		json_array_append_new(pr->gone, json_string(n->name));
		pr->left++;
		p = http_pending_new_sink(&sink, pr);
		if (network_remove(d, n, p, &err) < 0) {
			json_array_remove(pr->gone, json_array_size(pr->gone) - 1);
			http_pending_reply_error(p, &err); /* pruned_one: left-- */
		}
	}
	pruning_step(pr);
}

static const struct dk_route routes[] = {
    {"GET", "/networks", list, 0},
    {"POST", "/networks/create", create, 0},
    {"POST", "/networks/prune", prune, 0},
    {"GET", "/networks/*", inspect, 0},
    {"DELETE", "/networks/*", remove_network, 0},
    {"POST", "/networks/*/connect", connect_ctr, 0},
    {"POST", "/networks/*/disconnect", disconnect, 0},
};

DK_ROUTES(dk_network_routes, routes);
