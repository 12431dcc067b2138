/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's cgroup (issue 13, cgroup.h): "pod-<ID>" with the pod's limits,
 * made when the pod starts and removed with the pod; its infra in a leaf
 * of its own ("pod-<ID>/infra"), since on v2 a cgroup with processes
 * cannot hand controllers to children; its containers' leaves beside it
 * (ctr_cgroup.c).
 */
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "pod.h"
#include "xalloc.h"

int
pod_cgroup_ensure(struct pod *pod, struct pd_err *err)
{
	cleanup_free char *rel = cgroup_rel_pod(pod->rec.id);

	if (cgroup_create(pod->d, rel, &pod->rec.spec.limits, err) < 0)
		return pd_err_prefix(err, "pod \"%s\"", pod->rec.spec.name);
	return 0;
}

int
pod_cgroup_infra_open(struct pod *pod, int *fds, struct pd_err *err)
{
	cleanup_free char *rel = cgroup_rel_infra(pod->rec.id);

	if (pod_cgroup_ensure(pod, err) < 0 || cgroup_create(pod->d, rel, NULL, err) < 0)
		return -1;
	return cgroup_procs_open(pod->d, rel, fds, err);
}

void
pod_cgroup_infra_release(struct pod *pod)
{
	cleanup_free char *rel = cgroup_rel_infra(pod->rec.id);
	struct pd_err err = {0};

	if (cgroup_kill(pod->d, rel, &err) < 0 || cgroup_remove(pod->d, rel, &err) < 0)
		log_warn("pod \"%s\": %s", pod->rec.spec.name, err.msg);
}

void
pod_cgroup_remove(struct pod *pod)
{
	cleanup_free char *rel = cgroup_rel_pod(pod->rec.id);
	struct pd_err err = {0};

	pod_cgroup_infra_release(pod);
	if (cgroup_remove(pod->d, rel, &err) < 0)
		log_warn("pod \"%s\": %s", pod->rec.spec.name, err.msg);
}
