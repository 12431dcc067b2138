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

# serving [ADDR]: something listens on ADDR (10.77.0.1) port 53, UDP and TCP.
serving() {
    [ "$(ss -Hlnut "src ${1:-10.77.0.1} and sport = :53" | wc -l)" = 2 ]
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

run_tests
