#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pulling and loading, measured (never asserted): a 5-layer image of about
# 30 MB of random data (oci.sh: busybox and four layers of 7 MB), pushed to a
# docker-registry on 127.0.0.1 (plain HTTP, registry.sh), then
#   - podd pull into an empty store, beside `podman pull` into an empty
#     store and `skopeo copy docker://... oci:DIR`, in the same run;
#   - podd pull of the image already present (and the requests it cost,
#     from the registry's access log);
#   - podctl run --rm IMAGE true right after the pull;
#   - podctl image load of the image as a docker-archive, beside podman load.
# Each figure is the median (min-max) over RUNS runs (default 5), with the
# ratio of medians. Runs in a throwaway network and mount namespace.
#
#   tests/bench/pull.sh BUILD_DIR [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: pull.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-5}

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$(dirname "$0")/../../tools/sandbox.sh" "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
export PODD_BUILD=$build PODD_TEST_RESULTS=/dev/null
# shellcheck source=../integration/lib.sh
. "$here/../integration/lib.sh"
# shellcheck source=../integration/oci.sh
. "$here/../integration/oci.sh"
# shellcheck source=../integration/registry.sh
. "$here/../integration/registry.sh"
. "$here/lib.sh"
set -e

T=$(mktemp -d /tmp/podd-bench-pull.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
PODD_PID=
cleanup() {
    set +e
    if [ -n "$PODD_PID" ]; then
        for c in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$c" > /dev/null 2>&1; done
        kill -TERM "$PODD_PID" 2> /dev/null && wait "$PODD_PID" 2> /dev/null
    fi
    reg_stop
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

start_podd() {
    podd --root "$T/root" --run-dir "$T/run" --foreground 2>> "$T/podd.log" &
    PODD_PID=$!
    for _ in $(seq 250); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
}
stop_podd() {
    for c in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$c" > /dev/null 2>&1; done
    kill -TERM "$PODD_PID" && wait "$PODD_PID" || true
    PODD_PID=
}
# An empty store: podd starts on a fresh root.
fresh_podd() {
    [ -z "$PODD_PID" ] || stop_podd
    rm -rf "$T/root" "$T/run"
    start_podd
}

echo "pull and load: a 5-layer image of ~30 MB from a local registry; $runs runs, median (min-max)"
reg_start
oci_base "$T/oci" l1
oci_layer "$T/oci" l1 l2 'head -c 7000000 /dev/urandom > "$R/r2"'
oci_layer "$T/oci" l2 l3 'head -c 7000000 /dev/urandom > "$R/r3"'
oci_layer "$T/oci" l3 l4 'head -c 7000000 /dev/urandom > "$R/r4"'
oci_layer "$T/oci" l4 img 'head -c 7000000 /dev/urandom > "$R/r5"'
oci_push "$T/oci" img "$REG/bench/img:v1"
img=$REG/bench/img:v1
oci_archive "$T/oci" img "$T/img.tar" docker-archive "$img"
row "image" "$(du -m "$T/img.tar" | cut -f1) MB as a docker-archive, 5 layers"

for _ in $(seq "$runs"); do
    fresh_podd
    time_ms podctl pull -q "$img"
done > "$T/podd_pull"
row "podd pull, empty store (ms)" "$(stats < "$T/podd_pull")"

for _ in $(seq "$runs"); do
    rm -rf "$T/sk"
    time_ms skopeo copy --quiet --src-tls-verify=false "docker://$img" "oci:$T/sk:img"
done > "$T/skopeo"
row "skopeo copy docker:// oci:DIR (ms)" "$(stats < "$T/skopeo")"
row "  ratio skopeo / podd (medians)" "$(ratio "$(median < "$T/skopeo")" "$(median < "$T/podd_pull")")"

pm() {
    podman --root "$T/pm/root" --runroot "$T/pm/run" --storage-driver overlay "$@"
}
if command -v podman > /dev/null 2>&1; then
    for _ in $(seq "$runs"); do
        pm system reset -f > /dev/null 2>&1 || true
        rm -rf "$T/pm"
        time_ms pm pull -q --tls-verify=false "$img"
    done > "$T/podman_pull" 2> "$T/podman.err" || true
    if [ -s "$T/podman_pull" ]; then
        row "podman pull, empty store (ms)" "$(stats < "$T/podman_pull")"
        row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/podman_pull")" "$(median < "$T/podd_pull")")"
    else
        row "podman pull" "failed: $(head -n 1 "$T/podman.err")"
    fi
else
    row "podman" "not installed (apt-get install podman)"
fi

# Present: one manifest request, nothing else.
before=$(wc -l < "$REG_LOG")
for _ in $(seq "$runs"); do time_ms podctl pull -q "$img"; done > "$T/podd_present"
row "podd pull, image present (ms)" "$(stats < "$T/podd_present")"
row "  registry requests per present pull" "$(tail -n +"$((before + 1))" "$REG_LOG" |
    grep -cE '"(GET|HEAD) /v2/' | awk -v n="$runs" '{printf "%.1f", $1 / n}')"
if [ -s "$T/podman_pull" ]; then
    for _ in $(seq "$runs"); do time_ms pm pull -q --tls-verify=false "$img"; done > "$T/pm_present" 2> /dev/null || true
    row "podman pull, image present (ms)" "$(stats < "$T/pm_present")"
    row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm_present")" "$(median < "$T/podd_present")")"
fi

podctl run --rm --pull never "$img" true > /dev/null
for _ in $(seq "$runs"); do time_ms podctl run --rm --pull never "$img" true; done > "$T/run_ms"
row "podctl run --rm IMAGE true, after pull (ms)" "$(stats < "$T/run_ms")"
if [ -s "$T/podman_pull" ]; then
    pm run --rm --network none "$img" true > /dev/null 2>&1 || true
    for _ in $(seq "$runs"); do time_ms pm run --rm --network none "$img" true; done > "$T/pm_run" 2> /dev/null || true
    row "podman run --rm --network none IMAGE true (ms)" "$(stats < "$T/pm_run")"
    row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm_run")" "$(median < "$T/run_ms")")"
fi

for _ in $(seq "$runs"); do
    fresh_podd
    time_ms podctl image load -q -i "$T/img.tar"
done > "$T/podd_load" 2> "$T/load.err" || true
if [ -s "$T/podd_load" ]; then
    row "podd image load -i docker-archive, empty store (ms)" "$(stats < "$T/podd_load")"
else
    row "podd image load" "failed: $(head -n 1 "$T/load.err")"
fi
if [ -s "$T/podman_pull" ]; then
    for _ in $(seq "$runs"); do
        pm system reset -f > /dev/null 2>&1 || true
        rm -rf "$T/pm"
        time_ms pm load -q -i "$T/img.tar"
    done > "$T/pm_load" 2> /dev/null || true
    row "podman load -i docker-archive, empty store (ms)" "$(stats < "$T/pm_load")"
    row "  ratio podman / podd (medians)" "$(ratio "$(median < "$T/pm_load")" "$(median < "$T/podd_load")")"
    pm system reset -f > /dev/null 2>&1 || true
fi
