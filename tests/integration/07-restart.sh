#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd goes away (SIGTERM, and SIGKILL) while pods and containers run, and
# comes back on the same dirs: every pod and container is still there in
# the same state, logs -f, stop and wait work on them, and a container that
# exited while podd was down shows its real exit code.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl pod create web > /dev/null
    podctl run -d --pod web --name server busybox sh -c \
        'i=0; while :; do i=$((i+1)); echo line$i; sleep 0.1; done' > /dev/null
    podctl run -d --name quitter busybox sh -c 'sleep 1; exit 7' > /dev/null
    QUITTER_PID=$(ctr_field quitter .pid)
    podctl run -d --name alone busybox sleep 1000 > /dev/null
}

# quitter_gone: its workload has exited (no pid: it had already, on a slow
# machine, when setup asked).
quitter_gone() {
    case "$QUITTER_PID" in "" | 0) return 0 ;; esac
    is_gone "$QUITTER_PID"
}

check_after_restart() {
    local before_server=$1
    assert_eq running "$(ctr_field server .state)"
    assert_eq "$before_server" "$(ctr_field server .pid)" "the same workload"
    assert_eq running "$(pod_field web .state)"
    # quitter exited while podd was down: its real exit code.
    assert_eq exited "$(ctr_field quitter .state)"
    assert_eq 7 "$(ctr_field quitter .exit_code)"
    # logs -f follows a workload podd did not start.
    # (podctl ends on SIGPIPE once head has its lines: not a failure.)
    local n
    n=$({ timeout 3 podctl logs -f --tail 0 server || true; } | head -n 3 | wc -l)
    assert_eq 3 "$n" "followed lines"
    # stop and wait work on adopted containers.
    podctl stop -t 1 alone > /dev/null
    assert_eq exited "$(ctr_field alone .state)"
    assert_eq 137 "$(podctl wait alone)"
    podctl kill server > /dev/null
    assert_eq 137 "$(podctl wait server)"
}

test_sigterm_keeps_everything() {
    setup
    local server
    server=$(ctr_field server .pid)
    podd_kill TERM
    if is_gone "$server"; then fail "the workload died with podd"; fi
    wait_for quitter_gone # quitter exits while podd is down
    podd_start
    check_after_restart "$server"
}

test_sigkill_keeps_everything() {
    setup
    local server
    server=$(ctr_field server .pid)
    podd_kill KILL
    wait_for quitter_gone
    podd_start
    check_after_restart "$server"
}

test_sigterm_with_requests_pending() {
    setup
    # A wait and a log follow hold requests open; podd answers them as it
    # stops, and exits cleanly.
    api -N -D "$T/wait.headers" -X POST "http://podd/v1/containers/alone/wait" > "$T/wait.out" &
    local waiter=$!
    podctl logs -f server > "$T/follow.out" 2>&1 &
    local follower=$!
    wait_for grep -q '^HTTP/1.1 200' "$T/wait.headers"
    wait_for grep -q line "$T/follow.out"
    podd_stop
    # The waiter is answered (podd is going away), not cut off.
    wait "$waiter" || fail "the waiter's curl exited $?: $(cat "$T/wait.headers" "$T/wait.out")"
    assert_contains "$(cat "$T/wait.out")" "podd is shutting down" "the waiter's answer"
    wait "$follower" || true
    assert_eq "" "$(grep -E '^\[(warn|err)\]' "$T/podd.log" || true)" "libevent warnings"
    podd_start
    assert_eq running "$(ctr_field alone .state)"
}

test_shims_are_not_podds_children() {
    setup
    local shim
    shim=$(ctr_field server .shim_pid)
    [ "$(awk '{print $4}' /proc/"$shim"/stat)" != "$PODD_PID" ] || fail "the shim is podd's child"
    [ "$(awk '{print $6}' /proc/"$shim"/stat)" != "$(awk '{print $6}' /proc/"$PODD_PID"/stat)" ] ||
        fail "the shim is in podd's session"
}

run_tests
