/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container of its own on a network, the pure half (ctr_spec.h): its
 * published ports and -P in a create body, and its attachments in its
 * record.
 */
#include "ctr_spec.h"

#include <string.h>

#include "api.h"
#include "pod_spec.h"

int
ctr_net_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err)
{
	const json_t *ports = json_object_get(body, PD_F_PORTS);
	const json_t *all = json_object_get(body, PD_F_PUBLISH_ALL);
	bool publish = json_array_size(ports) > 0 || json_is_true(all);

	if (all != NULL && !json_is_boolean(all))
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be a boolean",
			       PD_F_PUBLISH_ALL);
	if (pod_ports_parse(ports, &spec->ports, err) < 0)
		return -1;
	spec->publish_all = json_is_true(all);
	if (publish && spec->pod[0] != '\0')
		return pd_fail(err, PD_E_INVALID,
			       "a container in a pod has its pod's ports: publish them with "
			       "`podctl pod port add POD SPEC`");
	if (publish && spec->ns[CTR_NS_NET].how != CTR_NS_DEFAULT &&
	    spec->ns[CTR_NS_NET].how != CTR_NS_NETWORK)
		return pd_fail(err, PD_E_INVALID,
			       "ports are published on a network: --network none, host or "
			       "container:NAME has none of its own");
	return 0;
}

void
ctr_net_strip(json_t *rest)
{
	json_object_del(rest, PD_F_PORTS);
	json_object_del(rest, PD_F_PUBLISH_ALL);
	json_object_del(rest, "attachments");
}

int
ctr_net_from_record(const json_t *j, struct ctr_record *r, struct pd_err *err)
{
	const json_t *all = json_object_get(j, PD_F_PUBLISH_ALL);
	const json_t *nets = json_object_get(j, "attachments");

	if ((all != NULL && !json_is_boolean(all)) ||
	    pod_ports_parse(json_object_get(j, PD_F_PORTS), &r->spec.ports, err) < 0 ||
	    (nets != NULL && net_attachments_from_record(nets, &r->nets, &r->n_nets, err) < 0))
		return err->kind != 0 ? pd_err_prefix(err, "bad container record")
				      : pd_fail(err, PD_E_INVALID, "bad container record: %s",
						PD_F_PUBLISH_ALL);
	r->spec.publish_all = json_is_true(all);
	return 0;
}

void
ctr_net_to_record(const struct ctr_record *r, json_t *j)
{
	if (json_array_size(r->spec.ports) > 0)
		json_object_set(j, PD_F_PORTS, r->spec.ports);
	if (r->spec.publish_all)
		json_object_set_new(j, PD_F_PUBLISH_ALL, json_true());
	if (r->n_nets > 0)
		json_object_set_new(j, "attachments",
				    net_attachments_to_record(r->nets, r->n_nets));
}

void
ctr_net_clear(struct ctr_record *r)
{
	net_attachments_free(r->nets, r->n_nets);
	r->nets = NULL;
	r->n_nets = 0;
}
