#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# netplug alone, driven as a CNI runtime drives a plugin: CNI_* variables in
# the environment, the network config on stdin, the result or the error on
# stdout. No podd here. Covers ADD (address, routes, lo, the bridge's
# gateway address, traffic between two pods and from the host), CHECK, DEL
# twice, VERSION, GC, STATUS, bad configs and environments (the spec's
# codes, one-line messages, nothing made), an exhausted range, 20 parallel
# ADDs, a static address from CNI_ARGS, a chained prevResult, and ADDs that
# fail half way and undo what they did.
#
# Each test makes its network namespaces with `ip netns add` (inside the
# suite's throwaway namespace) and its data dir under $T, checks that its
# DELs left no veth and no allocation, then deletes its namespaces and the
# bridge; the harness's leak check runs after.
. "$(dirname "$0")/lib.sh"

NP_BRIDGE=npt0
NP_SUBNET=10.99.0.0/24
NP_NETNS=()

# np_conf [VERSION] [IPAM_EXTRA] [TOP_EXTRA]: the network config, with the
# data dir under $T (or $NP_DATA). The extras are JSON members, each
# starting with ",".
np_conf() {
    printf '{"cniVersion":"%s","name":"nptest","type":"netplug","bridge":"%s",' \
        "${1:-1.0.0}" "$NP_BRIDGE"
    printf '"ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"%s}%s}' \
        "$NP_SUBNET" "${NP_DATA:-$T/data}" "${2:-}" "${3:-}"
}

# np CMD ID NETNS IFNAME < config: run netplug; stdout in $NP_OUT, the exit
# code in $NP_RC, stderr in $T/np_err. NP_ARGS is CNI_ARGS.
np() {
    NP_RC=0
    NP_OUT=$(CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_NETNS=$3 CNI_IFNAME=$4 \
        CNI_PATH=$PODD_BUILD CNI_ARGS=${NP_ARGS:-} netplug 2> "$T/np_err") || NP_RC=$?
    # An error path is a path too: under make asan, a leak there shows here.
    ! grep -q Sanitizer "$T/np_err" || fail "netplug $1: $(cat "$T/np_err")"
}

# np_ok CMD ID NETNS IFNAME < config: np, which must succeed.
np_ok() {
    np "$@"
    [ "$NP_RC" = 0 ] || fail "netplug $1 $2 exited $NP_RC: $NP_OUT $(cat "$T/np_err")"
}

# np_fails CODE CMD ID NETNS IFNAME < config: np, which must fail with the
# CNI error CODE: a non-zero exit and one line of error JSON on stdout.
np_fails() {
    local code=$1
    shift
    np "$@"
    [ "$NP_RC" != 0 ] || fail "netplug $1 succeeded, expected code $code: $NP_OUT"
    assert_one_line "$NP_OUT"
    assert_eq "$code" "$(json .code <<< "$NP_OUT")" "CNI error code ($NP_OUT)"
    assert_one_line "$(json .msg <<< "$NP_OUT")"
    [ -n "$(json .cniVersion <<< "$NP_OUT")" ] || fail "error without cniVersion: $NP_OUT"
}

# with_prev CONFIG RESULT: CONFIG with "prevResult": RESULT, as a runtime
# sends it for CHECK and DEL.
with_prev() {
    python3 -c '
import json, sys
c = json.loads(sys.argv[1])
c["prevResult"] = json.loads(sys.argv[2])
print(json.dumps(c))' "$1" "$2"
}

netns_add() {
    ip netns add "$1"
    NP_NETNS+=("$1")
}

# The allocation files of the test's network, one a line.
allocations() {
    [ -d "$T/data/nptest" ] || return 0
    find "$T/data/nptest" -maxdepth 1 -regextype posix-extended \
        -regex '.*/[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' -printf '%f\n' | sort
}

# netplug's host veth ends on this host.
host_veths() {
    ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep -E '^vp[0-9a-f]{12}$' || true
}

# np_finish: what DEL must have left (no veth, no allocation), then remove
# what the test itself made: its namespaces and the bridge netplug made.
np_finish() {
    assert_eq "" "$(host_veths)" "host veths left"
    assert_eq "" "$(allocations)" "allocations left"
    np_cleanup
}

np_cleanup() {
    local ns
    for ns in "${NP_NETNS[@]}"; do
        ip netns del "$ns" 2> /dev/null || true
    done
    NP_NETNS=()
    ip link del "$NP_BRIDGE" 2> /dev/null || true
    # What a failed ipMasq test left (the suite's namespace is the tests' own).
    nft delete table inet netplug 2> /dev/null || true
}

# Every test: clean up even when an assertion ended it, then the harness's
# teardown (which reads the test's status from $?).
np_teardown() {
    local rc=$?
    set +e
    np_cleanup
    (exit "$rc")
    teardown_test
}

np_test() {
    trap np_teardown EXIT
}

# in_netns PID NETNS: PID is in the named namespace.
in_netns() {
    [ "$(readlink "/proc/$1/ns/net")" = "net:[$(stat -L -c %i "/run/netns/$2")]" ]
}

addr_of() {
    # addr_of NETNS IFNAME: its IPv4 addresses, CIDR, one a line.
    ip -n "$1" -o -4 addr show dev "$2" | awk '{print $4}'
}

test_add_check_del() {
    np_test
    local conf res_a res_b
    conf=$(np_conf 1.0.0 '' ',"dns":{"nameservers":["10.99.0.1"],"search":["pods"]}')
    netns_add np-a
    netns_add np-b
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    res_a=$NP_OUT
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$conf"
    res_b=$NP_OUT

    # The result, as the spec has it.
    assert_eq 1.0.0 "$(json .cniVersion <<< "$res_a")"
    assert_eq 10.99.0.2/24 "$(json .ips.0.address <<< "$res_a")"
    assert_eq 10.99.0.1 "$(json .ips.0.gateway <<< "$res_a")"
    assert_eq 2 "$(json .ips.0.interface <<< "$res_a")"
    assert_eq "$NP_BRIDGE" "$(json .interfaces.0.name <<< "$res_a")"
    assert_eq eth0 "$(json .interfaces.2.name <<< "$res_a")"
    assert_eq /run/netns/np-a "$(json .interfaces.2.sandbox <<< "$res_a")"
    assert_eq "$(ip -n np-a -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)" \
        "$(json .interfaces.2.mac <<< "$res_a")" "container MAC in the result"
    assert_eq 0.0.0.0/0 "$(json .routes.0.dst <<< "$res_a")"
    assert_eq '["10.99.0.1"]' "$(json .dns.nameservers <<< "$res_a")"
    assert_eq 10.99.0.3/24 "$(json .ips.0.address <<< "$res_b")"

    # The kernel agrees.
    assert_eq 10.99.0.2/24 "$(addr_of np-a eth0)"
    assert_contains "$(ip -n np-a route show default)" "default via 10.99.0.1 dev eth0"
    assert_contains "$(ip -n np-a -o link show lo)" "UP"
    assert_contains "$(ip -n np-a -o link show eth0)" "UP"
    assert_eq 10.99.0.1/24 "$(ip -o -4 addr show dev "$NP_BRIDGE" | awk '{print $4}')" "bridge address"
    assert_contains "$(ip -o link show "$(json .interfaces.1.name <<< "$res_a")")" "master $NP_BRIDGE"

    # Pod to pod over the bridge, host to pod through the bridge's address.
    wait_for ip netns exec np-a ping -c1 -W1 10.99.0.3
    wait_for ip netns exec np-b ping -c1 -W1 10.99.0.2
    wait_for ping -c1 -W1 10.99.0.2

    # CHECK with the ADD's result: nothing on stdout, exit 0.
    np_ok CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"
    assert_eq "" "$NP_OUT" "CHECK output"

    # DEL twice, and without a namespace: each succeeds with no output.
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"
    assert_eq "" "$NP_OUT" "DEL output"
    assert_eq "" "$(ip -n np-a -o link show eth0 2> /dev/null)" "eth0 after DEL"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"
    np_ok DEL c-a "" eth0 <<< "$conf"
    assert_eq 10.99.0.3 "$(allocations)" "only b's address is left"

    # CHECK of what is gone fails.
    np CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"
    assert_ne 0 "$NP_RC" "CHECK after DEL"
    assert_one_line "$(json .msg <<< "$NP_OUT")"

    # DEL after the namespace is gone (the veth went with it).
    ip netns del np-b
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$(with_prev "$conf" "$res_b")"
    np_finish
}

test_mtu_and_no_gateway() {
    np_test
    local conf host
    conf=$(np_conf 1.0.0 '' ',"mtu":1400,"isGateway":false')
    netns_add np-a
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    host=$(json .interfaces.1.name <<< "$NP_OUT")
    assert_contains "$(ip -n np-a -o link show eth0)" "mtu 1400"
    assert_contains "$(ip -o link show "$host")" "mtu 1400"
    assert_contains "$(ip -o link show "$NP_BRIDGE")" "mtu 1400"
    assert_eq "" "$(ip -o -4 addr show dev "$NP_BRIDGE")" "no gateway address on the bridge"
    assert_contains "$(ip -n np-a route show default)" "default via 10.99.0.1 dev eth0"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    np_finish
}

test_check_finds_damage() {
    np_test
    local conf res
    conf=$(np_conf)
    netns_add np-a
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    res=$NP_OUT
    ip -n np-a addr flush dev eth0
    np CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res")"
    assert_ne 0 "$NP_RC"
    assert_contains "$(json .msg <<< "$NP_OUT")" "does not have the address 10.99.0.2/24"
    ip -n np-a link del eth0
    np CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res")"
    assert_ne 0 "$NP_RC"
    assert_contains "$(json .msg <<< "$NP_OUT")" "eth0"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    np_finish
}

test_version() {
    np_test
    np_ok VERSION "" "" "" <<< '{"cniVersion":"1.0.0"}'
    assert_one_line "$NP_OUT"
    assert_eq 1.0.0 "$(json .cniVersion <<< "$NP_OUT")"
    assert_contains "$(json .supportedVersions <<< "$NP_OUT")" '"1.0.0"'
    assert_contains "$(json .supportedVersions <<< "$NP_OUT")" '"1.1.0"'
    assert_contains "$(json .supportedVersions <<< "$NP_OUT")" '"0.4.0"'
    np_ok VERSION "" "" "" < /dev/null
    assert_eq 1.1.0 "$(json .cniVersion <<< "$NP_OUT")"
    np_fails 6 VERSION "" "" "" <<< '{"cniVersion":'
}

test_gc() {
    np_test
    local conf keep
    conf=$(np_conf 1.1.0)
    netns_add np-a
    netns_add np-b
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$conf"
    # A leftover of a crash: an allocation and a host veth end on the bridge.
    printf 'ghost\r\neth0' > "$T/data/nptest/10.99.0.200"
    ip link add vp0000deadbeef type veth peer name npt-peer
    ip link set vp0000deadbeef master "$NP_BRIDGE"
    assert_eq 3 "$(host_veths | wc -l)"

    keep=',"cni.dev/valid-attachments":[{"containerID":"c-a","ifname":"eth0"}]'
    np_ok GC "" "" "" <<< "$(np_conf 1.1.0 '' "$keep")"
    assert_eq "" "$NP_OUT" "GC output"
    assert_eq 10.99.0.2 "$(allocations)" "allocations after GC"
    assert_eq 1 "$(host_veths | wc -l)" "host veths after GC"
    assert_eq "" "$(ip -n np-b -o link show eth0 2> /dev/null)" "b's eth0 after GC"
    # What was kept still works.
    wait_for ping -c1 -W1 10.99.0.2
    # GC needs its keep list (an absent one would release everything).
    np_fails 7 GC "" "" "" <<< "$conf"
    assert_eq 10.99.0.2 "$(allocations)"
    # GC is a 1.1.0 command.
    np_fails 1 GC "" "" "" <<< "$(np_conf 1.0.0 '' "$keep")"

    # A GC that keeps nothing ends the network: its last veth, its
    # address and, once nothing else is on it, its bridge.
    np_ok GC "" "" "" <<< "$(np_conf 1.1.0 '' ',"cni.dev/valid-attachments":[]')"
    assert_eq "" "$(allocations)" "allocations after an empty GC"
    assert_eq "" "$(ip -o link show "$NP_BRIDGE" 2> /dev/null)" "the bridge after an empty GC"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$conf"
    np_finish
}

test_status() {
    np_test
    np_ok STATUS "" "" "" <<< "$(np_conf 1.1.0)"
    assert_eq "" "$NP_OUT" "STATUS output"
    # A range of one address: ready, then full.
    NP_SUBNET=10.99.0.0/30
    netns_add np-a
    np_ok STATUS "" "" "" <<< "$(np_conf 1.1.0)"
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 1.1.0)"
    np_fails 50 STATUS "" "" "" <<< "$(np_conf 1.1.0)"
    assert_contains "$(json .msg <<< "$NP_OUT")" "no free address"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(np_conf 1.1.0)"
    np_ok STATUS "" "" "" <<< "$(np_conf 1.1.0)"
    # A data dir that cannot be made.
    touch "$T/file"
    np_fails 50 STATUS "" "" "" <<< "$(NP_DATA=$T/file/sub np_conf 1.1.0)"
    np_finish
}

test_bad_input() {
    np_test
    local before
    netns_add np-a
    touch "$T/np_err"
    before=$(ls -A "$T")
    np_fails 6 ADD c-a /run/netns/np-a eth0 <<< '{"cniVersion":"1.0.0","name":'
    assert_contains "$(json .msg <<< "$NP_OUT")" "bad JSON at line"
    np_fails 6 ADD c-a /run/netns/np-a eth0 < /dev/null
    np_fails 6 ADD c-a /run/netns/np-a eth0 <<< '{"cniVersion":"1.0.0","name":"a","name":"b"}'
    np_fails 1 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 9.9.9)"
    assert_eq 9.9.9 "$(json .cniVersion <<< "$NP_OUT")" "the error echoes the caller's version"
    np_fails 1 ADD c-a /run/netns/np-a eth0 <<< '{"name":"n","type":"netplug"}'
    np_fails 2 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 1.0.0 '' ',"vlan":5')"
    assert_contains "$(json .msg <<< "$NP_OUT")" '"vlan": 5'
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 1.0.0 '' ',"ipMasq":"yes"')"
    assert_contains "$(json .msg <<< "$NP_OUT")" ipMasq
    np_fails 2 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 1.0.0 ',"type2":1')"
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(NP_SUBNET=10.99.0.0/33 np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" "ipam.subnet"
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(NP_SUBNET=banana np_conf)"
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(NP_SUBNET=10.99.0.7/24 np_conf)"
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf 1.0.0 ',"rangeStart":"10.98.0.1"')"
    # The environment: code 4, naming the variable.
    np_fails 4 ADD c-a "" eth0 <<< "$(np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" CNI_NETNS
    np_fails 4 ADD c-a /run/netns/nosuch eth0 <<< "$(np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" CNI_NETNS
    np_fails 4 ADD c-a /etc/hostname eth0 <<< "$(np_conf)"
    np_fails 4 ADD "" /run/netns/np-a eth0 <<< "$(np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" CNI_CONTAINERID
    np_fails 4 ADD c-a /run/netns/np-a "eth 0" <<< "$(np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" CNI_IFNAME
    np_fails 4 ADD c-a /run/netns/np-a 0123456789abcdef <<< "$(np_conf)"
    np_fails 4 BOGUS c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    assert_contains "$(json .msg <<< "$NP_OUT")" CNI_COMMAND
    NP_ARGS='IP=10.99.0' np_fails 4 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    # CHECK needs the ADD's prevResult.
    np_fails 7 CHECK c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    # Nothing was made: no bridge, no data, no link in the namespace.
    assert_eq "" "$(ip -o link show "$NP_BRIDGE" 2> /dev/null)" "bridge after bad input"
    assert_eq "$before" "$(ls -A "$T")" "files after bad input"
    assert_eq lo "$(ip -n np-a -o link show | awk -F': ' '{print $2}')"
    np_finish
}

test_exhausted_range() {
    np_test
    local conf
    netns_add np-a
    netns_add np-b
    # rangeStart = rangeEnd: one address.
    conf=$(np_conf 1.0.0 ',"rangeStart":"10.99.0.50","rangeEnd":"10.99.0.50"')
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    assert_eq 10.99.0.50/24 "$(json .ips.0.address <<< "$NP_OUT")"
    np_fails 11 ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "no free address left in the range 10.99.0.50-10.99.0.50"
    assert_eq 1 "$(host_veths | wc -l)" "no veth for the failed ADD"
    assert_eq lo "$(ip -n np-b -o link show | awk -F': ' '{print $2}')"
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$conf"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    # A /30: the gateway and one address.
    NP_SUBNET=10.99.0.0/30
    conf=$(np_conf)
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    assert_eq 10.99.0.2/30 "$(json .ips.0.address <<< "$NP_OUT")"
    np_fails 11 ADD c-b /run/netns/np-b eth0 <<< "$conf"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    # Freed, the address is handed out again.
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_eq 10.99.0.2/30 "$(json .ips.0.address <<< "$NP_OUT")"
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$conf"
    np_finish
}

test_parallel_adds() {
    np_test
    local conf i pids=() addrs
    conf=$(np_conf)
    for i in $(seq 20); do
        netns_add "np-p$i"
    done
    for i in $(seq 20); do
        CNI_COMMAND=ADD CNI_CONTAINERID="c-p$i" CNI_NETNS="/run/netns/np-p$i" CNI_IFNAME=eth0 \
            netplug <<< "$conf" > "$T/add-$i.json" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || fail "parallel ADD $((i + 1)) failed: $(cat "$T/add-$((i + 1)).json")"
    done
    addrs=$(for i in $(seq 20); do json .ips.0.address < "$T/add-$i.json"; done | sort)
    assert_eq 20 "$(sort -u <<< "$addrs" | wc -l)" "distinct addresses ($addrs)"
    assert_eq 20 "$(allocations | wc -l)"
    for i in $(seq 20); do
        assert_eq "$(json .ips.0.address < "$T/add-$i.json")" "$(addr_of "np-p$i" eth0)"
    done
    wait_for ip netns exec np-p1 ping -c1 -W1 "$(json .ips.0.address < "$T/add-20.json" | cut -d/ -f1)"
    pids=()
    for i in $(seq 20); do
        CNI_COMMAND=DEL CNI_CONTAINERID="c-p$i" CNI_NETNS="/run/netns/np-p$i" CNI_IFNAME=eth0 \
            netplug <<< "$conf" > "$T/del-$i.out" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || fail "parallel DEL $((i + 1)) failed: $(cat "$T/del-$((i + 1)).out")"
    done
    np_finish
}

test_static_address() {
    np_test
    local conf
    conf=$(np_conf)
    netns_add np-a
    netns_add np-b
    NP_ARGS='IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.99.0.9' np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    assert_eq 10.99.0.9/24 "$(json .ips.0.address <<< "$NP_OUT")"
    assert_eq 10.99.0.9/24 "$(addr_of np-a eth0)"
    NP_ARGS='IP=10.99.0.9' np_fails 11 ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "10.99.0.9 is already allocated"
    NP_ARGS='IP=10.98.0.9' np_fails 7 ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "outside the range"
    NP_ARGS='IP=10.99.0.1' np_fails 7 ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "gateway"
    # The runtimeConfig "ips" capability asks the same way.
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$(np_conf 1.0.0 '' ',"runtimeConfig":{"ips":["10.99.0.77/24"]}')"
    assert_eq 10.99.0.77/24 "$(addr_of np-b eth0)"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$conf"
    np_finish
}

test_chained_after_another_plugin() {
    np_test
    local conf prev res
    netns_add np-a
    prev='{"cniVersion":"1.0.0","interfaces":[{"name":"other0"}],"ips":[{"address":"192.168.7.2/24","interface":0}],"routes":[{"dst":"192.168.8.0/24"}]}'
    conf=$(with_prev "$(np_conf)" "$prev")
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    res=$NP_OUT
    assert_eq other0 "$(json .interfaces.0.name <<< "$res")"
    assert_eq eth0 "$(json .interfaces.3.name <<< "$res")"
    assert_eq 192.168.7.2/24 "$(json .ips.0.address <<< "$res")"
    assert_eq 3 "$(json .ips.1.interface <<< "$res")"
    assert_eq 192.168.8.0/24 "$(json .routes.0.dst <<< "$res")"
    np_ok CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$(np_conf)" "$res")"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(with_prev "$(np_conf)" "$res")"
    np_finish
}

test_proc_netns_path() {
    np_test
    local pid
    netns_add np-a
    ip netns exec np-a sleep 60 &
    pid=$!
    # Not before `ip netns exec` has entered the namespace.
    wait_for in_netns "$pid" np-a
    np_ok ADD c-a "/proc/$pid/ns/net" eth0 <<< "$(np_conf)"
    assert_eq 10.99.0.2/24 "$(addr_of np-a eth0)"
    np_ok DEL c-a "/proc/$pid/ns/net" eth0 <<< "$(np_conf)"
    kill "$pid"
    wait "$pid" 2> /dev/null || true
    np_finish
}

# masq_rules: netplug's masquerade rules, one a line: "COMMENT SADDR".
masq_rules() {
    nft list chain inet netplug postrouting 2> /dev/null |
        sed -n 's/.*saddr \([^ ]*\) .* masquerade comment "\([^"]*\)".*/\2 \1/p' | sort
}

# nft_tables: the nftables tables of the suite's namespace.
nft_tables() {
    nft list tables 2> /dev/null || true
}

test_ip_masq_and_hairpin() {
    np_test
    local conf conf2 res_a host_a
    conf=$(np_conf 1.1.0 '' ',"ipMasq":true,"hairpinMode":true')
    netns_add np-a
    netns_add np-b
    netns_add np-c
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    res_a=$NP_OUT
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$conf"
    assert_eq "c-a/eth0 10.99.0.2
c-b/eth0 10.99.0.3" "$(masq_rules)" "a rule per attachment"
    assert_contains "$(nft list chain inet netplug postrouting)" \
        "ip saddr 10.99.0.2 ip daddr != 10.99.0.0/24 ip daddr != 224.0.0.0/4 masquerade"
    assert_contains "$(nft list chain inet netplug postrouting)" "type nat hook postrouting priority srcnat"
    # Forwarding: the host's switch and the bridge's.
    assert_eq 1 "$(cat /proc/sys/net/ipv4/ip_forward)" "ip_forward"
    assert_eq 1 "$(cat "/proc/sys/net/ipv4/conf/$NP_BRIDGE/forwarding")" "the bridge forwards"
    # Hairpin on the host end's bridge port.
    host_a=$(json .interfaces.1.name <<< "$res_a")
    assert_contains "$(bridge -d link show dev "$host_a")" "hairpin on"
    np_ok CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"

    # CHECK finds a missing rule.
    nft delete rule inet netplug postrouting handle \
        "$(nft -a list chain inet netplug postrouting | sed -n 's/.*"c-a\/eth0" # handle \([0-9]*\)/\1/p')"
    np CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res_a")"
    assert_ne 0 "$NP_RC" "CHECK without the rule"
    assert_contains "$(json .msg <<< "$NP_OUT")" "1 of the 1 masquerade rules of c-a/eth0 are missing"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    assert_eq "c-b/eth0 10.99.0.3" "$(masq_rules)" "DEL takes the attachment's rule"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"

    # A second network's rules are not the first one's GC's.
    conf2=$(NP_BRIDGE=npt1 NP_SUBNET=10.98.0.0/24 np_conf 1.1.0 '' ',"ipMasq":true')
    conf2=${conf2/\"nptest\"/\"nptest2\"}
    np_ok ADD c-c /run/netns/np-c eth0 <<< "$conf2"
    np_ok GC "" "" "" <<< "$(np_conf 1.1.0 '' ',"ipMasq":true,"cni.dev/valid-attachments":[]')"
    assert_eq "c-c/eth0 10.98.0.2" "$(masq_rules)" "GC takes its network's stale rules only"
    # The last rule's DEL takes the table.
    np_ok DEL c-c /run/netns/np-c eth0 <<< "$conf2"
    assert_eq "" "$(nft_tables)" "tables after the last DEL"
    ip link del npt1
    np_finish
}

# np_conf6 [VERSION]: a dual-stack, masquerading network (host-local's
# "ranges": an IPv4 and an IPv6 range set).
np_conf6() {
    printf '{"cniVersion":"%s","name":"nptest","type":"netplug","bridge":"%s","ipMasq":true,' \
        "${1:-1.0.0}" "$NP_BRIDGE"
    printf '"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s"}],[{"subnet":"fd99::/64"}]]}}' \
        "$T/data" "$NP_SUBNET"
}

test_dual_stack() {
    np_test
    local conf res
    conf=$(np_conf6)
    netns_add np-a
    netns_add np-b
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$conf"
    res=$NP_OUT
    np_ok ADD c-b /run/netns/np-b eth0 <<< "$conf"
    # The result lists both addresses (no "version" in 1.0) and both routes.
    assert_eq 10.99.0.2/24 "$(json .ips.0.address <<< "$res")"
    assert_eq fd99::2/64 "$(json .ips.1.address <<< "$res")"
    assert_eq fd99::1 "$(json .ips.1.gateway <<< "$res")"
    assert_eq 2 "$(json .ips.1.interface <<< "$res")"
    assert_eq "" "$(json .ips.1.version <<< "$res")" "version in a 1.0 result"
    assert_eq "::/0 fd99::1" "$(json .routes.1.dst <<< "$res") $(json .routes.1.gw <<< "$res")"
    # The kernel agrees: the pod's address (usable at once), route, the bridge's.
    assert_contains "$(ip -n np-a -o -6 addr show dev eth0 scope global)" "inet6 fd99::2/64 scope global"
    assert_not_contains "$(ip -n np-a -o -6 addr show dev eth0 scope global)" tentative
    assert_contains "$(ip -n np-a -6 route show default)" "default via fd99::1 dev eth0"
    assert_contains "$(ip -o -6 addr show dev "$NP_BRIDGE")" "inet6 fd99::1/64"
    wait_for ip netns exec np-a ping -6 -c1 -W1 fd99::3
    wait_for ip netns exec np-b ping -6 -c1 -W1 fd99::1
    # host-local's files: one per address, the last IPv6 one handed out.
    assert_eq "c-a" "$(head -1 "$T/data/nptest/fd99::2" | tr -d '\r')"
    assert_eq "fd99::3" "$(cat "$T/data/nptest/last_reserved_ip.1")"
    # A masquerade rule per family, and IPv6 forwarding.
    assert_eq "c-a/eth0 10.99.0.2
c-a/eth0 fd99::2
c-b/eth0 10.99.0.3
c-b/eth0 fd99::3" "$(masq_rules)" "a rule per address"
    assert_contains "$(nft list chain inet netplug postrouting)" \
        "ip6 saddr fd99::2 ip6 daddr != fd99::/64 ip6 daddr != ff00::/8 masquerade"
    assert_eq 1 "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" "IPv6 forwarding"
    np_ok CHECK c-a /run/netns/np-a eth0 <<< "$(with_prev "$conf" "$res")"
    # DEL frees both addresses and both rules.
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    [ ! -e "$T/data/nptest/fd99::2" ] || fail "the IPv6 allocation is left"
    np_ok DEL c-b /run/netns/np-b eth0 <<< "$conf"
    [ ! -e "$T/data/nptest/fd99::3" ] || fail "the IPv6 allocation is left"
    assert_eq "" "$(nft_tables)" "tables after the last DEL"
    # 0.4.0 results say each address's family.
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$(np_conf6 0.4.0)"
    assert_eq "4 6" "$(json .ips.0.version <<< "$NP_OUT") $(json .ips.1.version <<< "$NP_OUT")"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(np_conf6 0.4.0)"
    # Bad IPv6 ranges: code 7 or 2, naming the field.
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf6 | sed 's#fd99::/64#fd99::1/64#')"
    assert_contains "$(json .msg <<< "$NP_OUT")" "host bits"
    np_fails 7 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf6 | sed 's#10.99.0.0/24#fd98::/64#')"
    assert_contains "$(json .msg <<< "$NP_OUT")" "more than one IPv6 range set"
    np_fails 2 ADD c-a /run/netns/np-a eth0 <<< "$(np_conf6 | sed 's#\]\]}}#],[{"subnet":"fd97::/64"}]]}}#')"
    assert_contains "$(json .msg <<< "$NP_OUT")" "more than two range sets"
    np_finish
}

test_no_masq_no_forwarding() {
    np_test
    netns_add np-a
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    assert_eq 0 "$(cat "/proc/sys/net/ipv4/conf/$NP_BRIDGE/forwarding")" "the bridge forwards"
    assert_eq "" "$(nft_tables)" "tables without ipMasq"
    assert_contains "$(bridge -d link show dev "$(json .interfaces.1.name <<< "$NP_OUT")")" "hairpin off"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    np_finish
}

test_half_way_failure_undoes() {
    np_test
    local conf
    conf=$(np_conf)
    netns_add np-a
    # CNI_IFNAME is taken in the namespace: an error, and nothing made.
    ip -n np-a link add eth0 type veth peer name eth0-peer
    np_fails 11 ADD c-a /run/netns/np-a eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "eth0 already exists"
    assert_eq "" "$(host_veths)" "veths after a taken CNI_IFNAME"
    assert_eq "" "$(allocations)" "allocations after a taken CNI_IFNAME"
    ip -n np-a link del eth0
    assert_eq lo "$(ip -n np-a -o link show | awk -F': ' '{print $2}')"
    # A route the kernel refuses, after the veth, address and up: all undone.
    conf=$(np_conf 1.0.0 ',"routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.50.0/24","gw":"10.200.0.1"}]')
    np_fails 999 ADD c-a /run/netns/np-a eth0 <<< "$conf"
    assert_contains "$(json .msg <<< "$NP_OUT")" "add route 192.168.50.0/24 via 10.200.0.1"
    assert_eq "" "$(host_veths)" "veths after a refused route"
    assert_eq "" "$(allocations)" "allocations after a refused route"
    assert_eq lo "$(ip -n np-a -o link show | awk -F': ' '{print $2}')"
    # The runtime's DEL after the failed ADD succeeds, and a good ADD works.
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$conf"
    np_ok ADD c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    np_ok DEL c-a /run/netns/np-a eth0 <<< "$(np_conf)"
    np_finish
}

run_tests
