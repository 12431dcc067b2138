#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Observing and controlling running containers (issue 13): stats against
# the files of the container's cgroup and its network namespace, the
# stats stream, top against the cgroup's member list, pause and unpause
# with the freezer (and what stop, kill, rm -f and exec do to a paused
# container), update of a running container's limits, and an OOM kill
# reported as docker and kubectl report it. The cgroup dirs are found
# from the workload's /proc/PID/cgroup, as a user would.
. "$(dirname "$0")/lib.sh"

setup() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# cg_dir CONTAINER CONTROLLER: the container's leaf in that v1 hierarchy
# ("" for the unified v2 one), from its workload's /proc/PID/cgroup.
cg_dir() {
    local pid path
    pid=$(ctr_pid "$1")
    [ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "cg_dir: $1 has no pid"
    path=$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$pid/cgroup")
    [ -n "$path" ] || fail "cg_dir: no $2 cgroup for $1"
    if [ -z "$2" ]; then
        echo "/sys/fs/cgroup/unified$path"
    else
        echo "/sys/fs/cgroup/$2$path"
    fi
}

# update NAME BODY: POST /v1/containers/NAME/update; prints the status.
update() {
    curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$PODD_SOCKET" -X POST -d "$2" \
        "http://podd/v1/containers/$1/update"
}

# stats_of CONTAINER: its one stats object, as JSON.
stats_of() {
    podctl stats --no-stream --format json "$1" | json .0
}

test_stats_match_the_cgroup_files() {
    setup
    local s mem
    podctl run -d --name web --memory 64m --pids-limit 40 busybox \
        sh -c 'sleep 1000 & sleep 1000' > /dev/null
    mem=$(cg_dir web memory)
    s=$(stats_of web)
    assert_eq "$(echo "$s" | json .name)" web
    assert_eq "$(echo "$s" | json .memory.limit)" 67108864
    assert_eq "$(echo "$s" | json .memory.limit)" "$(cat "$mem/memory.limit_in_bytes")"
    # usage is the cgroup's, less its inactive page cache, as docker shows it
    python3 - "$s" "$mem" << 'EOF' || fail "memory usage does not match $mem"
import json, sys
s = json.loads(sys.argv[1])["memory"]
stat = dict(l.split() for l in open(sys.argv[2] + "/memory.stat"))
assert 0 < s["raw_usage"] <= 64 << 20, s
assert s["usage"] <= s["raw_usage"], s
assert s["raw_usage"] - s["usage"] <= int(stat["total_inactive_file"]) + (1 << 20), (s, stat)
EOF
    # two processes: the sleep in the background, and the one sh became
    assert_eq 2 "$(echo "$s" | json .pids.current)"
    assert_eq "$(echo "$s" | json .pids.current)" "$(cat "$(cg_dir web pids)/pids.current")"
    assert_eq "$(echo "$s" | json .pids.limit)" 40
    # not lo: only the interfaces it reaches others through
    assert_not_contains "$(echo "$s" | json .networks)" '"lo"'
    # the table, as docker's
    out=$(podctl stats --no-stream)
    assert_contains "$out" "MEM USAGE / LIMIT"
    assert_contains "$out" "web"
    assert_contains "$out" "/ 64MiB"
}

test_stats_network_and_block_io_follow_the_workload() {
    setup
    local s rx0 rx1
    podctl pod create p > /dev/null
    podctl run -d --pod p --name web busybox sleep 1000 > /dev/null
    rx0=$(stats_of web | json .net_rx_bytes)
    # traffic in the container's namespace: pings to its gateway
    podctl exec web ping -c 3 -W 1 10.77.0.1 > /dev/null 2>&1 || true
    s=$(stats_of web)
    rx1=$(echo "$s" | json .net_rx_bytes)
    assert_contains "$(echo "$s" | json .networks)" eth0
    [ "$rx1" -gt "$rx0" ] || fail "received bytes did not grow: $rx0 then $rx1"
    # net_rx_bytes is the sum of the interfaces of /proc/PID/net/dev but lo
    want=$(awk -F'[: ]+' 'NR > 2 && $2 != "lo" { s += $3 } END { print s }' \
        "/proc/$(ctr_pid web)/net/dev")
    [ "$rx1" -le "$want" ] || fail "stats say $rx1 received, /proc says $want"
    # block I/O is that of blkio.throttle.io_service_bytes (zero or more)
    rd=$(echo "$s" | json .block_read_bytes)
    [ "$rd" -ge 0 ] || fail "block_read_bytes $rd"
}

test_stats_cpu_percent_of_a_busy_container() {
    setup
    podctl run -d --name busy busybox sh -c 'while :; do :; done' > /dev/null
    # two one-shot reads make a sample of the interval between them
    busy() {
        python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 20 else 1)' \
            "$(stats_of busy | json .cpu_percent)"
    }
    wait_for busy
    # cpu_stats.total_usage is cpuacct.usage
    local a b c
    a=$(cat "$(cg_dir busy cpuacct)/cpuacct.usage")
    b=$(stats_of busy | json .cpu_stats.total_usage)
    c=$(cat "$(cg_dir busy cpuacct)/cpuacct.usage")
    [ "$a" -le "$b" ] && [ "$b" -le "$c" ] || fail "total_usage $b not between $a and $c"
}

test_stats_of_every_container_and_of_a_stopped_one() {
    setup
    podctl run -d --name a busybox sleep 1000 > /dev/null
    podctl run -d --name b busybox sleep 1000 > /dev/null
    podctl run -d --name c busybox true > /dev/null
    wait_for is_exited c
    out=$(api "http://podd/v1/stats")
    assert_eq "$(echo "$out" | json . | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
    # a named container that does not run shows zeros, as docker's
    assert_eq "$(stats_of c | json .memory.usage)" 0
    assert_exit 125 podctl stats --no-stream nosuch
    assert_exit 125 podctl stats --no-stream --format yaml a
    assert_contains "$(api "http://podd/v1/stats?stream=maybe")" invalid
}

test_stats_stream_sends_a_sample_a_second() {
    setup
    local lines
    podctl run -d --name web busybox sleep 1000 > /dev/null
    # podctl streams until its reader goes: two samples, then head closes
    lines=$( (podctl stats --format json 2> /dev/null || true) | head -n 2)
    assert_eq "$(echo "$lines" | wc -l)" 2
    assert_contains "$(echo "$lines" | tail -n 1)" '"name":"web"'
    # one container's stream ends when it exits
    api -N "http://podd/v1/containers/web/stats?stream=1" > "$T/stream" &
    local curl=$!
    wait_for grep -q web "$T/stream"
    podctl stop -t 0 web > /dev/null
    wait "$curl" || fail "the stream of web did not end cleanly when web exited"
    # podd is fine after its stream clients went away
    podctl version > /dev/null
}

test_top_lists_the_processes_of_the_cgroup() {
    setup
    local out pid
    podctl run -d --name web busybox sh -c 'sleep 1001 & sleep 1002' > /dev/null
    out=$(podctl top web)
    assert_contains "$(echo "$out" | head -n 1)" "UID"
    assert_contains "$(echo "$out" | head -n 1)" "CMD"
    assert_contains "$out" "sleep 1001"
    assert_contains "$out" "sleep 1002"
    assert_eq 2 "$(echo "$out" | tail -n +2 | wc -l)"
    # the PIDs are the host pids in the cgroup's member list
    for pid in $(cat "$(cg_dir web "")/cgroup.procs"); do
        assert_contains "$out" " $pid "
    done
    # an exec session joins the container's cgroup, so top lists it
    podctl exec -d web sleep 1003 > /dev/null
    wait_for sh -c "podctl top web | grep -q 'sleep 1003'"
    assert_exit 125 podctl top nosuch
    podctl run -d --name idle busybox true > /dev/null
    wait_for is_exited idle
    assert_exit 125 podctl top idle
}

# frozen CONTAINER: the freezer says its cgroup is frozen.
frozen() {
    local v2
    v2=$(cg_dir "$1" "")
    grep -qx 'frozen 1' "$v2/cgroup.events"
}

test_pause_and_unpause() {
    setup
    podctl run -d --name web busybox sh -c 'sleep 1000 & sleep 1000' > /dev/null
    assert_eq "$(podctl pause web)" web
    assert_eq "$(ctr_field web .state)" paused
    wait_for frozen web
    assert_contains "$(podctl ps)" "(Paused)"
    assert_contains "$(podctl ps --format json | json .0.state)" paused
    # exec is refused, as docker's
    out=$(podctl exec web true 2>&1) && fail "exec into a paused container ran"
    assert_contains "$out" "is paused"
    assert_exit 125 podctl pause web
    # stats and top still answer
    assert_eq 2 "$(stats_of web | json .pids.current)"
    assert_contains "$(podctl top web)" "sleep 1000"
    assert_eq "$(podctl unpause web)" web
    assert_eq "$(ctr_field web .state)" running
    ! frozen web || fail "web is still frozen after unpause"
    assert_exit 125 podctl unpause web
    podctl exec web true
    assert_contains "$(podctl events --since 1m --until 0s)" "container pause web"
}

test_stop_kill_and_rm_of_a_paused_container() {
    setup
    podctl run -d --name a busybox sleep 1000 > /dev/null
    podctl run -d --name b busybox sleep 1000 > /dev/null
    podctl run -d --name c busybox sleep 1000 > /dev/null
    podctl pause a b c > /dev/null
    # stop thaws it, so that SIGTERM (then SIGKILL) is acted on
    podctl stop -t 1 a > /dev/null
    assert_eq "$(ctr_field a .state)" exited
    podctl kill b > /dev/null
    wait_for is_exited b
    assert_eq "$(ctr_field b .exit_code)" 137
    podctl rm -f c > /dev/null
    assert_exit 125 podctl inspect c
    # a paused container of a pod stops with its pod
    podctl pod create p > /dev/null
    podctl run -d --pod p --name d busybox sleep 1000 > /dev/null
    podctl pause d > /dev/null
    podctl pod stop -t 1 p > /dev/null
    assert_eq "$(ctr_field d .state)" exited
}

test_update_changes_the_limits_of_a_running_container() {
    setup
    local mem pids out
    podctl run -d --name web --memory 64m busybox sleep 1000 > /dev/null
    mem=$(cg_dir web memory)
    pids=$(cg_dir web pids)
    assert_eq web "$(podctl update --memory 128m --pids-limit 50 web)"
    assert_eq 134217728 "$(cat "$mem/memory.limit_in_bytes")"
    assert_eq 50 "$(cat "$pids/pids.max")"
    assert_eq 134217728 "$(ctr_field web .limits.memory)"
    assert_eq 50 "$(ctr_field web .limits.pids_limit)"
    assert_eq 134217728 "$(stats_of web | json .memory.limit)"
    # --cpus lands in the CFS quota
    podctl update --cpus 0.5 web > /dev/null
    assert_eq 50000 "$(cat "$(cg_dir web cpu)/cpu.cfs_quota_us")"
    # kept for the next start
    podctl restart -t 0 web > /dev/null
    assert_eq 134217728 "$(cat "$(cg_dir web memory)/memory.limit_in_bytes")"
    # bad input: a clear one-line error, exit 125, nothing changed
    out=$(podctl update --memory lots web 2>&1) && fail "update took --memory lots"
    assert_one_line "$out"
    assert_exit 125 podctl update web
    assert_exit 125 podctl update --memory 64m nosuch
    assert_eq 400 "$(update web '{"limits": {"memory": "lots"}}')"
    assert_eq 400 "$(update web '{}')"
    assert_eq 400 "$(update web '{"bogus": 1}')"
    assert_eq 134217728 "$(ctr_field web .limits.memory)"
    # a restart policy too, as docker's update --restart
    podctl update --restart on-failure:3 web > /dev/null
    assert_eq on-failure:3 "$(ctr_field web .restart_policy)"
}

test_oom_kill_is_reported() {
    setup
    # tail buffers /dev/zero's endless line until the memory limit
    podctl run -d --name hog --memory 16m --memory-swap 16m busybox tail /dev/zero > /dev/null
    wait_for is_exited hog
    assert_eq "$(ctr_field hog .exit_code)" 137
    assert_eq "$(ctr_field hog .oom_killed)" true
    assert_eq "$(ctr_field hog .reason)" OOMKilled
    assert_contains "$(podctl ps -a)" "Exited (137)"
    assert_contains "$(podctl events --since 1m --until 0s)" "container oom hog"
    # a SIGKILL that is not the OOM killer's is not reported as one
    podctl run -d --name victim busybox sleep 1000 > /dev/null
    podctl kill victim > /dev/null
    wait_for is_exited victim
    assert_eq "$(ctr_field victim .oom_killed)" false
    # in a pod: kubectl's OOMKilled in pod ls
    podctl pod create p > /dev/null
    podctl run -d --pod p --name phog --memory 16m --memory-swap 16m busybox \
        tail /dev/zero > /dev/null
    wait_for is_exited phog
    assert_contains "$(podctl pod ls)" OOMKilled
}

run_tests
