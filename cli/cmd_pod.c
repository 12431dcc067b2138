/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl pod ...`: create, list, inspect, start, stop and remove pods. Each
 * command checks its flags and names here, so a typo gets a quick one-line
 * answer, then makes its requests through client.c; podd checks everything
 * again. Commands that take several pods go on after a failed one and exit
 * with the error's code at the end, as docker's do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "json.h"
#include "dns_flags.h"
#include "limits_flags.h"
#include "name.h"
#include "output.h"
#include "parse.h"
#include "restart_policy.h"
#include "timefmt.h"
#include "xalloc.h"

/* The actions under PD_PATH_PODS "/{name|id}/" (lib/api.h's list). */

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)
#define STOP_DEFAULT  STRINGIFY(PD_STOP_TIMEOUT_DEFAULT_S)

/* A pod as the user names it: its name, or its id or an id prefix. */
static int
check_ref(const char *ref, struct pd_err *err)
{
	if (pd_is_id_prefix(ref))
		return 0;
	return pd_name_validate(ref, "pod name", err);
}

/* PD_PATH_PODS/REF[/ACTION][?QUERY]; REF was checked, so it needs no
 * escaping. */
static char *
pod_path(const char *ref, const char *action, const char *query)
{
	return xasprintf("%s/%s%s%s%s%s", PD_PATH_PODS, ref, action ? "/" : "",
			 action ? action : "", query ? "?" : "", query ? query : "");
}

/* An error of the connection itself (podd not there, the socket not ours)
 * would only repeat for every other pod. Those carry an errno; podd's own
 * answers never do. */
static bool
is_fatal(const struct pd_err *err)
{
	return err->errnum != 0;
}

/* Send @method to each pod of @f's operands (with /@action and ?@query if
 * not NULL) and print each one done, as the user named it. */
static int
each_pod(struct podctl *ctl, const struct flags *f, const char *method, const char *action,
	 const char *query)
{
	int rc = 0;

	for (size_t i = 0; i < f->nargs; i++) {
		const char *ref = f->args[i];
		cleanup_free char *path = NULL;
		cleanup_json json_t *reply = NULL;
		struct pd_err err = {0};

		if (check_ref(ref, &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = pod_path(ref, action, query);
		reply = client_call(ctl->socket_path, method, path, NULL, &err);
		if (reply == NULL) {
			rc = cmd_error(&err);
			if (is_fatal(&err))
				break;
			continue;
		}
		printf("%s\n", ref);
	}
	return rc;
}

/* ---- create ---------------------------------------------------------- */

enum {
	C_HOSTNAME,
	C_SHARE_PID,
	C_NET,
	C_IP,
	C_DNS, /* issue 14, dns: dns_flags.h */
	C_DNS_LAST = C_DNS + DNS_FLAG_N - 1,
	C_PUBLISH,
	C_LABEL,
	C_FORMAT,
	/* issue 12, podlife */
	C_RESTART,
	C_GRACE,
	C_DEADLINE,
	C_RESTART_BACKOFF, /* restart (issue 12) */
	/* issue 13, cgroups: limits_flags.h, the pod's cgroup */
	C_LIMITS,
	C_LIMITS_LAST = C_LIMITS + LIMITS_FLAG_N - 1,
	C_USERNS, /* issue 13 */
};

static const struct flag_spec create_flags[] = {
    [C_HOSTNAME] = {"hostname", NULL, 0, FLAG_VALUE, "NAME",
		    "the pod's hostname (default: the pod's name)"},
    [C_SHARE_PID] = {"share-pid", NULL, 0, FLAG_BOOL, NULL,
		     "a PID namespace for the pod, with the infra as its PID 1"},
    [C_NET] = {"net", "network", 0, FLAG_VALUE, "NET",
	       "a network's name; " PD_NET_BRIDGE " (the default) is network " PD_NET_DEFAULT
	       "; " PD_NET_NONE ": only lo; " PD_NET_HOST ": the host's network"},
    [C_IP] = {"ip", NULL, 0, FLAG_VALUE, "ADDR", "the pod's address on its network"},
    DNS_FLAG_ROWS(C_DNS), /* issue 14, dns */
    [C_PUBLISH] = {"publish", NULL, 'p', FLAG_LIST, "[HOSTIP:]HOSTPORT[-END]:PORT[-END][/PROTO]",
		   "publish a pod port on the host (tcp or udp); repeatable"},
    [C_LABEL] = {"label", NULL, 'l', FLAG_LIST, "K=V", "set a label; repeatable"},
    [C_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT",
		  "json: print the new pod as JSON rather than its id"},
    [C_RESTART] = {"restart", NULL, 0, FLAG_VALUE, "POLICY",
		   "the pod's restart policy, as Kubernetes': Always, OnFailure or Never"},
    [C_GRACE] = {"termination-grace-period", NULL, 0, FLAG_VALUE, "SECS",
		 "the default stop timeout of the pod's containers (default: 10)"},
    [C_DEADLINE] = {"active-deadline", NULL, 0, FLAG_VALUE, "SECS",
		    "stop the pod's containers SECS after its start (DeadlineExceeded)"},
    [C_RESTART_BACKOFF] = {"restart-backoff", NULL, 0, FLAG_VALUE, "INITIAL:MAX",
			   "crash-loop backoff of its containers' restarts, in seconds, "
			   "fractions allowed (default: podd's, 10:300)"},
    LIMITS_FLAG_ROWS(C_LIMITS), /* issue 13, cgroups */
    [C_USERNS] = {"userns", NULL, 0, FLAG_VALUE, "MODE",
		  "auto: a user namespace of the pod's own, root in the pod an unprivileged "
		  "range of host ids; host (the default): the host's"},
    {.name = NULL},
};

static const struct cmd_usage create_usage = {
    .name = "pod create",
    .operands = "NAME",
    .operand_what = "pod name",
    .summary = "Create a pod, start its infra process, and print the pod's id.",
    .flags = create_flags,
    .min_operands = 1,
    .max_operands = 1,
};

json_t *
cmd_labels(const struct flag_value *v, struct pd_err *err)
{
	cleanup_json json_t *labels = json_object();

	for (size_t i = 0; i < v->count; i++) {
		cleanup_free char *key = NULL;
		const char *value;

		if (pd_parse_kv(v->values[i], &key, &value, err) < 0)
			return NULL;
		if (json_object_set_new(labels, key, json_string(value)) < 0) {
			pd_fail(err, PD_E_INVALID, "\"%.64s\" is not valid UTF-8", v->values[i]);
			return NULL;
		}
	}
	return steal_ptr(labels);
}

/* issue 12, podlife: --restart, --termination-grace-period,
 * --active-deadline into @body. */
static int
life_body(json_t *body, const struct flags *f, struct pd_err *err)
{
	const char *policy = f->v[C_RESTART].value;
	long long secs;

	if (policy != NULL) {
		if (strcmp(policy, PD_POLICY_ALWAYS) != 0 &&
		    strcmp(policy, PD_POLICY_ON_FAILURE) != 0 &&
		    strcmp(policy, PD_POLICY_NEVER) != 0)
			return pd_fail(err, PD_E_INVALID,
				       "--restart: \"%.32s\" is not Always, OnFailure or Never",
				       policy);
		json_object_set_new(body, PD_F_RESTART_POLICY, json_string(policy));
	}
	if (f->v[C_GRACE].value != NULL) {
		if (pd_parse_int(f->v[C_GRACE].value, 0, PD_STOP_TIMEOUT_MAX_S, &secs, err) < 0)
			return pd_err_prefix(err, "--termination-grace-period");
		json_object_set_new(body, PD_F_GRACE_PERIOD, json_integer(secs));
	}
	if (f->v[C_DEADLINE].value != NULL) {
		if (pd_parse_int(f->v[C_DEADLINE].value, 1, PD_DEADLINE_MAX_S, &secs, err) < 0)
			return pd_err_prefix(err, "--active-deadline");
		json_object_set_new(body, PD_F_ACTIVE_DEADLINE, json_integer(secs));
	}
	return 0;
}

/* The body of POST /v1/pods from the flags; only what was given. */
static json_t *
create_body(const char *name, const struct flags *f, struct pd_err *err)
{
	cleanup_json json_t *body = json_pack("{s:s}", PD_F_NAME, name);
	const char *net = f->v[C_NET].value;

	if (f->v[C_HOSTNAME].set &&
	    json_object_set_new(body, PD_F_HOSTNAME, json_string(f->v[C_HOSTNAME].value)) < 0) {
		pd_fail(err, PD_E_INVALID, "--hostname is not valid UTF-8");
		return NULL;
	}
	if (f->v[C_SHARE_PID].set)
		json_object_set_new(body, PD_F_SHARE_PID, json_boolean(f->v[C_SHARE_PID].on));
	if (limits_flags_body(body, &f->v[C_LIMITS], err) < 0) /* issue 13, cgroups */
		return NULL;
	if (net != NULL) {
		if (strcmp(net, PD_NET_NONE) != 0 && strcmp(net, PD_NET_HOST) != 0 &&
		    pd_name_validate(net, "--net", err) < 0)
			return NULL;
		json_object_set_new(body, PD_F_NETWORK, json_string(net));
	}
	if ((f->v[C_IP].value != NULL &&
	     body_set_string(body, PD_F_IP, f->v[C_IP].value, "--ip", err) < 0) ||
	    dns_flags_body(body, &f->v[C_DNS], err) < 0 || /* issue 14, dns */
	    (f->v[C_PUBLISH].count > 0 &&
	     body_set_strings(body, PD_F_PORTS, f->v[C_PUBLISH].values, f->v[C_PUBLISH].count,
			      "--publish", err) < 0))
		return NULL;
	if (life_body(body, f, err) < 0)
		return NULL;
	if (f->v[C_USERNS].value != NULL &&
	    body_set_string(body, PD_F_USERNS, f->v[C_USERNS].value, "--userns", err) < 0)
		return NULL;
	if (f->v[C_LABEL].count > 0) {
		json_t *labels = cmd_labels(&f->v[C_LABEL], err);

		if (labels == NULL) {
			pd_err_prefix(err, "--label");
			return NULL;
		}
		json_object_set_new(body, PD_F_LABELS, labels);
	}
	if (f->v[C_RESTART_BACKOFF].set) { /* restart (issue 12) */
		struct restart_backoff b;

		if (restart_backoff_parse(f->v[C_RESTART_BACKOFF].value, &b, err) < 0) {
			pd_err_prefix(err, "--restart-backoff");
			return NULL;
		}
		json_object_set_new(body, PD_F_RESTART_BACKOFF, restart_backoff_to_json(&b));
	}
	return steal_ptr(body);
}

static int
pod_create(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *pod = NULL;
	struct pd_err err = {0};
	const char *id;
	bool json;
	int rc;

	if (!cmd_parse(&create_usage, argc, argv, &f, &rc))
		return rc;
	if (!cmd_format(&create_usage, f.v[C_FORMAT].value, &json))
		return EXIT_PODCTL;
	if (pd_name_validate(f.args[0], "pod name", &err) < 0)
		return cmd_error(&err);
	body = create_body(f.args[0], &f, &err);
	if (body == NULL)
		return cmd_usage_error(&create_usage, "%s", err.msg);
	pod = client_call(ctl->socket_path, "POST", PD_PATH_PODS, body, &err);
	if (pod == NULL)
		return cmd_error(&err);
	if (json)
		return output_json(stdout, pod) < 0 ? EXIT_PODCTL : 0;
	id = json_string_value(json_object_get(pod, PD_F_ID));
	if (id == NULL) {
		pd_fail(&err, PD_E_SYSTEM, "podd's reply has no pod id");
		return cmd_error(&err);
	}
	printf("%s\n", id);
	return 0;
}

/* ---- ls -------------------------------------------------------------- */

enum { L_QUIET, L_FORMAT, L_FILTER, L_NO_TRUNC };

static const struct flag_spec ls_flags[] = {
    [L_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the pods' ids"},
    [L_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json: print the pods as JSON"},
    /* issue 16, ux */
    [L_FILTER] = {"filter", NULL, 'f', FLAG_LIST, "KEY=VALUE",
		  "only matching pods: id, name, label, status"},
    [L_NO_TRUNC] = {"no-trunc", NULL, 0, FLAG_BOOL, NULL, "print full ids"},
    {.name = NULL},
};

static const struct cmd_usage ls_usage = {
    .name = "pod ls",
    .operands = "",
    .summary = "List pods. Also: pod ps, pod list.",
    .flags = ls_flags,
    .min_operands = 0,
    .max_operands = 0,
};

/* issue 12, podlife: the columns of `kubectl get pods`. */

/* A span as kubectl's AGE: "45s", "3m20s", "12m", "5h", "2d3h", "40d". */
static char *
kube_age(long long s)
{
	long long m = s / 60, h = s / 3600, d = s / 86400;

	if (s < 0)
		s = 0;
	if (s < 120)
		return xasprintf("%llds", s);
	if (m < 10)
		return s % 60 ? xasprintf("%lldm%llds", m, s % 60) : xasprintf("%lldm", m);
	if (m < 180)
		return xasprintf("%lldm", m);
	if (h < 8)
		return m % 60 ? xasprintf("%lldh%lldm", h, m % 60) : xasprintf("%lldh", h);
	if (h < 48)
		return xasprintf("%lldh", h);
	if (h < 24 * 8)
		return h % 24 ? xasprintf("%lldd%lldh", d, h % 24) : xasprintf("%lldd", d);
	if (d < 365 * 2)
		return xasprintf("%lldd", d);
	if (d < 365 * 8)
		return d % 365 ? xasprintf("%lldy%lldd", d / 365, d % 365)
			       : xasprintf("%lldy", d / 365);
	return xasprintf("%lldy", d / 365);
}

/* The age of the time in @obj's @key, "-" when missing. */
static char *
age_of(const json_t *obj, const char *key, time_t now)
{
	const char *t = json_string_value(json_object_get(obj, key));
	struct timespec ts;

	if (t == NULL || pd_time_rfc3339_parse(t, &ts) < 0)
		return xstrdup("-");
	return kube_age((long long)now - (long long)ts.tv_sec);
}

/* RESTARTS: "3", or "3 (25s ago)" with the last one. */
static char *
restarts_text(const json_t *pod, time_t now)
{
	json_int_t n = json_integer_value(json_object_get(pod, PD_F_RESTARTS));
	cleanup_free char *ago = NULL;

	if (json_object_get(pod, PD_F_LAST_RESTART) == NULL)
		return xasprintf("%lld", (long long)n);
	ago = age_of(pod, PD_F_LAST_RESTART, now);
	return xasprintf("%lld (%s ago)", (long long)n, ago);
}

static const char *
text_or_dash(const json_t *pod, const char *key)
{
	const char *s = json_string_value(json_object_get(pod, key));

	return s != NULL && s[0] != '\0' ? s : "-";
}

static void
add_pod_row(struct table *t, const json_t *pod, time_t now, bool no_trunc)
{
	const json_t *infra = json_object_get(pod, PD_F_INFRA);
	json_int_t pid = json_integer_value(json_object_get(infra, PD_F_PID));
	const char *id = json_string_value(json_object_get(pod, PD_F_ID));
	const char *name = json_string_value(json_object_get(pod, PD_F_NAME));
	const char *network = json_string_value(json_object_get(pod, PD_F_NETWORK));
	const char *ip = json_string_value(json_object_get(pod, PD_F_IP));
	cleanup_free char *short_id = id ? xstrndup(id, no_trunc ? PD_ID_LEN : PD_SHORT_ID) : NULL;
	cleanup_free char *age = age_of(pod, PD_F_CREATED, now);
	cleanup_free char *restarts = restarts_text(pod, now);
	cleanup_free char *pid_text = pid > 0 ? xasprintf("%lld", (long long)pid) : NULL;
	const char *row[] = {name,
			     text_or_dash(pod, PD_F_READY),
			     text_or_dash(pod, PD_F_STATUS),
			     restarts,
			     age,
			     short_id,
			     pid_text,
			     network,
			     ip};

	table_add_row(t, row);
}

static int
pod_ls(struct podctl *ctl, int argc, char **argv)
{
	static const char *const header[] = {
	    "NAME", "READY", "STATUS", "RESTARTS", "AGE", "POD ID", "INFRA PID", "NETWORK", "IP",
	};
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *pods = NULL;
	cleanup_table struct table t = {0};
	time_t now = time(NULL);
	int rc;

	pods = cmd_list_with_filter(ctl, &ls_usage, argc, argv, &f, L_FORMAT, L_FILTER, FILTER_PODS,
				    PD_PATH_PODS, "pods", &rc);
	if (pods == NULL)
		return rc;
	if (f.v[L_QUIET].on) {
		output_ids(stdout, pods, f.v[L_NO_TRUNC].on);
		return 0;
	}
	table_init(&t, sizeof(header) / sizeof(header[0]), header);
	for (size_t i = 0; i < json_array_size(pods); i++)
		add_pod_row(&t, json_array_get(pods, i), now, f.v[L_NO_TRUNC].on);
	table_print(&t, stdout);
	return 0;
}

/* ---- inspect --------------------------------------------------------- */

enum { I_FORMAT };

static const struct flag_spec inspect_flags[] = {
    [I_FORMAT] = {"format", NULL, 0, FLAG_VALUE, "FORMAT", "json (the default and only one)"},
    {.name = NULL},
};

static const struct cmd_usage inspect_usage = {
    .name = "pod inspect",
    .operands = "NAME...",
    .operand_what = "pod name",
    .summary = "Print pods as a JSON array, as podd describes them.",
    .flags = inspect_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
pod_inspect(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *found = json_array();
	const char *format;
	int rc;

	if (!cmd_parse(&inspect_usage, argc, argv, &f, &rc))
		return rc;
	format = f.v[I_FORMAT].value;
	if (format != NULL && strcmp(format, "json") != 0)
		return cmd_usage_error(&inspect_usage, "--format is json, not \"%.64s\"", format);
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_free char *path = NULL;
		json_t *pod;
		struct pd_err err = {0};

		if (check_ref(f.args[i], &err) < 0) {
			rc = cmd_error(&err);
			continue;
		}
		path = pod_path(f.args[i], NULL, NULL);
		pod = client_call(ctl->socket_path, "GET", path, NULL, &err);
		if (pod == NULL) {
			rc = cmd_error(&err);
			if (is_fatal(&err))
				return rc;
			continue;
		}
		json_array_append_new(found, pod);
	}
	if (output_json(stdout, found) < 0)
		return EXIT_PODCTL;
	return rc;
}

/* ---- start, stop, rm ------------------------------------------------- */

static const struct flag_spec start_flags[] = {
    {.name = NULL},
};

static const struct cmd_usage start_usage = {
    .name = "pod start",
    .operands = "NAME...",
    .operand_what = "pod name",
    .summary = "Start pods: a new infra process in the namespaces of a stopped or exited\n"
	       "pod, then its containers in order: init containers one at a time, each to\n"
	       "exit 0, sidecars until they run, then the app containers. On a running pod,\n"
	       "starts what does not run.",
    .flags = start_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
pod_start(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&start_usage, argc, argv, &f, &rc))
		return rc;
	return each_pod(ctl, &f, "POST", PD_ACTION_START, NULL);
}

enum { S_TIME };

static const struct flag_spec stop_flags[] = {
    [S_TIME] = {"time", "timeout", 't', FLAG_VALUE, "SECS",
		"seconds between SIGTERM and SIGKILL for every container (default: each\n"
		"container's own, else " STOP_DEFAULT ")"},
    {.name = NULL},
};

static const struct cmd_usage stop_usage = {
    .name = "pod stop",
    .operands = "NAME...",
    .operand_what = "pod name",
    .summary = "Stop pods: app containers first (each with its stop timeout, or the pod's\n"
	       "termination grace period, or --time), then sidecars in reverse order,\n"
	       "then the infra process. Returns once it has exited.",
    .flags = stop_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
pod_stop(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = NULL;
	struct pd_err err = {0};
	long long secs;
	int rc;

	if (!cmd_parse(&stop_usage, argc, argv, &f, &rc))
		return rc;
	if (f.v[S_TIME].set) {
		if (pd_parse_int(f.v[S_TIME].value, 0, PD_STOP_TIMEOUT_MAX_S, &secs, &err) < 0)
			return cmd_usage_error(&stop_usage, "--time: %s", err.msg);
		query = xasprintf("%s=%lld", PD_Q_TIMEOUT, secs);
	}
	return each_pod(ctl, &f, "POST", PD_ACTION_STOP, query);
}

enum { R_FORCE };

static const struct flag_spec rm_flags[] = {
    [R_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "stop a running pod first"},
    {.name = NULL},
};

static const struct cmd_usage rm_usage = {
    .name = "pod rm",
    .operands = "NAME...",
    .operand_what = "pod name",
    .summary = "Remove pods. A running pod is removed only with --force.",
    .flags = rm_flags,
    .min_operands = 1,
    .max_operands = -1,
};

static int
pod_rm(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_free char *query = NULL;
	int rc;

	if (!cmd_parse(&rm_usage, argc, argv, &f, &rc))
		return rc;
	if (f.v[R_FORCE].on)
		query = xasprintf("%s=true", PD_Q_FORCE);
	return each_pod(ctl, &f, "DELETE", NULL, query);
}

/* ---- the noun -------------------------------------------------------- */

static const struct cmd pod_cmds[] = {
    {"create", pod_create, "create a pod and start its infra process"},
    {"ls", pod_ls, "list pods (also: ps, list)"},
    {"ps", pod_ls, NULL},
    {"list", pod_ls, NULL},
    {"inspect", pod_inspect, "print pods as JSON"},
    {"start", pod_start, "start stopped or exited pods"},
    {"stop", pod_stop, "stop pods"},
    {"rm", pod_rm, "remove pods"},
    {"port", cmd_pod_port, "list, add or remove a pod's published ports"},
    {.name = NULL},
};

static const struct cmd_group pod_group = {
    .name = "podctl pod",
    .summary = "Manage pods: groups of containers that share a network, IPC and UTS\n"
	       "namespace, held by an infra process.",
    .cmds = pod_cmds,
    .flags = NULL,
};

int
cmd_pod(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&pod_group, ctl, argc - 1, argv + 1);
}
