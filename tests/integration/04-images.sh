#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Images: importing a directory and a tarball (the copy is exact and the
# source untouched), listing, inspecting, removing, surviving a podd
# restart, and every bad import leaving nothing in the store.
. "$(dirname "$0")/lib.sh"

# What the image store holds on disk, including unfinished trees.
store() {
    ls -A "$T/root/images"
}

store_is_empty() {
    [ -z "$(store)" ]
}

test_import_directory() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    local id rootfs
    id=$(podctl image import busybox "$IMAGES/busybox")
    assert_eq 64 "${#id}" "id length"
    rootfs=$(podctl image inspect busybox | json .0.rootfs)
    assert_eq "$T/root/images/$id/rootfs" "$rootfs"
    diff -r --no-dereference "$IMAGES/busybox" "$rootfs" > /dev/null || fail "the copy differs"
    assert_eq "$IMAGES/busybox" "$(podctl image inspect busybox | json .0.source)"
    assert_eq "hello" "$(chroot "$rootfs" /bin/sh -c 'echo hello')"
    assert_exit 0 podctl image ls
    assert_contains "$LAST_OUT" "busybox"
    assert_contains "$LAST_OUT" "${id:0:12}"
    assert_eq busybox "$(podctl images -q)"
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

test_import_tarball() {
    podd_start
    tar -C "$IMAGES/netdebug" -czf "$T/netdebug.tgz" .
    podctl image import netdebug "$T/netdebug.tgz" > /dev/null
    local rootfs
    rootfs=$(podctl image inspect netdebug | json .0.rootfs)
    assert_contains "$(chroot "$rootfs" /bin/tcpdump --version 2>&1)" "tcpdump version"
    podctl image rm netdebug > /dev/null
    wait_for store_is_empty
}

test_images_survive_a_podd_restart() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podd_stop
    podd_start
    assert_eq busybox "$(podctl image ls -q)"
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

test_bad_imports_leave_nothing() {
    podd_start
    assert_exit 125 podctl image import 'bad/name' "$IMAGES/busybox"
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl image import busybox "$T/nothing-here"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "No such file"
    assert_exit 125 podctl image import busybox /dev/null
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "neither a directory nor a tarball"
    head -c 4096 /dev/urandom > "$T/junk.tar"
    assert_exit 125 podctl image import busybox "$T/junk.tar"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "cannot import"
    assert_eq "" "$(podctl image ls -q)" "images after bad imports"
    wait_for store_is_empty
    # By hand: a relative path, an unknown field.
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"x","path":"rel/dir"}' http://podd/v1/images)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"x","path":"/","tag":1}' http://podd/v1/images)"
    store_is_empty || fail "store not empty: $(store)"
}

test_duplicate_and_unknown() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    assert_exit 125 podctl image import busybox "$IMAGES/busybox"
    assert_contains "$LAST_ERR" "already exists"
    assert_exit 125 podctl image rm nosuchimage
    assert_contains "$LAST_ERR" "no such image"
    assert_exit 125 podctl image inspect nosuchimage
    assert_eq 1 "$(store | wc -l)" "trees in the store"
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

run_tests
