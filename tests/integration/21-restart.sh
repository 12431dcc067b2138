#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Restart policies (issue 12): docker's no, on-failure[:N], always and
# unless-stopped on `podctl run --restart`, a pod's Kubernetes policy as
# its containers' default, the kubelet's crash-loop backoff (tuned short
# with --restart-backoff, its waits read from the recorded times and only
# ordered, never timed), a restarted container in its pod's namespaces and
# address, a user's stop (stop, kill, pod stop) never undone, restarts
# across a podd killed and started again, `logs --previous`, and bad
# values refused with nothing left behind.
. "$(dirname "$0")/lib.sh"

# A short backoff for the tests, unless one says otherwise.
BACKOFF=0.2:1

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start --restart-backoff "${1:-$BACKOFF}"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

count_of() {
    ctr_field "$1" .restart_count
}

# runs_again NAME N: NAME runs, restarted at least N times.
runs_again() {
    [ "$(ctr_field "$1" .state)" = running ] && [ "$(count_of "$1")" -ge "$2" ]
}

# restarted NAME N: restarted at least N times (whatever its state now).
restarted() {
    [ "$(count_of "$1")" -ge "$2" ]
}

# settled NAME: exited, and no restart waits for it.
settled() {
    [ "$(ctr_field "$1" .state)" = exited ] && [ -z "$(ctr_field "$1" .waiting)" ] &&
        ! podctl ps | grep -qw "$1"
}

test_no_on_failure_always_unless_stopped() {
    with_busybox
    podctl run -d --name no --restart no busybox sh -c 'exit 1' > /dev/null
    podctl run -d --name ok --restart on-failure busybox true > /dev/null
    podctl run -d --name bad --restart on-failure busybox sh -c 'exit 1' > /dev/null
    podctl run -d --name always --restart always busybox true > /dev/null
    podctl run -d --name unless --restart unless-stopped busybox sh -c 'exit 5' > /dev/null
    podctl run -d --name plain busybox sh -c 'exit 1' > /dev/null
    # Each one that restarts does so twice (the second one after a wait).
    wait_for restarted bad 2
    wait_for restarted always 2
    wait_for restarted unless 2
    # Meanwhile, the others exited once and stayed so.
    for c in no ok plain; do
        wait_for settled "$c"
        assert_eq 0 "$(count_of "$c")" "$c's restarts"
    done
    assert_eq no "$(ctr_field plain .restart_policy)" "the default"
    assert_eq on-failure "$(ctr_field bad .restart_policy)"
    assert_eq unless-stopped "$(ctr_field unless .restart_policy)"
    # The end of the instance before, in inspect.
    assert_eq 1 "$(ctr_field bad .last_state.exit_code)"
    assert_eq Error "$(ctr_field bad .last_state.reason)"
    assert_eq 0 "$(ctr_field always .last_state.exit_code)"
    assert_eq Completed "$(ctr_field always .last_state.reason)"
    assert_eq 5 "$(ctr_field unless .last_state.exit_code)"
    assert_ne "" "$(ctr_field always .last_state.finished)"
    assert_eq 0 "$(ctr_field ok .exit_code)"
}

test_on_failure_max_retries() {
    with_busybox
    podctl run -d --name twice --restart on-failure:2 busybox sh -c 'exit 3' > /dev/null
    wait_for restarted twice 2
    wait_for settled twice
    assert_eq 2 "$(count_of twice)" "restarts of on-failure:2"
    assert_eq on-failure:2 "$(ctr_field twice .restart_policy)"
    assert_eq 3 "$(ctr_field twice .exit_code)"
    assert_eq 3 "$(ctr_field twice .last_state.exit_code)"
    # A user's start gives it its retries again, as docker's.
    podctl start twice > /dev/null 2>&1 || true
    wait_for restarted twice 1
    wait_for settled twice
    assert_eq 2 "$(count_of twice)" "restarts after a user's start"
}

# The waits of a crash loop, from the recorded times. While the container
# is exited after its restart number K, last_state is that instance's end;
# the wait before restart K+1 is the next instance's start minus that end.
#   crash_loop_waits NAME N READY
# Prints the waits before restarts 2..N+1 (the first one is at once), one a
# line. Waits for NAME to exist; touches READY once it watches.
crash_loop_waits() {
    python3 - "$1" "$2" "$3" << 'PY'
import json, subprocess, sys, time
from datetime import datetime

def secs(s):
    # RFC 3339 with nanoseconds: datetime takes up to microseconds.
    head, _, frac = s.rstrip("Z").partition(".")
    t = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").timestamp()
    return t + (float("0." + frac) if frac else 0.0)

name, n, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
open(ready, "w").close()
seen = {}
deadline = time.time() + 60
while not all(k in seen for k in range(1, n + 2)) and time.time() < deadline:
    r = subprocess.run(["podctl", "inspect", name], capture_output=True)
    if r.returncode != 0:  # not made yet
        time.sleep(0.02)
        continue
    c = json.loads(r.stdout)[0]
    last = c.get("last_state")
    if c["state"] == "exited" and last and last["started"]:
        seen[c["restart_count"]] = (last["started"], last["finished"])
    time.sleep(0.02)
if not all(k in seen for k in range(1, n + 2)):
    sys.exit("saw the ends after restarts %s, not 1..%d" % (sorted(seen), n + 1))
for k in range(1, n + 1):
    print("%.3f" % (secs(seen[k + 1][0]) - secs(seen[k][1])))
PY
}

test_crash_loop_backoff_grows() {
    with_busybox 10:300
    # The pod's backoff wins over podd's (10 s would take minutes).
    podctl pod create loop --restart-backoff 0.3:1.2 > /dev/null
    # The watcher first: python takes its time to start on a busy machine,
    # and the first wait is short.
    local waits watcher
    crash_loop_waits crash 3 "$T/watching" > "$T/waits" &
    watcher=$!
    wait_for test -e "$T/watching"
    podctl run -d --pod loop --name crash --restart always busybox sh -c 'echo crashing; exit 1' > /dev/null
    wait "$watcher" || fail "crash_loop_waits failed"
    waits=$(cat "$T/waits")
    echo "    waits before restarts 2, 3, 4 (s): $(echo "$waits" | tr '\n' ' ')"
    # 0.3, 0.6 then 1.2 (its max): they grow, in that order.
    python3 - "$waits" << 'PY' || fail "the backoff did not grow: $waits"
import sys
w = [float(x) for x in sys.argv[1].split()]
assert w[0] < w[1] < w[2], w
PY
    # Now at its maximum, in inspect (one read of it) and in ps, as
    # kubectl shows it, with the time of the next try.
    at_max() {
        podctl inspect crash | python3 -c '
import json, sys
w = json.load(sys.stdin)[0].get("waiting") or {}
sys.exit(not (w.get("reason") == "CrashLoopBackOff" and w.get("backoff") == 1.2 and w.get("next_start")))'
    }
    wait_for at_max
    at_max_in_ps() { podctl ps | grep -w crash | grep -q 'CrashLoopBackOff (back-off 1.2s)'; }
    wait_for at_max_in_ps
    # The pod's backoff, in pod inspect.
    assert_eq 0.3 "$(pod_field loop .restart_backoff.initial)"
    # Each restart and each wait is an event.
    local ev
    ev=$(podctl events --since 5m --until "$(date +%s)" --filter container=crash --format json)
    assert_contains "$ev" '"action":"restart","attributes":{"restart_count":3}'
    assert_contains "$ev" '"action":"backoff","attributes":{"backoff":0.6,'

}

test_restarted_container_keeps_the_pods_address() {
    with_busybox
    podctl pod create web > /dev/null
    local ip
    ip=$(pod_field web .ip)
    assert_ne "" "$ip" "the pod's address"
    # Exits once, then runs: its writable layer is kept across restarts.
    podctl run -d --pod web --name once --restart on-failure busybox sh -c \
        '[ -e /ran ] && exec sleep 1000; touch /ran; exit 1' > /dev/null
    wait_for runs_again once 1
    assert_eq 1 "$(count_of once)"
    local pid
    pid=$(ctr_pid once)
    for ns in net ipc uts; do
        assert_eq "$(ns_id "$(infra_pid web)" $ns)" "$(ns_id "$pid" $ns)" "the restarted one's $ns"
    done
    assert_eq "$ip" "$(pod_field web .ip)"
    assert_contains "$(podctl exec once ip -o -4 addr show eth0)" "inet $ip/"
}

test_stop_is_not_undone() {
    with_busybox
    podctl run -d --name svc --restart always busybox sleep 1000 > /dev/null
    podctl run -d --name killed --restart unless-stopped busybox sleep 1000 > /dev/null
    podctl run -d --name crash --restart always busybox sh -c 'exit 1' > /dev/null
    podctl run -d --name witness --restart always busybox sh -c 'exit 1' > /dev/null
    wait_for is_running svc
    wait_for is_running killed
    podctl stop svc > /dev/null
    podctl kill killed > /dev/null
    wait_for settled killed
    # A crash loop stopped while it waits: the wait is cancelled.
    in_backoff() { [ -n "$(ctr_field crash .waiting)" ]; }
    wait_for in_backoff
    podctl stop crash > /dev/null
    local n
    n=$(count_of crash)
    # The witness, on the same backoff, restarts twice more meanwhile.
    local w
    w=$(count_of witness)
    wait_for restarted witness $((w + 2))
    for c in svc killed crash; do
        assert_eq exited "$(ctr_field "$c" .state)" "$c"
        assert_eq "" "$(ctr_field "$c" .waiting)" "$c's wait"
    done
    assert_eq 0 "$(count_of svc)"
    assert_eq 0 "$(count_of killed)"
    assert_eq "$n" "$(count_of crash)" "restarts after the stop"
    assert_not_contains "$(podctl ps)" "crash"
    # A user's start turns the policy on again.
    podctl start svc > /dev/null
    assert_eq running "$(ctr_field svc .state)"
}

test_pod_default_policy_and_pod_stop() {
    with_busybox
    podctl pod create kube --restart OnFailure > /dev/null
    podctl run -d --pod kube --name worker busybox sh -c '[ -e /ran ] && exec sleep 1000; touch /ran; exit 1' > /dev/null
    podctl run -d --pod kube --name finished busybox true > /dev/null
    podctl run -d --pod kube --name own --restart always busybox sleep 1000 > /dev/null
    assert_eq on-failure "$(ctr_field worker .restart_policy)" "the pod's default"
    assert_eq always "$(ctr_field own .restart_policy)" "its own wins"
    wait_for runs_again worker 1
    wait_for settled finished
    assert_eq 0 "$(count_of finished)"
    # pod stop is a user's stop of each: nothing comes back.
    podctl pod stop -t 1 kube > /dev/null
    for c in worker own; do
        wait_for settled "$c"
    done
    assert_eq 1 "$(count_of worker)"
    assert_eq 0 "$(count_of own)"
    podctl pod create never --restart Never > /dev/null
    podctl run -d --pod never --name n busybox sh -c 'exit 1' > /dev/null
    wait_for settled n
    assert_eq no "$(ctr_field n .restart_policy)"
}

test_restart_across_a_podd_restart() {
    with_busybox
    podctl run -d --name svc --restart always busybox sleep 1000 > /dev/null
    podctl run -d --name back --restart always busybox sleep 1000 > /dev/null
    podctl run -d --name down --restart unless-stopped busybox sleep 1000 > /dev/null
    podctl pod create slow > /dev/null
    podctl run -d --pod slow --name waits --restart always busybox sh -c 'exit 1' > /dev/null
    wait_for is_running svc
    wait_for is_running back
    wait_for is_running down
    podctl stop back down > /dev/null
    # waits: in its backoff (0.2 s, then 0.4, ...) when podd goes.
    in_backoff() { [ -n "$(ctr_field waits .waiting)" ]; }
    wait_for in_backoff
    local pid waits_before
    waits_before=$(count_of waits)
    pid=$(ctr_pid svc)
    podd_kill KILL
    # svc's workload ends while podd is down.
    kill -KILL "$pid"
    wait_for is_gone "$pid"
    podd_start --restart-backoff "$BACKOFF"
    # It comes back, with its count and its last state.
    wait_for runs_again svc 1
    assert_eq 1 "$(count_of svc)"
    assert_eq 137 "$(ctr_field svc .last_state.exit_code)"
    assert_ne "$pid" "$(ctr_pid svc)"
    # The waiting restart went on where it was.
    wait_for restarted waits $((waits_before + 1))
    # As docker's: always comes back after podd's restart, even after a
    # user's stop; unless-stopped stays down.
    wait_for is_running back
    wait_for settled down
    assert_eq 0 "$(count_of down)"
}

test_logs_previous() {
    with_busybox
    podctl run -d --name twice --restart always busybox sh -c \
        'n=$(cat /n 2> /dev/null || echo 0); n=$((n+1)); echo $n > /n; echo instance $n; [ $n -ge 2 ] && exec sleep 1000; exit 1' > /dev/null
    wait_for runs_again twice 1
    logs_say() { [ "$(podctl logs twice)" = "instance 2" ]; }
    wait_for logs_say
    assert_eq "instance 1" "$(podctl logs --previous twice)"
    assert_eq "instance 1" "$(podctl logs -p twice)"
    # The API's CRI lines, as curl gets them.
    assert_contains "$(api 'http://podd/v1/containers/twice/logs?previous=1')" " stdout F instance 1"
    # Without a restart there is no previous instance.
    podctl run -d --name once busybox sleep 1000 > /dev/null
    assert_exit 125 podctl logs --previous once
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "previous"
}

test_bad_values_leave_nothing() {
    with_busybox
    assert_exit 125 podctl run -d --restart sometimes busybox true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "sometimes"
    assert_exit 125 podctl run -d --restart on-failure:-1 busybox true
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl run -d --restart always:3 busybox true
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl run --rm --restart always busybox true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "--rm"
    assert_exit 125 podctl pod create --restart-backoff 5:1 p
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pod create --restart-backoff soon p
    assert_one_line "$LAST_ERR"
    # The API refuses what podctl would not send.
    local code
    code=$(api -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"image":"busybox","restart_policy":"sometimes"}' http://podd/v1/containers)
    assert_eq 400 "$code"
    code=$(api -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"image":"busybox","restart_policy":"always","auto_remove":true}' http://podd/v1/containers)
    assert_eq 400 "$code"
    code=$(api -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"name":"p","restart_backoff":{"initial":5,"max":1}}' http://podd/v1/pods)
    assert_eq 400 "$code"
    code=$(api -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d '{"name":"p","restart_policy":"Sometimes"}' http://podd/v1/pods)
    assert_eq 400 "$code"
    assert_eq "" "$(podctl ps -aq)" "containers left"
    assert_eq "" "$(podctl pod ls -q)" "pods left"
    # podd refuses a bad --restart-backoff at its start.
    assert_exit 2 podd --root "$T/root2" --run-dir "$T/run2" --restart-backoff 5:1
    assert_one_line "$LAST_ERR"
    [ ! -e "$T/run2/podd.sock" ] || fail "a podd with a bad flag made its socket"
}

run_tests
