/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's own leaf (issue 16). On cgroup2 a cgroup that holds processes
 * cannot hand controllers to its children, and systemd's rules for a
 * delegated unit (Delegate=yes) say the same: processes only in leaves.
 * So with a relative --cgroup-parent, whose pods live below podd's own
 * cgroup, podd first moves itself into OWN/podd, and the parent is made
 * beside it, OWN/PARENT. Its shims and monitors inherit the leaf, where
 * they outlive a stop of podd with their pods, as they always have. v1 has
 * no such rule: there podd stays where it was started.
 *
 * At a clean stop the leaf goes when podd is alone in it: podd moves back
 * (refused, EBUSY, when OWN hands controllers down: then the leaf stays
 * for the next podd, which is harmless, empty, and podd's).
 */
#include "cgroup_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "xalloc.h"

int
cg_leaf_enter(struct cgroups *cg, const char *own_dir, struct pd_err *err)
{
	cleanup_free char *leaf = xasprintf("%s/%s", own_dir, CG_LEAF_NAME);

	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", leaf);
	if (cg_write(leaf, "cgroup.procs", "0", err) < 0)
		return pd_err_prefix(err, "move podd into its leaf");
	log_info("cgroups: podd runs in %s", leaf);
	cg->leaf = steal_ptr(leaf);
	cg->leaf_up = xstrdup(own_dir);
	return 0;
}

void
cg_leaf_leave(struct cgroups *cg)
{
	char self[32];
	cleanup_free char *procs = NULL;
	struct pd_err err = {0};

	if (cg->leaf == NULL)
		return;
	(void)snprintf(self, sizeof(self), "%d\n", (int)getpid());
	procs = cg_read(cg->leaf, "cgroup.procs", &err);
	if (procs == NULL || strcmp(procs, self) != 0)
		log_debug("cgroups: %s stays: other processes are in it", cg->leaf);
	else if (cg_write(cg->leaf_up, "cgroup.procs", "0", &err) < 0 || rmdir(cg->leaf) < 0)
		log_debug("cgroups: %s stays: %s", cg->leaf,
			  err.msg[0] != '\0' ? err.msg : strerror(errno));
	free(cg->leaf);
	free(cg->leaf_up);
	cg->leaf = cg->leaf_up = NULL;
}
