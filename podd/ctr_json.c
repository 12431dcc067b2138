/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container as the API shows it: inspect's object and a pod's list of
 * its containers. Read-only views of the registry (container.h), apart
 * from the state machine so that container.c holds only transitions.
 */
#include "container.h"

#include <string.h>

#include "api.h"
#include "attach.h"
#include "cgroup.h"
#include "cleanup.h"
#include "ctr_image.h"
#include "json.h"
#include "parse.h"
#include "ns.h"
#include "pod.h"
#include "pod_seq.h"
#include "probe.h"
#include "restart.h"
#include "volume.h"

/* issue 12, podlife: what its pod's status is made of (pod_status.h). */
static void
brief_life_json(const struct container *c, json_t *j)
{
	const char *waiting = pod_seq_waiting(c);
	const char *last = pod_seq_last_finished(c);

	json_object_set_new(j, PD_F_ROLE, json_string(pod_seq_role(c)));
	json_object_set_new(j, PD_F_SEQ, json_integer(c->rec.seq));
	json_object_set_new(j, PD_F_READY, json_boolean(pod_seq_ready(c)));
	json_object_set_new(j, PD_F_STARTUP_DONE, json_boolean(pod_seq_started(c)));
	json_object_set_new(j, PD_F_RESTART_COUNT, json_integer(pod_seq_restart_count(c)));
	if (c->rec.state == CTR_EXITED) {
		json_object_set_new(j, PD_F_EXIT_CODE, json_integer(c->rec.exit_code));
		json_object_set_new(j, PD_F_FINISHED, json_string(c->rec.finished));
		if (c->rec.oom_killed) /* issue 13, observe: pod_status.h */
			json_object_set_new(j, PD_F_OOM_KILLED, json_true());
	}
	if (waiting != NULL)
		json_object_set_new(j, PD_F_WAITING, json_pack("{s:s}", PD_F_REASON, waiting));
	if (last[0] != '\0')
		json_object_set_new(j, "last_state", json_pack("{s:s}", PD_F_FINISHED, last));
}

/* A container as its pod lists it. */
static json_t *
brief_json(const struct container *c)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:b}", PD_F_ID, c->rec.id, PD_F_NAME,
			      c->rec.spec.name, PD_F_STATE, ctr_state_name(c->rec.state),
			      PD_F_EPHEMERAL, c->rec.spec.ephemeral);

	brief_life_json(c, j);
	return j;
}

json_t *
container_list_in_pod(struct podd *d, const char *pod_id)
{
	json_t *list = json_array();
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry)
		if (strcmp(c->rec.spec.pod, pod_id) == 0)
			json_array_append_new(list, brief_json(c));
	return list;
}

json_t *
container_lists_by_pod(struct podd *d)
{
	json_t *by_pod = json_object();
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		json_t *list;

		if (c->rec.spec.pod[0] == '\0')
			continue;
		list = json_object_get(by_pod, c->rec.spec.pod);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(by_pod, c->rec.spec.pod, list);
		}
		json_array_append_new(list, brief_json(c));
	}
	return by_pod;
}

static void
set_if(json_t *obj, const char *key, const char *value)
{
	if (value[0] != '\0')
		json_object_set_new(obj, key, json_string(value));
}

/* issue 11, config: what the image's configuration made of the container
 * (ctr_image.h), and the configuration itself under "config". */
static void
config_json(const struct ctr_spec *s, json_t *j)
{
	const char *sig = pd_signal_name(ctr_stop_signal(s));

	json_object_set_new(j, PD_F_ENTRYPOINT,
			    s->entrypoint != NULL ? json_incref(s->entrypoint) : json_array());
	json_object_set_new(j, PD_F_USER, json_string(s->user != NULL ? s->user : ""));
	if (sig != NULL)
		json_object_set_new(j, PD_F_STOP_SIGNAL, json_sprintf("SIG%s", sig));
	else
		json_object_set_new(j, PD_F_STOP_SIGNAL, json_sprintf("%d", ctr_stop_signal(s)));
	json_object_set_new(j, PD_F_CONFIG,
			    s->image_config != NULL ? json_incref(s->image_config) : json_object());
}

/* The container's mounts as inspect shows them: a volume's host path too. */
static json_t *
mounts_json(const struct container *c)
{
	json_t *out = json_array(), *m;
	size_t i;

	json_array_foreach (c->rec.spec.mounts, i, m) {
		json_t *o = json_deep_copy(m);
		const char *src = json_string_value(json_object_get(m, PD_F_SOURCE));

		if (strcmp(json_string_value(json_object_get(m, "type")), "volume") == 0) {
			cleanup_free char *path = volume_data_path(c->d, src);

			json_object_set_new(o, PD_F_PATH, json_string(path));
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* issue 14, attach: its networks, eth0's addresses and its published
 * ports: its own, or its pod's. */
static void
net_json(const struct container *c, const struct pod *pod, json_t *j)
{
	const struct net_attachment *a = pod != NULL ? pod->rec.nets : c->rec.nets;
	size_t n = pod != NULL ? pod->rec.n_nets : c->rec.n_nets;
	const json_t *ports = pod != NULL ? pod->rec.spec.ports : c->rec.spec.ports;

	json_object_set_new(j, PD_F_NETWORKS, net_attachments_json(a, n));
	if (n > 0) {
		set_if(j, PD_F_IP, a[0].ip);
		set_if(j, PD_F_GATEWAY, a[0].gateway);
		set_if(j, PD_F_IP6, a[0].ip6);
	}
	json_object_set_new(j, PD_F_PORTS,
			    ports != NULL ? json_incref((json_t *)ports) : json_array());
}

json_t *
container_to_json(const struct container *c)
{
	const struct ctr_record *r = &c->rec;
	const struct ctr_spec *s = &r->spec;
	cleanup_free char *root = ctr_root_dir(c);
	json_t *j, *ns = json_object();
	struct pod *pod = NULL;
	struct pd_err ignored;
	char hostname[PD_NAME_MAX + 1];

	if (s->pod[0] != '\0')
		pod = pod_find(c->d, s->pod, &ignored);
	ctr_hostname(c, hostname, sizeof(hostname));
	j = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:O, s:O, s:o, s:b, s:b, s:o}",
		      PD_F_ID, r->id, PD_F_NAME, s->name, PD_F_STATE, ctr_state_name(r->state),
		      PD_F_CREATED, r->created, PD_F_COMMAND, s->command, PD_F_ENV, s->env,
		      PD_F_WORKDIR, s->workdir, PD_F_HOSTNAME, hostname, PD_F_CAP_ADD, s->cap_add,
		      PD_F_CAP_DROP, s->cap_drop, PD_F_CAPS, ctr_caps_json(s->caps), PD_F_READ_ONLY,
		      s->read_only, PD_F_AUTO_REMOVE, s->auto_remove, PD_F_LOG_PATH,
		      json_sprintf("%s/container.log", root));
	if (s->k8s != NULL) /* issue 12, podspec */
		json_object_update(j, s->k8s);
	if (s->priv != NULL) /* issue 13 */
		json_object_update(j, s->priv);
	/* issue 13, cgroups: the limits set and the cgroup below the parent */
	json_object_set_new(j, PD_F_LIMITS, cg_limits_json(&s->limits));
	if (cgroup_enabled(c->d)) {
		cleanup_free char *rel = ctr_cgroup_rel(c);

		json_object_set_new(j, PD_F_CGROUP_PATH, json_string(rel));
	}
	if (pod != NULL) {
		json_object_set_new(j, PD_F_POD, json_string(pod->rec.spec.name));
		json_object_set_new(j, PD_F_POD_ID, json_string(pod->rec.id));
	}
	if (s->image[0] != '\0') {
		json_object_set_new(j, PD_F_IMAGE, json_string(r->image_name));
		json_object_set_new(j, PD_F_IMAGE_ID, json_string(s->image));
	} else {
		json_object_set_new(j, PD_F_ROOTFS, json_string(s->rootfs));
	}
	for (int k = 0; k < CTR_NS_KINDS; k++) {
		char mode[PD_ID_LEN + 16];

		ctr_ns_mode_format(&s->ns[k], mode, sizeof(mode));
		set_if(j, ctr_ns_field((enum ctr_ns_kind)k), mode);
	}
	json_object_set_new(j, PD_F_EPHEMERAL, json_boolean(s->ephemeral));
	if (s->target_pid > 0)
		json_object_set_new(j, PD_F_TARGET_PROCESS, json_integer(s->target_pid));
	json_object_set_new(j, PD_F_TTY, json_boolean(s->tty));
	json_object_set_new(j, PD_F_STDIN, json_boolean(s->open_stdin));
	set_if(j, PD_F_STARTED, r->started);
	set_if(j, PD_F_FINISHED, r->finished);
	set_if(j, PD_F_REASON, r->reason);
	json_object_set_new(j, PD_F_OOM_KILLED, json_boolean(r->oom_killed)); /* issue 13 */
	if (r->state == CTR_EXITED && r->exit_code >= 0)
		json_object_set_new(j, PD_F_EXIT_CODE, json_integer(r->exit_code));
	if (r->state == CTR_EXITED)
		set_if(j, PD_F_SIGNAL, r->signal);
	if (ctr_state_up(r->state)) {
		char id[PD_NS_ID_MAX];

		cleanup_free char *run = ctr_run_dir(c);

		json_object_set_new(j, PD_F_PID, json_integer(r->pid));
		json_object_set_new(j, PD_F_SHIM_PID, json_integer(r->shim_pid));
		json_object_set_new(j, PD_F_ATTACH_SOCKET,
				    json_sprintf("%s/%s", run, PD_ATTACH_NAME));
		json_object_set_new(j, PD_F_EXEC_SESSIONS, exec_list_json(c));
		for (int t = 0; t < PD_NS_COUNT; t++)
			if (pd_ns_id(r->pid, (enum pd_ns_type)t, id, sizeof(id), &ignored) == 0)
				set_if(ns, pd_ns_desc((enum pd_ns_type)t)->name, id);
	}
	json_object_set_new(j, PD_F_NAMESPACES, ns);
	config_json(s, j);
	json_object_set_new(j, PD_F_MOUNTS, mounts_json(c));
	/* issue 12, podlife */
	json_object_set_new(j, PD_F_ROLE, json_string(pod_seq_role(c)));
	if (r->seq > 0)
		json_object_set_new(j, PD_F_SEQ, json_integer(r->seq));
	if (s->stop_timeout >= 0)
		json_object_set_new(j, PD_F_STOP_TIMEOUT, json_integer(s->stop_timeout));
	security_opt_to_json(&s->sec, j); /* issue 13 */
	probe_to_json(c, j);              /* probes branch */
	restart_json(c, j);               /* restart (issue 12) */
	net_json(c, pod, j);              /* issue 14, attach */
	return j;
}
