/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure half of a container: what a user asks for (struct ctr_spec,
 * parsed from the create request) and what podd writes to disk about it
 * (struct ctr_record). No system calls: every field is checked here, so
 * container.c and ctr_shim.c take validated structs. Unit-tested and fuzzed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "api.h"
#include "cgroup.h"
#include "err.h"
#include "imgref.h"
#include "name.h"
#include "netattach.h"
#include "probe_spec.h"
#include "restart_policy.h"
#include "security_opt.h"
#include "timefmt.h"

#define CTR_MAX_ARGS     4096
#define CTR_MAX_ENV      4096
#define CTR_MAX_CAPS     64
#define CTR_PATH_MAX     4096
#define CTR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum ctr_state {
	CTR_CREATED,  /* never started, or its start failed */
	CTR_STARTING, /* shim spawned, not yet reported */
	CTR_RUNNING,  /* the workload runs */
	CTR_STOPPING, /* signalled, waiting for it to exit */
	CTR_EXITED,   /* the workload has exited; exit_code says how */
	CTR_PAUSED,   /* issue 13, observe: running, its cgroup frozen (pause) */
};

/* Whether the workload of a container in @state is there: running,
 * paused or stopping (issue 13, observe: paused is one more). */
bool ctr_state_up(enum ctr_state state);

/* The namespaces a container can take from elsewhere. */
enum ctr_ns_kind { CTR_NS_NET, CTR_NS_IPC, CTR_NS_UTS, CTR_NS_PID, CTR_NS_KINDS };

enum ctr_ns_how {
	CTR_NS_DEFAULT,   /* the pod's, or new ones */
	CTR_NS_HOST,      /* the host's */
	CTR_NS_NONE,      /* network only: a new one with only lo */
	CTR_NS_CONTAINER, /* another running container's */
	CTR_NS_NETWORK,   /* issue 14, attach: network only: a new one on the
			   * network named by target ("bridge": the default) */
};

struct ctr_ns_mode {
	enum ctr_ns_how how;
	char target[PD_ID_LEN + 1]; /* for CTR_NS_CONTAINER; the network's name for
				     * CTR_NS_NETWORK */
};

/* The API's field for @kind ("network", "pid_mode", ...). */
const char *ctr_ns_field(enum ctr_ns_kind kind);

/* The mode as the API spells it ("host", "container:ID"; "" for the
 * default) into @buf. */
void ctr_ns_mode_format(const struct ctr_ns_mode *m, char *buf, size_t len);

/* A create request, checked. Pod and image are references as the user gave
 * them (name, id or id prefix), resolved by container.c. */
struct ctr_spec {
	char name[PD_NAME_MAX + 1];     /* "" when podd is to make one up */
	char pod[PD_ID_LEN + 1];        /* "" for a container of its own */
	char image[PD_IMGREF_MAX];      /* "" when rootfs is given; a reference or an id */
	char *rootfs;                   /* owned: an absolute directory, or NULL */
	json_t *command;                /* owned: an array of strings; in a request it
					 * may be empty (the image's Cmd), in a record it
					 * is the whole argv (Entrypoint + Cmd) */
	json_t *env;                    /* owned: an array of "K=V" */
	char *workdir;                  /* owned: absolute; NULL in a request without
					 * one (the image's, or "/": ctr_image.h) */
	char hostname[PD_NAME_MAX + 1]; /* "" by default */
	/* Namespace modes (enum ctr_ns_kind order: net, ipc, uts, pid). In a
	 * create request the target is a reference as given; in a record it
	 * is the target container's id. */
	struct ctr_ns_mode ns[CTR_NS_KINDS];
	json_t *cap_add;  /* owned: array of names as given */
	json_t *cap_drop; /* owned */
	uint64_t caps;    /* the resulting set (lib/caps.h) */
	bool read_only;
	bool auto_remove;
	bool start;
	bool ephemeral;   /* a debug container (podctl debug): listed as such in its pod */
	pid_t target_pid; /* debug --process: the host process; 0: none */
	uint64_t target_start_time;        /* its start time (set by podd at create) */
	bool tty;                          /* a terminal owned by its shim (-t) */
	unsigned short tty_rows, tty_cols; /* its first size; 0: not given */
	bool open_stdin;                   /* stdin open for attached clients (-i) */
	/* issue 11, config (ctr_image.h): from the request, then merged with
	 * the image's configuration at create; a record holds the result. */
	json_t *entrypoint;   /* owned: [string] ([] clears the image's), or NULL:
			       * not given (the image's) */
	char *user;           /* owned: "NAME[:GROUP]" / "UID[:GID]", NULL: root */
	int stop_signal;      /* what stop sends; 0: not given (SIGTERM) */
	json_t *image_config; /* owned: the image's config object at create
			       * (inspect's "config"); NULL before the merge */
	/* owned: canonical mounts (mount_spec.h), never NULL once parsed; an
	 * anonymous volume's name is "" until container_create names it. */
	json_t *mounts;
	/* issue 12, podlife: its part in its pod's sequence (pod_seq.h). */
	char role[8];           /* PD_ROLE_APP, _INIT or _SIDECAR */
	long long stop_timeout; /* its default stop timeout in s; -1: unset */
	/* probes branch (probe_spec.h): the canonical JSON of the liveness,
	 * readiness and startup probes and of docker's healthcheck (in enum
	 * probe_kind order), each owned, NULL when not given. */
	json_t *probes[PROBE_KINDS];
	/* restart (issue 12): docker's policy string as given ("" in a request
	 * without one); in a record the one in force ("no" at least), the
	 * pod's default applied at create. */
	char restart_policy[RESTART_POLICY_MAX];
	/* issue 12, podspec: owned, never NULL once parsed: the canonical
	 * values of the keys CTR_SPEC_K8S_KEYS that were given (contract §2),
	 * as the record keeps them and the API shows them. "pod_mounts" are
	 * not kept here: they join "mounts" as {"type":"pod"} (pod_volume.h). */
	json_t *k8s;
	/* issue 13, privileges: owned, never NULL once parsed: the canonical
	 * values of the keys CTR_PRIV_KEYS that were given (ctr_privileges.h). */
	json_t *priv;
	/* issue 13, cgroups: "limits" as given, with the keys it leaves unset
	 * filled from k8s "resources" as the kubelet maps them (cgroup.h) */
	struct cg_limits limits;
	/* issue 13: security_opt, the seccomp profile and no_new_privs
	 * (security_opt.h); parsed after k8s, whose allow_privilege_escalation
	 * false turns no_new_privs on. */
	struct security_opt sec;
	/* issue 14, attach: a container of its own on a network (CTR_NS_NETWORK):
	 * its published ports (owned: canonical maps, port_spec.h; NULL:
	 * none), and -P (every ExposedPort of the image to a free host port,
	 * added to ports at create). */
	json_t *ports;
	bool publish_all;
};

/* issue 12, podspec: the create body's keys kept in ctr_spec.k8s. */
#define CTR_SPEC_K8S_KEYS                                                                   \
	"container_ports", "resources", "privileged", "allow_privilege_escalation", "kube", \
	    CTR_SPEC_DNS_KEYS
/* issue 14, dns: kept with them, for a container of its own (pod_dns_keys_parse);
 * issue 15: "labels" too, as a pod's (docker's and compose's labels) */
#define CTR_SPEC_DNS_KEYS \
	PD_F_DNS, PD_F_DNS_SEARCH, PD_F_DNS_OPTIONS, PD_F_HOST_ALIASES, PD_F_ALIASES, PD_F_LABELS
#define CTR_PORTS_MAX 128

/* What podd remembers of a container across its own restart. */
struct ctr_record {
	char id[PD_ID_LEN + 1];
	struct ctr_spec spec;           /* spec.pod and spec.image hold ids here */
	char image_name[PD_IMGREF_MAX]; /* "" with a rootfs; the full reference */
	enum ctr_state state;
	char created[PD_TIME_RFC3339_MAX]; /* "" when unset, likewise below */
	char started[PD_TIME_RFC3339_MAX];
	char finished[PD_TIME_RFC3339_MAX];
	int exit_code;   /* -1 when unknown or not exited */
	char signal[16]; /* "KILL" when a signal ended it, else "" */
	char reason[PD_ERR_MSG_MAX];
	pid_t shim_pid; /* 0 when there is none */
	uint64_t shim_start_time;
	pid_t pid; /* the workload; 0 when there is none */
	uint64_t pid_start_time;
	unsigned seq; /* issue 12, podlife: its order of creation in its pod, from 1; 0: none */
	/* restart (issue 12): counts, last state, a waiting restart. */
	struct ctr_restart restart;
	/* issue 13, observe: its last run ended in an OOM kill (docker's
	 * State.OOMKilled). */
	bool oom_killed;
	/* issue 14, attach: its attachments (netattach.h; owned), eth0 on the
	 * network of spec.ns[CTR_NS_NET] first, while its namespaces are held */
	struct net_attachment *nets;
	size_t n_nets;
};

/* Parse a create request body into @spec (cleared first; release with
 * ctr_spec_clear even on failure). PD_E_INVALID names the field at fault. */
int ctr_spec_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err);

/* issue 12, podlife: "role" and "stop_timeout" of a create body (from
 * ctr_spec_parse; init and sidecar only in a pod), and of a record: those
 * keys and "seq" off @rest (a copy), as config_from_json does. */
int ctr_life_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err);
int ctr_life_from_json(json_t *rest, struct ctr_record *r, struct pd_err *err);
void ctr_life_to_json(const struct ctr_record *r, json_t *j);

/* Release what @spec owns. */
void ctr_spec_clear(struct ctr_spec *spec);

/* issue 14, attach (ctr_net_spec.c): "ports" and "publish_all" of a
 * create body into @spec (after its namespace modes: PD_E_INVALID for
 * ports in a pod, which publishes its own, or without a network of its
 * own); in a record, those keys and "attachments": taken off @rest (a
 * copy) before its strict unpack, read from @j into @r after it. */
int ctr_net_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err);
void ctr_net_strip(json_t *rest);
int ctr_net_from_record(const json_t *j, struct ctr_record *r, struct pd_err *err);
void ctr_net_to_record(const struct ctr_record *r, json_t *j);
/* Release @r's attachments. */
void ctr_net_clear(struct ctr_record *r);

/* issue 12, podspec: the keys CTR_SPEC_K8S_KEYS of @body into @spec->k8s
 * (a create body or a record). */
int ctr_spec_k8s_parse(const json_t *body, struct ctr_spec *spec, struct pd_err *err);

/* An exec request (lib/api.h), checked. */
struct exec_spec {
	json_t *command;        /* owned: a non-empty array of strings */
	json_t *env;            /* owned: an array of "K=V", on top of the container's */
	char *workdir;          /* owned: absolute, or NULL for the container's */
	char user[PD_USER_MAX]; /* "NAME[:GROUP]" or "UID[:GID]" as given, "" for
				 * the container's user (resolved by the shim) */
	bool tty, open_stdin, detach;
	unsigned short tty_rows, tty_cols; /* 0: not given */
};

/* Parse an exec body into @spec (cleared first; release with
 * exec_spec_clear even on failure). "user" is checked by pd_user_validate
 * and resolved in the container by the shim. */
int exec_spec_parse(const json_t *body, struct exec_spec *spec, struct pd_err *err);
void exec_spec_clear(struct exec_spec *spec);

/* The state as the API spells it (starting shows as created, stopping as
 * running: the API has three states). */
const char *ctr_state_name(enum ctr_state state);

/* The capability set as an array of names (a new reference). */
json_t *ctr_caps_json(uint64_t caps);

/* The state file's JSON for @rec (a new reference). */
json_t *ctr_record_to_json(const struct ctr_record *rec);

/* Parse a state file's JSON into @rec (release with ctr_spec_clear(&rec->spec)
 * even on failure). Strict: a missing or unknown field is PD_E_INVALID. */
int ctr_record_from_json(const json_t *j, struct ctr_record *rec, struct pd_err *err);
