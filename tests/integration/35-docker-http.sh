#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Docker Engine API's socket as HTTP clients see it: version
# negotiation (/_ping's header, paths with and without /vX.YY, versions out
# of range refused in the Engine's words), the Engine's error bodies for
# 404, 405 and bad requests, keep-alive and pipelined requests, a client
# that trickles its request closed while others are served, the socket's
# place (--docker-socket) and its removal at stop.
. "$(dirname "$0")/lib.sh"

dk_curl() {
    curl -s --unix-socket "$T/run/docker.sock" "$@"
}

test_version_negotiation() {
    podd_start
    local h
    h=$(dk_curl -I http://d/_ping)
    assert_contains "$h" "HTTP/1.1 200 OK"
    assert_contains "$h" "Api-Version: 1.41"
    assert_eq "OK" "$(dk_curl http://d/_ping)"
    assert_eq "1.41" "$(dk_curl http://d/v1.24/version | json '.ApiVersion')"
    assert_eq "1.24" "$(dk_curl http://d/version | json '.MinAPIVersion')"
    assert_eq 400 "$(dk_curl -o /dev/null -w '%{http_code}' http://d/v1.42/version)"
    assert_contains "$(dk_curl http://d/v1.42/version)" \
        '"message":"client version 1.42 is too new. Maximum supported API version is 1.41"'
    assert_contains "$(dk_curl http://d/v1.12/version)" \
        "client version 1.12 is too old. Minimum supported API version is 1.24"
    # The docker CLI (28.x here) negotiates down to podd's version.
    assert_contains "$(docker version --format '{{.Client.APIVersion}} {{.Server.APIVersion}}')" \
        "1.41 1.41"
    assert_eq True "$(/usr/bin/python3 -c 'import docker; print(docker.from_env().ping())')"
}

test_errors_are_the_engines() {
    podd_start
    assert_eq 404 "$(dk_curl -o /dev/null -w '%{http_code}' http://d/v1.41/nothing/here)"
    assert_eq "page not found: GET /nothing/here is no API path of podd's Engine API" \
        "$(dk_curl http://d/v1.41/nothing/here | json '.message')"
    assert_eq 405 "$(dk_curl -X DELETE -o /dev/null -w '%{http_code}' http://d/version)"
    assert_eq "DELETE is not allowed on /version" \
        "$(dk_curl -X DELETE http://d/version | json '.message')"
    # Not HTTP at all: 400 and the connection closed; podd serves on.
    local out
    out=$(printf 'HELLO\r\n\r\n' | socat -t 5 - "UNIX-CONNECT:$T/run/docker.sock")
    assert_contains "$out" "HTTP/1.1 400 Bad Request"
    # A body over the limit: 413, nothing kept.
    head -c 5000000 /dev/zero | tr '\0' 'a' > "$T/big"
    assert_eq 413 "$(dk_curl -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @"$T/big" http://d/v1.41/containers/create)"
    assert_eq "OK" "$(dk_curl http://d/_ping)"
}

test_keep_alive_and_pipelining() {
    podd_start
    # Two requests on one connection: one connect.
    assert_eq 10 "$(dk_curl -o /dev/null -o /dev/null -w '%{num_connects}' \
        http://d/_ping http://d/version)"
    # Two requests sent at once, then the client's end of writing: both answered.
    local out
    out=$(printf 'GET /_ping HTTP/1.1\r\nHost: d\r\n\r\nGET /v1.30/version HTTP/1.1\r\nHost: d\r\n\r\n' |
        socat -t 5 - "UNIX-CONNECT:$T/run/docker.sock")
    assert_eq 2 "$(grep -o 'HTTP/1.1 200 OK' <<< "$out" | wc -l)"
    assert_contains "$out" '"ApiVersion":"1.41"'
}

test_a_trickling_client_is_cut_while_others_are_served() {
    podd_start --read-timeout 1
    python3 - "$T/run/docker.sock" > "$T/trickle" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.setblocking(False)
req = b"GET /version HTTP/1.1\r\nHost: d\r\nX-Slow: " + b"a" * 1000
for b in req:
    try:
        s.send(bytes([b]))
        if s.recv(1) == b"":
            break
    except BlockingIOError:
        pass
    except OSError:
        break
    time.sleep(0.1)
print("closed")
EOF
    local pid=$!
    assert_eq "OK" "$(dk_curl http://d/_ping)"
    wait_for grep -q closed "$T/trickle"
    wait "$pid"
}

test_the_socket_is_where_asked_and_gone_at_stop() {
    podd_start --docker-socket "$T/engine.sock"
    [ ! -e "$T/run/docker.sock" ] || fail "the default socket exists beside --docker-socket"
    assert_eq "OK" "$(curl -s --unix-socket "$T/engine.sock" http://d/_ping)"
    assert_eq 660 "$(stat -c %a "$T/engine.sock")"
    podd_stop
    [ ! -e "$T/engine.sock" ] || fail "the socket outlived podd"
    podd_start --docker-socket none
    [ ! -e "$T/run/docker.sock" ] || fail "--docker-socket none made a socket"
    podctl version > /dev/null
}

run_tests
