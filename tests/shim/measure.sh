#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd-shim's figures: the time from spawn to STARTED and to the exit file
# for `true` (median of N runs, through tests/shim/drive.py, so Python's
# own spawn cost is included), and the PSS of a running shim whose
# workload sleeps (/proc/PID/smaps_rollup; by then the shim's process runs
# podd-monitor, shim/monitor.h). Runs inside tools/sandbox.sh.
#
#   tests/shim/measure.sh SHIM IMAGES_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ "${PODD_SANDBOX:-}" != 1 ]; then
    # A subreaper above the shims: this VM's PID 1 kills orphans.
    exec "$top/tools/sandbox.sh" "$here/subreaper.py" "$0" "$@"
fi
shim=$(realpath "${1:?usage: measure.sh SHIM IMAGES_DIR [RUNS]}")
rootfs=$(realpath "${2:?usage: measure.sh SHIM IMAGES_DIR [RUNS]}")/busybox
runs=${3:-30}
work=$(mktemp -d /tmp/podd-shim-measure.XXXXXX)
trap 'rm -rf "$work"' EXIT

for i in $(seq 1 "$runs"); do
    "$here/drive.py" --shim "$shim" --rootfs "$rootfs" --dir "$work/t$i" -- true
done | python3 -c '
import json, statistics, sys
runs = [json.loads(x) for x in sys.stdin.read().replace("}\n{", "}\x00{").split("\x00")]
assert all(r["exit"] and r["exit"]["exit_code"] == 0 for r in runs)
for k in ("started", "exited"):
    v = [r["elapsed_ms"][k] for r in runs]
    print("%s: median %.2f ms, min %.2f, max %.2f (%d runs)" %
          (k, statistics.median(v), min(v), max(v), len(v)))
'

# PSS per shim with N shims running at once (shared text is split N ways).
for n in 1 10; do
    shims=()
    workloads=()
    for i in $(seq 1 "$n"); do
        out=$("$here/drive.py" --shim "$shim" --rootfs "$rootfs" --dir "$work/pss$n-$i" \
            --no-wait -- sleep 30)
        pids=$(python3 -c 'import json, sys; print(*json.loads(sys.argv[1])["sync"]["pids"])' \
            "$out")
        read -r s w <<< "$pids"
        shims+=("$s")
        workloads+=("$w")
    done
    # Measured once every shim has become its container's podd-monitor.
    for s in "${shims[@]}"; do
        for _ in $(seq 1 500); do
            [ "$(cat "/proc/$s/comm" 2> /dev/null)" = podd-monitor ] && break
            sleep 0.01
        done
    done
    total=0
    for s in "${shims[@]}"; do
        total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$s/smaps_rollup")))
    done
    echo "PSS with $n shim(s): $((total / n)) kB per shim (first: $(grep -E '^(Rss|Pss|Private_Dirty):' \
        "/proc/${shims[0]}/smaps_rollup" | tr -s ' \n' ' '))"
    kill -KILL "${workloads[@]}"
    for i in $(seq 1 "$n"); do
        for _ in $(seq 1 500); do
            [ -e "$work/pss$n-$i/exit.json" ] && break
            sleep 0.01
        done
    done
done
