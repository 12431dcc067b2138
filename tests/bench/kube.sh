#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# kube play and down, measured (never asserted): one Pod manifest with an
# init container and three containers (busybox: the init writes a file, the
# three sleep), played and taken down by podctl, and beside it by
# `podman kube play` / `podman kube down` of the same file, in the same run
# (podman in a store of its own under the bench's dir, the busybox tree of
# `make images` imported, --network none for both). Each figure is the median (min-max) over RUNS runs (default
# 10), with the ratio of medians. play is timed until the command returns
# (podd: the pod's sequence has begun; podman: its containers started).
# Runs in a throwaway network and mount namespace.
#
#   tests/bench/kube.sh BUILD_DIR [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: kube.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-10}

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$(dirname "$0")/../../tools/sandbox.sh" "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$build/../images" && pwd)
export PATH=$build:$PATH
. "$here/lib.sh"

T=$(mktemp -d /tmp/podd-bench-kube.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
export CONTAINERS_CONF=$T/containers.conf
podd_pid=
pm() {
    podman --root "$T/pm/storage" --runroot "$T/pm/run" --tmpdir "$T/pm/tmp" "$@"
}
cleanup() {
    set +e
    podctl kube down "$T/pod.yaml" > /dev/null 2>&1
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    if [ -d "$T/pm" ]; then
        pm kube down "$T/pod.yaml" > /dev/null 2>&1
        pm pod rm -a -f -t 0 > /dev/null 2>&1
        pm rmi -a -f > /dev/null 2>&1
        umount -R "$T/pm/storage/overlay" 2> /dev/null
    fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

# podman resolves "busybox" to the image imported under this name.
cat > "$T/pod.yaml" << 'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: bench
  labels: {app: bench}
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 0
  volumes:
  - name: shared
    emptyDir: {}
  initContainers:
  - name: prep
    image: localhost/busybox:latest
    command: [sh, -c, "echo ready > /shared/state"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: one
    image: localhost/busybox:latest
    command: [sleep, "3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: two
    image: localhost/busybox:latest
    command: [sleep, "3600"]
  - name: three
    image: localhost/busybox:latest
    command: [sleep, "3600"]
EOF

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 250); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import localhost/busybox:latest "$images/busybox" > /dev/null

# pod_running: all three app containers run (play returns before they do).
pod_running() {
    [ "$(podctl ps -q --pod bench 2> /dev/null | wc -l)" -ge 3 ]
}
wait_until() {
    for _ in $(seq 1000); do "$@" && return 0; sleep 0.01; done
    return 1
}

echo "kube play + down of a pod of 3 containers and an init container; $runs runs, median (min-max)"
podctl kube play -q --network none "$T/pod.yaml" > /dev/null && wait_until pod_running && podctl kube down "$T/pod.yaml" > /dev/null
for _ in $(seq "$runs"); do
    t0=$EPOCHREALTIME
    podctl kube play -q --network none "$T/pod.yaml" > /dev/null
    t1=$EPOCHREALTIME
    wait_until pod_running
    t2=$EPOCHREALTIME
    podctl kube down "$T/pod.yaml" > /dev/null
    t3=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
        'BEGIN {printf "%.3f %.3f %.3f\n", (b - a) * 1000, (c - a) * 1000, (d - c) * 1000}'
done > "$T/podd"
row "podctl kube play, returns (ms)" "$(cut -d' ' -f1 "$T/podd" | stats)"
row "podctl kube play, until 3 containers run (ms)" "$(cut -d' ' -f2 "$T/podd" | stats)"
row "podctl kube down (ms)" "$(cut -d' ' -f3 "$T/podd" | stats)"
awk '{print $2 + $3}' "$T/podd" > "$T/podd_total"
row "podd play until running + down (ms)" "$(stats < "$T/podd_total")"

if ! command -v podman > /dev/null 2>&1; then
    row "podman" "not installed (make bench installs it)"
    exit 0
fi
mkdir -p "$T/pm"
# podman's pods need a cgroup: with cgroups off it refuses ("pod cgroup is
# not set"), and crun refuses a hybrid hierarchy. The sandbox is a mount
# namespace of its own: a cgroup2 mount at /sys/fs/cgroup there is ours.
umount -R /sys/fs/cgroup 2> /dev/null || umount -l /sys/fs/cgroup 2> /dev/null || true
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2> /dev/null || true
cat > "$CONTAINERS_CONF" << EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
EOF
tar -C "$images/busybox" -c . | pm import -q - localhost/busybox:latest > /dev/null
# The first play builds podman's pause image (from catatonit), once. When
# podman cannot start a pod here (crun raises RLIMIT_MEMLOCK for its cgroup
# v2 device filter, which needs CAP_SYS_RESOURCE), its play is measured
# with --start=false: the pod and containers made, not run, and said so.
start=()
label=""
if ! { pm kube play --network none "$T/pod.yaml" > /dev/null 2> "$T/pm.err" &&
    pm kube down "$T/pod.yaml" > /dev/null 2>> "$T/pm.err"; }; then
    pm kube down "$T/pod.yaml" > /dev/null 2>&1 || true
    row "podman kube play cannot start pods here" "$(grep -m1 -o 'crun: [^"\\]*' "$T/pm.err" || head -n 1 "$T/pm.err")"
    start=(--start=false)
    label=" --start=false (made, not run)"
    if ! { pm kube play "${start[@]}" --network none "$T/pod.yaml" > /dev/null 2> "$T/pm.err" &&
        pm kube down "$T/pod.yaml" > /dev/null 2>> "$T/pm.err"; }; then
        row "podman kube play" "failed: $(head -n 1 "$T/pm.err")"
        exit 0
    fi
fi
for _ in $(seq "$runs"); do
    t0=$EPOCHREALTIME
    pm kube play "${start[@]}" --network none "$T/pod.yaml" > /dev/null
    t1=$EPOCHREALTIME
    pm kube down "$T/pod.yaml" > /dev/null
    t2=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "%.3f %.3f\n", (b - a) * 1000, (c - b) * 1000}'
done > "$T/pm_times"
row "podman kube play$label (ms)" "$(cut -d' ' -f1 "$T/pm_times" | stats)"
row "podman kube down (ms)" "$(cut -d' ' -f2 "$T/pm_times" | stats)"
awk '{print $1 + $2}' "$T/pm_times" > "$T/pm_total"
row "podman play$label + down (ms)" "$(stats < "$T/pm_total")"
row "  ratio podman / podd, play + down (medians)" \
    "$(ratio "$(median < "$T/pm_total")" "$(median < "$T/podd_total")")"
