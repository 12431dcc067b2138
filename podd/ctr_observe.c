/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 13, observe: what a container's cgroup tells and takes beyond its
 * limits at start (ctr_cgroup.c): the freezer of pause and unpause, the OOM
 * report at its end, and update, which changes the limits of a container
 * (at once in its cgroup when it runs, in its record for the next start).
 */
#include "container.h"

#include <signal.h>
#include <string.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "restart_policy.h"

int
ctr_cgroup_freeze(struct container *c, bool frozen, struct pd_err *err)
{
	cleanup_free char *rel = NULL;

	if (!cgroup_enabled(c->d))
		return pd_fail(
		    err, PD_E_INVALID,
		    "pause needs the cgroup freezer: podd runs with --cgroup-layout none");
	rel = ctr_cgroup_rel(c);
	return cgroup_freeze(c->d, rel, frozen, err);
}

void
ctr_oom_check(struct container *c)
{
	cleanup_free char *rel = NULL;
	long long kills;

	c->rec.oom_killed = false;
	if (!cgroup_enabled(c->d) || strcmp(c->rec.signal, "KILL") != 0)
		return;
	rel = ctr_cgroup_rel(c);
	/* Its leaf is new at each start: any OOM kill counted is of this run.
	 * Only one that took the workload is reported: the kernel may have
	 * chosen another of its processes. */
	kills = cgroup_oom_kills(c->d, rel);
	if (kills <= 0)
		return;
	c->rec.oom_killed = true;
	(void)snprintf(c->rec.reason, sizeof(c->rec.reason), "%s", PD_REASON_OOM);
	log_info("container \"%s\": killed by the kernel's OOM killer (%lld kill%s in its cgroup)",
		 c->rec.spec.name, kills, kills == 1 ? "" : "s");
}

int
container_update(struct container *c, const json_t *body, struct pd_err *err)
{
	const json_t *limits = json_object_get(body, PD_F_LIMITS);
	const json_t *policy = json_object_get(body, PD_F_RESTART_POLICY);
	struct cg_limits changes, merged = c->rec.spec.limits;
	char policy_text[RESTART_POLICY_MAX] = "";
	const char *key;
	json_t *v;

	if (!json_is_object(body))
		return pd_fail(err, PD_E_INVALID, "update: the body is not a JSON object");
	json_object_foreach ((json_t *)body, key, v)
		if (strcmp(key, PD_F_LIMITS) != 0 && strcmp(key, PD_F_RESTART_POLICY) != 0)
			return pd_fail(err, PD_E_INVALID, "update: unknown key \"%.64s\"", key);
	if (limits == NULL && policy == NULL)
		return pd_fail(err, PD_E_INVALID, "update: nothing to change (give %s or %s)",
			       PD_F_LIMITS, PD_F_RESTART_POLICY);
	if (policy != NULL) {
		struct restart_policy p;

		if (!json_is_string(policy) ||
		    restart_policy_parse(json_string_value(policy), &p, err) < 0)
			return pd_fail(err, PD_E_INVALID, "update: bad %s", PD_F_RESTART_POLICY);
		if (c->rec.spec.auto_remove && strcmp(json_string_value(policy), "no") != 0)
			return pd_fail(
			    err, PD_E_INVALID,
			    "update: container \"%s\" is removed when it exits (--rm): it "
			    "takes no restart policy",
			    c->rec.spec.name);
		restart_policy_format(&p, policy_text, sizeof(policy_text));
	}
	if (limits != NULL) {
		if (cg_limits_parse(limits, &changes, err) < 0)
			return pd_err_prefix(err, "update");
		cg_limits_merge(&merged, &changes);
		if (cg_limits_check_pairs(&merged, err) < 0 ||
		    cgroup_limits_check(c->d, &merged, err) < 0)
			return pd_err_prefix(err, "update");
		/* A running one's cgroup first: what it refuses is not kept. */
		if (ctr_state_up(c->rec.state)) {
			cleanup_free char *rel = ctr_cgroup_rel(c);

			if (cgroup_apply_limits(c->d, rel, &changes, err) < 0)
				return pd_err_prefix(err, "update container \"%s\"",
						     c->rec.spec.name);
		}
		c->rec.spec.limits = merged;
	}
	if (policy_text[0] != '\0')
		memcpy(c->rec.spec.restart_policy, policy_text, sizeof(policy_text));
	log_info("container \"%s\": updated", c->rec.spec.name);
	return container_save(c, err);
}
