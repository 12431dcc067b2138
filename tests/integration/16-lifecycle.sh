#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Removal is finished when it answers: once `rm -f` or `pod rm -f` returns,
# every process it ended (the workload, its monitor, the pod's infra) is
# gone. Each check runs right after the command returns, without waiting:
# a process still there at that moment is the bug.
. "$(dirname "$0")/lib.sh"

setup() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# assert_gone WHAT PID...: each PID has exited (a zombie counts as gone).
assert_gone() {
    local what=$1 pid
    shift
    for pid in "$@"; do
        [ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "$what: no pid recorded"
        is_gone "$pid" || fail "$what: pid $pid still runs after rm answered"
    done
}

# pids_of CONTAINER: its workload's and its monitor's pid.
pids_of() {
    echo "$(ctr_pid "$1") $(ctr_field "$1" .shim_pid)"
}

test_rm_force_answers_once_the_container_is_gone() {
    setup
    local i pids
    for i in 1 2 3; do
        podctl run -d --name "c$i" busybox sh -c 'trap "" TERM; sleep 1000' > /dev/null
        # shellcheck disable=SC2046
        pids=$(pids_of "c$i")
        podctl rm -f "c$i" > /dev/null
        # shellcheck disable=SC2086
        assert_gone "rm -f c$i" $pids
    done
}

test_pod_rm_force_answers_once_everything_is_gone() {
    setup
    local pids i
    podctl pod create web > /dev/null
    for i in 1 2 3; do
        podctl run -d --pod web --name "w$i" busybox sleep 1000 > /dev/null
    done
    pids="$(infra_pid web) $(pids_of w1) $(pids_of w2) $(pids_of w3)"
    podctl pod rm -f web > /dev/null
    # shellcheck disable=SC2086
    assert_gone "pod rm -f web" $pids
    assert_exit 125 podctl inspect w1
}

test_pod_rm_force_of_an_exited_pod_waits_for_its_containers() {
    setup
    local pids infra
    podctl pod create web > /dev/null
    podctl run -d --pod web --name w1 busybox sleep 1000 > /dev/null
    podctl run -d --pod web --name w2 busybox sleep 1000 > /dev/null
    pids="$(pids_of w1) $(pids_of w2)"
    infra=$(infra_pid web)
    kill -9 "$infra"
    exited() { [ "$(pod_field web .state)" = exited ]; }
    wait_for exited
    is_running w1 || fail "w1 should run on in an exited pod"
    podctl pod rm -f web > /dev/null
    # shellcheck disable=SC2086
    assert_gone "pod rm -f web" $pids
    assert_exit 125 podctl pod inspect web
}

run_tests
