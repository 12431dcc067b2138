#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Networks for any container, through podctl as a user would: a container
# of its own is on the default network (bridge) unless it says otherwise,
# --network none keeps only lo, -p and -P publish its ports, `podctl port`
# lists them, `network connect`/`disconnect` give a running pod or
# container a second interface, and what a restart keeps. Traffic goes only
# to loopback and to the test's own pods and containers, inside the suite's
# throwaway network namespace.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# web NAME TEXT [FLAGS...]: a container of its own serving TEXT on port 80.
web() {
    local name=$1 text=$2
    shift 2
    podctl run -d --name "$name" "$@" busybox sh -c \
        "mkdir -p /www && echo $text > /www/index.html && exec httpd -f -p 80 -h /www" > /dev/null
}

# links PID: the interfaces of PID's network namespace, one name a line.
links() {
    nsenter -t "$1" -n ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'
}

get() {
    curl -s -m 3 "$1"
}

test_a_container_of_its_own_is_on_the_default_network() {
    setup
    web w hello
    wait_for is_running w
    local ip pid
    ip=$(ctr_field w .ip)
    pid=$(ctr_pid w)
    assert_contains "$ip" "10.77."
    assert_eq podd "$(ctr_field w .network)"
    assert_eq 10.77.0.1 "$(ctr_field w .gateway)"
    assert_eq eth0 "$(ctr_field w .networks.podd.ifname)"
    assert_contains "$(nsenter -t "$pid" -n ip -o -4 addr show eth0)" "$ip/16"
    assert_contains "$(nsenter -t "$pid" -n ip route)" "default via 10.77.0.1 dev eth0"
    # The host reaches it through the bridge, and it keeps its address
    # across a restart of its own (its namespaces are held).
    wait_for get "http://$ip/"
    assert_eq hello "$(get "http://$ip/")"
    podctl restart -t 1 w > /dev/null
    wait_for is_running w
    assert_eq "$ip" "$(ctr_field w .ip)"
    wait_for get "http://$ip/"
    podctl rm -f w > /dev/null
}

test_network_none_has_only_lo() {
    setup
    podctl run -d --name n --network none busybox sleep 1000 > /dev/null
    wait_for is_running n
    assert_eq lo "$(links "$(ctr_pid n)")"
    assert_eq "" "$(ctr_field n .ip)"
    podctl rm -f n > /dev/null
}

test_run_publishes_ports() {
    setup
    web w published -p 127.0.0.1:18080:80
    wait_for is_running w
    wait_for get http://127.0.0.1:18080/
    assert_eq published "$(get http://127.0.0.1:18080/)"
    assert_eq "80/tcp -> 127.0.0.1:18080" "$(podctl port w)"
    assert_eq "127.0.0.1:18080" "$(podctl port w 80/tcp)"
    # DNATed by podd's table for traffic from elsewhere, the rule named
    # after the container.
    assert_contains "$(nft list table inet podd)" "$(ctr_field w .id)"
    # A port another container publishes is refused, leaving nothing.
    assert_exit 125 podctl run -d --name x -p 127.0.0.1:18080:80 busybox sleep 100
    assert_contains "$(podctl run -d --name x -p 127.0.0.1:18080:80 busybox sleep 100 2>&1)" \
        'published by container "w"'
    assert_exit 125 podctl inspect x
    # Unknown network, ports in a pod, ports without a network of its own.
    assert_contains "$(podctl run --network nosuch busybox true 2>&1)" 'no such network: nosuch'
    podctl pod create p > /dev/null
    assert_contains "$(podctl run --pod p -p 8081:80 busybox true 2>&1)" "pod port add"
    assert_exit 125 podctl run --network none -p 8082:80 busybox true
    # The ports stop with it and come back with its start.
    podctl stop -t 1 w > /dev/null
    assert_exit 7 curl -s -m 3 http://127.0.0.1:18080/
    podctl start w > /dev/null
    wait_for get http://127.0.0.1:18080/
    podctl rm -f w > /dev/null
    assert_exit 7 curl -s -m 3 http://127.0.0.1:18080/
    assert_not_contains "$(nft list table inet podd 2> /dev/null || true)" "dport 18080"
    podctl pod rm -f p > /dev/null
}

test_publish_all_picks_free_host_ports() {
    setup
    # An image exposing 80/tcp and 53/udp (as a Dockerfile's EXPOSE).
    oci_base "$T/oci" base
    oci_config "$T/oci" base --config.exposedports=80/tcp --config.exposedports=53/udp
    oci_archive "$T/oci" base "$T/exp.tar" docker-archive exp:1
    podctl image load -i "$T/exp.tar" > /dev/null
    podctl run -d --name a -P exp:1 sh -c \
        "mkdir -p /www && echo by-P > /www/index.html && exec httpd -f -p 80 -h /www" > /dev/null
    podctl run -d --name b -P exp:1 sleep 1000 > /dev/null
    wait_for is_running a
    wait_for is_running b
    local pa pb
    pa=$(podctl port a 80/tcp)
    pb=$(podctl port b 80/tcp)
    assert_contains "$pa" "0.0.0.0:"
    assert_ne "$pa" "$pb"
    [ "${pa#0.0.0.0:}" -ge 49153 ] || fail "host port ${pa#0.0.0.0:} is below docker's range"
    assert_contains "$(podctl port a)" "53/udp -> 0.0.0.0:"
    wait_for get "http://127.0.0.1:${pa#0.0.0.0:}/"
    assert_eq by-P "$(get "http://127.0.0.1:${pa#0.0.0.0:}/")"
    podctl rm -f a b > /dev/null
}

test_port_of_a_pod_and_of_its_containers() {
    setup
    podctl pod create -p 127.0.0.1:18081:80 p > /dev/null
    podctl run -d --pod p --name in-p busybox sleep 1000 > /dev/null
    assert_eq "80/tcp -> 127.0.0.1:18081" "$(podctl port p)"
    assert_eq "80/tcp -> 127.0.0.1:18081" "$(podctl port in-p)"
    assert_exit 125 podctl port in-p 81
    assert_exit 125 podctl port nosuch
    podctl pod rm -f p > /dev/null
}

# reaches POD IP: a TCP connection to IP:80 from POD within 2 s.
reaches() {
    podctl run --rm --pod "$1" busybox nc -w 2 "$2" 80 < /dev/null
}

test_connect_and_disconnect() {
    setup
    podctl network create other > /dev/null
    podctl pod create --net other b > /dev/null
    podctl run -d --pod b --name web-b busybox sh -c \
        "mkdir -p /www && echo from-b > /www/index.html && exec httpd -f -p 80 -h /www" > /dev/null
    podctl pod create a > /dev/null
    local ip_b
    ip_b=$(pod_field b .ip)
    # Isolated until connected.
    assert_exit 1 reaches a "$ip_b"
    podctl network connect other a
    assert_eq eth1 "$(pod_field a .networks.other.ifname)"
    assert_contains "$(ip netns exec podd-a ip -o -4 addr show eth1)" \
        "$(pod_field a .networks.other.ip)/"
    wait_for reaches a "$ip_b"
    # Twice, unknown names: one-line errors.
    assert_exit 125 podctl network connect other a
    assert_contains "$(podctl network connect other a 2>&1)" 'already on network "other"'
    assert_exit 125 podctl network connect nosuch a
    assert_exit 125 podctl network connect other nosuch
    assert_exit 125 podctl network disconnect podd b
    # A container of its own too, and network rm refuses while it is on it.
    podctl run -d --name c busybox sleep 1000 > /dev/null
    wait_for is_running c
    podctl network connect --alias cee other c
    assert_eq eth1 "$(ctr_field c .networks.other.ifname)"
    assert_eq '["cee"]' "$(ctr_field c .networks.other.aliases)"
    assert_contains "$(links "$(ctr_pid c)")" eth1
    assert_exit 125 podctl network rm other
    # Kept across a podd restart.
    local ip_a1 ip_c1
    ip_a1=$(pod_field a .networks.other.ip)
    ip_c1=$(ctr_field c .networks.other.ip)
    podd_stop
    podd_start
    assert_eq "$ip_a1" "$(pod_field a .networks.other.ip)"
    assert_eq "$ip_c1" "$(ctr_field c .networks.other.ip)"
    wait_for reaches a "$ip_b"
    # Disconnected: eth1 gone, isolated again.
    podctl network disconnect other a
    podctl network disconnect other c
    assert_eq "" "$(pod_field a .networks.other)"
    assert_not_contains "$(links "$(ctr_pid c)")" eth1
    assert_not_contains "$(ip netns exec podd-a ip -o link)" eth1
    assert_exit 1 reaches a "$ip_b"
    podctl rm -f c > /dev/null
    podctl pod rm -f a b > /dev/null
    podctl network rm other > /dev/null
}

run_tests "$@"
