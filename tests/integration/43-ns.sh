#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The namespace map (podctl ns, GET /v1/ns): every process it lists has the
# namespace inodes /proc/PID/ns shows; a pod's containers share its
# infra's net, ipc and uts and not its mnt; a --pid container:X sidecar
# shares X's pid namespace; an exec session, a debug container and a host
# process that joined a pod's network are listed where they sit; a
# --network host container's net is the host's; a workload's monitor is
# listed where it sits (the pod's net, ipc and uts); a --userns auto pod shows
# its id range as /proc/INFRA/uid_map has it; json parses, dot has a node
# per process (and graphviz reads it); a pod or container narrows the map;
# an unknown name is a one-line 125.
. "$(dirname "$0")/lib.sh"

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start "$@"
    podctl image import busybox "$IMAGES/busybox" > /dev/null
}

# What this file starts beside podd (a debug container's attached podctl,
# a host process in a pod's network), ended by pid.
cleanup_test() {
    local p
    for p in ${DEBUG_CLI:-} ${HOST_SLEEPER:-}; do
        kill -9 "$p" 2> /dev/null || true
        wait "$p" 2> /dev/null || true
    done
}

# map_check: every process of the map on stdin (json) has, for each type
# the map gives, the inode /proc/PID/ns/TYPE links to; every member of a
# namespace is listed as a process and sits in it. Prints the number of
# processes checked.
map_check() {
    python3 -c '
import json, os, sys
m = json.load(sys.stdin)
procs = {p["pid"]: p for p in m["processes"]}
for p in m["processes"]:
    for t, ino in p["ns"].items():
        link = os.readlink("/proc/%d/ns/%s" % (p["pid"], t))
        if link != "%s:[%d]" % (t, ino):
            sys.exit("pid %d: %s is %s, the map says %d" % (p["pid"], t, link, ino))
for n in m["namespaces"]:
    for mem in n["members"]:
        p = procs.get(mem["pid"])
        if p is None or p["ns"].get(n["type"]) != n["inode"]:
            sys.exit("member %d of %s:[%d] is not in it" % (mem["pid"], n["type"], n["inode"]))
print(len(m["processes"]))
'
}

# ns_of MAP_FILE TYPE PID: the inode of the namespace of TYPE whose members
# include PID, "none" when there is none.
ns_of() {
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for n in m["namespaces"]:
    if n["type"] == sys.argv[2] and any(x["pid"] == int(sys.argv[3]) for x in n["members"]):
        print(n["inode"]); break
else:
    print("none")
' "$@"
}

# ns_field MAP_FILE TYPE INODE FIELD: a field of that namespace.
ns_field() {
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
n = [n for n in m["namespaces"] if n["type"] == sys.argv[2] and n["inode"] == int(sys.argv[3])][0]
v = n[sys.argv[4]]
print(json.dumps(v) if isinstance(v, (list, dict, bool)) or v is None else v)
' "$@"
}

# role_of MAP_FILE PID: the role the map gives PID.
role_of() {
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print([p["role"] for p in m["processes"] if p["pid"] == int(sys.argv[2])][0])
' "$@"
}

ino() {
    ns_id "$1" "$2" | tr -dc 0-9
}

# The pod "web": two containers, a PID sidecar of one of them, an exec
# session, a debug container; and a container in the host's network.
web_pod() {
    podctl pod create web > /dev/null
    podctl run -d --name app1 --pod web busybox sleep 1000 > /dev/null
    podctl run -d --name app2 --pod web busybox sleep 1001 > /dev/null
    podctl run -d --name side --pid container:app1 busybox sleep 1002 > /dev/null
    podctl exec -d app1 sleep 1003
    podctl debug web --name dbg --image busybox -- sleep 1004 > /dev/null 2>&1 &
    DEBUG_CLI=$!
    wait_for is_running dbg
    podctl run -d --name hostnet --network host busybox sleep 1005 > /dev/null
}

# The debug container removed: its attached podctl ends with it.
debug_end() {
    podctl rm -f dbg > /dev/null
    wait "$DEBUG_CLI" || true
    DEBUG_CLI=
}

exec_pid() {
    ctr_field app1 .exec_sessions.0.pid
}

test_map_matches_proc_and_shows_who_shares() {
    setup
    web_pod
    local map=$T/map.json infra a1 a2 side dbg hn ex
    wait_for exec_pid
    podctl ns --format json > "$map"
    infra=$(infra_pid web)
    a1=$(ctr_pid app1)
    a2=$(ctr_pid app2)
    side=$(ctr_pid side)
    dbg=$(ctr_pid dbg)
    hn=$(ctr_pid hostnet)
    ex=$(exec_pid)
    # Every process listed, every namespace type, as /proc has it.
    [ "$(map_check < "$map")" -ge 7 ] || fail "fewer than 7 processes in the map"
    assert_eq infra "$(role_of "$map" "$infra")"
    assert_eq container "$(role_of "$map" "$a1")"
    assert_eq sidecar "$(role_of "$map" "$side")"
    assert_eq debug "$(role_of "$map" "$dbg")"
    assert_eq exec "$(role_of "$map" "$ex")"
    # app1's monitor (its parent) keeps the pod's network: listed there.
    local mon
    mon=$(ps -o ppid= -p "$a1" | tr -d ' ')
    assert_eq monitor "$(role_of "$map" "$mon")"
    assert_eq "$(ino "$mon" net)" "$(ns_of "$map" net "$mon")"
    # The pod's containers (and its debug container) share the infra's
    # net, ipc and uts; each has its own mnt.
    local t
    for t in net ipc uts; do
        assert_eq "$(ino "$infra" $t)" "$(ns_of "$map" $t "$infra")" "infra's $t"
        assert_eq "$(ns_of "$map" $t "$infra")" "$(ns_of "$map" $t "$a1")" "app1's $t"
        assert_eq "$(ns_of "$map" $t "$infra")" "$(ns_of "$map" $t "$a2")" "app2's $t"
        assert_eq "$(ns_of "$map" $t "$infra")" "$(ns_of "$map" $t "$dbg")" "dbg's $t"
        assert_eq pod "$(ns_field "$map" $t "$(ns_of "$map" $t "$infra")" owner_kind)"
        assert_eq web "$(ns_field "$map" $t "$(ns_of "$map" $t "$infra")" owner)"
    done
    assert_ne "$(ns_of "$map" mnt "$infra")" "$(ns_of "$map" mnt "$a1")" "app1's mnt"
    assert_ne "$(ns_of "$map" mnt "$a1")" "$(ns_of "$map" mnt "$a2")" "app2's mnt"
    assert_eq container "$(ns_field "$map" mnt "$(ns_of "$map" mnt "$a1")" owner_kind)"
    # The sidecar is in app1's pid namespace, which is app1's.
    assert_eq "$(ino "$a1" pid)" "$(ns_of "$map" pid "$side")"
    assert_eq app1 "$(ns_field "$map" pid "$(ns_of "$map" pid "$side")" owner)"
    assert_ne "$(ns_of "$map" pid "$a1")" "$(ns_of "$map" pid "$a2")" "app2's pid"
    # The exec session sits in all of app1's namespaces.
    for t in net ipc uts pid mnt; do
        assert_eq "$(ns_of "$map" $t "$a1")" "$(ns_of "$map" $t "$ex")" "the exec's $t"
    done
    # The host-network container's net is the host's (podd's own).
    assert_eq "$(ino "$PODD_PID" net)" "$(ns_of "$map" net "$hn")"
    assert_eq true "$(ns_field "$map" net "$(ns_of "$map" net "$hn")" host)"
    assert_eq host "$(ns_field "$map" net "$(ns_of "$map" net "$hn")" owner)"
    # The table says the same in words.
    local table
    table=$(podctl ns)
    assert_contains "$table" "TYPE"
    assert_contains "$table" "infra:web $infra"
    assert_contains "$table" "container:app1 $a1"
    assert_contains "$table" "sidecar:side $side"
    assert_contains "$table" "debug:dbg $dbg"
    assert_contains "$table" "exec:app1 $ex"
    assert_contains "$table" "monitor:app1 $mon"
    assert_contains "$table" "pod web"
    assert_contains "$table" "host process"
    debug_end
}

test_host_process_in_a_pods_network_is_listed() {
    setup
    podctl pod create web > /dev/null
    podctl run -d --name app --pod web busybox sleep 1000 > /dev/null
    local infra map=$T/map.json
    infra=$(infra_pid web)
    nsenter --net="/proc/$infra/ns/net" sleep 1001 &
    HOST_SLEEPER=$!
    in_net() { [ "$(ns_id "$HOST_SLEEPER" net)" = "$(ns_id "$infra" net)" ]; }
    wait_for in_net
    podctl ns web --format json > "$map"
    map_check < "$map" > /dev/null
    assert_eq host "$(role_of "$map" "$HOST_SLEEPER")"
    assert_eq "$(ns_of "$map" net "$infra")" "$(ns_of "$map" net "$HOST_SLEEPER")"
    # Only in the pod's net: its other namespaces are the host's, where
    # host processes are counted, not listed.
    assert_eq none "$(ns_of "$map" mnt "$HOST_SLEEPER")"
    assert_contains "$(podctl ns web)" "host:sleep $HOST_SLEEPER"
}

test_children_are_folded_under_their_container() {
    setup
    podctl run -d --name app busybox sh -c 'sleep 1000 & sleep 1001 & wait' > /dev/null
    local map=$T/map.json pid
    pid=$(ctr_pid app)
    two_kids() { [ "$(pgrep -P "$pid" | wc -l)" = 2 ]; }
    wait_for two_kids
    podctl ns app --format json > "$map"
    map_check < "$map" > /dev/null
    for kid in $(pgrep -P "$pid"); do
        assert_eq child "$(role_of "$map" "$kid")"
    done
    assert_contains "$(podctl ns app)" "container:app $pid (+2)"
}

test_userns_pod_shows_its_id_range() {
    printf 'someone:100000:65536\npodd:3000000000:262144\n' > "$T/subid"
    setup --subid-file "$T/subid"
    podctl pod create up --userns auto > /dev/null
    podctl run -d --name app --pod up busybox sleep 1000 > /dev/null
    local map=$T/map.json infra user
    infra=$(infra_pid up)
    podctl ns up --format json > "$map"
    map_check < "$map" > /dev/null
    user=$(ns_of "$map" user "$infra")
    assert_eq "$(ino "$infra" user)" "$user"
    assert_eq "$user" "$(ns_of "$map" user "$(ctr_pid app)")"
    assert_eq up "$(ns_field "$map" user "$user" owner)"
    # The range as the kernel has it.
    local want
    want=$(python3 -c '
import json, sys
print(json.dumps([[int(x) for x in l.split()] for l in open(sys.argv[1])], separators=(",", ":")))
' "/proc/$infra/uid_map")
    assert_eq "$want" "$(ns_field "$map" user "$user" uid_map | tr -d ' ')"
    assert_eq "[[0,3000000000,65536]]" "$want"
    assert_contains "$(podctl ns up)" "uid 0:3000000000:65536 gid 0:3000000000:65536"
}

test_json_and_dot() {
    setup
    web_pod
    local n
    podctl ns --format json | jq -e '.namespaces | length > 0' > /dev/null
    n=$(podctl ns --format json | jq '.processes | length')
    podctl ns --format dot > "$T/map.dot"
    assert_eq "$n" "$(grep -c 'shape=ellipse' "$T/map.dot")" "process nodes"
    assert_eq "$(podctl ns --format json | jq '.namespaces | length')" \
        "$(grep -c 'shape=box' "$T/map.dot")" "namespace nodes"
    command -v dot > /dev/null || fail "no graphviz: make deps"
    dot -Tsvg "$T/map.dot" > "$T/map.svg"
    assert_contains "$(head -c 400 "$T/map.svg")" "<svg"
    debug_end
}

test_a_name_narrows_the_map() {
    setup
    podctl pod create a > /dev/null
    podctl pod create b > /dev/null
    podctl run -d --name in-a --pod a busybox sleep 1000 > /dev/null
    podctl run -d --name in-b --pod b busybox sleep 1000 > /dev/null
    local map=$T/map.json
    podctl ns a --format json > "$map"
    map_check < "$map" > /dev/null
    # Every namespace of the map has a's infra or container in it.
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for n in m["namespaces"]:
    if not any(x.get("pod") == "a" for x in n["members"]):
        sys.exit("%s:[%d] has nothing of pod a" % (n["type"], n["inode"]))
if any(p.get("pod") == "b" for p in m["processes"]):
    sys.exit("pod b is listed")
' "$map"
    # A container: its namespaces, its pod's infra in the shared ones.
    podctl ns in-b --format json > "$map"
    assert_eq "$(ino "$(infra_pid b)" net)" "$(ns_of "$map" net "$(infra_pid b)")"
    assert_eq "$(ns_of "$map" net "$(infra_pid b)")" "$(ns_of "$map" net "$(ctr_pid in-b)")"
    assert_eq none "$(ns_of "$map" net "$(infra_pid a)")"
}

test_unknown_name_is_one_line_125() {
    setup
    assert_exit 125 podctl ns nope
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" "no such pod or container: nope"
    assert_exit 125 podctl ns 'a/b'
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl ns --format xml
    assert_one_line "$LAST_ERR"
    assert_exit 125 podctl ns a b
    # The API: an empty or unknown parameter is a 400.
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' 'http://podd/v1/ns?ref=')"
    assert_eq 400 "$(api -o /dev/null -w '%{http_code}' 'http://podd/v1/ns?bogus=1')"
    assert_eq 404 "$(api -o /dev/null -w '%{http_code}' 'http://podd/v1/ns?ref=nope')"
    # Without pods, an empty map.
    assert_eq 0 "$(podctl ns --format json | jq '.namespaces | length')"
}

run_tests
