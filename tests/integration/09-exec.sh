#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podctl exec (the container's namespaces, root, capabilities, environment
# and working directory; exit codes; stdin with EOF; sessions in inspect),
# run -i with a redirected file, and podctl debug --process on a process
# the test started outside podd. No terminal here: 10-terminals.sh.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/netdebug" ] || fail "no $IMAGES/netdebug: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl image import netdebug "$IMAGES/netdebug" > /dev/null
}

test_exec_exit_codes() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    assert_exit 0 podctl exec web true
    assert_exit 3 podctl exec web sh -c 'exit 3'
    assert_exit 127 podctl exec web no-such-command
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no-such-command"
    assert_exit 126 podctl exec web /etc
    assert_one_line "$LAST_ERR"
    # Killed by a signal: 128 + its number, as docker.
    assert_exit 137 podctl exec web sh -c 'kill -KILL $$'
    # stdout and stderr stay apart.
    assert_exit 0 podctl exec web sh -c 'echo out; echo err >&2'
    assert_eq out "$LAST_OUT"
    assert_eq err "$LAST_ERR"
}

test_exec_enters_every_namespace_and_the_root() {
    setup
    podctl pod create p > /dev/null
    podctl run -d --name web --pod p busybox sh -c 'echo marker > /tmp/marker; exec sleep 1000' > /dev/null
    wait_for podctl exec web test -f /tmp/marker
    local pid ns
    pid=$(ctr_pid web)
    for ns in mnt pid net ipc uts; do
        assert_exit 0 podctl exec web readlink "/proc/self/ns/$ns"
        assert_eq "$(ns_id "$pid" "$ns")" "$LAST_OUT" "$ns namespace"
    done
    # Its PID namespace: the workload is PID 1 there.
    assert_exit 0 podctl exec web cat /proc/1/comm
    assert_eq sleep "$LAST_OUT"
    assert_exit 0 podctl exec web hostname
    assert_eq p "$LAST_OUT"
    # The container's writable layer, not the image.
    assert_exit 0 podctl exec web cat /tmp/marker
    assert_eq marker "$LAST_OUT"
}

test_exec_environment_workdir_user_and_capabilities() {
    setup
    podctl run -d --name web -e A=1 -e B=2 -w /tmp --cap-drop NET_RAW busybox sleep 1000 > /dev/null
    assert_exit 0 podctl exec web sh -c 'echo $A $B; pwd'
    assert_eq "1 2"$'\n'"/tmp" "$LAST_OUT"
    assert_exit 0 podctl exec -e A=9 -e C=3 -w /etc web sh -c 'echo $A $B $C; pwd'
    assert_eq "9 2 3"$'\n'"/etc" "$LAST_OUT"
    # The container's capabilities, and its no_new_privs (off, as docker's).
    local caps
    caps=$(grep CapEff "/proc/$(ctr_pid web)/status")
    assert_exit 0 podctl exec web grep -E 'CapEff|NoNewPrivs' /proc/self/status
    assert_contains "$LAST_OUT" "$caps"
    assert_contains "$LAST_OUT" "NoNewPrivs:	0"
    # Another user: its ids, and no capabilities left.
    assert_exit 0 podctl exec -u 1000:1000 web sh -c 'id -u; id -g; grep CapEff /proc/self/status'
    assert_eq "1000"$'\n'"1000"$'\n'"CapEff:	0000000000000000" "$LAST_OUT"
    assert_exit 0 podctl exec --user 33 web id -u
    assert_eq 33 "$LAST_OUT"
}

test_exec_stdin_and_run_stdin() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    seq 1 20000 > "$T/in"
    assert_exit 0 podctl exec -i web wc -l < "$T/in"
    assert_eq 20000 "$(echo "$LAST_OUT" | tr -d ' ')"
    assert_eq "hello" "$(echo hello | podctl exec -i web cat)"
    # Without -i the command's stdin is empty.
    assert_eq 0 "$(echo hello | podctl exec web wc -c | tr -d ' ')"
    # run -i: the file, then EOF.
    assert_exit 0 podctl run -i --rm busybox md5sum < "$T/in"
    assert_eq "$(md5sum < "$T/in")" "$LAST_OUT"
    assert_exit 4 podctl run -i --rm busybox sh -c 'read a; read b; exit $((a + b))' <<< $'1\n3'
}

test_exec_sessions_in_inspect() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    # A session that lasts until the test ends it: on a loaded machine a
    # short one could end between two inspects.
    assert_exit 0 podctl exec -d web sleep 1000
    assert_eq "" "$LAST_OUT"
    local session pid
    session=$(ctr_field web .exec_sessions.0)
    assert_eq '["sleep", "1000"]' "$(json .command <<< "$session")"
    pid=$(json .pid <<< "$session")
    assert_ne "" "$pid"
    assert_eq '0:0' "$(json .user <<< "$session")"
    kill "$pid"
    ended() { [ "$(ctr_field web .exec_sessions)" = "[]" ]; }
    wait_for ended
}

test_exec_sessions_end_with_their_container() {
    setup
    # In a pod's shared PID namespace the container's end does not end its
    # exec sessions by itself (the infra is that namespace's init): podd does.
    podctl pod create p --share-pid > /dev/null
    podctl run -d --pod p --name app busybox sleep 1000 > /dev/null
    assert_exit 0 podctl exec -d app sleep 1001
    pid=$(ctr_field app .exec_sessions.0.pid)
    assert_ne "" "$pid"
    assert_exit 0 podctl stop -t 0 app
    gone() { ! kill -0 "$pid" 2> /dev/null; }
    wait_for gone
    podctl pod rm -f p > /dev/null
}

test_exec_bad_input() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    podctl run --name finished busybox true > /dev/null
    assert_exit 125 podctl exec finished true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "is not running"
    assert_exit 125 podctl exec nosuch true
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl exec web
    assert_exit 125 podctl exec -u a:b:c web id
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "UID[:GID]"
    assert_exit 125 podctl exec -w relative web pwd
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl exec -e =x web true
    assert_one_line "$LAST_ERR"
    # A terminal session needs a terminal to end it, as docker says.
    assert_exit 125 podctl exec -it web sh < /dev/null
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "not a TTY"
    # Nothing of the failed sessions is left.
    assert_eq "[]" "$(ctr_field web .exec_sessions)"
    assert_eq "" "$(ls "$T/run/containers/$(ctr_field web .id)/exec" 2> /dev/null)"
}

test_debug_process_joins_a_host_process() {
    setup
    # A process of the test's own, outside podd: its own network and UTS
    # namespaces, with lo up and a hostname.
    unshare --net --uts sh -c 'hostname victim; ip link set lo up; exec sleep 1000' &
    local victim=$!
    unshared() { [ "$(ns_id "$victim" uts)" != "$(ns_id $$ uts)" ]; }
    wait_for unshared
    assert_exit 0 podctl debug --process "$victim" --name dbg -- sh -c 'hostname; ip -o link | wc -l'
    assert_eq "victim"$'\n'"1" "$LAST_OUT"
    assert_eq "$victim" "$(ctr_field dbg .target_process)"
    # Its PID namespace (the test's): the victim is there, and can be
    # signalled from the debug container by its pid.
    assert_exit 0 podctl debug --process "$victim" -- kill "$victim"
    wait_for is_gone "$victim"
    wait "$victim" 2> /dev/null || true
    # Gone: a start refuses to join whatever has its pid now.
    assert_exit 125 podctl start dbg
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "is gone"
    assert_exit 125 podctl debug --process 4194304 -- true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "does not exist"
    assert_exit 125 podctl debug --process "$$" --target x -- true
    assert_one_line "$LAST_ERR"
}

run_tests
