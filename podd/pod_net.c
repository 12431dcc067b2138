/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod on a CNI network: attached (CNI ADD) once its infra is ready and
 * its namespaces held, detached (CNI DEL) when they are released. The
 * user waits for the ADD: the pod runs once it has its address. The DEL
 * runs in the background: a veth's deletion waits on the kernel (an RCU
 * grace period, tens of milliseconds) and nothing the user does needs it
 * done; the pod's address is freed when it has run. The published ports
 * follow the attachment (pod_ports.c). A pod's operations are one at a
 * time: an ADD waits for the DEL before it (a pod stopped and started at
 * once), or the late DEL would undo the new attachment.
 *
 * issue 14, attach: a pod has attachments (netattach.h): eth0 on its
 * network, and those `network connect` added (eth1, ...). A start ADDs
 * them one after the other; a stop DELs them one after the other (a queue
 * of the DELs to run), so that an ADD after them finds none running.
 */
#include "pod.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "cni_chain.h"
#include "dns.h"      /* issue 14 */
#include "firewall.h" /* issue 14 */
#include "json.h"
#include "log.h"
#include "netattach.h"
#include "network.h"
#include "xalloc.h"

#define POD_IFNAME "eth0"

/* The pod's eth0 on its network, made when missing. */
static struct net_attachment *
eth0(struct pod *pod)
{
	if (pod->rec.n_nets == 0) {
		pod->rec.nets = xcalloc(1, sizeof(*pod->rec.nets));
		pod->rec.n_nets = 1;
		net_attachment_init(&pod->rec.nets[0], pod->rec.spec.network, POD_IFNAME);
		net_attachment_set_aliases(&pod->rec.nets[0], /* issue 14, dns */
					   json_object_get(pod->rec.spec.k8s, PD_F_ALIASES));
	}
	return &pod->rec.nets[0];
}

bool
pod_net_attached(const struct pod *pod)
{
	return pod->rec.n_nets > 0 && pod->rec.nets[0].cni_result != NULL;
}

/* The first attachment not attached, or -1. */
static int
next_unattached(const struct pod *pod)
{
	return net_attachment_first_unattached(pod->rec.nets, pod->rec.n_nets);
}

static int start_add(struct pod *pod, struct pd_err *err);

static void
on_added(void *arg, json_t *result, const struct pd_err *err)
{
	struct pod *pod = arg;
	struct pd_err e = {0};

	pod->net_op = NULL;
	if (err != NULL) {
		pod_on_attached(pod, err);
		return;
	}
	if (net_attachment_take_result(&pod->rec.nets[pod->net_idx], result, &e) < 0) {
		pod_on_attached(pod, &e);
		return;
	}
	pod_record_sync_views(&pod->rec);
	/* The next one, or the pod is attached. */
	if (next_unattached(pod) < 0)
		pod_on_attached(pod, NULL);
	else if (start_add(pod, &e) < 0)
		pod_on_attached(pod, &e);
}

int
pod_net_attach(struct pod *pod, struct pd_err *err)
{
	struct network *n = network_find(pod->d, eth0(pod)->network, err);

	if (n == NULL)
		return -1;
	if (n->removing)
		return pd_fail(err, PD_E_CONFLICT, "network \"%s\" is being removed", n->name);
	if (pod->net_del != NULL) {
		pod->add_after_del = true;
		return 0;
	}
	if (n->gc != NULL) {
		pod->add_after_gc = true;
		return 0;
	}
	return start_add(pod, err);
}

void
pod_net_gc_done(struct podd *d, struct network *n)
{
	struct pod *pod, *next;

	for (pod = TAILQ_FIRST(&d->pods); pod != NULL; pod = next) {
		struct pd_err e = {0};

		next = TAILQ_NEXT(pod, entry);
		if (!pod->add_after_gc || strcmp(eth0(pod)->network, n->name) != 0)
			continue;
		pod->add_after_gc = false;
		if (start_add(pod, &e) < 0)
			pod_on_attached(pod, &e);
	}
}

/* The ADD of the pod's first attachment not attached. */
static int
start_add(struct pod *pod, struct pd_err *err)
{
	int i = next_unattached(pod);
	struct net_attachment *a;
	struct network *n;
	char netns[4096], args[32] = "";
	cleanup_json json_t *conflist = NULL;
	struct cni_req req = {.cmd = CNI_ADD, .container_id = pod->rec.id};

	if (i < 0) {
		pod_on_attached(pod, NULL);
		return 0;
	}
	a = &pod->rec.nets[i];
	n = network_find(pod->d, a->network, err);
	if (n == NULL)
		return -1;
	if (infra_held_path(pod, POD_NS_NET, netns, sizeof(netns)) < 0)
		return pd_fail(err, PD_E_SYSTEM, "the pod's netns path is too long");
	if (i == 0 && pod->rec.spec.ip[0] != '\0')
		(void)snprintf(args, sizeof(args), "IP=%s", pod->rec.spec.ip);
	conflist = net_conflist_for(n->conflist, a->ifname);
	req.conflist = conflist;
	req.netns = netns;
	req.ifname = a->ifname;
	req.args = args[0] != '\0' ? args : NULL;
	pod->net_idx = (size_t)i;
	pod->net_op = cni_run(pod->d, &req, on_added, pod, err);
	return pod->net_op != NULL ? 0 : -1;
}

static void run_next_del(struct pod *pod);

static void
on_deleted(void *arg, json_t *result, const struct pd_err *err)
{
	struct pod *pod = arg;
	struct pd_err e = {0};

	(void)result;
	if (err != NULL)
		log_warn("pod \"%s\": %s", pod->rec.spec.name, err->msg);
	pod->net_del = NULL;
	if (json_array_size(pod->net_dels) > 0) {
		run_next_del(pod);
		return;
	}
	if (!pod->add_after_del)
		return;
	pod->add_after_del = false;
	if (pod_net_attach(pod, &e) < 0)
		pod_on_attached(pod, &e);
}

/* Start a DEL of @q ({"network","ifname","result"}); with @done NULL, in
 * the background with nobody told. */
static struct cni_op *
start_del(struct pod *pod, const json_t *q, cni_done_fn *done)
{
	struct pd_err err = {0};
	const char *net = json_string_value(json_object_get(q, "network"));
	struct network *n = network_find(pod->d, net, &err);
	struct cni_op *op = NULL;
	struct cni_req req = {.cmd = CNI_DEL,
			      .container_id = pod->rec.id,
			      .ifname = json_string_value(json_object_get(q, "ifname")),
			      .prev_result = json_object_get(q, "result")};

	if (n != NULL) {
		req.conflist = n->conflist;
		op = cni_run(pod->d, &req, done, pod, &err);
	}
	if (op == NULL)
		log_warn("pod \"%s\": %s; its address on \"%s\" is not released",
			 pod->rec.spec.name, err.msg, net);
	return op;
}

/* The first DEL of the queue, unless one runs. */
static void
run_next_del(struct pod *pod)
{
	while (pod->net_del == NULL && json_array_size(pod->net_dels) > 0) {
		json_t *q = json_incref(json_array_get(pod->net_dels, 0));

		json_array_remove(pod->net_dels, 0);
		pod->net_del = start_del(pod, q, on_deleted);
		json_decref(q);
	}
}

/* Queue a DEL of @a (with its ADD's @result, which may be NULL). */
static void
queue_del(struct pod *pod, const struct net_attachment *a, const json_t *result)
{
	if (pod->net_dels == NULL)
		pod->net_dels = json_array();
	json_array_append_new(pod->net_dels, json_pack("{s:s, s:s, s:O?}", "network", a->network,
						       "ifname", a->ifname, "result", result));
	run_next_del(pod);
}

void
pod_net_flush_dels(struct pod *pod)
{
	const json_t *q;
	size_t i;

	json_array_foreach (pod->net_dels, i, q)
		(void)start_del(pod, q, NULL);
	json_decref(pod->net_dels);
	pod->net_dels = NULL;
}

void
pod_net_detach(struct pod *pod)
{
	pod->add_after_del = false;
	pod->add_after_gc = false;
	if (pod->net_op != NULL) {
		/* An ADD still running is undone when it ends. */
		cni_abandon(pod->net_op);
		pod->net_op = NULL;
	}
	pod_ports_stop(pod);
	for (size_t i = 0; i < pod->rec.n_nets; i++) {
		struct net_attachment *a = &pod->rec.nets[i];

		if (a->cni_result == NULL)
			continue;
		queue_del(pod, a, a->cni_result);
		net_attachment_reset(a);
	}
	pod_record_sync_views(&pod->rec);
	dns_sync(pod->d);        /* issue 14: a server whose network has no pod left stops */
	fw_sync_or_warn(pod->d); /* issue 14: its ports and maybe its network go */
}

void
pod_net_undo_failed_add(struct pod *pod)
{
	/* The plugins undo a failed ADD themselves; a DEL is what the CNI
	 * spec asks of a runtime all the same, for a chain that does not.
	 * The attachments made before it go too. */
	if (pod->net_idx < pod->rec.n_nets && pod->rec.nets[pod->net_idx].cni_result == NULL)
		queue_del(pod, &pod->rec.nets[pod->net_idx], NULL);
	else
		queue_del(pod, eth0(pod), NULL);
	pod_net_detach(pod);
}
