#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmarks' helpers (sourced by bench.sh, scale.sh and clients.sh): figures are
# printed as "median (min-max)" over repeated runs, one row a figure, and
# memory is read from /proc: PSS (smaps_rollup), which shares each page
# among the processes that map it, so that a sum over processes is what
# they cost together.

# stats: read numbers (one a line), print "median (min-max)" with 2 decimals.
stats() {
    sort -g | awk '{v[NR] = $1} END {
        if (NR == 0) { print "n/a"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f (%.2f-%.2f)", m, v[1], v[NR] }'
}
median() {
    sort -g | awk '{v[NR] = $1} END { if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_ms CMD...: wall time of one run of CMD in milliseconds.
time_ms() {
    local t0=$EPOCHREALTIME
    "$@" > /dev/null
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'
}

pss_kib() {
    awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"
}

rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# pss_sum PID...: the PSS of these processes together (KiB), read at once.
pss_sum() {
    local p
    for p in "$@"; do pss_kib "$p"; done | awk '{s += $1} END {print s + 0}'
}

# ratio A B [FORMAT]: A / B.
ratio() {
    awk -v a="$1" -v b="$2" -v f="${3:-%.1fx}" 'BEGIN {if (b > 0) printf f, a / b; else print "n/a"}'
}

row() {
    printf '%-50s %s\n' "$1" "$2"
}

# fd_count PID: how many descriptors the process holds.
fd_count() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# crun_runs IMAGE_DIR RUNS OUT: time RUNS `crun run` of `true` in a bundle
# made of IMAGE_DIR (under $T) into OUT, one figure a line; its errors in
# OUT.err.
crun_runs() {
    local b=$T/crun-bundle i
    mkdir -p "$b"
    cp -a "$1" "$b/rootfs"
    (cd "$b" && crun spec && sed -i 's/"sh"/"true"/; s/"terminal": true/"terminal": false/' config.json)
    for i in $(seq "$2"); do time_ms crun run --bundle "$b" "podd-bench-$i"; done > "$3" 2> "$3.err" || true
}

# bench_prelude NAME BUILD_DIR SCRIPT ARGS...: what every bench script does
# first. Outside the sandbox, SCRIPT starts again inside it (a throwaway
# network and mount namespace, tools/sandbox.sh); inside, BUILD_DIR's
# programs go first in PATH and $images is the test images' dir, or the
# script prints NAME's row "no images" and ends.
bench_prelude() {
    local name=$1 build_dir=$2
    shift 2
    if [ "${PODD_SANDBOX:-}" != 1 ]; then
        exec "$(dirname "${BASH_SOURCE[0]}")/../../tools/sandbox.sh" "$@"
    fi
    export PATH=$build_dir:$PATH
    images=$(cd "$build_dir/../images" 2> /dev/null && pwd || true)
    if [ -z "$images" ] || [ ! -d "$images/busybox" ]; then
        row "$name" "no images: run make images"
        exit 0
    fi
}

# pm ARGS...: podman with a store, run dir and configuration of its own
# under $T (after pm_setup), so the host's are neither read nor touched.
pm() {
    podman --root "$T/pm/storage" --runroot "$T/pm/run" --tmpdir "$T/pm/tmp" "$@"
}

# pm_setup: $T/pm, and the configuration podman runs with in the sandbox:
# no cgroups, and ulimits a shell without CAP_SYS_RESOURCE can set.
pm_setup() {
    mkdir -p "$T/pm"
    export CONTAINERS_CONF=$T/containers.conf
    cat > "$CONTAINERS_CONF" << CONF
[containers]
cgroups = "disabled"
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
CONF
}
