#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: podd's costs, measured, never asserted. Each figure is the
# median with min-max over repeated runs; where podman is installed it runs
# the same operation in the same run and the ratio is printed. Runs in a
# throwaway network and mount namespace with its own podd.
#
#   tests/bench/bench.sh BUILD_DIR [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: bench.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$(dirname "$0")/../../tools/sandbox.sh" "$0" "$@"
fi

export PATH=$build:$PATH
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/podd-bench.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=
cleanup() {
    for p in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$p" > /dev/null 2>&1 || true; done
    for p in $(podctl pod ls -q 2> /dev/null); do podctl pod rm -f "$p" > /dev/null 2>&1 || true; done
    [ -n "$podd_pid" ] && kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null
    # The last pods' CNI DELs may still be writing under the run dir.
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done

echo "podd benchmarks: $runs runs each, median (min-max); $(nproc) cores, kernel $(uname -r)"
echo

# --- podctl round trip -----------------------------------------------------
for _ in $(seq "$runs"); do time_ms podctl version; done > "$T/version"
row "podctl version (ms)" "$(stats < "$T/version")"

# --- pod create + rm, none networking --------------------------------------
cycle() {
    podctl pod create bench --net "$1" > /dev/null
    podctl pod rm -f bench > /dev/null
}
for _ in $(seq "$runs"); do time_ms cycle none; done > "$T/pod"
row "pod create + rm, --net none (ms)" "$(stats < "$T/pod")"
cycle bridge > /dev/null # the bridge is made once
for _ in $(seq "$runs"); do time_ms cycle bridge; done > "$T/pod_bridge"
row "pod create + rm, bridge network (ms)" "$(stats < "$T/pod_bridge")"

# netplug alone, as a CNI runtime runs it: ADD then DEL in a netns.
np_conf='{"cniVersion":"1.1.0","name":"npbench","type":"netplug","bridge":"npbench0",
  "ipam":{"subnet":"10.99.0.0/16","dataDir":"'"$T"'/cni"}}'
ip netns add podd-npbench
np() {
    CNI_COMMAND=$1 CNI_CONTAINERID=bench CNI_NETNS=/run/netns/podd-npbench CNI_IFNAME=eth0 \
        CNI_PATH=$build netplug <<< "$np_conf" > /dev/null
}
np_pair() { np ADD && np DEL; }
np_pair
for _ in $(seq "$runs"); do time_ms np ADD; time_ms np DEL; done | paste - - > "$T/np"
awk '{print $1 + $2}' "$T/np" > "$T/np_pair"
row "netplug ADD + DEL, alone (ms)" "$(stats < "$T/np_pair")"
awk '{print $1}' "$T/np" > "$T/np_add"
row "  of which ADD (ms)" "$(stats < "$T/np_add")"
ip netns del podd-npbench
ip link del npbench0 2> /dev/null || true

floor_bin=$build/bench-floor
if [ -x "$floor_bin" ]; then

    "$floor_bin" "$runs" /bin/true | awk '{printf "%.3f\n", $1 / 1000}' > "$T/floor"
    row "kernel floor: clone 3 ns + exec + wait (ms)" "$(stats < "$T/floor")"
fi

if command -v podman > /dev/null 2>&1; then
    pm_runs=$(( runs < 10 ? runs : 10 ))
    pm_cycle() {
        podman pod create --network none --name podd-bench-pm > /dev/null
        podman pod start podd-bench-pm > /dev/null
        podman pod rm -f podd-bench-pm > /dev/null
    }
    pm_cycle > /dev/null 2>&1 || true # warm podman's caches (infra image, storage)
    for _ in $(seq "$pm_runs"); do time_ms pm_cycle; done > "$T/podman" 2> "$T/podman.err" || true
    if [ -s "$T/podman" ]; then
        row "podman pod create + start + rm -f (ms)" "$(stats < "$T/podman")"
        row "  ratio podman / podd (medians)" "$(awk -v a="$(median < "$T/podman")" -v b="$(median < "$T/pod")" 'BEGIN {printf "%.0fx", a / b}')"
    else
        row "podman pod create + start + rm -f" "failed: $(head -n 1 "$T/podman.err")"
    fi
    # With podman's default network (netavark or CNI, as installed).
    pm_net_cycle() {
        podman pod create --name podd-bench-pmn > /dev/null
        podman pod start podd-bench-pmn > /dev/null
        podman pod rm -f podd-bench-pmn > /dev/null
    }
    pm_net_cycle > /dev/null 2>&1 || true
    for _ in $(seq "$pm_runs"); do time_ms pm_net_cycle; done > "$T/podman_net" 2> "$T/podman_net.err" || true
    if [ -s "$T/podman_net" ]; then
        row "podman pod create + start + rm -f, default network (ms)" "$(stats < "$T/podman_net")"
        row "  ratio podman / podd bridge (medians)" "$(awk -v a="$(median < "$T/podman_net")" -v b="$(median < "$T/pod_bridge")" 'BEGIN {printf "%.0fx", a / b}')"
    else
        row "podman pod, default network" "failed: $(head -n 1 "$T/podman_net.err")"
    fi
else
    row "podman" "not installed (apt-get install podman crun)"
fi
echo

# --- containers ----------------------------------------------------------------
images=$(cd "$build/../images" 2> /dev/null && pwd || true)
if [ -n "$images" ] && [ -d "$images/busybox" ]; then
    podctl image import busybox "$images/busybox" > /dev/null
    podctl pod create cpod > /dev/null
    podctl run --rm --pod cpod busybox true > /dev/null # warm the page cache
    for _ in $(seq "$runs"); do time_ms podctl run --rm --pod cpod busybox true; done > "$T/run_pod"
    row "podctl run --rm --pod P busybox true (ms)" "$(stats < "$T/run_pod")"
    for _ in $(seq "$runs"); do time_ms podctl run --rm busybox true; done > "$T/run_alone"
    row "podctl run --rm busybox true, no pod (ms)" "$(stats < "$T/run_alone")"
    if [ -x "$floor_bin" ]; then
        "$floor_bin" "$runs" --container "$images/busybox" "$T/floor-ctr" |
            awk '{printf "%.3f\n", $1 / 1000}' > "$T/floor_ctr"
        row "kernel floor: 5 ns + overlay + pivot_root + exec (ms)" "$(stats < "$T/floor_ctr")"
    fi
    podctl run -d --name target busybox sleep 1000 > /dev/null
    sidecar() { podctl run --rm --network container:target --pid container:target busybox true; }
    sidecar > /dev/null
    for _ in $(seq "$runs"); do time_ms sidecar; done > "$T/sidecar"
    row "sidecar: run --rm --network/--pid container:X true (ms)" "$(stats < "$T/sidecar")"
    podctl exec target true > /dev/null
    for _ in $(seq "$runs"); do time_ms podctl exec target true; done > "$T/exec"
    row "podctl exec X true (ms)" "$(stats < "$T/exec")"
    podctl rm -f target > /dev/null
    if command -v podman > /dev/null 2>&1; then
        podman run -d --name podd-bench-target --rootfs "$images/busybox" sleep 1000 > /dev/null 2>&1 || true
        podman exec podd-bench-target true > /dev/null 2>&1 || true
        for _ in $(seq "$(( runs < 10 ? runs : 10 ))"); do time_ms podman exec podd-bench-target true; done > "$T/pm_exec" 2> "$T/pm_exec.err" || true
        if [ -s "$T/pm_exec" ]; then
            row "podman exec X true (ms)" "$(stats < "$T/pm_exec")"
            row "  ratio podman / podd (medians)" "$(awk -v a="$(median < "$T/pm_exec")" -v b="$(median < "$T/exec")" 'BEGIN {printf "%.0fx", a / b}')"
        else
            row "podman exec" "failed: $(head -n 1 "$T/pm_exec.err")"
        fi
        pm_side() {
            podman run --rm --network container:podd-bench-target --pid container:podd-bench-target \
                --rootfs "$images/busybox" true
        }
        pm_side > /dev/null 2>&1 || true
        for _ in $(seq "$(( runs < 10 ? runs : 10 ))"); do time_ms pm_side; done > "$T/pm_side" 2> "$T/pm_side.err" || true
        podman rm -f -t 0 podd-bench-target > /dev/null 2>&1 || true
        if [ -s "$T/pm_side" ]; then
            row "podman run --rm --network/--pid container:X true (ms)" "$(stats < "$T/pm_side")"
            row "  ratio podman / podd (medians)" "$(awk -v a="$(median < "$T/pm_side")" -v b="$(median < "$T/sidecar")" 'BEGIN {printf "%.0fx", a / b}')"
        else
            row "podman sidecar" "failed: $(head -n 1 "$T/pm_side.err")"
        fi
    fi
    podctl run -d --name pss busybox sleep 1000 > /dev/null
    shim=$(podctl inspect pss | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["shim_pid"])')
    for _ in $(seq 5); do pss_kib "$shim"; sleep 0.02; done > "$T/pss_shim"
    row "PSS of a running shim (podd-monitor) (KiB)" "$(stats < "$T/pss_shim")"
    podctl rm -f pss > /dev/null

    if command -v podman > /dev/null 2>&1; then
        pm_runs=$(( runs < 10 ? runs : 10 ))
        podman pod create --network none --name podd-bench-cpod > /dev/null 2>&1 || true
        podman pod start podd-bench-cpod > /dev/null 2>&1 || true
        pm_run() { podman run --rm --pod podd-bench-cpod --rootfs "$images/busybox" true; }
        pm_run > /dev/null 2>&1 || true
        for _ in $(seq "$pm_runs"); do time_ms pm_run; done > "$T/pm_run" 2> "$T/pm_run.err" || true
        podman pod rm -f podd-bench-cpod > /dev/null 2>&1 || true
        if [ -s "$T/pm_run" ]; then
            row "podman run --rm --pod P --rootfs DIR true (ms)" "$(stats < "$T/pm_run")"
            row "  ratio podman / podd (medians)" "$(awk -v a="$(median < "$T/pm_run")" -v b="$(median < "$T/run_pod")" 'BEGIN {printf "%.0fx", a / b}')"
        else
            row "podman run --rm --pod" "failed: $(head -n 1 "$T/pm_run.err")"
        fi
    fi
    if command -v crun > /dev/null 2>&1; then
        crun_runs "$images/busybox" "$runs" "$T/crun"
        if [ -s "$T/crun" ]; then
            row "crun run (bare, no pod) (ms)" "$(stats < "$T/crun")"
            row "  ratio crun / podd standalone (medians)" "$(awk -v a="$(median < "$T/crun")" -v b="$(median < "$T/run_alone")" 'BEGIN {printf "%.1fx", a / b}')"
        else
            row "crun run" "failed: $(head -n 1 "$T/crun.err")"
        fi
    fi
    podctl pod rm -f cpod > /dev/null
    podctl image rm busybox > /dev/null
else
    row "containers" "no images: run make images"
fi
echo

# --- memory ------------------------------------------------------------------
# PSS shares a page among the processes mapping it, so an infra is measured
# alone (one pod, 5 samples) and as one of $runs running.
infra_of() {
    podctl pod inspect "$1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["infra"]["pid"])'
}
podctl pod create m1 > /dev/null
pid=$(infra_of m1)
for _ in $(seq 5); do pss_kib "$pid"; sleep 0.02; done > "$T/pss_infra1"
row "PSS of an infra (podd-pause), alone (KiB)" "$(stats < "$T/pss_infra1")"
for i in $(seq 2 "$runs"); do podctl pod create "m$i" > /dev/null; done
for i in $(seq "$runs"); do pss_kib "$(infra_of "m$i")"; done > "$T/pss_infra"
row "PSS of an infra, $runs running (KiB)" "$(stats < "$T/pss_infra")"
for i in $(seq "$runs"); do podctl pod rm -f "m$i" > /dev/null; done

cat_bin=$(command -v catatonit || echo /usr/libexec/podman/catatonit)
if [ -x "$cat_bin" ]; then
    "$cat_bin" -P > /dev/null 2>&1 &
    pids=($!)
    sleep 0.1
    for _ in $(seq 5); do pss_kib "${pids[0]}"; sleep 0.02; done > "$T/pss_cat1"
    row "PSS of catatonit -P (podman's infra), alone (KiB)" "$(stats < "$T/pss_cat1")"
    for _ in $(seq 2 "$runs"); do "$cat_bin" -P > /dev/null 2>&1 & pids+=($!); done
    sleep 0.2
    for p in "${pids[@]}"; do pss_kib "$p"; done > "$T/pss_cat"
    kill "${pids[@]}" 2> /dev/null || true
    wait "${pids[@]}" 2> /dev/null || true
    row "PSS of catatonit -P, $runs running (KiB)" "$(stats < "$T/pss_cat")"
fi

for _ in $(seq 5); do pss_kib "$podd_pid"; sleep 0.05; done > "$T/pss0"
row "PSS of podd, 0 pods (KiB)" "$(stats < "$T/pss0")"
for i in $(seq 50); do podctl pod create "p$i" > /dev/null; done
for _ in $(seq 5); do pss_kib "$podd_pid"; sleep 0.05; done > "$T/pss50"
row "PSS of podd, 50 pods (KiB)" "$(stats < "$T/pss50")"
echo

# --- published ports: podd's proxy against a direct connection ----------------
proxy_bin=$build/bench-proxy
if [ -x "$proxy_bin" ]; then
    "$proxy_bin" "$(( runs < 10 ? runs : 10 ))"
fi
echo

# --- at scale: 50 pods beside podman, 1000 pods on one podd (scale.sh) --------
"$(dirname "$0")/scale.sh" "$build" "$runs"
echo; "$(dirname "$0")/kube.sh" "$build" 10 # issue 12, kube: kube play + down beside podman kube play + down

echo; "$(dirname "$0")/clients.sh" "$build" # podd under 200 clients and a stalled follower
echo; "$(dirname "$0")/pull.sh" "$build" 5 # pull, present pull, run after pull, load; podman and skopeo beside
echo; "$(dirname "$0")/probes.sh" "$build" "$runs" # probes (issue 12): 200 httpGet probes/s, podd CPU and ps latency
echo; "$(dirname "$0")/confine.sh" "$build" "$runs" # issue 13, cgroups: the cost of confinement on a run
echo; "$(dirname "$0")/stats.sh" "$build" "$runs" # issue 13, observe: stats --no-stream on 50 containers, podman beside
echo; "$(dirname "$0")/privileges.sh" "$build" "$runs" # issue 13: run --rm with --init, --privileged, --device
echo; "$(dirname "$0")/seccomp.sh" "$build" "$runs" # issue 13: the default filter against seccomp=unconfined
echo; "$(dirname "$0")/userns.sh" "$build" "$runs" # issue 13: userns pods, idmapped vs copied layers
echo; "$(dirname "$0")/nat.sh" "$build" "$runs" # issue 14, netplug: pods on a masquerading network, podman beside
echo; "$(dirname "$0")/attach.sh" "$build" "$runs" # issue 14: run --rm on the default network
echo; "$(dirname "$0")/ports.sh" "$build" "$(( runs < 10 ? runs : 10 ))" # issue 14: published ports, DNAT and proxy
echo; "$(dirname "$0")/dns.sh" "$build" 10 # issue 14: DNS queries per second, podd beside dnsmasq
echo; "$(dirname "$0")/attach.sh" "$build" "$runs" # issue 14: run --rm on the default network
echo; "$(dirname "$0")/nat.sh" "$build" "$runs" # issue 14, netplug: pods on a masquerading network, podman beside
echo; "$(dirname "$0")/docker.sh" "$build" "$(( runs < 10 ? runs : 10 ))" # issue 15, dknet: docker run --rm and compose up + down, podman beside
