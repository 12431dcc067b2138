#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A crash of podd or of a monitor orphans nothing. podd is killed (-9) at
# chosen points of a start (frozen with SIGSTOP by a wrapper of the program
# it spawns, so the point is exact) and at random points of create, run and
# rm; a monitor is killed under a running container; state dirs are left as
# a crash leaves them. After each, podd restarts on the same dirs and every
# process of this test's podd is one podd names, no acknowledged create is
# lost, every exit code is right, and the leak check passes after rm -f.
. "$(dirname "$0")/lib.sh"

# A tag in each workload's command line, to find them among the machine's
# (and a sleep other tests do not look for: 10-terminals waits for its
# "sleep 1000" to end, machine-wide).
TAG=crash-tag-$$

setup() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
}

# podd and its helpers copied to $T/bin, with wrappers for podd-shim,
# podd-pause and netplug that freeze podd (SIGSTOP to their parent, podd)
# when $T/freeze-at-NAME exists: podd finds its helpers beside itself. The
# wrappers run with the empty environment podd gives its children.
make_bin() {
    local real=$PODD_BUILD p
    mkdir -p "$T/bin"
    cp "$real/podd" "$T/bin/podd"
    # Images are imported by podd-archive, found beside podd too.
    ln -s "$real/podd-archive" "$T/bin/podd-archive"
    for p in podd-shim podd-pause; do
        printf '#!/bin/sh\nif [ -e %s/freeze-at-%s ]; then /bin/rm -f %s/freeze-at-%s; kill -STOP "$PPID"; fi\nexec %s/%s "$@"\n' \
            "$T" "$p" "$T" "$p" "$real" "$p" > "$T/bin/$p"
        chmod +x "$T/bin/$p"
    done
    # netplug: the ADD runs, then podd freezes before it hears the result.
    printf '#!/bin/sh\nout=$(%s/netplug "$@"); rc=$?\nif [ "$CNI_COMMAND" = ADD ] && [ -e %s/freeze-at-netplug ]; then /bin/rm -f %s/freeze-at-netplug; : > %s/added; kill -STOP "$PPID"; fi\nprintf "%%s" "$out"\nexit $rc\n' \
        "$real" "$T" "$T" "$T" > "$T/bin/netplug"
    chmod +x "$T/bin/netplug"
}

crash_podd_start() {
    PATH=$T/bin:$PATH podd_start
}

# kill_podd: SIGKILL, as a crash (a frozen podd too).
kill_podd() {
    kill -KILL "$PODD_PID"
    wait "$PODD_PID" 2> /dev/null || true
    PODD_PID=
}

# crash_procs: "proc PID COMM" of the live processes of podd's kind that
# are this test's, as own_procs, in one pass over /proc (a busy machine
# has thousands of processes, and this runs after every round).
crash_procs() {
    local p comm state
    # find and grep fail when a process of the machine exits while they
    # read /proc; what they found is still right.
    {
        find /proc/[0-9]*/fd /proc/[0-9]*/cwd -maxdepth 1 -lname "$T/*" 2> /dev/null || true
        grep -lsF -- "$T" /proc/[0-9]*/cmdline || true
    } | cut -d/ -f3 | sort -un | while read -r p; do
        comm=$(cat "/proc/$p/comm" 2> /dev/null) || continue
        state=$(awk '{print $3}' "/proc/$p/stat" 2> /dev/null) || continue
        case $comm in podd | podd-pause | podd-shim | podd-monitor | netplug) ;; *) continue ;; esac
        [ "$state" = Z ] || echo "proc $p $comm"
    done
}

# tagged_pids: the workloads of this test (their command line has $TAG).
tagged_pids() {
    local p
    for p in $(pgrep -f -- "$TAG" || true); do
        [ "$(awk '{print $3}' "/proc/$p/stat" 2> /dev/null)" = Z ] || echo "$p"
    done
}

# known_pids: every pid podd names: workloads, shims (monitors), infras.
known_pids() {
    local c p
    for c in $(podctl ps -a -q); do
        podctl inspect "$c" | json .0.pid
        podctl inspect "$c" | json .0.shim_pid
    done
    for p in $(podctl pod ls -q); do
        pod_field "$p" .infra.pid
    done
}

# orphans: each process of this test's podd (but podd and its CNI
# plugins, which are its children) and each tagged workload that podd does
# not name, with its command line.
orphans() {
    local known p
    known=" $(known_pids | tr '\n' ' ') "
    for p in $(crash_procs | awk '$3 != "podd" && $3 != "netplug" {print $2}') $(tagged_pids); do
        case "$known" in
            *" $p "*) ;;
            *) echo "$p ($(tr '\0' ' ' < "/proc/$p/cmdline" 2> /dev/null))" ;;
        esac
    done
}

no_orphans() {
    [ -z "$(orphans)" ]
}

# assert_nothing_orphaned: a process ending on its own (a shim that saw
# podd die undoes its start and exits) gets a moment; one that stays fails.
assert_nothing_orphaned() {
    local left
    (WAIT_TIMEOUT=10 wait_for no_orphans) 2> /dev/null || true
    left=$(orphans)
    [ -z "$left" ] || fail "not known to podd: $left"
}

has_tagged() {
    [ -n "$(tagged_pids)" ]
}

no_tagged() {
    [ -z "$(tagged_pids)" ]
}

no_ipam_files() {
    [ -z "$(ipam_files)" ]
}

# is_sleeping_as PID NAME: PID exec'd the real NAME (not its wrapper) and
# sleeps (it blocks on its sync socket).
is_sleeping_as() {
    [ "$(readlink "/proc/$1/exe")" = "$PODD_BUILD/$2" ] &&
        [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" = S ]
}

# child_named NAME: the pid of the live process NAME of this test's podd.
child_named() {
    crash_procs | awk -v n="$1" '$3 == n {print $2}' | head -n 1
}

has_child_named() {
    [ -n "$(child_named "$1")" ]
}

# podd died between the shim's STARTED and its acknowledgement: the shim
# ends the workload, and the restarted podd drops the run nobody was
# answered for. Before, the workload ran on, known to nobody.
test_podd_killed_before_the_ack_of_a_start() {
    setup
    make_bin
    crash_podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    : > "$T/freeze-at-podd-shim"
    podctl run -d --name frozen busybox sh -c 'sleep 987' "$TAG" > "$T/run.out" 2>&1 &
    local client=$!
    wait_for has_tagged
    kill_podd
    wait "$client" && fail "the run was answered: $(cat "$T/run.out")"
    wait_for no_tagged
    crash_podd_start
    assert_eq "" "$(podctl ps -a -q)" "containers after the restart"
    assert_nothing_orphaned
    assert_eq "" "$(crash_procs | awk '$3 != "podd" && $3 != "netplug"')" "processes"
}

# The same for a pod's infra: it waits for podd's acknowledgement after
# READY, and exits on EOF.
test_podd_killed_before_the_ack_of_an_infra() {
    setup
    make_bin
    crash_podd_start
    : > "$T/freeze-at-podd-pause"
    podctl pod create --network none frozen > "$T/create.out" 2>&1 &
    local client=$! pause
    wait_for has_child_named podd-pause
    pause=$(child_named podd-pause)
    wait_for is_sleeping_as "$pause" podd-pause
    kill_podd
    wait "$client" && fail "the create was answered: $(cat "$T/create.out")"
    # On its own, before any podd could end it.
    wait_for is_gone "$pause"
    crash_podd_start
    assert_eq "" "$(podctl pod ls -q)" "pods after the restart"
    assert_nothing_orphaned
}

# A pod whose CNI ADD ran but whose record never had the result gets its
# DEL at the restart: its address is free again (a network without CNI GC,
# so that only the DEL can free it).
test_podd_killed_after_a_cni_add() {
    setup
    make_bin
    crash_podd_start
    printf '{"cniVersion":"1.0.0","name":"crashnet","plugins":[{"type":"netplug","bridge":"npc0","isGateway":true,"ipam":{"type":"host-local","subnet":"10.98.7.0/24","dataDir":"%s/run/cni/networks"}}]}' \
        "$T" > "$T/crashnet.json"
    podctl network create --conflist "$T/crashnet.json" crashnet > /dev/null
    : > "$T/freeze-at-netplug"
    podctl pod create --network crashnet frozen > "$T/create.out" 2>&1 &
    local client=$!
    wait_for test -e "$T/added"
    [ -n "$(ipam_files)" ] || fail "the ADD allocated no address"
    kill_podd
    wait "$client" && fail "the create was answered: $(cat "$T/create.out")"
    crash_podd_start
    wait_for no_ipam_files
    assert_eq "" "$(podctl pod ls -q)" "pods after the restart"
    assert_nothing_orphaned
    podctl network rm crashnet > /dev/null
    ip link del npc0 2> /dev/null || true
}

# kill -9 of a monitor: podd kills the workload it can no longer watch and
# says so; rm -f then leaves nothing.
test_monitor_killed() {
    setup
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl pod create web > /dev/null
    podctl run -d --name alone busybox sh -c 'sleep 987' "$TAG" > /dev/null
    podctl run -d --pod web --name inpod busybox sh -c 'sleep 987' "$TAG" > /dev/null
    local c pid
    for c in alone inpod; do
        pid=$(ctr_pid "$c")
        kill -KILL "$(ctr_field "$c" .shim_pid)"
        wait_for is_exited "$c"
        is_gone "$pid" || fail "$c: the workload $pid outlived its monitor"
        assert_eq 137 "$(ctr_field "$c" .exit_code)" "$c: exit code"
        assert_eq KILL "$(ctr_field "$c" .signal)" "$c: signal"
        assert_contains "$(ctr_field "$c" .reason)" "podd-monitor died" "$c: reason"
        assert_eq 137 "$(podctl wait "$c")" "$c: wait"
    done
    assert_eq "" "$(tagged_pids)" "workloads"
    podctl rm -f alone inpod > /dev/null
}

# The same while podd is down: the restarted podd finds the monitor gone
# without an exit file and the workload alive.
test_monitor_killed_while_podd_is_down() {
    setup
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl run -d --name alone busybox sh -c 'sleep 987' "$TAG" > /dev/null
    local pid shim
    pid=$(ctr_pid alone)
    shim=$(ctr_field alone .shim_pid)
    kill_podd
    kill -KILL "$shim"
    wait_for is_gone "$shim"
    podd_start
    wait_for is_exited alone
    is_gone "$pid" || fail "the workload $pid outlived its monitor"
    assert_eq 137 "$(ctr_field alone .exit_code)"
    assert_contains "$(ctr_field alone .reason)" "podd-monitor died"
}

# State dirs as a crash leaves them: a dir with only a temporary record, a
# run of a container never answered, a pod create never answered. The
# restart removes them, and their run dirs, held namespaces and netns name.
test_unfinished_records_are_removed() {
    setup
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    api -f -X POST -d '{"name":"cut","image":"busybox","command":["true"]}' \
        http://podd/v1/containers > /dev/null || fail "create cut"
    podctl pod create cutpod > /dev/null
    local infra id
    infra=$(infra_pid cutpod)
    podd_stop
    id=$(printf '%064d' 7)
    mkdir -p "$T/root/containers/$id" "$T/root/pods/$id" "$T/run/pods/$id"
    : > "$T/root/containers/$id/.container.json.tmp.1"
    : > "$T/root/pods/$id/.pod.json.tmp.1"
    # A run cut before it was answered, and a pod create likewise.
    python3 - "$T" << 'EOF'
import glob, json, sys
t = sys.argv[1]
for f, state in [(glob.glob(t + "/root/containers/*/container.json")[0], "starting"),
                 (glob.glob(t + "/root/pods/*/pod.json")[0], "creating")]:
    d = json.load(open(f))
    d["state"], d["started"] = state, ""
    json.dump(d, open(f, "w"))
EOF
    podd_start
    assert_eq "" "$(podctl ps -a -q)" "containers"
    assert_eq "" "$(podctl pod ls -q)" "pods"
    wait_for is_gone "$infra"
    [ ! -e "$T/root/containers/$id" ] || fail "containers/$id is still there"
    [ ! -e "$T/root/pods/$id" ] || fail "pods/$id is still there"
    [ ! -e "$T/run/pods/$id" ] || fail "run/pods/$id is still there"
    [ ! -e /run/netns/podd-cutpod ] || fail "the netns name is still there"
    # Once, not at every start.
    podd_stop
    podd_start
    assert_not_contains "$(tail -n 5 "$T/podd.log")" "never written"
}

# A pod rm cut between the unmount of the pod's `ip netns` name and the
# unlink leaves a plain file there: the next removal frees the name, and a
# pod of that name can be made again. Before, the name stayed for good.
test_a_netns_name_cut_short_is_freed() {
    setup
    podd_start
    podctl pod create --network none cutname > /dev/null
    local infra
    infra=$(infra_pid cutname)
    kill_podd
    # What the crash left: the name's bind gone, its file still there, and
    # the infra ended by the rm that was under way.
    umount /run/netns/podd-cutname
    [ -f /run/netns/podd-cutname ] || fail "no file left where the name was"
    kill -KILL "$infra"
    wait_for is_gone "$infra"
    podd_start
    podctl pod rm -f cutname > /dev/null
    [ ! -e /run/netns/podd-cutname ] || fail "the netns name stayed after pod rm"
    podctl pod create --network none cutname > /dev/null
    podctl pod rm -f cutname > /dev/null
}

# ---- random kills -------------------------------------------------------

# One random operation in the background; what it is and its output go to
# $T/ops/N.{what,out,rc}. What it removes is of an earlier round
# ($T/victims.*), so that what a round creates is checked in full.
random_op() {
    local n=$1 what victim
    # A podctl that fails because podd was killed under it is what the
    # round records, not a failure of the test.
    set +e
    case $((RANDOM % 6)) in
        0) what="run-d r$n"
           podctl run -d --name "r$n" busybox sh -c 'sleep 987' "$TAG" ;;
        1) what="run-exit7 e$n"
           podctl run --name "e$n" busybox sh -c 'exit 7' ;;
        2) what="run-d-exit7 q$n"
           podctl run -d --name "q$n" busybox sh -c 'exit 7' ;;
        3) what="pod p$n"
           podctl pod create --network none "p$n" &&
               podctl run -d --pod "p$n" --name "c$n" busybox sh -c 'sleep 987' "$TAG" ;;
        4) victim=$(shuf -n 1 --random-source=<(yes "$n") "$T/victims.ctr")
           what="rm $victim"
           [ -z "$victim" ] || podctl rm -f "$victim" ;;
        5) victim=$(shuf -n 1 --random-source=<(yes "$n") "$T/victims.pod")
           what="pod-rm $victim"
           [ -z "$victim" ] || podctl pod rm -f "$victim" ;;
    esac > "$T/ops/$n.out" 2>&1
    echo $? > "$T/ops/$n.rc"
    echo "$what" > "$T/ops/$n.what"
}

# check_op N: what op N's client was told holds after the restart.
check_op() {
    local n=$1 what rc out name
    what=$(cat "$T/ops/$n.what")
    rc=$(cat "$T/ops/$n.rc")
    out=$(cat "$T/ops/$n.out")
    name=${what#* }
    case $what in
        run-d\ * | run-d-exit7\ *)
            [ "$rc" = 0 ] || return 0
            podctl inspect "$out" > /dev/null 2>&1 || fail "round $n: $what was answered $out, and is lost"
            if [ "${what%% *}" = run-d-exit7 ]; then
                wait_for is_exited "$name"
                assert_eq 7 "$(ctr_field "$name" .exit_code)" "round $n: $what exit code"
            fi ;;
        run-exit7\ *)
            [ "$rc" = 7 ] || return 0
            # The client had the code from the monitor: podd may hear of
            # the exit a moment later.
            wait_for is_exited "$name"
            assert_eq 7 "$(ctr_field "$name" .exit_code)" "round $n: $what exit code" ;;
        pod\ *)
            [ "$rc" = 0 ] || return 0
            pod_field "$name" .id > /dev/null || fail "round $n: pod $name was answered, and is lost"
            podctl inspect "c$n" > /dev/null 2>&1 || fail "round $n: container c$n was answered, and is lost" ;;
        rm\ ?* | pod-rm\ ?*)
            [ "$rc" = 0 ] || return 0
            if [ "${what%% *}" = rm ]; then
                ! podctl inspect "$name" > /dev/null 2>&1 || fail "round $n: $what was answered, and $name is back"
            else
                ! podctl pod inspect "$name" > /dev/null 2>&1 || fail "round $n: $what was answered, and $name is back"
            fi ;;
    esac
}

test_random_kills_of_podd() {
    setup
    local seed=${CRASH_SEED:-$(date +%s%N | cut -c10-18)} rounds=${CRASH_ROUNDS:-10} n i k ops
    echo "    seed $seed (CRASH_SEED=$seed replays it)" >&2
    RANDOM=$seed
    mkdir -p "$T/ops"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    for n in $(seq "$rounds"); do
        # Three operations at once, so that a kill lands in the middle of
        # some.
        ops=()
        podctl ps -a -q > "$T/victims.ctr"
        podctl pod ls -q > "$T/victims.pod"
        for i in 1 2 3; do
            random_op "$n$i" &
            ops+=($!)
        done
        # A random point: a random number of looks at the run dir.
        k=$((RANDOM % 30))
        for _ in $(seq "$k"); do ls "$T/run/containers" > /dev/null; done
        kill_podd
        wait "${ops[@]}" || true
        for i in 1 2 3; do
            echo "    round $n.$i: $(cat "$T/ops/$n$i.what") -> $(cat "$T/ops/$n$i.rc"), killed after $k looks" >&2
        done
        podd_start
        for i in 1 2 3; do
            check_op "$n$i" || fail "round $n.$i ($(cat "$T/ops/$n$i.what")) after $k looks"
        done
        assert_nothing_orphaned
    done
}

run_tests
