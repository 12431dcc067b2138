#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Images made with `podctl image import` from a flat root file system (a
# directory or a tarball): one layer in the store, unpacked exactly, named
# as docker names images; listing, inspecting, removing (the store left
# empty), surviving a podd restart, a start cleaning what a stopped podd
# left mid-work, a name moving to a newer import, and every bad import
# leaving nothing. OCI images (load, save, layers shared
# between images) are 17-images.sh.
. "$(dirname "$0")/lib.sh"

# Everything the image store holds, one path a line.
store() {
    (cd "$T/root" && find images layers blobs -mindepth 1 ! -path blobs/sha256 ! -path blobs/tmp)
}

store_is_empty() {
    [ -z "$(store)" ]
}

# The store holds only an image of the old format (ignored, kept).
store_is_empty_but_old() {
    [ -z "$(store | grep -v '^images/0123456789abcdef')" ]
}

# layer_of IMAGE: the dir of its (only) layer.
layer_of() {
    local diff_id
    diff_id=$(podctl image inspect "$1" | json .0.layers.0.diff_id)
    [ -n "$diff_id" ] || fail "image $1 has no layer"
    echo "$T/root/layers/${diff_id#sha256:}"
}

test_import_directory() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    local id layer
    id=$(podctl image import busybox "$IMAGES/busybox")
    assert_eq 64 "${#id}" "id length"
    assert_eq "sha256:$id" "$(podctl image inspect busybox | json .0.config_digest)" "id"
    assert_eq '["docker.io/library/busybox:latest"]' "$(podctl image inspect busybox | json .0.names)"
    layer=$(layer_of busybox)
    diff -r --no-dereference "$IMAGES/busybox" "$layer" > /dev/null || fail "the layer differs"
    assert_eq "$(stat -c %a:%u:%g "$IMAGES/busybox/bin/busybox")" "$(stat -c %a:%u:%g "$layer/bin/busybox")" "mode and owner"
    assert_eq "hello" "$(chroot "$layer" /bin/sh -c 'echo hello')"
    # Found by every form of its name, by id and by id prefix.
    local ref
    for ref in busybox busybox:latest library/busybox docker.io/library/busybox:latest "$id" "${id:0:12}" "sha256:$id"; do
        assert_eq "$id" "$(podctl image inspect "$ref" | json .0.id)" "inspect $ref"
    done
    assert_exit 0 podctl image ls
    assert_contains "$LAST_OUT" "REPOSITORY"
    assert_contains "$LAST_OUT" "busybox"
    assert_contains "$LAST_OUT" "${id:0:12}"
    assert_eq "${id:0:12}" "$(podctl images -q)"
    assert_eq "hello" "$(podctl run --rm busybox echo hello)"
    assert_exit 0 podctl image rm busybox
    assert_eq "Untagged: busybox:latest"$'\n'"Deleted: sha256:$id" "$LAST_OUT"
    wait_for store_is_empty
}

test_import_tarball() {
    podd_start
    tar -C "$IMAGES/netdebug" -czf "$T/netdebug.tgz" .
    podctl image import netdebug "$T/netdebug.tgz" > /dev/null
    assert_contains "$(chroot "$(layer_of netdebug)" /bin/tcpdump --version 2>&1)" "tcpdump version"
    # From stdin too.
    podctl image import team/netdebug:v2 - < "$T/netdebug.tgz" > /dev/null
    assert_eq '["docker.io/team/netdebug:v2"]' "$(podctl image inspect team/netdebug:v2 | json .0.names)"
    podctl image rm netdebug team/netdebug:v2 > /dev/null
    wait_for store_is_empty
}

test_images_survive_a_podd_restart() {
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    local before
    before=$(podctl images | awk '{print $1, $2, $3}')
    podd_stop
    podd_start
    assert_eq "$before" "$(podctl images | awk '{print $1, $2, $3}')"
    assert_eq "hello" "$(podctl run --rm busybox echo hello)"
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

test_start_cleans_the_store_and_skips_old_images() {
    # What a podd that died mid-work left, and an image of the old store (a
    # rootfs tree): the first is deleted, the second logged and ignored.
    local old=$T/root/images/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    mkdir -p "$T/root/blobs/tmp" "$T/root/layers/.unpack-0123-abcd/etc" "$T/root/layers/.rm-4567-ef01" "$old/rootfs"
    echo partial > "$T/root/blobs/tmp/upload-1"
    # A layer and a blob no image has: a commit cut short.
    mkdir -p "$T/root/layers/$(printf 'a%.0s' $(seq 64))/bin" "$T/root/blobs/sha256"
    echo '{}' > "$T/root/blobs/sha256/$(printf 'b%.0s' $(seq 64))"
    echo '{"id":"x","name":"busybox","created":"","source":"/x"}' > "$old/image.json"
    podd_start
    wait_for test -z "$(store_work_files)"
    wait_for store_is_empty_but_old
    assert_eq "" "$(podctl images -q)"
    assert_contains "$(cat "$T/podd.log")" "old store"
    rm -rf "$old"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

test_bad_imports_leave_nothing() {
    podd_start
    assert_exit 125 podctl image import 'Bad/Name' "$IMAGES/busybox"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "must be lowercase"
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
    # An image archive is for load, and import says so.
    mkdir "$T/arch"
    echo '[]' > "$T/arch/manifest.json"
    tar -C "$T/arch" -cf "$T/docker-archive.tar" manifest.json
    assert_exit 125 podctl image import busybox "$T/docker-archive.tar"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "image load"
    assert_eq "" "$(podctl image ls -q)" "images after bad imports"
    wait_for store_is_empty
    # By hand: a relative path, an unknown field, a name with a digest.
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"x","path":"rel/dir"}' http://podd/v1/images)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"x","path":"/","tag":1}' http://podd/v1/images)"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' -X POST -d '{"name":"x@sha256:0","path":"/"}' http://podd/v1/images)"
    store_is_empty || fail "store not empty: $(store)"
}

test_a_name_moves_to_a_newer_import() {
    podd_start
    local first second
    first=$(podctl image import busybox "$IMAGES/busybox")
    # A second import of the same tree is a new image (its config says when
    # it was made): the name moves to it, the first is left <none>.
    second=$(podctl image import busybox "$IMAGES/busybox")
    assert_ne "$first" "$second"
    assert_eq "$second" "$(podctl image inspect busybox | json .0.id)"
    assert_eq "[]" "$(podctl image inspect "$first" | json .0.names)"
    assert_exit 0 podctl images
    assert_contains "$LAST_OUT" "<none>"
    # The layer is the same tree: stored once.
    assert_eq 1 "$(find "$T/root/layers" -mindepth 1 -maxdepth 1 | wc -l)" "layers"
    assert_exit 0 podctl image prune
    assert_contains "$LAST_OUT" "deleted: sha256:$first"
    assert_eq "${second:0:12}" "$(podctl images -q)"
    assert_eq 1 "$(find "$T/root/layers" -mindepth 1 -maxdepth 1 ! -name '.rm-*' | wc -l)" "layers"
    podctl image rm busybox > /dev/null
    wait_for store_is_empty
}

test_unknown_images() {
    podd_start
    assert_exit 125 podctl image rm nosuchimage
    assert_contains "$LAST_ERR" "no such image"
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl image inspect nosuchimage
    assert_exit 125 podctl run --rm --pull never nosuchimage true
    assert_contains "$LAST_ERR" "no such image"
    # By default a missing image is pulled first; the suite reaches no registry.
    assert_exit 125 podctl run --rm nosuchimage true
    assert_contains "$LAST_ERR" "pull docker.io/library/nosuchimage:latest"
    assert_one_line "$LAST_ERR"
    store_is_empty || fail "store not empty: $(store)"
}

run_tests
