/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct podd: the daemon's whole state, passed explicitly to everything (no
 * globals). Owned by main.c, which builds it, runs the loop and tears it
 * down.
 */
#pragma once

#include <stdbool.h>
#include <sys/queue.h>

#include "cni_chain.h"
#include "http.h"
#include "image.h"
#include "log.h"
#include "network.h"
#include "restart_policy.h"
#include "task.h"
#include "userns.h"
struct event_base;
struct evhttp;
struct event;
struct pod;
struct events;
struct stats_streams;
struct firewall;  /* issue 14 */
struct dk_server; /* issue 15 */

struct podd_config {
	char *root;         /* owned: state that survives a reboot */
	char *run_dir;      /* owned: state that lives with the processes */
	char *socket_path;  /* owned */
	char *netns_dir;    /* owned: where `ip netns` looks */
	char *netns_prefix; /* owned: prefix of the names put there */
	char *pause_path;   /* owned: the podd-pause binary */
	char *shim_path;    /* owned: the podd-shim binary */
	char *cni_path;     /* owned: where CNI plugins are looked for (CNI_PATH) */
	char *archive_path; /* owned: the podd-archive binary (image store's tasks) */
	enum pd_log_level log_level;
	bool foreground;
	struct http_limits http;                /* client timeouts and cap (http_conn.c) */
	char *certs_dir;                        /* owned, or NULL: registries' CAs (registry.h) */
	struct restart_backoff restart_backoff; /* restart (issue 12): --restart-backoff */
	/* issue 13, cgroups (cgroup.h) */
	char *cgroup_parent; /* owned, NULL: the default; --cgroup-parent */
	int cgroup_layout;   /* enum cg_layout: --cgroup-layout */
	char *subid_file;    /* owned, or NULL: --subid-file (issue 13, userns.h) */
	bool userns_copy;    /* --userns-layers copy: chowned copies, not idmapped layers */
	/* issue 14, dns: where the DNS servers' upstream nameservers are
	 * read (owned, NULL: /etc/resolv.conf); --resolv-conf */
	char *resolv_conf;
	bool ipv6; /* issue 14, netplug: --ipv6, the default network dual-stack */
	/* issue 15: the Engine API's socket (owned; NULL: --docker-socket none) */
	char *docker_socket;
	/* issue 16: the group that may use the sockets (--group, sock_group.h):
	 * its name (owned) and gid, -1 when there is no such group */
	char *group;
	int group_gid;
	char *notify_socket; /* owned, or NULL: the service manager's (notify.h) */
};

TAILQ_HEAD(pod_list, pod);
struct container;
TAILQ_HEAD(container_head, container);
struct log_follower;
TAILQ_HEAD(log_follower_list, log_follower);
struct ctr_copy;
TAILQ_HEAD(ctr_copy_list, ctr_copy); /* issue 11, volumes: cp and export */
struct sys_df;
TAILQ_HEAD(sys_df_list, sys_df); /* issue 16: system df */

struct podd {
	struct podd_config cfg;
	struct event_base *base;       /* owned */
	struct evhttp *http;           /* owned */
	struct http_conns *http_conns; /* owned: its clients (http_conn.c) */
	struct event *sig_term;        /* owned */
	struct event *sig_int;         /* owned */
	struct event *sig_chld;        /* owned */
	int root_fd;                   /* owned, locked */
	int run_fd;                    /* owned, locked */
	int pods_fd;                   /* owned: <root>/pods */
	int run_pods_fd;               /* owned: <run>/pods */
	int images_fd;                 /* owned: <root>/images */
	int ctrs_fd;                   /* owned: <root>/containers */
	int run_ctrs_fd;               /* owned: <run>/containers */
	struct pod_list pods;          /* owned */
	struct image_list images;      /* owned */
	/* The image store (image.h): its dirs and what is in progress. */
	int blobs_fd;                     /* owned: <root>/blobs */
	int layers_fd;                    /* owned: <root>/layers */
	struct layer_unpack_list unpacks; /* owned: layers being unpacked */
	struct image_commit_list commits; /* owned: commits waiting for them */
	struct image_op_list image_ops;   /* owned: loads, saves, imports */
	struct ctr_copy_list copies;      /* owned: cp and export in flight (ctr_copy.c) */
	struct sys_df_list dfs;           /* owned: system df walks in flight (sys_df.c) */
	struct container_head containers; /* owned */
	struct task_list tasks;           /* owned: helper commands running */
	struct cni_op_list cni_ops;       /* owned: CNI plugin chains running */
	struct network_list networks;     /* owned */
	int inotify_fd;                   /* owned, -1 until a log is followed (ctr_logs.c) */
	struct event *inotify_ev;         /* owned */
	/* owned: log streams that end once sent (ctr_logs.c) */
	struct log_follower_list log_draining;
	struct registry *registry; /* owned, NULL until a registry is used (registry.c) */
	/* probes branch: owned, NULL until a network check runs (probe_net.c) */
	struct probe_loop *probe_loop;
	bool shutting_down;
	/* issue 12, podspec: the event bus (events.c), NULL until the first event */
	struct events *events; /* owned */
	/* issue 13, cgroups: the hierarchies and parent (cgroup.c), NULL
	 * until cgroup_setup */
	struct cgroups *cgroups; /* owned */
	/* issue 13, observe: the stats streams (stats.c), NULL until the first */
	struct stats_streams *stats_streams; /* owned */
	/* issue 13: the pools of subordinate uids and gids (pod_userns.c) */
	struct userns_pool uid_pool, gid_pool;
	/* issue 14, dns: the networks' DNS servers (dns.h), NULL until the first */
	struct dns_servers *dns; /* owned */
	/* issue 14, firewall: podd's nftables table (firewall.c), NULL until
	 * the first fw_sync */
	struct firewall *fw; /* owned */
	/* issue 15: the Engine API's server (podd/api/dk_server.c), NULL when off */
	struct dk_server *dk; /* owned */
};

/* loop.c: signal events (SIGTERM/SIGINT stop podd, SIGCHLD reaps), in @d->base. */
int loop_setup(struct podd *d);
void loop_teardown(struct podd *d);

/* http.c: serve the API on cfg.socket_path. */
struct pd_err;
int http_start(struct podd *d, struct pd_err *err);
void http_stop(struct podd *d);
