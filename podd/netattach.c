/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attachments, the pure half (netattach.h): a CNI result read for its
 * addresses, the state file's form of an attachment, the API's view.
 */
#include "netattach.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "xalloc.h"

void
net_attachment_init(struct net_attachment *a, const char *network, const char *ifname)
{
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->network, sizeof(a->network), "%s", network);
	(void)snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	a->aliases = json_array();
}

void
net_attachment_set_aliases(struct net_attachment *a, const json_t *aliases)
{
	json_decref(a->aliases);
	a->aliases = aliases != NULL ? json_deep_copy(aliases) : json_array();
}

void
net_attachment_reset(struct net_attachment *a)
{
	json_decref(a->cni_result);
	a->cni_result = NULL;
	a->ip[0] = a->gateway[0] = a->ip6[0] = a->gateway6[0] = a->mac[0] = '\0';
}

void
net_attachment_clear(struct net_attachment *a)
{
	net_attachment_reset(a);
	json_decref(a->aliases);
	a->aliases = NULL;
}

void
net_attachments_free(struct net_attachment *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		net_attachment_clear(&a[i]);
	free(a);
}

/* @s, an address of @af (with or without a "/len"), canonical into @out. */
static bool
addr_canon(const char *s, int af, char *out, size_t len)
{
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	size_t n = s == NULL ? 0 : slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned char bin[16];
	char buf[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(af, buf, bin) == 1 && inet_ntop(af, bin, out, (socklen_t)len) != NULL;
}

/* The MAC of the interface @ifname in @result's "interfaces", or "". */
static void
result_mac(const json_t *result, const char *ifname, char mac[18])
{
	const json_t *e;
	size_t i;

	mac[0] = '\0';
	json_array_foreach (json_object_get(result, "interfaces"), i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *m = json_string_value(json_object_get(e, "mac"));

		if (name != NULL && m != NULL && strcmp(name, ifname) == 0 && strlen(m) == 17) {
			memcpy(mac, m, 18);
			return;
		}
	}
}

int
net_attachment_take_result(struct net_attachment *a, json_t *result, struct pd_err *err)
{
	const json_t *e;
	size_t i;
	char ip[16] = "", gw[16] = "", ip6[46] = "", gw6[46] = "";

	json_array_foreach (json_object_get(result, "ips"), i, e) {
		const char *addr = json_string_value(json_object_get(e, "address"));
		const char *gateway = json_string_value(json_object_get(e, "gateway"));

		if (ip[0] == '\0' && addr_canon(addr, AF_INET, ip, sizeof(ip))) {
			if (!addr_canon(gateway, AF_INET, gw, sizeof(gw)))
				gw[0] = '\0';
		} else if (ip6[0] == '\0' && addr_canon(addr, AF_INET6, ip6, sizeof(ip6))) {
			if (!addr_canon(gateway, AF_INET6, gw6, sizeof(gw6)))
				gw6[0] = '\0';
		}
	}
	if (ip[0] == '\0' && ip6[0] == '\0') {
		json_decref(result);
		return pd_fail(err, PD_E_SYSTEM, "the network's plugins gave %s no address",
			       a->ifname);
	}
	net_attachment_reset(a);
	memcpy(a->ip, ip, sizeof(ip));
	memcpy(a->gateway, gw, sizeof(gw));
	memcpy(a->ip6, ip6, sizeof(ip6));
	memcpy(a->gateway6, gw6, sizeof(gw6));
	result_mac(result, a->ifname, a->mac);
	a->cni_result = result;
	return 0;
}

json_t *
net_attachment_to_record(const struct net_attachment *a)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "network", a->network, "ifname",
		      a->ifname, "ip", a->ip, "gateway", a->gateway, "ip6", a->ip6, "gateway6",
		      a->gateway6, "mac", a->mac, "aliases", a->aliases);

	if (a->cni_result != NULL)
		json_object_set(j, "cni_result", a->cni_result);
	return j;
}

static bool
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

static bool
aliases_ok(const json_t *aliases)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(aliases) || json_array_size(aliases) > 64)
		return false;
	json_array_foreach (aliases, i, v) {
		struct pd_err ignored;

		if (!json_is_string(v) ||
		    pd_name_validate(json_string_value(v), "alias", &ignored) < 0)
			return false;
	}
	return true;
}

/* @s ("" or an address of @af) canonical into @out. */
static bool
addr_field(const char *s, int af, char *out, size_t len)
{
	if (s[0] == '\0') {
		out[0] = '\0';
		return true;
	}
	return addr_canon(s, af, out, len) && strchr(s, '/') == NULL;
}

int
net_attachment_from_record(const json_t *j, struct net_attachment *a, struct pd_err *err)
{
	const char *network, *ifname, *ip = "", *gw = "", *ip6 = "", *gw6 = "", *mac = "";
	json_t *aliases = NULL, *result = NULL;
	json_error_t jerr;

	net_attachment_init(a, "", "");
	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT,
			   "{s:s, s:s, s?s, s?s, s?s, s?s, s?s, s?o, s?o}", "network", &network,
			   "ifname", &ifname, "ip", &ip, "gateway", &gw, "ip6", &ip6, "gateway6",
			   &gw6, "mac", &mac, "aliases", &aliases, "cni_result", &result) < 0)
		return pd_fail(err, PD_E_INVALID, "bad attachment: %s", jerr.text);
	if (pd_name_validate(network, "network", err) < 0)
		return pd_err_prefix(err, "bad attachment");
	if (!ifname_ok(ifname) || strlen(mac) >= sizeof(a->mac) ||
	    !addr_field(ip, AF_INET, a->ip, sizeof(a->ip)) ||
	    !addr_field(gw, AF_INET, a->gateway, sizeof(a->gateway)) ||
	    !addr_field(ip6, AF_INET6, a->ip6, sizeof(a->ip6)) ||
	    !addr_field(gw6, AF_INET6, a->gateway6, sizeof(a->gateway6)) ||
	    (aliases != NULL && !aliases_ok(aliases)) ||
	    (result != NULL && !json_is_object(result)))
		return pd_fail(err, PD_E_INVALID, "bad attachment of network \"%s\"", network);
	(void)snprintf(a->network, sizeof(a->network), "%s", network);
	(void)snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	(void)snprintf(a->mac, sizeof(a->mac), "%s", mac);
	if (aliases != NULL) {
		json_decref(a->aliases);
		a->aliases = json_incref(aliases);
	}
	a->cni_result = json_incref(result);
	return 0;
}

json_t *
net_attachments_to_record(const struct net_attachment *a, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, net_attachment_to_record(&a[i]));
	return arr;
}

int
net_attachments_from_record(const json_t *j, struct net_attachment **out, size_t *n,
			    struct pd_err *err)
{
	struct net_attachment *a;
	size_t k = json_array_size(j);

	*out = NULL;
	*n = 0;
	if (!json_is_array(j) || k > NET_ATTACH_MAX)
		return pd_fail(err, PD_E_INVALID, "bad attachments: not an array of at most %d",
			       NET_ATTACH_MAX);
	if (k == 0)
		return 0;
	a = xcalloc(k, sizeof(*a));
	for (size_t i = 0; i < k; i++) {
		if (net_attachment_from_record(json_array_get(j, i), &a[i], err) < 0) {
			net_attachments_free(a, i + 1);
			return -1;
		}
	}
	*out = a;
	*n = k;
	return 0;
}

json_t *
net_attachments_json(const struct net_attachment *a, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, a[i].network,
				    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "ip", a[i].ip,
					      "gateway", a[i].gateway, "ip6", a[i].ip6, "gateway6",
					      a[i].gateway6, "mac", a[i].mac, "ifname", a[i].ifname,
					      "aliases", a[i].aliases));
	return o;
}

struct net_attachment *
net_attachment_find(struct net_attachment *a, size_t n, const char *network)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].network, network) == 0)
			return &a[i];
	return NULL;
}

void
net_attachment_next_ifname(const struct net_attachment *a, size_t n, char buf[16])
{
	for (unsigned k = 0;; k++) {
		bool taken = false;

		(void)snprintf(buf, 16, "eth%u", k);
		for (size_t i = 0; i < n && !taken; i++)
			taken = strcmp(a[i].ifname, buf) == 0;
		if (!taken)
			return;
	}
}

json_t *
net_conflist_for(const json_t *conflist, const char *ifname)
{
	json_t *copy, *plugin;
	size_t i;

	if (strcmp(ifname, "eth0") == 0)
		return json_incref((json_t *)conflist);
	copy = json_deep_copy(conflist);
	json_array_foreach (json_object_get(copy, "plugins"), i, plugin) {
		json_t *ipam = json_object_get(plugin, "ipam");

		if (json_is_object(ipam) && json_object_get(ipam, "routes") == NULL)
			json_object_set_new(ipam, "routes", json_array());
	}
	return copy;
}

int
net_attachment_first_unattached(const struct net_attachment *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].cni_result == NULL)
			return (int)i;
	return -1;
}
