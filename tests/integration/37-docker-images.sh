#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Engine API's images and system endpoints through the real docker CLI
# and Debian's python3-docker: version and info, images, inspect, tag, rmi
# (and its 409 while a container uses the image), history, prune, save and
# load, pull and push against the suite's registry with a login, events
# (a window of the past and a live stream), and the clear refusals of build
# and search. Bad input answers the Engine's way and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci.sh"
. "$(dirname "$0")/registry.sh"

cleanup_test() {
    [ -z "${EVENTS_PID:-}" ] || kill "$EVENTS_PID" 2> /dev/null || true
    reg_stop
}

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

test_version_and_info() {
    with_busybox
    assert_exit 0 docker version
    assert_contains "$LAST_OUT" "podd"
    assert_contains "$LAST_OUT" "API version:      1.41"
    assert_eq podd "$(docker version -f '{{.Server.Platform.Name}}')"
    assert_eq "$(uname -r)" "$(docker version -f '{{.Server.KernelVersion}}')"
    podctl run -d --name sleeper busybox sleep 1000 > /dev/null
    podctl run --name idle busybox true > /dev/null
    assert_exit 0 docker info
    assert_eq "" "$LAST_ERR" "docker info warns of nothing"
    assert_eq "2 1 1 1" "$(docker info -f '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}} {{.Images}}')"
    assert_eq "$T/root" "$(docker info -f '{{.DockerRootDir}}')"
    assert_eq "$(nproc)" "$(docker info -f '{{.NCPU}}')"
    assert_eq "overlay cgroupfs inactive" "$(docker info -f '{{.Driver}} {{.CgroupDriver}} {{.Swarm.LocalNodeState}}')"
    local v=1
    [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && v=2
    assert_eq "$v" "$(docker info -f '{{.CgroupVersion}}')"
    assert_eq "" "$(docker system df > /dev/null)"
    pydocker 'import docker; i = docker.from_env().info(); assert i["Images"] == 1, i; assert i["Containers"] == 2, i'
}

test_images_inspect_tag_history() {
    with_busybox
    assert_exit 0 docker images
    assert_contains "$LAST_OUT" "busybox      latest"
    local id pid
    id=$(docker inspect busybox -f '{{.Id}}')
    pid=$(podctl image inspect busybox | json .0.id)
    assert_eq "sha256:$pid" "$id"
    assert_eq "busybox:latest" "$(docker image inspect busybox -f '{{index .RepoTags 0}}')"
    assert_eq "layers" "$(docker image inspect busybox -f '{{.RootFS.Type}}')"
    assert_eq "$(podctl images -q | head -1 | cut -c1-12)" "$(docker images -q busybox)"
    docker tag busybox team/box:v2
    assert_contains "$(docker images)" "team/box"
    assert_contains "$(podctl images)" "team/box"
    assert_eq "$id" "$(docker inspect team/box:v2 -f '{{.Id}}')"
    assert_eq "team/box:v2" "$(docker images --filter reference='team/*' --format '{{.Repository}}:{{.Tag}}')"
    assert_eq "" "$(docker images --filter dangling=true -q)"
    assert_exit 0 docker history busybox
    assert_contains "$LAST_OUT" "CREATED BY"
    docker rmi team/box:v2 > "$T/rmi.out"
    assert_contains "$(cat "$T/rmi.out")" "Untagged: team/box:v2"
    assert_not_contains "$(docker images)" "team/box"
    pydocker 'import docker
tags = [t for i in docker.from_env().images.list() for t in i.tags]
assert tags == ["busybox:latest"], tags'
}

test_rmi_in_use_and_unknown() {
    with_busybox
    podctl run --name user busybox true > /dev/null
    assert_exit 1 docker rmi busybox
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "Error response from daemon: conflict: unable to remove"
    assert_contains "$LAST_ERR" "being used by a container"
    assert_contains "$(podctl images)" "busybox"
    assert_exit 1 docker rmi nosuch
    assert_contains "$LAST_ERR" "No such image: nosuch"
    assert_exit 1 docker inspect --type image nosuch
    assert_contains "$LAST_ERR" "No such image: nosuch"
    assert_contains "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/run/docker.sock" http://d/v1.41/images/nosuch/json)" 404
    podctl rm user > /dev/null
    assert_exit 0 docker rmi busybox
    assert_contains "$LAST_OUT" "Deleted: sha256:"
    assert_eq "" "$(podctl images -q)"
}

test_save_load_round_trip() {
    with_busybox
    local id
    id=$(docker inspect busybox -f '{{.Id}}')
    docker save -o "$T/bb.tar" busybox
    tar -tf "$T/bb.tar" > "$T/bb.list"
    grep -q manifest.json "$T/bb.list" || fail "no manifest.json in the archive"
    docker rmi busybox > /dev/null
    assert_eq "" "$(podctl images -q)"
    assert_exit 0 docker load -i "$T/bb.tar"
    assert_contains "$LAST_OUT" "Loaded image: busybox:latest"
    assert_eq "$id" "$(docker inspect busybox -f '{{.Id}}')"
    assert_contains "$(podctl images)" "busybox"
    assert_eq hi "$(podctl run --rm busybox echo hi)"
    # save by name to stdout as well
    docker save busybox > "$T/bb2.tar"
    tar -tf "$T/bb2.tar" > "$T/bb2.list"
    grep -q manifest.json "$T/bb2.list" || fail "no archive on stdout"
}

test_load_garbage_leaves_nothing() {
    podd_start
    head -c 100000 /dev/urandom > "$T/garbage.tar"
    assert_exit 1 docker load -i "$T/garbage.tar"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "Error response from daemon"
    assert_eq "" "$(podctl images -q)"
    assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -X POST --data-binary @"$T/garbage.tar" http://d/v1.41/images/load)"
}

test_prune_dangling_and_all() {
    with_busybox
    docker tag busybox other:v1
    podctl image import other:v1 "$IMAGES/busybox" > /dev/null
    assert_exit 0 docker image prune -f
    assert_contains "$LAST_OUT" "Total reclaimed space: 0B"
    podctl run --name user busybox true > /dev/null
    assert_exit 0 docker image prune -a -f
    assert_contains "$(docker images)" "busybox"
    podctl rm user > /dev/null
    assert_exit 0 docker image prune -a -f
    assert_contains "$LAST_OUT" "deleted: sha256:"
    assert_contains "$LAST_OUT" "untagged: busybox:latest"
    assert_eq "" "$(podctl images -q)"
}

test_build_and_search_are_refused() {
    podd_start
    mkdir -p "$T/ctx"
    printf 'FROM busybox\n' > "$T/ctx/Dockerfile"
    assert_exit 1 env DOCKER_BUILDKIT=0 docker build -q "$T/ctx"
    assert_contains "$LAST_ERR" "build is not supported by podd"
    assert_exit 1 docker search busybox
    assert_contains "$LAST_ERR" "search is not supported by podd"
}

test_pull_push_login_through_the_registry() {
    reg_start --htpasswd alice s3cret
    oci_base "$T/oci" base
    skopeo copy --quiet --dest-tls-verify=false --dest-creds alice:s3cret \
        "oci:$T/oci:base" "docker://$REG/test/busybox:v1"
    podd_start
    assert_exit 1 docker pull "$REG/test/busybox:v1"
    assert_contains "$LAST_ERR" "Error response from daemon"
    assert_exit 1 docker login -u alice -p wrong "$REG"
    assert_contains "$LAST_ERR" "wrong username or password"
    assert_exit 0 docker login -u alice --password-stdin "$REG" <<< s3cret
    assert_contains "$LAST_OUT" "Login Succeeded"
    assert_exit 0 docker pull "$REG/test/busybox:v1"
    assert_contains "$LAST_OUT" "v1: Pulling from test/busybox"
    assert_contains "$LAST_OUT" "Pull complete"
    assert_contains "$LAST_OUT" "Digest: sha256:"
    assert_contains "$LAST_OUT" "Status: Downloaded newer image for $REG/test/busybox:v1"
    assert_contains "$(podctl images)" "$REG/test/busybox"
    assert_exit 0 docker pull "$REG/test/busybox:v1"
    assert_contains "$LAST_OUT" "Status: Image is up to date for $REG/test/busybox:v1"
    docker tag "$REG/test/busybox:v1" "$REG/test/pushed:v2"
    assert_exit 0 docker push "$REG/test/pushed:v2"
    skopeo inspect --tls-verify=false --creds alice:s3cret "docker://$REG/test/pushed:v2" > /dev/null
    # A missing image: docker's message, nothing kept.
    assert_exit 1 docker pull "$REG/test/nosuch:v1"
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "Error response from daemon"
    # The Python SDK pulls too (with the credentials in the config).
    docker rmi "$REG/test/busybox:v1" > /dev/null
    pydocker 'import docker, sys
c = docker.from_env()
img = c.images.pull(sys.argv[1], tag="v1", auth_config={"username": "alice", "password": "s3cret"})
assert sys.argv[1] + ":v1" in img.tags, img.tags' "$REG/test/busybox"
    docker logout "$REG" > /dev/null
}

test_events_window_and_stream() {
    with_busybox
    local since until
    since=$(date +%s)
    podctl run -d --name ev busybox true > /dev/null
    wait_for is_exited ev
    until=$(($(date +%s) + 1))
    assert_exit 0 docker events --since "$since" --until "$until" --filter container=ev \
        --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
    assert_contains "$LAST_OUT" "container create ev"
    assert_contains "$LAST_OUT" "container start ev"
    assert_contains "$LAST_OUT" "container die ev"
    assert_exit 0 docker events --since "$since" --until "$until" --filter event=die --format '{{.Action}} {{.Actor.Attributes.exitCode}}'
    assert_eq "die 0" "$LAST_OUT"
    # Live: a stream that shows what happens after it started.
    docker events --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}' > "$T/events.out" &
    EVENTS_PID=$!
    wait_for test -e "$T/events.out"
    streamed() { grep -q "die live" "$T/events.out"; }
    # the stream is registered once podd has answered: retry until it is
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        podctl run --rm --name live busybox true > /dev/null
        streamed && break
    done
    wait_for streamed
    kill "$EVENTS_PID"
    wait "$EVENTS_PID" 2> /dev/null || true
    EVENTS_PID=
    assert_exit 1 docker events --filter nosuch=1 --until "$until"
    assert_contains "$LAST_ERR" "invalid filter"
}

run_tests "$@"
