/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising pods; see pod_spec.h.
 */
#include "pod_spec.h"

#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "ip4.h"
#include "parse.h"
#include "port_spec.h"

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
	static const char *const allowed[] = {
	    PD_F_NAME, PD_F_HOSTNAME, PD_F_SHARE_PID, PD_F_NETWORK,         PD_F_LABELS,
	    PD_F_IP,   PD_F_DNS,      PD_F_PORTS,     PD_F_RESTART_BACKOFF, /* issue 12, restart */
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
	return pod_restart_parse(body, spec, err);
}

void
pod_spec_clear(struct pod_spec *spec)
{
	json_decref(spec->labels);
	json_decref(spec->ports);
	spec->labels = NULL;
	spec->ports = NULL;
}

void
pod_record_clear(struct pod_record *rec)
{
	pod_spec_clear(&rec->spec);
	json_decref(rec->cni_result);
	rec->cni_result = NULL;
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

	if (rec->cni_result != NULL)
		json_object_set(j, "cni_result", rec->cni_result);
	pod_life_to_json(rec, j);
	/* issue 12: restart */
	if (rec->spec.has_restart_backoff)
		json_object_set_new(j, PD_F_RESTART_BACKOFF,
				    restart_backoff_to_json(&rec->spec.restart_backoff));
	return j;
}

int
pod_record_from_json(const json_t *j, struct pod_record *rec, struct pd_err *err)
{
	const char *id, *name, *hostname, *net, *state, *created, *started, *finished, *reason;
	const char *ip_request = "", *ip = "", *gateway = "";
	json_int_t pid, start_time;
	json_t *labels, *dns = NULL, *ports = NULL, *cni_result = NULL;
	json_error_t jerr;
	int exit_code, share_pid;
	bool found = false;
	/* issue 12 (podlife, restart): optional keys, taken off a copy so that
	 * the strict unpack below sees only its own. */
	struct pod_spec backoff = {0};
	cleanup_json json_t *own = json_is_object(j) ? json_copy((json_t *)j) : NULL;
	struct pod_record life;

	/* First: a record refused below is cleared as an empty one. */
	memset(rec, 0, sizeof(*rec));
	if (own == NULL)
		return pd_fail(err, PD_E_INVALID, "bad pod record: not an object");
	if (pod_life_from_json(own, &life, err) < 0) /* issue 12, podlife */
		return -1;
	if (pod_restart_parse(j, &backoff, err) < 0) /* issue 12, restart */
		return pd_err_prefix(err, "bad pod record");
	json_object_del(own, PD_F_RESTART_BACKOFF);
	j = own;
	rec->spec.has_restart_backoff = backoff.has_restart_backoff;
	rec->spec.restart_backoff = backoff.restart_backoff;
	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT,
			   "{s:s, s:s, s:s, s:b, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s, "
			   "s?s, s?o, s?o, s?s, s?s, s?o}",
			   "id", &id, "name", &name, "hostname", &hostname, "share_pid", &share_pid,
			   "network", &net, "labels", &labels, "state", &state, "created", &created,
			   "started", &started, "finished", &finished, "infra_pid", &pid,
			   "infra_start_time", &start_time, "infra_exit_code", &exit_code, "reason",
			   &reason, "ip_request", &ip_request, "dns", &dns, "ports", &ports, "ip",
			   &ip, "gateway", &gateway, "cni_result", &cni_result) < 0)
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
	rec->cni_result = json_incref(cni_result);
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
