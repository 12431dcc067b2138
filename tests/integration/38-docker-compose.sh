#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docker-compose 1.29, unchanged, against podd's Engine API, on the project
# in examples/compose: `up -d` (an init job, then a web server on a named
# volume with a published port and a healthcheck, then a client reaching it
# by service name), `ps`, `logs`, `exec -T`, the debugging recipe (tcpdump
# in web's network namespace), `down -v` (nothing left: containers, the
# project's network, its volume).
. "$(dirname "$0")/lib.sh"

PROJECT_DIR=$(cd "$(dirname "$0")/../../examples/compose" && pwd)
WEB_PORT=18038
export WEB_PORT

with_images() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl image import netdebug "$IMAGES/netdebug" > /dev/null
}

compose() {
    docker-compose -p dk38 -f "$PROJECT_DIR/docker-compose.yml" "$@"
}

page() {
    curl -sf "http://127.0.0.1:$WEB_PORT/"
}

client_reached_web() {
    compose logs --no-color client | grep -q "client: reached web by name"
}

# compose_ps_state SERVICE: the State column of `docker-compose ps`.
service_state() {
    compose ps "$1" | awk 'NR > 2'
}

cleanup_test() {
    compose down -v --timeout 1 > /dev/null 2>&1 || true
}

test_compose_up_ps_logs_exec_down() {
    with_images
    compose up -d 2> "$T/up.err" || fail "up -d: $(cat "$T/up.err")"
    # the init job has run to its end, and wrote the page web serves
    assert_contains "$(service_state init)" "Exit 0"
    assert_contains "$(service_state web)" "Up (healthy)"
    assert_contains "$(service_state client)" "Up"
    wait_for page
    assert_eq "hello from the compose project" "$(page)"
    # the client found web by its service name
    wait_for client_reached_web
    assert_contains "$(compose logs --no-color client)" "hello from the compose project"
    assert_eq "hello from the compose project" "$(compose exec -T web cat /www/index.html)"
    # docker and podctl see the same containers, with compose's labels
    assert_eq "dk38_client_1 dk38_init_1 dk38_web_1" "$(docker ps -a --format '{{.Names}}' | sort | xargs)"
    assert_eq "dk38_client_1 dk38_init_1 dk38_web_1" \
        "$(podctl ps -a --format json | /usr/bin/python3 -c 'import json, sys; print(" ".join(sorted(c["name"] for c in json.load(sys.stdin))))')"
    assert_eq "dk38_web_1" "$(docker ps --filter label=com.docker.compose.service=web --format '{{.Names}}')"
    assert_eq "dk38_default" "$(docker network ls --filter label=com.docker.compose.project=dk38 --format '{{.Name}}')"
    assert_eq "dk38_www" "$(docker volume ls -q --filter label=com.docker.compose.project=dk38)"
    compose down -v --timeout 1 2> "$T/down.err" || fail "down -v: $(cat "$T/down.err")"
    assert_eq "" "$(docker ps -aq)"
    assert_eq "" "$(podctl ps -a -q)"
    assert_eq "bridge host none" "$(docker network ls --format '{{.Name}}' | sort | xargs)"
    assert_eq "" "$(docker volume ls -q)"
    if page; then fail "the published port still answers"; fi
}

test_tcpdump_in_webs_network_namespace() {
    with_images
    compose up -d 2> "$T/up.err" || fail "up -d: $(cat "$T/up.err")"
    wait_for client_reached_web
    # the client fetches every 2 s: 5 packets of port 80 come soon
    local out
    out=$(docker run --rm --network container:dk38_web_1 --cap-add NET_RAW netdebug \
        tcpdump -n -c 5 -i eth0 tcp port 80 2>&1)
    assert_contains "$out" "5 packets captured"
    compose down -v --timeout 1 > /dev/null 2>&1
}

run_tests "$@"
