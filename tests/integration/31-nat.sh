#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Outbound traffic and IPv6 of podd's networks, through podctl: the default
# network masquerades (a rule per pod in netplug's table, gone with the
# pod), `network create` with --internal, --ipv6, two --subnet and a
# --gateway per family (and what it refuses), podd --ipv6 making the default
# network dual-stack and its conflist rewritten when the flag goes, IPv6
# between pods. Traffic stays inside the suite's throwaway namespace: the
# test's pods, and the simulated outside (outside.sh): a pod reaches it only
# through masquerade, which its web server's answer (the client's address
# as it saw it) shows; an --internal network's pods do not reach it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/outside.sh"

cleanup_test() {
    outside_down
}

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start "$@"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

net_field() {
    podctl network inspect "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin)[0]; print(json.dumps(v.get(sys.argv[1])))' "$2"
}

# masq_comments: the comments of netplug's masquerade rules, one a line.
masq_comments() {
    nft list chain inet netplug postrouting 2> /dev/null |
        sed -n 's/.*masquerade comment "\([^"]*\)".*/\1/p' | sort
}

# addr6 POD: the pod's global IPv6 address on eth0, without its prefix.
addr6() {
    ip netns exec "podd-$1" ip -o -6 addr show dev eth0 scope global | awk '{sub(/\/.*/, "", $4); print $4}'
}

test_default_network_masquerades() {
    setup
    assert_eq true "$(net_field podd masquerade)"
    assert_eq false "$(net_field podd internal)"
    assert_eq false "$(net_field podd ipv6)"
    assert_eq '""' "$(net_field podd subnet6)"
    podctl pod create a > /dev/null
    podctl pod create b > /dev/null
    assert_eq "$(printf '%s/eth0\n' "$(pod_field a .id)" "$(pod_field b .id)" | sort)" \
        "$(masq_comments)" "a rule per pod"
    assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)" "ip_forward"
    assert_eq 1 "$(cat /proc/sys/net/ipv4/conf/podd0/forwarding)" "podd0 forwards"
    local id_a
    id_a=$(pod_field a .id)
    podctl pod rm -f a > /dev/null
    wait_for sh -c "! nft list chain inet netplug postrouting | grep -q $id_a"
    assert_eq "$(pod_field b .id)/eth0" "$(masq_comments)" "a's rule goes with a"
    podctl pod rm -f b > /dev/null
    wait_for no_nft_tables
}

test_network_create_flags() {
    setup
    local before
    assert_exit 0 podctl network create v6net --ipv6
    assert_eq true "$(net_field v6net ipv6)"
    assert_eq '"fd78::/64"' "$(net_field v6net subnet6)"
    assert_eq '"fd78::1"' "$(net_field v6net gateway6)"
    assert_eq true "$(net_field v6net masquerade)"
    assert_exit 0 podctl network create dual --subnet 10.88.3.0/24 --subnet fd90::/64 \
        --gateway fd90::fe --gateway 10.88.3.254
    assert_eq '"fd90::/64"' "$(net_field dual subnet6)"
    assert_eq '"fd90::fe"' "$(net_field dual gateway6)"
    assert_eq '"10.88.3.254"' "$(net_field dual gateway)"
    assert_contains "$(podctl network ls)" "fd90::/64"
    # Another --ipv6 network takes the next free fd78:N::/64.
    assert_exit 0 podctl network create v6b --ipv6
    assert_eq '"fd78:1::/64"' "$(net_field v6b subnet6)"
    assert_exit 0 podctl network create intl --internal
    assert_eq true "$(net_field intl internal)"
    assert_eq false "$(net_field intl masquerade)"
    assert_eq false "$(net_field intl ipv6)"

    before=$(podctl network ls -q)
    assert_exit 125 podctl network create bad --subnet fd90:0:0:0:8000::/72
    assert_contains "$LAST_ERR" "overlaps network \"dual\""
    assert_exit 125 podctl network create bad --subnet fd91::/48
    assert_contains "$LAST_ERR" "64 to 120"
    assert_exit 125 podctl network create bad --subnet fd91::/121
    assert_contains "$LAST_ERR" "64 to 120"
    assert_exit 125 podctl network create bad --subnet fd91::1/64
    assert_contains "$LAST_ERR" "host bits"
    assert_exit 125 podctl network create bad --subnet 10.88.4.0/24 --subnet 10.88.5.0/24
    assert_contains "$LAST_ERR" "two IPv4 subnets"
    assert_exit 125 podctl network create bad --gateway fd92::1
    assert_contains "$LAST_ERR" "without an IPv6 network"
    assert_exit 125 podctl network create bad --gateway 10.1.1.1 --gateway 10.1.1.2
    assert_contains "$LAST_ERR" "at most one per family"
    assert_exit 125 podctl network create bad --ipv6 --subnet fd93::/64 --gateway fd94::1
    assert_contains "$LAST_ERR" "not a host of fd93::/64"
    assert_exit 125 podctl network create bad --subnet banana::/64
    assert_one_line "$LAST_ERR"
    assert_eq "$before" "$(podctl network ls -q)" "networks after refusals"
    assert_exit 0 podctl network rm v6net dual v6b intl
}

test_dual_stack_network() {
    setup
    local a6 b6
    podctl network create dual --ipv6 --subnet 10.88.6.0/24 --subnet fd95::/64 > /dev/null
    podctl pod create a --net dual > /dev/null
    podctl pod create b --net dual > /dev/null
    a6=$(addr6 a)
    b6=$(addr6 b)
    assert_contains "$a6" "fd95::"
    assert_contains "$(ip netns exec podd-a ip -6 route show default)" "via fd95::1 dev eth0"
    assert_eq 2 "$(masq_comments | grep -c "$(pod_field a .id)/eth0")" "a rule per family"
    # Pod to pod over IPv6: ping, and HTTP from one pod's container to the other's.
    wait_for ip netns exec podd-a ping -6 -c1 -W1 "$b6"
    podctl run -d --pod b --name web busybox sh -c \
        'mkdir -p /www && echo hello6 > /www/index.html && exec httpd -f -p 80 -h /www' > /dev/null
    wait_for podctl run --rm --pod a busybox nc -w 2 "$b6" 80 < /dev/null
    assert_eq hello6 "$(podctl run --rm --pod a busybox wget -q -O - "http://[$b6]/")"
    # The host reaches a pod through the bridge's IPv6 address.
    assert_eq hello6 "$(curl -s -m 3 "http://[$b6]/")"
    podctl pod rm -f a b > /dev/null
    assert_exit 0 podctl network rm dual
}

test_podd_ipv6_default_network() {
    setup --ipv6
    assert_eq '"fd77::/64"' "$(net_field podd subnet6)"
    assert_eq '"fd77::1"' "$(net_field podd gateway6)"
    podctl pod create a > /dev/null
    podctl pod create b > /dev/null
    assert_contains "$(addr6 a)" "fd77::"
    wait_for ip netns exec podd-a ping -6 -c1 -W1 "$(addr6 b)"
    podctl pod rm -f a b > /dev/null
    # Without the flag, the default network is IPv4-only again.
    podd_kill TERM
    podd_start
    assert_eq '""' "$(net_field podd subnet6)"
    assert_contains "$(cat "$T/podd.log")" "conflist rewritten"
    podctl pod create c > /dev/null
    assert_eq "" "$(addr6 c)" "an IPv6 address without --ipv6"
    podctl pod rm -f c > /dev/null
}

# wget_from POD URL: the body of URL fetched from a container in POD
# (busybox's wget -T crashes: the server is known to be up).
wget_from() {
    podctl run --rm --pod "$1" busybox wget -q -O - "$2"
}

# no_nft_tables: the namespace has no nftables table (a pod's DEL runs
# after `pod rm` answers).
no_nft_tables() {
    [ -z "$(nft list tables)" ]
}

test_pods_reach_the_outside_through_masquerade() {
    setup
    outside_up
    podctl pod create a > /dev/null
    # The outside sees the suite side's address, not the pod's.
    assert_eq 198.18.0.1 "$(wget_from a "$(outside_url)")"
    # An internal network's pod does not get out.
    podctl network create intl --internal > /dev/null
    podctl pod create i --net intl > /dev/null
    assert_eq "" "$(nft list chain inet netplug postrouting | grep "$(pod_field i .id)" || true)" \
        "a rule for an internal pod"
    if podctl run --rm --pod i busybox nc -w 2 198.18.0.2 80 < /dev/null 2> /dev/null; then
        fail "a pod of an internal network reached the outside"
    fi
    # It still reaches the host through its gateway (the bridge's address).
    assert_eq 0 "$(cat /proc/sys/net/ipv4/conf/pd-intl/forwarding)" "pd-intl forwards"
    podctl pod rm -f a i > /dev/null
    podctl network rm intl > /dev/null
}

test_ipv6_to_the_outside() {
    setup
    outside_up
    podctl network create dual --ipv6 --subnet 10.88.7.0/24 --subnet fd96::/64 > /dev/null
    podctl pod create a --net dual > /dev/null
    assert_eq 2001:db8:18::1 "$(wget_from a "http://[2001:db8:18::2]/")"
    assert_eq 198.18.0.1 "$(wget_from a "$(outside_url)")"
    podctl pod rm -f a > /dev/null
    podctl network rm dual > /dev/null
}

run_tests
