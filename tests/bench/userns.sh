#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, user namespaces (issue 13; run by bench.sh, alone as below).
# Measured, never asserted: a pod's create + rm (--net none) without and
# with --userns auto; then a pod's create, a `run --rm` of busybox true in
# it and its rm, without a user namespace, with one and idmapped layers
# (podd's default), and with one and copied layers (--userns-layers copy,
# the fallback: every run makes the pod's copy of the image's layer anew,
# as the pod is new). Each podd has its own pool file.
#
#   tests/bench/userns.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: userns.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "userns" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-userns.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=

stop_podd() {
    local p
    for p in $(podctl pod ls -q 2> /dev/null); do podctl pod rm -f "$p" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    podd_pid=
}
cleanup() {
    stop_podd || true
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

printf 'podd:3000000000:%d\n' $((16 * 65536)) > "$T/subid"
start_podd() {
    podd --root "$T/root" --run-dir "$T/run" --foreground --subid-file "$T/subid" "$@" \
        2>> "$T/podd.log" &
    podd_pid=$!
    for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
    podctl image import busybox "$images/busybox" > /dev/null
}

pod_cycle() {
    podctl pod create ubench --net none "$@" > /dev/null
    podctl pod rm -f ubench > /dev/null
}
run_cycle() {
    podctl pod create ubench --net none "$@" > /dev/null
    podctl run --rm --pod ubench busybox true
    podctl pod rm -f ubench > /dev/null
}

start_podd
for _ in $(seq "$runs"); do time_ms pod_cycle; done > "$T/plain"
row "pod create + rm, --net none (ms)" "$(stats < "$T/plain")"
for _ in $(seq "$runs"); do time_ms pod_cycle --userns auto; done > "$T/userns"
row "pod create + rm, --userns auto (ms)" "$(stats < "$T/userns")"
for _ in $(seq "$runs"); do time_ms run_cycle; done > "$T/run_plain"
row "pod create + run --rm true + rm (ms)" "$(stats < "$T/run_plain")"
for _ in $(seq "$runs"); do time_ms run_cycle --userns auto; done > "$T/run_idmap"
row "  the same, --userns auto, idmapped layers (ms)" "$(stats < "$T/run_idmap")"
stop_podd
start_podd --userns-layers copy
for _ in $(seq "$runs"); do time_ms run_cycle --userns auto; done > "$T/run_copy"
row "  the same, --userns auto, copied layers (ms)" "$(stats < "$T/run_copy")"
row "  (busybox: one layer of $(du -sh "$T/root/layers" | cut -f1))" ""
