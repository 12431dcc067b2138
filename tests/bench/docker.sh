#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Docker Engine API, measured (never asserted): the docker CLI's
# `docker run --rm busybox true`, and docker-compose 1.29's `up -d` then
# `down -v` of examples/compose (three services, a network, a volume, a
# healthcheck), each through podd's docker.sock and beside the same through
# podman's docker-compatible socket (`podman system service`, a store of
# its own under the bench's dir, started here and stopped after). Medians
# (min-max) over RUNS runs (default 10), with the ratios of medians.
# Whatever podman cannot do on this machine is said, not measured.
# Runs in a throwaway network and mount namespace.
#
#   tests/bench/docker.sh BUILD_DIR [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: docker.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_prelude "docker API" "$build" "$0" "$@"

project=$(cd "$here/../../examples/compose" && pwd)/docker-compose.yml
export WEB_PORT=18090
T=$(mktemp -d /tmp/podd-bench-docker.XXXXXX)
export DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG"
# podman reads DOCKER_CONFIG too, and wants a file there
echo "{}" > "$DOCKER_CONFIG/config.json"
podd_pid=
pm_pid=
cleanup() {
    set +e
    if [ -n "$podd_pid" ]; then
        DOCKER_HOST=unix://$T/run/docker.sock docker-compose -p bench -f "$project" down -v -t 1 > /dev/null 2>&1
        kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null
    fi
    if [ -n "$pm_pid" ]; then
        DOCKER_HOST=unix://$T/pm.sock docker-compose -p bench -f "$project" down -v -t 1 > /dev/null 2>&1
        kill -TERM "$pm_pid" 2> /dev/null && wait "$pm_pid" 2> /dev/null
    fi
    if [ -d "$T/pm" ]; then
        pm rm -a -f -t 0 > /dev/null 2>&1
        pm rmi -a -f > /dev/null 2>&1
        umount -R "$T/pm/storage/overlay" 2> /dev/null
    fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

# measure NAME: time `docker run --rm` and compose up + down against
# $DOCKER_HOST into $T/NAME.run and $T/NAME.compose; a failure's first line
# in $T/NAME.err.
measure() {
    local name=$1 i
    if docker run --rm busybox true > /dev/null 2> "$T/$name.err"; then
        for i in $(seq "$runs"); do time_ms docker run --rm busybox true; done > "$T/$name.run"
    fi
    local c=(docker-compose -p bench -f "$project")
    if "${c[@]}" up -d > /dev/null 2>> "$T/$name.err" && "${c[@]}" down -v -t 1 > /dev/null 2>> "$T/$name.err"; then
        for i in $(seq "$runs"); do
            t0=$EPOCHREALTIME
            "${c[@]}" up -d > /dev/null 2>&1
            t1=$EPOCHREALTIME
            "${c[@]}" down -v -t 1 > /dev/null 2>&1
            t2=$EPOCHREALTIME
            awk -v a="$t0" -v b="$t1" -v c="$t2" \
                'BEGIN {printf "%.3f %.3f %.3f\n", (b - a) * 1000, (c - b) * 1000, (c - a) * 1000}'
        done > "$T/$name.compose"
    else
        "${c[@]}" down -v -t 1 > /dev/null 2>&1 || true
    fi
}

# report NAME LABEL: its rows, or what failed.
report() {
    if [ -s "$T/$1.run" ]; then
        row "$2: docker run --rm busybox true (ms)" "$(stats < "$T/$1.run")"
    else
        row "$2: docker run --rm" "failed: $(grep -m1 . "$T/$1.err" || echo '?')"
    fi
    if [ -s "$T/$1.compose" ]; then
        row "$2: docker-compose up -d (ms)" "$(cut -d' ' -f1 "$T/$1.compose" | stats)"
        row "$2: docker-compose down -v (ms)" "$(cut -d' ' -f2 "$T/$1.compose" | stats)"
        row "$2: up -d + down -v (ms)" "$(cut -d' ' -f3 "$T/$1.compose" | stats)"
    else
        row "$2: docker-compose up -d + down -v" "failed: $(grep -v '^Creating\|^Removing\|^Stopping' "$T/$1.err" | grep -m1 . || echo '?')"
    fi
}

echo "docker CLI and docker-compose through the Engine API; $runs runs, median (min-max)"
podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
export PODD_SOCKET=$T/run/podd.sock
wait_until podctl version > /dev/null 2>&1 || true
podctl image import busybox "$images/busybox" > /dev/null
DOCKER_HOST=unix://$T/run/docker.sock measure podd
report podd "podd"
DOCKER_HOST=unix://$T/run/docker.sock docker-compose -p bench -f "$project" down -v -t 1 > /dev/null 2>&1 || true
kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null || true
podd_pid=

if ! command -v podman > /dev/null 2>&1; then
    row "podman" "not installed (make bench installs it)"
    exit 0
fi
# podman's containers need a cgroup hierarchy it can use: the sandbox is a
# mount namespace of its own, a cgroup2 mount at /sys/fs/cgroup there is
# ours (as kube.sh does).
umount -R /sys/fs/cgroup 2> /dev/null || umount -l /sys/fs/cgroup 2> /dev/null || true
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2> /dev/null || true
mkdir -p "$T/pm"
export CONTAINERS_CONF=$T/containers.conf
cat > "$CONTAINERS_CONF" << EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
EOF
# the compatible API names "busybox" docker.io/library/busybox
tar -C "$images/busybox" -c . | pm import -q - docker.io/library/busybox:latest > /dev/null
# podman itself, not the pm function's subshell: $! must be podman's pid
podman --root "$T/pm/storage" --runroot "$T/pm/run" --tmpdir "$T/pm/tmp" \
    system service --time=0 "unix://$T/pm.sock" 2> "$T/pm-service.log" &
pm_pid=$!
wait_until test -S "$T/pm.sock" || true
DOCKER_HOST=unix://$T/pm.sock measure pm
report pm "podman"
if [ ! -s "$T/pm.run" ]; then
    # why: podman's own words for the same run
    pm run --rm busybox true > /dev/null 2> "$T/pm-run.err" || true
    row "  podman run --rm busybox true says" "$(grep -m1 . "$T/pm-run.err" || echo 'nothing')"
fi
if [ -s "$T/pm.run" ] && [ -s "$T/podd.run" ]; then
    row "  ratio podman / podd, docker run --rm (medians)" \
        "$(ratio "$(median < "$T/pm.run")" "$(median < "$T/podd.run")")"
fi
if [ -s "$T/pm.compose" ] && [ -s "$T/podd.compose" ]; then
    row "  ratio podman / podd, compose up + down (medians)" \
        "$(ratio "$(cut -d' ' -f3 "$T/pm.compose" | median)" "$(cut -d' ' -f3 "$T/podd.compose" | median)")"
fi
