#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run every fuzz target built by build.sh for a bounded time; fail on a crash.
#
#   tests/fuzz/smoke.sh OUTDIR SECONDS [FILTER]
#
# Each target starts from a copy of tests/fuzz/corpus/<name>/ (the committed
# seeds are never written to), with tests/fuzz/fuzz_<name>.dict when there is
# one. A crashing input is kept as OUTDIR/crash-<name>-*. Prints one line of
# figures per target and "N passed, N failed" at the end.
set -uo pipefail

out=${1:?usage: tests/fuzz/smoke.sh OUTDIR SECONDS [FILTER]}
secs=${2:?usage: tests/fuzz/smoke.sh OUTDIR SECONDS [FILTER]}
filter=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
for bin in "$out"/fuzz_*; do
    [ -x "$bin" ] || continue
    target=$(basename "$bin")
    name=${target#fuzz_}
    case $target in *"$filter"*) ;; *) continue ;; esac

    corpus=$work/$name
    mkdir -p "$corpus"
    if [ -d "$here/corpus/$name" ]; then
        cp -r "$here/corpus/$name/." "$corpus/"
    fi
    args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$out/crash-$name-")
    if [ -f "$here/$target.dict" ]; then
        args+=(-dict="$here/$target.dict")
    fi

    log=$work/$name.log
    if "$bin" "${args[@]}" "$corpus" > "$log" 2>&1; then
        passed=$((passed + 1))
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
        echo "ok $target: ${runs:-?} runs, ${rate:-?} exec/s, $cov, $(find "$corpus" -type f | wc -l) inputs"
    else
        failed=$((failed + 1))
        echo "FAIL $target"
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 20
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
