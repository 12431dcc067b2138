#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The integration suite, run by tests/run.sh inside a fresh network and
# mount namespace: bring lo up, give `ip netns` a private /run/netns, then
# run every NN-*.sh file and print "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$1
filter=${2:-}

ip link set lo up
# ip netns names live in /run/netns: make it a private tmpfs here, so pods of
# the tests never show on the host (and the host's never show here).
mkdir -p /run/netns
mount -t tmpfs -o mode=0755 podd-test-netns /run/netns

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
