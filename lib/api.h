/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podd and podctl agree on: the API's paths, query parameters, JSON
 * field names, limits and defaults. Both sides include this file, so the
 * client cannot drift from the server.
 *
 * The API (HTTP/1.1 over a unix socket, JSON bodies):
 *   GET    /v1/version                  {"version","api_version","commit"}
 *   GET    /v1/info                     daemon facts: dirs, pid, counts, kernel, cgroups
 *   GET    /v1/system/df                disk use: {"images":[{"id","names","size","users"}],
 *                                        "containers":[{"id","name","image","state","size"}],
 *                                        "volumes":[{"name","size","users"}]}; sizes in
 *                                        bytes (a container's: its writable layer), users:
 *                                        how many containers use it
 *   GET    /v1/pods                     [pod, ...]
 *   POST   /v1/pods                     create; body: pod create fields; 201 pod
 *   GET    /v1/pods/{name|id}           pod
 *   POST   /v1/pods/{name|id}/start     200 pod
 *   POST   /v1/pods/{name|id}/stop?timeout=SECS   200 pod (after the infra exited)
 *   DELETE /v1/pods/{name|id}?force=true          200 {"id","name"}
 *   GET    /v1/images                   [image, ...]; image: {"id","names","digests",
 *                                        "created","size","config","layers",...}
 *   POST   /v1/images                   import; body {"name", "path"|"fd"}; 201 image
 *   POST   /v1/images/load              body {"fd"}; 200 {"images":[{"id","names"}]}
 *   POST   /v1/images/save              body {"fd","names":[REF...],"format"}; 200 {}
 *   POST   /v1/images/prune?all=true    200 {"deleted":[id...],"reclaimed":BYTES}
 *   GET    /v1/images/{REF}             image (REF percent-encoded: one segment)
 *   GET    /v1/images/{REF}/history     [{"id","created","created_by","size","comment"}]
 *   POST   /v1/images/{REF}/tag         body {"name"}; 200 image
 *   DELETE /v1/images/{REF}?force=true  200 {"untagged":[...],"deleted":[id...]}
 *   A REF is a reference ("busybox", "host:5000/a/b:v2", "app@sha256:..."), an id
 *   or id prefix, or "sha256:ID". Files travel as fds the client hands over
 *   (podd/http_fd.c), never in bodies.
 *   GET    /v1/containers?all=true&pod=P         [container, ...] (running only without all)
 *   POST   /v1/containers               create; body: container create fields; 201
 *                                        container. With "start": true, answered once the
 *                                        workload exec'd (a failed start removes it again)
 *   GET    /v1/containers/{name|id}     container
 *   POST   /v1/containers/{name|id}/start         200 container (running)
 *   POST   /v1/containers/{name|id}/stop?timeout=SECS  200 container (exited)
 *   POST   /v1/containers/{name|id}/kill?signal=SIG    200 container (signal sent)
 *   POST   /v1/containers/{name|id}/restart?timeout=SECS  200 container (running again)
 *   POST   /v1/containers/{name|id}/wait          200 {"exit_code",...} at the next exit,
 *                                        at once if exited; a created one waits for its start
 *   DELETE /v1/containers/{name|id}?force=true    200 {"id","name"}
 *   POST   /v1/containers/{name|id}/exec          201 exec session {"id","pid",
 *                                        "attach_socket"}; body: exec fields below.
 *                                        Answered once CMD exec'd (126/127 errors as run)
 *   GET    /v1/containers/{name|id}/logs?follow=true&tail=N&since=TIME
 *                                        text/plain: CRI log lines (lib/crilog.h); with
 *                                        follow, a chunked stream that ends when the
 *                                        container exits
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

#define PD_PATH_VERSION      "/v1/version"
#define PD_PATH_INFO         "/v1/info"
#define PD_PATH_SYSTEM_DF    "/v1/system/df" /* issue 16 */
#define PD_F_USERS           "users"
#define PD_PATH_PODS         "/v1/pods"
#define PD_PATH_IMAGES       "/v1/images"
#define PD_PATH_IMAGES_LOAD  PD_PATH_IMAGES "/load"
#define PD_PATH_IMAGES_SAVE  PD_PATH_IMAGES "/save"
#define PD_PATH_IMAGES_PRUNE PD_PATH_IMAGES "/prune"
#define PD_ACTION_TAG        "tag"
#define PD_ACTION_HISTORY    "history"
/* Image fields (store branch). */
#define PD_F_FD                "fd"
#define PD_F_NAMES             "names"
#define PD_F_DIGESTS           "digests"
#define PD_F_FORMAT            "format"
#define PD_F_IMAGES            "images"
#define PD_F_SIZE              "size"
#define PD_F_UNTAGGED          "untagged"
#define PD_F_DELETED           "deleted"
#define PD_F_RECLAIMED         "reclaimed"
#define PD_IMAGE_FORMAT_DOCKER "docker-archive"
#define PD_IMAGE_FORMAT_OCI    "oci-archive"
#define PD_IMAGE_SAVE_MAX      64 /* references in one save */
#define PD_PATH_CONTAINERS     "/v1/containers"
#define PD_PATH_NETWORKS       "/v1/networks"

/* Actions on a pod: POST PD_PATH_PODS/{name}/<action>. */
#define PD_ACTION_START "start"
#define PD_ACTION_STOP  "stop"
/* And on a container, also: */
#define PD_ACTION_KILL    "kill"
#define PD_ACTION_RESTART "restart"
#define PD_ACTION_WAIT    "wait"
#define PD_ACTION_LOGS    "logs" /* GET */
#define PD_ACTION_EXEC    "exec"
/* And on a pod: POST (publish) and DELETE (?port=) its ports. */
#define PD_ACTION_PORTS "ports"

/* The states of a pod, as the API spells them. */
#define PD_STATE_CREATING "creating"
#define PD_STATE_RUNNING  "running"
#define PD_STATE_STOPPING "stopping"
#define PD_STATE_STOPPED  "stopped"
#define PD_STATE_EXITED   "exited"
#define PD_STATE_CREATED  "created" /* a container not started yet */

/* Query parameters. */
#define PD_Q_TIMEOUT "timeout"
#define PD_Q_FORCE   "force"
#define PD_Q_ALL     "all"
#define PD_Q_POD     "pod"
#define PD_Q_SIGNAL  "signal"
#define PD_Q_FOLLOW  "follow"
#define PD_Q_TAIL    "tail"
#define PD_Q_SINCE   "since"
/* start?attach=true: the caller attaches next (lib/attach.h): the monitor
 * holds the output until it has, so none is lost. */
#define PD_Q_ATTACH "attach"
/* DELETE /v1/pods/{name}/ports?port=[HOSTIP:]HOSTPORT[-END][/PROTO] */
#define PD_Q_PORT "port"

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

/* Container fields: the create body (name .. start) and the container object
 * (which also has id, state, created, started, finished, exit_code, reason,
 * pid, namespaces, as a pod does). */
#define PD_F_POD      "pod" /* create: pod name or id; object: the pod's name */
#define PD_F_POD_ID   "pod_id"
#define PD_F_IMAGE    "image" /* create: image name or id; object: its name */
#define PD_F_IMAGE_ID "image_id"
/*      PD_F_ROOTFS      "rootfs"      create: a directory instead of an image */
#define PD_F_COMMAND "command" /* [string] */
#define PD_F_ENV     "env"     /* ["K=V"] */
#define PD_F_WORKDIR "workdir"
/*      PD_F_HOSTNAME    "hostname" */
#define PD_F_CAP_ADD     "cap_add" /* ["NET_ADMIN"] */
#define PD_F_CAP_DROP    "cap_drop"
#define PD_F_READ_ONLY   "read_only"
#define PD_F_AUTO_REMOVE "auto_remove" /* removed by podd when it exits */
#define PD_F_START       "start"       /* create only: start it as well */
/* Namespace modes of a container (create body and object): "host",
 * "container:NAME|ID" (another running container's), or for the network
 * also "none" (a namespace of its own with only lo). Absent: the pod's, or
 * new ones. */
#define PD_F_EPHEMERAL "ephemeral" /* a debug container (podctl debug) */
/* A host process's pid (podctl debug --process): the container joins its
 * network, PID, IPC and UTS namespaces through a pidfd; no pod, no other
 * namespace mode. podd remembers the process's start time, so a start after
 * the process is gone (and its pid reused) fails rather than joining
 * another. */
#define PD_F_TARGET_PROCESS  "target_process"
#define PD_F_NS_NETWORK      "network"
#define PD_F_NS_PID          "pid_mode"
#define PD_F_NS_IPC          "ipc_mode"
#define PD_F_NS_UTS          "uts_mode"
#define PD_NS_MODE_HOST      "host"
#define PD_NS_MODE_NONE      "none"
#define PD_NS_MODE_CONTAINER "container:"
#define PD_F_CAPS            "capabilities" /* the effective set, ["CAP_CHOWN", ...] */
#define PD_F_SIGNAL          "signal"       /* exited: the signal that ended it ("KILL") */
#define PD_F_SHIM_PID        "shim_pid"
#define PD_F_LOG_PATH        "log_path"
/* Terminal and stdin (create body, container object, exec body): "tty"
 * gives the process a pty owned by its shim, "stdin" keeps its stdin open
 * for attached clients (docker's -t and -i). */
#define PD_F_TTY   "tty"
#define PD_F_STDIN "stdin"
/* [rows, cols]: the terminal's size from its start (create and exec
 * bodies), so that the first thing the process reads is the client's size;
 * later changes go over the attach socket. */
#define PD_F_TTY_SIZE "tty_size"
/* The attach socket of a running container or of an exec session
 * (lib/attach.h); every running container has one. */
#define PD_F_ATTACH_SOCKET "attach_socket"
/* Exec: the body is {"command" (required), "env", "workdir", "user", "tty",
 * "stdin", "detach"}; "user" is "NAME[:GROUP]" or "UID[:GID]". A detached session
 * has no attach socket and its output is dropped, as docker's exec -d.
 * The container object lists running sessions under "exec_sessions":
 * [{"id","pid","command","user","tty"}]. */
#define PD_F_USER          "user"
#define PD_F_DETACH        "detach"
#define PD_F_EXEC_SESSIONS "exec_sessions"

/* ---- issue 11, config: the image configuration applied to containers ----
 * Create body: "command" may be absent when the image has an Entrypoint or
 * a Cmd (docker's rules, podd/ctr_image.h); "entrypoint" ([string], [] to
 * clear the image's) replaces the image's Entrypoint and clears its Cmd;
 * "user" ("NAME[:GROUP]" or "UID[:GID]", also in an exec body) is resolved
 * in the container's /etc/passwd and /etc/group when it starts;
 * "stop_signal" ("SIGUSR1", "USR1" or a number) is what stop and restart
 * send. The container object adds "entrypoint", "user", "stop_signal" (a
 * name) and "config": the image's configuration as it was at create
 * (ExposedPorts, Labels, Healthcheck, Volumes...; {} without an image). */
#define PD_F_ENTRYPOINT  "entrypoint"
#define PD_F_STOP_SIGNAL "stop_signal"
#define PD_F_CONFIG      "config"
#define PD_USER_MAX      256 /* bytes of a "user" value */
/* ---- volumes and mounts (issue 11, volumes branch) ----
 * Create body: "volumes" (["SRC:DST[:ro|rw|nocopy]"], as -v), "tmpfs"
 * (["DST[:size=N,mode=M,ro]"]), "mount" (["type=bind|volume|tmpfs,..."],
 * docker's --mount keys); podd/mount_spec.h parses them. The container
 * object shows "mounts": [{"type","source","target","read_only",...}]
 * (a volume's "source" is its name; its "path" is where it is on the host).
 *   GET    /v1/volumes                  [volume, ...]
 *   POST   /v1/volumes                  create {"name" (absent: a new id), "labels"};
 *                                        201 volume (200 when it exists already)
 *   GET    /v1/volumes/{name}           volume {"name","driver","mountpoint",
 *                                        "created","labels","anonymous","containers"}
 *   DELETE /v1/volumes/{name}?force=true 200 {"name"}; 409 while a container uses it
 *                                        (force: even then, as docker's rm -f does not)
 *   POST   /v1/volumes/prune?all=true   200 {"removed":[names]}: unused anonymous
 *                                        volumes (all unused ones with all=true)
 *   DELETE /v1/containers/{ref}?volumes=true  also removes its anonymous volumes
 *   POST   /v1/containers/{ref}/copy-to   {"fd","path"}: a tar on fd extracted into path
 *   POST   /v1/containers/{ref}/copy-from {"fd","path"}: the tar of path written to fd
 *   POST   /v1/containers/{ref}/export    {"fd"}: the tar of its whole tree
 */
#define PD_PATH_VOLUMES    "/v1/volumes"
#define PD_ACTION_PRUNE    "prune"
#define PD_ACTION_COPY_TO  "copy-to"
#define PD_ACTION_COPY_OUT "copy-from"
#define PD_ACTION_EXPORT   "export"
#define PD_Q_VOLUMES       "volumes"
#define PD_F_VOLUMES       "volumes"
#define PD_F_TMPFS         "tmpfs"
#define PD_F_MOUNT         "mount"
#define PD_F_MOUNTS        "mounts"
#define PD_VOLUME_DRIVER   "local"
#define PD_F_MOUNTPOINT    "mountpoint"
#define PD_F_ANONYMOUS     "anonymous"
#define PD_F_REMOVED       "removed"

/* A published port (podd/port_spec.h), as docker's `-p [IP:]HOST:POD[/PROTO]`:
 * {"protocol":"tcp","host_ip":"0.0.0.0","host_port":8080,"pod_port":80}. */
#define PD_F_PROTOCOL  "protocol"
#define PD_F_HOST_IP   "host_ip"
#define PD_F_HOST_PORT "host_port"
#define PD_F_POD_PORT  "pod_port"

/* Network modes of a pod: none, host, or the name of a network; "bridge"
 * is the default network. */
#define PD_NET_NONE           "none"
#define PD_NET_HOST           "host"
#define PD_NET_BRIDGE         "bridge"
#define PD_NET_DEFAULT        "podd" /* the default network's name */
#define PD_NET_DEFAULT_BRIDGE "podd0"
#define PD_NET_DEFAULT_SUBNET "10.77.0.0/16"
/* Pod fields of networking: the create body's "ip" (an address to ask
 * for), "dns" (servers for resolv.conf) and "ports"; the pod object's
 * "ip" and "gateway" once attached. */
#define PD_F_IP      "ip"
#define PD_F_GATEWAY "gateway"
#define PD_F_DNS     "dns"
#define PD_F_PORTS   "ports"

/* issue 14, attach: the attachments of a pod or container */
#define PD_F_NETWORKS    "networks"
#define PD_F_IP6         "ip6"
#define PD_F_GATEWAY6    "gateway6"
#define PD_F_MAC         "mac"
#define PD_F_IFNAME      "ifname"
#define PD_F_ALIASES     "aliases"
#define PD_F_PUBLISH_ALL "publish_all" /* -P on run */
/* POST /v1/networks/{name}/connect {"container": POD|CONTAINER, "ip"?,
 * "aliases"?} and .../disconnect {"container"}: another interface */
#define PD_ACTION_CONNECT    "connect"
#define PD_ACTION_DISCONNECT "disconnect"

/* issue 14, dns: the names of a pod (or a container of its own) in its
 * network's DNS (--network-alias), an array of strings; with "dns",
 * "dns_search", "dns_options" and "host_aliases" ([{"ip", "hostnames"}],
 * --add-host) also in a container's create body, for a container of its
 * own. A network object's "dns" is its DNS server's address ("" when
 * none runs). */
#define PD_F_DNS_SEARCH   "dns_search"
#define PD_F_DNS_OPTIONS  "dns_options"
#define PD_F_HOST_ALIASES "host_aliases"
/* Networks: the create body {"name", "subnet", "gateway", "bridge"} or
 * {"name", "conflist"} (a CNI conflist to run as it is); the network object
 * adds "driver" ("netplug", or the first plugin's type), "plugins" (their
 * types), "builtin", "created" and "pods" (the names of pods on it).
 * issue 15, dknet: the create body also takes "labels" ({"k": "v"}, as a
 * pod's); the network object adds "id" (64 hex, kept in its conflist under
 * "id" and given at load to a network without one) and "labels". */
#define PD_F_SUBNET   "subnet"
#define PD_F_BRIDGE   "bridge"
#define PD_F_CONFLIST "conflist"
#define PD_F_DRIVER   "driver"
#define PD_F_PLUGINS  "plugins"
#define PD_F_BUILTIN  "builtin"
#define PD_F_PODS     "pods"
/* Networks, issue 14 (netplug): the create body's "internal" (no way out,
 * no masquerade), "ipv6" (dual-stack), "subnet" also as an array of a v4
 * and a v6 CIDR, and "gateway6"; the network object adds "internal",
 * "ipv6", "subnet6", "gateway6" ("" when v4-only) and "masquerade". */
#define PD_F_INTERNAL           "internal"
#define PD_F_IPV6               "ipv6"
#define PD_F_SUBNET6            "subnet6"
#define PD_F_GATEWAY6           "gateway6"
#define PD_F_MASQUERADE         "masquerade"
#define PD_NET_DEFAULT_SUBNET6  "fd77::/64" /* the default network's with podd --ipv6 */
#define PD_NET_DEFAULT_GATEWAY6 "fd77::1"

/* Version and info fields. */
#define PD_F_VERSION            "version"
#define PD_F_API_VERSION        "api_version"
#define PD_F_ROOT               "root"
#define PD_F_RUN_DIR            "run_dir"
#define PD_F_SOCKET             "socket"
#define PD_F_PODS               "pods"
#define PD_F_PODS_RUNNING       "pods_running"
#define PD_F_CONTAINERS_RUNNING "containers_running"
#define PD_F_KERNEL             "kernel"
#define PD_F_CGROUP             "cgroup_version"
#define PD_F_NETNS_DIR          "netns_dir"

/* Registries (registry branch):
 *   POST /v1/images/pull   {"reference","platform","tls_verify"}; header
 *                          X-Registry-Auth (base64url of {"username","password",
 *                          "serveraddress"}, as docker's). A chunked stream of JSON
 *                          lines: progress {"id","status","current","total"}, then
 *                          the end {"status","id","digest","reference"} or
 *                          {"code","message"}.
 *   POST /v1/images/push   {"reference","tls_verify"} + X-Registry-Auth; streams too.
 *   POST /v1/registries/login  {"registry","username","password","tls_verify"}:
 *                          podd checks the credentials with the registry and keeps
 *                          nothing; 200 {"status":"Login Succeeded"}. */
#define PD_ACTION_PULL         "pull"
#define PD_ACTION_PUSH         "push"
#define PD_PATH_REGISTRY_LOGIN "/v1/registries/login"
#define PD_F_REFERENCE         "reference"
#define PD_F_PLATFORM          "platform"
#define PD_F_TLS_VERIFY        "tls_verify"
#define PD_F_REGISTRY          "registry"
#define PD_F_USERNAME          "username"
#define PD_F_PASSWORD          "password"
#define PD_F_STATUS            "status"
#define PD_F_DIGEST            "digest"
#define PD_DEFAULT_PLATFORM    "linux/amd64"

/* ---- issue 12, podlife: the pod's lifecycle as kubectl shows it ----
 * Pod create body: "restart_policy" ("Always"|"OnFailure"|"Never"),
 * "termination_grace_period" (s >= 0: the default stop timeout of its
 * containers), "active_deadline" (s > 0 from its start: then its containers
 * are stopped, status DeadlineExceeded). Pod JSON adds "phase", "status",
 * "ready" ("N/M"), "restarts", "last_restart"; each entry of its
 * "containers" adds "role", "seq", "ready", "restart_count".
 * Container create body: "role" ("app"|"init"|"sidecar"; init and sidecar
 * only in a pod), "stop_timeout" (s >= 0). Container JSON adds "role",
 * "seq" (its order in its pod), "stop_timeout" (when set). */
#define PD_F_GRACE_PERIOD    "termination_grace_period"
#define PD_F_ACTIVE_DEADLINE "active_deadline"
#define PD_F_PHASE           "phase"
#define PD_F_RESTARTS        "restarts"
#define PD_F_LAST_RESTART    "last_restart"
#define PD_F_ROLE            "role"
#define PD_F_SEQ             "seq"
#define PD_F_STOP_TIMEOUT    "stop_timeout"
#define PD_F_DEADLINE_HIT    "deadline_exceeded"
#define PD_ROLE_APP          "app"
#define PD_ROLE_INIT         "init"
#define PD_ROLE_SIDECAR      "sidecar"
#define PD_POLICY_ALWAYS     "Always"
#define PD_POLICY_ON_FAILURE "OnFailure"
#define PD_POLICY_NEVER      "Never"
#define PD_DEADLINE_MAX_S    (366LL * 24 * 3600)
/* ---- issue 12, podspec: events ----
 *   GET /v1/events?since=T&until=T&filter=K=V (filter repeatable: type,
 *       action (or event), pod, container): a chunked stream of JSON lines
 *       {"time","time_nano","type","action","id","name","pod","attributes"};
 *       T is RFC 3339, unix seconds or an age ("10m"). With an until the
 *       stream ends at that time (at once when it is past); podd keeps the
 *       last 1024 events for since. podd/events.h. */
#define PD_PATH_EVENTS "/v1/events"
#define PD_Q_UNTIL     "until"
#define PD_Q_FILTER    "filter"
/* Probes (issue 12, probes branch): a create request's Kubernetes Probe
 * objects (their own camelCase fields, podd/probe_spec.h) and docker's
 * healthcheck; inspect's view of their state. */
#define PD_F_LIVENESS_PROBE  "liveness_probe"
#define PD_F_READINESS_PROBE "readiness_probe"
#define PD_F_STARTUP_PROBE   "startup_probe"
#define PD_F_HEALTHCHECK     "healthcheck"
#define PD_F_READY           "ready"
#define PD_F_STARTUP_DONE    "startup_done"
#define PD_F_PROBES          "probes"
#define PD_F_HEALTH          "health"
/* Restart policies and backoff (issue 12, restart branch):
 *   POST /v1/containers  {"restart_policy": "no"|"on-failure[:N]"|"always"|
 *                        "unless-stopped"} (absent: the pod's, else "no")
 *   POST /v1/pods        {"restart_backoff": {"initial": s, "max": s}}
 *   GET  /v1/containers/X adds "restart_policy", "restart_count",
 *                        "last_state" {"exit_code","signal","reason","started",
 *                        "finished"} and, while a restart waits, "waiting"
 *                        {"reason": "CrashLoopBackOff","next_start","backoff"}
 *   GET  /v1/containers/X/logs?previous=1  the log of the instance before */
#define PD_F_RESTART_POLICY  "restart_policy"
#define PD_F_RESTART_BACKOFF "restart_backoff"
#define PD_F_RESTART_COUNT   "restart_count"
#define PD_F_LAST_STATE      "last_state"
#define PD_F_WAITING         "waiting"
#define PD_F_NEXT_START      "next_start"
#define PD_F_BACKOFF         "backoff"
#define PD_WAITING_BACKOFF   "CrashLoopBackOff"
#define PD_Q_PREVIOUS        "previous"

/* ---- issue 12, podspec: Kubernetes-facing pod and container fields ----
 * Pod create body (and the pod object): "annotations" {string: string},
 * "host_aliases" [{"ip","hostnames":[...]}] (lines of every container's
 * /etc/hosts), "dns_search", "dns_options" [string] (resolv.conf's search
 * and options, replacing the host's), "host_pid", "host_ipc" (bool: the
 * pod's containers use the host's namespace), "subdomain" (kept), "kube"
 * (an opaque object of at most 64 KiB, for podctl kube), "volumes" (pod
 * volumes, podd/pod_volume.h: empty_dir, config_map, secret, downward_api,
 * host_path, volume; items' data shown as given, base64).
 * Container create body (and object): "container_ports" [{"name",
 * "container_port","protocol"}], "resources" {"limits","requests"} of
 * quantities, "privileged", "allow_privilege_escalation" (kept, shown),
 * "kube" (opaque), "pod_mounts" [{"volume","target","read_only",
 * "sub_path"}], shown in "mounts" as {"type":"pod","source":VOLUME,...}. */
#define PD_F_POD_MOUNTS "pod_mounts"
/* issue 15: a container's create body (and object) takes "labels"
 * {string: string}, as a pod's (docker's and compose's labels). */

/* ---- issue 13, privileges ----
 * Container create body (and the container object): "privileged" (bool:
 * every capability, no seccomp default, all host devices, /sys read-write,
 * no masked paths; it was kept and shown before, now it is enforced),
 * "devices" [{"host_path", "container_path" (under /dev; the host path by
 * default), "permissions" ("rwm" by default, a subset of it)}], "init"
 * (bool: podd-pause --init as PID 1), "shm_size" (bytes of /dev/shm),
 * "sysctls" {name: value} (namespaced ones only: net.*, kernel.shm*,
 * kernel.msg*, kernel.sem, fs.mqueue.*, kernel.domainname), "ulimits"
 * [{"name","soft","hard"}] (lib/rlimit.h; -1: unlimited), "oom_score_adj"
 * (-1000..1000). */
#define PD_F_PRIVILEGED    "privileged"
#define PD_F_DEVICES       "devices"
#define PD_F_INIT          "init"
#define PD_F_SHM_SIZE      "shm_size"
#define PD_F_SYSCTLS       "sysctls"
#define PD_F_ULIMITS       "ulimits"
#define PD_F_OOM_SCORE_ADJ "oom_score_adj"
/* issue 13, cgroups: a container's and a pod's create body takes
 *   "limits": {"memory": BYTES, "memory_swap": BYTES (memory + swap; -1:
 *   unlimited), "memory_reservation": BYTES, "nano_cpus": 1e9 per CPU,
 *   "cpu_shares": 2..262144, "cpuset_cpus": "0-1,3", "pids_limit": N (-1:
 *   unlimited)}, docker's HostConfig meanings; absent keys are not set. A
 *   container's k8s "resources" fill the keys "limits" leaves unset, as the
 *   kubelet maps them. Inspect shows "limits" (the keys set) and "cgroup"
 *   (its path below podd's cgroup parent). /v1/info has
 *   "cgroup": {"layout": "v1"|"hybrid"|"v2"|"none", "parent",
 *   "v1_controllers": [..], "v2_controllers": [..]} beside cgroup_version
 *   (= the layout). */
#define PD_F_LIMITS            "limits"
#define PD_F_LIMIT_MEMORY      "memory"
#define PD_F_LIMIT_MEMORY_SWAP "memory_swap"
#define PD_F_LIMIT_MEMORY_RES  "memory_reservation"
#define PD_F_LIMIT_NANO_CPUS   "nano_cpus"
#define PD_F_LIMIT_CPU_SHARES  "cpu_shares"
#define PD_F_LIMIT_CPUSET_CPUS "cpuset_cpus"
#define PD_F_LIMIT_PIDS        "pids_limit"
#define PD_F_CGROUP_PATH       "cgroup"
#define PD_F_CGROUP_INFO       "cgroup"
/* issue 14, firewall: GET /v1/info's "firewall" object (podd/firewall.h) */
#define PD_F_FIREWALL           "firewall"
#define PD_F_FW_IPV4_FORWARDING "ipv4_forwarding"
#define PD_F_FW_IPV6_FORWARDING "ipv6_forwarding"
#define PD_F_FW_TABLE           "table"
#define PD_F_FW_DROP_CHAINS     "forward_drop_chains"
#define PD_F_FW_WARNING         "warning"
/* ---- issue 13, observe: stats, top, pause, unpause, update, OOM ----
 *   GET  /v1/containers/X/stats?stream=0|1  one stats object; with stream=1 a
 *        chunked stream of them, one line a second while it runs
 *   GET  /v1/stats?stream=0|1               [stats, ...] of every running (and
 *        paused) container; with stream=1 one such array a second
 *   GET  /v1/containers/X/top               {"titles":[...],"processes":[[...]]}
 *        (docker's: UID PID PPID C STIME TTY TIME CMD, from its cgroup)
 *   POST /v1/containers/X/pause, /unpause   200 container (cgroup freezer)
 *   POST /v1/containers/X/update            body {"limits": {...}} (only the keys
 *        given change) and/or {"restart_policy": "..."}; 200 container
 * A stats object: {"id","name","pod","read" (RFC 3339), "cpu_percent",
 *   "cpu_stats" and "precpu_stats" {"total_usage" ns, "system_cpu_usage" ns,
 *   "online_cpus"}, "memory" {"usage" (without inactive_file, as docker shows
 *   it), "raw_usage", "limit", "percent"}, "pids" {"current","limit"},
 *   "networks" {IF: {"rx_bytes","tx_bytes","rx_packets","tx_packets"}},
 *   "net_rx_bytes", "net_tx_bytes", "block_read_bytes", "block_write_bytes"}.
 * The container object adds "oom_killed" (bool): its last run ended in an
 * OOM kill (then "reason" is "OOMKilled", exit code 137, an "oom" event). */
/* issue 16, ux: POST /v1/containers/{ref}/rename?name=NEW answers the
 * renamed container (409 when NEW is taken). */
#define PD_ACTION_RENAME  "rename"
#define PD_PATH_STATS     "/v1/stats"
#define PD_ACTION_STATS   "stats"
#define PD_ACTION_TOP     "top"
#define PD_ACTION_PAUSE   "pause"
#define PD_ACTION_UNPAUSE "unpause"
#define PD_ACTION_UPDATE  "update"
#define PD_Q_STREAM       "stream"
#define PD_STATE_PAUSED   "paused"
#define PD_F_OOM_KILLED   "oom_killed"
#define PD_REASON_OOM     "OOMKilled"
#define PD_F_CPU_PERCENT  "cpu_percent"
#define PD_F_CPU_STATS    "cpu_stats"
#define PD_F_PRECPU_STATS "precpu_stats"
#define PD_F_TOTAL_USAGE  "total_usage"
#define PD_F_SYSTEM_USAGE "system_cpu_usage"
#define PD_F_ONLINE_CPUS  "online_cpus"
#define PD_F_MEMORY       "memory"
#define PD_F_USAGE        "usage"
#define PD_F_RAW_USAGE    "raw_usage"
#define PD_F_LIMIT        "limit"
#define PD_F_PERCENT      "percent"
#define PD_F_PIDS         "pids"
#define PD_F_CURRENT      "current"
#define PD_F_NETWORKS     "networks"
#define PD_F_RX_BYTES     "rx_bytes"
#define PD_F_TX_BYTES     "tx_bytes"
#define PD_F_RX_PACKETS   "rx_packets"
#define PD_F_TX_PACKETS   "tx_packets"
#define PD_F_NET_RX       "net_rx_bytes"
#define PD_F_NET_TX       "net_tx_bytes"
#define PD_F_BLOCK_READ   "block_read_bytes"
#define PD_F_BLOCK_WRITE  "block_write_bytes"
#define PD_F_READ         "read"
#define PD_F_TITLES       "titles"
#define PD_F_PROCESSES    "processes"
/* ---- issue 13, seccomp ----
 * Container create body: "security_opt" [string] in docker's forms
 * (podd/security_opt.h): "seccomp=unconfined", "seccomp=PROFILE_JSON_TEXT"
 * (podctl reads the file), "no-new-privileges[:true|false]". The container
 * object shows "security_opt" (a profile as "seccomp=<custom>"),
 * "seccomp": "default"|"unconfined"|"custom" and "no_new_privileges": bool
 * (also on with "allow_privilege_escalation": false). */
#define PD_F_SECURITY_OPT      "security_opt"
#define PD_F_SECCOMP           "seccomp"
#define PD_F_NO_NEW_PRIVILEGES "no_new_privileges"
/* ---- issue 13, user namespaces ----
 * Pod create body: "userns": "auto" (a user namespace of the pod's own,
 * owning its other namespaces, with a range of 65536 subordinate uids and
 * gids podd allocates) or "host" (the default). The pod object shows
 * "userns": {"mode", "uid", "gid", "size"}: the first host uid and gid of
 * the range and its size (uid, gid and size only with "auto"). */
#define PD_F_USERNS      "userns"
#define PD_F_USERNS_MODE "mode"
#define PD_F_USERNS_UID  "uid"
#define PD_F_USERNS_GID  "gid"
#define PD_F_USERNS_SIZE "size"
#define PD_USERNS_AUTO   "auto"
#define PD_USERNS_HOST   "host"
/* ---- issue 16, the namespace map (podd/ns_map.h) ----
 *   GET /v1/ns[?ref=POD|CONTAINER]  {"namespaces": [...], "processes": [...]}:
 *        the namespaces of every process podd knows (or of the pod's or
 *        container's only) and every process in them, from /proc.
 * A namespace: {"type" ("net", "ipc", "uts", "pid", "mnt", "user",
 *   "cgroup", "time"), "inode", "host" (bool: pid 1's or podd's own),
 *   "owner" (the pod or container it was made for, "host", or null),
 *   "owner_kind" ("pod", "container", "host" or null), "members"
 *   [member], "host_processes" (the processes of a host namespace not
 *   listed), "uid_map", "gid_map" ([[inside, outside, count], ...] of a
 *   user namespace, else null)}.
 * A member: {"pid", "role" ("infra", "container", "sidecar", "debug",
 *   "exec", "child", "monitor", "helper", "host"), "pod", "container", "exec_id",
 *   "comm", "parent" (a child's: the pid it is folded under)}, null where
 *   it has none. A process: a member with "ppid" and "ns" {TYPE: inode}. */
#define PD_PATH_NS             "/v1/ns"
#define PD_Q_REF               "ref"
#define PD_F_NS_TYPE           "type"
#define PD_F_NS_INODE          "inode"
#define PD_F_NS_HOST           "host"
#define PD_F_NS_OWNER          "owner"
#define PD_F_NS_OWNER_KIND     "owner_kind"
#define PD_F_NS_MEMBERS        "members"
#define PD_F_NS_HOST_PROCESSES "host_processes"
#define PD_F_NS_UID_MAP        "uid_map"
#define PD_F_NS_GID_MAP        "gid_map"
#define PD_F_NS_CONTAINER      "container"
#define PD_F_NS_EXEC_ID        "exec_id"
#define PD_F_NS_COMM           "comm"
#define PD_F_NS_PPID           "ppid"
#define PD_F_NS_PARENT         "parent"
#define PD_F_NS_NS             "ns"
#define PD_NS_OWNER_POD        "pod"
#define PD_NS_OWNER_CONTAINER  "container"
#define PD_NS_OWNER_HOST       "host"
