/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's cgroup (issue 13, cgroup.h): its leaf is made with its
 * limits at each start, before the shim spawns, and at its end whatever is
 * left in it is killed and the leaf removed: the end of a container ends
 * everything it started, in a pod's shared PID namespace too. Its monitor
 * never joins, so a kill, a freeze or an OOM kill of the leaf never takes
 * the process that records the container's exit.
 */
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "ctr_priv_shim.h"
#include "log.h"
#include "shim.h"
#include "pod.h"
#include "xalloc.h"

char *
ctr_cgroup_rel(const struct container *c)
{
	return cgroup_rel_ctr(c->rec.spec.pod, c->rec.id);
}

int
ctr_cgroup_prepare(struct container *c, const struct ctr_plan *plan, struct pd_err *err)
{
	cleanup_free char *rel = ctr_cgroup_rel(c);

	/* A pod's own cgroup is made with the pod; one removed by hand
	 * comes back with its limits. */
	if (plan->pod != NULL && pod_cgroup_ensure(plan->pod, err) < 0)
		return -1;
	if (cgroup_create(c->d, rel, &c->rec.spec.limits, err) < 0)
		return pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
	/* issue 13, privileges: the devices it may use, before it joins */
	if (ctr_priv_cgroup(c, rel, err) < 0)
		return pd_err_prefix(err, "container \"%s\"", c->rec.spec.name);
	return 0;
}

void
ctr_cgroup_shim_keys(const struct container *c, json_t *spec)
{
	cleanup_free char *rel = NULL;

	if (!cgroup_enabled(c->d))
		return;
	rel = ctr_cgroup_rel(c);
	json_object_set_new(spec, PD_SHIM_CGROUPS, cgroup_shim_dirs(c->d, rel));
	/* debug --process runs in a host process's namespaces: its cgroup
	 * namespace stays the host's too */
	if (c->rec.spec.target_pid > 0)
		return;
	json_object_set_new(spec, PD_SHIM_CGROUP_NS, json_true());
	json_object_set_new(spec, PD_SHIM_CGROUP_MOUNTS, cgroup_shim_mounts(c->d));
}

void
ctr_cgroup_release(struct container *c)
{
	cleanup_free char *rel = ctr_cgroup_rel(c);
	struct pd_err err = {0};

	if (cgroup_kill(c->d, rel, &err) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, err.msg);
	if (cgroup_remove(c->d, rel, &err) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, err.msg);
}
