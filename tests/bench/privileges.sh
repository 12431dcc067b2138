#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, privileges (issue 13; run by bench.sh; alone as below).
# Measured, never asserted: the wall time of `podctl run --rm busybox
# true`, median and min-max over RUNS, as it is and with --init (podd-pause
# bound on /dev/init and run in front of the command), --privileged (the
# host's /dev scanned and a node made for each of its devices, every device
# in the cgroup), --device (a node and a cgroup rule), and the sysctl,
# ulimit and oom_score_adj flags together. The devices cgroup and the
# device program are in every row; podd's cgroup parent is its own, below
# the one it runs in, removed at the end.
#
#   tests/bench/privileges.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: privileges.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "privileges" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-privileges.XXXXXX)
parent=$(basename "$T")
export PODD_SOCKET=$T/run/podd.sock
podd_pid=

cleanup() {
    local c h
    for c in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$c" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
        rmdir "$h$parent" 2> /dev/null || true
    done
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --cgroup-parent "$parent" --foreground \
    > "$T/podd.log" 2>&1 &
podd_pid=$!
for _ in $(seq 500); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import busybox "$images/busybox" > /dev/null

# bench NAME FLAGS...: one row for `podctl run --rm FLAGS busybox true`.
bench() {
    local name=$1
    shift
    podctl run --rm "$@" busybox true > /dev/null # warm
    for _ in $(seq "$runs"); do time_ms podctl run --rm "$@" busybox true; done > "$T/times"
    row "run --rm busybox true $name (ms)" "$(stats < "$T/times")"
}

echo "privileges: podctl run --rm, $runs runs each, median (min-max)"
bench ""
bench "--init" --init
bench "--privileged" --privileged
bench "--device" --device /dev/null:/dev/n
bench "--sysctl --ulimit --oom-score-adj" --sysctl net.core.somaxconn=100 \
    --ulimit nofile=1024:2048 --oom-score-adj 100
