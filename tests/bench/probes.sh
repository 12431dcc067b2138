#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, probes (run by bench.sh; alone as below). Measured, never
# asserted: $PROBE_PODS (200) pods, each with a busybox httpd container,
# first without probes, then each with an httpGet readiness probe every
# second (periodSeconds 1), which podd makes itself from each pod's network
# namespace. For both: podd's CPU share over a window of $PROBE_WINDOW (10)
# seconds (user + system time from /proc/PID/stat, over the wall time) and
# the latency of `podctl ps` (every container listed) meanwhile, median and
# min-max. The pods have --net none (loopback only: the probe goes to
# 127.0.0.1 in the pod's namespace, as to its address on a bridge; the
# socket work is the same and setting 200 veths up is not what is
# measured). Then, for scale, exec probes: $PROBE_EXEC (20) of those
# containers with an exec readiness probe (`true`) every second instead,
# each check an exec session (a podd-shim spawned, joined to the container).
#
#   tests/bench/probes.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: probes.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}
n=${PROBE_PODS:-200}
window=${PROBE_WINDOW:-10}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "probes" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-probes.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=

cleanup() {
    local p
    for p in $(podctl pod ls -q 2> /dev/null); do podctl pod rm -f "$p" > /dev/null 2>&1 || true; done
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

wait_until() {
    local i
    for i in $(seq 3000); do "$@" && return 0; sleep 0.02; done
    return 1
}

cpu_ms() {
    awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"
}

# create JSON: POST /v1/containers (podctl run has no Kubernetes probes:
# kube play sends these bodies).
create() {
    local code
    code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$PODD_SOCKET" -X POST \
        -H 'Content-Type: application/json' -d "$1" http://podd/v1/containers)
    [ "$code" = 201 ] || { echo "create: $code $(cat "$T/resp")" >&2; grep -v debug "$T/podd.log" | tail -n 15 >&2; return 1; }
}

HTTPD='mkdir -p /www && touch /www/ready && exec httpd -f -p 8080 -h /www'

# containers PREFIX PROBE [COUNT]: one httpd container in each pod (the
# first COUNT), named PREFIX1... (a removed container's name may be taken
# until its files go); PROBE none, http or exec.
containers() {
    local i probe=""
    [ "$2" = http ] && probe=', "readiness_probe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 1}'
    [ "$2" = exec ] && probe=', "readiness_probe": {"exec": {"command": ["true"]}, "periodSeconds": 1}'
    for i in $(seq "${3:-$n}"); do
        create '{"name": "'"$1$i"'", "pod": "p'"$i"'", "image": "busybox", "start": true,
                 "command": ["sh", "-c", "'"$HTTPD"'"]'"$probe"'}'
    done
}

# all_ready PREFIX COUNT
all_ready() {
    [ "$(podctl inspect $(seq -f "$1%g" "$2") | python3 -c 'import json, sys; print(sum(1 for c in json.load(sys.stdin) if c["ready"]))')" = "$2" ]
}

# measure TAG: podd's CPU over the window, then ps latency.
measure() {
    local c0 c1 t0 t1 i
    c0=$(cpu_ms "$podd_pid")
    t0=$EPOCHREALTIME
    sleep "$window"
    c1=$(cpu_ms "$podd_pid")
    t1=$EPOCHREALTIME
    awk -v c=$((c1 - c0)) -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", c / ((b - a) * 1000) * 100}' > "$T/cpu_$1"
    for i in $(seq "$runs"); do time_ms podctl ps; done > "$T/ps_$1"
}

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
wait_until podctl version > /dev/null 2>&1
podctl image import busybox "$images/busybox" > /dev/null

echo "probes: $n pods with a busybox httpd each, without and with an httpGet readiness probe every second; podd's CPU over ${window}s, podctl ps over $runs runs: median (min-max)"
echo "$(nproc) cores, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo

for i in $(seq "$n"); do podctl pod create "p$i" --net none > /dev/null; done
no_containers() { [ -z "$(podctl ps -a -q)" ]; }
containers plain- none
measure none
for i in $(seq "$n"); do podctl rm -f "plain-$i" > /dev/null; done
wait_until no_containers
containers probed- http
wait_until all_ready probed- "$n" || { echo "not every container became ready" >&2; exit 1; }
measure probes
checks=$(podctl inspect $(seq -f 'probed-%g' "$n") | python3 -c 'import json, sys; print(sum(c["probes"]["readiness"]["failures"] for c in json.load(sys.stdin)))')
nexec=${PROBE_EXEC:-20}
for i in $(seq "$n"); do podctl rm -f "probed-$i" > /dev/null; done
wait_until no_containers
containers exec- exec "$nexec"
wait_until all_ready exec- "$nexec" || { echo "not every exec-probed container became ready" >&2; exit 1; }
measure exec

row "podd CPU, $n containers, no probes (%)" "$(cat "$T/cpu_none")"
row "podd CPU, $n httpGet probes/s (%)" "$(cat "$T/cpu_probes")"
row "podctl ps, no probes (ms)" "$(stats < "$T/ps_none")"
row "podctl ps, $n httpGet probes/s (ms)" "$(stats < "$T/ps_probes")"
row "httpGet probes failing at the end" "$checks"
row "podd CPU, $nexec exec probes/s (%)" "$(cat "$T/cpu_exec")"
row "podctl ps, $nexec exec probes/s (ms)" "$(stats < "$T/ps_exec")"
