#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, seccomp (issue 13; run by bench.sh; alone as below).
# Measured, never asserted: what the default filter costs a container's
# start, as `podctl run --rm busybox true` with the built-in profile (docker's
# default, compiled by the shim with libseccomp before the clone) against
# `--security-opt seccomp=unconfined`, in interleaved rounds so that both see
# the same machine; and what it costs a running workload, as the time of
# 200000 getppid calls (busybox has no loop of its own: a shell loop of
# `:` does no syscall, so the workload reads /proc/self/stat, one open,
# read and close a round, 20000 rounds) under each.
#
#   tests/bench/seccomp.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: seccomp.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "seccomp" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-seccomp.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=
cleanup() {
    local p
    for p in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$p" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import busybox "$images/busybox" > /dev/null

echo "seccomp: $runs runs each, median (min-max)"
run_default() { podctl run --rm --net none busybox true; }
run_unconfined() { podctl run --rm --net none --security-opt seccomp=unconfined busybox true; }
run_default
run_unconfined
for _ in $(seq "$runs"); do
    time_ms run_default >> "$T/default"
    time_ms run_unconfined >> "$T/unconfined"
done
row "run --rm busybox true, default profile (ms)" "$(stats < "$T/default")"
row "run --rm busybox true, seccomp=unconfined (ms)" "$(stats < "$T/unconfined")"
row "  difference of the medians (ms)" \
    "$(awk -v a="$(median < "$T/default")" -v b="$(median < "$T/unconfined")" \
        'BEGIN {printf "%.2f", a - b}')"

# In the workload: 20000 reads of /proc/self/stat by busybox's shell.
loop='i=0; while [ $i -lt 20000 ]; do read -r _ < /proc/self/stat; i=$((i + 1)); done'
work_runs=$(( runs < 10 ? runs : 10 ))
for _ in $(seq "$work_runs"); do
    time_ms podctl run --rm --net none busybox sh -c "$loop" >> "$T/w_default"
    time_ms podctl run --rm --net none --security-opt seccomp=unconfined busybox \
        sh -c "$loop" >> "$T/w_unconfined"
done
row "20000 open+read+close in the workload, default (ms)" "$(stats < "$T/w_default")"
row "20000 open+read+close in the workload, unconfined (ms)" "$(stats < "$T/w_unconfined")"
