#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# issue 12, podlife: a pod's lifecycle as the kubelet runs it and kubectl
# shows it. Through the API (curl) and podctl: init containers one at a
# time, each to exit 0, before the app containers (Init:0/2 -> Init:1/2 ->
# Running, seen by waiting on conditions the test opens one at a time); a
# failing init container under Never (Init:Error, Failed, no app start)
# and under OnFailure (waits for its restart policy, never Failed); a
# native sidecar started before the app and running beside it; Job-like
# pods (Completed/Succeeded, Error/Failed); pod stop (apps first, then
# sidecars, then the infra; the termination grace period honoured); pod
# start after pod stop (init containers run again); the active deadline;
# bad input (one line, exit 125, nothing left). Each test ends with the
# leak check.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    mkdir -p "$T/shared"
}

# ctr POD NAME ROLE SCRIPT [EXTRA_JSON]: create (not start) a busybox
# container of POD through the API, running `sh -c SCRIPT` with the test's
# shared dir at /shared. EXTRA_JSON is merged into the body.
ctr() {
    local body out
    body=$(python3 -c '
import json, sys
b = {"pod": sys.argv[1], "name": sys.argv[2], "role": sys.argv[3], "image": "busybox",
     "command": ["sh", "-c", sys.argv[4]], "volumes": [sys.argv[5] + "/shared:/shared"]}
b.update(json.loads(sys.argv[6]))
print(json.dumps(b))' "$1" "$2" "$3" "$4" "$T" "${5:-{\}}")
    out=$(api -X POST -d "$body" http://podd/v1/containers)
    [ -n "$(printf '%s' "$out" | json .id)" ] || fail "create $2: $out"
}

# pod_is POD STATUS: the pod's STATUS column is STATUS.
pod_is() {
    [ "$(pod_field "$1" .status)" = "$2" ]
}

# gate N: a script line that waits until the test creates /shared/goN.
gate() {
    echo "while [ ! -e /shared/go$1 ]; do sleep 0.02; done"
}

# has_started CONTAINER: it has a start time (it ran at least once).
has_started() {
    [ -n "$(ctr_field "$1" .started)" ]
}

# epoch RFC3339: seconds since the epoch, with the fraction.
epoch() {
    python3 -c '
import datetime, sys
s = sys.argv[1]
base, frac = s[:19], s[19:].rstrip("Z").lstrip(".") or "0"
t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
print("%.6f" % (t.timestamp() + float("0." + frac)))' "$1"
}

# later A B: the time A is not before the time B (RFC 3339, UTC).
later() {
    python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' \
        "$(epoch "$1")" "$(epoch "$2")"
}

test_init_containers_run_in_order_before_the_app() {
    setup
    podctl pod create --restart Always web > /dev/null
    ctr web init1 init "$(gate 1); echo one >> /shared/data"
    ctr web init2 init "$(gate 2); echo two >> /shared/data"
    ctr web app app 'cat /shared/data > /shared/seen; exec sleep 1000'
    assert_eq 1 "$(ctr_field init1 .seq)"
    assert_eq 3 "$(ctr_field app .seq)"
    assert_eq init "$(ctr_field init2 .role)"
    podctl pod start web > /dev/null
    wait_for pod_is web Init:0/2
    assert_eq Pending "$(pod_field web .phase)"
    assert_eq 0/1 "$(pod_field web .ready)"
    assert_eq created "$(ctr_field init2 .state)" "init2 waits for init1"
    touch "$T/shared/go1"
    wait_for pod_is web Init:1/2
    assert_eq created "$(ctr_field app .state)" "the app waits for the init containers"
    touch "$T/shared/go2"
    wait_for pod_is web Running
    assert_eq Running "$(pod_field web .phase)"
    assert_eq 1/1 "$(pod_field web .ready)"
    assert_eq 0 "$(pod_field web .restarts)"
    wait_for test -s "$T/shared/seen"
    assert_eq "one two" "$(tr '\n' ' ' < "$T/shared/seen" | sed 's/ $//')" "what the app read"
    # Each started after the one before it ended.
    later "$(ctr_field init2 .started)" "$(ctr_field init1 .finished)" ||
        fail "init2 started before init1 ended"
    later "$(ctr_field app .started)" "$(ctr_field init2 .finished)" ||
        fail "the app started before init2 ended"
    # The pod's list of containers says who is who.
    assert_eq init "$(pod_field web .containers.0.role)"
    assert_eq true "$(pod_field web .containers.2.ready)"
    # pod ls as kubectl get pods.
    local ls
    ls=$(podctl pod ls)
    assert_contains "$(head -n 1 <<< "$ls")" "NAME"
    assert_eq "NAME READY STATUS RESTARTS AGE" "$(head -n 1 <<< "$ls" | awk '{print $1, $2, $3, $4, $5}')"
    assert_eq "web 1/1 Running 0" "$(grep '^web ' <<< "$ls" | awk '{print $1, $2, $3, $4}')"
    # A start of a running pod leaves what runs alone and runs no init again.
    local pid
    pid=$(ctr_pid app)
    podctl pod start web > /dev/null
    assert_eq "$pid" "$(ctr_pid app)"
    assert_eq 2 "$(wc -l < "$T/shared/data")"
}

test_init_container_feeds_an_empty_dir() {
    setup
    local out
    out=$(api -X POST http://podd/v1/pods -d '{"name":"web","restart_policy":"Always",
        "volumes":[{"name":"html","type":"empty_dir"}]}')
    [ -n "$(printf '%s' "$out" | json .id)" ] || fail "pod create: $out"
    out=$(api -X POST http://podd/v1/containers -d '{"pod":"web","name":"fetch","role":"init",
        "image":"busybox","command":["sh","-c","echo hello from init > /html/index.html"],
        "pod_mounts":[{"volume":"html","target":"/html"}]}')
    [ -n "$(printf '%s' "$out" | json .id)" ] || fail "init create: $out"
    out=$(api -X POST http://podd/v1/containers -d '{"pod":"web","name":"web","image":"busybox",
        "command":["sh","-c","cat /www/index.html; exec httpd -f -p 8080 -h /www"],
        "pod_mounts":[{"volume":"html","target":"/www","read_only":true}]}')
    [ -n "$(printf '%s' "$out" | json .id)" ] || fail "app create: $out"
    podctl pod start web > /dev/null
    wait_for pod_is web Running
    said_hello() { podctl logs web | grep -q "hello from init"; }
    wait_for said_hello
    assert_eq 0 "$(ctr_field fetch .exit_code)"
}

test_failing_init_under_never_is_init_error() {
    setup
    podctl pod create --restart Never job > /dev/null
    ctr job init1 init 'exit 3'
    ctr job app app 'exec sleep 1000'
    podctl pod start job > /dev/null
    wait_for pod_is job Init:Error
    assert_eq Failed "$(pod_field job .phase)"
    assert_eq 3 "$(ctr_field init1 .exit_code)"
    assert_eq created "$(ctr_field app .state)"
    if has_started app; then fail "the app started after a failed init container"; fi
}

test_failing_init_under_on_failure_is_retried() {
    setup
    podctl pod create --restart OnFailure --restart-backoff 0.2:1 retry > /dev/null
    # Fails until the test opens its gate, then passes.
    ctr retry init1 init 'echo x >> /shared/tries; [ -e /shared/go1 ]'
    ctr retry app app 'exec sleep 1000'
    podctl pod start retry > /dev/null
    failed_once() {
        case "$(pod_field retry .status)" in
            Init:Error | Init:CrashLoopBackOff) return 0 ;;
            *) return 1 ;;
        esac
    }
    wait_for failed_once
    assert_eq Pending "$(pod_field retry .phase)" "OnFailure: not failed, waiting"
    if has_started app; then fail "the app started after a failed init container"; fi
    # Its backoff restarts it; the sequence goes on once it exits 0.
    tried_twice() { [ "$(wc -l < "$T/shared/tries")" -ge 2 ]; }
    wait_for tried_twice
    [ "$(pod_field retry .restarts)" -ge 1 ] || fail "init restarts count while it initialises"
    touch "$T/shared/go1"
    wait_for pod_is retry Running
    [ "$(ctr_field init1 .restart_count)" -ge 1 ] || fail "init1 was not restarted"
    assert_eq running "$(ctr_field app .state)"
    # kubectl counts init restarts only while the pod initialises.
    assert_eq 0 "$(pod_field retry .restarts)"
}

test_crash_looping_init_shows_init_crash_loop_back_off() {
    setup
    podctl pod create --restart Always --restart-backoff 5:10 loop > /dev/null
    ctr loop init1 init 'exit 1'
    ctr loop app app 'exec sleep 1000'
    podctl pod start loop > /dev/null
    wait_for pod_is loop Init:CrashLoopBackOff
    assert_eq Pending "$(pod_field loop .phase)"
    # Init containers follow OnFailure under Always: one that passes is done.
    assert_eq created "$(ctr_field app .state)"
    # pod stop is the user's: the waiting restart is cancelled.
    podctl pod stop loop > /dev/null
    assert_eq "" "$(ctr_field init1 .waiting)"
}

test_app_restarts_count_in_the_pod() {
    setup
    podctl pod create --restart Always --restart-backoff 0.1:0.2 web > /dev/null
    ctr web app app 'echo x >> /shared/runs; [ "$(wc -l < /shared/runs)" -ge 3 ] && exec sleep 1000; exit 1'
    podctl pod start web > /dev/null
    restarted_twice() { [ "$(pod_field web .restarts)" = 2 ]; }
    wait_for restarted_twice
    wait_for pod_is web Running
    [ -n "$(pod_field web .last_restart)" ] || fail "no last_restart"
    assert_contains "$(podctl pod ls | grep '^web ')" " 2 ("
}

test_native_sidecar_starts_before_the_app() {
    setup
    podctl pod create web > /dev/null
    ctr web side sidecar "$(gate 1); exec sleep 1000"
    ctr web app app 'exec sleep 1000'
    podctl pod start web > /dev/null
    wait_for is_running side
    # A sidecar that runs has started (no startup probe): the app follows.
    wait_for pod_is web Running
    assert_eq 2/2 "$(pod_field web .ready)"
    assert_eq sidecar "$(ctr_field side .role)"
    later "$(ctr_field app .started)" "$(ctr_field side .started)" ||
        fail "the app started before its sidecar"
    is_running side || fail "the sidecar runs beside the app"
}

test_sidecar_startup_probe_holds_the_app() {
    setup
    podctl pod create web > /dev/null
    ctr web side sidecar 'exec sleep 1000' \
        '{"startup_probe": {"exec": {"command": ["cat", "/shared/go1"]}, "periodSeconds": 1}}'
    ctr web app app 'exec sleep 1000'
    podctl pod start web > /dev/null
    wait_for is_running side
    # It runs, but has not started: the app waits.
    assert_eq Init:0/1 "$(pod_field web .status)"
    assert_eq false "$(ctr_field side .startup_done)"
    assert_eq created "$(ctr_field app .state)"
    touch "$T/shared/go1"
    WAIT_TIMEOUT=20 wait_for pod_is web Running
    assert_eq true "$(ctr_field side .startup_done)"
    assert_eq running "$(ctr_field app .state)"
    later "$(ctr_field app .started)" "$(ctr_field side .started)" ||
        fail "the app started before its sidecar"
}

test_job_pods_complete_or_fail() {
    setup
    podctl pod create --restart Never ok > /dev/null
    podctl pod create --restart Never bad > /dev/null
    ctr ok main app 'exit 0'
    ctr bad main2 app 'exit 1'
    podctl pod start ok bad > /dev/null
    wait_for pod_is ok Completed
    assert_eq Succeeded "$(pod_field ok .phase)"
    assert_eq 0/1 "$(pod_field ok .ready)"
    wait_for pod_is bad Error
    assert_eq Failed "$(pod_field bad .phase)"
}

test_pod_stop_stops_apps_then_sidecars_then_the_infra() {
    setup
    local before infra
    podctl pod create --termination-grace-period 1 web > /dev/null
    ctr web side sidecar 'trap "exit 0" TERM; while :; do sleep 0.05; done'
    # Deaf to SIGTERM: killed once the grace period is over.
    ctr web app app 'trap "" TERM; while :; do sleep 0.05; done'
    podctl pod start web > /dev/null
    wait_for pod_is web Running
    wait_for is_running app
    infra=$(infra_pid web)
    before=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    podctl pod stop web > /dev/null
    assert_eq stopped "$(pod_field web .state)"
    assert_eq Stopped "$(pod_field web .status)"
    is_gone "$infra" || fail "the infra runs on after pod stop"
    assert_eq KILL "$(ctr_field app .signal)" "the app ignored SIGTERM"
    assert_eq 0 "$(ctr_field side .exit_code)" "the sidecar ended on SIGTERM"
    later "$(ctr_field side .finished)" "$(ctr_field app .finished)" ||
        fail "the sidecar ended before the app"
    # Not killed before its grace period.
    python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) - float(sys.argv[2]) >= 1 else 1)' \
        "$(epoch "$(ctr_field app .finished)")" "$(epoch "$before")" ||
        fail "the app was killed before its grace period"
}

test_pod_start_after_stop_runs_init_containers_again() {
    setup
    podctl pod create web > /dev/null
    ctr web init1 init 'echo ran >> /shared/count'
    ctr web app app 'exec sleep 1000'
    podctl pod start web > /dev/null
    wait_for pod_is web Running
    assert_eq 1 "$(wc -l < "$T/shared/count")"
    podctl pod stop -t 0 web > /dev/null
    assert_eq exited "$(ctr_field app .state)"
    podctl pod start web > /dev/null
    wait_for pod_is web Running
    assert_eq 2 "$(wc -l < "$T/shared/count")" "the init container ran again"
    assert_eq running "$(ctr_field app .state)"
}

test_active_deadline_stops_the_containers() {
    setup
    local infra first
    podctl pod create --active-deadline 2 --termination-grace-period 0 web > /dev/null
    assert_eq 2 "$(pod_field web .active_deadline)"
    ctr web app app 'exec sleep 1000'
    # The deadline runs from the pod's start, and on a loaded machine the
    # create of the container alone can outlast 2 s: stop and start the pod
    # so that its 2 s begin with the app's start. Not is_running either: a
    # poll may come after the deadline; that it started is what counts.
    podctl pod stop web > /dev/null
    podctl pod start web > /dev/null
    wait_for has_started app
    first=$(ctr_field app .started)
    infra=$(infra_pid web)
    WAIT_TIMEOUT=20 wait_for pod_is web DeadlineExceeded
    wait_for is_exited app
    assert_eq Failed "$(pod_field web .phase)"
    assert_eq running "$(pod_field web .state)" "the infra runs on"
    assert_eq "$infra" "$(infra_pid web)"
    # A start past the deadline is refused; stop and start runs it again.
    assert_exit 125 podctl pod start web
    assert_one_line "$LAST_ERR"
    podctl pod stop web > /dev/null
    podctl pod start web > /dev/null
    wait_for started_since app "$first"
}

# started_since CONTAINER TIME: it started again after TIME.
started_since() {
    local s
    s=$(ctr_field "$1" .started)
    [ -n "$s" ] && [ "$s" != "$2" ]
}

test_container_stop_timeout_is_its_default() {
    setup
    local before
    podctl pod create --termination-grace-period 0 web > /dev/null
    # Its own stop timeout wins over the pod's grace period of 0.
    ctr web slow app 'trap "" TERM; while :; do sleep 0.05; done' '{"stop_timeout": 1}'
    ctr web quick app 'trap "" TERM; while :; do sleep 0.05; done'
    assert_eq 1 "$(ctr_field slow .stop_timeout)"
    podctl pod start web > /dev/null
    wait_for is_running slow
    wait_for is_running quick
    before=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    podctl stop slow > /dev/null
    python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) - float(sys.argv[2]) >= 1 else 1)' \
        "$(epoch "$(ctr_field slow .finished)")" "$(epoch "$before")" ||
        fail "killed before its stop timeout"
    # The pod's grace period of 0: killed at once.
    podctl stop quick > /dev/null
    assert_eq KILL "$(ctr_field quick .signal)"
}

test_sequence_goes_on_after_a_podd_restart() {
    setup
    podctl pod create web > /dev/null
    ctr web init1 init "$(gate 1)"
    ctr web app app 'exec sleep 1000'
    podctl pod start web > /dev/null
    wait_for pod_is web Init:0/1
    podd_kill TERM
    touch "$T/shared/go1"
    podd_start
    wait_for pod_is web Running
    assert_eq running "$(ctr_field app .state)"
}

test_bad_lifecycle_input_is_refused() {
    setup
    local out
    assert_exit 125 podctl pod create --restart Sometimes web
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "Always, OnFailure or Never"
    assert_exit 125 podctl pod create --termination-grace-period -1 web
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pod create --active-deadline 0 web
    assert_one_line "$LAST_ERR"
    out=$(api -X POST -d '{"name":"web","restart_policy":"always"}' http://podd/v1/pods)
    assert_contains "$out" "Always, OnFailure or Never"
    out=$(api -X POST -d '{"name":"web","termination_grace_period":"10"}' http://podd/v1/pods)
    assert_contains "$out" "termination_grace_period"
    assert_eq "" "$(podctl pod ls -q)" "no pod from bad input"
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"role":"init"}' http://podd/v1/containers)
    assert_contains "$out" "needs a pod"
    podctl pod create web > /dev/null
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"pod":"web","role":"helper"}' http://podd/v1/containers)
    assert_contains "$out" "not app, init or sidecar"
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"pod":"web","stop_timeout":-2}' http://podd/v1/containers)
    assert_contains "$out" "stop_timeout"
    assert_eq 0 "$(api 'http://podd/v1/containers?all=true' | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" "no container from bad input"
}

run_tests
