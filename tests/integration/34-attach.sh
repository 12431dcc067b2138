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
    podctl pod rm -f p > /dev/null
}

run_tests "$@"
