#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run podd's tests and print one closing line "N passed, N failed".
#
#   tests/run.sh [--unit-only | --integration-only] BUILD_DIR [FILTER]
#
# Unit tests are the binaries BUILD_DIR/tests/test_*, then tests/links.sh
# checks what each program links. Integration tests are
# tests/integration/NN-*.sh; they need root and run inside a throwaway
# network and mount namespace (unshare --net --mount), so the host's links,
# addresses and mounts are never touched. Then tests/shim/cases.sh drives
# podd-shim alone, as podd does, in a namespace of its own too. FILTER keeps only the test files
# (or unit binaries) whose name contains it.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=all
case "${1:-}" in
    --unit-only) mode=unit; shift ;;
    --integration-only) mode=integration; shift ;;
esac
build=${1:?usage: tests/run.sh [--unit-only|--integration-only] BUILD_DIR [FILTER]}
build=$(cd "$build" && pwd)
filter=${2:-}

passed=0
failed=0

count_closing_line() {
    # The last "N passed, N failed" line of a run's output.
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + $(echo "$line" | awk '{print $1}')))
    failed=$((failed + $(echo "$line" | awk '{print $3}')))
}

run_unit() {
    local t out
    out=$(mktemp)
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        case "$(basename "$t")" in *"$filter"*) ;; *) continue ;; esac
        echo "== unit: $(basename "$t")"
        "$t" > "$out" 2>&1
        grep -v '^ok ' "$out"
        count_closing_line "$out"
    done
    rm -f "$out"
}

# What each program links (tests/links.sh): no root, no namespaces.
run_links() {
    local out
    [[ links == *"$filter"* ]] || return 0
    out=$(mktemp)
    echo "== links: tests/links.sh"
    "$here/links.sh" "$build" > "$out" 2>&1
    grep -v '^ok ' "$out"
    count_closing_line "$out"
    rm -f "$out"
}

run_integration() {
    local out
    if [ "$(id -u)" != 0 ]; then
        echo "integration tests need root (they create namespaces): sudo make check" >&2
        failed=$((failed + 1))
        return
    fi
    out=$(mktemp)
    # One namespace for the whole suite; each test still starts its own podd.
    "$here/../tools/sandbox.sh" "$here/integration/suite.sh" "$build" "$filter" 2>&1 |
        tee "$out"
    count_closing_line "$out"
    rm -f "$out"
}

# podd-shim alone, driven the way podd drives it (tests/shim/).
run_shim() {
    local out images
    images=$(cd "$build/../images" 2> /dev/null && pwd) || {
        echo "no images beside $build: run make images" >&2
        failed=$((failed + 1))
        return
    }
    [[ shim == *"$filter"* ]] || return 0
    out=$(mktemp)
    echo "== shim: tests/shim/cases.sh"
    "$here/shim/cases.sh" "$build" "$images" 2>&1 | tee "$out" | grep -v -e '^ok ' -e 'podd-shim\[[0-9]*\] ' -e 'podd-monitor\[[0-9]*\] '
    count_closing_line "$out"
    rm -f "$out"
}

case $mode in
    unit) run_unit; run_links ;;
    integration) run_integration; run_shim ;;
    all) run_unit; run_links; run_integration; run_shim ;;
esac

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
