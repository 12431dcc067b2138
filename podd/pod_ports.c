/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's published ports: the pod's record keeps the maps (port_spec.h),
 * and while the pod is attached to its network each map is a proxy
 * (proxy.h) in podd's loop, relaying the host port to the pod's address.
 * pod->proxies.p[i] serves map i of the record. Ports can be added to and
 * removed from a running pod, which docker and podman cannot do.
 */
#include "pod.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "firewall.h" /* issue 14 */
#include "log.h"
#include "port_spec.h"
#include "proxy.h"
#include "xalloc.h"

/* The maps of @ports (an array the record holds, valid). */
static void
maps_of(const json_t *ports, struct port_list *list)
{
	struct pd_err ignored;

	if (port_list_from_json(ports, list, &ignored) < 0)
		port_list_clear(list);
}

int
pod_ports_check_free(struct podd *d, const struct pod *self, const json_t *ports,
		     struct pd_err *err)
{
	return port_check_free(d, self != NULL ? self->rec.id : "", ports, err);
}

/* Start proxies for maps [@from, n) of @list to the pod's address. */
static int
start_maps(struct pod *pod, const struct port_list *list, size_t from, struct pd_err *err)
{
	if (port_serve(pod->d->base, list, from, pod->rec.ip, &pod->proxies, err) < 0)
		return pd_err_prefix(err, "pod \"%s\"", pod->rec.spec.name);
	return 0;
}

int
pod_ports_start(struct pod *pod, struct pd_err *err)
{
	struct port_list list = {0};
	int r = 0;

	pod_ports_stop(pod);
	if (pod->rec.ip[0] != '\0' && json_array_size(pod->rec.spec.ports) > 0) {
		maps_of(pod->rec.spec.ports, &list);
		r = start_maps(pod, &list, 0, err);
		port_list_clear(&list);
	}
	/* issue 14: the pod's network is in use, and its ports DNATed */
	fw_sync_or_warn(pod->d);
	return r;
}

void
pod_ports_stop(struct pod *pod)
{
	port_serve_stop(&pod->proxies);
}

int
pod_ports_add(struct pod *pod, const json_t *ports, struct pd_err *err)
{
	struct port_list all = {0};
	size_t before;
	int r = 0;

	maps_of(pod->rec.spec.ports, &all);
	before = all.n;
	if (port_list_from_json(ports, &all, err) < 0 || port_list_check(&all, err) < 0 ||
	    pod_ports_check_free(pod->d, pod, ports, err) < 0) {
		port_list_clear(&all);
		return -1;
	}
	/* Served at once when the pod is attached; else from its next start. */
	if (pod->proxies.n == before && pod->rec.ip[0] != '\0' && before < all.n)
		r = start_maps(pod, &all, before, err);
	if (r == 0) {
		json_decref(pod->rec.spec.ports);
		pod->rec.spec.ports = port_list_to_json(&all);
		fw_sync_or_warn(pod->d); /* issue 14 */
	}
	port_list_clear(&all);
	return r;
}

/* "[HOSTIP:]HOSTPORT[-END][/PROTO]" (or a whole -p spec) into the host
 * side of @list's maps. */
static int
host_side_parse(const char *spec, struct port_list *list, struct pd_err *err)
{
	const char *slash = strchr(spec, '/');
	const char *proto = slash != NULL ? slash : "";
	size_t len = slash != NULL ? (size_t)(slash - spec) : strlen(spec);
	const char *colon = memchr(spec, ':', len);
	cleanup_free char *full = NULL;

	if (len > PORT_SPEC_MAX)
		return pd_fail(err, PD_E_INVALID, "port \"%.64s\" is too long", spec);
	if (colon == NULL)
		/* HOSTPORT[-END]: the pod side does not matter here. */
		full = xasprintf("%.*s:%.*s%s", (int)len, spec, (int)len, spec, proto);
	else if (strchr(colon + 1, ':') == NULL &&
		 memchr(spec, '.', (size_t)(colon - spec)) != NULL)
		/* HOSTIP:HOSTPORT[-END] */
		full = xasprintf("%.*s:%.*s%s", (int)len, spec,
				 (int)(len - (size_t)(colon + 1 - spec)), colon + 1, proto);
	else
		full = xstrdup(spec);
	if (port_spec_parse(full, list, err) < 0)
		return pd_fail(
		    err, PD_E_INVALID,
		    "\"%.64s\" is not a published port ([HOSTIP:]HOSTPORT[-END][/PROTO])", spec);
	return 0;
}

static bool
same_host_side(const struct port_map *a, const struct port_map *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       a->host_ip.s_addr == b->host_ip.s_addr;
}

int
pod_ports_remove(struct pod *pod, const char *spec, struct pd_err *err)
{
	struct port_list gone = {0}, all = {0}, kept = {0};
	bool serving;
	int r = 0;

	if (host_side_parse(spec, &gone, err) < 0)
		return -1;
	maps_of(pod->rec.spec.ports, &all);
	serving = pod->proxies.n == all.n && all.n > 0;
	for (size_t i = 0; i < gone.n && r == 0; i++) {
		bool found = false;

		for (size_t k = 0; k < all.n; k++)
			found |= same_host_side(&gone.maps[i], &all.maps[k]);
		if (!found) {
			char buf[PORT_MAP_STR_MAX];

			port_map_format(&gone.maps[i], buf, sizeof(buf));
			/* The pod side of the form shown is a placeholder. */
			*strstr(buf, "->") = '\0';
			r = pd_fail(err, PD_E_NOT_FOUND, "pod \"%s\" does not publish %s/%s",
				    pod->rec.spec.name, buf, port_proto_name(gone.maps[i].proto));
		}
	}
	for (size_t k = 0; k < all.n && r == 0; k++) {
		bool drop = false;

		for (size_t i = 0; i < gone.n; i++)
			drop |= same_host_side(&gone.maps[i], &all.maps[k]);
		if (drop && serving) {
			proxy_free(pod->proxies.p[k]);
			pod->proxies.p[k] = NULL;
		} else if (!drop) {
			if (serving)
				pod->proxies.p[kept.n] = pod->proxies.p[k];
			port_list_append(&kept, &all.maps[k]);
		}
	}
	if (r == 0) {
		if (serving)
			pod->proxies.n = kept.n;
		json_decref(pod->rec.spec.ports);
		pod->rec.spec.ports = port_list_to_json(&kept);
		fw_sync_or_warn(pod->d); /* issue 14 */
	}
	port_list_clear(&gone);
	port_list_clear(&all);
	port_list_clear(&kept);
	return r;
}
