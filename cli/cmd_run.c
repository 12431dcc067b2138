/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl run`: create a container from an image (or a directory) and run
 * it. With -d it is one request that also starts it, and podctl prints the
 * id. Attached, podctl creates the container stopped, then on one event
 * loop waits for its exit, starts it, follows its log to stdout and stderr,
 * and turns Ctrl-C into a stop (a second one into a kill); it exits with
 * the container's exit code once the exit is known and the log has ended.
 * With -i or -t, the start asks podd to hold the output for podctl, which
 * then attaches to the container's attach socket (session.h) instead of
 * following its log: stdin goes to it, a terminal is raw (Ctrl-C is then
 * the container's), and the detach keys leave it running.
 * Docker's exit codes: 125 for podctl or podd, 126 and 127 for a command
 * that cannot be run or is not there.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "api.h"
#include "attach.h"
#include "body.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "detachkeys.h"
#include "imgref.h"
#include "json.h"
#include "dns_flags.h"
#include "limits_flags.h"
#include "logstream.h"
#include "name.h"
#include "parse.h"
#include "priv_flags.h"
#include "restart_policy.h"
#include "secopt.h"
#include "session.h"
#include "xalloc.h"

enum {
	R_DETACH,
	R_RM,
	R_NAME,
	R_POD,
	R_ENV,
	R_WORKDIR,
	R_HOSTNAME,
	R_CAP_ADD,
	R_CAP_DROP,
	R_READ_ONLY,
	R_ROOTFS,
	R_NETWORK,
	R_PID,
	R_IPC,
	R_UTS,
	R_INTERACTIVE,
	R_TTY,
	R_DETACH_KEYS,
	/* issue 11, config */
	R_ENTRYPOINT,
	R_USER,
	R_STOP_SIGNAL,
	R_VOLUME, /* issue 11, volumes */
	R_TMPFS,
	R_MOUNT,
	R_PULL,    /* registry branch */
	R_RESTART, /* restart (issue 12) */
	/* probes branch: docker's healthcheck */
	R_HEALTH_CMD,
	R_HEALTH_INTERVAL,
	R_HEALTH_RETRIES,
	R_HEALTH_TIMEOUT,
	R_HEALTH_START_PERIOD,
	R_NO_HEALTHCHECK,
	/* issue 13, cgroups: limits_flags.h */
	R_LIMITS,
	R_LIMITS_LAST = R_LIMITS + LIMITS_FLAG_N - 1,
	/* issue 13: privileges (priv_flags.h), PRIV_FLAG_COUNT rows */
	R_PRIV,
	R_PRIV_END = R_PRIV + PRIV_FLAG_COUNT - 1,
	R_SECURITY_OPT, /* issue 13 */
	/* issue 14, attach: published ports of a container of its own */
	R_PUBLISH,
	R_PUBLISH_ALL,
	/* issue 14, dns: dns_flags.h */
	R_DNS,
	R_DNS_LAST = R_DNS + DNS_FLAG_N - 1,
	R_LABEL, /* issue 16, ux */
};

static const struct flag_spec run_flags[] = {
    [R_DETACH] = {"detach", NULL, 'd', FLAG_BOOL, NULL,
		  "run in the background and print the container's id"},
    [R_RM] = {"rm", NULL, 0, FLAG_BOOL, NULL, "remove the container when it exits"},
    [R_NAME] = {"name", NULL, 0, FLAG_VALUE, "NAME", "the container's name"},
    [R_POD] = {"pod", NULL, 0, FLAG_VALUE, "POD", "run in this pod's namespaces"},
    [R_ENV] = {"env", NULL, 'e', FLAG_LIST, "K=V",
	       "set an environment variable (K alone: podctl's value); repeatable"},
    [R_WORKDIR] = {"workdir", NULL, 'w', FLAG_VALUE, "DIR", "the command's working directory"},
    [R_HOSTNAME] = {"hostname", NULL, 0, FLAG_VALUE, "NAME", "the container's hostname"},
    [R_CAP_ADD] = {"cap-add", NULL, 0, FLAG_LIST, "CAP", "add a capability; repeatable"},
    [R_CAP_DROP] = {"cap-drop", NULL, 0, FLAG_LIST, "CAP", "drop a capability; repeatable"},
    [R_READ_ONLY] = {"read-only", NULL, 0, FLAG_BOOL, NULL, "mount the root file system read-only"},
    [R_ROOTFS] = {"rootfs", NULL, 0, FLAG_VALUE, "DIR", "run from this directory, not an image"},
    [R_NETWORK] = {"network", "net", 0, FLAG_VALUE, "MODE",
		   "bridge (the default network; the default without --pod), a network's "
		   "name, container:NAME (join its network), host, or none"},
    [R_PID] = {"pid", NULL, 0, FLAG_VALUE, "MODE",
	       "container:NAME (see and signal its processes) or host"},
    [R_IPC] = {"ipc", NULL, 0, FLAG_VALUE, "MODE", "container:NAME or host"},
    [R_UTS] = {"uts", NULL, 0, FLAG_VALUE, "MODE", "container:NAME or host"},
    [R_INTERACTIVE] = {"interactive", NULL, 'i', FLAG_BOOL, NULL,
		       "keep the container's stdin open and send podctl's to it"},
    [R_TTY] = {"tty", NULL, 't', FLAG_BOOL, NULL, "give the container a terminal"},
    [R_DETACH_KEYS] = {"detach-keys", NULL, 0, FLAG_VALUE, "KEYS",
		       "keys that detach, e.g. ctrl-x,q (default: " DETACHKEYS_DEFAULT
		       "; \"\": none)"},
    [R_ENTRYPOINT] = {"entrypoint", NULL, 0, FLAG_VALUE, "CMD",
		      "run CMD instead of the image's entrypoint, and not its Cmd (\"\": none)"},
    [R_USER] = {"user", NULL, 'u', FLAG_VALUE, "USER[:GROUP]",
		"run as this user (a name in the image's /etc/passwd, or UID[:GID])"},
    [R_STOP_SIGNAL] = {"stop-signal", NULL, 0, FLAG_VALUE, "SIGNAL",
		       "what stop sends first (default: the image's StopSignal, or TERM)"},
    [R_VOLUME] = {"volume", NULL, 'v', FLAG_LIST, "SRC:DST[:ro]",
		  "bind the host's SRC (absolute), or mount the volume SRC (made on first "
		  "use), on DST; DST alone: an anonymous volume; repeatable"},
    [R_TMPFS] = {"tmpfs", NULL, 0, FLAG_LIST, "DST[:size=N,mode=M]",
		 "mount a tmpfs on DST; repeatable"},
    [R_MOUNT] = {"mount", NULL, 0, FLAG_LIST, "SPEC",
		 "type=bind|volume|tmpfs,source=S,target=D[,readonly]: docker's keys; "
		 "repeatable"},
    [R_PULL] = {"pull", NULL, 0, FLAG_VALUE, "POLICY",
		"missing (default): pull IMAGE when podd lacks it; always; never"},
    [R_RESTART] = {"restart", NULL, 0, FLAG_VALUE, "POLICY",
		   "no (default; in a pod: the pod's), on-failure[:N], always or unless-stopped"},
    /* probes branch */
    [R_HEALTH_CMD] = {"health-cmd", NULL, 0, FLAG_VALUE, "CMD",
		      "run CMD (with /bin/sh -c) in the container to check its health"},
    [R_HEALTH_INTERVAL] = {"health-interval", NULL, 0, FLAG_VALUE, "DURATION",
			   "time between health checks (default 30s)"},
    [R_HEALTH_RETRIES] = {"health-retries", NULL, 0, FLAG_VALUE, "N",
			  "failures in a row that make it unhealthy (default 3)"},
    [R_HEALTH_TIMEOUT] = {"health-timeout", NULL, 0, FLAG_VALUE, "DURATION",
			  "a check running longer fails (default 30s)"},
    [R_HEALTH_START_PERIOD] = {"health-start-period", NULL, 0, FLAG_VALUE, "DURATION",
			       "failures do not count during this time after the start"},
    [R_NO_HEALTHCHECK] = {"no-healthcheck", NULL, 0, FLAG_BOOL, NULL,
			  "no health check, not even the image's"},
    LIMITS_FLAG_ROWS(R_LIMITS), /* issue 13, cgroups */
    PRIV_FLAGS(R_PRIV),         /* issue 13 */
    [R_SECURITY_OPT] = {"security-opt", NULL, 0, FLAG_LIST, "OPT",
			"seccomp=unconfined, seccomp=PROFILE.json (docker's format) or "
			"no-new-privileges; repeatable"},
    /* issue 14, attach */
    [R_PUBLISH] = {"publish", NULL, 'p', FLAG_LIST, "[HOSTIP:]HOSTPORT[-END]:PORT[-END][/PROTO]",
		   "publish a container port on the host (tcp or udp); repeatable"},
    [R_PUBLISH_ALL] = {"publish-all", NULL, 'P', FLAG_BOOL, NULL,
		       "publish every port the image exposes on a free host port"},
    DNS_FLAG_ROWS(R_DNS), /* issue 14, dns */
    [R_LABEL] = {"label", NULL, 'l', FLAG_LIST, "K=V",
		 "set a label (--filter label=K); repeatable"},
    {.name = NULL},
};

static const struct cmd_usage run_usage = {
    .name = "run",
    .operands = "(IMAGE | --rootfs DIR) [--] [CMD [ARG...]]",
    .operand_what = NULL, /* "a image name cannot start with '-'" reads badly */
    .summary = "Create a container and run CMD in it, attached to its output, and exit\n"
	       "with its exit code; with -d, in the background. Flags end at IMAGE:\n"
	       "what follows is the command. Ctrl-C stops the container, a second one\n"
	       "kills it. With -i, podctl's stdin goes to the container; with -t it has\n"
	       "a terminal, and with -it the local one is put in raw mode, so Ctrl-C\n"
	       "goes to the container and Ctrl-P Ctrl-Q (see --detach-keys) detaches,\n"
	       "leaving it running (podctl attach comes back to it). Without CMD, the\n"
	       "image's Entrypoint and Cmd run; CMD replaces its Cmd.",
    .flags = run_flags,
    .min_operands = 0,
    .max_operands = -1,
    .flag_opts = FLAGS_STOP_AT_OPERAND,
};

/* ---- the create body ------------------------------------------------- */

/* Where the command starts in the operands, after IMAGE and a "--". */
static size_t
command_start(const struct flags *f)
{
	size_t i = f->v[R_ROOTFS].set ? 0 : 1;

	if (i == 1 && i < f->nargs && strcmp(f->args[i], "--") == 0)
		i++;
	return i;
}

/* issue 11, config: --entrypoint (one program, as docker's; "" clears the
 * image's), -u and --stop-signal (checked by podd). */
static int
config_flags(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	int sig;

	if (v[R_ENTRYPOINT].set) {
		const char *ep = v[R_ENTRYPOINT].value;

		if (body_set_strings(body, PD_F_ENTRYPOINT, &ep, ep[0] != '\0' ? 1 : 0,
				     "--entrypoint", err) < 0)
			return -1;
	}
	if (v[R_USER].set && body_set_user(body, v[R_USER].value, err) < 0)
		return -1;
	if (v[R_STOP_SIGNAL].set) {
		if (pd_parse_signal(v[R_STOP_SIGNAL].value, &sig, err) < 0)
			return pd_err_prefix(err, "--stop-signal");
		json_object_set_new(body, PD_F_STOP_SIGNAL, json_string(v[R_STOP_SIGNAL].value));
	}
	return 0;
}

/* probes branch: docker's --health-* flags into PD_F_HEALTHCHECK (podd
 * checks the rest). Without --health-cmd, the other flags tune the image's
 * check, which podd does not merge: they need --health-cmd here. */
static int
health_flags(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	static const struct {
		int flag;
		const char *key;
	} durations[] = {{R_HEALTH_INTERVAL, "interval"},
			 {R_HEALTH_TIMEOUT, "timeout"},
			 {R_HEALTH_START_PERIOD, "start_period"}};
	cleanup_json json_t *hc = NULL;
	long long n;

	if (v[R_NO_HEALTHCHECK].on) {
		if (v[R_HEALTH_CMD].set)
			return pd_fail(err, PD_E_INVALID,
				       "--no-healthcheck conflicts with --health-cmd");
		json_object_set_new(body, PD_F_HEALTHCHECK, json_pack("{s:[s]}", "test", "NONE"));
		return 0;
	}
	if (!v[R_HEALTH_CMD].set) {
		for (int f = R_HEALTH_INTERVAL; f <= R_HEALTH_START_PERIOD; f++)
			if (v[f].set)
				return pd_fail(err, PD_E_INVALID, "--%s needs --health-cmd",
					       run_flags[f].name);
		return 0;
	}
	if (v[R_HEALTH_CMD].value[0] == '\0')
		return pd_fail(err, PD_E_INVALID, "--health-cmd: an empty command");
	hc = json_pack("{s:[s, s]}", "test", "CMD-SHELL", v[R_HEALTH_CMD].value);
	if (hc == NULL)
		return pd_fail(err, PD_E_INVALID, "--health-cmd is not valid UTF-8");
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		const struct flag_value *d = &v[durations[i].flag];

		if (!d->set)
			continue;
		if (pd_parse_duration_ms(d->value, &n, err) < 0)
			return pd_err_prefix(err, "--%s", run_flags[durations[i].flag].name);
		json_object_set_new(hc, durations[i].key, json_real((double)n / 1000.0));
	}
	if (v[R_HEALTH_RETRIES].set) {
		if (pd_parse_int(v[R_HEALTH_RETRIES].value, 0, 1000000, &n, err) < 0)
			return pd_err_prefix(err, "--health-retries");
		json_object_set_new(hc, "retries", json_integer(n));
	}
	json_object_set_new(body, PD_F_HEALTHCHECK, steal_ptr(hc));
	return 0;
}

/* -v values into PD_F_VOLUMES; a source that starts with "." is a host
 * path relative to here (as podman and docker 23 read it), sent absolute:
 * podd runs elsewhere in the file system's eyes. */
static int
set_volumes(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	cleanup_json json_t *a = json_array();

	for (size_t i = 0; i < v->count; i++) {
		const char *s = v->values[i], *colon = strchr(s, ':');
		cleanup_free char *src = NULL, *abs = NULL;
		json_t *str;

		if (s[0] == '.' && colon != NULL) {
			src = xstrndup(s, (size_t)(colon - s));
			abs = realpath(src, NULL);
			if (abs == NULL)
				return pd_fail(err, PD_E_INVALID, "--volume %.80s: %s: %s", s, src,
					       strerror(errno));
			str = json_sprintf("%s%s", abs, colon);
		} else {
			str = json_string(s);
		}
		if (str == NULL)
			return pd_fail(err, PD_E_INVALID, "--volume \"%.64s\" is not valid UTF-8",
				       s);
		json_array_append_new(a, str);
	}
	json_object_set_new(body, PD_F_VOLUMES, steal_ptr(a));
	return 0;
}

/* restart (issue 12): --restart, checked as docker checks it (with --rm:
 * refused). */
static int
restart_flag(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	struct restart_policy p;
	char spelt[RESTART_POLICY_MAX];

	if (restart_policy_parse(v[R_RESTART].value, &p, err) < 0)
		return pd_err_prefix(err, "--restart");
	if (v[R_RM].on && p.mode != RESTART_NO)
		return pd_fail(err, PD_E_INVALID, "conflicting options: --restart and --rm");
	restart_policy_format(&p, spelt, sizeof(spelt));
	json_object_set_new(body, PD_F_RESTART_POLICY, json_string(spelt));
	return 0;
}

/* The body of POST /v1/containers: only what was given. PD_E_INVALID. */
static json_t *
run_body(const struct flags *f, bool start, struct pd_err *err)
{
	cleanup_json json_t *body = json_object();
	const struct flag_value *v = f->v;
	size_t cmd = command_start(f);

	if (v[R_NAME].set && (pd_name_validate(v[R_NAME].value, "container name", err) < 0 ||
			      body_set_string(body, PD_F_NAME, v[R_NAME].value, "--name", err) < 0))
		return NULL;
	if (v[R_POD].set) {
		if (!pd_is_id_prefix(v[R_POD].value) &&
		    pd_name_validate(v[R_POD].value, "pod name", err) < 0)
			return NULL;
		json_object_set_new(body, PD_F_POD, json_string(v[R_POD].value));
	}
	if (v[R_ROOTFS].set) {
		char path[PATH_MAX];

		/* podd runs elsewhere in the file system's eyes: send an
		 * absolute path. */
		if (realpath(v[R_ROOTFS].value, path) == NULL) {
			pd_fail_errno(err, errno, "--rootfs %s", v[R_ROOTFS].value);
			err->kind = PD_E_INVALID;
			err->errnum = 0;
			return NULL;
		}
		if (body_set_string(body, PD_F_ROOTFS, path, "--rootfs", err) < 0)
			return NULL;
	} else {
		/* An image reference ("busybox", "host:5000/team/app:v2",
		 * "app@sha256:..."), an id or an id prefix: podd finds it. */
		struct pd_imgref ref;

		if (!pd_is_id_prefix(f->args[0]) && strncmp(f->args[0], "sha256:", 7) != 0 &&
		    pd_imgref_parse(f->args[0], &ref, err) < 0)
			return NULL;
		json_object_set_new(body, PD_F_IMAGE, json_string(f->args[0]));
	}
	if (cmd < f->nargs &&
	    body_set_strings(body, PD_F_COMMAND, (const char *const *)f->args + cmd, f->nargs - cmd,
			     "command argument", err) < 0)
		return NULL;
	if (v[R_ENV].count > 0 && body_set_env(body, &v[R_ENV], err) < 0)
		return NULL;
	if (v[R_WORKDIR].set &&
	    body_set_string(body, PD_F_WORKDIR, v[R_WORKDIR].value, "--workdir", err) < 0)
		return NULL;
	if (v[R_HOSTNAME].set &&
	    body_set_string(body, PD_F_HOSTNAME, v[R_HOSTNAME].value, "--hostname", err) < 0)
		return NULL;
	if (v[R_CAP_ADD].count > 0 && body_set_strings(body, PD_F_CAP_ADD, v[R_CAP_ADD].values,
						       v[R_CAP_ADD].count, "--cap-add", err) < 0)
		return NULL;
	if (v[R_CAP_DROP].count > 0 && body_set_strings(body, PD_F_CAP_DROP, v[R_CAP_DROP].values,
							v[R_CAP_DROP].count, "--cap-drop", err) < 0)
		return NULL;
	if ((v[R_NETWORK].set &&
	     body_set_string(body, PD_F_NS_NETWORK, v[R_NETWORK].value, "--network", err) < 0) ||
	    (v[R_PID].set &&
	     body_set_string(body, PD_F_NS_PID, v[R_PID].value, "--pid", err) < 0) ||
	    (v[R_IPC].set &&
	     body_set_string(body, PD_F_NS_IPC, v[R_IPC].value, "--ipc", err) < 0) ||
	    (v[R_UTS].set && body_set_string(body, PD_F_NS_UTS, v[R_UTS].value, "--uts", err) < 0))
		return NULL;
	if ((v[R_VOLUME].count > 0 && set_volumes(body, &v[R_VOLUME], err) < 0) ||
	    (v[R_TMPFS].count > 0 && body_set_strings(body, PD_F_TMPFS, v[R_TMPFS].values,
						      v[R_TMPFS].count, "--tmpfs", err) < 0) ||
	    (v[R_MOUNT].count > 0 && body_set_strings(body, PD_F_MOUNT, v[R_MOUNT].values,
						      v[R_MOUNT].count, "--mount", err) < 0))
		return NULL;
	if (v[R_READ_ONLY].set)
		json_object_set_new(body, PD_F_READ_ONLY, json_boolean(v[R_READ_ONLY].on));
	if (v[R_RM].on)
		json_object_set_new(body, PD_F_AUTO_REMOVE, json_true());
	if (v[R_RESTART].set && restart_flag(body, v, err) < 0) /* restart (issue 12) */
		return NULL;
	if (config_flags(body, v, err) < 0)
		return NULL;
	if (health_flags(body, v, err) < 0) /* probes branch */
		return NULL;
	if (limits_flags_body(body, &v[R_LIMITS], err) < 0) /* issue 13, cgroups */
		return NULL;
	if (dns_flags_body(body, &v[R_DNS], err) < 0) /* issue 14, dns */
		return NULL;
	if (priv_flags_body(body, v + R_PRIV, err) < 0) /* issue 13 */
		return NULL;
	if (v[R_SECURITY_OPT].count > 0 && secopt_body(body, &v[R_SECURITY_OPT], err) < 0)
		return NULL;
	/* issue 14, attach */
	if (v[R_PUBLISH].count > 0 && body_set_strings(body, PD_F_PORTS, v[R_PUBLISH].values,
						       v[R_PUBLISH].count, "--publish", err) < 0)
		return NULL;
	if (v[R_PUBLISH_ALL].on)
		json_object_set_new(body, PD_F_PUBLISH_ALL, json_true());
	if (body_set_terminal(body, v[R_TTY].on, v[R_INTERACTIVE].on, !v[R_DETACH].on, err) < 0)
		return NULL;
	if (v[R_LABEL].count > 0) { /* issue 16, ux */
		json_t *labels = cmd_labels(&v[R_LABEL], err);

		if (labels == NULL)
			return NULL;
		json_object_set_new(body, PD_F_LABELS, labels);
	}
	json_object_set_new(body, PD_F_START, json_boolean(start));
	return steal_ptr(body);
}

/* DELETE the container @id; a 404 is fine. */
static void
remove_quietly(const char *socket_path, const char *id)
{
	/* Its anonymous volumes too: nobody was told of them. */
	cleanup_free char *path = ctr_path(id, NULL, PD_Q_FORCE "=true&" PD_Q_VOLUMES "=true");
	struct pd_err ignored = {0};

	json_decref(client_call(socket_path, "DELETE", path, NULL, &ignored));
}

/* ---- attached: wait, start, logs and Ctrl-C on one loop -------------- */

/* One attached run. Each request in flight is owned by client.c until its
 * callback, which sets the pointer back to NULL. */
struct run {
	struct event_base *base; /* borrowed */
	const char *socket_path; /* borrowed */
	const char *id;          /* borrowed: the container's */
	struct client_conn *wait, *start, *logs, *signal;
	struct client_reply wait_reply, start_reply, logs_reply, signal_reply;
	struct logstream ls;
	/* -i or -t: an attach session instead of the log (NULL until the
	 * start's answer; kept once ended, until run_free()). */
	bool attach;
	struct session_opts opts; /* its keys borrowed from the caller */
	struct session *session;
	int interrupts; /* Ctrl-C so far */
	bool start_failed;
	bool started;        /* the start was answered: never ask again */
	bool wait_lost;      /* podd went away mid-wait: the session says the end */
	bool session_exited; /* the session brought the exit code: session_code */
	int session_code;
	bool waited;     /* the wait was answered: rc is the exit code */
	bool logs_ended; /* or the attach session */
	int rc;
};

static void
run_over(struct run *r)
{
	event_base_loopbreak(r->base);
}

static void
maybe_over(struct run *r)
{
	if (r->waited && r->logs_ended)
		run_over(r);
}

static int
on_log_bytes(const char *data, size_t len, void *arg, struct pd_err *err)
{
	struct run *r = arg;

	return logstream_feed(&r->ls, data, len, err);
}

static void on_logs(int rc, const struct pd_err *err, void *arg);
static void on_start(int rc, const struct pd_err *err, void *arg);
static struct client_conn *run_request(struct run *r, const char *method, const char *action,
				       const char *query, struct client_reply *reply,
				       client_done_fn *done, struct pd_err *err);
static void run_fail(struct run *r, const struct pd_err *err);

/* podd holds the wait: follow the log, or start to attach. */
static void
on_wait_headers(int status, void *arg)
{
	struct run *r = arg;
	cleanup_free char *query = xasprintf("%s=true", r->attach ? PD_Q_ATTACH : PD_Q_FOLLOW);
	struct pd_err err = {0};

	if (status < 200 || status >= 300 || r->logs != NULL || r->start != NULL || r->started)
		return; /* on_wait reports the error; or a wait asked again */
	if (r->attach) {
		/* podd holds the output until podctl attached: start. */
		r->start =
		    run_request(r, "POST", PD_ACTION_START, query, &r->start_reply, on_start, &err);
		if (r->start == NULL)
			run_fail(r, &err);
		return;
	}
	r->logs = run_request(r, "GET", PD_ACTION_LOGS, query, &r->logs_reply, on_logs, &err);
	if (r->logs == NULL)
		run_fail(r, &err);
}

/* podd holds the wait and the log follow: nothing the container does can
 * be missed now, even with --rm. Start it. */
static void
on_logs_headers(int status, void *arg)
{
	struct run *r = arg;
	struct pd_err err = {0};

	if (status < 200 || status >= 300 || r->start != NULL)
		return; /* on_logs reports the error */
	r->start = run_request(r, "POST", PD_ACTION_START, NULL, &r->start_reply, on_start, &err);
	if (r->start == NULL)
		run_fail(r, &err);
}

/* Queue @method on the container's @action (NULL: the container itself). */
static struct client_conn *
run_request(struct run *r, const char *method, const char *action, const char *query,
	    struct client_reply *reply, client_done_fn *done, struct pd_err *err)
{
	cleanup_free char *path = ctr_path(r->id, action, query);
	struct client_request req = {.method = method, .path = path};

	client_reply_free(reply);
	req.arg = r;
	if (reply == &r->logs_reply) {
		req.on_body = on_log_bytes;
		req.on_headers = on_logs_headers;
	} else if (reply == &r->wait_reply) {
		req.on_headers = on_wait_headers;
	}
	return client_start(r->base, r->socket_path, &req, reply, done, r, err);
}

/* The run failed before the container could run: print why and stop. */
static void
run_fail(struct run *r, const struct pd_err *err)
{
	/* The terminal back first, for the message to read. */
	session_free(steal_ptr(r->session));
	r->rc = cmd_error(err);
	run_over(r);
}

static void
on_logs(int rc, const struct pd_err *err, void *arg)
{
	struct run *r = arg;
	struct pd_err e = {0};

	r->logs = NULL;
	r->logs_ended = true;
	/* Lost output is worth a line, but the exit code stays the
	 * container's. */
	if (rc < 0) {
		cmd_error(err);
	} else if (r->logs_reply.status < 200 || r->logs_reply.status >= 300) {
		client_reply_error(&r->logs_reply, &e);
		cmd_error(&e);
	} else if (logstream_end(&r->ls, &e) < 0) {
		cmd_error(&e);
	}
	maybe_over(r);
}

static void
on_wait(int rc, const struct pd_err *err, void *arg)
{
	struct run *r = arg;
	cleanup_json json_t *j = NULL;
	struct pd_err e = {0};
	const json_t *code;

	r->wait = NULL;
	if (rc < 0 && r->session_exited) {
		r->rc = r->session_code;
		r->waited = true;
		maybe_over(r);
		return;
	}
	if (rc < 0 && r->session != NULL && !r->logs_ended) {
		/* podd stopped (or restarted): the session does not need it,
		 * and its end brings the exit code. */
		r->wait_lost = true;
		return;
	}
	if (rc < 0) {
		run_fail(r, err);
		return;
	}
	j = client_reply_json(&r->wait_reply, "wait", &e);
	if (j == NULL) {
		run_fail(r, &e);
		return;
	}
	code = json_object_get(j, PD_F_EXIT_CODE);
	if (!json_is_integer(code) && json_is_string(json_object_get(j, PD_F_MESSAGE))) {
		/* podd had answered with its headers; the error came after. */
		pd_fail(&e, pd_err_kind_from_code(json_string_value(json_object_get(j, PD_F_CODE))),
			"%s", json_string_value(json_object_get(j, PD_F_MESSAGE)));
		if (e.kind == PD_E_UNAVAILABLE && r->session != NULL && !r->logs_ended) {
			/* podd is stopping ("shutting down"): as if it had gone. */
			r->wait_lost = true;
			return;
		}
		if (r->start_failed)
			return; /* on_start said why */
		run_fail(r, &e);
		return;
	}
	if (!json_is_integer(code)) {
		pd_fail(&e, PD_E_SYSTEM, "podd's answer to wait has no %s", PD_F_EXIT_CODE);
		run_fail(r, &e);
		return;
	}
	r->rc = (int)json_integer_value(code);
	r->waited = true;
	maybe_over(r);
}

/* The session closed without an exit code while podd was away: podd,
 * back by now or not, answers for the exit. */
static void
ask_wait_again(struct run *r)
{
	struct pd_err err = {0};

	r->wait_lost = false;
	r->wait = run_request(r, "POST", PD_ACTION_WAIT, NULL, &r->wait_reply, on_wait, &err);
	if (r->wait == NULL)
		run_fail(r, &err);
}

static void
on_session_done(enum session_end end, int code, const struct pd_err *err, void *arg)
{
	struct run *r = arg;

	switch (end) {
	case SESSION_EXIT:
		r->session_exited = true;
		r->session_code = code;
		if (r->wait_lost) {
			r->rc = code;
			r->waited = true;
		}
		break; /* else the wait has the exit code */
	case SESSION_CLOSED:
		if (r->wait_lost)
			ask_wait_again(r);
		break;
	case SESSION_FAILED:
		/* Lost output or input is worth a line; the wait goes on. */
		cmd_error(err);
		break;
	case SESSION_DETACHED:
		/* The container goes on; with --rm podd removes it when it
		 * exits. */
		r->rc = 0;
		run_over(r);
		return;
	case SESSION_SIGNAL:
		r->rc = code;
		run_over(r);
		return;
	}
	r->logs_ended = true;
	maybe_over(r);
}

/* The container runs, its output held for podctl: attach to it. */
static void
run_attach(struct run *r, const json_t *ctr)
{
	const char *sock_path = json_string_value(json_object_get(ctr, PD_F_ATTACH_SOCKET));
	struct pd_err err = {0};
	int fd;

	if (sock_path == NULL) {
		pd_fail(&err, PD_E_SYSTEM, "podd's container %.12s has no %s", r->id,
			PD_F_ATTACH_SOCKET);
		cmd_error(&err);
		r->logs_ended = true;
		return;
	}
	fd = pd_attach_connect(sock_path, &err);
	if (fd >= 0)
		r->session = session_start(r->base, fd, &r->opts, on_session_done, r, &err);
	if (r->session != NULL)
		return;
	/* Gone already: it exited, and the wait will say how. */
	if (err.kind != PD_E_NOT_FOUND)
		cmd_error(&err);
	r->logs_ended = true;
}

static void
on_start(int rc, const struct pd_err *err, void *arg)
{
	struct run *r = arg;
	cleanup_json json_t *j = NULL;
	struct pd_err e = {0};

	r->start = NULL;
	if (rc < 0) {
		e = *err;
	} else {
		j = client_reply_json(&r->start_reply, "start", &e);
		r->started = j != NULL;
		if (j != NULL && r->attach)
			run_attach(r, j);
		if (j != NULL)
			return; /* running: the log or the session, and the wait say the rest */
	}
	/* A failed run leaves nothing behind: podd removes an auto_remove
	 * container whose start failed; any other is removed here (a 404 is
	 * fine; a connection error would only repeat). */
	r->start_failed = true;
	if (e.errnum == 0)
		remove_quietly(r->socket_path, r->id);
	run_fail(r, &e);
}

static void
on_signal_reply(int rc, const struct pd_err *err, void *arg)
{
	struct run *r = arg;
	struct pd_err e = {0};

	r->signal = NULL;
	if (rc < 0) {
		cmd_error(err);
		return;
	}
	if (r->signal_reply.status < 200 || r->signal_reply.status >= 300) {
		client_reply_error(&r->signal_reply, &e);
		/* It exited meanwhile: the wait will say how. */
		if (e.kind != PD_E_CONFLICT && e.kind != PD_E_NOT_FOUND)
			cmd_error(&e);
	}
}

/* Ctrl-C: stop the container, then kill it; a third one leaves it be. */
static void
on_sigint(evutil_socket_t sig, short what, void *arg)
{
	struct run *r = arg;
	cleanup_free char *query = xasprintf("%s=KILL", PD_Q_SIGNAL);
	struct pd_err err = {0};

	(void)sig;
	(void)what;
	r->interrupts++;
	if (r->interrupts > 2) {
		fprintf(stderr, "podctl: interrupted; container %.12s goes on\n", r->id);
		r->rc = 130; /* 128 + SIGINT, as a shell reports it */
		run_over(r);
		return;
	}
	/* A stop still in flight goes on in podd without us. */
	client_cancel(r->signal);
	r->signal = NULL;
	if (r->interrupts == 1)
		r->signal = run_request(r, "POST", PD_ACTION_STOP, NULL, &r->signal_reply,
					on_signal_reply, &err);
	else
		r->signal = run_request(r, "POST", PD_ACTION_KILL, query, &r->signal_reply,
					on_signal_reply, &err);
	if (r->signal == NULL)
		cmd_error(&err);
}

static void
run_free(struct run *r)
{
	client_cancel(r->wait);
	client_cancel(r->start);
	client_cancel(r->logs);
	client_cancel(r->signal);
	client_reply_free(&r->wait_reply);
	client_reply_free(&r->start_reply);
	client_reply_free(&r->logs_reply);
	client_reply_free(&r->signal_reply);
	logstream_free(&r->ls);
	session_free(r->session);
}

/* Wait, start, follow (or attach, with @opts): the container @id exists,
 * created. */
static int
run_loop(struct event_base *base, const char *socket_path, const char *id, FILE *out,
	 const struct session_opts *opts)
{
	struct run r = {
	    .base = base,
	    .socket_path = socket_path,
	    .id = id,
	    .attach = opts != NULL,
	    .rc = EXIT_PODCTL,
	};
	struct event *sigint = NULL;
	struct pd_err err = {0};

	if (opts != NULL)
		r.opts = *opts;
	logstream_init(&r.ls, out, stderr, false);
	/* In turn, each once podd has answered the last one's headers: the
	 * wait, the log follow, the start. So podd holds the first two before
	 * the container can exit (and, with --rm, be removed). Attached, the
	 * start holds the output instead of the log follow. */
	r.wait = run_request(&r, "POST", PD_ACTION_WAIT, NULL, &r.wait_reply, on_wait, &err);
	sigint = evsignal_new(base, SIGINT, on_sigint, &r);
	if (r.wait == NULL || sigint == NULL || event_add(sigint, NULL) < 0) {
		if (err.kind == 0)
			pd_fail(&err, PD_E_SYSTEM, "cannot watch for Ctrl-C");
		r.rc = cmd_error(&err);
	} else if (event_base_dispatch(base) < 0) {
		pd_fail(&err, PD_E_SYSTEM, "the event loop failed");
		r.rc = cmd_error(&err);
	}
	if (sigint != NULL)
		event_free(sigint);
	run_free(&r);
	return r.rc;
}

static void
free_base(struct event_base **base)
{
	if (*base != NULL)
		event_base_free(*base);
}

/* Attached: create, then wait, follow and start (run_loop). --rm is podd's
 * auto_remove, so the container goes even if podctl is killed. */
int
run_attached(struct podctl *ctl, const json_t *body, FILE *out, const struct detachkeys *keys)
{
	struct session_opts opts = {
	    .tty = json_is_true(json_object_get(body, PD_F_TTY)),
	    .interactive = json_is_true(json_object_get(body, PD_F_STDIN)),
	    .keys = keys,
	};
	__attribute__((cleanup(free_base))) struct event_base *base = NULL;
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	cleanup_json json_t *ctr = NULL;
	struct pd_err err = {0};
	const char *id;
	int rc;

	base = client_base_new(&err);
	if (base == NULL)
		return cmd_error(&err);
	ctr = client_call(ctl->socket_path, "POST", PD_PATH_CONTAINERS, body, &err);
	if (ctr == NULL)
		return cmd_error(&err);
	id = json_string_value(json_object_get(ctr, PD_F_ID));
	if (id == NULL || !pd_is_id_prefix(id)) {
		pd_fail(&err, PD_E_SYSTEM, "podd's reply has no container id");
		return cmd_error(&err);
	}
	/* A write to a connection podd closed is an error, not the end. */
	sigaction(SIGPIPE, &ignore, &old);
	rc = run_loop(base, ctl->socket_path, id, out, opts.tty || opts.interactive ? &opts : NULL);
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}

/* ---- the command ----------------------------------------------------- */

/* --pull: as docker, the client pulls (progress on stderr) before the
 * create. A bad policy is PD_E_INVALID with errnum -1 (a usage error). */
static int
run_pull(struct podctl *ctl, const char *image, const char *policy, struct pd_err *err)
{
	struct pull_cli o = {.tls_verify = true};
	cleanup_free char *esc = NULL;
	cleanup_free char *path = NULL;
	cleanup_json json_t *img = NULL;

	if (policy == NULL)
		policy = "missing";
	if (strcmp(policy, "never") == 0)
		return 0;
	if (strcmp(policy, "missing") != 0 && strcmp(policy, "always") != 0) {
		pd_fail(err, PD_E_INVALID, "--pull is missing, always or never, not \"%.32s\"",
			policy);
		err->errnum = -1;
		return -1;
	}
	if (strcmp(policy, "missing") == 0) {
		esc = ctr_query_escape(image);
		path = xasprintf("%s/%s", PD_PATH_IMAGES, esc);
		img = client_call(ctl->socket_path, "GET", path, NULL, err);
		if (img != NULL)
			return 0;
		if (err->kind != PD_E_NOT_FOUND)
			return -1;
		pd_err_clear(err);
	}
	return cmd_pull_image(ctl, image, &o, stderr, err);
}

/* issue 16, ux: `podctl create` is run's flags and body (a detached
 * run), without the start. */
static const struct cmd_usage create_usage = {
    .name = "create",
    .operands = "(IMAGE | --rootfs DIR) [--] [CMD [ARG...]]",
    .operand_what = NULL,
    .summary = "Create a container as run does, without starting it, and print its id\n"
	       "(its state: created). `podctl start` starts it. Flags end at IMAGE.",
    .flags = run_flags,
    .min_operands = 0,
    .max_operands = -1,
    .flag_opts = FLAGS_STOP_AT_OPERAND,
};

/* The create body of @f, IMAGE pulled if need be (--pull); or NULL after
 * printing the error, with *rc its exit code. */
static json_t *
body_pulled(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f, bool start,
	    int *rc)
{
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};

	body = run_body(f, start, &err);
	if (body == NULL) {
		*rc = cmd_usage_error(u, "%s", err.msg);
		return NULL;
	}
	if (!f->v[R_ROOTFS].set && run_pull(ctl, f->args[0], f->v[R_PULL].value, &err) < 0) {
		*rc = err.kind == PD_E_INVALID && err.errnum == -1
			  ? cmd_usage_error(u, "%s", err.msg)
			  : cmd_error(&err);
		return NULL;
	}
	return steal_ptr(body);
}

/* Create the container of @f, started when @start, and print its id: run
 * -d and create. */
static int
create_detached(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f, bool start)
{
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *ctr = NULL;
	struct pd_err err = {0};
	int rc;

	body = body_pulled(ctl, u, f, start, &rc);
	if (body == NULL)
		return rc;
	ctr = client_call(ctl->socket_path, "POST", PD_PATH_CONTAINERS, body, &err);
	if (ctr == NULL)
		return cmd_error(&err);
	printf("%s\n", json_string_value(json_object_get(ctr, PD_F_ID)) ?: "-");
	return 0;
}

int
cmd_create(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	if (!cmd_parse(&create_usage, argc, argv, &f, &rc))
		return rc;
	if (!f.v[R_ROOTFS].set && f.nargs == 0)
		return cmd_usage_error(&create_usage, "create needs an IMAGE or --rootfs DIR");
	/* Nobody attaches at the create: as run -d's body. */
	f.v[R_DETACH].on = true;
	return create_detached(ctl, &create_usage, &f, false);
}

int
cmd_run(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	struct detachkeys keys;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&run_usage, argc, argv, &f, &rc))
		return rc;
	if (!f.v[R_ROOTFS].set && f.nargs == 0)
		return cmd_usage_error(&run_usage, "run needs an IMAGE or --rootfs DIR");
	if (detachkeys_parse(f.v[R_DETACH_KEYS].value ?: DETACHKEYS_DEFAULT, &keys, &err) < 0)
		return cmd_usage_error(&run_usage, "--detach-keys: %s", err.msg);
	if (f.v[R_DETACH].on)
		return create_detached(ctl, &run_usage, &f, true);
	body = body_pulled(ctl, &run_usage, &f, false, &rc);
	if (body == NULL)
		return rc;
	return run_attached(ctl, body, stdout, &keys);
}
