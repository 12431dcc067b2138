#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, a container of its own on a network (issue 14; run by
# bench.sh, alone as below). Measured, never asserted: `run --rm busybox
# true` on the default network (podd makes the network namespace, attaches
# it, then the shim joins it; the DEL runs after rm answers) against
# `--network none`, and podman's `run --rm --rootfs` with its default
# network and with none, where podman is installed.
#
#   tests/bench/attach.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: attach.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "attach" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-attach.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=

cleanup() {
    local c
    for c in $(podctl ps -aq 2> /dev/null); do podctl rm -f "$c" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --foreground 2>> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import busybox "$images/busybox" > /dev/null
podctl run --rm busybox true > /dev/null # warm the page cache and the bridge

for _ in $(seq "$runs"); do time_ms podctl run --rm busybox true; done > "$T/bridge"
row "podctl run --rm busybox true, default network (ms)" "$(stats < "$T/bridge")"
for _ in $(seq "$runs"); do time_ms podctl run --rm --network none busybox true; done > "$T/none"
row "podctl run --rm --network none busybox true (ms)" "$(stats < "$T/none")"
row "  cost of the network (medians)" \
    "$(awk -v a="$(median < "$T/bridge")" -v b="$(median < "$T/none")" 'BEGIN {printf "%.1f ms", a - b}')"

if command -v podman > /dev/null 2>&1; then
    pm_runs=$((runs < 10 ? runs : 10))
    for net in bridge none; do
        pm() { podman run --rm --network "$net" --rootfs "$images/busybox" true; }
        pm > /dev/null 2>&1 || true # warm podman's caches
        for _ in $(seq "$pm_runs"); do time_ms pm; done > "$T/pm_$net" 2> "$T/pm_$net.err" || true
        if [ -s "$T/pm_$net" ]; then
            row "podman run --rm --network $net --rootfs DIR true (ms)" "$(stats < "$T/pm_$net")"
        else
            row "podman run --rm --network $net" "failed: $(head -n 1 "$T/pm_$net.err")"
        fi
    done
else
    row "podman" "not installed (apt-get install podman crun)"
fi
