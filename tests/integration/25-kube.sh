#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podctl kube play | down | generate, with manifests as users write them
# (heredocs) and as kubectl writes them (`kubectl create ... --dry-run=client
# -o yaml`): a web server and a sidecar sharing localhost, an init container
# feeding an emptyDir, configMap and secret volumes and env, a Deployment of
# two replicas, a Job to completion; invalid manifests refused with their
# path and nothing left; warnings and --strict; generate loaded by
# Kubernetes' own client models (python3-kubernetes) and by podman kube play;
# the round trip play → generate → play → generate; kube down leaving
# nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

# busybox as docker.io has it (Cmd /bin/sh, which exits at once without a
# terminal), built once for the file (oci.sh), as a docker-archive: what
# `kubectl create deployment --image=busybox` runs.
CACHE=$(mktemp -d /tmp/podd-kube.XXXXXX)
trap 'rm -rf "$CACHE"' EXIT
(
    set -e
    T=$CACHE
    oci_base "$CACHE/oci" base
    oci_archive "$CACHE/oci" base "$CACHE/busybox.tar" docker-archive docker.io/library/busybox:latest
) > "$CACHE/build.log" 2>&1 || {
    cat "$CACHE/build.log" >&2
    echo "cannot build the test image" >&2
}

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# The names of the pods podd has, sorted, on one line.
pod_names() {
    podctl pod ls --format json | python3 -c '
import json, sys
print(" ".join(sorted(p["name"] for p in json.load(sys.stdin))))'
}

ctr_state() {
    ctr_field "$1" .state
}

pod_status() {
    pod_field "$1" .status
}

# has_status POD STATUS: the pod's STATUS column is STATUS (for wait_for).
has_status() {
    [ "$(pod_status "$1")" = "$2" ]
}

# restarted CONTAINER: its restart count is at least 1 (for wait_for).
restarted() {
    [ "$(ctr_field "$1" .restart_count)" -ge 1 ]
}

# No pod, no container, no volume left.
assert_nothing_left() {
    assert_eq "" "$(pod_names)" "pods left"
    assert_eq "" "$(podctl ps -a -q)" "containers left"
    assert_eq "" "$(podctl volume ls -q)" "volumes left"
}

test_web_and_sidecar_share_localhost() {
    with_busybox
    cat > "$T/web.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: httpd
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello from httpd > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - containerPort: 8080
  - name: probe
    image: busybox
    command: ["sh", "-c", "until wget -q -O /tmp/got http://127.0.0.1:8080/; do sleep 0.1; done; exec sleep 3600"]
EOF
    assert_exit 0 podctl kube play "$T/web.yaml"
    assert_eq web "$LAST_OUT"
    wait_for is_running web-httpd
    wait_for is_running web-probe
    WAIT_TIMEOUT=20 wait_for podctl exec web-probe test -s /tmp/got
    assert_eq "hello from httpd" "$(podctl exec web-probe cat /tmp/got)"
    assert_eq "$(ns_id "$(ctr_pid web-httpd)" net)" "$(ns_id "$(ctr_pid web-probe)" net)"
    assert_eq web "$(podctl pod inspect web | json .0.labels.app)"
    assert_exit 0 podctl kube down "$T/web.yaml"
    assert_eq web "$LAST_OUT"
    assert_nothing_left
}

test_init_container_feeds_an_empty_dir() {
    with_busybox
    cat > "$T/init.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: fed
spec:
  volumes:
  - name: content
    emptyDir: {}
  initContainers:
  - name: fill
    image: busybox
    command: ["sh", "-c", "echo made by init > /work/index.html"]
    volumeMounts:
    - name: content
      mountPath: /work
  containers:
  - name: serve
    image: busybox
    command: ["httpd", "-f", "-p", "8080", "-h", "/srv"]
    volumeMounts:
    - name: content
      mountPath: /srv
      readOnly: true
EOF
    assert_exit 0 podctl kube play "$T/init.yaml"
    WAIT_TIMEOUT=20 wait_for is_running fed-serve
    assert_eq exited "$(ctr_state fed-fill)"
    assert_eq 0 "$(ctr_field fed-fill .exit_code)"
    # The pod's restartPolicy Always does not restart a finished init
    # container (the kubelet's OnFailure for init containers).
    assert_eq on-failure "$(ctr_field fed-fill .restart_policy)"
    assert_eq 0 "$(ctr_field fed-fill .restart_count)"
    assert_eq "made by init" "$(podctl exec fed-serve wget -q -O - http://127.0.0.1:8080/index.html)"
    assert_eq "made by init" "$(podctl exec fed-serve cat /srv/index.html)"
    assert_exit 0 podctl kube down "$T/init.yaml"
    assert_nothing_left
}

test_config_map_and_secret_volumes_and_env() {
    with_busybox
    cat > "$T/cm.yaml" << 'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  greeting: hello
  app.conf: |
    mode=fast
    level=3
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
data:
  password: czNjcjN0
stringData:
  user: admin
---
apiVersion: v1
kind: Pod
metadata:
  name: cfg
  labels:
    tier: back
spec:
  restartPolicy: Never
  volumes:
  - name: config
    configMap:
      name: app-config
      items:
      - key: app.conf
        path: conf/app.conf
  - name: creds
    secret:
      secretName: app-secret
      defaultMode: 0400
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: app-config, key: greeting}
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: app-secret, key: password}
    - name: MY_POD
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    - name: MESSAGE
      value: "$(GREETING) from $(MY_POD)"
    envFrom:
    - prefix: CFG_
      configMapRef: {name: app-config}
    volumeMounts:
    - name: config
      mountPath: /etc/app
    - name: creds
      mountPath: /run/creds
      readOnly: true
EOF
    assert_exit 0 podctl kube play "$T/cm.yaml"
    WAIT_TIMEOUT=20 wait_for is_running cfg-app
    assert_eq hello "$(podctl exec cfg-app sh -c 'echo "$GREETING"')"
    assert_eq s3cr3t "$(podctl exec cfg-app sh -c 'echo "$PASSWORD"')"
    assert_eq cfg "$(podctl exec cfg-app sh -c 'echo "$MY_POD"')"
    assert_eq "hello from cfg" "$(podctl exec cfg-app sh -c 'echo "$MESSAGE"')"
    assert_eq hello "$(podctl exec cfg-app sh -c 'echo "$CFG_greeting"')"
    assert_eq "mode=fast" "$(podctl exec cfg-app head -n 1 /etc/app/conf/app.conf)"
    assert_eq s3cr3t "$(podctl exec cfg-app cat /run/creds/password)"
    assert_eq admin "$(podctl exec cfg-app cat /run/creds/user)"
    assert_exit 0 podctl kube down "$T/cm.yaml"
    assert_nothing_left
}

test_config_map_from_its_own_file() {
    with_busybox
    cat > "$T/cm-only.yaml" << 'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {COLOR: blue}
EOF
    cat > "$T/pod.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: painted}
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
    envFrom: [{configMapRef: {name: settings}}]
EOF
    assert_exit 125 podctl kube play "$T/pod.yaml"
    assert_contains "$LAST_ERR" 'ConfigMap "settings" not found'
    assert_nothing_left
    assert_exit 0 podctl kube play --configmap "$T/cm-only.yaml" "$T/pod.yaml"
    WAIT_TIMEOUT=20 wait_for is_running painted-c
    assert_eq blue "$(podctl exec painted-c sh -c 'echo "$COLOR"')"
    assert_exit 0 podctl kube down --configmap "$T/cm-only.yaml" "$T/pod.yaml"
    assert_nothing_left
}

test_deployment_replicas_get_ordinal_names() {
    with_busybox
    cat > "$T/deploy.yaml" << 'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: main
        image: busybox
        command: ["sleep", "3600"]
EOF
    assert_exit 0 podctl kube play "$T/deploy.yaml"
    assert_eq "api-0
api-1" "$LAST_OUT"
    WAIT_TIMEOUT=20 wait_for is_running api-0-main
    WAIT_TIMEOUT=20 wait_for is_running api-1-main
    assert_eq "api-0 api-1" "$(pod_names)"
    assert_eq api "$(pod_field api-1 .labels.app)"
    # A second play is refused; --replace re-creates.
    assert_exit 125 podctl kube play "$T/deploy.yaml"
    assert_contains "$LAST_ERR" 'pod "api-0" exists'
    local before
    before=$(pod_field api-0 .id)
    assert_exit 0 podctl kube play --replace "$T/deploy.yaml"
    assert_ne "$before" "$(pod_field api-0 .id)" "the re-created pod's id"
    assert_exit 0 podctl kube down "$T/deploy.yaml"
    assert_nothing_left
}

test_job_runs_to_completion() {
    with_busybox
    cat > "$T/job.yaml" << 'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  activeDeadlineSeconds: 600
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: ["sh", "-c", "echo done"]
EOF
    assert_exit 0 podctl kube play "$T/job.yaml"
    assert_eq once-0 "$LAST_OUT"
    WAIT_TIMEOUT=20 wait_for is_exited once-0-work
    assert_eq 0 "$(ctr_field once-0-work .exit_code)"
    assert_contains "$(podctl logs once-0-work)" "done"
    wait_for has_status once-0 Completed
    assert_exit 0 podctl kube down "$T/job.yaml"
    assert_nothing_left
}

# kubectl's own output, played as it is: busybox with no command exits at
# once, and the Deployment's restartPolicy Always restarts it with backoff,
# which kubectl shows as Completed, then CrashLoopBackOff.
test_kubectl_dry_run_played_as_it_is() {
    command -v kubectl > /dev/null || fail "no kubectl: make deps"
    [ -s "$CACHE/busybox.tar" ] || fail "no test image (see above)"
    podd_start --restart-backoff 1:2
    podctl image load -q -i "$CACHE/busybox.tar" > /dev/null
    kubectl create deployment web --image=busybox --dry-run=client -o yaml > "$T/kubectl.yaml"
    assert_contains "$(cat "$T/kubectl.yaml")" "creationTimestamp: null"
    assert_exit 0 podctl kube play --strict "$T/kubectl.yaml"
    assert_eq web-0 "$LAST_OUT"
    WAIT_TIMEOUT=30 wait_for restarted web-0-busybox
    assert_eq Always "$(pod_field web-0 .restart_policy)"
    assert_eq always "$(ctr_field web-0-busybox .restart_policy)"
    # kubectl get pods: STATUS CrashLoopBackOff, RESTARTS counting.
    WAIT_TIMEOUT=30 wait_for has_status web-0 CrashLoopBackOff
    [ "$(pod_field web-0 .restarts)" -ge 1 ] || fail "the pod's RESTARTS did not count"
    assert_exit 0 podctl kube down "$T/kubectl.yaml"
    assert_nothing_left
}

# play FILE must fail with exit 125, one line naming @want, nothing made.
refused() {
    local file=$1 want=$2
    assert_exit 125 podctl kube play "$file"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "$want"
    assert_nothing_left
}

test_invalid_manifests_refused_with_their_path() {
    with_busybox
    cat > "$T/noname.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers: [{name: a, image: busybox, command: [sleep, "1000"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - image: busybox
EOF
    refused "$T/noname.yaml" 'Pod "bad": spec.containers[0].name: Required value'
    cat > "$T/dup.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: busybox}
  - {name: a, image: busybox}
EOF
    refused "$T/dup.yaml" 'spec.containers[1].name: Duplicate value'
    cat > "$T/port.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: busybox
    ports: [{containerPort: 0}]
EOF
    refused "$T/port.yaml" 'spec.containers[0].ports[0].containerPort: must be between 1 and 65535'
    cat > "$T/policy.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  restartPolicy: Sometimes
  containers: [{name: a, image: busybox}]
EOF
    refused "$T/policy.yaml" 'spec.restartPolicy: must be Always, OnFailure or Never'
    cat > "$T/dns.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: My_Pod}
spec:
  containers: [{name: a, image: busybox}]
EOF
    refused "$T/dns.yaml" 'metadata.name: not a lowercase RFC 1123 subdomain'
    cat > "$T/probe.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: busybox
    livenessProbe:
      exec: {command: ["true"]}
      tcpSocket: {port: 80}
EOF
    refused "$T/probe.yaml" 'spec.containers[0].livenessProbe: may not have more than one handler'
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p\n' > "$T/syntax.yaml"
    refused "$T/syntax.yaml" "line"
    cat > "$T/never.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "example.invalid/nothing:1", imagePullPolicy: Never}]
EOF
    refused "$T/never.yaml" 'imagePullPolicy is Never'
    assert_exit 125 podctl kube play "$T/no-such-file.yaml"
    assert_exit 125 podctl kube play
}

# Kubernetes takes it (its scheduler would place the pods apart), podd
# refuses it half-way: the second pod asks for the host port the first
# has. What this play made is removed, the volume it made too.
test_failure_half_way_removes_what_play_made() {
    with_busybox
    cat > "$T/half.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: first}
spec:
  volumes: [{name: d, persistentVolumeClaim: {claimName: first-data}}]
  containers:
  - name: a
    image: busybox
    command: [sleep, "3600"]
    ports: [{containerPort: 80, hostPort: 18099}]
    volumeMounts: [{name: d, mountPath: /d}]
---
apiVersion: v1
kind: Pod
metadata: {name: second}
spec:
  containers:
  - name: b
    image: busybox
    command: [sleep, "3600"]
    ports: [{containerPort: 80, hostPort: 18099}]
EOF
    assert_exit 125 podctl kube play "$T/half.yaml"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" 'create pod "second"'
    assert_nothing_left
}

test_warnings_and_strict() {
    with_busybox
    cat > "$T/extra.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: warned}
spec:
  nodeSelector: {disktype: ssd}
  containers:
  - name: a
    image: busybox
    command: [sleep, "3600"]
    lifecycle:
      preStop:
        exec: {command: ["true"]}
    resources:
      limits: {memory: 64Mi}
EOF
    assert_exit 0 podctl kube play "$T/extra.yaml"
    assert_contains "$LAST_ERR" 'warning: Pod "warned": spec.nodeSelector: not supported, ignored'
    assert_contains "$LAST_ERR" 'spec.containers[0].lifecycle: not supported, ignored'
    # issue 13: enforced, as the kubelet maps them: no warning
    assert_not_contains "$LAST_ERR" 'resources'
    assert_eq 64Mi "$(ctr_field warned-a .resources.limits.memory)"
    assert_eq 67108864 "$(ctr_field warned-a .limits.memory)"
    assert_exit 0 podctl kube down "$T/extra.yaml"
    assert_nothing_left
    refused_strict() {
        assert_exit 125 podctl kube play --strict "$T/extra.yaml"
        assert_one_line "$LAST_ERR"
        assert_contains "$LAST_ERR" 'spec.nodeSelector: not supported, ignored (--strict)'
    }
    refused_strict
    assert_nothing_left
}

# The manifest of a pod played from a rich file, its generate, and the
# generate of the generate's play: the same text.
round_trip_yaml() {
    cat << 'EOF'
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  index.html: |
    <h1>hi</h1>
---
apiVersion: v1
kind: Pod
metadata:
  name: rt
  labels: {app: rt, tier: front}
  annotations: {owner: team-a}
spec:
  restartPolicy: OnFailure
  shareProcessNamespace: true
  hostname: round
  terminationGracePeriodSeconds: 5
  dnsConfig:
    nameservers: [10.0.0.53]
    searches: [example.test]
    options: [{name: ndots, value: "2"}]
  hostAliases:
  - ip: 10.1.2.3
    hostnames: [db.local]
  volumes:
  - name: site
    configMap: {name: site}
  - name: scratch
    emptyDir: {medium: Memory, sizeLimit: 16Mi}
  - name: info
    downwardAPI:
      items:
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
  initContainers:
  - name: prep
    image: busybox
    command: [sh, -c, "echo ready > /scratch/state"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: logger
    image: busybox
    restartPolicy: Always
    command: [sleep, "3600"]
  containers:
  - name: web
    image: busybox
    command: [httpd, -f, -p, "8080", -h, /site]
    env:
    - {name: MODE, value: "1"}
    workingDir: /site
    ports:
    - {name: http, containerPort: 8080, hostPort: 18088}
    readinessProbe:
      httpGet: {path: /index.html, port: http}
      periodSeconds: 2
    livenessProbe:
      tcpSocket: {port: 8080}
    securityContext:
      capabilities: {add: [NET_BIND_SERVICE], drop: [MKNOD]}
    volumeMounts:
    - {name: site, mountPath: /site, readOnly: true}
    - {name: scratch, mountPath: /scratch}
    - {name: info, mountPath: /etc/podinfo}
EOF
}

test_generate_round_trip() {
    with_busybox
    round_trip_yaml > "$T/rt.yaml"
    assert_exit 0 podctl kube play "$T/rt.yaml"
    WAIT_TIMEOUT=20 wait_for is_running rt-web
    assert_exit 0 podctl kube generate rt -o "$T/gen1.yaml"
    assert_exit 0 podctl kube down "$T/rt.yaml"
    assert_nothing_left
    assert_exit 0 podctl kube play "$T/gen1.yaml"
    WAIT_TIMEOUT=20 wait_for is_running rt-web
    podctl kube generate rt > "$T/gen2.yaml"
    diff -u "$T/gen1.yaml" "$T/gen2.yaml" >&2 || fail "generate → play → generate changed the manifest"
    assert_contains "$(cat "$T/gen1.yaml")" "kind: ConfigMap"
    assert_contains "$(cat "$T/gen1.yaml")" "hostPort: 18088"
    assert_contains "$(cat "$T/gen1.yaml")" "restartPolicy: Always"
    assert_exit 0 podctl kube down "$T/gen1.yaml"
    assert_nothing_left
}

# generate's Pod through python3-kubernetes' models: deserialised into a
# V1Pod and serialised back, it must be the document itself (the models
# drop what they do not know), with its enums among the API's values.
check_with_client_models() {
    /usr/bin/python3 - "$1" << 'EOF'
import json, sys, yaml
from kubernetes.client import ApiClient

class Resp:
    def __init__(self, data):
        self.data = data

api = ApiClient()
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
enums = {
    "restartPolicy": {"Always", "OnFailure", "Never"},
    "protocol": {"TCP", "UDP", "SCTP"},
    "scheme": {"HTTP", "HTTPS"},
    "imagePullPolicy": {"Always", "IfNotPresent", "Never"},
    "medium": {"", "Memory"},
}

def check_enums(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in enums and isinstance(x, str) and x not in enums[k]:
                sys.exit("%s.%s: %r is not one of %s" % (path, k, x, sorted(enums[k])))
            check_enums(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            check_enums(x, "%s[%d]" % (path, i))

models = {"Pod": "V1Pod", "ConfigMap": "V1ConfigMap", "Secret": "V1Secret",
          "Deployment": "V1Deployment"}
for d in docs:
    obj = api.deserialize(Resp(json.dumps(d)), models[d["kind"]])
    back = api.sanitize_for_serialization(obj)
    if back != d:
        sys.exit("%s changed through the models:\n%s\n%s" % (d["kind"], json.dumps(d, sort_keys=True), json.dumps(back, sort_keys=True)))
    check_enums(d)
print("ok", len(docs))
EOF
}

test_generate_survives_kubernetes_client_models() {
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import kubernetes' 2> /dev/null ||
        fail "python3-kubernetes is missing: make deps"
    with_busybox
    # Without its native sidecar: Debian's python3-kubernetes (22.6) predates
    # them (V1Container.restart_policy came with the 1.28 API) and drops
    # the field, which the round trip test covers instead.
    round_trip_yaml | awk '/^  - name: logger$/ {skip = 1} /^  containers:$/ {skip = 0} !skip' > "$T/rt.yaml"
    assert_not_contains "$(cat "$T/rt.yaml")" logger
    assert_exit 0 podctl kube play "$T/rt.yaml"
    WAIT_TIMEOUT=20 wait_for is_running rt-web
    podctl kube generate rt > "$T/pod.yaml"
    assert_contains "$(cat "$T/pod.yaml")" "readinessProbe:"
    assert_contains "$(check_with_client_models "$T/pod.yaml")" "ok 2"
    podctl kube generate --type deployment rt > "$T/deploy.yaml"
    assert_contains "$(cat "$T/deploy.yaml")" "kind: Deployment"
    assert_contains "$(check_with_client_models "$T/deploy.yaml")" "ok 2"
    # A container podctl run made, outside any pod, is a Pod too.
    podctl run -d --name solo -e COLOR=red busybox sleep 3600 > /dev/null
    podctl kube generate solo > "$T/solo.yaml"
    assert_contains "$(check_with_client_models "$T/solo.yaml")" "ok 1"
    assert_contains "$(cat "$T/solo.yaml")" "value: red"
    assert_exit 125 podctl kube generate nosuch
    assert_contains "$LAST_ERR" 'no pod or container "nosuch"'
    assert_exit 125 podctl kube generate --type job rt
    podctl rm -f solo > /dev/null
    assert_exit 0 podctl kube down "$T/rt.yaml"
    assert_nothing_left
}

# podman's own kube play takes what generate writes: podman with a store of
# the test's own and the busybox tree imported, in a mount namespace of its
# own where /sys/fs/cgroup is a cgroup2 mount (crun refuses this host's
# hybrid hierarchy, and podman's pods need a cgroup). --start=false: the
# pod and its containers are made from the manifest, not run (crun cannot
# raise this host's RLIMIT_MEMLOCK for podman's infra); their command and
# env are read back from podman.
podman_play() {
    local dir=$1 file=$2
    unshare --mount bash -euo pipefail -s "$dir" "$file" "$IMAGES/busybox" << 'EOF'
dir=$1 file=$2 tree=$3
umount -R /sys/fs/cgroup 2> /dev/null || umount -l /sys/fs/cgroup 2> /dev/null || true
mount -t cgroup2 cgroup2 /sys/fs/cgroup
printf '%s\n' '[containers]' 'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]' \
    '[engine]' 'cgroup_manager = "cgroupfs"' 'events_logger = "none"' > "$dir/containers.conf"
export CONTAINERS_CONF=$dir/containers.conf
pm() { podman --root "$dir/root" --runroot "$dir/run" --tmpdir "$dir/tmp" --storage-driver vfs "$@"; }
tar -C "$tree" -c . | pm import -q - docker.io/library/busybox:latest > /dev/null
rc=0
pm kube play --start=false --network none "$file" > "$dir/play.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && pm inspect pm-main --format '{{.Config.Entrypoint}} {{.Config.Cmd}} {{.Config.Env}}' || cat "$dir/play.out" >&2
pm kube down "$file" > /dev/null 2>&1 || true
pm system reset -f > /dev/null 2>&1 || true
exit "$rc"
EOF
}

test_generate_accepted_by_podman() {
    command -v podman > /dev/null || fail "no podman (make bench installs it)"
    with_busybox
    cat > "$T/simple.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: pm, labels: {app: pm}}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: [sh, -c, "echo from podman"]
    env: [{name: GREETING, value: hello}]
EOF
    assert_exit 0 podctl kube play "$T/simple.yaml"
    podctl kube generate pm > "$T/gen.yaml"
    mkdir "$T/pm"
    assert_exit 0 podman_play "$T/pm" "$T/gen.yaml"
    assert_contains "$LAST_OUT" "sh -c echo from podman"
    assert_contains "$LAST_OUT" "GREETING=hello"
    assert_exit 0 podctl kube down "$T/simple.yaml"
    assert_nothing_left
}

test_down_removes_only_what_play_made() {
    with_busybox
    cat > "$T/claim.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata: {name: keeper}
spec:
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: keeper-data}
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "echo kept > /data/f; exec sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
EOF
    # A pod of the same name made by hand is not play's: down leaves it.
    podctl pod create keeper > /dev/null
    assert_exit 125 podctl kube down "$T/claim.yaml"
    assert_contains "$LAST_ERR" "not made by kube play"
    assert_eq keeper "$(pod_names)"
    podctl pod rm -f keeper > /dev/null
    # A volume that existed before play stays after down.
    podctl volume create other > /dev/null
    assert_exit 0 podctl kube play "$T/claim.yaml"
    assert_eq "keeper-data
other" "$(podctl volume ls -q | sort)"
    WAIT_TIMEOUT=20 wait_for is_running keeper-c
    assert_exit 0 podctl kube down "$T/claim.yaml"
    assert_eq keeper "$LAST_OUT"
    assert_eq other "$(podctl volume ls -q)"
    podctl volume rm other > /dev/null
    assert_nothing_left
}

run_tests
