#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pods on networks, through podctl as a user would: the default network
# (bridge podd0, 10.77.0.0/16) and networks of their own, pod-to-pod
# traffic by address, isolation between networks, a static address and
# --dns, /etc/hosts, published TCP and UDP ports (ranges too, and changed
# on a running pod), a port already taken, a conflist that chains the CNI
# reference plugins, and what a podd restart keeps and cleans up. Traffic
# goes only to loopback and to the test's own pods, inside the suite's
# throwaway network namespace; no NAT is set up.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# serve POD NAME TEXT [PORT]: an httpd in POD answering TEXT on PORT (80).
serve() {
    podctl run -d --pod "$1" --name "$2" busybox sh -c \
        "mkdir -p /www && echo $3 > /www/index.html && exec httpd -f -p ${4:-80} -h /www" > /dev/null
}

# fetch POD URL: wget from a container in POD (busybox's wget -T crashes:
# the caller bounds the time, or the server is known to be up).
fetch() {
    podctl run --rm --pod "$1" busybox wget -q -O - "$2"
}

# reaches POD IP: a TCP connection to IP:80 from POD within 2 s.
reaches() {
    podctl run --rm --pod "$1" busybox nc -w 2 "$2" 80 < /dev/null
}

pod_ip() {
    pod_field "$1" .ip
}

test_default_network_pods_reach_each_other() {
    setup
    podctl pod create a > /dev/null
    podctl pod create b > /dev/null
    assert_eq podd "$(pod_field a .network)"
    local ip_a ip_b
    ip_a=$(pod_ip a)
    ip_b=$(pod_ip b)
    assert_contains "$ip_a" "10.77."
    assert_ne "$ip_a" "$ip_b"
    assert_eq 10.77.0.1 "$(pod_field a .gateway)"
    # eth0 in the pod's namespace, with the address and a default route.
    assert_contains "$(ip netns exec podd-a ip -o -4 addr show eth0)" "$ip_a/16"
    assert_contains "$(ip netns exec podd-a ip route)" "default via 10.77.0.1 dev eth0"
    assert_contains "$(ip -o link show podd0)" "podd0"
    serve a web hello-from-a
    wait_for reaches b "$ip_a"
    assert_eq hello-from-a "$(fetch b "http://$ip_a/")"
    # The host reaches a pod by its address, through the bridge.
    assert_eq hello-from-a "$(curl -s -m 3 "http://$ip_a/")"
    # The pod's hostname resolves to its address in its containers.
    assert_contains "$(podctl run --rm --pod a busybox cat /etc/hosts)" "$ip_a	a"
    assert_contains "$(podctl pod ls)" "$ip_a"
    # Stopped and started at once: the new attachment waits for the old
    # one's release, and the pod is reached again.
    podctl pod stop -t 1 a > /dev/null
    podctl pod start a > /dev/null
    assert_ne "" "$(pod_ip a)"
    serve a web2 hello-again
    wait_for reaches b "$(pod_ip a)"
    podctl pod rm -f a b > /dev/null
}

test_networks_of_their_own_are_isolated() {
    setup
    assert_exit 0 podctl network create red --subnet 10.88.1.0/24
    assert_exit 0 podctl network create blue --subnet 10.88.2.0/24 --bridge blue0
    assert_contains "$(podctl network ls)" "10.88.1.0/24"
    assert_eq '"blue0"' "$(podctl network inspect blue | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["bridge"]))')"
    podctl pod create r1 --net red > /dev/null
    podctl pod create r2 --net red > /dev/null
    podctl pod create b1 --net blue > /dev/null
    assert_contains "$(pod_ip r1)" "10.88.1."
    assert_contains "$(pod_ip b1)" "10.88.2."
    serve r1 web red-one
    wait_for reaches r2 "$(pod_ip r1)"
    assert_eq red-one "$(fetch r2 "http://$(pod_ip r1)/")"
    # No forwarding between bridges: blue cannot reach red.
    assert_exit 1 reaches b1 "$(pod_ip r1)"
    # A network in use cannot go.
    assert_exit 125 podctl network rm red
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "has pods"
    podctl pod rm -f r1 r2 b1 > /dev/null
    assert_exit 0 podctl network rm red blue
    assert_exit 125 podctl network rm podd
    assert_contains "$LAST_ERR" "default network"
    ! ip link show blue0 > /dev/null 2>&1 || fail "the bridge of a removed network is left"
}

test_network_bad_input() {
    setup
    assert_exit 125 podctl network create bad --subnet 10.88.1.1/24
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "host bits"
    assert_exit 125 podctl network create bad --subnet nonsense
    assert_exit 125 podctl network create bad --subnet 10.77.5.0/24
    assert_contains "$LAST_ERR" "overlaps network \"podd\""
    assert_exit 125 podctl network create bad --bridge this-name-is-too-long
    assert_exit 125 podctl network create none
    assert_exit 125 podctl pod create p --net nosuch
    assert_contains "$LAST_ERR" "no such network"
    assert_exit 125 podctl pod create p --ip 10.77.0.5 --net none
    assert_exit 125 podctl pod create p --ip 300.1.1.1
    assert_eq "" "$(podctl pod ls -q)"
    assert_eq podd "$(podctl network ls -q)"
}

test_static_address_and_dns() {
    setup
    podctl pod create s --ip 10.77.0.50 --dns 10.77.0.1 --dns 10.77.0.2 > /dev/null
    assert_eq 10.77.0.50 "$(pod_ip s)"
    local resolv
    resolv=$(podctl run --rm --pod s busybox cat /etc/resolv.conf)
    assert_contains "$resolv" "nameserver 10.77.0.1"
    assert_contains "$resolv" "nameserver 10.77.0.2"
    # The address is taken: a second pod cannot have it, and leaves nothing.
    assert_exit 125 podctl pod create t --ip 10.77.0.50
    assert_one_line "$LAST_ERR"
    assert_eq 1 "$(podctl pod ls -q | wc -l)"
    podctl pod rm -f s > /dev/null
}

test_published_tcp_and_udp_ports() {
    setup
    podctl pod create web -p 18080:80 -p 127.0.0.1:18081-18082:8081-8082 -p 15353:5353/udp > /dev/null
    serve web http hello-80
    serve web http1 hello-8081 8081
    serve web http2 hello-8082 8082
    # A UDP echo in the pod's network (busybox's nc has no UDP: socat,
    # from the host, in the pod's namespace).
    ip netns exec podd-web socat UDP-RECVFROM:5353,fork EXEC:cat &
    local echo_pid=$!
    wait_for curl -sf -m 2 http://127.0.0.1:18080/
    assert_eq hello-80 "$(curl -s -m 3 http://127.0.0.1:18080/)"
    wait_for curl -sf -m 2 http://127.0.0.1:18082/
    assert_eq hello-8081 "$(curl -s -m 3 http://127.0.0.1:18081/)"
    assert_eq hello-8082 "$(curl -s -m 3 http://127.0.0.1:18082/)"
    wait_for sh -c "ip netns exec podd-web ss -Hlnu | grep -q :5353"
    assert_eq ping-udp "$(echo ping-udp | socat -t 2 - UDP:127.0.0.1:15353)"
    kill "$echo_pid"
    wait "$echo_pid" 2> /dev/null || true
    assert_contains "$(podctl pod inspect web)" '"host_port": 18080'
    podctl pod rm -f web > /dev/null
    assert_exit 7 curl -s -m 2 http://127.0.0.1:18080/
}

test_ports_added_to_and_removed_from_a_running_pod() {
    setup
    podctl pod create web > /dev/null
    serve web http hello
    assert_exit 0 podctl pod port add web 18090:80
    wait_for curl -sf -m 2 http://127.0.0.1:18090/
    assert_eq hello "$(curl -s -m 3 http://127.0.0.1:18090/)"
    assert_contains "$(podctl pod port web)" "18090"
    assert_exit 125 podctl pod port add web 18090:80
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "18090"
    assert_exit 0 podctl pod port rm web 18090
    assert_exit 7 curl -s -m 2 http://127.0.0.1:18090/
    # One port of an add that cannot be served: none of it is kept.
    assert_exit 125 podctl pod port add web 18091:80 10.1.2.3:18092:80
    assert_one_line "$LAST_ERR"
    assert_exit 7 curl -s -m 2 http://127.0.0.1:18091/
    assert_eq "" "$(podctl pod port web)"
    assert_exit 125 podctl pod port rm web 18090
    podctl pod rm -f web > /dev/null
}

test_a_taken_port_gives_no_pod() {
    setup
    socat TCP-LISTEN:18095,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo busy' &
    local holder=$!
    wait_for ss -Hltn sport = :18095
    assert_exit 125 podctl pod create web -p 127.0.0.1:18095:80
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "18095"
    assert_eq "" "$(podctl pod ls -q)"
    kill "$holder"
    wait "$holder" 2> /dev/null || true
}

test_a_conflist_of_the_reference_plugins() {
    setup
    if [ ! -x /usr/lib/cni/bridge ] || [ ! -x /usr/lib/cni/host-local ]; then
        echo "    skipped: the CNI reference plugins are not installed (containernetworking-plugins)"
        return 0
    fi
    cat > "$T/ref.conflist" << CONF
{"cniVersion": "1.0.0", "name": "ref", "plugins": [
  {"type": "bridge", "bridge": "refbr0", "isGateway": true,
   "ipam": {"type": "host-local", "subnet": "10.89.0.0/24", "dataDir": "$T/run/cni/ref-host-local"}}]}
CONF
    assert_exit 0 podctl network create ref --conflist "$T/ref.conflist"
    assert_eq bridge "$(podctl network inspect ref | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["driver"])')"
    podctl pod create p1 --net ref > /dev/null
    podctl pod create p2 --net ref > /dev/null
    assert_contains "$(pod_ip p1)" "10.89.0."
    serve p1 web from-the-bridge-plugin
    wait_for reaches p2 "$(pod_ip p1)"
    assert_eq from-the-bridge-plugin "$(fetch p2 "http://$(pod_ip p1)/")"
    podctl pod rm -f p1 p2 > /dev/null
    podctl network rm ref > /dev/null
    ip link del refbr0 2> /dev/null || true
}

test_podd_restart_keeps_addresses_and_ports() {
    setup
    podctl pod create web -p 18085:80 > /dev/null
    serve web http hello
    wait_for curl -sf -m 2 http://127.0.0.1:18085/
    local ip
    ip=$(pod_ip web)
    podd_stop
    assert_exit 7 curl -s -m 2 http://127.0.0.1:18085/
    podd_start
    assert_eq "$ip" "$(pod_ip web)"
    wait_for curl -sf -m 2 http://127.0.0.1:18085/
    assert_eq hello "$(curl -s -m 3 http://127.0.0.1:18085/)"
    # An infra that dies while podd is down: the next podd releases its
    # address (CNI DEL).
    local infra
    infra=$(pod_field web .infra.pid)
    podd_kill KILL
    kill -KILL "$infra"
    wait_for is_gone "$infra"
    podd_start
    no_address() { [ -z "$(pod_ip web)" ]; }
    wait_for no_address
    podctl pod rm -f web > /dev/null
}

run_tests
