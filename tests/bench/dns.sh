#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, names (issue 14; run by bench.sh; alone as below). Measured,
# never asserted: UDP queries answered per second by a network's DNS
# server in podd (bench-dns, tests/bench/dns_load.c: 32 queries in flight
# from one socket for $DNS_SECONDS (2) seconds a run), for a pod's name
# (answered by podd itself) and for a name podd relays to dnsmasq in a
# namespace of the bench's own (an "upstream" on 198.18.0.2 behind a
# veth); beside it dnsmasq asked for the same name directly, the
# reference. Median and min-max over the runs.
#
#   tests/bench/dns.sh BUILD_DIR [RUNS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: dns.sh BUILD_DIR [RUNS]}" && pwd)
runs=${2:-${BENCH_RUNS:-10}}
secs=${DNS_SECONDS:-2}

# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
bench_prelude "dns" "$build" "$0" "$@"

T=$(mktemp -d /tmp/podd-dns-bench.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
ns=podd-bench-up-$$
podd_pid=
dnsmasq_pid=
cleanup() {
    podctl pod rm -f a > /dev/null 2>&1 || true
    [ -n "$podd_pid" ] && kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null
    [ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2> /dev/null && wait "$dnsmasq_pid" 2> /dev/null
    ip link del up0 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
    ip link del podd0 2> /dev/null || true
    for _ in $(seq 50); do rm -rf "$T" 2> /dev/null && break; sleep 0.1; done
}
trap cleanup EXIT

# The upstream: dnsmasq in a namespace of its own, as the tests' outside.
ip netns add "$ns"
ip link add up0 type veth peer name eth0 netns "$ns"
ip addr add 198.18.0.1/24 dev up0
ip link set up0 up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip addr add 198.18.0.2/24 dev eth0
ip netns exec "$ns" ip link set eth0 up
ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --user=root --listen-address=198.18.0.2 --bind-interfaces --local=/example.test/ \
    --host-record=web.example.test,198.18.0.2 --log-facility=/dev/null &
dnsmasq_pid=$!
printf 'nameserver 198.18.0.2\n' > "$T/resolv.conf"

podd --root "$T/root" --run-dir "$T/run" --foreground --resolv-conf "$T/resolv.conf" \
    2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl pod create a > /dev/null
for _ in $(seq 200); do
    [ "$(dig +short +time=1 +tries=1 @10.77.0.1 a.dns.podd)" != "" ] && break
    sleep 0.05
done
for _ in $(seq 200); do
    [ "$(dig +short +time=1 +tries=1 @198.18.0.2 web.example.test)" != "" ] && break
    sleep 0.05
done

# qps SERVER NAME: answers per second over the runs, then the losses.
qps() {
    local i
    for i in $(seq "$runs"); do "$build/bench-dns" "$1" "$2" "$secs" 32; done > "$T/qps"
    echo "$(awk '{print $1}' "$T/qps" | stats) qps, $(awk '{s += $2} END {print s + 0}' "$T/qps") lost"
}

echo "DNS queries per second over UDP, 32 in flight ($runs runs of ${secs}s, median (min-max))"
row "podd, a pod's name (a.dns.podd)" "$(qps 10.77.0.1 a.dns.podd)"
row "podd, relayed to dnsmasq (web.example.test)" "$(qps 10.77.0.1 web.example.test)"
row "dnsmasq directly (web.example.test)" "$(qps 198.18.0.2 web.example.test)"
