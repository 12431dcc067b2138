# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A simulated "outside" for the networking tests: a network namespace of the
# test's own, reached from the suite's namespace by a veth, on test
# addresses that exist only here (198.18.0.0/24, 2001:db8:18::/64). The
# suite's namespace gets a default route toward it; the outside has no
# route back to any pod subnet, so a pod reaches it only through
# masquerade. It serves a web server on port 80 that answers with the
# client's address as it saw it, and dnsmasq on 198.18.0.2:53 for
# example.test. Source after lib.sh; call outside_down from cleanup_test.
#
#   outside_up        make it (sets OUTSIDE_NS)
#   outside_down      remove it: processes by pid, the veth, routes, the namespace
#   outside_url       http://198.18.0.2/ (the web server)
#   outside_exec CMD  run CMD in the outside namespace
#   outside_resolv    a resolv.conf naming the outside's dnsmasq (for podd --resolv-conf)
#
# Addresses: the suite side 198.18.0.1 and 2001:db8:18::1 (veth out0), the
# outside 198.18.0.2 and 2001:db8:18::2. dnsmasq answers web.example.test
# (A 198.18.0.2, AAAA 2001:db8:18::2), big.example.test (a TXT answer of
# over 512 bytes: asked without EDNS, `dig +noedns`, it comes with TC),
# NXDOMAIN for any other name in example.test, and logs its queries to
# $T/outside/dnsmasq.log.

OUTSIDE_NS=
OUTSIDE_PIDS=()

outside_exec() {
    ip netns exec "$OUTSIDE_NS" "$@"
}

outside_url() {
    echo "http://198.18.0.2/"
}

outside_resolv() {
    echo "$T/outside/resolv.conf"
}

outside_up() {
    OUTSIDE_NS=podd-test-outside-$$
    mkdir -p "$T/outside"
    ip netns add "$OUTSIDE_NS"
    ip link add out0 type veth peer name eth0 netns "$OUTSIDE_NS"
    ip addr add 198.18.0.1/24 dev out0
    ip -6 addr add 2001:db8:18::1/64 dev out0 nodad
    ip link set out0 up
    outside_exec ip link set lo up
    outside_exec ip addr add 198.18.0.2/24 dev eth0
    outside_exec ip -6 addr add 2001:db8:18::2/64 dev eth0 nodad
    outside_exec ip link set eth0 up
    ip route add default via 198.18.0.2 dev out0
    ip -6 route add default via 2001:db8:18::2 dev out0

    # Started by `ip netns exec` itself (it execs the command), not
    # through outside_exec: the pid is then the server's own.
    ip netns exec "$OUTSIDE_NS" python3 "$(dirname "${BASH_SOURCE[0]}")/../helpers/peer_http.py" \
        "$T/outside/http.ready" 2> "$T/outside/http.log" &
    OUTSIDE_PIDS+=($!)
    local big=""
    local i
    for i in 1 2 3; do
        big+=",\"$(printf 'chunk%d-%0200d' "$i" 0)\""
    done
    ip netns exec "$OUTSIDE_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --user=root --listen-address=198.18.0.2 --bind-interfaces --local=/example.test/ \
        --host-record=web.example.test,198.18.0.2,2001:db8:18::2 \
        "--txt-record=big.example.test$big" \
        --log-queries --log-facility="$T/outside/dnsmasq.log" \
        --pid-file="$T/outside/dnsmasq.pid" &
    OUTSIDE_PIDS+=($!)
    printf 'nameserver 198.18.0.2\n' > "$T/outside/resolv.conf"
    wait_for test -s "$T/outside/http.ready"
    wait_for sh -c "ip netns exec $OUTSIDE_NS ss -Hlnu 'sport = :53' | grep -q ."
}

outside_down() {
    [ -n "$OUTSIDE_NS" ] || return 0
    local p
    for p in "${OUTSIDE_PIDS[@]}"; do
        kill "$p" 2> /dev/null || true
        wait "$p" 2> /dev/null || true
    done
    OUTSIDE_PIDS=()
    ip route del default via 198.18.0.2 dev out0 2> /dev/null || true
    ip -6 route del default via 2001:db8:18::2 dev out0 2> /dev/null || true
    ip link del out0 2> /dev/null || true
    ip netns del "$OUTSIDE_NS" 2> /dev/null || true
    OUTSIDE_NS=
    return 0
}
