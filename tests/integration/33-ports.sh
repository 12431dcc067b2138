#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Published ports and podd's own firewall (table inet podd): a client of
# another machine (the simulated outside) keeps its address through the
# DNAT of a published port, TCP and UDP; the host's own connections go
# through podd's proxy, on 127.0.0.1 and on [::1]; a pod reaches its own
# network's published ports through the host (hairpin); two networks stay
# isolated with forwarding on; a table an earlier podd left is replaced at
# start, and a podd killed and started again keeps the rules of the pods
# it adopts and drops the rest; `info` shows forwarding and a FORWARD chain
# of another table with a drop policy. After each test the namespace has
# no nftables table (the leak check). Traffic stays inside the suite's
# namespace, its pods and the simulated outside.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

cleanup_test() {
    if declare -F outside_down > /dev/null; then outside_down; fi
    nft delete table ip filter 2> /dev/null || true
    if [ -n "${PEER_PID:-}" ]; then
        kill "$PEER_PID" 2> /dev/null || true
        wait "$PEER_PID" 2> /dev/null || true
    fi
}

# serve POD NAME TEXT [PORT]: an httpd in POD answering TEXT on PORT (80).
serve() {
    podctl run -d --pod "$1" --name "$2" busybox sh -c \
        "mkdir -p /www && echo $3 > /www/index.html && exec httpd -f -p ${4:-80} -h /www" > /dev/null
}

# peer_server POD PROTO PORT: a server in POD's network namespace that
# answers each connection (or datagram) with the client's address as it
# sees it; its pid in PEER_PID.
peer_server() {
    local listen=TCP-LISTEN
    [ "$2" = udp ] && listen=UDP-RECVFROM
    # shellcheck disable=SC2016 # $SOCAT_PEERADDR is socat's, for its child
    ip netns exec "podd-$1" socat "$listen:$3,reuseaddr,fork" SYSTEM:'echo $SOCAT_PEERADDR' &
    PEER_PID=$!
    local l=-Hlnt
    [ "$2" = udp ] && l=-Hlnu
    wait_for sh -c "ip netns exec podd-$1 ss $l | grep -q ':$3 '"
}

# table: podd's table as nft prints it ("" when there is none).
table() {
    nft list table inet podd 2> /dev/null || true
}

no_table() {
    [ -z "$(table)" ]
}

test_host_connections_use_the_proxy_on_both_families() {
    setup
    podctl pod create web -p 18080:80 -p 127.0.0.1:18081:80 > /dev/null
    serve web http hello
    wait_for curl -sf -m 2 http://127.0.0.1:18080/
    assert_eq hello "$(curl -s -m 3 http://127.0.0.1:18080/)"
    assert_eq hello "$(curl -s -m 3 'http://[::1]:18080/')"
    assert_eq hello "$(curl -s -m 3 http://127.0.0.1:18081/)"
    # A map on one host address has no IPv6 side.
    assert_exit 7 curl -s -m 2 'http://[::1]:18081/'
    # Both families' host ports are podd's: nothing else can take them.
    assert_contains "$(ss -Hltn 'sport = :18080')" "[::]:18080"
    assert_contains "$(ss -Hltn 'sport = :18080')" "0.0.0.0:18080"
    # The DNAT rules name the pod.
    local id t
    id=$(pod_field web .id)
    t=$(table)
    assert_contains "$t" "fib daddr type local tcp dport 18080 dnat ip to $(pod_field web .ip):80 comment \"$id\""
    assert_contains "$t" "ip daddr 127.0.0.1 tcp dport 18081 dnat ip to"
    podctl pod rm -f web > /dev/null
    assert_exit 7 curl -s -m 2 'http://[::1]:18080/'
    no_table || fail "podd's table outlived its last pod: $(table)"
}

test_ports_added_and_removed_change_the_table() {
    setup
    podctl pod create web > /dev/null
    # A pod without ports: its network is in use (isolation, hairpin).
    assert_contains "$(table)" 'iifname "podd0" oifname "podd0" ct status dnat masquerade'
    assert_not_contains "$(table)" "dnat ip to"
    podctl pod port add web 18090:80 18091:53/udp > /dev/null
    assert_contains "$(table)" "tcp dport 18090 dnat ip to"
    assert_contains "$(table)" "udp dport 18091 dnat ip to"
    podctl pod port rm web 18090 > /dev/null
    assert_not_contains "$(table)" "tcp dport 18090"
    assert_contains "$(table)" "udp dport 18091"
    podctl pod stop -t 1 web > /dev/null
    no_table || fail "a stopped pod's rules are left: $(table)"
    podctl pod rm -f web > /dev/null
}

test_hairpin_through_the_gateway() {
    setup
    podctl pod create web -p 18080:80 > /dev/null
    podctl pod create client > /dev/null
    serve web http hairpin
    wait_for curl -sf -m 2 http://127.0.0.1:18080/
    # Another pod of the network, through the host.
    assert_eq hairpin "$(podctl run --rm --pod client busybox wget -q -O - http://10.77.0.1:18080/)"
    podctl pod rm -f web client > /dev/null
}

test_networks_isolated_with_forwarding_on() {
    setup
    podctl network create red --subnet 10.88.1.0/24 --bridge red0 > /dev/null
    podctl network create blue --subnet 10.88.2.0/24 --bridge blue0 > /dev/null
    podctl pod create r --net red > /dev/null
    podctl pod create b --net blue > /dev/null
    assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
    serve r rweb red
    serve b bweb blue
    # Each reaches its own gateway's host, never the other network.
    wait_for curl -sf -m 2 "http://$(pod_field r .ip)/"
    assert_exit 1 podctl run --rm --pod b busybox nc -w 2 "$(pod_field r .ip)" 80 < /dev/null
    assert_exit 1 podctl run --rm --pod r busybox nc -w 2 "$(pod_field b .ip)" 80 < /dev/null
    assert_contains "$(table)" 'iifname "red0" oifname "blue0" drop comment "network:red"'
    assert_contains "$(table)" 'iifname "blue0" oifname "red0" drop comment "network:blue"'
    podctl pod rm -f b > /dev/null
    assert_not_contains "$(table)" "blue0"
    podctl pod rm -f r > /dev/null
    podctl network rm red blue > /dev/null
}

test_a_stale_table_is_replaced_at_start() {
    nft -f - << 'EOF'
table inet podd {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        tcp dport 18099 dnat ip to 10.77.9.9:80 comment "stale"
    }
}
EOF
    setup
    no_table || fail "the table an earlier podd left is kept: $(table)"
    podctl pod create web -p 18080:80 > /dev/null
    assert_not_contains "$(table)" stale
    podctl pod rm -f web > /dev/null
}

test_a_restarted_podd_keeps_the_rules_of_the_pods_it_adopts() {
    setup
    podctl pod create kept -p 18081:80 > /dev/null
    podctl pod create gone -p 18082:80 > /dev/null
    local kept_id gone_id infra
    kept_id=$(pod_field kept .id)
    gone_id=$(pod_field gone .id)
    infra=$(pod_field gone .infra.pid)
    assert_contains "$(table)" "$gone_id"
    podd_kill KILL
    # The pods outlive podd, and so do their rules.
    assert_contains "$(table)" "$kept_id"
    kill -KILL "$infra"
    wait_for is_gone "$infra"
    podd_start
    assert_contains "$(table)" "$kept_id"
    assert_not_contains "$(table)" "$gone_id"
    podctl pod rm -f kept gone > /dev/null
    no_table || fail "rules are left: $(table)"
}

test_info_shows_forwarding_and_a_drop_policy() {
    setup
    local info
    info=$(podctl info)
    assert_contains "$info" "IPv4 forwarding:"
    assert_not_contains "$info" "Firewall warning"
    # What iptables-nft makes for `iptables -P FORWARD DROP`.
    nft -f - << 'EOF'
table ip filter {
    chain FORWARD {
        type filter hook forward priority filter; policy drop;
    }
}
EOF
    podctl pod create web -p 18080:80 > /dev/null
    info=$(podctl info)
    assert_contains "$info" "IPv4 forwarding:     true"
    assert_contains "$info" "ip filter FORWARD"
    assert_contains "$info" "cannot override another table's drop"
    assert_contains "$(podctl info --format json)" '"forward_drop_chains": ['
    assert_contains "$(cat "$T/podd.log")" "forward chain \"ip filter FORWARD\" drops by default"
    nft delete table ip filter
    # podd never touched the other table's chain; its own is still there.
    assert_contains "$(table)" "tcp dport 18080"
    podctl pod rm -f web > /dev/null
}

run_tests
