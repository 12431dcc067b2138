#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, stats (issue 13, run by bench.sh; alone as below). Measured,
# never asserted: `podctl stats --no-stream` over $STATS_CTRS (50) running
# busybox containers (the table, and --format json), median and min-max
# over RUNS. Beside it `podman stats --no-stream` on as many containers,
# when podman can run them here with cgroups (its store and configuration
# of its own under the bench's temp dir); otherwise a line says why.
#
#   tests/bench/stats.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: stats.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}
n=${STATS_CTRS:-50}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "stats" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-stats.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
export CONTAINERS_CONF=$T/containers.conf
podd_pid=
have_podman=0
command -v podman > /dev/null 2>&1 && have_podman=1

pm() {
    podman --root "$T/pm/storage" --runroot "$T/pm/run" --tmpdir "$T/pm/tmp" "$@"
}

cleanup() {
    local p
    for p in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$p" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    if [ "$have_podman" = 1 ] && [ -d "$T/pm" ]; then
        pm rm -a -f -t 0 > /dev/null 2>&1 || true
        pm rmi -a -f > /dev/null 2>&1 || true
        umount -R "$T/pm/storage/overlay" 2> /dev/null || true
    fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

# Its cgroups below the bench's own, never at a hierarchy's root.
podd --root "$T/root" --run-dir "$T/run" --cgroup-parent "$(basename "$T")" --foreground \
    2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 500); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import busybox "$images/busybox" > /dev/null

echo "stats: $n running busybox containers, stats --no-stream over $runs runs: median (min-max) in ms"
echo "$(nproc) cores, kernel $(uname -r), cgroup layout $(curl -s --unix-socket "$PODD_SOCKET" http://podd/v1/info |
    python3 -c 'import json, sys; print(json.load(sys.stdin).get("cgroup_version", "?"))' 2> /dev/null || echo '?')"
for i in $(seq "$n"); do
    podctl run -d --name "s$i" --net none busybox sleep 1000000 > /dev/null
done
[ "$(podctl ps -q | wc -l)" = "$n" ] || { row "stats" "podd: not all $n containers run"; exit 0; }
podctl stats --no-stream > /dev/null # warm
for _ in $(seq "$runs"); do time_ms podctl stats --no-stream; done > "$T/podd"
for _ in $(seq "$runs"); do time_ms podctl stats --no-stream --format json; done > "$T/podd_json"
row "podd: stats --no-stream, $n containers (ms)" "$(stats < "$T/podd")"
row "podd: stats --no-stream --format json (ms)" "$(stats < "$T/podd_json")"

if [ "$have_podman" != 1 ]; then
    row "podman" "not installed"
    exit 0
fi
mkdir -p "$T/pm"
cat > "$CONTAINERS_CONF" << EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
EOF
if ! tar -C "$images/busybox" -c . | pm import -q - localhost/podd-busybox > /dev/null 2> "$T/pm.err" ||
    ! pm run -d --network none --name warm localhost/podd-busybox sleep 1000000 > /dev/null 2>> "$T/pm.err" ||
    ! pm stats --no-stream warm > /dev/null 2>> "$T/pm.err"; then
    row "podman: stats --no-stream" "cannot run here: $(grep -v '^$' "$T/pm.err" | tail -n 1 | cut -c1-120)"
    exit 0
fi
pm rm -f -t 0 warm > /dev/null
for i in $(seq "$n"); do
    pm run -d --network none --name "s$i" localhost/podd-busybox sleep 1000000 > /dev/null
done
for _ in $(seq "$runs"); do time_ms pm stats --no-stream; done > "$T/pm"
row "podman: stats --no-stream, $n containers (ms)" "$(stats < "$T/pm")"
row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm")" "$(median < "$T/podd")")"
