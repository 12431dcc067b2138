#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd and its suite share the machine: the harness cannot pass by accident
# (a failing command fails its test), the suite never touches a podd that
# is not its own, and podd keeps its `ip netns` names whatever a user does
# with `ip netns` before or after.
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)

# run_inner FILE: run a test file of the suite's kind, as suite.sh does;
# its results in $T/inner.results, its output in $T/inner.out.
run_inner() {
    : > "$T/inner.results"
    PODD_TEST_RESULTS=$T/inner.results bash "$1" > "$T/inner.out" 2>&1 || true
}

# inner_result TEST: "ok" or "FAIL" for TEST in the last run_inner.
inner_result() {
    awk -v t="$1" '$3 == t {print $1}' "$T/inner.results"
}

test_a_failing_command_fails_its_test() {
    mkdir "$T/inner"
    cat > "$T/inner/00-strict.sh" << EOF
. "$here/lib.sh"
test_false_midway() { false; touch "$T/reached-false"; }
test_failed_substitution() { local x; x=\$(false; echo y); touch "$T/reached-subst"; }
test_fail_inside_a_substitution() { echo "\$(fail inner)" > /dev/null; }
test_podd_killed_fails_podd_stop() {
    podd_start
    kill -KILL "\$PODD_PID"
    podd_stop
    touch "$T/reached-stop"
}
test_ns_id_of_nothing() { ns_id "" net > /dev/null; touch "$T/reached-ns"; }
test_passes() { true; }
run_tests
EOF
    run_inner "$T/inner/00-strict.sh"
    local t
    for t in test_false_midway test_failed_substitution test_fail_inside_a_substitution \
        test_podd_killed_fails_podd_stop test_ns_id_of_nothing; do
        assert_eq FAIL "$(inner_result $t)" "$t (output: $(cat "$T/inner.out"))"
    done
    assert_eq ok "$(inner_result test_passes)" "test_passes (output: $(cat "$T/inner.out"))"
    assert_eq "" "$(cd "$T" && ls reached-* 2> /dev/null || true)" "commands run after a failure"
}

# A podd that is not this test's: its dirs under $F (outside $T), in a
# network and mount namespace of its own, as a user's podd on the host is
# to the suite's sandbox. Only its processes are visible from here.
foreign_start() {
    F=$(mktemp -d /tmp/podd-foreign.XXXXXX)
    unshare --net --mount --propagation private -- sh -c \
        'ip link set lo up && mount -t tmpfs none /run/netns && exec "$@"' sh \
        podd --root "$F/root" --run-dir "$F/run" --foreground \
        --cgroup-parent "$(basename "$F")" > "$F/podd.log" 2>&1 &
    FOREIGN_PID=$!
    FOREIGN_SOCKET=$F/run/podd.sock
    PODD_SOCKET=$FOREIGN_SOCKET wait_for podctl version
}

fpodctl() {
    PODD_SOCKET=$FOREIGN_SOCKET podctl "$@"
}

# cleanup_test (teardown_test calls it): the foreign podd and what it made
# go, whatever the test's outcome.
cleanup_test() {
    [ -n "${FOREIGN_PID:-}" ] || return 0
    local c
    for c in $(fpodctl ps -aq 2> /dev/null); do fpodctl rm -f "$c" > /dev/null 2>&1; done
    for c in $(fpodctl pod ls -q 2> /dev/null); do fpodctl pod rm -f "$c" > /dev/null 2>&1; done
    kill -TERM "$FOREIGN_PID" 2> /dev/null
    wait "$FOREIGN_PID" 2> /dev/null
    FOREIGN_PID=
    remove_cgroup_parent "$(basename "$F")"
    rm -rf "$F"
}

test_a_foreign_podd_is_left_alone() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    foreign_start
    fpodctl image import busybox "$IMAGES/busybox" > /dev/null
    fpodctl pod create fweb > /dev/null
    fpodctl run -d --pod fweb --name fctr busybox sleep 1000 > /dev/null
    local infra ctr
    infra=$(PODD_SOCKET=$FOREIGN_SOCKET infra_pid fweb)
    ctr=$(PODD_SOCKET=$FOREIGN_SOCKET ctr_pid fctr)
    # A normal test, beside it, that makes a container of the foreign podd
    # while it runs (new processes of podd's kind that are not its own),
    # and one that leaks, so that the leak check ends what it finds.
    mkdir "$T/inner"
    cat > "$T/inner/00-beside.sh" << EOF
. "$here/lib.sh"
test_a_normal_cycle() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl pod create web > /dev/null
    podctl run -d --pod web --name own busybox sleep 1000 > /dev/null
    PODD_SOCKET=$FOREIGN_SOCKET podctl run -d --name fnew busybox sleep 1000 > /dev/null
}
test_a_cycle_that_leaks() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl pod create leaky > /dev/null
    podctl run -d --pod leaky --name leaky busybox sleep 1000 > /dev/null
    echo "\$(infra_pid leaky) \$(ctr_pid leaky)" > "$T/leaked"
    # No podd to clean up after it: the leak check finds its processes.
    podd_kill KILL
    mv "\$T/root" "\$T/root.gone"
}
run_tests
EOF
    run_inner "$T/inner/00-beside.sh"
    assert_eq ok "$(inner_result test_a_normal_cycle)" "the normal cycle ($(cat "$T/inner.out"))"
    assert_eq FAIL "$(inner_result test_a_cycle_that_leaks)" "the leaking cycle"
    assert_contains "$(cat "$T/inner.out")" "LEAK"
    local p
    for p in $(cat "$T/leaked"); do
        wait_for is_gone "$p"
    done
    # The foreign podd, its pod and its containers are untouched.
    kill -0 "$FOREIGN_PID" || fail "the foreign podd is gone"
    kill -0 "$infra" || fail "the foreign pod's infra is gone"
    kill -0 "$ctr" || fail "the foreign container's workload is gone"
    assert_eq running "$(PODD_SOCKET=$FOREIGN_SOCKET pod_field fweb .state)" "the foreign pod"
    assert_eq running "$(PODD_SOCKET=$FOREIGN_SOCKET ctr_field fctr .state)" "the foreign container"
    assert_eq running "$(PODD_SOCKET=$FOREIGN_SOCKET ctr_field fnew .state)" "the other one"
    # Cleanly, by the foreign podd itself.
    fpodctl rm -f fctr fnew > /dev/null
    fpodctl pod rm -f fweb > /dev/null
    kill -TERM "$FOREIGN_PID"
    local rc=0
    wait "$FOREIGN_PID" || rc=$?
    FOREIGN_PID=
    assert_eq 0 "$rc" "the foreign podd's exit status"
    wait_for is_gone "$infra"
    wait_for is_gone "$ctr"
    remove_cgroup_parent "$(basename "$F")"
    rm -rf "$F"
}

# A podd whose /run is a tmpfs of the test's own, in a mount namespace of
# the test's own, with /run/netns a plain directory: the layout of a host
# where nothing has run `ip netns` yet. Nothing reaches the host's /run.
netns_podd_start() {
    unshare --mount --propagation private -- sh -c \
        'mount -t tmpfs -o mode=0755 podd-run /run && mkdir /run/netns && exec "$@"' sh \
        podd --root "$T/root" --run-dir "$T/run" --foreground --log-level debug \
        --cgroup-parent "$(cgroup_parent)" >> "$T/podd.log" 2>&1 &
    PODD_PID=$!
    export PODD_SOCKET=$T/run/podd.sock
    wait_for podctl version
}

# in_podds_mounts CMD...: CMD in podd's mount namespace.
in_podds_mounts() {
    nsenter -t "$PODD_PID" -m -- "$@"
}

# A pod's name is released by pod rm and taken again by pod create.
rm_and_create_again() {
    assert_exit 0 podctl pod rm -f web
    assert_eq "" "$(in_podds_mounts ls /run/netns | grep -x podd-web || true)" "podd-web after rm"
    assert_exit 0 podctl pod create web
    assert_contains "$(in_podds_mounts ls /run/netns)" podd-web
    assert_eq "$(ns_id "$(infra_pid web)" net)" \
        "$(in_podds_mounts ip netns exec podd-web readlink /proc/self/ns/net)" "podd-web's namespace"
    assert_exit 0 podctl pod rm -f web
    assert_eq "" "$(in_podds_mounts ls /run/netns | grep -x podd-web || true)" "podd-web at the end"
}

test_ip_netns_add_after_a_pod() {
    netns_podd_start
    podctl pod create web > /dev/null
    in_podds_mounts ip netns add podd-test-x
    rm_and_create_again
    in_podds_mounts ip netns del podd-test-x
}

test_ip_netns_add_before_a_pod() {
    netns_podd_start
    in_podds_mounts ip netns add podd-test-x
    podctl pod create web > /dev/null
    rm_and_create_again
    in_podds_mounts ip netns del podd-test-x
}

run_tests
