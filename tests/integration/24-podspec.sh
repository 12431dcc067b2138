#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12, podspec: the event stream (podctl events, GET /v1/events), and
# the pod's Kubernetes-facing fields and volumes, through the API as
# `podctl kube play` sends them and through podctl.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# lines_in FILE N: FILE has at least N lines.
lines_in() {
    [ "$(wc -l < "$1")" -ge "$2" ]
}

# The actions of the JSON event lines of FILE for NAME, space-separated.
actions_of() {
    python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, open(sys.argv[1])) if e["name"] == sys.argv[2]))
' "$1" "$2"
}

test_events_stream_a_container_life() {
    with_busybox
    local t0
    t0=$(date +%s)
    podctl pod create --net none p1 > /dev/null
    # From t0: what happens before the stream is held is sent from the ring.
    podctl events --since "$t0" --format json > "$T/ev" &
    local ev_pid=$!
    podctl run -d --pod p1 --name c1 busybox sh -c 'exit 3' > /dev/null
    wait_for is_exited c1
    podctl rm c1 > /dev/null
    wait_for grep -q '"remove"' "$T/ev"
    kill "$ev_pid"
    wait "$ev_pid" 2> /dev/null || true
    assert_eq "create start die remove" "$(actions_of "$T/ev" c1)"
    local die
    die=$(grep '"die"' "$T/ev")
    assert_eq 3 "$(echo "$die" | json .attributes.exit_code)"
    assert_eq p1 "$(echo "$die" | json .pod)"
    assert_eq container "$(echo "$die" | json .type)"
    assert_eq "$(echo "$die" | json .time_nano | cut -c1-10)" \
        "$(date -d "$(echo "$die" | json .time)" +%s)"
}

test_events_since_until_filter() {
    with_busybox
    local t0
    t0=$(date +%s)
    podctl pod create --net none p1 > /dev/null
    podctl run --rm --pod p1 --name c1 busybox true
    podctl pod stop p1 > /dev/null
    podctl pod rm p1 > /dev/null
    # until now: the stream ends by itself, with the past events.
    local out
    out=$(podctl events --since "$t0" --until 0s --format json)
    assert_eq "create start die remove" "$(echo "$out" | python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, sys.stdin) if e["type"] == "container"))')"
    assert_eq "create start stop remove" "$(echo "$out" | python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, sys.stdin) if e["type"] == "pod" and e["action"] != "die"))')"
    # Filters: one key's values are alternatives, keys all apply.
    out=$(podctl events --since 1m --until 0s --filter type=pod --filter event=create)
    assert_eq 1 "$(echo "$out" | wc -l)"
    assert_contains "$out" " pod create p1"
    out=$(podctl events --since 1m --until 0s --filter container=c1 --filter event=die --filter event=start)
    assert_eq 2 "$(echo "$out" | wc -l)"
    assert_contains "$out" "container die c1 (pod=p1, exit_code=0)"
    # Events after an until are not sent; a future until ends the stream.
    out=$(podctl events --since "$t0" --until "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ -d '+1 second')" --filter event=remove)
    assert_eq 2 "$(echo "$out" | wc -l)"
    out=$(podctl events --since 1m --until 0s --filter pod=nothere)
    assert_eq "" "$out"
}

test_events_bad_queries() {
    podd_start
    assert_exit 125 podctl events --since yesterday --until 0s
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "since"
    assert_exit 125 podctl events --filter colour=red --until 0s
    assert_contains "$LAST_ERR" "unknown key"
    assert_exit 125 podctl events --filter nokey --until 0s
    assert_exit 125 podctl events --since 0s --until 1h
    assert_contains "$LAST_ERR" "until is before since"
    assert_exit 125 podctl events --format yaml
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' 'http://d/v1/events?bogus=1')"
}

run_tests
