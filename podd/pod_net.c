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
 */
#include "pod.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cni_chain.h"
#include "dns.h"
#include "log.h"
#include "network.h"
#include "netattach.h"
#include "xalloc.h"

#define POD_IFNAME "eth0"

static void
on_added(void *arg, json_t *result, const struct pd_err *err)
{
	struct pod *pod = arg;

	pod->net_op = NULL;
	pod_on_attached(pod, result, err);
}

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

int
pod_net_take_result(struct pod *pod, json_t *result, struct pd_err *err)
{
	if (net_attachment_take_result(eth0(pod), result, err) < 0)
		return -1;
	pod_record_sync_views(&pod->rec);
	return 0;
}

static int start_add(struct pod *pod, struct pd_err *err);

int
pod_net_attach(struct pod *pod, struct pd_err *err)
{
	struct network *n = network_find(pod->d, pod->rec.spec.network, err);

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
		if (!pod->add_after_gc || strcmp(pod->rec.spec.network, n->name) != 0)
			continue;
		pod->add_after_gc = false;
		if (start_add(pod, &e) < 0)
			pod_on_attached(pod, NULL, &e);
	}
}

static int
start_add(struct pod *pod, struct pd_err *err)
{
	struct network *n = network_find(pod->d, pod->rec.spec.network, err);
	char netns[4096], args[32] = "";
	struct cni_req req = {.cmd = CNI_ADD, .container_id = pod->rec.id, .ifname = POD_IFNAME};

	if (n == NULL)
		return -1;
	if (infra_held_path(pod, POD_NS_NET, netns, sizeof(netns)) < 0)
		return pd_fail(err, PD_E_SYSTEM, "the pod's netns path is too long");
	if (pod->rec.spec.ip[0] != '\0')
		(void)snprintf(args, sizeof(args), "IP=%s", pod->rec.spec.ip);
	req.conflist = n->conflist;
	req.netns = netns;
	req.args = args[0] != '\0' ? args : NULL;
	pod->net_op = cni_run(pod->d, &req, on_added, pod, err);
	return pod->net_op != NULL ? 0 : -1;
}

static void
on_deleted(void *arg, json_t *result, const struct pd_err *err)
{
	struct pod *pod = arg;
	struct pd_err e = {0};

	(void)result;
	if (err != NULL)
		log_warn("pod \"%s\": %s", pod->rec.spec.name, err->msg);
	pod->net_del = NULL;
	if (!pod->add_after_del)
		return;
	pod->add_after_del = false;
	if (pod_net_attach(pod, &e) < 0)
		pod_on_attached(pod, NULL, &e);
}

/* A DEL of @pod's attachment, in the background; see above. */
static void
run_del(struct pod *pod, const json_t *result)
{
	struct pd_err err = {0};
	struct network *n = network_find(pod->d, pod->rec.spec.network, &err);
	struct cni_req req = {.cmd = CNI_DEL,
			      .container_id = pod->rec.id,
			      .ifname = POD_IFNAME,
			      .prev_result = result};

	if (n == NULL) {
		log_warn("pod \"%s\": %s; its address is not released", pod->rec.spec.name,
			 err.msg);
		return;
	}
	req.conflist = n->conflist;
	if (pod->net_del != NULL)
		cni_cancel(pod->net_del); /* it runs on; this one after it */
	pod->net_del = cni_run(pod->d, &req, on_deleted, pod, &err);
	if (pod->net_del == NULL)
		log_warn("pod \"%s\": %s", pod->rec.spec.name, err.msg);
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
	if (!pod_net_attached(pod))
		return;
	run_del(pod, pod->rec.nets[0].cni_result);
	net_attachment_reset(&pod->rec.nets[0]);
	pod_record_sync_views(&pod->rec);
	dns_sync(pod->d); /* issue 14: a server whose network has no pod left stops */
}

void
pod_net_undo_failed_add(struct pod *pod)
{
	/* The plugins undo a failed ADD themselves; a DEL is what the CNI
	 * spec asks of a runtime all the same, for a chain that does not. */
	run_del(pod, NULL);
}
