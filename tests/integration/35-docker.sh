#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Docker's containers through the docker CLI and the Python SDK, against
# podd's Engine API: run -d with its flags, ps and its filters, inspect,
# the verbs (stop, kill, rm, wait, rename, pause, update, top, stats,
# prune), the same containers as podctl's, and bad input answered the
# Engine's way with nothing left behind.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

dk_running() {
    [ "$(docker inspect -f '{{.State.Status}}' "$1")" = running ]
}

dk_exited() {
    [ "$(docker inspect -f '{{.State.Status}}' "$1")" = exited ]
}

test_run_detached_is_podds_container() {
    with_busybox
    local id pid
    id=$(docker run -d --name web -e GREETING=hello -l app=web busybox sleep 1000)
    assert_eq 64 "${#id}" "docker run prints the full id"
    wait_for dk_running web
    # docker and podctl see the same container
    assert_eq running "$(ctr_field web .state)"
    assert_eq "$id" "$(ctr_field web .id)"
    pid=$(docker inspect -f '{{.State.Pid}}' web)
    assert_eq "$(ctr_pid web)" "$pid" "State.Pid is podd's workload pid"
    assert_contains "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "sleep 1000"
    assert_contains "$(tr '\0' '\n' < "/proc/$pid/environ")" "GREETING=hello"
    assert_eq /web "$(docker inspect -f '{{.Name}}' web)"
    assert_eq web "$(docker inspect -f '{{index .Config.Labels "app"}}' web)"
    assert_eq true "$(docker inspect -f '{{.State.Running}}' web)"
    assert_contains "$(docker inspect -f '{{.Image}}' web)" "sha256:"
    assert_eq "[sleep 1000]" "$(docker inspect -f '{{.Config.Cmd}}' web)"
    assert_contains "$(docker inspect -f '{{.State.StartedAt}}' web)" "Z"
    # podctl's containers are docker's too
    podctl run -d --name other busybox sleep 1000 > /dev/null
    assert_contains "$(docker ps --format '{{.Names}}')" "other"
    assert_contains "$(podctl ps)" "web"
}

test_ps_lists_and_filters() {
    with_busybox
    docker run -d --name a -l tier=front busybox sleep 1000 > /dev/null
    docker run -d --name b -l tier=back busybox sleep 1000 > /dev/null
    docker create --name c busybox true > /dev/null
    local out
    out=$(docker ps --format '{{.Names}} {{.Status}}')
    assert_contains "$out" "a Up"
    assert_contains "$out" "b Up"
    assert_not_contains "$out" "c "
    assert_contains "$(docker ps -a --format '{{.Names}} {{.Status}}')" "c Created"
    assert_eq a "$(docker ps --filter label=tier=front --format '{{.Names}}')"
    assert_eq c "$(docker ps -a --filter status=created --format '{{.Names}}')"
    assert_eq b "$(docker ps --filter name=b --format '{{.Names}}')"
    assert_eq 3 "$(docker ps -aq | wc -l)"
    assert_eq 2 "$(docker ps -q --filter ancestor=busybox | wc -l)"
    # the newest first, as docker lists
    assert_eq "c b a" "$(docker ps -a --format '{{.Names}}' | tr '\n' ' ' | sed 's/ $//')"
}

test_stop_kill_wait_rm() {
    with_busybox
    docker run -d --name s busybox sleep 1000 > /dev/null
    wait_for dk_running s
    docker stop -t 1 s > /dev/null
    assert_eq exited "$(docker inspect -f '{{.State.Status}}' s)"
    assert_eq exited "$(ctr_field s .state)"
    assert_contains "$(docker ps -a --format '{{.Names}} {{.Status}}')" "s Exited (137)"
    docker start s > /dev/null
    wait_for dk_running s
    docker kill s > /dev/null
    wait_for dk_exited s
    assert_eq 137 "$(docker inspect -f '{{.State.ExitCode}}' s)"
    docker run -d --name w busybox sh -c 'sleep 0.3; exit 3' > /dev/null
    assert_eq 3 "$(docker wait w)"
    docker run -d --name r busybox sleep 1000 > /dev/null
    assert_exit 1 docker rm r
    assert_contains "$LAST_ERR" "cannot remove a running container"
    docker rm -f r > /dev/null
    docker rm s w > /dev/null
    assert_eq "" "$(docker ps -aq)"
    assert_eq "" "$(podctl ps -a -q 2> /dev/null || true)"
}

test_rename_pause_update_top_stats() {
    with_busybox
    docker run -d --name old busybox sleep 1000 > /dev/null
    wait_for dk_running old
    docker rename old new
    assert_eq /new "$(docker inspect -f '{{.Name}}' new)"
    assert_eq running "$(ctr_field new .state)"
    docker pause new > /dev/null
    assert_eq true "$(docker inspect -f '{{.State.Paused}}' new)"
    assert_eq paused "$(ctr_field new .state)"
    docker unpause new > /dev/null
    assert_eq running "$(docker inspect -f '{{.State.Status}}' new)"
    docker update --memory 64m --memory-swap 128m --cpus 0.5 new > /dev/null
    assert_eq 67108864 "$(docker inspect -f '{{.HostConfig.Memory}}' new)"
    assert_eq 500000000 "$(docker inspect -f '{{.HostConfig.NanoCpus}}' new)"
    assert_contains "$(docker top new)" "sleep 1000"
    local stats
    stats=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' new)
    assert_contains "$stats" "new "
    assert_contains "$stats" "64MiB"
    assert_contains "$stats" " 1"
    # a stats stream: a sample a second, until the client leaves
    local lines
    # (curl ends on the pipe head closes: its status is not the stream's)
    lines=$({ curl -sN --unix-socket "$T/run/docker.sock" \
        'http://d/v1.41/containers/new/stats?stream=1' || true; } | head -2)
    assert_eq 2 "$(wc -l <<< "$lines")"
    assert_contains "$(tail -1 <<< "$lines")" '"precpu_stats"'
    assert_eq running "$(docker inspect -f '{{.State.Status}}' new)"
}

test_limits_in_inspect_and_cgroup() {
    with_busybox
    docker run -d --name lim --memory 32m --cpus 1.5 --pids-limit 50 --cap-add NET_ADMIN \
        --restart on-failure:2 busybox sleep 1000 > /dev/null
    wait_for dk_running lim
    assert_eq 33554432 "$(docker inspect -f '{{.HostConfig.Memory}}' lim)"
    assert_eq 1500000000 "$(docker inspect -f '{{.HostConfig.NanoCpus}}' lim)"
    assert_eq 50 "$(docker inspect -f '{{.HostConfig.PidsLimit}}' lim)"
    assert_eq on-failure "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' lim)"
    assert_eq 2 "$(docker inspect -f '{{.HostConfig.RestartPolicy.MaximumRetryCount}}' lim)"
    assert_contains "$(docker inspect -f '{{.HostConfig.CapAdd}}' lim)" "NET_ADMIN"
    local pid cg
    pid=$(docker inspect -f '{{.State.Pid}}' lim)
    cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
    if [ -n "$cg" ] && [ -f "/sys/fs/cgroup$cg/memory.max" ]; then
        assert_eq 33554432 "$(cat "/sys/fs/cgroup$cg/memory.max")"
        assert_eq "150000 100000" "$(cat "/sys/fs/cgroup$cg/cpu.max")"
        assert_eq 50 "$(cat "/sys/fs/cgroup$cg/pids.max")"
    fi
    # NET_ADMIN (bit 12) is in the workload's effective set
    local eff
    eff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")
    assert_ne 0 "$(( (16#$eff >> 12) & 1 ))" "NET_ADMIN in CapEff $eff"
}

test_volumes_and_ports() {
    with_busybox
    mkdir -p "$T/data"
    echo from-the-host > "$T/data/f"
    docker run -d --name v -v "$T/data:/data" -v named:/vol -p 127.0.0.1:18081:80 busybox \
        sh -c 'echo hi > /vol/x; mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www' \
        > /dev/null
    wait_for dk_running v
    local pid
    pid=$(docker inspect -f '{{.State.Pid}}' v)
    assert_eq from-the-host "$(cat "/proc/$pid/root/data/f")"
    assert_contains "$(docker inspect -f '{{json .Mounts}}' v)" '"Name":"named"'
    assert_eq 18081 "$(docker inspect -f '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}' v)"
    assert_contains "$(docker ps --format '{{.Ports}}')" "127.0.0.1:18081->80/tcp"
    fetch() { curl -sf http://127.0.0.1:18081/; }
    wait_for fetch
    assert_eq served "$(fetch)"
    assert_ne "" "$(docker inspect -f '{{.NetworkSettings.IPAddress}}' v)"
    docker rm -f v > /dev/null
    podctl volume rm named > /dev/null
    # -v DST alone: an anonymous volume, gone with rm -v
    docker run -d --name anon -v /scratch busybox sleep 1000 > /dev/null
    assert_contains "$(docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' anon)" \
        "volume /scratch"
    docker rm -f -v anon > /dev/null
}

test_network_modes() {
    with_busybox
    podctl network create appnet > /dev/null
    docker run -d --name srv --network appnet busybox sleep 1000 > /dev/null
    wait_for dk_running srv
    assert_contains "$(docker inspect -f '{{json .NetworkSettings.Networks}}' srv)" '"appnet"'
    assert_eq appnet "$(docker inspect -f '{{.HostConfig.NetworkMode}}' srv)"
    docker run -d --name side --network container:srv --pid container:srv busybox sleep 1000 \
        > /dev/null
    wait_for dk_running side
    local a b
    a=$(docker inspect -f '{{.State.Pid}}' srv)
    b=$(docker inspect -f '{{.State.Pid}}' side)
    assert_eq "$(ns_id "$a" net)" "$(ns_id "$b" net)" "shared net ns"
    assert_eq "$(ns_id "$a" pid)" "$(ns_id "$b" pid)" "shared pid ns"
    # as docker's: a container:X container has no network of its own
    assert_eq srv "$(docker ps --filter network=appnet --format '{{.Names}}')"
    docker rm -f side srv > /dev/null
    podctl network rm appnet > /dev/null
}

test_bad_input_leaves_nothing() {
    with_busybox
    # (without --pull never the CLI pulls: the images' part)
    assert_exit 125 docker run -d --pull never nosuchimage:1
    assert_contains "$LAST_ERR" "No such image: nosuchimage:1"
    local code
    code=$(curl -s -o "$T/out" -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -H 'Content-Type: application/json' -d '{"Image":"nosuch"}' \
        http://d/v1.41/containers/create)
    assert_eq 404 "$code"
    assert_contains "$(cat "$T/out")" '"message":"No such image: nosuch:latest"'
    docker create --name taken busybox true > /dev/null
    assert_exit 125 docker run -d --name taken busybox true
    assert_contains "$LAST_ERR" 'The container name "/taken" is already in use by container'
    # the daemon's message is one line (docker run adds its help hint)
    assert_one_line "$(grep 'Error response from daemon' <<< "$LAST_ERR")"
    assert_exit 125 docker run -d --network nosuchnet busybox true
    assert_one_line "$(grep 'Error response from daemon' <<< "$LAST_ERR")"
    assert_contains "$LAST_ERR" "nosuchnet"
    code=$(curl -s -o "$T/out" -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -H 'Content-Type: application/json' \
        -d '{"Image":"busybox","HostConfig":{"NetworkMode":"bad:mode"}}' \
        http://d/v1.41/containers/create)
    assert_eq 400 "$code"
    code=$(curl -s -o "$T/out" -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -H 'Content-Type: application/json' \
        -d '{"Image":"busybox","HostConfig":{"VolumesFrom":["x"]}}' \
        http://d/v1.41/containers/create)
    assert_eq 400 "$code"
    assert_contains "$(cat "$T/out")" "VolumesFrom"
    assert_exit 1 docker inspect nosuch
    assert_contains "$LAST_ERR" "No such"
    assert_exit 1 docker stop nosuch
    assert_contains "$LAST_ERR" "No such container: nosuch"
    code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -X POST http://d/v1.41/containers/nosuch/start)
    assert_eq 404 "$code"
    assert_eq 1 "$(docker ps -aq | wc -l)" "only the container named taken"
    docker rm taken > /dev/null
}

test_start_errors_exit_as_docker_does() {
    with_busybox
    assert_exit 127 docker run -d --name nocmd busybox /no/such/command
    assert_contains "$LAST_ERR" "no such file or directory"
    assert_exit 126 docker run -d --name noexec busybox /etc/passwd
    assert_contains "$LAST_ERR" "permission denied"
    docker rm nocmd noexec > /dev/null 2>&1 || true
}

test_prune_and_auto_remove() {
    with_busybox
    docker run -d --name keep busybox sleep 1000 > /dev/null
    docker create --name gone1 -l p=1 busybox true > /dev/null
    docker create --name gone2 busybox true > /dev/null
    docker container prune -f --filter label=p=1 > /dev/null
    assert_eq "gone2 keep" "$(docker ps -a --format '{{.Names}}' | sort | tr '\n' ' ' | sed 's/ $//')"
    docker container prune -f > /dev/null
    assert_eq keep "$(docker ps -a --format '{{.Names}}')"
    docker run -d --rm --name tmp busybox sh -c 'sleep 0.2' > /dev/null
    gone() { [ -z "$(docker ps -aq --filter name=tmp)" ]; }
    wait_for gone
}

test_python_sdk() {
    with_busybox
    pydocker '
import docker
c = docker.from_env()
ctr = c.containers.run("busybox", ["sh", "-c", "exit 4"], detach=True, name="py", labels={"k": "v"})
assert ctr.wait()["StatusCode"] == 4
ctr.reload()
assert ctr.attrs["State"]["Status"] == "exited", ctr.attrs["State"]
assert ctr.attrs["Config"]["Labels"]["k"] == "v"
assert [x.name for x in c.containers.list(all=True, filters={"label": "k=v"})] == ["py"]
ctr.remove()
assert c.containers.list(all=True) == []
'
}

run_tests "$@"
