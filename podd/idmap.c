/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's processes in its pod's user namespace (issue 13): which
 * pod's user namespace a container joins (its own pod's, or, for a debug
 * container that joins another's namespaces, that one's), the shim's
 * "userns" key (lib/shim.h) for its start and its exec sessions, and the
 * owner of its writable layer: the pod's root, so the root of its tree is
 * root's inside.
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "log.h"
#include "pod.h"
#include "shim.h"
#include "xalloc.h"

#define FOLLOW_MAX 8 /* containers joining containers, as ns_source allows */

static struct pod *
userns_pod(const struct container *c, int depth)
{
	struct pd_err ignored;

	if (c->rec.spec.pod[0] != '\0') {
		struct pod *pod = pod_find(c->d, c->rec.spec.pod, &ignored);

		return pod != NULL && pod_has_userns(pod) ? pod : NULL;
	}
	for (int k = 0; k < CTR_NS_KINDS && depth < FOLLOW_MAX; k++) {
		const struct ctr_ns_mode *m = &c->rec.spec.ns[k];
		struct container *t;
		struct pod *pod;

		if (m->how != CTR_NS_CONTAINER)
			continue;
		t = container_find(c->d, m->target, &ignored);
		if (t != NULL && t != c && (pod = userns_pod(t, depth + 1)) != NULL)
			return pod;
	}
	return NULL;
}

struct pod *
ctr_userns_pod(const struct container *c)
{
	return userns_pod(c, 0);
}

json_t *
ctr_userns_json(const struct pod *pod, struct pd_err *err)
{
	const struct userns_ids *ids = &pod->rec.spec.userns;
	char path[4096];

	if (infra_held_path(pod, POD_NS_USER, path, sizeof(path)) < 0) {
		pd_fail(err, PD_E_SYSTEM, "pod path too long");
		return NULL;
	}
	return json_pack("{s:s, s:I, s:I, s:b}", PD_SHIM_USERNS_PATH, path, PD_SHIM_USERNS_UID,
			 (json_int_t)ids->uid, PD_SHIM_USERNS_GID, (json_int_t)ids->gid,
			 PD_SHIM_USERNS_IDMAP, !pod->d->cfg.userns_copy);
}

/* <root>/userns/<pod id>: the pod's copies of layers (--userns-layers copy). */
static char *
copies_dir(const struct pod *pod)
{
	return xasprintf("%s/userns/%s", pod->d->cfg.root, pod->rec.id);
}

int
ctr_userns_copy_lowers(const struct pod *pod, json_t *spec, struct pd_err *err)
{
	cleanup_free char *dir = copies_dir(pod);
	json_t *u = json_object_get(spec, PD_SHIM_USERNS);
	json_t *lowers = json_object_get(spec, PD_SHIM_LOWERS), *copies, *v;
	size_t i;

	if (!pod->d->cfg.userns_copy || u == NULL || lowers == NULL)
		return 0;
	if (pd_mkdir_p(dir, 0700, err) < 0)
		return -1;
	copies = json_array();
	json_array_foreach (lowers, i, v) {
		const char *slash = strrchr(json_string_value(v), '/');

		json_array_append_new(copies, json_sprintf("%s/%s", dir, slash + 1));
	}
	json_object_set(u, PD_SHIM_USERNS_LAYERS, lowers);
	json_object_set_new(spec, PD_SHIM_LOWERS, copies);
	return 0;
}

void
pod_userns_forget_copies(struct pod *pod)
{
	cleanup_free char *dir = NULL;

	if (!pod_has_userns(pod))
		return;
	dir = copies_dir(pod);
	if (access(dir, F_OK) == 0)
		task_delete_trees(pod->d, (const char *const[]){dir, NULL});
}

int
ctr_userns_own_upper(const struct pod *pod, int root_fd, struct pd_err *err)
{
	const struct userns_ids *ids = &pod->rec.spec.userns;

	if (fchownat(root_fd, "upper", ids->uid, ids->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return pd_fail_errno(err, errno, "chown upper to the pod's root");
	return 0;
}

int
ctr_userns_keys(const struct pod *pod, json_t *spec, struct pd_err *err)
{
	json_t *u = ctr_userns_json(pod, err);

	if (u == NULL)
		return -1;
	json_object_set_new(spec, PD_SHIM_USERNS, u);
	return ctr_userns_copy_lowers(pod, spec, err);
}
