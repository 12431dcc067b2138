/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's cgroup (issue 13, cgroup.h): "pod-<ID>" with the pod's limits,
 * made when the pod starts and removed with the pod; its infra in a leaf
 * of its own ("pod-<ID>/infra"), since on v2 a cgroup with processes
 * cannot hand controllers to children; its containers' leaves beside it
 * (ctr_cgroup.c).
 */
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
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

/* Whether the cgroup @rel belongs to something that runs (or, for a
 * pod's own, to a pod that exists). */
static bool
is_in_use(struct podd *d, const char *rel)
{
	struct pd_err ignored;
	const char *slash = strchr(rel, '/');
	const char *leaf = slash != NULL ? slash + 1 : rel;
	struct container *c;
	struct pod *pod;

	if (strncmp(leaf, "ctr-", 4) == 0) {
		if (!pd_is_id_prefix(leaf + 4) || strlen(leaf + 4) != PD_ID_LEN)
			return true; /* not a name podd makes */
		c = container_find(d, leaf + 4, &ignored);
		return c != NULL && (c->rec.state == CTR_RUNNING || c->rec.state == CTR_STOPPING ||
				     c->rec.state == CTR_STARTING);
	}
	if (strncmp(rel, "pod-", 4) != 0)
		return true;
	{
		char id[PD_ID_LEN + 1];
		size_t n = slash != NULL ? (size_t)(slash - rel) - 4 : strlen(rel + 4);

		if (n != PD_ID_LEN)
			return true;
		memcpy(id, rel + 4, n);
		id[n] = '\0';
		pod = pd_is_id_prefix(id) ? pod_find(d, id, &ignored) : NULL;
	}
	if (pod == NULL)
		return false;
	if (slash == NULL)
		return true;
	/* its infra's leaf: while the infra runs */
	return pod->rec.state == POD_RUNNING || pod->rec.state == POD_CREATING ||
	       pod->rec.state == POD_STOPPING;
}

void
pod_cgroup_gc(struct podd *d)
{
	cgroup_gc(d, is_in_use);
}
