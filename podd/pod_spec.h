/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure half of a pod: what a user asks for (struct pod_spec, parsed from
 * the create request), and what podd writes to disk about it (struct
 * pod_record, the state file). No system calls here: everything is checked
 * with limits, so the kernel-touching code in pod.c and infra.c takes a
 * validated struct. Unit-tested and fuzzed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "cgroup.h"
#include "err.h"
#include "name.h"
#include "netattach.h"
#include "restart_policy.h"
#include "timefmt.h"
#include "userns.h"

/* none: a namespace with lo only; host: the host's; CNI: a network's
 * plugins attach the pod's namespace (network.h). */
enum pod_net { POD_NET_NONE, POD_NET_HOST, POD_NET_CNI };

#define POD_DNS_MAX 3 /* nameservers resolv.conf takes (MAXNS) */

enum pod_state {
	POD_CREATING, /* infra spawned, not yet ready */
	POD_RUNNING,  /* infra running, namespaces held */
	POD_STOPPING, /* infra signalled, waiting for it to exit */
	POD_STOPPED,  /* no infra, no namespaces */
	POD_EXITED,   /* infra died on its own; namespaces still held */
};

struct pod_spec {
	char name[PD_NAME_MAX + 1];
	char hostname[PD_NAME_MAX + 1];
	bool share_pid;
	enum pod_net net;
	char network[PD_NAME_MAX + 1]; /* POD_NET_CNI: the network's name */
	char ip[16];                   /* an address asked for, or "" */
	char dns[POD_DNS_MAX][16];     /* nameservers for resolv.conf, "" past the last */
	json_t *labels; /* owned: an object of string values, never NULL once parsed */
	json_t *ports;  /* owned: the published ports, an array (port_spec.h), never NULL */
	/* issue 12, podlife: the pod's lifecycle (pod_seq.h). */
	char restart_policy[16];            /* "Always", "OnFailure", "Never" or "": none */
	long long termination_grace_period; /* s; -1: unset (containers' default, 10) */
	long long active_deadline;          /* s from the pod's start; 0: none */
	/* restart (issue 12): the crash-loop backoff of its containers, when
	 * has_restart_backoff; else podd's (--restart-backoff). */
	bool has_restart_backoff;
	struct restart_backoff restart_backoff;
	/* issue 12, podspec: the Kubernetes-facing fields (contract §1). */
	bool host_pid; /* the pod's containers use the host's PID namespace */
	bool host_ipc; /* ... and its IPC namespace */
	/* owned, never NULL once parsed: the canonical values of the keys
	 * POD_SPEC_K8S_KEYS that were given ("volumes" always, [] for none;
	 * pod_volume.h), as the record keeps them and the API shows them */
	json_t *k8s;
	/* issue 13, cgroups: "limits" of the pod's cgroup (cgroup.h) */
	struct cg_limits limits;
	/* issue 13: the pod's user namespace; uid and gid are allocated at
	 * create (userns.h) and kept in the record */
	struct userns_ids userns;
};

/* issue 12, podspec: the create body's keys kept in pod_spec.k8s. */
#define POD_SPEC_K8S_KEYS                                                                   \
	"annotations", "host_aliases", "dns_search", "dns_options", "host_pid", "host_ipc", \
	    "subdomain", "volumes", "kube", POD_SPEC_DNS_KEYS
/* issue 14, dns: kept with them: the names the network's DNS server also
 * answers with the pod's address (--network-alias) */
#define POD_SPEC_DNS_KEYS    "aliases"
#define POD_ALIASES_MAX      16
#define POD_KUBE_MAX         (64 * 1024)  /* bytes of a "kube" object, compact */
#define POD_ANNOTATIONS_MAX  (256 * 1024) /* bytes of every annotation, as Kubernetes */
#define POD_HOST_ALIASES_MAX 64
#define POD_DNS_SEARCH_MAX   32
#define POD_DNS_OPTIONS_MAX  32

/* What podd remembers of a pod across its own restart. */
struct pod_record {
	char id[PD_ID_LEN + 1];
	struct pod_spec spec;
	enum pod_state state;
	char created[PD_TIME_RFC3339_MAX]; /* "" when unset, likewise below */
	char started[PD_TIME_RFC3339_MAX];
	char finished[PD_TIME_RFC3339_MAX];
	pid_t infra_pid;           /* 0 when there is none */
	uint64_t infra_start_time; /* /proc/PID/stat starttime of infra_pid */
	int infra_exit_code;       /* -1 when unknown or still running */
	char reason[128];          /* why the pod is in its state, or "" */
	/* On CNI networks: the attachments (netattach.h; owned, index 0 is
	 * eth0 on spec.network, the others `network connect`'s), each with the
	 * ADD's result while attached, which DEL is given back. ip and gateway
	 * are views of attachment 0's ("" when not attached). */
	struct net_attachment *nets;
	size_t n_nets;
	char ip[16];
	char gateway[16];
	/* issue 12, podlife: the sequence of its start runs (init containers,
	 * sidecars, apps: pod_seq.h); its active deadline went off. */
	bool seq_active;
	bool deadline_exceeded;
};

/* Parse a create request body into @spec (cleared first; release with
 * pod_spec_clear even on failure). Unknown fields, a bad name or hostname,
 * an unknown network mode and bad labels are PD_E_INVALID naming the field. */
int pod_spec_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err);

/* Published ports: an array of `-p` strings or port objects (null or
 * absent: none) into *@out, a new array of port objects (port_spec.h), or
 * PD_E_INVALID. */
int pod_ports_parse(const json_t *ports, json_t **out, struct pd_err *err);

/* Release what @spec owns. */
void pod_spec_clear(struct pod_spec *spec);
/* Release what @rec owns (its spec's too). */
void pod_record_clear(struct pod_record *rec);

/* "none", "host" or the network's name. */
const char *pod_net_name(const struct pod_spec *spec);
/* The nameservers of @spec as a JSON array. */
json_t *pod_dns_json(const struct pod_spec *spec);
const char *pod_state_name(enum pod_state state);

/* The state file's JSON for @rec (a new reference). */
json_t *pod_record_to_json(const struct pod_record *rec);

/* rec.ip and rec.gateway from attachment 0 (after any change of it). */
void pod_record_sync_views(struct pod_record *rec);

/* Parse a state file's JSON into @rec (release with pod_spec_clear(&rec->spec)
 * even on failure). Strict: a missing or unknown field is PD_E_INVALID. */
int pod_record_from_json(const json_t *j, struct pod_record *rec, struct pd_err *err);

/* issue 12, podlife: the lifecycle keys of a create body into @spec (from
 * pod_spec_parse), and of a state file: those keys off @rest (a copy of the
 * record, so that its strict unpack sees only its own). PD_E_INVALID. */
int pod_life_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err);
/* A copy of the body @body without those keys (a new reference). */
json_t *pod_life_strip(const json_t *body);
int pod_life_from_json(json_t *rest, struct pod_record *rec, struct pd_err *err);
void pod_life_to_json(const struct pod_record *rec, json_t *j);
/* issue 12, podspec: the keys POD_SPEC_K8S_KEYS of @body into @spec (its
 * k8s, host_pid, host_ipc). Used for a create body and a record alike. */
int pod_spec_k8s_parse(const json_t *body, struct pod_spec *spec, struct pd_err *err);
/* A container's /etc/hosts @hosts with the host aliases of @k8s appended
 * (the kubelet's block), and its resolv.conf @resolv (@len bytes) with the
 * search list and options of @k8s replacing the host's (as docker's
 * --dns-search and --dns-option do). New strings. */
char *pod_etc_hosts(const char *hosts, const json_t *k8s);
char *pod_etc_resolv(const char *resolv, size_t len, const json_t *k8s);
/* issue 14, dns: "host_aliases", "dns_search", "dns_options", "aliases"
 * of a create body (and with @with_dns "dns": up to POD_DNS_MAX IPv4 or
 * IPv6 addresses), checked and kept in canonical form in @out. Shared by
 * pods and containers of their own. PD_E_INVALID naming the key. */
int pod_dns_keys_parse(const json_t *body, bool with_dns, json_t *out, struct pd_err *err);
/* The API's view of @spec->k8s (a new reference). */
json_t *pod_spec_k8s_public(const struct pod_spec *spec);

/* A "labels" object: at most PD_API_MAX_LABELS string values, keys and
 * values at most PD_API_MAX_LABEL bytes (pods, volumes). PD_E_INVALID. */
int pod_labels_check(const json_t *labels, struct pd_err *err);
