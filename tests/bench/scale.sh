#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, at scale (run by bench.sh; alone as below). Measured, never
# asserted:
#
#  1. $SCALE_PODS (50) pods with a running container each (busybox sleep),
#     created one after another with podctl: the wall time, in rounds, and
#     what it costs in memory: the PSS of every process podd runs for them
#     (podd-pause and podd-monitor) summed while all run, the workloads
#     apart, and podd's own RSS growth. Beside it podman does the same
#     (pod create, then run -d --pod) with the busybox tree imported into
#     a podman store of its own, so nothing is pulled and the host's store
#     is untouched. Both with their default (bridge) network, then none.
#  2. $SCALE_MANY (1000) pods on one podd, each with a running container,
#     --net none (no veth nor address per pod: creating them is 3x cheaper,
#     and the listing does not depend on it): `podctl pod ls` and
#     `podctl ps -a` latency, and podd's memory.
#
# podman runs with cgroups disabled (podd has none yet) and its ulimits
# set to what this shell may set; so that neither it nor crun can touch
# the host's cgroups, /sys/fs/cgroup is an empty tmpfs in the bench's own
# mount namespace.
#
#   tests/bench/scale.sh BUILD_DIR [RUNS]
#   (RUNS: samples per latency figure; SCALE_ROUNDS rounds of 50 pods, 3;
#   SCALE_PODMAN_ROUNDS, 1: podman takes ~1 s a pod; SCALE_PODMAN=0: none)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: scale.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}
rounds=${SCALE_ROUNDS:-3}
pm_rounds=${SCALE_PODMAN_ROUNDS:-1}
n=${SCALE_PODS:-50}
many=${SCALE_MANY:-1000}

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$here/../../tools/sandbox.sh" "$0" "$@"
fi
if [ "${PODD_SCALE_NS:-}" != 1 ]; then
    exec env PODD_SCALE_NS=1 unshare --mount --propagation private -- "$0" "$@"
fi
mount -t tmpfs -o mode=0755,size=4k podd-bench-nocgroup /sys/fs/cgroup

export PATH=$build:$PATH
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
images=$(cd "$build/../images" 2> /dev/null && pwd || true)
if [ -z "$images" ] || [ ! -d "$images/busybox" ]; then
    row "scale" "no images: run make images"
    exit 0
fi

T=$(mktemp -d /tmp/podd-scale.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=
have_podman=0
if [ "${SCALE_PODMAN:-1}" = 1 ] && command -v podman > /dev/null 2>&1; then have_podman=1; fi

# podman in a store, run dir and configuration of its own under $T
# (lib.sh: pm, pm_setup).

podd_clean() {
    local p
    for p in $(podctl pod ls -q 2> /dev/null); do podctl pod rm -f "$p" > /dev/null 2>&1 || true; done
    for p in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$p" > /dev/null 2>&1 || true; done
}
podman_clean() {
    [ "$have_podman" = 1 ] && [ -d "$T/pm" ] || return 0
    pm pod rm -a -f -t 0 > /dev/null 2>&1 || true
    pm rm -a -f -t 0 > /dev/null 2>&1 || true
    pm rmi -a -f > /dev/null 2>&1 || true
    umount -R "$T/pm/storage/overlay" 2> /dev/null || true
}
cleanup() {
    podd_clean
    podman_clean
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

api() {
    curl -s --unix-socket "$PODD_SOCKET" "http://podd$1"
}

# podd_pids KIND: the pids podd reports: infra (podd-pause), monitor
# (podd-monitor, once the shim has handed over) or workload.
podd_pids() {
    case "$1" in
        infra) api /v1/pods | python3 -c 'import json, sys; [print(p["infra"]["pid"]) for p in json.load(sys.stdin) if p["infra"]["pid"] > 0]' ;;
        monitor) api '/v1/containers?all=true' | python3 -c 'import json, sys; [print(c["shim_pid"]) for c in json.load(sys.stdin) if c.get("shim_pid")]' ;;
        workload) api '/v1/containers?all=true' | python3 -c 'import json, sys; [print(c["pid"]) for c in json.load(sys.stdin) if c.get("pid")]' ;;
    esac
}

# monitors_ready: every shim has become podd-monitor (the exec after
# STARTED): until then a shim's PSS is the setup's.
monitors_ready() {
    local p
    for p in $(podd_pids monitor); do
        [ "$(cat "/proc/$p/comm" 2> /dev/null)" = podd-monitor ] || return 1
    done
}

wait_until() {
    local i
    for i in $(seq 500); do "$@" && return 0; sleep 0.02; done
    return 1
}

# cpu_ms PID: the user + system CPU time a process has used.
cpu_ms() {
    awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"
}

kib_mib() {
    awk -v k="$1" 'BEGIN {printf "%.2f", k / 1024}'
}

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
wait_until podctl version > /dev/null 2>&1
podctl image import busybox "$images/busybox" > /dev/null

echo "podd at scale: $n pods x $rounds rounds (podman: $pm_rounds), $many pods, $runs samples a latency; median (min-max)"
echo "$(nproc) cores, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo

# --- 1. n pods with a running container, one after another -------------------
# Each round names its pods anew ($round): a name is free again only once
# its removal has finished, which `pod rm -f` does not wait for yet.
round=0
podd_pods() { # NET: bridge or none
    local i
    round=$((round + 1))
    for i in $(seq "$n"); do
        podctl pod create "s$round-$i" --net "$1" > /dev/null
        podctl run -d --pod "s$round-$i" --name "c$round-$i" busybox sleep 1000000 > /dev/null
    done
}
podd_rm() {
    local i
    for i in $(seq "$n"); do podctl pod rm -f "s$round-$i" > /dev/null; done
}

# podd_round NET TAG: one round, timed; the memory of the last is kept.
podd_round() {
    local rss0 cpu0
    rss0=$(rss_kib "$podd_pid")
    cpu0=$(cpu_ms "$podd_pid")
    time_ms podd_pods "$1" >> "$T/podd_$2"
    echo $(($(cpu_ms "$podd_pid") - cpu0)) >> "$T/podd_$2_cpu"
    wait_until monitors_ready
    # shellcheck disable=SC2046  # one pid a word
    {
        pss_sum $(podd_pids infra) $(podd_pids monitor) > "$T/podd_$2_pss"
        pss_sum $(podd_pids workload) > "$T/podd_$2_wl"
        pss_sum $(podd_pids infra) > "$T/podd_$2_infra"
    }
    echo $(($(rss_kib "$podd_pid") - rss0)) > "$T/podd_$2_rss"
    time_ms podd_rm >> "$T/podd_$2_rm"
}

podman_pods() {
    local i net=()
    [ "$1" = none ] && net=(--network none)
    for i in $(seq "$n"); do
        pm pod create --share-parent=false "${net[@]}" --name "s$i" > /dev/null
        pm run -d --pod "s$i" --name "c$i" localhost/podd-busybox sleep 1000000 > /dev/null
    done
}
podman_rm() {
    local i
    for i in $(seq "$n"); do pm pod rm -f -t 0 "s$i" > /dev/null; done
}
# podman_pids KIND: conmon (one per container, infra included), infra
# (catatonit) or workload.
podman_pids() {
    # shellcheck disable=SC2046  # one id a word
    pm inspect $(pm ps -a -q) --format '{{.IsInfra}} {{.State.Pid}} {{.State.ConmonPid}}' |
        awk -v k="$1" 'k == "conmon" {print $3} k == "infra" && $1 == "true" {print $2}
            k == "workload" && $1 == "false" {print $2}'
}
podman_round() {
    time_ms podman_pods "$1" >> "$T/pm_$2"
    [ "$(pm ps -q | wc -l)" = $((2 * n)) ] || return 1
    # shellcheck disable=SC2046  # one pid a word
    {
        pss_sum $(podman_pids conmon) $(podman_pids infra) > "$T/pm_$2_pss"
        pss_sum $(podman_pids workload) > "$T/pm_$2_wl"
    }
    time_ms podman_rm >> "$T/pm_$2_rm"
}

podman_setup() {
    [ "$have_podman" = 1 ] || return 1
    pm_setup
    tar -C "$images/busybox" -c . | pm import -q - localhost/podd-busybox > /dev/null
    # The first pod builds podman's pause image (from catatonit), once.
    pm pod create --share-parent=false --network none --name warm > /dev/null &&
        pm pod start warm > /dev/null && pm pod rm -f -t 0 warm > /dev/null
}

scale_small() {
    local net label
    podd_pods none > /dev/null && podd_rm # the bridge, and the page cache, once
    podd_pods bridge > /dev/null && podd_rm
    for _ in $(seq "$rounds"); do
        podd_round bridge bridge
        podd_round none none
    done
    pm_ok=0
    if podman_setup 2> "$T/pm.err"; then
        pm_ok=1
        for _ in $(seq "$pm_rounds"); do
            podman_round bridge bridge 2>> "$T/pm.err" || { pm_ok=0; break; }
            podman_round none none 2>> "$T/pm.err" || { pm_ok=0; break; }
        done
    fi

    for net in bridge none; do
        label="default network (bridge)"
        [ "$net" = none ] && label="--net none"
        echo "$n pods, each with a running container, $label:"
        row "  podd: create all, one after another (ms)" "$(stats < "$T/podd_$net")"
        row "  podd: per pod + container (ms)" "$(median < "$T/podd_$net" | awk -v n="$n" '{printf "%.2f", $1 / n}')"
        row "  podd: CPU time of podd itself for all (ms)" "$(stats < "$T/podd_${net}_cpu")"
        row "  podd: PSS of its $((2 * n)) processes (MiB)" "$(kib_mib "$(cat "$T/podd_${net}_pss")") (podd-pause: $(kib_mib "$(cat "$T/podd_${net}_infra")"))"
        row "  podd: RSS growth of podd itself (MiB)" "$(kib_mib "$(cat "$T/podd_${net}_rss")")"
        row "  podd: in all (MiB)" "$(kib_mib $(($(cat "$T/podd_${net}_pss") + $(cat "$T/podd_${net}_rss"))))"
        row "  podd: workloads apart, PSS (MiB)" "$(kib_mib "$(cat "$T/podd_${net}_wl")")"
        row "  podd: pod rm -f of all (ms)" "$(stats < "$T/podd_${net}_rm")"
        if [ "$pm_ok" = 1 ]; then
            row "  podman: create all, one after another (ms)" "$(stats < "$T/pm_$net")"
            row "    ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm_$net")" "$(median < "$T/podd_$net")" '%.0fx')"
            row "  podman: PSS of conmon x$((2 * n)) + catatonit x$n (MiB)" "$(kib_mib "$(cat "$T/pm_${net}_pss")")"
            row "    ratio podman / podd" "$(ratio "$(cat "$T/pm_${net}_pss")" "$(cat "$T/podd_${net}_pss")")"
            row "  podman: workloads apart, PSS (MiB)" "$(kib_mib "$(cat "$T/pm_${net}_wl")")"
            row "  podman: pod rm -f -t 0 of all (ms)" "$(stats < "$T/pm_${net}_rm")"
        elif [ "$have_podman" = 1 ]; then
            row "  podman" "failed: $(grep -m 1 -i error "$T/pm.err" || head -n 1 "$T/pm.err")"
        elif [ "${SCALE_PODMAN:-1}" = 1 ]; then
            row "  podman" "not installed (make bench installs it)"
        fi
        echo
    done
    podman_clean
}

# --- 2. many pods on one podd, --net none ---------------------------------------
scale_many() {
    local rss0 rss1 t0 t1 i pss_many
    rss0=$(rss_kib "$podd_pid")
    for _ in $(seq "$runs"); do time_ms podctl pod ls; done > "$T/ls0"
    for _ in $(seq "$runs"); do time_ms podctl ps -a; done > "$T/ps0"
    t0=$EPOCHREALTIME
    for i in $(seq "$many"); do
        podctl pod create "m$i" --net none > /dev/null
        podctl run -d --pod "m$i" --name "mc$i" busybox sleep 1000000 > /dev/null
    done
    t1=$EPOCHREALTIME
    wait_until monitors_ready
    for _ in $(seq "$runs"); do time_ms podctl pod ls; done > "$T/ls"
    for _ in $(seq "$runs"); do time_ms podctl ps -a; done > "$T/ps"
    for _ in $(seq "$runs"); do time_ms podctl pod ls -q; done > "$T/lsq"
    rss1=$(rss_kib "$podd_pid")
    # shellcheck disable=SC2046  # one pid a word
    pss_many=$(pss_sum $(podd_pids infra) $(podd_pids monitor))

    echo "$many pods on one podd, each with a running container, --net none:"
    row "  create all, one after another (s)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
    row "  podctl pod ls, 0 pods (ms)" "$(stats < "$T/ls0")"
    row "  podctl pod ls, $many pods (ms)" "$(stats < "$T/ls")"
    row "  podctl pod ls -q, $many pods (ms)" "$(stats < "$T/lsq")"
    row "  podctl ps -a, 0 containers (ms)" "$(stats < "$T/ps0")"
    row "  podctl ps -a, $many containers (ms)" "$(stats < "$T/ps")"
    row "  podd RSS, before / with $many pods (MiB)" "$(kib_mib "$rss0") / $(kib_mib "$rss1")"
    row "  podd RSS per pod + container (KiB)" "$(awk -v a="$rss0" -v b="$rss1" -v n="$many" 'BEGIN {printf "%.1f", (b - a) / n}')"
    row "  PSS of podd-pause + podd-monitor x$many (MiB)" "$(kib_mib "$pss_many")"
    t0=$EPOCHREALTIME
    podd_clean
    t1=$EPOCHREALTIME
    row "  pod rm -f of all (s)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')"
    row "  podd RSS after (MiB)" "$(kib_mib "$(rss_kib "$podd_pid")")"
}

[ "$n" = 0 ] || scale_small
[ "$many" = 0 ] || scale_many
