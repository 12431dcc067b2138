#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Containers that cannot be made: each gets one line naming what is wrong,
# exit code 125, and leaves nothing (no container, state dir, mount,
# process); the leak check after every test says the rest.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# refused WHAT-IN-MESSAGE PODCTL-ARGS...: exit 125, one line, nothing made.
refused() {
    local what=$1
    shift
    assert_exit 125 podctl "$@"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "$what"
    assert_eq "" "$(podctl ps -a -q)" "containers after: podctl $*"
    assert_eq "" "$(ls -A "$T/root/containers")" "container state after: podctl $*"
}

test_unknown_image_and_pod() {
    setup
    refused "no-such-image" run --rm no-such-image true
    refused "no-such-pod" run --rm --pod no-such-pod busybox true
    refused "no-such-image" run -d no-such-image true
}

test_bad_names() {
    setup
    refused "container name" run --name ../etc busybox true
    refused "container name" run --name "-x" busybox true
    refused "container name" run --name "$(printf 'a%.0s' $(seq 64))" busybox true
}

test_duplicate_name() {
    setup
    podctl run -d --name one busybox sleep 1000 > /dev/null
    assert_exit 125 podctl run -d --name one busybox true
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "already exists"
    assert_eq 1 "$(podctl ps -a -q | wc -l)"
}

test_rootfs_not_a_directory() {
    setup
    touch "$T/file"
    refused "not a directory" run --rm --rootfs "$T/file" true
    refused "$T/none" run --rm --rootfs "$T/none" true
}

test_unknown_capability() {
    setup
    refused "NET_MAGIC" run --rm --cap-add NET_MAGIC busybox true
    refused "NOPE" run --rm --cap-drop NOPE busybox true
}

test_image_in_use() {
    setup
    podctl run --name user busybox true > /dev/null
    assert_exit 125 podctl image rm busybox
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "used by a container"
    podctl rm user > /dev/null
    assert_exit 0 podctl image rm busybox
}

test_failure_half_way_through_setup() {
    setup
    # A read-only root with no /proc to mount on: the shim fails after it
    # has made its namespaces and mounted the root.
    mkdir -p "$T/bare/bin"
    cp "$IMAGES/busybox/bin/busybox" "$T/bare/bin/"
    refused "proc" run --rm --read-only --rootfs "$T/bare" /bin/busybox true
    refused "proc" run --read-only --rootfs "$T/bare" /bin/busybox true
    refused "proc" run -d --read-only --rootfs "$T/bare" /bin/busybox true
    [ -z "$(ls -A "$T/run/containers")" ] || fail "run dir left: $(ls -A "$T/run/containers")"
}

test_bad_api_bodies() {
    setup
    local out
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"tty":"yes"}' http://podd/v1/containers)
    assert_contains "$out" '"code":"invalid"'
    assert_contains "$out" "tty"
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"tty_size":[0,80]}' http://podd/v1/containers)
    assert_contains "$out" '"code":"invalid"'
    out=$(api -X POST -d '{"image":"busybox","command":["true"],"colour":true}' http://podd/v1/containers)
    assert_contains "$out" "colour"
    out=$(api -X POST -d '{"image":"busybox"}' http://podd/v1/containers)
    assert_contains "$out" "command"
    out=$(api -X POST -d 'not json' http://podd/v1/containers)
    assert_contains "$out" '"code":"invalid"'
    out=$(api -X POST "http://podd/v1/containers/nope/kill?signal=SIGNOPE")
    assert_contains "$out" '"code":"invalid"'
    out=$(api -X POST "http://podd/v1/containers/nope/stop")
    assert_contains "$out" '"code":"not_found"'
    assert_eq "" "$(podctl ps -a -q)"
    assert_exit 0 podctl version
}

run_tests
