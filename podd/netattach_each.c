/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attachments and published ports of every owner (netattach.h): for
 * the DNS server (names to addresses), the firewall (ports to DNAT) and a
 * network's GC (the attachments to keep).
 */
#include "netattach.h"

#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "pod.h"
#include "port_spec.h"
#include "xalloc.h"

/* The names of @pod: its name, its hostname, its containers' names. */
static const char **
pod_names(struct podd *d, const struct pod *pod, const json_t *aliases, size_t *n)
{
	size_t cap = 2 + json_array_size(aliases), k = 0;
	const char **names;
	const struct container *c;
	const json_t *v;
	size_t i;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.pod, pod->rec.id) == 0)
			cap++;
	names = xcalloc(cap, sizeof(*names));
	names[k++] = pod->rec.spec.name;
	if (strcmp(pod->rec.spec.hostname, pod->rec.spec.name) != 0)
		names[k++] = pod->rec.spec.hostname;
	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.pod, pod->rec.id) == 0)
			names[k++] = c->rec.spec.name;
	json_array_foreach (aliases, i, v)
		names[k++] = json_string_value(v);
	*n = k;
	return names;
}

/* The names of a container of its own: its name, its hostname, the
 * aliases. */
static const char **
ctr_names(const struct container *c, const json_t *aliases, size_t *n)
{
	const char **names = xcalloc(2 + json_array_size(aliases), sizeof(*names));
	const json_t *v;
	size_t i, k = 0;

	names[k++] = c->rec.spec.name;
	if (c->rec.spec.hostname[0] != '\0' && strcmp(c->rec.spec.hostname, c->rec.spec.name) != 0)
		names[k++] = c->rec.spec.hostname;
	json_array_foreach (aliases, i, v)
		names[k++] = json_string_value(v);
	*n = k;
	return names;
}

void
net_each_attachment(struct podd *d, const char *network, net_each_fn *fn, void *arg)
{
	const struct pod *pod;
	const struct container *c;
	bool go = true;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		for (size_t i = 0; i < pod->rec.n_nets && go; i++) {
			const struct net_attachment *a = &pod->rec.nets[i];
			const char **names;
			size_t n;

			if (a->cni_result == NULL || strcmp(a->network, network) != 0)
				continue;
			names = pod_names(d, pod, a->aliases, &n);
			go = fn(arg, a, names, n, pod->rec.id);
			free(names);
		}
		if (!go)
			return;
	}
	TAILQ_FOREACH (c, &d->containers, entry) {
		for (size_t i = 0; i < c->rec.n_nets && go; i++) {
			const struct net_attachment *a = &c->rec.nets[i];
			const char **names;
			size_t n;

			if (a->cni_result == NULL || strcmp(a->network, network) != 0)
				continue;
			names = ctr_names(c, a->aliases, &n);
			go = fn(arg, a, names, n, c->rec.id);
			free(names);
		}
		if (!go)
			return;
	}
}

static bool
on_any(void *arg, const struct net_attachment *a, const char *const *names, size_t n_names,
       const char *owner_id)
{
	(void)a;
	(void)names;
	(void)n_names;
	(void)owner_id;
	*(bool *)arg = true;
	return false;
}

bool
net_has_attachment(struct podd *d, const char *network)
{
	bool any = false;

	net_each_attachment(d, network, on_any, &any);
	return any;
}

/* @fn on each map of @ports, published to @a. */
static bool
each_map(const json_t *ports, const char *owner_id, const struct net_attachment *a, net_port_fn *fn,
	 void *arg)
{
	struct port_list list = {0};
	struct pd_err ignored;
	bool go = true;

	if (port_list_from_json(ports, &list, &ignored) < 0)
		return true;
	for (size_t i = 0; i < list.n && go; i++)
		go = fn(arg, owner_id, a->network, a->ip, a->ip6, &list.maps[i]);
	port_list_clear(&list);
	return go;
}

void
net_each_port(struct podd *d, net_port_fn *fn, void *arg)
{
	const struct pod *pod;
	const struct container *c;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		if (!pod_net_attached(pod))
			continue;
		if (!each_map(pod->rec.spec.ports, pod->rec.id, &pod->rec.nets[0], fn, arg))
			return;
	}
	/* Containers of their own: while they run (their ports are served). */
	TAILQ_FOREACH (c, &d->containers, entry) {
		if (!ctr_net_attached(c) || c->proxies.n == 0)
			continue;
		if (!each_map(c->rec.spec.ports, c->rec.id, &c->rec.nets[0], fn, arg))
			return;
	}
}

size_t
net_attachment_users(struct podd *d, const char *network)
{
	const struct pod *pod;
	const struct container *c;
	size_t n = 0;

	TAILQ_FOREACH (pod, &d->pods, entry)
		/* eth0 of a pod is its spec's network, which its caller counts */
		for (size_t i = 1; i < pod->rec.n_nets; i++)
			n += strcmp(pod->rec.nets[i].network, network) == 0;
	TAILQ_FOREACH (c, &d->containers, entry)
		for (size_t i = 0; i < c->rec.n_nets; i++)
			n += strcmp(c->rec.nets[i].network, network) == 0;
	return n;
}
