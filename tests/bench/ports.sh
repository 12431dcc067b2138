#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, published ports (run by bench.sh; alone as below). Measured,
# never asserted: a pod on podd's default network publishes two ports
# (18080 to a TCP sink, 18081 to a 1-byte ping server: bench-proxy serve in
# the pod's network namespace), and for each path RUNS runs of the TCP
# throughput (MIB MiB on one connection) and of the connection rate (CONNS
# connections one after another, 1 byte each way):
#   - DNAT: from another namespace (a veth, 198.18.0.2 to 198.18.0.1:18080),
#     as a client on another machine is served (podd's nftables table);
#   - routed: the same client straight to the pod's address, routed by the
#     host without NAT (a route made for the bench), the baseline of DNAT;
#   - proxy: from the host itself to 127.0.0.1:18080 (podd's proxy);
#   - direct: from the host to the pod's address.
# Medians with min-max, and the ratios to the path without podd in it.
#
#   tests/bench/ports.sh BUILD_DIR [RUNS [MIB [CONNS]]]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: ports.sh BUILD_DIR [RUNS [MIB [CONNS]]]}" && pwd)
runs=${2:-${BENCH_RUNS:-10}}
mib=${3:-256}
conns=${4:-2000}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "published ports" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-ports.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
out=podd-bench-out-$$
podd_pid=
server_pid=

# Every step may fail (set -e is off here): the rest must still run.
cleanup() {
    set +e
    if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null; fi
    podctl pod rm -f bench > /dev/null 2>&1
    if [ -n "$podd_pid" ]; then kill -TERM "$podd_pid" 2> /dev/null; wait "$podd_pid" 2> /dev/null; fi
    ip link del bout0 2> /dev/null || true
    ip netns del "$out" 2> /dev/null || true
    ip link del podd0 2> /dev/null || true
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
wait_until podctl version > /dev/null 2>&1
podctl pod create bench -p 18080:5001 -p 18081:5002 > /dev/null
pod_ip=$(podctl pod inspect bench | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ip"])')
ip netns exec podd-bench "$build/bench-proxy" serve 5001 5002 &
server_pid=$!
wait_until sh -c "ip netns exec podd-bench ss -Hlnt 'sport = :5002' | grep -q ."

# The client elsewhere: a namespace behind a veth, with a route to the
# pods' subnet through the host for the routed baseline.
ip netns add "$out"
ip link add bout0 type veth peer name eth0 netns "$out"
ip addr add 198.18.0.1/24 dev bout0
ip link set bout0 up
ip netns exec "$out" ip link set lo up
ip netns exec "$out" ip addr add 198.18.0.2/24 dev eth0
ip netns exec "$out" ip link set eth0 up
ip netns exec "$out" ip route add 10.77.0.0/16 via 198.18.0.1

# paths WHAT HOSTPORT PODPORT N: one figure of WHAT (tput or conns) by
# each path, back to back so that all see the same machine, appended to
# $T/WHAT.PATH.
paths() {
    ip netns exec "$out" "$build/bench-proxy" "$1" 198.18.0.1 "$2" "$4" >> "$T/$1.dnat"
    ip netns exec "$out" "$build/bench-proxy" "$1" "$pod_ip" "$3" "$4" >> "$T/$1.routed"
    "$build/bench-proxy" "$1" 127.0.0.1 "$2" "$4" >> "$T/$1.proxy"
    "$build/bench-proxy" "$1" "$pod_ip" "$3" "$4" >> "$T/$1.direct"
}
# Throughput to the sink (18080 -> 5001), the connection rate to the ping
# server (18081 -> 5002).
for _ in $(seq "$runs"); do paths tput 18080 5001 "$mib"; done
for _ in $(seq "$runs"); do paths conns 18081 5002 "$conns"; done

row "published port, TCP $mib MiB, DNAT from elsewhere (MiB/s)" "$(stats < "$T/tput.dnat")"
row "  the same client routed to the pod, no NAT (MiB/s)" "$(stats < "$T/tput.routed")"
row "  ratio DNAT / routed (medians)" "$(ratio "$(median < "$T/tput.dnat")" "$(median < "$T/tput.routed")" '%.2fx')"
row "published port, TCP $mib MiB, proxy from the host (MiB/s)" "$(stats < "$T/tput.proxy")"
row "  the host direct to the pod (MiB/s)" "$(stats < "$T/tput.direct")"
row "  ratio proxy / direct (medians)" "$(ratio "$(median < "$T/tput.proxy")" "$(median < "$T/tput.direct")" '%.2fx')"
row "published port, conn/s, DNAT from elsewhere" "$(stats < "$T/conns.dnat")"
row "  the same client routed to the pod, no NAT" "$(stats < "$T/conns.routed")"
row "  ratio DNAT / routed (medians)" "$(ratio "$(median < "$T/conns.dnat")" "$(median < "$T/conns.routed")" '%.2fx')"
row "published port, conn/s, proxy from the host" "$(stats < "$T/conns.proxy")"
row "  the host direct to the pod" "$(stats < "$T/conns.direct")"
row "  ratio proxy / direct (medians)" "$(ratio "$(median < "$T/conns.proxy")" "$(median < "$T/conns.direct")" '%.2fx')"
