#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A container cannot touch the host through /proc: /proc/sys, /proc/bus,
# /proc/fs, /proc/irq and /proc/sysrq-trigger are read-only and docker's
# masked paths read empty, from a default container, a sidecar, a debug
# container and an exec session. Each test reads the host's values before
# and after: the suite shares the host's sysctls and (with --uts host) its
# hostname, so a broken build would change them; each test puts them back
# in its cleanup.
. "$(dirname "$0")/lib.sh"

# A global sysctl that nothing on the machine depends on, and the host's
# core_pattern, which the kernel runs as root on the host.
SYSCTL=/proc/sys/kernel/printk_ratelimit_burst
CORE=/proc/sys/kernel/core_pattern

# restore_host: what a broken build could have changed goes back, before
# the test's own teardown.
restore_host() {
    [ "$(cat "$SYSCTL")" = "$HOST_SYSCTL" ] || echo "$HOST_SYSCTL" > "$SYSCTL"
    [ "$(hostname)" = "$HOST_NAME" ] || hostname "$HOST_NAME"
}

# The test's EXIT trap: the host first, then lib.sh's teardown, which
# reads the test's status from $?.
restore_then_teardown() {
    local rc=$?
    set +e
    restore_host
    (exit "$rc")
    teardown_test
}

setup() {
    HOST_SYSCTL=$(cat "$SYSCTL")
    HOST_NAME=$(hostname)
    trap restore_then_teardown EXIT
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# refused CMD...: CMD fails; its stderr is in $LAST_ERR.
refused() {
    local rc=0
    LAST_OUT=$("$@" 2> "$T/last_err") || rc=$?
    LAST_ERR=$(cat "$T/last_err")
    [ "$rc" != 0 ] || fail "'$*' succeeded (output: $LAST_OUT)"
}

# check_confined CMD...: CMD runs its arguments in a container (podctl run
# --rm busybox, podctl exec C, ...); nothing run that way changes the host.
check_confined() {
    local sysctl core f
    sysctl=$(cat "$SYSCTL")
    core=$(cat "$CORE")
    refused "$@" sh -c "echo $((sysctl + 1)) > $SYSCTL"
    assert_contains "$LAST_ERR" "Read-only file system"
    assert_eq "$sysctl" "$(cat "$SYSCTL")" "the host's $SYSCTL"
    # Opened for writing only: a broken build would not change it either.
    refused "$@" sh -c ": >> $CORE"
    assert_contains "$LAST_ERR" "Read-only file system"
    assert_eq "$core" "$(cat "$CORE")" "the host's core_pattern"
    # Not every kernel has a sysrq-trigger (this VM's has none): the write
    # fails either way, and says why where it exists.
    refused "$@" sh -c 'echo h > /proc/sysrq-trigger'
    if [ -e /proc/sysrq-trigger ]; then assert_contains "$LAST_ERR" "Read-only file system"; fi
    # A namespaced knob is read-only too (--sysctl is how to set one).
    refused "$@" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
    # Masked: empty, whether or not the host has the file.
    for f in /proc/kcore /proc/keys /proc/timer_list /proc/interrupts; do
        assert_eq 0 "$("$@" sh -c "cat $f 2> /dev/null | wc -c")" "bytes read from $f"
    done
    assert_eq "" "$("$@" ls -A /sys/firmware)" "/sys/firmware"
}

test_default_container_cannot_touch_the_host() {
    setup
    check_confined podctl run --rm busybox
    # As docker mounts them: read-only, keeping proc's nosuid,nodev,noexec.
    local mounts
    mounts=$(podctl run --rm busybox cat /proc/self/mountinfo)
    for f in /proc/sys /proc/bus /proc/fs /proc/irq; do
        assert_contains "$(grep " $f " <<< "$mounts")" " ro,nosuid,nodev,noexec" "$f"
    done
    assert_contains "$(grep ' /sys/firmware ' <<< "$mounts")" " ro," "/sys/firmware"
    assert_contains "$(grep ' /proc/timer_list ' <<< "$mounts")" "/null /proc/timer_list" \
        "/proc/timer_list"
}

test_exec_session_cannot_touch_the_host() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    check_confined podctl exec web
}

test_sidecars_cannot_touch_the_host() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    check_confined podctl run --rm --pid container:web busybox
    check_confined podctl run --rm --network container:web busybox
    podctl pod create p > /dev/null
    check_confined podctl run --rm --pod p busybox
}

test_debug_container_cannot_touch_the_host() {
    setup
    podctl run -d --name web busybox sleep 1000 > /dev/null
    # The general profile (docker's set with SYS_PTRACE), without --name:
    # each call leaves an ephemeral container, removed with the test's.
    check_confined podctl debug web --image busybox --
    podctl pod create p > /dev/null
    podctl run -d --pod p --name app busybox sleep 1000 > /dev/null
    check_confined podctl debug p --target app --image busybox --
}

# The suite shares the host's UTS namespace: if the fix were broken this
# test would rename the machine (setup's trap names it back).
test_uts_host_cannot_change_the_hostname() {
    setup
    local before
    before=$(hostname)
    assert_eq "$before" "$(podctl run --rm --uts host busybox cat /proc/sys/kernel/hostname)"
    refused podctl run --rm --uts host busybox sh -c 'echo podd-test-hijacked > /proc/sys/kernel/hostname'
    assert_contains "$LAST_ERR" "Read-only file system"
    assert_eq "$before" "$(hostname)" "the host's hostname"
    # Nor through sethostname(2): that takes CAP_SYS_ADMIN.
    refused podctl run --rm --uts host busybox hostname podd-test-hijacked
    assert_eq "$before" "$(hostname)" "the host's hostname"
    podctl run -d --name web busybox sleep 1000 > /dev/null
    refused podctl run --rm --uts host --pid container:web busybox \
        sh -c 'echo podd-test-hijacked > /proc/sys/kernel/hostname'
    assert_eq "$before" "$(hostname)" "the host's hostname"
}

test_default_container_still_works() {
    setup
    assert_contains "$(podctl run --rm busybox ps)" "    1 root     ps"
    assert_eq 1 "$(podctl run --rm busybox readlink /proc/self)" "/proc/self"
    # /proc/sys reads: the container's own hostname, the host's global values.
    assert_eq box "$(podctl run --rm --hostname box busybox cat /proc/sys/kernel/hostname)"
    assert_eq "$(uname -r)" "$(podctl run --rm busybox cat /proc/sys/kernel/osrelease)" "osrelease"
    assert_eq 0 "$(podctl run --rm busybox cat /proc/sys/net/ipv4/ip_forward)" "ip_forward"
    # What is not masked reads as before.
    assert_contains "$(podctl run --rm busybox cat /proc/self/status)" "Name:	cat"
    assert_contains "$(podctl run --rm busybox head -n 1 /proc/meminfo)" "MemTotal:"
    # A read-only root and a container with the host's PID namespace get
    # the same masks.
    refused podctl run --rm --read-only busybox sh -c ": >> $CORE"
    assert_contains "$LAST_ERR" "Read-only file system"
    assert_eq 0 "$(podctl run --rm --pid host busybox sh -c 'cat /proc/timer_list | wc -c')"
}

run_tests
