#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The integration suite, run by tests/run.sh through tools/sandbox.sh (a
# fresh network and mount namespace): run every NN-*.sh file and print
# "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$1
filter=${2:-}

results=$(mktemp)
export PODD_TEST_RESULTS=$results PODD_BUILD=$build
for f in "$here"/[0-9][0-9]-*.sh; do
    case "$(basename "$f")" in *"$filter"*) ;; *) continue ;; esac
    echo "== integration: $(basename "$f")"
    bash "$f"
done
passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^FAIL ' "$results")
rm -f "$results"
echo "$passed passed, $failed failed"
