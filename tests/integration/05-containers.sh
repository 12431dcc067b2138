#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Containers, through podctl as a user types it: the namespaces they share
# with their pod (compared through /proc/PID/ns), two containers talking
# over 127.0.0.1, hostname, capabilities and no_new_privs, read-only /sys,
# the image left unchanged, exit codes, logs, stop/kill/rm, and pods that
# take their containers with them.
. "$(dirname "$0")/lib.sh"

# Docker's default capability set, as /proc/PID/status prints it.
DEFAULT_CAPS=00000000a80425fb

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

test_containers_share_the_pods_net_ipc_uts() {
    with_busybox
    podctl pod create web > /dev/null
    podctl run -d --pod web --name a busybox sleep 1000 > /dev/null
    podctl run -d --pod web --name b busybox sleep 1000 > /dev/null
    local infra a b
    infra=$(infra_pid web)
    a=$(ctr_pid a)
    b=$(ctr_pid b)
    for ns in net ipc uts; do
        assert_eq "$(ns_id "$infra" $ns)" "$(ns_id "$a" $ns)" "a's $ns"
        assert_eq "$(ns_id "$infra" $ns)" "$(ns_id "$b" $ns)" "b's $ns"
    done
    # Mount and PID namespaces are their own.
    for ns in mnt pid; do
        assert_ne "$(ns_id "$infra" $ns)" "$(ns_id "$a" $ns)" "a's $ns"
        assert_ne "$(ns_id "$a" $ns)" "$(ns_id "$b" $ns)" "a's and b's $ns"
    done
    assert_eq 1 "$(awk '/^NSpid:/ {print $NF}' /proc/"$a"/status)" "a is PID 1 of its own"
    assert_eq "$(ns_id "$a" net)" "$(ctr_field a .namespaces.net)" "net id in inspect"
    assert_eq web "$(ctr_field a .pod)"
    # The pod lists them.
    assert_eq 2 "$(pod_field web .containers | json '' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
}

test_share_pid_pod_sees_each_other() {
    with_busybox
    podctl pod create web --share-pid > /dev/null
    podctl run -d --pod web --name sleeper busybox sleep 1000 > /dev/null
    assert_eq "$(ns_id "$(infra_pid web)" pid)" "$(ns_id "$(ctr_pid sleeper)" pid)" "pid ns"
    assert_eq podd-pause "$(podctl run --rm --pod web busybox cat /proc/1/comm)" "PID 1"
    assert_contains "$(podctl run --rm --pod web busybox ps)" "sleep 1000"
}

test_two_containers_talk_over_localhost() {
    with_busybox
    podctl pod create web > /dev/null
    podctl run -d --pod web --name server busybox sh -c \
        'mkdir -p /www && echo hello from the pod > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www' > /dev/null
    fetch() { podctl run --rm --pod web busybox wget -qO- http://127.0.0.1:8080/; }
    wait_for fetch
    assert_eq "hello from the pod" "$(fetch)"
    # Not reachable from the host's network namespace.
    ! wget -qO- -T 1 http://127.0.0.1:8080/ 2> /dev/null || fail "the pod's port leaked to the host"
}

test_hostname() {
    with_busybox
    podctl pod create web --hostname web.local > /dev/null
    assert_eq web.local "$(podctl run --rm --pod web busybox hostname)"
    assert_eq box "$(podctl run --rm --hostname box busybox hostname)"
    local id
    id=$(podctl run -d busybox sleep 1000)
    assert_eq "${id:0:12}" "$(nsenter -t "$(ctr_pid "$id")" -u hostname)" "default hostname"
    assert_contains "$(podctl run --rm --hostname box busybox cat /etc/hosts)" "box"
    # A pod's container cannot have a hostname of its own.
    assert_exit 125 podctl run --rm --pod web --hostname other busybox true
    assert_one_line "$LAST_ERR"
}

test_capabilities_and_no_new_privs() {
    with_busybox
    local status
    status=$(podctl run --rm busybox cat /proc/self/status)
    assert_contains "$status" "CapEff:	$DEFAULT_CAPS"
    assert_contains "$status" "CapBnd:	$DEFAULT_CAPS"
    assert_contains "$status" "CapPrm:	$DEFAULT_CAPS"
    # Off, as docker (issue 13: --security-opt no-new-privileges sets it),
    # with docker's seccomp profile.
    assert_contains "$status" "NoNewPrivs:	0"
    assert_contains "$status" "Seccomp:	2"
    assert_contains "$(podctl run --rm --security-opt no-new-privileges busybox cat \
        /proc/self/status)" "NoNewPrivs:	1"
    assert_contains "$(podctl run --rm --cap-add NET_ADMIN busybox cat /proc/self/status)" \
        "CapEff:	00000000a80435fb"
    assert_contains "$(podctl run --rm --cap-drop ALL busybox cat /proc/self/status)" \
        "CapEff:	0000000000000000"
    assert_contains "$(podctl run --rm --cap-drop ALL busybox cat /proc/self/status)" \
        "CapBnd:	0000000000000000"
    assert_eq '["CAP_NET_ADMIN"]' "$(podctl run -d --name c --cap-drop all --cap-add net_admin busybox sleep 1000 > /dev/null && ctr_field c .capabilities)"
}

test_sys_is_read_only_and_dev_is_minimal() {
    with_busybox
    assert_contains "$(podctl run --rm busybox grep ' /sys ' /proc/mounts)" " ro,"
    assert_exit 1 podctl run --rm busybox touch /sys/kernel/x
    local devs
    devs=$(podctl run --rm busybox ls /dev)
    for d in null zero full random urandom tty ptmx pts shm; do
        assert_contains "$devs" "$d"
    done
    assert_eq "" "$(podctl run --rm busybox head -c 4 /dev/null)"
    assert_eq 4 "$(podctl run --rm busybox sh -c 'head -c 4 /dev/zero | wc -c')"
    podctl run --rm busybox sh -c 'echo ok > /dev/shm/x && cat /dev/shm/x' > /dev/null
}

test_image_is_unchanged_by_a_container() {
    with_busybox
    local rootfs
    # The image's one layer, as the store keeps it (layers/<diff_id hex>).
    rootfs=$T/root/layers/$(podctl image inspect busybox | json .0.layers.0.diff_id | cut -d: -f2)
    [ -x "$rootfs/bin/busybox" ] || fail "no layer at $rootfs"
    # The writes must have happened, or the checks below prove nothing.
    assert_exit 0 podctl run --name writer busybox sh -c \
        'echo new > /new-file && rm /bin/ls && echo changed > /etc/motd'
    [ ! -e "$rootfs/new-file" ] || fail "a container wrote into the image"
    [ -e "$rootfs/bin/ls" ] || fail "a container deleted from the image"
    [ ! -e "$rootfs/etc/motd" ] || fail "a container wrote into the image's /etc"
    assert_eq new "$(cat "$T/root/containers/$(ctr_field writer .id)/upper/new-file")" "the layer"
    # --read-only: no layer, writes fail.
    assert_exit 1 podctl run --rm --read-only busybox touch /x
    assert_eq ok "$(podctl run --rm --read-only busybox sh -c 'echo ok > /dev/shm/y && cat /dev/shm/y')"
}

test_exit_codes() {
    with_busybox
    assert_exit 0 podctl run --rm busybox true
    assert_exit 42 podctl run --rm busybox sh -c 'exit 42'
    assert_exit 127 podctl run --rm busybox no-such-command
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no-such-command"
    assert_exit 126 podctl run --rm busybox /etc
    assert_one_line "$LAST_ERR"
    # Killed by a signal: 128 + its number, and the signal in inspect.
    podctl run -d --name victim busybox sleep 1000 > /dev/null
    podctl kill -s KILL victim > /dev/null
    assert_eq 137 "$(podctl wait victim)"
    assert_eq exited "$(ctr_field victim .state)"
    assert_eq 137 "$(ctr_field victim .exit_code)"
    assert_eq KILL "$(ctr_field victim .signal)"
    # A failed run leaves no container behind.
    assert_eq "victim" "$(podctl ps -a -q | xargs -r podctl inspect | json .0.name)"
}

test_logs() {
    with_busybox
    podctl run --name talker busybox sh -c \
        'for i in 1 2 3; do echo out$i; sleep 0.05; echo err$i >&2; sleep 0.05; done; printf tail' > /dev/null 2>&1
    local out err
    out=$(podctl logs talker 2> /dev/null)
    err=$(podctl logs talker 2>&1 > /dev/null)
    assert_eq $'out1\nout2\nout3\ntail' "$out" "stdout"
    assert_eq $'err1\nerr2\nerr3' "$err" "stderr"
    # Order kept across the streams.
    assert_eq $'out1\nerr1\nout2\nerr2\nout3\nerr3\ntail' "$(podctl logs talker 2>&1)"
    assert_eq $'out3\nerr3\ntail' "$(podctl logs --tail 3 talker 2>&1)"
    # The file is in the CRI format.
    local log
    log=$(ctr_field talker .log_path)
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z stdout F out1$' "$log" || fail "not a CRI log"
    grep -qE ' stdout P tail$' "$log" || fail "the last partial line is not P"
    assert_contains "$(podctl logs --timestamps talker 2>&1)" "Z out1"
    # Through the API.
    assert_contains "$(api "http://podd/v1/containers/talker/logs?tail=1")" "stdout P tail"
}

test_logs_follow_ends_when_the_container_exits() {
    with_busybox
    podctl run -d --name ticker busybox sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.3; done' > /dev/null
    local out
    out=$(timeout 20 podctl logs -f ticker)
    assert_eq $'tick1\ntick2\ntick3' "$out"
}

test_long_lines_are_split_and_joined() {
    with_busybox
    podctl run --name long busybox sh -c 'head -c 40000 /dev/zero | tr "\0" x; echo' > /dev/null
    assert_eq 40000 "$(podctl logs long | tr -d '\n' | wc -c)"
    assert_eq 1 "$(podctl logs long | wc -l)"
    grep -q ' stdout P x' "$(ctr_field long .log_path)" || fail "no P pieces"
}

test_stop_kills_a_workload_that_ignores_sigterm() {
    with_busybox
    podctl run -d --name stubborn busybox sh -c 'trap "" TERM; while :; do sleep 0.1; done' > /dev/null
    assert_exit 0 podctl stop -t 1 stubborn
    assert_eq exited "$(ctr_field stubborn .state)"
    assert_eq 137 "$(ctr_field stubborn .exit_code)"
    # A workload that handles SIGTERM stops at once, with its own code.
    podctl run -d --name polite busybox sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' > /dev/null
    podctl stop polite > /dev/null
    assert_eq 3 "$(ctr_field polite .exit_code)"
}

test_ctrl_c_stops_an_attached_run() {
    with_busybox
    podctl run --name polite busybox sh -c 'trap "echo got TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done' > "$T/out" &
    local pid=$!
    has_ready() { grep -q ready "$T/out"; }
    wait_for has_ready
    kill -INT "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert_eq 5 "$rc" "podctl's exit code"
    assert_contains "$(cat "$T/out")" "got TERM"
    # A second Ctrl-C kills; with --rm nothing is left.
    podctl run --rm --name stubborn busybox sleep 1000 &
    pid=$!
    wait_for is_running stubborn
    kill -INT "$pid"
    # The second Ctrl-C once the first has become a stop.
    wait_for grep -q 'container "stubborn": stopping' "$T/podd.log"
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    assert_eq 137 "$rc" "killed by the second Ctrl-C"
    gone() { ! podctl inspect stubborn > /dev/null 2>&1; }
    wait_for gone
}

test_start_again_after_exit() {
    with_busybox
    podctl run --name again busybox sh -c 'echo run' > /dev/null
    podctl start again > /dev/null
    assert_eq 0 "$(podctl wait again)"
    assert_eq $'run\nrun' "$(podctl logs again)"
}

test_rm() {
    with_busybox
    podctl run -d --name busy busybox sleep 1000 > /dev/null
    assert_exit 125 podctl rm busy
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "running"
    is_running busy || fail "rm without -f stopped it"
    local pid
    pid=$(ctr_pid busy)
    assert_exit 0 podctl rm -f busy
    is_gone "$pid" || fail "rm -f left the workload running"
    assert_exit 125 podctl inspect busy
    assert_eq "" "$(podctl ps -a -q)"
}

test_pod_rm_force_removes_its_containers() {
    with_busybox
    podctl pod create web > /dev/null
    podctl run -d --pod web --name a busybox sleep 1000 > /dev/null
    podctl run --pod web --name b busybox true > /dev/null
    local pid
    pid=$(ctr_pid a)
    assert_exit 125 podctl pod rm web
    podctl pod rm -f web > /dev/null
    wait_for is_gone "$pid"
    assert_eq "" "$(podctl ps -a -q)"
}

test_ps() {
    with_busybox
    podctl pod create web > /dev/null
    podctl run -d --pod web --name up busybox sleep 1000 > /dev/null
    podctl run --name finished busybox true > /dev/null
    assert_eq up "$(podctl ps --format json | json .0.name)"
    assert_contains "$(podctl ps -a)" "finished"
    assert_contains "$(podctl ps -a)" "Exited (0)"
    assert_not_contains "$(podctl ps)" "finished"
    assert_eq up "$(podctl ps -a --pod web --format json | json .0.name)"
}

# A listing of every pod gives each pod the containers its inspect gives
# (the listing gathers them in one pass over the containers).
test_pod_ls_lists_each_pods_containers() {
    with_busybox
    podctl pod create web > /dev/null
    podctl pod create db > /dev/null
    podctl pod create empty > /dev/null
    podctl run -d --pod web --name w1 busybox sleep 1000 > /dev/null
    podctl run -d --name alone busybox sleep 1000 > /dev/null
    podctl run --pod db --name d1 busybox true > /dev/null
    podctl run -d --pod web --name w2 busybox sleep 1000 > /dev/null
    local ls p
    ls=$(podctl pod ls --format json)
    for p in web db empty; do
        assert_eq "$(pod_field "$p" .containers)" \
            "$(python3 -c 'import json, sys; print(json.dumps([x for x in json.load(sys.stdin) if x["name"] == sys.argv[1]][0]["containers"]))' "$p" <<< "$ls")" \
            "$p's containers"
    done
    assert_eq '["w1", "w2"]' "$(pod_field web .containers | python3 -c 'import json, sys; print(json.dumps([c["name"] for c in json.load(sys.stdin)]))')"
    assert_contains "$(podctl pod ls)" "web "
}

test_a_name_may_be_another_ones_id_prefix() {
    with_busybox
    podctl run -d --name first busybox sleep 1000 > /dev/null
    local prefix
    prefix=$(ctr_field first .id | cut -c1-6)
    # docker allows it: names are looked up before id prefixes.
    podctl run -d --name "$prefix" busybox sleep 1000 > /dev/null
    assert_eq "$prefix" "$(ctr_field "$prefix" .name)" "the name finds its container"
    assert_eq first "$(ctr_field first .name)"
    podctl pod create "$prefix" > /dev/null
    podctl pod create "$(pod_field "$prefix" .id | cut -c1-5)" > /dev/null
    podctl rm -f first "$prefix" > /dev/null
    podctl pod rm -f "$prefix" "$(pod_field "$prefix" .id | cut -c1-5)" > /dev/null
}

run_tests
