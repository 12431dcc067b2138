/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podd and podctl agree on: the API's paths, query parameters, JSON
 * field names, limits and defaults. Both sides include this file, so the
 * client cannot drift from the server.
 *
 * The API (HTTP/1.1 over a unix socket, JSON bodies):
 *   GET    /v1/version                  {"version","api_version","commit"}
 *   GET    /v1/info                     daemon facts: dirs, pid, counts, kernel, cgroups
 *   GET    /v1/pods                     [pod, ...]
 *   POST   /v1/pods                     create; body: pod create fields; 201 pod
 *   GET    /v1/pods/{name|id}           pod
 *   POST   /v1/pods/{name|id}/start     200 pod
 *   POST   /v1/pods/{name|id}/stop?timeout=SECS   200 pod (after the infra exited)
 *   DELETE /v1/pods/{name|id}?force=true          200 {"id","name"}
 *   GET    /v1/images                   [image, ...]
 *   POST   /v1/images                   import; body {"name","path"}; 201 image
 *   GET    /v1/images/{name|id}         image
 *   DELETE /v1/images/{name|id}         200 {"id","name"}
 * Errors: the HTTP status of the error kind (lib/err.h) and a body
 *   {"code": "<stable code>", "message": "<one line>"}.
 */
#pragma once

#define PD_VERSION     "0.1.0"
#define PD_API_VERSION "v1"

#define PD_DEFAULT_ROOT    "/var/lib/podd"
#define PD_DEFAULT_RUN_DIR "/run/podd"
#define PD_SOCKET_NAME     "podd.sock"
#define PD_DEFAULT_SOCKET  PD_DEFAULT_RUN_DIR "/" PD_SOCKET_NAME
#define PD_SOCKET_ENV      "PODD_SOCKET"
#define PD_SOCKET_GROUP    "podd"

/* Where `ip netns` looks, and the prefix of the names podd puts there. */
#define PD_NETNS_DIR            "/run/netns"
#define PD_DEFAULT_NETNS_PREFIX "podd-"

#define PD_API_MAX_BODY    (1024 * 1024) /* bytes of a request body */
#define PD_API_MAX_HEADERS (64 * 1024)
#define PD_API_MAX_LABELS  64
#define PD_API_MAX_LABEL   1024 /* bytes of a label key or value */

#define PD_STOP_TIMEOUT_DEFAULT_S 10 /* as docker's and podman's stop */
#define PD_STOP_TIMEOUT_MAX_S     (24 * 3600)

#define PD_PATH_VERSION "/v1/version"
#define PD_PATH_INFO    "/v1/info"
#define PD_PATH_PODS    "/v1/pods"
#define PD_PATH_IMAGES  "/v1/images"

/* Actions on a pod: POST PD_PATH_PODS/{name}/<action>. */
#define PD_ACTION_START "start"
#define PD_ACTION_STOP  "stop"

/* The states of a pod, as the API spells them. */
#define PD_STATE_CREATING "creating"
#define PD_STATE_RUNNING  "running"
#define PD_STATE_STOPPING "stopping"
#define PD_STATE_STOPPED  "stopped"
#define PD_STATE_EXITED   "exited"

/* Query parameters. */
#define PD_Q_TIMEOUT "timeout"
#define PD_Q_FORCE   "force"

/* Error body fields. */
#define PD_F_CODE    "code"
#define PD_F_MESSAGE "message"

/* Pod fields: the create body (name .. labels) and the pod object. */
#define PD_F_NAME       "name"
#define PD_F_HOSTNAME   "hostname"
#define PD_F_SHARE_PID  "share_pid"
#define PD_F_NETWORK    "network"
#define PD_F_LABELS     "labels"
#define PD_F_ID         "id"
#define PD_F_STATE      "state"
#define PD_F_CREATED    "created"
#define PD_F_STARTED    "started"
#define PD_F_FINISHED   "finished"
#define PD_F_INFRA      "infra"
#define PD_F_PID        "pid"
#define PD_F_EXIT_CODE  "exit_code"
#define PD_F_NAMESPACES "namespaces"
#define PD_F_NETNS_PATH "netns_path"
#define PD_F_CONTAINERS "containers"
#define PD_F_REASON     "reason"

/* Image fields. */
#define PD_F_PATH   "path"
#define PD_F_SOURCE "source"
#define PD_F_ROOTFS "rootfs"

/* Network modes of a pod. */
#define PD_NET_NONE "none"
#define PD_NET_HOST "host"

/* Version and info fields. */
#define PD_F_VERSION      "version"
#define PD_F_API_VERSION  "api_version"
#define PD_F_ROOT         "root"
#define PD_F_RUN_DIR      "run_dir"
#define PD_F_SOCKET       "socket"
#define PD_F_PODS         "pods"
#define PD_F_PODS_RUNNING "pods_running"
#define PD_F_KERNEL       "kernel"
#define PD_F_CGROUP       "cgroup_version"
#define PD_F_NETNS_DIR    "netns_dir"
