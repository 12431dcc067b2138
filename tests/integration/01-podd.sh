#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The daemon itself: readiness, the socket, its lock on the state dirs,
# SIGTERM leaving pods running for the next podd to adopt, flags, and what
# podctl says when it cannot reach podd.
. "$(dirname "$0")/lib.sh"

test_version_and_info_answer() {
    podd_start
    assert_exit 0 podctl version
    assert_contains "$LAST_OUT" "Server: 0.1.0"
    assert_exit 0 podctl info
    assert_contains "$LAST_OUT" "$T/root"
    [ "$(api http://podd/v1/version | json .api_version)" = v1 ] || fail "api_version"
    [ "$(api http://podd/v1/info | json .run_dir)" = "$T/run" ] || fail "run_dir in info"
}

test_socket_is_0660() {
    podd_start
    assert_eq 660 "$(stat -c %a "$T/run/podd.sock")" "socket mode"
}

test_second_podd_on_same_dirs_refused() {
    podd_start
    assert_exit 1 podd --root "$T/root" --run-dir "$T/run" --foreground
    assert_contains "$LAST_ERR" "in use by another podd"
    # The first one is unharmed.
    assert_exit 0 podctl version
}

test_two_podds_never_see_each_others_pods() {
    podd_start
    podctl pod create one > /dev/null
    local first=$PODD_SOCKET
    podd --root "$T/root2" --run-dir "$T/run2" --foreground --netns-prefix podd2- \
        --cgroup-parent "$(cgroup_parent)" >> "$T/podd2.log" 2>&1 &
    local pid2=$!
    PODD_SOCKET=$T/run2/podd.sock wait_for podctl version
    assert_eq "" "$(PODD_SOCKET=$T/run2/podd.sock podctl pod ls -q)" "pods of the second podd"
    PODD_SOCKET=$T/run2/podd.sock podctl pod create two > /dev/null
    assert_eq 1 "$(PODD_SOCKET=$first podctl pod ls -q | wc -l)" "pods of the first podd"
    PODD_SOCKET=$T/run2/podd.sock podctl pod rm -f two > /dev/null
    kill -TERM "$pid2"
    wait "$pid2" || fail "the second podd exited $? on SIGTERM"
}

test_podctl_without_podd_says_how_to_start_it() {
    assert_exit 125 env PODD_SOCKET="$T/nothing.sock" podctl pod ls
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "$T/nothing.sock"
    assert_contains "$LAST_ERR" "podd"
}

test_socket_flag_beats_env() {
    podd_start
    assert_exit 0 env PODD_SOCKET=/nonexistent/podd.sock podctl --socket "$T/run/podd.sock" version
}

test_user_without_access_is_refused() {
    podd_start
    chmod 755 "$T" "$T/run"
    assert_exit 125 setpriv --reuid=65534 --regid=65534 --clear-groups podctl pod ls
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "ermission denied"
}

test_sigterm_leaves_pods_running_and_new_podd_adopts_them() {
    podd_start
    podctl pod create web > /dev/null
    local pid net
    pid=$(infra_pid web)
    net=$(ns_id "$pid" net)
    podd_stop
    kill -0 "$pid" || fail "the infra process died with podd"
    [ -e /run/netns/podd-web ] || fail "the netns mount went with podd"
    podd_start
    assert_eq running "$(pod_field web .state)" "state after restart"
    assert_eq "$pid" "$(infra_pid web)" "infra pid after restart"
    assert_eq "$net" "$(pod_field web .namespaces.net)" "net namespace after restart"
    # The adopted infra is supervised like a new one.
    podctl pod stop web > /dev/null
    assert_eq stopped "$(pod_field web .state)"
    wait_for is_gone "$pid"
    podctl pod rm web > /dev/null
}

test_infra_dead_while_podd_down_is_cleaned_up() {
    podd_start
    podctl pod create web > /dev/null
    local pid
    pid=$(infra_pid web)
    podd_stop
    kill -9 "$pid"
    # SIGKILL is delivered asynchronously: wait until the kernel has ended it,
    # or the new podd may still see it alive and adopt it.
    wait_for is_gone "$pid"
    podd_start
    assert_eq exited "$(pod_field web .state)"
    assert_contains "$(pod_field web .reason)" "while podd was down"
    [ -e /run/netns/podd-web ] && fail "netns mount left for a dead infra"
    podctl pod rm web > /dev/null
}

test_podd_goes_to_background_when_ready() {
    podd --root "$T/root" --run-dir "$T/run" --cgroup-parent "$(cgroup_parent)" ||
        fail "podd did not start"
    export PODD_SOCKET=$T/run/podd.sock
    # podd returned only once it serves the API: no wait needed.
    assert_exit 0 podctl version
    PODD_PID=$(podctl info --format json | json .pid)
    podd_stop_background
    rm -f "$T/run/podd.log"
}

# podd_stop_background: not the test's child, so no exit status to wait
# for: podd's own last word in its log says it stopped cleanly.
podd_stop_background() {
    kill -TERM "$PODD_PID"
    wait_for is_gone "$PODD_PID"
    PODD_PID=
    assert_contains "$(tail -n 1 "$T/run/podd.log")" "podd stopped" "podd's last log line"
}

test_flags() {
    assert_exit 0 podd --help
    assert_contains "$LAST_OUT" "--root"
    assert_exit 0 podd --version
    assert_exit 2 podd --no-such-flag
    assert_exit 2 podd --log-level loud
    assert_one_line "$LAST_ERR"
}

run_tests
