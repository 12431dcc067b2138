#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Networks and volumes through the docker CLI and the Python SDK, unchanged,
# against podd's Engine API: `docker network ls|create|inspect|connect|
# disconnect|rm|prune`, `docker volume create|ls|inspect|rm|prune`, what they
# show beside podctl, the Engine's errors for bad input, and nothing left
# behind.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# dk_status METHOD PATH [BODY]: the HTTP status of a raw Engine API call.
dk_status() {
    curl -s -o "$T/dk_body" -w '%{http_code}' --unix-socket "$T/run/docker.sock" \
        -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "http://docker$2"
}

test_network_ls_shows_bridge_host_none() {
    podd_start
    local ls
    ls=$(docker network ls --format '{{.Name}} {{.Driver}} {{.Scope}}')
    assert_contains "$ls" "bridge bridge local"
    assert_contains "$ls" "host host local"
    assert_contains "$ls" "none null local"
    # bridge is podd's default network: its subnet, its bridge
    assert_eq "10.77.0.0/16" "$(docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' bridge)"
    assert_eq "podd0" "$(docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' bridge)"
    assert_eq "bridge" "$(docker network ls -q --filter type=builtin --filter name=bri | xargs docker network inspect -f '{{.Name}}')"
    assert_exit 1 docker network rm bridge
    assert_contains "$LAST_ERR" "bridge is a pre-defined network and cannot be removed"
    assert_exit 1 docker network rm host
    assert_contains "$LAST_ERR" "host is a pre-defined network and cannot be removed"
}

test_network_create_inspect_rm() {
    podd_start
    local id
    id=$(docker network create --subnet 10.99.0.0/24 --gateway 10.99.0.1 --label app=web \
        -o com.docker.network.bridge.name=br-dk39 --internal dk39)
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || fail "network id: $id"
    assert_eq "dk39 $id local bridge true" \
        "$(docker network inspect -f '{{.Name}} {{.Id}} {{.Scope}} {{.Driver}} {{.Internal}}' dk39)"
    assert_eq "10.99.0.0/24 10.99.0.1" \
        "$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}' "${id:0:12}")"
    assert_eq "web" "$(docker network inspect -f '{{index .Labels "app"}}' "$id")"
    # podctl sees the same network, with the same id and bridge
    assert_eq "$id" "$(podctl network inspect dk39 | json .0.id)"
    assert_eq "br-dk39" "$(podctl network inspect dk39 | json .0.bridge)"
    assert_eq "dk39" "$(docker network ls --filter label=app=web --format '{{.Name}}')"
    assert_eq "" "$(docker network ls --filter label=app=db --format '{{.Name}}')"
    assert_eq "dk39" "$(docker network ls --filter type=custom --filter dangling=true --format '{{.Name}}')"
    # the same name again: 409, the network unchanged
    assert_exit 1 docker network create dk39
    assert_contains "$LAST_ERR" 'network "dk39" already exists'
    assert_one_line "$LAST_ERR"
    assert_eq 409 "$(dk_status POST /v1.41/networks/create '{"Name":"dk39"}')"
    assert_eq "dk39" "$(docker network rm dk39)"
    assert_exit 1 docker network inspect dk39
    assert_contains "$LAST_ERR" "network dk39 not found"
    assert_exit 1 ip link show br-dk39
}

test_network_create_bad_input() {
    podd_start
    assert_exit 1 docker network create -d overlay dk39
    assert_contains "$LAST_ERR" "network driver overlay is not supported"
    assert_one_line "$LAST_ERR"
    assert_exit 1 docker network create --subnet 10.99.0.0/24 --ip-range 10.99.0.128/25 dk39
    assert_contains "$LAST_ERR" "IPRange 10.99.0.128/25 is not supported"
    assert_exit 1 docker network create -o com.docker.network.bridge.enable_icc=false dk39
    assert_contains "$LAST_ERR" "network option com.docker.network.bridge.enable_icc is not supported"
    assert_exit 1 docker network create --subnet 10.99.0.1/24 dk39
    assert_contains "$LAST_ERR" "host bits set"
    assert_exit 1 docker network create --subnet 10.77.0.0/24 dk39
    assert_contains "$LAST_ERR" "overlaps network"
    assert_exit 1 docker network create --ipam-driver other dk39
    assert_contains "$LAST_ERR" "IPAM driver other is not supported"
    assert_eq 400 "$(dk_status POST /networks/create '{"Name":"dk39","Bogus":1}')"
    assert_eq 400 "$(dk_status POST /networks/create '{"Name":"dk39"')"
    assert_eq 400 "$(dk_status POST /networks/create '{"Name":"dk39","Driver":"macvlan"}')"
    assert_eq 400 "$(dk_status GET '/networks?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D')"
    assert_eq 404 "$(dk_status GET /networks/nosuch)"
    assert_eq 404 "$(dk_status DELETE /networks/nosuch)"
    assert_contains "$(cat "$T/dk_body")" '"message":"network nosuch not found"'
    assert_eq 404 "$(dk_status POST /networks/nosuch/connect '{"Container":"x"}')"
    # nothing made
    assert_eq "bridge host none" "$(docker network ls --format '{{.Name}}' | sort | xargs)"
    assert_exit 1 ip link show pd-dk39
}

test_network_connect_disconnect() {
    with_busybox
    docker network create --subnet 10.98.0.0/24 dk39 > /dev/null
    podctl run -d --name a busybox sleep 1000 > /dev/null
    docker network connect --alias web --ip 10.98.0.50 dk39 a
    assert_eq "a 10.98.0.50/24" \
        "$(docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' dk39)"
    # the container has the interface, with that address
    assert_contains "$(podctl exec a ip -4 addr show eth1)" "inet 10.98.0.50/24"
    assert_eq "" "$(docker network ls --filter dangling=true --format '{{.Name}}')"
    assert_exit 1 docker network connect dk39 a
    assert_contains "$LAST_ERR" "already on network"
    assert_exit 1 docker network connect dk39 nosuch
    assert_contains "$LAST_ERR" "No such container: nosuch"
    assert_exit 1 docker network rm dk39
    assert_contains "$LAST_ERR" "has active endpoints"
    docker network disconnect dk39 a
    assert_eq "" "$(docker network inspect -f '{{range .Containers}}{{.Name}}{{end}}' dk39)"
    if podctl exec a ip link show eth1 2> /dev/null; then fail "eth1 still in a"; fi
    docker network rm dk39 > /dev/null
    podctl rm -f a > /dev/null
}

test_network_prune() {
    podd_start
    docker network create --label keep=no dk39a > /dev/null
    docker network create --label keep=yes dk39b > /dev/null
    assert_contains "$(docker network prune -f --filter label=keep=no)" "dk39a"
    assert_eq "dk39b" "$(docker network ls --filter type=custom --format '{{.Name}}')"
    docker network prune -f > /dev/null
    assert_eq "" "$(docker network ls --filter type=custom --format '{{.Name}}')"
    assert_eq "bridge host none" "$(docker network ls --format '{{.Name}}' | sort | xargs)"
}

test_volume_create_ls_inspect_rm() {
    with_busybox
    assert_eq "vol39" "$(docker volume create --label app=web vol39)"
    local anon
    anon=$(docker volume create)
    [[ "$anon" =~ ^[0-9a-f]{64}$ ]] || fail "generated volume name: $anon"
    assert_eq "vol39 local local web" \
        "$(docker volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels.app}}' vol39)"
    local mp
    mp=$(docker volume inspect -f '{{.Mountpoint}}' vol39)
    assert_eq "$(podctl volume inspect vol39 | json .0.mountpoint)" "$mp"
    [ -d "$mp" ] || fail "no mountpoint $mp"
    assert_eq "vol39" "$(docker volume ls -q --filter label=app=web)"
    assert_eq "$(printf '%s\n' "$anon" vol39 | sort | xargs)" "$(docker volume ls -q | sort | xargs)"
    # creating it again answers the volume as it is
    assert_eq "vol39" "$(docker volume create vol39)"
    # in use: refused, even with force
    podctl run -d --name a -v vol39:/data busybox sleep 1000 > /dev/null
    assert_eq "vol39" "$(docker volume ls -q --filter dangling=false)"
    assert_exit 1 docker volume rm vol39
    assert_contains "$LAST_ERR" 'remove vol39: volume is in use - ["a"]'
    assert_exit 1 docker volume rm -f vol39
    podctl rm -f a > /dev/null
    docker volume rm vol39 > /dev/null
    assert_exit 1 docker volume inspect vol39
    assert_contains "$LAST_ERR" "no such volume"
    assert_exit 1 docker volume rm vol39
    docker volume rm -f vol39 > /dev/null
    assert_contains "$(docker volume prune -f)" "$anon"
    assert_eq "" "$(docker volume ls -q)"
}

test_volume_bad_input() {
    podd_start
    assert_exit 1 docker volume create -d nfs vol39
    assert_contains "$LAST_ERR" "volume driver nfs is not supported"
    assert_one_line "$LAST_ERR"
    assert_exit 1 docker volume create -o type=tmpfs vol39
    assert_contains "$LAST_ERR" "DriverOpts are not supported"
    assert_exit 1 docker volume create ../x
    assert_eq 400 "$(dk_status POST /volumes/create '{"Name":"vol39","Bogus":1}')"
    assert_eq 400 "$(dk_status POST /volumes/create '{"Name":"vol39","Labels":{"a":1}}')"
    assert_eq 404 "$(dk_status GET /volumes/nosuch)"
    assert_contains "$(cat "$T/dk_body")" '"message":"get nosuch: no such volume"'
    assert_eq 404 "$(dk_status DELETE /volumes/nosuch)"
    assert_eq 204 "$(dk_status DELETE '/volumes/nosuch?force=1')"
    assert_eq 400 "$(dk_status GET '/volumes?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D')"
    assert_eq "" "$(docker volume ls -q)"
}

test_python_sdk_networks_and_volumes() {
    with_busybox
    podctl run -d --name a busybox sleep 1000 > /dev/null
    pydocker '
import docker
c = docker.from_env()
n = c.networks.create("dk39", driver="bridge", labels={"app": "sdk"},
                      ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.97.0.0/24")]))
assert len(n.id) == 64, n.id
assert [x.name for x in c.networks.list(filters={"label": "app=sdk"})] == ["dk39"]
assert c.networks.get(n.id[:12]).attrs["IPAM"]["Config"][0]["Subnet"] == "10.97.0.0/24"
n.connect("a", aliases=["web"])
n.reload()
assert [x["Name"] for x in n.attrs["Containers"].values()] == ["a"], n.attrs
n.disconnect("a")
n.remove()
assert "dk39" not in [x.name for x in c.networks.list()]
v = c.volumes.create(name="vol39", labels={"app": "sdk"})
assert c.volumes.get("vol39").attrs["Labels"] == {"app": "sdk"}
assert [x.name for x in c.volumes.list(filters={"label": "app=sdk"})] == ["vol39"]
v.remove()
try:
    c.volumes.get("vol39")
    raise SystemExit("vol39 still there")
except docker.errors.NotFound:
    pass
'
    podctl rm -f a > /dev/null
}

run_tests "$@"
