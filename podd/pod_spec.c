/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising pods; see pod_spec.h.
 */
#include "pod_spec.h"

#include <string.h>

#include "api.h"
#include "json.h"
#include "parse.h"

static const char *const net_names[] = {[POD_NET_NONE] = PD_NET_NONE, [POD_NET_HOST] = PD_NET_HOST};

static const char *const state_names[] = {
    [POD_CREATING] = PD_STATE_CREATING, [POD_RUNNING] = PD_STATE_RUNNING,
    [POD_STOPPING] = PD_STATE_STOPPING, [POD_STOPPED] = PD_STATE_STOPPED,
    [POD_EXITED] = PD_STATE_EXITED,
};

#define N_NETS   (sizeof(net_names) / sizeof(net_names[0]))
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

const char *
pod_net_name(enum pod_net net)
{
	return net_names[net];
}

const char *
pod_state_name(enum pod_state state)
{
	return state_names[state];
}

static int
net_parse(const char *s, enum pod_net *net, struct pd_err *err)
{
	for (size_t i = 0; i < N_NETS; i++) {
		if (strcmp(s, net_names[i]) == 0) {
			*net = (enum pod_net)i;
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID, "unknown network mode \"%.32s\" (use none or host)", s);
}

static int
labels_parse(const json_t *labels, struct pd_err *err)
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

int
pod_spec_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_NAME,    PD_F_HOSTNAME, PD_F_SHARE_PID,
					      PD_F_NETWORK, PD_F_LABELS,   NULL};
	const char *name = NULL, *hostname = NULL, *net = PD_NET_NONE;
	json_t *labels;

	memset(spec, 0, sizeof(*spec));
	if (pd_json_check_keys(body, "pod", allowed, err) < 0)
		return -1;
	if (pd_json_get_string(body, PD_F_NAME, &name, err) < 0 ||
	    pd_json_get_string(body, PD_F_HOSTNAME, &hostname, err) < 0 ||
	    pd_json_get_string(body, PD_F_NETWORK, &net, err) < 0 ||
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
	if (net_parse(net, &spec->net, err) < 0)
		return -1;
	labels = json_object_get(body, PD_F_LABELS);
	if (labels != NULL && !json_is_null(labels)) {
		if (labels_parse(labels, err) < 0)
			return -1;
		spec->labels = json_deep_copy(labels);
	} else {
		spec->labels = json_object();
	}
	return 0;
}

void
pod_spec_clear(struct pod_spec *spec)
{
	json_decref(spec->labels);
	spec->labels = NULL;
}

json_t *
pod_record_to_json(const struct pod_record *rec)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:O, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s}",
			 "id", rec->id, "name", rec->spec.name, "hostname", rec->spec.hostname,
			 "share_pid", rec->spec.share_pid, "network", pod_net_name(rec->spec.net),
			 "labels", rec->spec.labels, "state", pod_state_name(rec->state), "created",
			 rec->created, "started", rec->started, "finished", rec->finished,
			 "infra_pid", (json_int_t)rec->infra_pid, "infra_start_time",
			 (json_int_t)rec->infra_start_time, "infra_exit_code", rec->infra_exit_code,
			 "reason", rec->reason);
}

int
pod_record_from_json(const json_t *j, struct pod_record *rec, struct pd_err *err)
{
	const char *id, *name, *hostname, *net, *state, *created, *started, *finished, *reason;
	json_int_t pid, start_time;
	json_t *labels;
	json_error_t jerr;
	int exit_code, share_pid;
	bool found = false;

	memset(rec, 0, sizeof(*rec));
	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT,
			   "{s:s, s:s, s:s, s:b, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:s}",
			   "id", &id, "name", &name, "hostname", &hostname, "share_pid", &share_pid,
			   "network", &net, "labels", &labels, "state", &state, "created", &created,
			   "started", &started, "finished", &finished, "infra_pid", &pid,
			   "infra_start_time", &start_time, "infra_exit_code", &exit_code, "reason",
			   &reason) < 0)
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
	if (net_parse(net, &rec->spec.net, err) < 0 || labels_parse(labels, err) < 0)
		return pd_err_prefix(err, "bad pod record");
	rec->spec.labels = json_incref(labels);
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
