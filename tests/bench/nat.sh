#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, outbound traffic (issue 14; run by bench.sh, alone as below).
# Measured, never asserted: a pod's create + rm on the default network,
# which masquerades (netplug adds the pod's rule to its nftables table on
# ADD and takes it on DEL), against the same on an --internal network (no
# rule), and against podman's default network (`pod create` + `pod start` +
# `pod rm`: podman attaches a pod's network when its infra starts), in a
# store and configuration of its own.
#
#   tests/bench/nat.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: nat.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-30}}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "nat" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-nat.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=

cleanup() {
    local p
    for p in $(podctl pod ls -q 2> /dev/null); do podctl pod rm -f "$p" > /dev/null 2>&1 || true; done
    podctl network rm intl > /dev/null 2>&1 || true
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null; fi
    if [ -d "$T/pm" ]; then
        pm pod rm -a -f -t 0 > /dev/null 2>&1 || true
        umount -R "$T/pm/storage/overlay" 2> /dev/null || true
    fi
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --foreground 2>> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl network create intl --internal > /dev/null

pod_cycle() {
    podctl pod create nbench "$@" > /dev/null
    podctl pod rm -f nbench > /dev/null
}

echo "outbound traffic: $runs runs; median (min-max)"
pod_cycle && pod_cycle --net intl # the bridges, once
for _ in $(seq "$runs"); do time_ms pod_cycle; done > "$T/masq"
row "pod create + rm, default network, masquerade (ms)" "$(stats < "$T/masq")"
for _ in $(seq "$runs"); do time_ms pod_cycle --net intl; done > "$T/intl"
row "pod create + rm, --internal network, no rule (ms)" "$(stats < "$T/intl")"

if ! command -v podman > /dev/null 2>&1; then
    row "podman" "not installed"
    exit 0
fi
pm_setup
pm_cycle() {
    pm pod create --share-parent=false --name nbench > /dev/null
    pm pod start nbench > /dev/null
    pm pod rm -f -t 0 nbench > /dev/null
}
# The first pod builds podman's pause image (from catatonit) and its network.
if ! pm_cycle 2> "$T/pm.err"; then
    row "podman" "failed: $(head -c 200 "$T/pm.err" | tr '\n' ' ')"
    exit 0
fi
for _ in $(seq "$runs"); do time_ms pm_cycle; done > "$T/pm_times" 2>> "$T/pm.err"
row "podman pod create + start + rm, default network (ms)" "$(stats < "$T/pm_times")"
row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm_times")" "$(median < "$T/masq")")"
