#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podctl system df (issue 16): images, containers' writable layers and
# volumes with their sizes as podd-archive du measures them, counts and
# active counts, the same sizes through the Engine API's /system/df, and
# bad input.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# assert_match TEXT REGEX: a line of TEXT matches the extended REGEX.
assert_match() {
    grep -Eq -- "$2" <<< "$1" || fail "no line matches /$2/ in:
$1"
}

# in_range VALUE LOW HIGH WHAT: LOW <= VALUE < HIGH
in_range() {
    [ "$1" -ge "$2" ] && [ "$1" -lt "$3" ] || fail "$4: $1 not in [$2, $3)"
}

# A running container with 300000 bytes written in its layer and 200000 in
# the volume "data"; a stopped one with nothing written.
make_pair() {
    podctl volume create data > /dev/null
    podctl run -d --name writer -v data:/data busybox \
        sh -c 'dd if=/dev/zero of=/big bs=1000 count=300 2> /dev/null &&
               dd if=/dev/zero of=/data/f bs=1000 count=200 2> /dev/null &&
               touch /done; sleep 1000' > /dev/null
    wait_for podctl exec writer test -e /done
    podctl create --name idle busybox true > /dev/null
}

test_df_counts_and_sizes() {
    with_busybox
    make_pair
    local out js size
    js=$(podctl system df --format json)
    assert_eq 1 "$(echo "$js" | json .summary.0.total)" "images"
    assert_eq 1 "$(echo "$js" | json .summary.0.active)" "images in use"
    assert_eq 2 "$(echo "$js" | json .summary.1.total)" "containers"
    assert_eq 1 "$(echo "$js" | json .summary.1.active)" "running containers"
    assert_eq 1 "$(echo "$js" | json .summary.2.total)" "volumes"
    assert_eq 1 "$(echo "$js" | json .summary.2.active)" "volumes in use"
    size=$(echo "$js" | python3 -c '
import json, sys
print([c["size"] for c in json.load(sys.stdin)["containers"] if c["name"] == "writer"][0])')
    in_range "$size" 300000 $((300000 + 65536)) "writer's layer"
    in_range "$(echo "$js" | json .volumes.0.size)" 200000 $((200000 + 65536)) "data's size"
    assert_eq data "$(echo "$js" | json .volumes.0.name)" "volume name"
    assert_eq "$(echo "$js" | json .images.0.size)" "$(podctl image inspect busybox | json .0.size)" \
        "image size from its record"
    out=$(podctl system df)
    assert_contains "$out" "TYPE"
    assert_match "$out" "Images +1 +1 "
    assert_match "$out" "Containers +2 +1 +30[0-9]\\.?[0-9]*kB +0B \\(0%\\)"
    assert_match "$out" "Local Volumes +1 +1 +20[0-9]\\.?[0-9]*kB +0B \\(0%\\)"
    out=$(podctl system df -v)
    assert_contains "$out" "Images space usage:"
    assert_match "$out" "^busybox +latest +[0-9a-f]{12} +[0-9.]+MB +2$"
    assert_match "$out" " busybox +30[0-9]\\.?[0-9]*kB +running +writer$"
    assert_match "$out" " busybox +0B +created +idle$"
    assert_match "$out" "^data +1 +20[0-9]\\.?[0-9]*kB$"
}

test_unused_volume_and_stopped_container_are_reclaimable() {
    with_busybox
    make_pair
    podctl rm -f writer > /dev/null
    local out
    out=$(podctl system df)
    assert_match "$out" "Containers +1 +0 +0B +0B"
    assert_match "$out" "Local Volumes +1 +0 +20[0-9]\\.?[0-9]*kB +20[0-9]\\.?[0-9]*kB \\(100%\\)"
}

test_engine_df_has_the_same_sizes() {
    with_busybox
    make_pair
    local mine engine out
    mine=$(podctl system df --format json)
    engine=$(curl -sf --unix-socket "$T/run/docker.sock" http://d/v1.41/system/df)
    echo "$mine" "$engine" | python3 -c '
import json, sys
d = json.JSONDecoder()
text = sys.stdin.read()
mine, end = d.raw_decode(text)
engine, _ = d.raw_decode(text[end:].lstrip())
ms = {c["id"]: c["size"] for c in mine["containers"]}
es = {c["Id"]: c["SizeRw"] for c in engine["Containers"]}
assert ms == es, (ms, es)
mv = {v["name"]: (v["size"], v["users"]) for v in mine["volumes"]}
ev = {v["Name"]: (v["UsageData"]["Size"], v["UsageData"]["RefCount"]) for v in engine["Volumes"]}
assert mv == ev, (mv, ev)
mi = {"sha256:" + i["id"]: (i["size"], i["users"]) for i in mine["images"]}
ei = {i["Id"]: (i["Size"], i["Containers"]) for i in engine["Images"]}
assert mi == ei, (mi, ei)
' || fail "the Engine's df differs from podd's"
    out=$(docker system df)
    assert_match "$out" "Containers +2 +1 +30[0-9]"
    assert_match "$out" "Local Volumes +1 +1 +20[0-9]"
    assert_match "$(docker system df -v)" "writer"
}

test_df_bad_input() {
    podd_start
    local rc=0
    podctl system df --format yaml 2> "$T/err" || rc=$?
    assert_eq 125 "$rc" "bad format"
    assert_contains "$(cat "$T/err")" "--format is json or table"
    rc=0
    podctl system df extra 2> /dev/null || rc=$?
    assert_eq 125 "$rc" "an operand"
    assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$PODD_SOCKET" \
        'http://d/v1/system/df?x=1')" "an unknown parameter"
    assert_match "$(podctl system df)" "Containers +0 +0 +0B +0B"
}

run_tests "$@"
