#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Names on a network (issue 14): podd's DNS server on each network's
# gateway address, through real clients (busybox nslookup and wget in
# pods, dig from the suite's namespace): pods resolve each other by name,
# hostname, alias and their containers' names, with and without the
# domain dns.podd; PTR for their addresses; NXDOMAIN within dns.podd;
# other names relayed to the nameservers of podd's --resolv-conf (dnsmasq
# in the simulated outside), over UDP, with TC for a large answer and
# over TCP; garbage leaves podd answering; the containers' resolv.conf
# and /etc/hosts; and no listener once the network's pods are gone.
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

# ask NAME [TYPE] [DIG FLAGS...]: dig at the default network's server,
# the answers only.
ask() {
    local name=$1 type=${2:-A}
    shift 2 || shift $#
    dig +short +time=2 +tries=1 @10.77.0.1 "$@" "$name" "$type"
}

# status NAME [TYPE]: the rcode of dig's answer.
status() {
    dig +time=2 +tries=1 @10.77.0.1 "$1" "${2:-A}" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# serving_on ADDR: something listens on ADDR port 53, UDP and TCP.
serving_on() {
    [ "$(ss -Hlnut "src $1 and sport = :53" | wc -l)" = 2 ]
}

# serving: the default network's server is up.
serving() {
    serving_on 10.77.0.1
}

# not_serving_on ADDR: nothing listens on ADDR port 53.
not_serving_on() {
    [ -z "$(ss -Hlnut "src $1 and sport = :53")" ]
}

# not_serving: nothing listens on port 53 of the suite's namespace.
not_serving() {
    [ -z "$(ss -Hlnut 'sport = :53')" ]
}

test_pods_resolve_each_other() {
    setup
    podctl pod create web > /dev/null
    podctl pod create client --hostname cl > /dev/null
    local ip_web ip_cl
    ip_web=$(pod_field web .ip)
    ip_cl=$(pod_field client .ip)
    podctl run -d --pod web --name httpd busybox sh -c \
        "mkdir -p /www && echo hello-web > /www/index.html && exec httpd -f -p 80 -h /www" \
        > /dev/null
    wait_for serving
    # From the suite's namespace, with and without the domain.
    assert_eq "$ip_web" "$(ask web)"
    assert_eq "$ip_web" "$(ask web.dns.podd)"
    assert_eq "$ip_web" "$(ask WEB.Dns.Podd)"
    assert_eq "$ip_cl" "$(ask cl)"
    assert_eq "$ip_cl" "$(ask client.dns.podd)"
    # A container's name is its pod's address.
    assert_eq "$ip_web" "$(ask httpd.dns.podd)"
    # No AAAA on a v4 network: an empty answer, not an error.
    assert_eq NOERROR "$(status web AAAA)"
    assert_eq "" "$(ask web AAAA)"
    # Unknown within the domain: NXDOMAIN.
    assert_eq NXDOMAIN "$(status nobody.dns.podd)"
    # PTR for a pod's address; NXDOMAIN for the subnet's others.
    assert_eq "web.dns.podd." "$(dig +short +time=2 +tries=1 @10.77.0.1 -x "$ip_web")"
    assert_eq NXDOMAIN "$(dig +time=2 +tries=1 @10.77.0.1 -x 10.77.254.254 |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p')"
    # Over TCP too.
    assert_eq "$ip_web" "$(ask web A +tcp)"
    # From a pod, by name as a user writes it, through its resolv.conf.
    assert_contains "$(podctl run --rm --pod client busybox nslookup web)" "$ip_web"
    assert_eq hello-web "$(podctl run --rm --pod client busybox wget -q -O - http://web/)"
    assert_eq hello-web "$(podctl run --rm --pod client busybox wget -q -O - http://httpd.dns.podd/)"
    podctl pod rm -f web client > /dev/null
    # The network has no pod left: no listener.
    wait_for not_serving
}

test_resolv_conf_of_containers() {
    printf 'search corp.example.test\nnameserver 198.18.0.2\noptions ndots:2\n' > "$T/resolv.conf"
    setup --resolv-conf "$T/resolv.conf"
    podctl pod create a > /dev/null
    assert_eq "nameserver 10.77.0.1
search dns.podd corp.example.test
options ndots:2" "$(podctl run --rm --pod a busybox cat /etc/resolv.conf)"
    # --dns replaces the nameserver, as docker's does.
    podctl pod create b --dns 198.18.0.9 > /dev/null
    assert_eq "nameserver 198.18.0.9" "$(podctl run --rm --pod b busybox grep nameserver /etc/resolv.conf)"
    # No network, no server: the file podd was given.
    podctl pod create c --net none > /dev/null
    assert_eq "$(cat "$T/resolv.conf")" "$(podctl run --rm --pod c busybox cat /etc/resolv.conf)"
    podctl pod rm -f a b c > /dev/null
}

test_garbage_leaves_podd_answering() {
    setup
    podctl pod create web > /dev/null
    wait_for serving
    local i
    for i in 1 2 3 4 5; do
        head -c $((i * 7)) /dev/urandom | python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(sys.stdin.buffer.read(), ("10.77.0.1", 53))'
    done
    # A query with a compression pointer in its question, a response, a
    # name past the end, and a TCP stream of garbage.
    python3 - << 'PY'
import socket
bad = [
    bytes.fromhex("1234010000010000000000000" + "0c00c00010001"),
    bytes.fromhex("123481800001000000000000") + b"\x03web\x00\x00\x01\x00\x01",
    bytes.fromhex("123401000001000000000000") + b"\x3fabc",
    bytes.fromhex("123401000000000000000000"),
]
for b in bad:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b, ("10.77.0.1", 53))
t = socket.create_connection(("10.77.0.1", 53))
t.sendall(b"\x00\x05hello\xff\xff" + b"x" * 100)
t.close()
t = socket.create_connection(("10.77.0.1", 53))
t.sendall(b"\x00")
t.close()
PY
    assert_eq "$(pod_field web .ip)" "$(ask web)"
    assert_eq "$(pod_field web .ip)" "$(ask web A +tcp)"
    podctl pod rm -f web > /dev/null
}

test_other_names_are_relayed() {
    outside_up
    setup --resolv-conf "$(outside_resolv)"
    podctl pod create a > /dev/null
    wait_for serving
    # Relayed as they are, answered by dnsmasq in the outside.
    assert_eq 198.18.0.2 "$(ask web.example.test)"
    assert_eq 2001:db8:18::2 "$(ask web.example.test AAAA)"
    assert_eq NXDOMAIN "$(status nope.example.test)"
    assert_contains "$(cat "$T/outside/dnsmasq.log")" "web.example.test"
    # A bare name that is nobody's goes out too, as docker's embedded DNS
    # does (dnsmasq refuses what is not example.test: its answer, not podd's).
    assert_eq REFUSED "$(status nobody)"
    assert_contains "$(cat "$T/outside/dnsmasq.log")" "query[A] nobody "
    # From a pod.
    assert_contains "$(podctl run --rm --pod a busybox nslookup web.example.test)" 198.18.0.2
    # Over 512 bytes to a UDP client without EDNS: TC, and no records.
    local tc
    tc=$(dig +noedns +ignore +time=2 +tries=1 @10.77.0.1 big.example.test TXT)
    assert_contains "$tc" "flags: qr aa tc"
    assert_not_contains "$tc" "chunk3"
    # The client asks again over TCP, and podd asks dnsmasq over TCP.
    assert_contains "$(dig +noedns +time=2 +tries=1 @10.77.0.1 big.example.test TXT)" chunk3
    assert_contains "$(dig +tcp +noedns +time=2 +tries=1 @10.77.0.1 big.example.test TXT)" chunk3
    assert_contains "$(dig +tcp +time=2 +tries=1 @10.77.0.1 web.example.test)" 198.18.0.2
    podctl pod rm -f a > /dev/null
}

test_no_upstream_answers_servfail() {
    outside_up
    # Nobody at .9: the relay times out and the client gets SERVFAIL.
    printf 'nameserver 198.18.0.9\n' > "$T/resolv.conf"
    setup --resolv-conf "$T/resolv.conf"
    podctl pod create a > /dev/null
    wait_for serving
    assert_eq SERVFAIL "$(dig +time=5 +tries=1 @10.77.0.1 web.example.test |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p')"
    # Its own names still answer.
    assert_eq "$(pod_field a .ip)" "$(ask a.dns.podd)"
    podctl pod rm -f a > /dev/null
}

test_aliases_hosts_and_flags() {
    setup
    podctl pod create db --network-alias pg --network-alias primary.db > /dev/null
    podctl pod create app --add-host foo:198.18.0.7 --add-host bar:2001:db8::7 \
        --dns-search example.test --dns-option ndots:3 > /dev/null
    wait_for serving
    local ip
    ip=$(pod_field db .ip)
    assert_eq "$ip" "$(ask pg)"
    assert_eq "$ip" "$(ask primary.db.dns.podd)"
    assert_contains "$(podctl run --rm --pod db busybox nslookup pg)" "$ip"
    local hosts
    hosts=$(podctl run --rm --pod app busybox cat /etc/hosts)
    assert_contains "$hosts" "198.18.0.7	foo"
    assert_contains "$hosts" "2001:db8::7	bar"
    assert_eq "nameserver 10.77.0.1
search example.test
options ndots:3" "$(podctl run --rm --pod app busybox cat /etc/resolv.conf | grep -v '^$')"
    # A container of its own: its own flags.
    assert_eq "nameserver 198.18.0.5
198.18.0.6	x" "$(podctl run --rm --dns 198.18.0.5 --add-host x:198.18.0.6 busybox \
        sh -c 'grep nameserver /etc/resolv.conf; grep x /etc/hosts')"
    assert_eq 10.77.0.1 "$(podctl network inspect podd | json .0.dns)"
    podctl pod rm -f db app > /dev/null
    assert_eq "" "$(podctl network inspect podd | json .0.dns)"
}

test_bad_name_flags_leave_nothing() {
    setup
    podctl pod create a > /dev/null
    local out
    out=$(podctl pod create b --network-alias 'no/way' 2>&1) && fail "accepted a bad alias"
    assert_one_line "$out"
    assert_contains "$out" "network alias"
    assert_exit 125 podctl pod create b --network-alias 'no/way'
    assert_exit 125 podctl pod create b --add-host nocolon
    assert_exit 125 podctl pod create b --add-host foo:not-an-ip
    assert_exit 125 podctl pod create b --dns-search 'bad domain'
    out=$(podctl run --rm --pod a --dns 198.18.0.5 busybox true 2>&1) && fail "accepted --dns in a pod"
    assert_contains "$out" "the pod's"
    assert_exit 125 podctl run --rm --pod a --network-alias x busybox true
    assert_exit 125 podctl run --rm --dns 1.2.3 busybox true
    assert_eq "" "$(podctl pod ls -q --no-trunc | grep -v "$(pod_field a .id)" || true)"
    podctl pod rm -f a > /dev/null
}

test_containers_of_their_own_have_names() {
    setup
    podctl run -d --name solo --network-alias lone busybox sleep 300 > /dev/null
    wait_for serving
    local ip
    ip=$(ctr_field solo .ip)
    assert_contains "$ip" 10.77.
    assert_eq "$ip" "$(ask solo)"
    assert_eq "$ip" "$(ask lone.dns.podd)"
    assert_eq "solo.dns.podd." "$(dig +short +time=2 +tries=1 @10.77.0.1 -x "$ip")"
    # A pod finds it by name; it finds the pod.
    podctl pod create p > /dev/null
    assert_contains "$(podctl run --rm --pod p busybox nslookup solo)" "$ip"
    assert_contains "$(podctl exec solo nslookup p)" "$(pod_field p .ip)"
    assert_eq "nameserver 10.77.0.1" "$(podctl exec solo grep nameserver /etc/resolv.conf)"
    podctl rm -f solo > /dev/null
    podctl pod rm -f p > /dev/null
    wait_for not_serving
}

test_network_connect_adds_names() {
    setup
    podctl network create red --subnet 10.88.1.0/24 > /dev/null
    podctl pod create a > /dev/null
    podctl network connect --alias ay red a > /dev/null
    wait_for serving_on 10.88.1.1
    local ip
    ip=$(pod_field a .networks.red.ip)
    assert_contains "$ip" 10.88.1.
    assert_eq "$ip" "$(dig +short +time=2 +tries=1 @10.88.1.1 a.dns.podd)"
    assert_eq "$ip" "$(dig +short +time=2 +tries=1 @10.88.1.1 ay)"
    # The alias is red's only.
    assert_eq NXDOMAIN "$(status ay.dns.podd)"
    podctl network disconnect red a > /dev/null
    wait_for not_serving_on 10.88.1.1
    podctl pod rm -f a > /dev/null
    podctl network rm red > /dev/null
}

test_aaaa_on_a_dual_stack_network() {
    setup --ipv6
    podctl pod create web > /dev/null
    podctl pod create client > /dev/null
    wait_for serving
    local ip6
    ip6=$(pod_field web .ip6)
    assert_contains "$ip6" fd77::
    assert_eq "$ip6" "$(ask web.dns.podd AAAA)"
    assert_eq "$(pod_field web .ip)" "$(ask web.dns.podd A)"
    assert_eq "web.dns.podd." "$(dig +short +time=2 +tries=1 @10.77.0.1 -x "$ip6")"
    # From a pod, as a client asks for both.
    assert_contains "$(podctl run --rm --pod client busybox nslookup -type=AAAA web)" "$ip6"
    podctl pod rm -f web client > /dev/null
}

test_each_network_answers_its_own() {
    setup
    podctl network create red --subnet 10.88.1.0/24 > /dev/null
    podctl pod create r1 --net red > /dev/null
    podctl pod create d1 > /dev/null
    wait_for serving_on 10.88.1.1
    wait_for serving
    assert_eq "$(pod_field r1 .ip)" "$(dig +short +time=2 +tries=1 @10.88.1.1 r1)"
    # Names of another network are not this one's.
    assert_eq NXDOMAIN "$(dig +time=2 +tries=1 @10.88.1.1 d1.dns.podd |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p')"
    assert_eq NXDOMAIN "$(status r1.dns.podd)"
    assert_contains "$(podctl run --rm --pod r1 busybox cat /etc/resolv.conf)" "nameserver 10.88.1.1"
    podctl pod rm -f r1 > /dev/null
    # red has no pod left: its server goes, the default network's stays.
    wait_for not_serving_on 10.88.1.1
    serving
    podctl pod rm -f d1 > /dev/null
    podctl network rm red > /dev/null
}

run_tests
