#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Privileges of a container (issue 13): --privileged (every capability in
# CapEff, /sys writable, the masked paths visible, the host's devices in
# /dev), --device (the node in /dev, and what the devices cgroup and the
# cgroup's device program let it do), --init (podd-pause as PID 1 reaps
# an orphan's zombie, forwards stop's signal, exits with the workload's
# status), --sysctl, --ulimit, --oom-score-adj, --shm-size, and bad input
# refused with 125 and nothing left. A privileged container here never
# writes to /sys or /proc/sys: it shares the host's.
. "$(dirname "$0")/lib.sh"

setup() {
    podd_start "$@"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# A block device of the host that the suite can open: "NAME MAJOR MINOR"
# (this machine's sandbox refuses its disk even to root; a loop device
# without a backing file opens).
host_disk() {
    local f
    for f in /dev/*; do
        if [ -b "$f" ] && (: < "$f") 2> /dev/null; then
            echo "$(basename "$f") $((0x$(stat -c %t "$f"))) $((0x$(stat -c %T "$f")))"
            return 0
        fi
    done
    fail "the host has no block device in /dev that opens"
}

test_privileged_has_every_capability_and_the_hosts_devices() {
    setup
    local want out disk
    # Every capability the suite has (a machine may run it with fewer than
    # the kernel knows: this one lacks CAP_SYS_RESOURCE).
    want=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
    out=$(podctl run --rm --privileged busybox grep CapEff /proc/self/status)
    assert_contains "$out" "$want" "CapEff of a privileged container"
    out=$(podctl run --rm busybox grep CapEff /proc/self/status)
    assert_not_contains "$out" "$want" "CapEff of a default container"
    # /sys read-write, /proc/sys not bound read-only, nothing masked.
    out=$(podctl run --rm --privileged busybox cat /proc/self/mountinfo)
    assert_contains "$(grep ' /sys ' <<< "$out")" " rw," "/sys of a privileged container"
    assert_eq "" "$(grep -E ' /proc/(sys|kcore|timer_list) ' <<< "$out" || true)" "masks"
    assert_ne 0 "$(podctl run --rm --privileged busybox sh -c 'cat /proc/timer_list | wc -c')" \
        "bytes of /proc/timer_list"
    # The host's devices, as the host has them.
    read -r disk _ <<< "$(host_disk)"
    out=$(podctl run --rm --privileged busybox ls -l "/dev/$disk")
    assert_contains "$out" "b" "/dev/$disk in a privileged container"
    assert_contains "$(podctl run --rm --privileged busybox ls /dev)" "tty0"
    # Its cgroup lets it open one (read-only).
    podctl run --rm --privileged busybox sh -c ": < /dev/$disk"
    # And a default container has neither.
    assert_exit 1 podctl run --rm busybox ls "/dev/$disk"
    out=$(podctl run --rm busybox cat /proc/self/mountinfo)
    assert_contains "$(grep ' /sys ' <<< "$out")" " ro," "/sys of a default container"
    assert_contains "$out" " /proc/timer_list " "the masks of a default container"
    # Shown in inspect.
    podctl run -d --privileged --name p busybox sleep 1000 > /dev/null
    assert_eq true "$(ctr_field p .privileged)"
}

test_device_node_in_dev() {
    setup
    local out
    out=$(podctl run --rm --device /dev/null:/dev/mynull busybox \
        sh -c 'echo hi > /dev/mynull && cat /dev/mynull && ls -l /dev/mynull')
    assert_contains "$out" "crw-rw-rw-" "/dev/mynull"
    assert_contains "$out" "1,   3" "/dev/mynull's numbers"
    # A path in a subdirectory of /dev is made, and HOST alone is CTR.
    out=$(podctl run --rm --device /dev/zero:/dev/sub/dir/zero:rw --device /dev/full busybox \
        sh -c 'head -c 4 /dev/sub/dir/zero | wc -c; ls -l /dev/full')
    assert_contains "$out" "4"
    assert_contains "$out" "1,   7"
    podctl run -d --name d --device /dev/zero:/dev/z:r busybox sleep 1000 > /dev/null
    assert_eq '[{"container_path": "/dev/z", "host_path": "/dev/zero", "permissions": "r"}]' \
        "$(ctr_field d .devices)"
}

# has_zombie CONTAINER: a process of it is a zombie.
has_zombie() {
    podctl exec "$1" sh -c 'cat /proc/[0-9]*/stat' | grep -q ') Z '
}

# one_sleep_left CONTAINER: of its sleeps, only the workload's is left.
one_sleep_left() {
    [ "$(podctl exec "$1" sh -c 'cat /proc/[0-9]*/stat' | grep -c '(sleep)')" = 1 ]
}

# v1_devices_dir CONTAINER: its dir in the v1 devices hierarchy.
v1_devices_dir() {
    local h
    h=$(cgroup_hierarchies | grep '/devices$') || fail "no v1 devices hierarchy"
    echo "$h/$(cgroup_parent)/$(ctr_field "$1" .cgroup)"
}

# A node for the host's disk can be made (CAP_MKNOD, "b *:* m") and not
# opened: on this hybrid machine the v1 devices cgroup and the device
# program on the unified hierarchy each refuse it. The v1 rules opened up
# by hand ("a" in devices.allow) leave the program refusing it.
test_mknod_of_a_host_disk_cannot_be_opened() {
    setup
    local disk major minor
    read -r disk major minor <<< "$(host_disk)"
    podctl run -d --name c busybox sleep 1000 > /dev/null
    podctl exec c mknod /dev/hd b "$major" "$minor"
    assert_exit 1 podctl exec c sh -c ': < /dev/hd'
    assert_contains "$LAST_ERR" "Operation not permitted" "open of $disk's node"
    # The default devices work.
    podctl exec c sh -c 'head -c 1 /dev/urandom > /dev/null'
    podctl exec c sh -c 'echo x > /dev/null; : < /dev/zero; : < /dev/full; : < /dev/random'
    echo a > "$(v1_devices_dir c)/devices.allow"
    assert_exit 1 podctl exec c sh -c ': < /dev/hd'
    assert_contains "$LAST_ERR" "Operation not permitted" "open with only the device program"
}

# With --cgroup-layout v1 there is no program: the v1 rules alone refuse
# the node, and opened up by hand, let it be read.
test_v1_devices_cgroup_alone() {
    setup --cgroup-layout v1
    local disk major minor
    read -r disk major minor <<< "$(host_disk)"
    podctl run -d --name c busybox sleep 1000 > /dev/null
    assert_contains "$(cat "$(v1_devices_dir c)/devices.list")" "c 1:3 rwm"
    podctl exec c mknod /dev/hd b "$major" "$minor"
    assert_exit 1 podctl exec c sh -c ': < /dev/hd'
    assert_contains "$LAST_ERR" "Operation not permitted" "open of $disk's node"
    echo a > "$(v1_devices_dir c)/devices.allow"
    podctl exec c sh -c ': < /dev/hd'
}

# --device's permissions are the cgroup's: read-only is read-only (a
# device outside the default list: loop-control, c 10:237).
test_device_permissions() {
    setup
    podctl run -d --name c --device /dev/loop-control:/dev/lc:r busybox sleep 1000 > /dev/null
    podctl exec c sh -c ': < /dev/lc'
    assert_exit 1 podctl exec c sh -c ': > /dev/lc'
    assert_contains "$LAST_ERR" "Operation not permitted"
    # Not given, not allowed, even made by hand.
    podctl exec c mknod /dev/bc c 10 234
    assert_exit 1 podctl exec c sh -c ': < /dev/bc'
    assert_contains "$LAST_ERR" "Operation not permitted"
}

# The orphan's zombie of `(sleep 0.2 &)` is reaped by the init; without
# one, PID 1 is sh's exec'd sleep, which never reaps it.
test_init_reaps_zombies_and_is_pid_1() {
    setup
    podctl run -d --init --name i busybox sh -c '(sleep 0.2 &); exec sleep 1000' > /dev/null
    podctl run -d --name z busybox sh -c '(sleep 0.2 &); exec sleep 1000' > /dev/null
    assert_contains "$(podctl exec i cat /proc/1/cmdline | tr '\0' ' ')" \
        "/dev/init --init -- sh -c" "PID 1 with --init"
    wait_for has_zombie z
    # The init's orphan has exited too by then (the same sleep): gone.
    wait_for one_sleep_left i
    has_zombie i && fail "a zombie under the init"
    # Its mount: read-only, not writable by the workload.
    assert_contains "$(podctl exec i grep ' /dev/init ' /proc/self/mountinfo)" " ro,nosuid,nodev"
}

test_init_exits_with_the_workloads_status_and_forwards_signals() {
    setup
    assert_exit 7 podctl run --rm --init busybox sh -c 'exit 7'
    assert_exit 127 podctl run --rm --init busybox no-such-command
    assert_contains "$LAST_ERR$LAST_OUT" "no-such-command"
    # stop's TERM reaches the workload, which dies of it at once (as PID 1
    # without the init, sleep would ignore it until the KILL).
    podctl run -d --init --name s busybox sleep 1000 > /dev/null
    podctl stop -t 60 s > /dev/null
    assert_eq 143 "$(ctr_field s .exit_code)" "exit code after stop"
    podctl run -d --init --name t busybox sh -c 'trap "exit 3" TERM; while :; do sleep 0.05; done' \
        > /dev/null
    podctl stop -t 60 t > /dev/null
    assert_eq 3 "$(ctr_field t .exit_code)" "exit code of a workload that traps TERM"
}

test_sysctls_ulimits_oom_score_adj_and_shm_size() {
    setup
    local out before
    before=$(cat /proc/sys/net/ipv4/ip_forward)
    out=$(podctl run --rm --sysctl net.ipv4.ip_forward=$((1 - before)) \
        --sysctl kernel.shmmax=123456789 --sysctl fs.mqueue.msg_max=33 busybox \
        cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max)
    assert_eq "$((1 - before))
123456789
33" "$out" "the sysctls inside"
    assert_eq "$before" "$(cat /proc/sys/net/ipv4/ip_forward)" "the suite's ip_forward"
    # Still read-only for the workload afterwards.
    assert_exit 1 podctl run --rm --sysctl kernel.shmmax=1 busybox \
        sh -c 'echo 2 > /proc/sys/kernel/shmmax'
    out=$(podctl run --rm --ulimit nofile=1024:2048 --ulimit core=-1 --ulimit nproc=500 busybox \
        cat /proc/self/limits)
    assert_contains "$(grep 'open files' <<< "$out")" "1024                 2048"
    assert_contains "$(grep 'core file' <<< "$out")" "unlimited            unlimited"
    assert_contains "$(grep 'processes' <<< "$out")" "500                  500"
    assert_eq 500 "$(podctl run --rm --oom-score-adj 500 busybox cat /proc/self/oom_score_adj)"
    # Below the shim's own value needs CAP_SYS_RESOURCE, which podd may not
    # have (this machine's suite does not): tried only where it has it.
    if capsh --has-p=cap_sys_resource 2> /dev/null; then
        assert_eq -300 \
            "$(podctl run --rm --oom-score-adj -300 busybox cat /proc/self/oom_score_adj)"
    fi
    out=$(podctl run --rm --shm-size 8m busybox grep ' /dev/shm ' /proc/self/mountinfo)
    assert_contains "$out" "size=8192k" "/dev/shm"
    # As the record keeps them.
    podctl run -d --name k --ulimit nofile=100 --oom-score-adj 10 --shm-size 1m \
        --sysctl net.core.somaxconn=100 busybox sleep 1000 > /dev/null
    assert_eq '[{"hard": 100, "name": "nofile", "soft": 100}]' "$(ctr_field k .ulimits)"
    assert_eq 10 "$(ctr_field k .oom_score_adj)"
    assert_eq 1048576 "$(ctr_field k .shm_size)"
    assert_eq '{"net.core.somaxconn": "100"}' "$(ctr_field k .sysctls)"
    assert_eq 10 "$(cat "/proc/$(ctr_pid k)/oom_score_adj")" "from the host"
    assert_contains "$(grep 'open files' "/proc/$(ctr_pid k)/limits")" "100                  100"
    # A restarted podd reads them back from the record, and starts with them.
    podd_stop
    podd_start
    assert_eq '{"net.core.somaxconn": "100"}' "$(ctr_field k .sysctls)" "after a podd restart"
    podctl restart -t 0 k > /dev/null
    assert_eq 10 "$(cat "/proc/$(ctr_pid k)/oom_score_adj")" "after a restart"
}

# refused WHAT CMD...: CMD exits 125 with one line naming WHAT, and no
# container is left.
refused() {
    local what=$1
    shift
    assert_exit 125 "$@"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "$what"
    assert_eq "" "$(podctl ps -a -q)" "containers left by '$*'"
}

test_bad_input_is_refused_and_leaves_nothing() {
    setup
    refused "kernel.panic" podctl run --rm --sysctl kernel.panic=1 busybox true
    refused "use --hostname" podctl run --rm --sysctl kernel.hostname=x busybox true
    refused "does not exist" podctl run --rm --sysctl net.ipv4.no_such_knob=1 busybox true
    refused "network=host" podctl run --rm --network host --sysctl net.core.somaxconn=1 \
        busybox true
    refused "ipc" podctl run --rm --ipc host --sysctl kernel.shmmax=1 busybox true
    refused "/dev/no-such-device" podctl run --rm --device /dev/no-such-device busybox true
    refused "not a char or block device" podctl run --rm --device /etc/passwd:/dev/x busybox true
    refused "under /dev" podctl run --rm --device /dev/null:/tmp/null busybox true
    refused "under /dev" podctl run --rm --device /dev/null:/dev/../etc/x busybox true
    refused "permissions" podctl run --rm --device /dev/null:/dev/n:rwx busybox true
    refused "not a resource" podctl run --rm --ulimit nosuch=1 busybox true
    refused "over the hard limit" podctl run --rm --ulimit nofile=20:10 busybox true
    refused "--ulimit" podctl run --rm --ulimit nofile busybox true
    refused "--oom-score-adj" podctl run --rm --oom-score-adj 1001 busybox true
    refused "--shm-size" podctl run --rm --shm-size lots busybox true
    # The API by hand refuses what podctl would not send.
    local out
    out=$(api -X POST -H 'Content-Type: application/json' \
        -d '{"image":"busybox","sysctls":{"vm.swappiness":"1"}}' http://podd/v1/containers)
    assert_contains "$out" "not allowed"
    out=$(api -X POST -H 'Content-Type: application/json' \
        -d '{"image":"busybox","ulimits":[{"name":"nofile","soft":1}]}' http://podd/v1/containers)
    assert_contains "$out" "hard"
    assert_eq "" "$(podctl ps -a -q)" "containers left"
}

run_tests
