#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12, podspec: the event stream (podctl events, GET /v1/events), and
# the pod's Kubernetes-facing fields and volumes, through the API as
# `podctl kube play` sends them and through podctl.
. "$(dirname "$0")/lib.sh"

with_busybox() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# lines_in FILE N: FILE has at least N lines.
lines_in() {
    [ "$(wc -l < "$1")" -ge "$2" ]
}

# The actions of the JSON event lines of FILE for NAME, space-separated.
actions_of() {
    python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, open(sys.argv[1])) if e["name"] == sys.argv[2]))
' "$1" "$2"
}

test_events_stream_a_container_life() {
    with_busybox
    local t0
    t0=$(date +%s)
    podctl pod create --net none p1 > /dev/null
    # From t0: what happens before the stream is held is sent from the ring.
    podctl events --since "$t0" --format json > "$T/ev" &
    local ev_pid=$!
    podctl run -d --pod p1 --name c1 busybox sh -c 'exit 3' > /dev/null
    wait_for is_exited c1
    podctl rm c1 > /dev/null
    wait_for grep -q '"remove"' "$T/ev"
    kill "$ev_pid"
    wait "$ev_pid" 2> /dev/null || true
    assert_eq "create start die remove" "$(actions_of "$T/ev" c1)"
    local die
    die=$(grep '"die"' "$T/ev")
    assert_eq 3 "$(echo "$die" | json .attributes.exit_code)"
    assert_eq p1 "$(echo "$die" | json .pod)"
    assert_eq container "$(echo "$die" | json .type)"
    assert_eq "$(echo "$die" | json .time_nano | cut -c1-10)" \
        "$(date -d "$(echo "$die" | json .time)" +%s)"
}

test_events_since_until_filter() {
    with_busybox
    local t0
    t0=$(date +%s)
    podctl pod create --net none p1 > /dev/null
    podctl run --rm --pod p1 --name c1 busybox true
    podctl pod stop p1 > /dev/null
    podctl pod rm p1 > /dev/null
    # until now: the stream ends by itself, with the past events.
    local out
    out=$(podctl events --since "$t0" --until 0s --format json)
    assert_eq "create start die remove" "$(echo "$out" | python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, sys.stdin) if e["type"] == "container"))')"
    assert_eq "create start stop remove" "$(echo "$out" | python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, sys.stdin) if e["type"] == "pod" and e["action"] != "die"))')"
    # Filters: one key's values are alternatives, keys all apply.
    out=$(podctl events --since 1m --until 0s --filter type=pod --filter event=create)
    assert_eq 1 "$(echo "$out" | wc -l)"
    assert_contains "$out" " pod create p1"
    out=$(podctl events --since 1m --until 0s --filter container=c1 --filter event=die --filter event=start)
    assert_eq 2 "$(echo "$out" | wc -l)"
    assert_contains "$out" "container die c1 (pod=p1, exit_code=0)"
    # Events after an until are not sent; a future until ends the stream.
    out=$(podctl events --since "$t0" --until "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ -d '+1 second')" --filter event=remove)
    assert_eq 2 "$(echo "$out" | wc -l)"
    out=$(podctl events --since 1m --until 0s --filter pod=nothere)
    assert_eq "" "$out"
}

test_events_bad_queries() {
    podd_start
    assert_exit 125 podctl events --since yesterday --until 0s
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "since"
    assert_exit 125 podctl events --filter colour=red --until 0s
    assert_contains "$LAST_ERR" "unknown key"
    assert_exit 125 podctl events --filter nokey --until 0s
    assert_exit 125 podctl events --since 0s --until 1h
    assert_contains "$LAST_ERR" "until is before since"
    assert_exit 125 podctl events --format yaml
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' 'http://d/v1/events?bogus=1')"
}

# pod_create JSON: POST /v1/pods with this body; fails the test unless 201.
pod_create() {
    local code
    code=$(api -o "$T/pod.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$1" http://d/v1/pods)
    [ "$code" = 201 ] || fail "pod create: HTTP $code: $(cat "$T/pod.json")"
}

# ctr_run JSON: create and start a container (POST /v1/containers, start).
ctr_run() {
    local code
    code=$(api -o "$T/ctr.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$1" http://d/v1/containers)
    [ "$code" = 201 ] || fail "container create: HTTP $code: $(cat "$T/ctr.json")"
}

# refused URL JSON: a POST answered 400 with one line; sets $LAST_ERR.
refused() {
    local code
    code=$(api -o "$T/err.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$2" "http://d$1")
    LAST_ERR=$(json .message < "$T/err.json")
    [ "$code" = 400 ] || fail "expected 400 for $2, got $code: $(cat "$T/err.json")"
}

b64() {
    printf '%s' "$1" | base64 -w0
}

test_empty_dir_shared_by_two_containers() {
    with_busybox
    pod_create '{"name":"p1","network":"none","volumes":[{"name":"data","type":"empty_dir"}]}'
    ctr_run '{"name":"writer","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","echo from-writer > /work/f"],
        "pod_mounts":[{"volume":"data","target":"/work"}]}'
    wait_for is_exited writer
    assert_eq 0 "$(ctr_field writer .exit_code)"
    ctr_run '{"name":"reader","pod":"p1","image":"busybox","start":true,
        "command":["cat","/in/f"],
        "pod_mounts":[{"volume":"data","target":"/in","read_only":true}]}'
    wait_for is_exited reader
    assert_eq from-writer "$(podctl logs reader)"
    local id
    id=$(pod_field p1 .id)
    assert_eq from-writer "$(cat "$T/root/pods/$id/volumes/data/f")"
    assert_eq 777 "$(stat -c %a "$T/root/pods/$id/volumes/data")"
    # The mount is read-only where asked.
    ctr_run '{"name":"ro","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","echo x > /in/g"],
        "pod_mounts":[{"volume":"data","target":"/in","read_only":true}]}'
    wait_for is_exited ro
    assert_ne 0 "$(ctr_field ro .exit_code)"
    assert_eq '"pod"' "$(ctr_field reader .mounts.0.type | sed 's/.*/"&"/')"
    podctl pod rm -f p1 > /dev/null
    [ ! -e "$T/root/pods/$id" ] || fail "the pod's volumes stayed"
}

test_memory_empty_dir_is_a_tmpfs_of_its_size() {
    with_busybox
    pod_create '{"name":"p1","network":"none","volumes":[{"name":"mem","type":"empty_dir","medium":"Memory","size_limit":8388608}]}'
    local id
    id=$(pod_field p1 .id)
    assert_contains "$(findmnt -n -o FSTYPE,OPTIONS "$T/root/pods/$id/volumes/mem")" "tmpfs"
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","grep \" /m \" /proc/self/mountinfo; echo hi > /m/f; sleep 1000"],
        "pod_mounts":[{"volume":"mem","target":"/m"}]}'
    wait_for is_running c1
    wait_for grep -q tmpfs "$(ctr_field c1 .log_path)"
    local info
    info=$(podctl logs c1)
    assert_contains "$info" " tmpfs "
    assert_contains "$info" "size=8192k"
    # The container's mountinfo too, read from the host.
    assert_contains "$(grep ' /m ' "/proc/$(ctr_pid c1)/mountinfo")" "size=8192k"
    assert_eq hi "$(cat "$T/root/pods/$id/volumes/mem/f")"
    podctl pod rm -f p1 > /dev/null
    [ -z "$(findmnt -n -o TARGET "$T/root/pods/$id/volumes/mem")" ] || fail "tmpfs still mounted"
}

test_config_map_secret_files_and_modes() {
    with_busybox
    pod_create "{\"name\":\"p1\",\"network\":\"none\",\"volumes\":[
        {\"name\":\"cfg\",\"type\":\"config_map\",\"source\":\"my-cm\",
         \"items\":[{\"path\":\"app.conf\",\"data\":\"$(b64 'key=value')\"},
                    {\"path\":\"sub/x.txt\",\"data\":\"$(b64 'nested')\",\"mode\":256}]},
        {\"name\":\"sec\",\"type\":\"secret\",\"source\":\"my-secret\",\"default_mode\":256,
         \"items\":[{\"path\":\"password\",\"data\":\"$(b64 's3cret')\"}]}]}"
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","cat /etc/app/app.conf; echo; cat /etc/app/sub/x.txt; echo; cat /s/password; echo; stat -c %a /etc/app/app.conf /etc/app/sub/x.txt /s/password; echo x > /etc/app/new || echo refused"],
        "pod_mounts":[{"volume":"cfg","target":"/etc/app"},{"volume":"sec","target":"/s"}]}'
    wait_for is_exited c1
    assert_eq "key=value
nested
s3cret
644
400
400
refused" "$(podctl logs c1 2> /dev/null)"
    # Mounts of the pod's files are bound read-only (the write above was
    # refused) whatever they ask, as the kubelet's; the record keeps what
    # was asked, for kube generate.
    assert_eq false "$(ctr_field c1 .mounts.0.read_only)"
    assert_eq "$(b64 's3cret')" "$(pod_field p1 .volumes.1.items.0.data)"
    # The record that keeps it is the owner's only.
    assert_eq 600 "$(stat -c %a "$T/root/pods/$(pod_field p1 .id)/pod.json")"
}

test_downward_api_labels_file() {
    with_busybox
    pod_create '{"name":"p1","network":"none","labels":{"app":"web","tier":"a \"quoted\"\nline"},
        "annotations":{"note":"x"},
        "volumes":[{"name":"info","type":"downward_api","items":[
            {"path":"labels","field":"metadata.labels"},
            {"path":"annotations","field":"metadata.annotations"},
            {"path":"name","field":"metadata.name"},
            {"path":"ns","field":"metadata.namespace"}]}]}'
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","cat /info/labels; echo; cat /info/annotations; echo; cat /info/name; echo; cat /info/ns"],
        "pod_mounts":[{"volume":"info","target":"/info"}]}'
    wait_for is_exited c1
    assert_eq 'app="web"
tier="a \"quoted\"\nline"
note="x"
p1
default' "$(podctl logs c1)"
}

test_host_path_types() {
    with_busybox
    mkdir "$T/hp"
    echo on-host > "$T/hp/f"
    pod_create "{\"name\":\"p1\",\"network\":\"none\",\"volumes\":[
        {\"name\":\"dir\",\"type\":\"host_path\",\"path\":\"$T/hp\",\"host_path_type\":\"Directory\"},
        {\"name\":\"missing\",\"type\":\"host_path\",\"path\":\"$T/nothere\",\"host_path_type\":\"Directory\"},
        {\"name\":\"made\",\"type\":\"host_path\",\"path\":\"$T/made/deep\",\"host_path_type\":\"DirectoryOrCreate\"},
        {\"name\":\"file\",\"type\":\"host_path\",\"path\":\"$T/newfile\",\"host_path_type\":\"FileOrCreate\"},
        {\"name\":\"notsock\",\"type\":\"host_path\",\"path\":\"$T/hp/f\",\"host_path_type\":\"Socket\"}]}"
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","cat /h/f; echo back > /made/g; echo x > /file"],
        "pod_mounts":[{"volume":"dir","target":"/h"},{"volume":"made","target":"/made"},
                      {"volume":"file","target":"/file"}]}'
    wait_for is_exited c1
    assert_eq on-host "$(podctl logs c1)"
    assert_eq 755 "$(stat -c %a "$T/made/deep")"
    assert_eq back "$(cat "$T/made/deep/g")"
    assert_eq x "$(cat "$T/newfile")"
    assert_eq 644 "$(stat -c %a "$T/newfile")"
    refused /v1/containers '{"name":"c2","pod":"p1","image":"busybox","command":["true"],
        "pod_mounts":[{"volume":"missing","target":"/x"}]}'
    assert_contains "$LAST_ERR" "does not exist"
    [ ! -e "$T/nothere" ] || fail "a Directory host path was made"
    refused /v1/containers '{"name":"c2","pod":"p1","image":"busybox","command":["true"],
        "pod_mounts":[{"volume":"notsock","target":"/x"}]}'
    assert_contains "$LAST_ERR" "is not a Socket"
    refused /v1/containers '{"name":"c2","pod":"p1","image":"busybox","command":["true"],
        "pod_mounts":[{"volume":"nope","target":"/x"}]}'
    assert_contains "$LAST_ERR" 'has no volume "nope"'
    assert_exit 125 podctl inspect c2
}

test_sub_path_stays_inside_the_volume() {
    with_busybox
    mkdir -p "$T/hp/inner"
    echo secret-of-host > "$T/outside"
    echo inner > "$T/hp/inner/f"
    ln -s ../../outside "$T/hp/inner/escape"
    ln -s / "$T/hp/root"
    pod_create "{\"name\":\"p1\",\"network\":\"none\",\"volumes\":[
        {\"name\":\"data\",\"type\":\"empty_dir\"},
        {\"name\":\"hp\",\"type\":\"host_path\",\"path\":\"$T/hp\"}]}"
    # An empty_dir's sub_path is made; two containers see the same dir.
    ctr_run '{"name":"w","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","echo sub > /s/f"],
        "pod_mounts":[{"volume":"data","target":"/s","sub_path":"a/b"}]}'
    wait_for is_exited w
    ctr_run '{"name":"r","pod":"p1","image":"busybox","start":true,
        "command":["cat","/all/a/b/f","/one/f"],
        "pod_mounts":[{"volume":"data","target":"/all"},{"volume":"hp","target":"/one","sub_path":"inner"}]}'
    wait_for is_exited r
    assert_eq "sub
inner" "$(podctl logs r)"
    # A symlink inside the volume resolves inside it: "root" is the
    # volume's own root, not the host's.
    ctr_run '{"name":"s","pod":"p1","image":"busybox","start":true,
        "command":["ls","/v"],
        "pod_mounts":[{"volume":"hp","target":"/v","sub_path":"root"}]}'
    wait_for is_exited s
    assert_contains "$(podctl logs s)" "inner"
    assert_not_contains "$(podctl logs s)" "outside"
    # ".." is refused outright, and nothing is left.
    refused /v1/containers '{"name":"x","pod":"p1","image":"busybox","command":["true"],
        "pod_mounts":[{"volume":"hp","target":"/v","sub_path":"../.."}]}'
    assert_contains "$LAST_ERR" '".."'
    refused /v1/containers '{"name":"x","pod":"p1","image":"busybox","command":["true"],
        "pod_mounts":[{"volume":"hp","target":"/v","sub_path":"/etc"}]}'
    assert_exit 125 podctl inspect x
}

test_named_volume_of_a_pod() {
    with_busybox
    pod_create '{"name":"p1","network":"none","volumes":[{"name":"pvc","type":"volume","source":"claim-a"}]}'
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","echo kept > /d/f"],
        "pod_mounts":[{"volume":"pvc","target":"/d"}]}'
    wait_for is_exited c1
    assert_eq claim-a "$(podctl volume ls -q)"
    assert_exit 125 podctl volume rm claim-a
    podctl rm c1 > /dev/null
    assert_exit 125 podctl volume rm claim-a
    assert_contains "$LAST_ERR" "a volume of a pod"
    podctl pod rm -f p1 > /dev/null
    # The data outlives the pod, as a claim's does.
    assert_eq kept "$(podctl run --rm -v claim-a:/d busybox cat /d/f)"
    podctl volume rm claim-a > /dev/null
}

test_hosts_resolv_and_fields() {
    with_busybox
    pod_create '{"name":"p1","network":"none","dns":["10.0.0.53"],
        "host_aliases":[{"ip":"10.1.2.3","hostnames":["foo.local","bar"]},{"ip":"fd00::1","hostnames":["six"]}],
        "dns_search":["svc.example","example"],"dns_options":["ndots:2","edns0"],
        "annotations":{"a.b/c":"d"},"subdomain":"sub","kube":{"namespace":"team"},
        "volumes":[{"name":"e","type":"empty_dir"},{"name":"m","type":"empty_dir","medium":"Memory"},
                   {"name":"s","type":"secret","source":"s","items":[{"path":"k","data":"eA=="}]}]}'
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,
        "command":["sh","-c","cat /etc/hosts; echo ==; cat /etc/resolv.conf"],
        "container_ports":[{"name":"http","container_port":80}],
        "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"0.1"}},
        "privileged":false,"allow_privilege_escalation":false,"kube":{"env_from":[]}}'
    wait_for is_exited c1
    local out
    out=$(podctl logs c1)
    assert_contains "$out" "# Entries added by HostAliases."
    assert_contains "$out" "$(printf '10.1.2.3\tfoo.local\tbar')"
    assert_contains "$out" "$(printf 'fd00::1\tsix')"
    assert_contains "$out" "nameserver 10.0.0.53"
    assert_contains "$out" "search svc.example example"
    assert_contains "$out" "options ndots:2 edns0"
    # Kept and shown.
    assert_eq d "$(podctl pod inspect p1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["annotations"]["a.b/c"])')"
    assert_eq sub "$(pod_field p1 .subdomain)"
    assert_eq team "$(pod_field p1 .kube.namespace)"
    assert_eq http "$(ctr_field c1 .container_ports.0.name)"
    assert_eq TCP "$(ctr_field c1 .container_ports.0.protocol)"
    assert_eq 500m "$(ctr_field c1 .resources.limits.cpu)"
    assert_eq false "$(ctr_field c1 .allow_privilege_escalation)"
    assert_eq '[]' "$(ctr_field c1 .kube.env_from)"
    # And kept across a podd restart (the records).
    podd_stop
    podd_start
    assert_eq sub "$(pod_field p1 .subdomain)"
    assert_eq 128Mi "$(ctr_field c1 .resources.limits.memory)"
    assert_eq '"svc.example"' "$(pod_field p1 .dns_search.0 | sed 's/.*/"&"/')"
    assert_eq Memory "$(pod_field p1 .volumes.1.medium)"
}

test_host_pid_and_host_ipc() {
    with_busybox
    pod_create '{"name":"p1","network":"none","host_pid":true,"host_ipc":true}'
    ctr_run '{"name":"c1","pod":"p1","image":"busybox","start":true,"command":["sleep","1000"]}'
    wait_for is_running c1
    local pid
    pid=$(ctr_pid c1)
    assert_eq "$(readlink /proc/self/ns/pid)" "$(readlink "/proc/$pid/ns/pid")"
    assert_eq "$(readlink /proc/self/ns/ipc)" "$(readlink "/proc/$pid/ns/ipc")"
    assert_ne "$(readlink /proc/self/ns/net)" "$(readlink "/proc/$pid/ns/net")"
    assert_eq true "$(pod_field p1 .host_pid)"
    refused /v1/pods '{"name":"p2","network":"none","host_pid":true,"share_pid":true}'
    assert_contains "$LAST_ERR" "conflict"
}

test_bad_pod_fields_leave_nothing() {
    with_busybox
    local bad
    for bad in \
        '"volumes":[{"name":"Bad_Name","type":"empty_dir"}]' \
        '"volumes":[{"name":"a","type":"nfs"}]' \
        '"volumes":[{"name":"a","type":"empty_dir","medium":"HugePages"}]' \
        '"volumes":[{"name":"a","type":"empty_dir"},{"name":"a","type":"empty_dir"}]' \
        '"volumes":[{"name":"a","type":"empty_dir","source":"x"}]' \
        '"volumes":[{"name":"a","type":"config_map","source":"c","items":[{"path":"../x","data":""}]}]' \
        '"volumes":[{"name":"a","type":"secret","source":"c","items":[{"path":"x","data":"!!"}]}]' \
        '"volumes":[{"name":"a","type":"config_map","source":"c","items":[{"path":"x","data":"","mode":4095}]}]' \
        '"volumes":[{"name":"a","type":"downward_api","items":[{"path":"x","field":"spec.nodeName"}]}]' \
        '"volumes":[{"name":"a","type":"host_path","path":"rel"}]' \
        '"volumes":[{"name":"a","type":"host_path","path":"/x","host_path_type":"Dir"}]' \
        '"volumes":[{"name":"a","type":"volume","source":"/x"}]' \
        '"host_aliases":[{"ip":"10.0.0.300","hostnames":["a"]}]' \
        '"host_aliases":[{"ip":"10.0.0.3","hostnames":[]}]' \
        '"dns_search":["a b"]' \
        '"dns_options":[""]' \
        '"subdomain":"-x"' \
        '"annotations":{"a":1}' \
        '"kube":[]' \
        '"host_ipc":"yes"'; do
        refused /v1/pods "{\"name\":\"p1\",\"network\":\"none\",$bad}"
        assert_one_line "$LAST_ERR"
    done
    pod_create '{"name":"p1","network":"none","volumes":[{"name":"m","type":"empty_dir","medium":"Memory"}]}'
    for bad in \
        '"pod_mounts":[{"volume":"m","target":"rel"}]' \
        '"pod_mounts":[{"volume":"m","target":"/a"},{"volume":"m","target":"/a"}]' \
        '"pod_mounts":[{"volume":"m","target":"/a","sub_path":"a/../../b"}]' \
        '"pod_mounts":[{"volume":"m","target":"/a","colour":"red"}]' \
        '"container_ports":[{"container_port":0}]' \
        '"container_ports":[{"container_port":80,"protocol":"tcp"}]' \
        '"container_ports":[{"container_port":80,"name":"HTTP"}]' \
        '"container_ports":[{"container_port":80,"name":"a"},{"container_port":81,"name":"a"}]' \
        '"resources":{"limits":{"cpu":"lots"}}' \
        '"resources":{"limit":{"cpu":"1"}}' \
        '"privileged":1'; do
        refused /v1/containers "{\"name\":\"c1\",\"pod\":\"p1\",\"image\":\"busybox\",\"command\":[\"true\"],$bad}"
        assert_one_line "$LAST_ERR"
    done
    refused /v1/containers '{"name":"c1","image":"busybox","command":["true"],"pod_mounts":[{"volume":"m","target":"/a"}]}'
    assert_contains "$LAST_ERR" "in a pod"
    assert_eq "" "$(podctl ps -aq)"
    assert_eq p1 "$(podctl pod ls -q | xargs -r podctl pod inspect | json .0.name)"
    podctl pod rm -f p1 > /dev/null
    assert_eq "" "$(ls "$T/root/pods")"
}

run_tests
