#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pods and their infra process: namespaces (compared through /proc/PID/ns),
# hostname, lo, `ip netns exec`, --share-pid with the infra as PID 1 that
# reaps orphans, listing and inspecting, stop/start/rm, and an infra that
# dies on its own.
. "$(dirname "$0")/lib.sh"

test_infra_has_own_net_ipc_uts() {
    podd_start
    podctl pod create web > /dev/null
    local pid
    pid=$(infra_pid web)
    for ns in net ipc uts; do
        assert_ne "$(ns_id $$ $ns)" "$(ns_id "$pid" $ns)" "$ns namespace"
        assert_eq "$(ns_id "$pid" $ns)" "$(pod_field web .namespaces.$ns)" "$ns id in inspect"
    done
    # Without --share-pid the infra stays in the host's PID namespace.
    assert_eq "$(ns_id $$ pid)" "$(ns_id "$pid" pid)" "pid namespace"
    assert_eq "podd-pause" "$(cat /proc/"$pid"/comm)" "infra command"
}

test_share_pid_makes_infra_pid_1() {
    podd_start
    podctl pod create web --share-pid > /dev/null
    local pid
    pid=$(infra_pid web)
    assert_ne "$(ns_id $$ pid)" "$(ns_id "$pid" pid)" "pid namespace"
    assert_eq "$(ns_id "$pid" pid)" "$(pod_field web .namespaces.pid)"
    assert_eq 1 "$(awk '/^NSpid:/ {print $NF}' /proc/"$pid"/status)" "pid inside the pod"
}

test_infra_as_pid_1_reaps_orphans() {
    podd_start
    podctl pod create web --share-pid > /dev/null
    local pid
    pid=$(infra_pid web)
    # A shell in the pod's PID namespace leaves an orphan that exits: the
    # orphan is reparented to the infra, which must reap it.
    nsenter -t "$pid" -p -- sh -c '(sleep 0.2 &) ; exit 0'
    no_children() { ! ps -o stat= --ppid "$pid" | grep -q .; }
    wait_for no_children
    ps -eo stat=,ppid= | awk -v p="$pid" '$2 == p && $1 ~ /^Z/ {exit 1}' || fail "zombie left"
}

test_hostname_defaults_to_pod_name() {
    podd_start
    podctl pod create web > /dev/null
    assert_eq web "$(nsenter -t "$(infra_pid web)" -u hostname)"
    podctl pod create db --hostname database.local > /dev/null
    assert_eq database.local "$(nsenter -t "$(infra_pid db)" -u hostname)"
    assert_eq database.local "$(pod_field db .hostname)"
}

test_lo_is_up_and_ip_netns_enters_the_pod() {
    podd_start
    podctl pod create web > /dev/null
    assert_eq /run/netns/podd-web "$(pod_field web .netns_path)"
    assert_contains "$(ip netns list)" "podd-web"
    assert_eq "$(ns_id "$(infra_pid web)" net)" \
        "$(ip netns exec podd-web readlink /proc/self/ns/net)" "netns of ip netns exec"
    assert_contains "$(ip netns exec podd-web ip -o link show lo)" "UP"
    # lo and eth0: the default network.
    assert_eq 2 "$(ip netns exec podd-web ip -o link | wc -l)" "links in the pod"
    ip netns exec podd-web ping -c 1 -W 1 127.0.0.1 > /dev/null || fail "ping 127.0.0.1 in the pod"
    # --net none: only lo, up.
    podctl pod create quiet --net none > /dev/null
    assert_eq none "$(pod_field quiet .network)"
    assert_eq 1 "$(ip netns exec podd-quiet ip -o link | wc -l)" "links in a --net none pod"
    assert_contains "$(ip netns exec podd-quiet ip -o link show lo)" "UP"
}

test_net_host_shares_the_host_network() {
    podd_start
    podctl pod create web --net host > /dev/null
    local pid
    pid=$(infra_pid web)
    assert_eq "$(ns_id $$ net)" "$(ns_id "$pid" net)" "net namespace"
    assert_ne "$(ns_id $$ uts)" "$(ns_id "$pid" uts)" "uts namespace"
    assert_eq host "$(pod_field web .network)"
    [ -e /run/netns/podd-web ] && fail "no ip-netns name in host mode"
    true
}

test_infra_closes_inherited_fds() {
    podd_start
    podctl pod create web > /dev/null
    local fds
    fds=$(ls /proc/"$(infra_pid web)"/fd | sort -n | tr '\n' ' ')
    assert_eq "0 1 2 3 " "$fds" "open fds of the infra (stdio and its signalfd)"
}

test_ls_and_inspect() {
    podd_start
    local id
    id=$(podctl pod create web --label app=shop --label tier=front)
    assert_eq 64 "${#id}" "id length"
    podctl pod create db > /dev/null
    assert_exit 0 podctl pod ls
    assert_contains "$LAST_OUT" "POD ID"
    assert_contains "$LAST_OUT" "${id:0:12}"
    assert_contains "$LAST_OUT" "Running"
    assert_eq 3 "$(printf '%s\n' "$LAST_OUT" | wc -l)" "table lines"
    assert_eq 2 "$(podctl pod ls --format json | json . | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
    assert_eq "$id" "$(pod_field web .id)"
    assert_eq shop "$(pod_field web .labels.app)"
    assert_eq running "$(pod_field web .state)"
    assert_eq "[]" "$(pod_field web .containers)"
    # An id prefix names the pod too.
    assert_eq web "$(podctl pod inspect "${id:0:12}" | json .0.name)"
    assert_eq "$id" "$(api http://podd/v1/pods/web | json .id)"
}

test_stop_start_rm() {
    podd_start
    podctl pod create web > /dev/null
    local pid
    pid=$(infra_pid web)
    assert_exit 0 podctl pod stop -t 5 web
    assert_eq stopped "$(pod_field web .state)"
    assert_eq 0 "$(pod_field web .infra.exit_code)" "infra exit code after SIGTERM"
    is_gone "$pid" || fail "infra alive after stop"
    [ -e /run/netns/podd-web ] && fail "netns mount left after stop"
    # Stopping a stopped pod is not an error.
    assert_exit 0 podctl pod stop web
    assert_exit 0 podctl pod start web
    assert_eq running "$(pod_field web .state)"
    assert_ne "$pid" "$(infra_pid web)" "a new infra"
    [ -e /run/netns/podd-web ] || fail "netns mount after start"
    assert_exit 0 podctl pod stop web
    assert_exit 0 podctl pod rm web
    assert_exit 125 podctl pod inspect web
    assert_contains "$LAST_ERR" "no such pod"
}

test_rm_running_needs_force() {
    podd_start
    podctl pod create web > /dev/null
    local pid
    pid=$(infra_pid web)
    assert_exit 125 podctl pod rm web
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "running"
    assert_eq running "$(pod_field web .state)" "state after a refused rm"
    assert_exit 0 podctl pod rm -f web
    is_gone "$pid" || fail "infra alive after rm -f"
    assert_eq "" "$(podctl pod ls -q)"
}

test_infra_killed_keeps_namespaces_and_start_rejoins_them() {
    podd_start
    podctl pod create web > /dev/null
    local pid net
    pid=$(infra_pid web)
    net=$(ns_id "$pid" net)
    kill -9 "$pid"
    is_exited() { [ "$(pod_field web .state)" = exited ]; }
    wait_for is_exited
    assert_eq 137 "$(pod_field web .infra.exit_code)" "exit code of a SIGKILLed infra"
    assert_contains "$(pod_field web .reason)" "unexpectedly"
    # The namespace outlives the infra: ip netns still enters it.
    assert_eq "$net" "$(ip netns exec podd-web readlink /proc/self/ns/net)"
    podctl pod start web > /dev/null
    assert_eq "$net" "$(ns_id "$(infra_pid web)" net)" "net namespace kept across the restart"
    assert_eq web "$(nsenter -t "$(infra_pid web)" -u hostname)"
}

test_stop_timeout_kills_an_infra_that_ignores_sigterm() {
    podd_start
    podctl pod create web > /dev/null
    local pid
    pid=$(infra_pid web)
    # Make the infra deaf to SIGTERM the only way we can from outside: stop
    # it (SIGSTOP keeps SIGTERM pending), so only SIGKILL ends it.
    kill -STOP "$pid"
    assert_exit 0 podctl pod stop -t 1 web
    assert_eq 137 "$(pod_field web .infra.exit_code)"
}

test_many_pods() {
    podd_start
    local i
    for i in $(seq 20); do podctl pod create "p$i" > /dev/null; done
    assert_eq 20 "$(podctl pod ls -q | wc -l)"
    for i in $(seq 20); do podctl pod rm -f "p$i" > /dev/null; done
    assert_eq 0 "$(podctl pod ls -q | wc -l)"
}

run_tests
