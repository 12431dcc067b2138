#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sidecars: containers that join another running container's namespaces
# (--network, --pid, --ipc, --uts = container:X or host), with real tools:
# tcpdump in a netdebug sidecar, ps and kill in a PID sidecar, and the
# kernel ending a PID sidecar with its target.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/netdebug" ] || fail "no $IMAGES/netdebug: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl image import netdebug "$IMAGES/netdebug" > /dev/null
}

# httpd NAME [RUN-FLAGS...]: a busybox httpd on 127.0.0.1:8080, answering "hi".
httpd() {
    local name=$1
    shift
    podctl run -d --name "$name" "$@" busybox sh -c \
        'mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www' > /dev/null
}

test_network_sidecar_shares_the_targets_network() {
    setup
    httpd web
    fetch() { podctl run --rm --network container:web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    assert_eq hi "$(fetch)"
    assert_eq "$(ns_id "$(ctr_pid web)" net)" \
        "$(podctl run -d --name side --net container:web busybox sleep 1000 > /dev/null && ns_id "$(ctr_pid side)" net)"
    # Its own mount namespace and root.
    assert_ne "$(ns_id "$(ctr_pid web)" mnt)" "$(ns_id "$(ctr_pid side)" mnt)"
    assert_eq "container:$(ctr_field web .id)" "$(ctr_field side .network)"
}

test_tcpdump_sidecar_captures_a_pods_traffic() {
    setup
    podctl pod create web > /dev/null
    httpd server --pod web
    fetch() { podctl run --rm --pod web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    podctl run -d --name sniffer --pod web netdebug tcpdump -i lo -n -l -c 3 tcp port 8080 > /dev/null
    listening() { podctl logs sniffer 2>&1 | grep -q listening; }
    wait_for listening
    fetch > /dev/null
    assert_eq 0 "$(timeout 20 podctl wait sniffer)"
    assert_contains "$(podctl logs sniffer 2> /dev/null)" "127.0.0.1.8080"
}

test_tcpdump_sidecar_on_a_standalone_container() {
    setup
    httpd web
    fetch() { podctl run --rm --network container:web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    podctl run -d --name sniffer --network container:web netdebug tcpdump -i lo -n -l -c 3 tcp port 8080 > /dev/null
    listening() { podctl logs sniffer 2>&1 | grep -q listening; }
    wait_for listening
    fetch > /dev/null
    assert_eq 0 "$(timeout 20 podctl wait sniffer)"
    assert_contains "$(podctl logs sniffer 2> /dev/null)" "> 127.0.0.1.8080: Flags [S]"
}

test_network_sidecar_survives_a_restart_of_its_target() {
    setup
    httpd web
    fetch() { podctl run --rm --network container:web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    # A sidecar that fetches from its target again and again.
    podctl run -d --name side --network container:web busybox sh -c \
        'while :; do wget -qO- http://127.0.0.1:8080/ 2> /dev/null && echo fetched; sleep 0.1; done' > /dev/null
    local netns old_pid
    netns=$(ns_id "$(ctr_pid side)" net)
    old_pid=$(ctr_pid web)
    assert_exit 0 podctl restart -t 1 web
    assert_eq web "$LAST_OUT"
    assert_eq running "$(ctr_field web .state)"
    assert_ne "$old_pid" "$(ctr_pid web)" "a new workload"
    # The same network namespace: the sidecar is still in it, and reaches
    # the restarted server.
    assert_eq "$netns" "$(ns_id "$(ctr_pid web)" net)"
    local before
    before=$(podctl logs side | grep -c fetched)
    more() { [ "$(podctl logs side | grep -c fetched)" -gt "$((before + 2))" ]; }
    wait_for more
    assert_eq running "$(ctr_field side .state)"
}

test_pid_sidecar_sees_and_signals_the_targets_processes() {
    setup
    podctl run -d --name target busybox sh -c 'sleep 999 & wait' > /dev/null
    wait_for is_running target
    local ps
    ps=$(podctl run --rm --pid container:target busybox ps)
    assert_contains "$ps" "sleep 999"
    assert_contains "$ps" "sh -c sleep 999 & wait"
    assert_eq "$(ns_id "$(ctr_pid target)" pid)" \
        "$(podctl run -d --name side --pid container:target busybox sleep 1000 > /dev/null && ns_id "$(ctr_pid side)" pid)"
    # Kill the target's sleep from a sidecar: the target's shell ends.
    podctl run --rm --pid container:target busybox sh -c "kill \$(ps | awk '/[s]leep 999/ {print \$1}')"
    wait_for is_exited target
    assert_eq 0 "$(ctr_field target .exit_code)"
}

test_pid_sidecar_ends_with_its_target() {
    setup
    podctl run -d --name target busybox sleep 1000 > /dev/null
    podctl run -d --name side --pid container:target busybox sleep 1000 > /dev/null
    podctl kill target > /dev/null
    wait_for is_exited side
    assert_eq 137 "$(ctr_field side .exit_code)"
    assert_contains "$(ctr_field side .reason)" "PID namespace it joined (container target) ended"
}

test_uts_and_ipc_sidecars() {
    setup
    podctl run -d --name target --hostname box busybox sleep 1000 > /dev/null
    assert_eq box "$(podctl run --rm --uts container:target busybox hostname)"
    podctl run -d --name side --ipc container:target busybox sleep 1000 > /dev/null
    assert_eq "$(ns_id "$(ctr_pid target)" ipc)" "$(ns_id "$(ctr_pid side)" ipc)"
    assert_ne "$(ns_id "$(ctr_pid target)" net)" "$(ns_id "$(ctr_pid side)" net)"
}

test_host_modes() {
    setup
    podctl run -d --name h --network host --pid host --ipc host --uts host busybox sleep 1000 > /dev/null
    local pid
    pid=$(ctr_pid h)
    for ns in net pid ipc uts; do
        assert_eq "$(ns_id $$ $ns)" "$(ns_id "$pid" $ns)" "$ns"
    done
    assert_ne "$(ns_id $$ mnt)" "$(ns_id "$pid" mnt)" "mnt"
    # --network none: only lo.
    assert_eq lo "$(podctl run --rm --network none busybox ls /sys/class/net)"
}

test_capture_a_pod_as_text() {
    setup
    podctl pod create web > /dev/null
    httpd server --pod web
    fetch() { podctl run --rm --pod web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    podctl capture web -c 3 tcp port 8080 > "$T/out" 2> "$T/err" &
    local pid=$!
    listening() { grep -q listening "$T/err"; }
    wait_for listening
    fetch > /dev/null
    wait "$pid" || fail "capture failed: $(cat "$T/err")"
    assert_eq 3 "$(grep -c '127.0.0.1.8080' "$T/out")"
    # The sidecar is gone.
    assert_eq server "$(podctl ps -a --format json | json .0.name)"
    assert_eq 1 "$(podctl ps -a -q | wc -l)"
}

test_capture_a_container_to_a_pcap() {
    setup
    httpd web
    fetch() { podctl run --rm --network container:web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    podctl capture web -w "$T/web.pcap" -c 6 2> "$T/err" &
    local pid=$!
    listening() { grep -q listening "$T/err"; }
    wait_for listening
    fetch > /dev/null
    wait "$pid" || fail "capture failed: $(cat "$T/err")"
    # A real pcap: tcpdump on the host reads it back.
    tcpdump -r "$T/web.pcap" -n > "$T/read" 2> /dev/null || fail "tcpdump -r cannot read it"
    assert_eq 6 "$(wc -l < "$T/read")"
    assert_contains "$(cat "$T/read")" "127.0.0.1.8080: Flags [S]"
}

test_capture_ctrl_c_leaves_nothing() {
    setup
    httpd web
    podctl capture web > /dev/null 2> "$T/err" &
    local pid=$!
    listening() { grep -q listening "$T/err"; }
    wait_for listening
    kill -INT "$pid"
    wait "$pid" || true
    assert_eq 1 "$(podctl ps -a -q | wc -l)"
    assert_exit 125 podctl capture nope
    assert_contains "$LAST_ERR" "no such pod or container: nope"
}

test_debug_a_pod_with_a_target() {
    setup
    podctl pod create web > /dev/null
    podctl run -d --pod web --name app busybox sleep 1000 > /dev/null
    podctl run -d --pod web --name other busybox sleep 999 > /dev/null
    local ps
    # The pod has no shared PID namespace: --target shows the target only.
    ps=$(podctl debug web --target app --name dbg -- ps)
    assert_contains "$ps" "sleep 1000"
    assert_not_contains "$ps" "sleep 999"
    assert_eq true "$(ctr_field dbg .ephemeral)"
    assert_eq web "$(ctr_field dbg .pod)"
    assert_contains "$(pod_field web .containers)" '"ephemeral": true'
    # The general profile adds SYS_PTRACE to docker's set.
    assert_contains "$(podctl debug web -- cat /proc/self/status)" "CapEff:	00000000a80c25fb"
    assert_contains "$(podctl debug web --profile netadmin -- cat /proc/self/status)" \
        "CapEff:	00000000a80435fb"
    assert_contains "$(podctl debug web --profile restricted -- cat /proc/self/status)" \
        "CapEff:	0000000000000000"
    # It goes with its pod.
    podctl pod rm -f web > /dev/null
    assert_eq "" "$(podctl ps -a -q)"
}

test_debug_a_container() {
    setup
    podctl run -d --name solo --hostname box busybox sleep 1000 > /dev/null
    local out
    out=$(podctl debug solo --name dbg -- sh -c 'ps; hostname')
    assert_contains "$out" "sleep 1000"
    assert_contains "$out" "box"
    for mode in network pid_mode ipc_mode uts_mode; do
        assert_eq "container:$(ctr_field solo .id)" "$(ctr_field dbg ".$mode")" "$mode"
    done
    podctl rm dbg > /dev/null
    assert_exit 125 podctl debug nope -- true
    assert_contains "$LAST_ERR" "no such pod or container"
    assert_exit 125 podctl debug solo --profile loud -- true
    assert_exit 125 podctl debug solo --target solo -- true
    assert_one_line "$LAST_ERR"
    assert_eq 1 "$(podctl ps -a -q | wc -l)"
}

test_bad_modes() {
    setup
    podctl run -d --name target busybox sleep 1000 > /dev/null
    podctl run --name finished busybox true > /dev/null
    podctl pod create p > /dev/null
    for args in "--network container:nope" "--pid container:nope" "--network bogus" \
        "--pid none" "--uts container:" "--pod p --network container:target" \
        "--pod p --pid host" "--hostname h --uts container:target" "--pid container:finished"; do
        # shellcheck disable=SC2086 # the flags are words
        assert_exit 125 podctl run --rm $args busybox true
        assert_one_line "$LAST_ERR"
    done
    assert_contains "$(podctl run --rm --pid container:finished busybox true 2>&1)" "not running"
    # issue 14: a plain name is a network's, which must exist
    assert_contains "$(podctl run --rm --network bogus busybox true 2>&1)" "no such network: bogus"
    assert_contains "$(podctl run --rm --network bo/gus busybox true 2>&1)" "not a mode"
    assert_contains "$(podctl run --rm --pod p --network container:target busybox true 2>&1)" "conflict"
    assert_eq 2 "$(podctl ps -a -q | wc -l)"
}

run_tests
