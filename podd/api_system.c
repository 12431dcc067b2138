/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /v1/version and GET /v1/info.
 */
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/magic.h>

#include <evhttp.h>

#include "api.h"
#include "cgroup.h"
#include "firewall.h" /* issue 14 */
#include "cleanup.h"
#include "http.h"
#include "container.h"
#include "json.h"
#include "pod.h"

void
api_version(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *j =
	    json_pack("{s:s, s:s}", PD_F_VERSION, PD_VERSION, PD_F_API_VERSION, PD_API_VERSION);

	(void)d;
	(void)arg;
	http_reply_json(req, 200, j);
}

void
api_info(struct podd *d, struct evhttp_request *req, const char *arg)
{
	cleanup_json json_t *j = NULL;
	struct utsname un;
	struct container *c;
	struct pod *pod;
	int n = 0, running = 0, n_ctrs = 0, ctrs_running = 0;

	(void)arg;
	TAILQ_FOREACH (pod, &d->pods, entry) {
		n++;
		running += pod->rec.state == POD_RUNNING;
	}
	TAILQ_FOREACH (c, &d->containers, entry) {
		n_ctrs++;
		ctrs_running += ctr_state_up(c->rec.state);
	}
	if (uname(&un) < 0)
		memcpy(un.release, "unknown", sizeof("unknown"));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:s, s:s}",
		      PD_F_VERSION, PD_VERSION, PD_F_API_VERSION, PD_API_VERSION, PD_F_ROOT,
		      d->cfg.root, PD_F_RUN_DIR, d->cfg.run_dir, PD_F_SOCKET, d->cfg.socket_path,
		      PD_F_PID, (int)getpid(), PD_F_PODS, n, PD_F_PODS_RUNNING, running,
		      PD_F_CONTAINERS, n_ctrs, PD_F_CONTAINERS_RUNNING, ctrs_running, PD_F_KERNEL,
		      un.release, PD_F_CGROUP, cgroup_layout_name(d), PD_F_NETNS_DIR,
		      d->cfg.netns_dir);
	/* issue 13: the layout podd uses, its parent and the controllers */
	json_object_set_new(j, PD_F_CGROUP_INFO, cgroup_info_json(d));
	/* issue 14: forwarding and other tables' FORWARD drop policies */
	json_object_set_new(j, PD_F_FIREWALL, fw_info(d));
	http_reply_json(req, 200, j);
}
