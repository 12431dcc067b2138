#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, confinement (issue 13; run by bench.sh, alone as below).
# Measured, never asserted: the cost of confinement on a run. `podctl run
# --rm --rootfs busybox true`, $RUNS times, on a podd with cgroups (the
# layout it finds: a leaf made, joined, killed and removed per run, in
# every hierarchy) and on one with --cgroup-layout none; with -m and
# --pids-limit too (the limit files written). A seccomp filter is measured
# beside when this podd has one (--security-opt seccomp=unconfined
# accepted). crun run of the same tree beside, for scale.
#
#   tests/bench/confine.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: confine.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "confinement" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-confine.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
parent=$(basename "$T")
podd_pid=

stop_podd() {
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    podd_pid=
}

cleanup() {
    stop_podd || true
    local d
    while read -r d; do
        rmdir "$d" 2> /dev/null || true
    done < <(find /sys/fs/cgroup -maxdepth 4 -type d -name "$parent" 2> /dev/null)
    rm -rf "$T"
}
trap cleanup EXIT

start_podd() {
    podd --root "$T/root" --run-dir "$T/run" --foreground --cgroup-parent "$parent" "$@" \
        2>> "$T/podd.log" &
    podd_pid=$!
    local i
    for i in $(seq 500); do podctl version > /dev/null 2>&1 && return 0; sleep 0.02; done
    return 1
}

run_rm() {
    podctl run --rm --rootfs "$images/busybox" "$@" true
}

# measure LABEL FLAGS...: $runs runs (after one to warm up) into $T/LABEL.
measure() {
    local label=$1
    shift
    run_rm "$@" > /dev/null
    for _ in $(seq "$runs"); do time_ms run_rm "$@"; done > "$T/$label"
}

seccomp=()
start_podd
layout=$(podctl info --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cgroup"]["layout"])')
if podctl run --rm --security-opt seccomp=unconfined --rootfs "$images/busybox" true > /dev/null 2>&1; then
    seccomp=(--security-opt seccomp=unconfined)
fi
measure cg
measure cg_limits -m 64m --pids-limit 100
stop_podd
start_podd --cgroup-layout none
measure none "${seccomp[@]}"
stop_podd

row "run --rm true, cgroups ($layout) (ms)" "$(stats < "$T/cg")"
row "run --rm true, cgroups + -m --pids-limit (ms)" "$(stats < "$T/cg_limits")"
row "run --rm true, --cgroup-layout none${seccomp:+ + unconfined} (ms)" "$(stats < "$T/none")"
row "  confinement's cost (medians)" "$(awk -v a="$(median < "$T/cg")" -v b="$(median < "$T/none")" 'BEGIN {printf "%+.2f ms", a - b}')"
if command -v crun > /dev/null 2>&1; then
    crun_runs "$images/busybox" "$runs" "$T/crun"
    if [ -s "$T/crun" ]; then
        row "crun run true (its cgroup and seccomp) (ms)" "$(stats < "$T/crun")"
    else
        row "crun run" "failed: $(head -n 1 "$T/crun.err")"
    fi
fi
