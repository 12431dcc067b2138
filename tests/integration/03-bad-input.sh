#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input through podctl and through the API by hand: each gets a clear
# one-line error, a documented exit code (125 from podctl, a 4xx from the
# API), and leaves nothing behind (the leak check after every test). podd
# keeps serving throughout, and leaks no fd per request.
. "$(dirname "$0")/lib.sh"

# The pod state podd holds, as text: nothing may change on a bad request.
state_of() {
    podctl pod ls --format json
    ls -A "$T/root/pods" "$T/run/pods" /run/netns
}

test_bad_pod_names() {
    podd_start
    local before name
    before=$(state_of)
    for name in 'bad/name' '../etc' '-dash' '.dot' 'sp ace' 'semi;colon' "$(printf 'a%.0s' $(seq 64))" 'ünï'; do
        assert_exit 125 podctl pod create "$name"
        assert_one_line "$LAST_ERR"
        assert_contains "$LAST_ERR" "pod name"
    done
    assert_exit 125 podctl pod create ""
    assert_one_line "$LAST_ERR"
    assert_eq "$before" "$(state_of)" "state after bad names"
    # 63 characters is the limit, and fine.
    assert_exit 0 podctl pod create "$(printf 'a%.0s' $(seq 63))"
}

test_bad_names_rejected_by_the_api_too() {
    podd_start
    local before code
    before=$(state_of)
    code=$(api -o "$T/body" -w '%{http_code}' -X POST -d '{"name":"../x"}' http://podd/v1/pods)
    assert_eq 400 "$code"
    assert_eq invalid "$(json .code < "$T/body")"
    code=$(api -o "$T/body" -w '%{http_code}' -X POST -d '{"name":"web","hostname":"a/b"}' http://podd/v1/pods)
    assert_eq 400 "$code"
    assert_contains "$(json .message < "$T/body")" "hostname"
    assert_eq "$before" "$(state_of)"
}

test_duplicate_name() {
    podd_start
    podctl pod create web > /dev/null
    local before
    before=$(state_of)
    assert_exit 125 podctl pod create web
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "already exists"
    assert_eq "$before" "$(state_of)"
}

test_unknown_pod() {
    podd_start
    local verb
    for verb in inspect stop start rm; do
        assert_exit 125 podctl pod $verb nosuchpod
        assert_one_line "$LAST_ERR"
        assert_contains "$LAST_ERR" "no such pod"
    done
    assert_eq 404 "$(api -o /dev/null -w '%{http_code}' http://podd/v1/pods/nosuchpod)"
}

test_bad_flags() {
    podd_start
    assert_exit 125 podctl pod create web --net bridgeless
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pod create web --label novalue
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pod stop -t soon web
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl pod create web --no-such-flag
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl no-such-command
    assert_one_line "$LAST_ERR"
    assert_eq "" "$(podctl pod ls -q)" "no pod from bad flags"
}

test_malformed_requests() {
    podd_start
    local before
    before=$(state_of)
    code() { api -o "$T/body" -w '%{http_code}' "$@"; }
    assert_eq 400 "$(code -X POST -d '{"name":' http://podd/v1/pods)" "truncated JSON"
    assert_contains "$(json .message < "$T/body")" "line 1"
    assert_eq 400 "$(code -X POST -d '[1,2]' http://podd/v1/pods)" "an array body"
    assert_eq 400 "$(code -X POST http://podd/v1/pods)" "no body"
    assert_eq 400 "$(code -X POST -d '{"name":"web","name":"web2"}' http://podd/v1/pods)" "duplicate key"
    assert_eq 400 "$(code -X POST -d '{"name":"web","sharepid":true}' http://podd/v1/pods)" "unknown field"
    assert_contains "$(json .message < "$T/body")" '"sharepid"'
    assert_eq 400 "$(code -X POST -d '{"name":7}' http://podd/v1/pods)" "wrong type"
    assert_eq 400 "$(code -X POST -d '{"name":"web","labels":{"a":1}}' http://podd/v1/pods)" "label type"
    assert_eq 400 "$(code -X POST 'http://podd/v1/pods/web/stop?timeout=-1')" "negative timeout"
    assert_eq 400 "$(code -X POST 'http://podd/v1/pods?bogus=1' -d '{"name":"web"}')" "unknown query"
    assert_eq 404 "$(code http://podd/v2/pods)" "unknown path"
    assert_eq 405 "$(code -X PUT http://podd/v1/pods)" "wrong method"
    # Not HTTP at all.
    printf 'HELLO\r\n\r\n' | timeout 5 socat - UNIX-CONNECT:"$PODD_SOCKET" > /dev/null 2>&1 || true
    assert_exit 0 podctl version
    assert_eq "$before" "$(state_of)"
}

test_oversized_request() {
    podd_start
    local before big
    before=$(state_of)
    big=$T/big.json
    python3 -c 'import json; print(json.dumps({"name": "web", "labels": {"k": "x" * (2 * 1024 * 1024)}}))' > "$big"
    local status
    status=$(api -o /dev/null -w '%{http_code}' -X POST --data-binary @"$big" http://podd/v1/pods)
    assert_eq 413 "$status" "status of a 2 MiB body"
    assert_exit 0 podctl version
    assert_eq "$before" "$(state_of)"
}

test_no_fd_leak_per_request() {
    # A low fd limit makes a leak of one fd per request fail fast.
    ulimit -Sn 64
    podd_start
    ulimit -Sn 1024
    local i
    for i in $(seq 150); do
        api -o /dev/null http://podd/v1/pods
        api -o /dev/null -X POST -d '{"name":"bad/"}' http://podd/v1/pods
        api -o /dev/null -X POST -d '{"name":' http://podd/v1/pods
    done
    for i in $(seq 20); do
        podctl pod create "p$i" > /dev/null
        podctl pod rm -f "p$i" > /dev/null
    done
    assert_exit 0 podctl version
    # The last pods' CNI DELs may still run, each a task with three fds.
    few_fds() { [ "$(ls /proc/"$PODD_PID"/fd | wc -l)" -lt 20 ]; }
    wait_for few_fds
}

test_a_stalled_client_does_not_block_others() {
    podd_start
    # Half a request, then silence (the fifo stays open, and empty, until
    # the end): podd must go on serving everyone else.
    mkfifo "$T/stall"
    socat - UNIX-CONNECT:"$PODD_SOCKET" < "$T/stall" > /dev/null 2>&1 &
    local stalled=$!
    exec 3> "$T/stall"
    printf 'POST /v1/pods HTTP/1.1\r\nHost: podd\r\nContent-Length: 100\r\n\r\n{"na' >&3
    wait_for podctl version
    podctl pod create web > /dev/null
    assert_eq running "$(pod_field web .state)"
    exec 3>&-
    kill "$stalled" 2> /dev/null || true
    wait "$stalled" 2> /dev/null || true
}

run_tests
