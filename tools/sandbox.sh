#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run a command in a throwaway network and mount namespace, the way the
# tests, the examples and the benchmarks run: lo up, and a private tmpfs on
# /run/netns so pods' `ip netns` names never show on the host (nor the
# host's here). Nothing done inside changes the host.
#
#   tools/sandbox.sh CMD [ARGS...]
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "$(basename "$1"): creates namespaces; run it as root (sudo)" >&2
    exit 1
fi
if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec env PODD_SANDBOX=1 unshare --net --mount --propagation private -- "$0" "$@"
fi
ip link set lo up
mkdir -p /run/netns
mount -t tmpfs -o mode=0755 podd-sandbox /run/netns
exec "$@"
