/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising pods; see pod_spec.h.
 */
#include "pod_spec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "ip4.h"
#include "parse.h"
#include "pod_volume.h"
#include "port_spec.h"
#include "xalloc.h"

static const char *const state_names[] = {
    [POD_CREATING] = PD_STATE_CREATING, [POD_RUNNING] = PD_STATE_RUNNING,
    [POD_STOPPING] = PD_STATE_STOPPING, [POD_STOPPED] = PD_STATE_STOPPED,
    [POD_EXITED] = PD_STATE_EXITED,
};

#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

const char *
pod_net_name(const struct pod_spec *spec)
{
	switch (spec->net) {
	case POD_NET_NONE:
		return PD_NET_NONE;
	case POD_NET_HOST:
		return PD_NET_HOST;
	case POD_NET_CNI:
		break;
	}
	return spec->network;
}

const char *
pod_state_name(enum pod_state state)
{
	return state_names[state];
}

/* "none", "host", "bridge" (the default network) or a network's name. */
static int
net_parse(const char *s, struct pod_spec *spec, struct pd_err *err)
{
	spec->network[0] = '\0';
	if (strcmp(s, PD_NET_NONE) == 0) {
		spec->net = POD_NET_NONE;
		return 0;
	}
	if (strcmp(s, PD_NET_HOST) == 0) {
		spec->net = POD_NET_HOST;
		return 0;
	}
	if (strcmp(s, PD_NET_BRIDGE) == 0)
		s = PD_NET_DEFAULT;
	if (pd_name_validate(s, "network", err) < 0)
		return -1;
	spec->net = POD_NET_CNI;
	memcpy(spec->network, s, strlen(s) + 1);
	return 0;
}

/* An address, stored in its canonical form. */
static int
ip_parse(const char *s, char out[16], const char *what, struct pd_err *err)
{
	uint32_t a;

	if (ip4_parse(s, &a, err) < 0)
		return pd_err_prefix(err, "%s", what);
	ip4_format(a, out);
	return 0;
}

int
pod_ports_parse(const json_t *ports, json_t **out, struct pd_err *err)
{
	struct port_list list = {0};
	const json_t *v;
	size_t i;
	int r = 0;

	*out = NULL;
	if (ports != NULL && !json_is_null(ports) && !json_is_array(ports))
		return pd_fail(err, PD_E_INVALID, "field \"ports\" must be an array");
	json_array_foreach (ports, i, v) {
		struct port_map map;

		if (json_is_string(v)) {
			r = port_spec_parse(json_string_value(v), &list, err);
		} else {
			r = port_map_from_json(v, &map, err);
			if (r == 0 && list.n >= PORT_LIST_MAX_MAPS)
				r = pd_fail(err, PD_E_TOO_LARGE, "more than %d published ports",
					    PORT_LIST_MAX_MAPS);
			if (r == 0)
				port_list_append(&list, &map);
		}
		if (r < 0)
			break;
	}
	if (r == 0)
		r = port_list_check(&list, err);
	if (r == 0)
		*out = port_list_to_json(&list);
	port_list_clear(&list);
	return r;
}

static int
dns_parse(const json_t *dns, struct pod_spec *spec, struct pd_err *err)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(dns))
		return pd_fail(err, PD_E_INVALID, "field \"dns\" must be an array of addresses");
	if (json_array_size(dns) > POD_DNS_MAX)
		return pd_fail(err, PD_E_INVALID, "at most %d dns servers", POD_DNS_MAX);
	json_array_foreach (dns, i, v) {
		if (!json_is_string(v))
			return pd_fail(err, PD_E_INVALID,
				       "field \"dns\" must be an array of addresses");
		if (ip_parse(json_string_value(v), spec->dns[i], "dns", err) < 0)
			return -1;
	}
	return 0;
}

int
pod_labels_check(const json_t *labels, struct pd_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(labels))
		return pd_fail(err, PD_E_INVALID, "field \"labels\" must be an object of strings");
	if (json_object_size(labels) > PD_API_MAX_LABELS)
		return pd_fail(err, PD_E_INVALID, "more than %d labels", PD_API_MAX_LABELS);
	json_object_foreach ((json_t *)labels, key, v) {
		if (key[0] == '\0')
			return pd_fail(err, PD_E_INVALID, "a label has an empty key");
		if (strlen(key) > PD_API_MAX_LABEL)
			return pd_fail(err, PD_E_INVALID, "a label key is over %d bytes",
				       PD_API_MAX_LABEL);
		if (!json_is_string(v))
			return pd_fail(err, PD_E_INVALID, "label \"%.64s\" must be a string", key);
		if (strlen(json_string_value(v)) > PD_API_MAX_LABEL)
			return pd_fail(err, PD_E_INVALID, "label \"%.64s\" is over %d bytes", key,
				       PD_API_MAX_LABEL);
	}
	return 0;
}

/* issue 12, restart: "restart_backoff" of a create body or a record. */
static int
pod_restart_parse(const json_t *obj, struct pod_spec *spec, struct pd_err *err)
{
	json_t *backoff = json_object_get(obj, PD_F_RESTART_BACKOFF);

	if (backoff != NULL && !json_is_null(backoff)) {
		if (restart_backoff_from_json(backoff, &spec->restart_backoff, err) < 0)
			return -1;
		spec->has_restart_backoff = true;
	}
	return 0;
}

int
pod_spec_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME,
					      PD_F_HOSTNAME,
					      PD_F_SHARE_PID,
					      PD_F_NETWORK,
					      PD_F_LABELS,
					      PD_F_IP,
					      PD_F_DNS,
					      PD_F_PORTS,
					      POD_SPEC_K8S_KEYS,
					      PD_F_RESTART_BACKOFF, /* issue 12, restart */
					      PD_F_LIMITS,          /* issue 13, cgroups */
					      PD_F_USERNS,          /* issue 13 */
					      NULL};
	const char *name = NULL, *hostname = NULL, *net = PD_NET_BRIDGE, *ip = NULL;
	json_t *labels, *dns, *ports;
	/* issue 12, podlife: its keys, checked by pod_life_parse. */
	cleanup_json json_t *rest = pod_life_strip(body);

	memset(spec, 0, sizeof(*spec));
	if (pd_json_check_keys(rest, "pod", allowed, err) < 0 ||
	    pod_life_parse(body, spec, err) < 0)
		return -1;
	if (pd_json_get_string(body, PD_F_NAME, &name, err) < 0 ||
	    pd_json_get_string(body, PD_F_HOSTNAME, &hostname, err) < 0 ||
	    pd_json_get_string(body, PD_F_NETWORK, &net, err) < 0 ||
	    pd_json_get_string(body, PD_F_IP, &ip, err) < 0 ||
	    pd_json_get_bool(body, PD_F_SHARE_PID, &spec->share_pid, err) < 0)
		return -1;
	if (name == NULL)
		return pd_fail(err, PD_E_INVALID, "field \"name\" is required");
	if (pd_name_validate(name, "pod name", err) < 0)
		return -1;
	memcpy(spec->name, name, strlen(name) + 1);
	if (hostname == NULL)
		hostname = name;
	else if (pd_name_validate(hostname, "hostname", err) < 0)
		return -1;
	memcpy(spec->hostname, hostname, strlen(hostname) + 1);
	if (net_parse(net, spec, err) < 0)
		return -1;
	if (ip != NULL && ip_parse(ip, spec->ip, "ip", err) < 0)
		return -1;
	dns = json_object_get(body, PD_F_DNS);
	if (dns != NULL && !json_is_null(dns) && dns_parse(dns, spec, err) < 0)
		return -1;
	ports = json_object_get(body, PD_F_PORTS);
	if (pod_ports_parse(ports, &spec->ports, err) < 0)
		return -1;
	if (spec->net != POD_NET_CNI && (spec->ip[0] != '\0' || json_array_size(spec->ports) > 0))
		return pd_fail(err, PD_E_INVALID,
			       "an address and published ports need a network "
			       "(not --net %s)",
			       net);
	labels = json_object_get(body, PD_F_LABELS);
	if (labels != NULL && !json_is_null(labels)) {
		if (pod_labels_check(labels, err) < 0)
			return -1;
		spec->labels = json_deep_copy(labels);
	} else {
		spec->labels = json_object();
	}
	if (pod_restart_parse(body, spec, err) < 0)
		return -1;
	if (cg_limits_parse(json_object_get(body, PD_F_LIMITS), &spec->limits, err) < 0)
		return -1;                                   /* issue 13, cgroups */
	if (userns_parse_mode(body, &spec->userns, err) < 0) /* issue 13 */
		return -1;
	return pod_spec_k8s_parse(body, spec, err);
}

void
pod_spec_clear(struct pod_spec *spec)
{
	json_decref(spec->labels);
	json_decref(spec->ports);
	json_decref(spec->k8s);
	spec->labels = NULL;
	spec->ports = NULL;
	spec->k8s = NULL;
}

void
pod_record_clear(struct pod_record *rec)
{
	pod_spec_clear(&rec->spec);
	net_attachments_free(rec->nets, rec->n_nets);
	rec->nets = NULL;
	rec->n_nets = 0;
}

json_t *
pod_dns_json(const struct pod_spec *spec)
{
	json_t *a = json_array();

	for (int i = 0; i < POD_DNS_MAX && spec->dns[i][0] != '\0'; i++)
		json_array_append_new(a, json_string(spec->dns[i]));
	return a;
}

json_t *
pod_record_to_json(const struct pod_record *rec)
{
	json_t *j = json_pack(
	    "{s:s, s:s, s:s, s:b, s:s, s:O, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:o, s:O, "
	    "s:s, s:s}",
	    "id", rec->id, "name", rec->spec.name, "hostname", rec->spec.hostname, "share_pid",
	    rec->spec.share_pid, "network", pod_net_name(&rec->spec), "labels", rec->spec.labels,
	    "state", pod_state_name(rec->state), "created", rec->created, "started", rec->started,
	    "finished", rec->finished, "infra_pid", (json_int_t)rec->infra_pid, "infra_start_time",
	    (json_int_t)rec->infra_start_time, "infra_exit_code", rec->infra_exit_code, "reason",
	    rec->reason, "ip_request", rec->spec.ip, "dns", pod_dns_json(&rec->spec), "ports",
	    rec->spec.ports, "ip", rec->ip, "gateway", rec->gateway);

	if (rec->n_nets > 0)
		json_object_set_new(j, "attachments",
				    net_attachments_to_record(rec->nets, rec->n_nets));
	pod_life_to_json(rec, j);
	/* issue 12: restart */
	if (rec->spec.has_restart_backoff)
		json_object_set_new(j, PD_F_RESTART_BACKOFF,
				    restart_backoff_to_json(&rec->spec.restart_backoff));
	if (rec->spec.k8s != NULL) /* issue 12, podspec */
		json_object_update(j, rec->spec.k8s);
	if (!cg_limits_empty(&rec->spec.limits)) /* issue 13, cgroups */
		json_object_set_new(j, PD_F_LIMITS, cg_limits_json(&rec->spec.limits));
	if (rec->spec.userns.mode != USERNS_HOST) /* issue 13 */
		json_object_set_new(j, PD_F_USERNS, userns_ids_json(&rec->spec.userns));
	return j;
}

/* A record older than attachments: its one attachment, from the network,
 * the address and the ADD's result it kept. */
static void
old_attachment(struct pod_record *rec, json_t *cni_result)
{
	struct net_attachment *a = xcalloc(1, sizeof(*a));
	struct pd_err ignored;

	net_attachment_init(a, rec->spec.network, "eth0");
	if (cni_result != NULL &&
	    net_attachment_take_result(a, json_incref(cni_result), &ignored) < 0) {
		a->cni_result = json_incref(cni_result);
		memcpy(a->ip, rec->ip, sizeof(a->ip));
		memcpy(a->gateway, rec->gateway, sizeof(a->gateway));
	}
	rec->nets = a;
	rec->n_nets = 1;
}

void
pod_record_sync_views(struct pod_record *rec)
{
	const struct net_attachment *a = rec->n_nets > 0 ? &rec->nets[0] : NULL;

	(void)snprintf(rec->ip, sizeof(rec->ip), "%s", a != NULL ? a->ip : "");
	(void)snprintf(rec->gateway, sizeof(rec->gateway), "%s", a != NULL ? a->gateway : "");
}

int
pod_record_from_json(const json_t *j, struct pod_record *rec, struct pd_err *err)
{
	const char *id, *name, *hostname, *net, *state, *created, *started, *finished, *reason;
	const char *ip_request = "", *ip = "", *gateway = "";
	json_int_t pid, start_time;
	json_t *labels, *dns = NULL, *ports = NULL, *cni_result = NULL, *attachments = NULL;
	json_error_t jerr;
	int exit_code, share_pid;
	bool found = false;
	/* issue 12 (podlife, restart): optional keys, taken off a copy so that
	 * the strict unpack below sees only its own. */
	struct pod_spec backoff = {0};
	cleanup_json json_t *own = json_is_object(j) ? json_copy((json_t *)j) : NULL;
	struct pod_record life;
	static const char *const k8s_keys[] = {POD_SPEC_K8S_KEYS};

	/* First: a record refused below is cleared as an empty one. */
	memset(rec, 0, sizeof(*rec));
	if (own == NULL)
		return pd_fail(err, PD_E_INVALID, "bad pod record: not an object");
	if (pod_life_from_json(own, &life, err) < 0) /* issue 12, podlife */
		return -1;
	if (pod_restart_parse(j, &backoff, err) < 0) /* issue 12, restart */
		return pd_err_prefix(err, "bad pod record");
	json_object_del(own, PD_F_RESTART_BACKOFF);
	/* issue 13: absent in records older than user namespaces (host) */
	if (userns_ids_from_json(json_object_get(j, PD_F_USERNS), &backoff.userns, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	json_object_del(own, PD_F_USERNS);
	rec->spec.userns = backoff.userns;
	rec->spec.has_restart_backoff = backoff.has_restart_backoff;
	rec->spec.restart_backoff = backoff.restart_backoff;
	/* issue 12, podspec: its keys come off the copy too. */
	if (pod_spec_k8s_parse(j, &rec->spec, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	for (size_t i = 0; i < sizeof(k8s_keys) / sizeof(k8s_keys[0]); i++)
		json_object_del(own, k8s_keys[i]);
	/* issue 13, cgroups: optional, records before them have none */
	if (cg_limits_parse(json_object_get(j, PD_F_LIMITS), &rec->spec.limits, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	json_object_del(own, PD_F_LIMITS);
	if (json_unpack_ex(own, &jerr, JSON_STRICT,
			   "{s:s, s:s, s:s, s:b, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, "
			   "s?s, s?o, s?o, s?s, s?s, s?o, s?o}",
			   "id", &id, "name", &name, "hostname", &hostname, "share_pid", &share_pid,
			   "network", &net, "labels", &labels, "state", &state, "created", &created,
			   "started", &started, "finished", &finished, "infra_pid", &pid,
			   "infra_start_time", &start_time, "infra_exit_code", &exit_code, "reason",
			   &reason, "ip_request", &ip_request, "dns", &dns, "ports", &ports, "ip",
			   &ip, "gateway", &gateway, "cni_result", &cni_result, "attachments",
			   &attachments) < 0)
		return pd_fail(err, PD_E_INVALID, "bad pod record: %s", jerr.text);
	if (strlen(id) != PD_ID_LEN || !pd_is_id_prefix(id))
		return pd_fail(err, PD_E_INVALID, "bad pod record: bad id");
	memcpy(rec->id, id, PD_ID_LEN + 1);
	if (pd_name_validate(name, "pod name", err) < 0 ||
	    pd_name_validate(hostname, "hostname", err) < 0)
		return pd_err_prefix(err, "bad pod record");
	memcpy(rec->spec.name, name, strlen(name) + 1);
	memcpy(rec->spec.hostname, hostname, strlen(hostname) + 1);
	rec->spec.share_pid = share_pid;
	if (net_parse(net, &rec->spec, err) < 0 || pod_labels_check(labels, err) < 0 ||
	    (ip_request[0] != '\0' && ip_parse(ip_request, rec->spec.ip, "ip", err) < 0) ||
	    (ip[0] != '\0' && ip_parse(ip, rec->ip, "ip", err) < 0) ||
	    (gateway[0] != '\0' && ip_parse(gateway, rec->gateway, "gateway", err) < 0) ||
	    (dns != NULL && dns_parse(dns, &rec->spec, err) < 0) ||
	    pod_ports_parse(ports, &rec->spec.ports, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	if (cni_result != NULL && !json_is_object(cni_result))
		return pd_fail(err, PD_E_INVALID, "bad pod record: cni_result is not an object");
	rec->spec.labels = json_incref(labels);
	if (attachments != NULL &&
	    net_attachments_from_record(attachments, &rec->nets, &rec->n_nets, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	if (attachments == NULL && rec->spec.net == POD_NET_CNI)
		old_attachment(rec, cni_result);
	pod_record_sync_views(rec);
	memcpy(rec->spec.restart_policy, life.spec.restart_policy,
	       sizeof(rec->spec.restart_policy));
	rec->spec.termination_grace_period = life.spec.termination_grace_period;
	rec->spec.active_deadline = life.spec.active_deadline;
	rec->seq_active = life.seq_active;
	rec->deadline_exceeded = life.deadline_exceeded;
	for (size_t i = 0; i < N_STATES && !found; i++) {
		if (strcmp(state, state_names[i]) == 0) {
			rec->state = (enum pod_state)i;
			found = true;
		}
	}
	if (!found)
		return pd_fail(err, PD_E_INVALID, "bad pod record: unknown state \"%.32s\"", state);
	if (pid < 0 || pid > 4194304 || start_time < 0 || exit_code < -1 || exit_code > 255)
		return pd_fail(err, PD_E_INVALID, "bad pod record: infra fields out of range");
	rec->infra_pid = (pid_t)pid;
	rec->infra_start_time = (uint64_t)start_time;
	rec->infra_exit_code = exit_code;
	if (pd_copy_bounded(rec->created, sizeof(rec->created), created, "created", err) < 0 ||
	    pd_copy_bounded(rec->started, sizeof(rec->started), started, "started", err) < 0 ||
	    pd_copy_bounded(rec->finished, sizeof(rec->finished), finished, "finished", err) < 0 ||
	    pd_copy_bounded(rec->reason, sizeof(rec->reason), reason, "reason", err) < 0)
		return pd_err_prefix(err, "bad pod record");
	return 0;
}

/* ---- issue 12, podlife: the pod's lifecycle keys ---------------------- */

static int
policy_parse(const char *s, char out[16], struct pd_err *err)
{
	static const char *const policies[] = {PD_POLICY_ALWAYS, PD_POLICY_ON_FAILURE,
					       PD_POLICY_NEVER};

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (strcmp(s, policies[i]) == 0) {
			memcpy(out, policies[i], strlen(policies[i]) + 1);
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID,
		       "restart_policy: \"%.32s\" is not Always, OnFailure or Never", s);
}

json_t *
pod_life_strip(const json_t *body)
{
	json_t *rest;

	if (!json_is_object(body))
		return json_incref((json_t *)body);
	rest = json_copy((json_t *)body);
	json_object_del(rest, PD_F_RESTART_POLICY);
	json_object_del(rest, PD_F_GRACE_PERIOD);
	json_object_del(rest, PD_F_ACTIVE_DEADLINE);
	return rest;
}

int
pod_life_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err)
{
	const char *policy = NULL;
	long long grace = -1, deadline = 0;

	if (pd_json_get_string(body, PD_F_RESTART_POLICY, &policy, err) < 0 ||
	    pd_json_get_int(body, PD_F_GRACE_PERIOD, 0, PD_STOP_TIMEOUT_MAX_S, &grace, err) < 0 ||
	    pd_json_get_int(body, PD_F_ACTIVE_DEADLINE, 1, PD_DEADLINE_MAX_S, &deadline, err) < 0)
		return -1;
	spec->restart_policy[0] = '\0';
	if (policy != NULL && policy_parse(policy, spec->restart_policy, err) < 0)
		return -1;
	spec->termination_grace_period = grace;
	spec->active_deadline = deadline;
	return 0;
}

void
pod_life_to_json(const struct pod_record *rec, json_t *j)
{
	const struct pod_spec *s = &rec->spec;

	if (s->restart_policy[0] != '\0')
		json_object_set_new(j, PD_F_RESTART_POLICY, json_string(s->restart_policy));
	if (s->termination_grace_period >= 0)
		json_object_set_new(j, PD_F_GRACE_PERIOD,
				    json_integer(s->termination_grace_period));
	if (s->active_deadline > 0)
		json_object_set_new(j, PD_F_ACTIVE_DEADLINE, json_integer(s->active_deadline));
	if (rec->seq_active)
		json_object_set_new(j, "seq_active", json_true());
	if (rec->deadline_exceeded)
		json_object_set_new(j, PD_F_DEADLINE_HIT, json_true());
}

int
pod_life_from_json(json_t *rest, struct pod_record *rec, struct pd_err *err)
{
	const json_t *seq = json_object_get(rest, "seq_active");
	const json_t *hit = json_object_get(rest, PD_F_DEADLINE_HIT);

	memset(rec, 0, sizeof(*rec));
	if (pod_life_parse(rest, &rec->spec, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	if ((seq != NULL && !json_is_boolean(seq)) || (hit != NULL && !json_is_boolean(hit)))
		return pd_fail(err, PD_E_INVALID, "bad pod record: bad lifecycle flags");
	rec->seq_active = json_is_true(seq);
	rec->deadline_exceeded = json_is_true(hit);
	json_object_del(rest, PD_F_RESTART_POLICY);
	json_object_del(rest, PD_F_GRACE_PERIOD);
	json_object_del(rest, PD_F_ACTIVE_DEADLINE);
	json_object_del(rest, "seq_active");
	json_object_del(rest, PD_F_DEADLINE_HIT);
	return 0;
}

/* ---- issue 12, podspec: the Kubernetes-facing fields -------------------- */

/* A DNS name as resolv.conf and /etc/hosts take it: [A-Za-z0-9_.-], labels
 * of at most 63, at most 253 in all. */
static bool
is_dns_name(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

static int
annotations_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	size_t total = 0;
	const char *key;
	json_t *v;

	if (!json_is_object(a))
		return pd_fail(err, PD_E_INVALID,
			       "field \"annotations\" must be an object of strings");
	json_object_foreach ((json_t *)a, key, v) {
		if (key[0] == '\0' || strlen(key) > 253)
			return pd_fail(err, PD_E_INVALID, "annotation key \"%.64s\" is invalid",
				       key);
		if (!json_is_string(v))
			return pd_fail(err, PD_E_INVALID, "annotation \"%.64s\" must be a string",
				       key);
		total += strlen(key) + json_string_length(v);
	}
	if (total > POD_ANNOTATIONS_MAX)
		return pd_fail(err, PD_E_INVALID, "annotations are over %d bytes",
			       POD_ANNOTATIONS_MAX);
	json_object_set_new(out, "annotations", json_deep_copy(a));
	return 0;
}

/* An IPv4 or IPv6 address, canonical. */
static int
any_ip_parse(const char *s, json_t **out, struct pd_err *err)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	uint32_t a4;
	struct pd_err ignored;

	if (ip4_parse(s, &a4, &ignored) == 0) {
		ip4_format(a4, buf);
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		inet_ntop(AF_INET6, &a6, buf, sizeof(buf));
	} else {
		return pd_fail(err, PD_E_INVALID, "\"%.64s\" is not an IP address", s);
	}
	*out = json_string(buf);
	return 0;
}

static int
host_aliases_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	json_t *list = json_array();
	const json_t *e;
	size_t i;

	json_object_set_new(out, "host_aliases", list);
	if (!json_is_array(a) || json_array_size(a) > POD_HOST_ALIASES_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "field \"host_aliases\" must be an array of at most %d",
			       POD_HOST_ALIASES_MAX);
	json_array_foreach (a, i, e) {
		static const char *const allowed[] = {"ip", "hostnames", NULL};
		const char *ip = NULL;
		const json_t *names = json_object_get(e, "hostnames"), *n;
		json_t *canon = NULL, *hn = json_array();
		size_t k;

		if (pd_json_check_keys(e, "host alias", allowed, err) < 0 ||
		    pd_json_get_string(e, "ip", &ip, err) < 0 || ip == NULL ||
		    any_ip_parse(ip, &canon, err) < 0) {
			json_decref(hn);
			if (err->kind == 0 || ip == NULL)
				pd_fail(err, PD_E_INVALID, "a host alias needs \"ip\"");
			return pd_err_prefix(err, "host_aliases %zu", i);
		}
		json_array_append_new(list, json_pack("{s:o, s:o}", "ip", canon, "hostnames", hn));
		if (!json_is_array(names) || json_array_size(names) == 0 ||
		    json_array_size(names) > 16)
			return pd_fail(err, PD_E_INVALID,
				       "host_aliases %zu: \"hostnames\" must be 1 to 16 names", i);
		json_array_foreach (names, k, n) {
			if (!json_is_string(n) || !is_dns_name(json_string_value(n)))
				return pd_fail(err, PD_E_INVALID,
					       "host_aliases %zu: \"%.64s\" is not a host name", i,
					       json_is_string(n) ? json_string_value(n) : "");
			json_array_append_new(hn, json_string(json_string_value(n)));
		}
	}
	return 0;
}

/* issue 14, dns: "aliases", names of the pod in its network's DNS. */
static int
pod_aliases_parse(const json_t *a, json_t *out, struct pd_err *err)
{
	const json_t *e;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > POD_ALIASES_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "field \"aliases\" must be an array of at most %d", POD_ALIASES_MAX);
	json_array_foreach (a, i, e) {
		const char *s = json_string_value(e);

		if (s == NULL || !is_dns_name(s))
			return pd_fail(err, PD_E_INVALID,
				       "network alias \"%.64s\" is not a host name",
				       s != NULL ? s : "");
	}
	json_object_set_new(out, PD_F_ALIASES, json_deep_copy(a));
	return 0;
}

/* dns_search: names; dns_options: "name" or "name:value", no blanks. */
static int
dns_list_parse(const json_t *a, const char *key, size_t max, json_t *out, struct pd_err *err)
{
	const json_t *e;
	size_t i, total = 0;

	if (!json_is_array(a) || json_array_size(a) > max)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" must be an array of at most %zu",
			       key, max);
	json_array_foreach (a, i, e) {
		const char *s = json_string_value(e);
		bool ok = s != NULL && s[0] != '\0' && strlen(s) <= 253;

		for (size_t k = 0; ok && s[k] != '\0'; k++)
			ok = (unsigned char)s[k] > ' ' && (unsigned char)s[k] < 0x7f;
		if (ok && strcmp(key, "dns_search") == 0)
			ok = is_dns_name(s);
		if (!ok)
			return pd_fail(err, PD_E_INVALID, "field \"%s\": \"%.64s\" is invalid", key,
				       s != NULL ? s : "");
		total += strlen(s) + 1;
	}
	if (total > 2048)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is over 2048 bytes", key);
	json_object_set_new(out, key, json_deep_copy(a));
	return 0;
}

int
pod_dns_keys_parse(const json_t *body, bool with_dns, json_t *out, struct pd_err *err)
{
	const json_t *v;

	if ((v = json_object_get(body, "host_aliases")) != NULL && !json_is_null(v) &&
	    host_aliases_parse(v, out, err) < 0)
		return -1;
	if ((v = json_object_get(body, "dns_search")) != NULL && !json_is_null(v) &&
	    dns_list_parse(v, "dns_search", POD_DNS_SEARCH_MAX, out, err) < 0)
		return -1;
	if ((v = json_object_get(body, "dns_options")) != NULL && !json_is_null(v) &&
	    dns_list_parse(v, "dns_options", POD_DNS_OPTIONS_MAX, out, err) < 0)
		return -1;
	if ((v = json_object_get(body, PD_F_ALIASES)) != NULL && !json_is_null(v) &&
	    pod_aliases_parse(v, out, err) < 0) /* issue 14, dns */
		return -1;
	if (with_dns && (v = json_object_get(body, PD_F_DNS)) != NULL && !json_is_null(v)) {
		json_t *list = json_array(), *canon;
		const json_t *e;
		size_t i;

		json_object_set_new(out, PD_F_DNS, list);
		if (!json_is_array(v) || json_array_size(v) > POD_DNS_MAX)
			return pd_fail(err, PD_E_INVALID,
				       "field \"dns\" must be an array of at most %d addresses",
				       POD_DNS_MAX);
		json_array_foreach (v, i, e) {
			if (any_ip_parse(json_is_string(e) ? json_string_value(e) : "", &canon,
					 err) < 0)
				return pd_err_prefix(err, "field \"dns\"");
			json_array_append_new(list, canon);
		}
	}
	return 0;
}

int
pod_spec_k8s_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err)
{
	json_t *out = json_object(), *v, *volumes = NULL;
	const char *subdomain = NULL;

	json_decref(spec->k8s);
	spec->k8s = out;
	if (pd_json_get_bool(body, "host_pid", &spec->host_pid, err) < 0 ||
	    pd_json_get_bool(body, "host_ipc", &spec->host_ipc, err) < 0 ||
	    pd_json_get_string(body, "subdomain", &subdomain, err) < 0)
		return -1;
	if (spec->host_pid && spec->share_pid)
		return pd_fail(err, PD_E_INVALID,
			       "host_pid and share_pid conflict: the host's PID namespace is not "
			       "the pod's to share");
	if (json_object_get(body, "host_pid") != NULL)
		json_object_set_new(out, "host_pid", json_boolean(spec->host_pid));
	if (json_object_get(body, "host_ipc") != NULL)
		json_object_set_new(out, "host_ipc", json_boolean(spec->host_ipc));
	if (subdomain != NULL) {
		if (pd_name_validate(subdomain, "subdomain", err) < 0)
			return -1;
		json_object_set_new(out, "subdomain", json_string(subdomain));
	}
	if ((v = json_object_get(body, "annotations")) != NULL && !json_is_null(v) &&
	    annotations_parse(v, out, err) < 0)
		return -1;
	if (pod_dns_keys_parse(body, false, out, err) < 0)
		return -1;
	if ((v = json_object_get(body, "kube")) != NULL && !json_is_null(v)) {
		cleanup_free char *dump = NULL;

		if (!json_is_object(v))
			return pd_fail(err, PD_E_INVALID, "field \"kube\" must be an object");
		dump = json_dumps(v, JSON_COMPACT);
		if (dump == NULL || strlen(dump) > POD_KUBE_MAX)
			return pd_fail(err, PD_E_INVALID, "field \"kube\" is over %d bytes",
				       POD_KUBE_MAX);
		json_object_set_new(out, "kube", json_deep_copy(v));
	}
	if (pod_volumes_parse(json_object_get(body, "volumes"), &volumes, err) < 0)
		return -1;
	json_object_set_new(out, "volumes", volumes);
	return 0;
}

json_t *
pod_spec_k8s_public(const struct pod_spec *spec)
{
	/* All of it: podctl kube generate writes a secret's data back out,
	 * and the socket is as guarded as the record (root and group podd). */
	return json_deep_copy(spec->k8s);
}

char *
pod_etc_hosts(const char *hosts, const json_t *k8s)
{
	const json_t *aliases = json_object_get(k8s, "host_aliases"), *a, *n;
	char *buf = NULL;
	size_t len = 0, i, k;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL)
		abort();
	fputs(hosts, out);
	if (json_array_size(aliases) > 0)
		fputs("\n# Entries added by HostAliases.\n", out);
	json_array_foreach (aliases, i, a) {
		fputs(json_string_value(json_object_get(a, "ip")), out);
		json_array_foreach (json_object_get(a, "hostnames"), k, n)
			fprintf(out, "\t%s", json_string_value(n));
		fputc('\n', out);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}

/* Whether the line at @p starts with the word @w. */
static bool
line_is(const char *p, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n > wl && strncmp(p, w, wl) == 0 && (p[wl] == ' ' || p[wl] == '\t');
}

char *
pod_etc_resolv(const char *resolv, size_t len, const json_t *k8s)
{
	const json_t *search = json_object_get(k8s, "dns_search");
	const json_t *options = json_object_get(k8s, "dns_options"), *v;
	char *buf = NULL;
	size_t blen = 0, i;
	FILE *out = open_memstream(&buf, &blen);
	const char *p = resolv, *end = resolv + len;

	if (out == NULL)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (!(search != NULL && (line_is(p, n, "search") || line_is(p, n, "domain"))) &&
		    !(options != NULL && line_is(p, n, "options"))) {
			(void)fwrite(p, 1, n, out);
			fputc('\n', out);
		}
		p += n + 1;
	}
	if (json_array_size(search) > 0) {
		fputs("search", out);
		json_array_foreach (search, i, v)
			fprintf(out, " %s", json_string_value(v));
		fputc('\n', out);
	}
	if (json_array_size(options) > 0) {
		fputs("options", out);
		json_array_foreach (options, i, v)
			fprintf(out, " %s", json_string_value(v));
		fputc('\n', out);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}
