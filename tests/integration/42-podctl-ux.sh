#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podctl as people type it (issue 16): 12-character ids in tables and -q,
# --no-trunc, any unique id prefix and the error for an ambiguous one,
# --filter on every list with docker's keys, create, rename, the prunes,
# system df, and "did you mean" for a mistyped command or flag.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# The NAME column of a `podctl ps` table, sorted, on one line.
names() {
    "$@" | awk 'NR > 1 {print $2}' | sort | tr '\n' ' ' | sed 's/ $//'
}

test_ids_are_12_characters_in_tables_and_q() {
    with_busybox
    local full pod_full img_full
    full=$(podctl run -d --name web busybox sleep 1000)
    assert_eq 64 "${#full}" "run -d prints the full id"
    pod_full=$(podctl pod create shop)
    img_full=$(podctl image inspect busybox | json .0.id)
    assert_eq "${full:0:12}" "$(podctl ps -q)" "ps -q"
    assert_eq "$full" "$(podctl ps -q --no-trunc)" "ps -q --no-trunc"
    assert_eq "${pod_full:0:12}" "$(podctl pod ls -q)" "pod ls -q"
    assert_eq "$pod_full" "$(podctl pod ls -q --no-trunc)" "pod ls -q --no-trunc"
    assert_eq "${img_full:0:12}" "$(podctl images -q)" "images -q"
    assert_eq "sha256:$img_full" "$(podctl images -q --no-trunc)" "images -q --no-trunc"
    assert_eq "${full:0:12}" "$(podctl ps | awk 'NR == 2 {print $1}')" "ps's table"
    assert_eq "$full" "$(podctl ps --no-trunc | awk 'NR == 2 {print $1}')" "ps --no-trunc's table"
    assert_contains "$(podctl pod ls)" " ${pod_full:0:12} "
    assert_contains "$(podctl pod ls --no-trunc)" " $pod_full "
}

test_a_unique_prefix_names_a_container_pod_image_and_network() {
    with_busybox
    local id pod img net
    id=$(podctl run -d --name web busybox sh -c 'echo hello; sleep 1000')
    pod=$(podctl pod create shop)
    img=$(podctl image inspect busybox | json .0.id)
    podctl network create blue > /dev/null
    net=$(podctl network inspect blue | json .0.id)
    assert_eq web "$(podctl inspect "${id:0:5}" | json .0.name)" "inspect by prefix"
    wait_for sh -c "podctl logs ${id:0:5} | grep -q hello"
    assert_eq shop "$(podctl pod inspect "${pod:0:5}" | json .0.name)" "pod inspect by prefix"
    assert_eq "$img" "$(podctl image inspect "${img:0:5}" | json .0.id)" "image by prefix"
    assert_eq blue "$(podctl network inspect "${net:0:5}" | json .0.name)" "network by prefix"
    podctl rm -f "${id:0:5}" > /dev/null
    assert_eq "" "$(podctl ps -aq)" "rm by prefix"
    podctl pod rm -f "${pod:0:5}" > /dev/null
    assert_eq "" "$(podctl pod ls -q)" "pod rm by prefix"
    podctl network rm "${net:0:5}" > /dev/null
    assert_not_contains "$(podctl network ls -q)" blue "network rm by prefix"
}

test_an_ambiguous_prefix_is_an_error() {
    with_busybox
    local ids first="" i id
    # Containers until two ids share their first digit (17 at most).
    for i in $(seq 17); do
        id=$(podctl create --name "c$i" busybox true)
        ids=$(podctl ps -aq --no-trunc | cut -c1 | sort | uniq -d | head -n1)
        if [ -n "$ids" ]; then
            first=$ids
            break
        fi
    done
    [ -n "$first" ] || fail "no two of 17 ids share a first digit"
    assert_exit 125 podctl inspect "$first"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "prefix \"$first\" matches 2 containers"
    assert_exit 125 podctl rm "$first"
    assert_contains "$LAST_ERR" "matches 2 containers"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' "http://podd/v1/containers/$first")" "API status"
    assert_ne "" "$id"
}

test_container_filters() {
    with_busybox
    podctl pod create shop > /dev/null
    podctl run -d --pod shop --name web --label tier=front --label team=a busybox sleep 1000 > /dev/null
    podctl run -d --name db --label tier=back busybox sleep 1000 > /dev/null
    podctl run --name job busybox sh -c 'exit 3' > /dev/null || true
    podctl run --name ok busybox true > /dev/null
    local web_id
    web_id=$(podctl inspect web | json .0.id)
    assert_eq "web" "$(podctl ps --format json --filter "id=${web_id:0:6}" | json .0.name)" "id"
    assert_eq "db web" "$(names podctl ps -a -f name=e -f name=d)" "name: a part, ORed"
    assert_eq "web" "$(names podctl ps -f label=team)" "label key"
    assert_eq "db" "$(names podctl ps -f label=tier=back)" "label key=value"
    assert_eq "" "$(podctl ps -f label=tier=front -f label=team=b -q)" "every label must hold"
    assert_eq "job ok" "$(names podctl ps -f status=exited)" "status=exited without -a"
    assert_eq "job" "$(names podctl ps -f exited=3)" "exited=3"
    assert_eq "ok" "$(names podctl ps -f exited=0)" "exited=0"
    assert_eq "web" "$(names podctl ps -f pod=shop)" "pod"
    assert_eq "db web" "$(names podctl ps -f ancestor=busybox)" "ancestor"
    assert_eq "" "$(podctl ps -f ancestor=alpine -q)" "ancestor, another image"
    assert_eq "db" "$(names podctl ps -f status=running -f label=tier=back)" "keys ANDed"
    assert_eq "db web" "$(names podctl ps -f network=podd)" "network"
    assert_eq "db web" "$(names podctl ps -f health=none)" "health"
    assert_eq 1 "$(podctl ps -f name=web --format json | json '' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "--format json is filtered too"
    assert_exit 125 podctl ps --filter colour=red
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "invalid filter 'colour'"
    assert_exit 125 podctl ps --filter status=sleeping
    assert_contains "$LAST_ERR" "invalid filter 'status=sleeping'"
}

test_pod_image_network_volume_filters() {
    with_busybox
    podctl pod create --label app=shop shop > /dev/null
    podctl pod create other > /dev/null
    podctl pod stop other > /dev/null
    assert_eq shop "$(podctl pod ls -f label=app=shop --format json | json .0.name)" "pod label"
    assert_eq other "$(podctl pod ls -f status=stopped --format json | json .0.name)" "pod status"
    assert_eq shop "$(podctl pod ls -f name=sho --format json | json .0.name)" "pod name"
    assert_exit 125 podctl pod ls -f ancestor=busybox
    assert_contains "$LAST_ERR" "invalid filter 'ancestor'"

    local img
    img=$(podctl image inspect busybox | json .0.id)
    podctl image tag busybox example.org/team/tool:1 > /dev/null
    assert_eq "${img:0:12}" "$(podctl images -q -f reference='busy*')" "reference glob"
    assert_eq "${img:0:12}" "$(podctl images -q -f reference='example.org/team/*:1')" "reference glob, full"
    assert_eq "" "$(podctl images -q -f reference=alpine)" "reference, none"
    assert_eq "" "$(podctl images -q -f dangling=true)" "dangling=true"
    assert_eq "${img:0:12}" "$(podctl images -q -f dangling=false)" "dangling=false"
    assert_exit 125 podctl images -f status=running
    assert_contains "$LAST_ERR" "invalid filter 'status'"

    podctl network create --label colour=blue blue > /dev/null
    podctl network create red > /dev/null
    podctl pod create --net red inred > /dev/null
    assert_eq blue "$(podctl network ls -q -f label=colour=blue)" "network label"
    assert_eq blue "$(podctl network ls -q -f dangling=true)" "network dangling"
    assert_eq red "$(podctl network ls -q -f name=re)" "network name"
    assert_eq podd "$(podctl network ls -q -f type=builtin)" "network type"
    assert_eq "$(podctl network ls -q | wc -l)" "$(podctl network ls -q -f driver="$(podctl network inspect blue | json .0.driver)" | wc -l)" "network driver"
    local blue_id
    blue_id=$(podctl network inspect blue | json .0.id)
    assert_eq blue "$(podctl network ls -q -f "id=${blue_id:0:4}")" "network id"

    podctl volume create --label keep=yes data > /dev/null
    podctl volume create scratch > /dev/null
    podctl run --name user -v data:/data busybox true > /dev/null
    assert_eq data "$(podctl volume ls -q -f label=keep)" "volume label"
    assert_eq scratch "$(podctl volume ls -q -f dangling=true)" "volume dangling"
    assert_eq data "$(podctl volume ls -q -f dangling=false)" "volume in use"
    assert_eq scratch "$(podctl volume ls -q -f name=scr -f driver=local)" "volume name and driver"
    podctl rm user > /dev/null
    podctl pod rm -f inred > /dev/null
}

test_create_then_start() {
    with_busybox
    local id
    id=$(podctl create --name later --label stage=1 busybox sleep 1000)
    assert_eq 64 "${#id}" "create prints the full id"
    assert_eq created "$(ctr_field later .state)"
    assert_eq "" "$(podctl ps -q)" "not running"
    assert_eq "${id:0:12}" "$(podctl ps -q -f status=created)" "listed as created"
    assert_eq 1 "$(ctr_field later .labels.stage)" "its label"
    podctl start "${id:0:4}" > /dev/null
    wait_for is_running later
    assert_eq "${id:0:12}" "$(podctl ps -q)"
    assert_exit 125 podctl create
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl create --name later busybox true
    assert_eq "" "$LAST_OUT" "nothing printed for a taken name"
}

test_rename() {
    with_busybox
    podctl run -d --name old busybox sleep 1000 > /dev/null
    podctl create --name taken busybox true > /dev/null
    local id
    id=$(podctl inspect old | json .0.id)
    podctl rename old new
    assert_eq "$id" "$(podctl inspect new | json .0.id)" "the new name works"
    assert_exit 125 podctl inspect old
    assert_exit 125 podctl rename new taken
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "already exists"
    assert_eq "$id" "$(podctl inspect new | json .0.id)" "still new"
    assert_exit 125 podctl rename new 'bad/name'
    assert_exit 125 podctl rename nosuch other
    assert_eq 409 "$(api -o /dev/null -w '%{http_code}' -X POST "http://podd/v1/containers/new/rename?name=taken")" "API: taken"
    podctl rename "${id:0:6}" again
    assert_eq again "$(podctl inspect "$id" | json .0.name)" "rename by prefix"
}

test_container_prune_removes_only_stopped_ones() {
    with_busybox
    podctl pod create shop > /dev/null
    podctl run -d --name up busybox sleep 1000 > /dev/null
    podctl run -d --pod shop --name inpod busybox sleep 1000 > /dev/null
    podctl run --name finished busybox true > /dev/null
    podctl create --name fresh --label keep=1 busybox true > /dev/null
    local done_id
    done_id=$(podctl inspect finished | json .0.id)
    assert_exit 125 podctl container prune < /dev/null
    assert_eq 4 "$(podctl ps -aq | wc -l)" "nothing removed without -f and no terminal"
    assert_exit 0 podctl container prune -f --filter label=keep=2
    assert_eq 4 "$(podctl ps -aq | wc -l)" "the filter holds"
    podctl container prune -f --filter name=finished > "$T/out"
    assert_contains "$(cat "$T/out")" "Deleted Containers:"
    assert_contains "$(cat "$T/out")" "$done_id"
    podctl container prune -f > /dev/null
    assert_eq "inpod up" "$(podctl ps -a --format json | json '' | python3 -c 'import json,sys; print(" ".join(sorted(c["name"] for c in json.load(sys.stdin))))')" "the running ones stay"
    assert_eq running "$(pod_field shop .state)" "the pod untouched"
}

test_system_prune_leaves_what_runs() {
    with_busybox
    podctl pod create live > /dev/null
    podctl run -d --pod live --name inlive busybox sleep 1000 > /dev/null
    podctl pod create dead > /dev/null
    podctl pod stop dead > /dev/null
    podctl network create spare > /dev/null
    podctl network create used > /dev/null
    podctl pod create --net used onused > /dev/null
    podctl run -d --name up busybox sleep 1000 > /dev/null
    podctl run --name finished busybox true > /dev/null
    podctl run --name anon -v /scratch busybox true > /dev/null
    local live_infra
    live_infra=$(infra_pid live)
    assert_exit 125 podctl system prune < /dev/null
    assert_eq 4 "$(podctl ps -aq | wc -l)" "nothing removed without -f and no terminal"
    podctl system prune -f --volumes > "$T/out"
    assert_contains "$(cat "$T/out")" "Deleted Containers:"
    assert_contains "$(cat "$T/out")" "Deleted Networks:"
    assert_contains "$(cat "$T/out")" "spare"
    assert_contains "$(cat "$T/out")" "Total reclaimed space"
    assert_eq "inlive up" "$(podctl ps -a --format json | json '' | python3 -c 'import json,sys; print(" ".join(sorted(c["name"] for c in json.load(sys.stdin))))')" "running containers stay"
    assert_eq "live onused" "$(podctl pod ls --format json | json '' | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin))))')" "running pods stay"
    assert_eq "$live_infra" "$(infra_pid live)" "the live pod's infra untouched"
    assert_eq running "$(ctr_field inlive .state)"
    assert_contains "$(podctl network ls -q)" used
    assert_not_contains "$(podctl network ls -q)" spare
    assert_eq "" "$(podctl volume ls -q)" "the anonymous volume went"
    assert_eq 1 "$(podctl images -q | wc -l)" "busybox is in use: it stays"
    podctl pod rm -f onused > /dev/null
}

test_did_you_mean() {
    podd_start
    assert_exit 125 podctl sp
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" '"sp" is not a command of podctl'
    assert_contains "$LAST_ERR" 'did you mean "ps"?'
    assert_exit 125 podctl ps --al
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" 'unknown flag --al; did you mean "--all"?'
    assert_exit 125 podctl pod lss
    assert_contains "$LAST_ERR" 'did you mean "ls"?'
    assert_exit 125 podctl stop --tiem 3 x
    assert_contains "$LAST_ERR" 'did you mean "--time"?'
    assert_exit 125 podctl frobnicate
    assert_not_contains "$LAST_ERR" "did you mean"
    assert_exit 125 podctl ps --zzzzzz
    assert_not_contains "$LAST_ERR" "did you mean"
    # Hidden commands (aliases without a summary) are never offered.
    assert_exit 125 podctl imagez
    assert_not_contains "$LAST_ERR" '"images"'
}

run_tests
