#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cgroups (issue 13): a cgroup per pod with the infra and each container in
# a leaf of its own, under the test's parent; limits seen in the cgroup
# files from the host and from inside (a cgroup namespace with the
# container's own cgroup read-only at /sys/fs/cgroup); a fork bomb of
# bounded size against --pids-limit, an allocation past --memory killed
# (137); the end of a container ends what it left in a --share-pid pod;
# exec sessions in their container's leaf, the monitor outside; bad limits
# refused with nothing left; the v1-only and no-cgroup layouts. On this
# hybrid machine limits are on v1, membership and cgroup.kill on the
# unified hierarchy.
. "$(dirname "$0")/lib.sh"

# hier NAME: the test parent's dir in hierarchy NAME (cpu, memory, ...,
# unified), or nothing when this machine has no such hierarchy.
hier() {
    local h
    for h in $(cgroup_hierarchies); do
        case "$h" in
            /sys/fs/cgroup/"$1" | /sys/fs/cgroup/"$1"/*)
                echo "$h/$(cgroup_parent)"
                return 0
                ;;
        esac
    done
}

# leaf NAME CONTAINER: the container's leaf in hierarchy NAME.
leaf() {
    echo "$(hier "$1")/$(ctr_field "$2" .cgroup)"
}

busybox_run() {
    podctl run --rootfs "$IMAGES/busybox" "$@"
}

test_pod_and_container_leaves() {
    podd_start
    local pod ctr dir pid infra shim
    pod=$(podctl pod create web)
    ctr=$(busybox_run -d --pod web --name app sleep 300)
    assert_eq "pod-$pod/ctr-$ctr" "$(ctr_field app .cgroup)" "the container's cgroup"
    assert_eq "pod-$pod" "$(pod_field web .cgroup)" "the pod's cgroup"
    pid=$(ctr_pid app)
    infra=$(infra_pid web)
    shim=$(ctr_field app .shim_pid)
    for h in unified pids memory cpu freezer; do
        dir=$(hier "$h")
        [ -n "$dir" ] || continue
        assert_eq "$pid" "$(cat "$dir/pod-$pod/ctr-$ctr/cgroup.procs")" "$h: the leaf's processes"
        assert_eq "$infra" "$(cat "$dir/pod-$pod/infra/cgroup.procs")" "$h: the infra's leaf"
        assert_eq "" "$(cat "$dir/pod-$pod/cgroup.procs")" "$h: nothing in the pod's own"
    done
    # The monitor stays outside: a kill of the leaf never takes it.
    assert_not_contains "$(cat "/proc/$shim/cgroup")" "ctr-$ctr" "the monitor's cgroups"
    assert_contains "$(cat "$(hier unified)/pod-$pod/ctr-$ctr/cgroup.events")" "populated 1"
    podctl rm -f app > /dev/null
    wait_for test ! -d "$(hier unified)/pod-$pod/ctr-$ctr"
    podctl pod rm -f web > /dev/null
    wait_for test ! -d "$(hier unified)/pod-$pod"
}

test_cgroup_namespace_and_read_only_cgroupfs() {
    podd_start
    busybox_run -d --name c -m 64m sleep 300 > /dev/null
    # Its own cgroup is its root, in every hierarchy.
    assert_eq "" "$(podctl exec c cat /proc/self/cgroup | grep -v name= | grep -v ':/$' || true)" \
        "cgroups inside not at /"
    assert_eq 67108864 "$(podctl exec c cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" \
        "the limit read inside"
    assert_contains "$(podctl exec c ls /sys/fs/cgroup)" "unified"
    assert_exit 1 podctl exec c mkdir /sys/fs/cgroup/pids/escape
    assert_exit 1 podctl exec c sh -c 'echo 1 > /sys/fs/cgroup/pids/pids.max'
}

test_limits_in_the_cgroup_files() {
    podd_start
    busybox_run -d --name lim -m 64m --memory-reservation 32m --cpus 0.5 --cpu-shares 512 \
        --cpuset-cpus 0 --pids-limit 50 sleep 300 > /dev/null
    assert_eq 67108864 "$(cat "$(leaf memory lim)/memory.limit_in_bytes")" "memory"
    assert_eq 33554432 "$(cat "$(leaf memory lim)/memory.soft_limit_in_bytes")" "reservation"
    assert_eq 50000 "$(cat "$(leaf cpu lim)/cpu.cfs_quota_us")" "cpu quota"
    assert_eq 100000 "$(cat "$(leaf cpu lim)/cpu.cfs_period_us")" "cpu period"
    assert_eq 512 "$(cat "$(leaf cpu lim)/cpu.shares")" "cpu shares"
    assert_eq 0 "$(cat "$(leaf cpuset lim)/cpuset.cpus")" "cpuset"
    assert_eq 50 "$(cat "$(leaf pids lim)/pids.max")" "pids"
    assert_eq 67108864 "$(ctr_field lim .limits.memory)" "inspect: memory"
    assert_eq 500000000 "$(ctr_field lim .limits.nano_cpus)" "inspect: cpus"
    # Kept across a restart of the container, and of podd.
    podctl restart -t 0 lim > /dev/null
    assert_eq 50 "$(cat "$(leaf pids lim)/pids.max")" "pids after a restart"
    podd_stop
    podd_start
    assert_eq 512 "$(ctr_field lim .limits.cpu_shares)" "inspect after podd's restart"
}

test_pids_limit_stops_a_fork_bomb() {
    podd_start
    busybox_run -d --name bomb --pids-limit 10 sleep 300 > /dev/null
    # 30 children asked, 10 processes allowed: the shell is told it cannot fork.
    assert_exit 2 podctl exec bomb sh -c 'i=0; while [ $i -lt 30 ]; do sleep 300 & i=$((i+1)); done'
    assert_contains "$LAST_ERR" "can't fork"
    # Its shell has gone: the workload and 8 children are left of the 10.
    assert_eq 9 "$(cat "$(leaf pids bomb)/pids.current")" "processes in the leaf"
    [ "$(awk '$1 == "max" {print $2}' "$(leaf pids bomb)/pids.events")" -gt 0 ] ||
        fail "pids.events counts no refused fork"
    podctl rm -f bomb > /dev/null
}

test_memory_limit_kills_an_allocation() {
    podd_start
    # tail keeps a line without a newline whole: 64 MiB against 16 MiB.
    assert_exit 137 busybox_run --name oom -m 16m sh -c 'head -c 64m /dev/zero | tail'
    assert_eq 137 "$(ctr_field oom .exit_code)" "exit code"
    podctl rm oom > /dev/null
}

test_share_pid_pod_leftovers_end_with_the_container() {
    podd_start
    local dir pids p
    podctl pod create --share-pid shared > /dev/null
    busybox_run -d --pod shared --name a sh -c 'sleep 1000 & exec sleep 2000' > /dev/null
    dir=$(leaf unified a)
    wait_for test "$(wc -l < "$dir/cgroup.procs")" = 2
    pids=$(cat "$dir/cgroup.procs")
    podctl stop -t 1 a > /dev/null
    for p in $pids; do wait_for is_gone "$p"; done
    wait_for test ! -d "$dir"
    assert_eq running "$(pod_field shared .state)" "the pod"
    podctl pod rm -f shared > /dev/null
}

test_exec_joins_the_leaf() {
    podd_start
    local dir
    busybox_run -d --name c sleep 300 > /dev/null
    dir=$(leaf unified c)
    podctl exec -d c sleep 301
    wait_for test "$(wc -l < "$dir/cgroup.procs")" = 2
    assert_eq "0::/" "$(podctl exec c cat /proc/self/cgroup | grep '^0::')" "exec's cgroup"
    podctl rm -f c > /dev/null
    wait_for test ! -d "$dir"
}

test_pod_limits_on_the_pod_cgroup() {
    podd_start
    local pod
    pod=$(podctl pod create -m 128m --pids-limit 100 limited)
    assert_eq 134217728 "$(cat "$(hier memory)/pod-$pod/memory.limit_in_bytes")" "pod memory"
    assert_eq 100 "$(cat "$(hier pids)/pod-$pod/pids.max")" "pod pids"
    assert_eq 134217728 "$(pod_field limited .limits.memory)" "inspect"
    podctl pod rm -f limited > /dev/null
}

test_kube_resources_map_as_the_kubelet() {
    podd_start
    local body
    body='{"name":"k","rootfs":"'$IMAGES/busybox'","command":["sleep","300"],"start":true,
           "resources":{"requests":{"cpu":"250m","memory":"32Mi"},
                        "limits":{"cpu":"500m","memory":"64Mi"}},
           "limits":{"pids_limit":20}}'
    api -X POST -H 'Content-Type: application/json' -d "$body" http://podd/v1/containers > /dev/null
    wait_for is_running k
    assert_eq 256 "$(ctr_field k .limits.cpu_shares)" "requests.cpu as shares"
    assert_eq 500000000 "$(ctr_field k .limits.nano_cpus)" "limits.cpu"
    assert_eq 67108864 "$(ctr_field k .limits.memory)" "limits.memory"
    assert_eq 33554432 "$(ctr_field k .limits.memory_reservation)" "requests.memory"
    assert_eq 20 "$(ctr_field k .limits.pids_limit)" "limits keeps its own"
    assert_eq 256 "$(cat "$(leaf cpu k)/cpu.shares")" "cpu.shares"
    assert_eq 50000 "$(cat "$(leaf cpu k)/cpu.cfs_quota_us")" "quota"
    podctl rm -f k > /dev/null
}

test_bad_limits_leave_nothing() {
    podd_start
    local bad
    for bad in "-m 1x" "-m -5" "-m 1k" "--cpus 0" "--cpus 1000" "--cpus x" \
        "--cpuset-cpus 99" "--cpuset-cpus 1-" "--cpu-shares 1" "--pids-limit -2" \
        "--memory-swap 10m -m 20m" "--memory-swap 10m" "--memory-reservation 64m -m 32m"; do
        # shellcheck disable=SC2086  # the flags split on purpose
        assert_exit 125 busybox_run --name bad $bad true
        assert_one_line "$LAST_ERR"
    done
    # shellcheck disable=SC2086
    assert_exit 125 podctl pod create -m 1x badpod
    assert_exit 125 podctl pod create --cpuset-cpus 99 badpod
    assert_eq "" "$(podctl ps -aq)" "containers left"
    assert_eq "" "$(podctl pod ls -q)" "pods left"
    assert_eq "" "$(cgroup_dirs)" "cgroups left"
}

test_info_shows_the_layout() {
    podd_start
    assert_contains "$(podctl info)" "Cgroups:"
    assert_eq "$(cgroup_parent)" "$(podctl info | sed -n 's/^Cgroup parent: *//p')" "info's cgroup parent"
    [ "$(podctl info --format json | json .cgroup.layout)" = "$(podctl info --format json |
        json .cgroup_version)" ] || fail "cgroup_version is the layout"
}

test_v1_layout_freezes_and_kills() {
    [ -n "$(hier freezer)" ] || { echo "    (no v1 freezer here: skipped)"; return 0; }
    podd_start --cgroup-layout v1
    local dir pids p
    assert_eq v1 "$(podctl info --format json | json .cgroup.layout)" "layout"
    podctl pod create --share-pid p1 > /dev/null
    busybox_run -d --pod p1 --name a --pids-limit 20 sh -c 'sleep 1000 & exec sleep 2000' \
        > /dev/null
    dir=$(leaf freezer a)
    [ ! -d "$(hier unified)/$(ctr_field a .cgroup)" ] || fail "v1 layout made a v2 cgroup"
    wait_for test "$(wc -l < "$dir/cgroup.procs")" = 2
    assert_eq 20 "$(cat "$(leaf pids a)/pids.max")" "pids"
    pids=$(cat "$dir/cgroup.procs")
    podctl stop -t 1 a > /dev/null
    for p in $pids; do wait_for is_gone "$p"; done
    wait_for test ! -d "$dir"
    podctl pod rm -f p1 > /dev/null
}

test_no_cgroups_layout_refuses_limits() {
    podd_start --cgroup-layout none
    assert_eq none "$(podctl info --format json | json .cgroup.layout)" "layout"
    assert_eq hi "$(busybox_run --rm echo hi)" "a run without cgroups"
    assert_exit 125 busybox_run -m 64m true
    assert_contains "$LAST_ERR" "cgroup"
    assert_eq "" "$(cgroup_dirs)" "cgroups made"
}

test_bad_cgroup_flags() {
    assert_exit 2 podd --root "$T/root" --run-dir "$T/run" --cgroup-layout v3
    assert_exit 1 podd --root "$T/root" --run-dir "$T/run" --foreground --cgroup-parent ../up
    assert_contains "$LAST_ERR" "cgroup-parent"
}

run_tests
