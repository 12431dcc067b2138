#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The integration tests' library: each test gets its own podd on temporary
# dirs, drives it only through podctl and curl, and ends with a leak check
# that compares what exists after the test with what existed before it:
# the test's own processes, mounts and `ip netns` names (own_things: never
# another podd's), links, addresses, unix and inet listeners, and files
# left in the run dir.
#
# A test file defines test_* functions and ends with `run_tests`. Each test
# runs in a subshell with `set -e` (and inherit_errexit): any command that
# fails ends it and fails it, and so does an assertion that fails, even
# inside $(...). A test file may define cleanup_test for what it made
# beside its podd.

# shellcheck disable=SC2034  # variables here are used by the test files
set -uo pipefail
# A failing command inside $(...) fails the substitution too.
shopt -s inherit_errexit

: "${PODD_BUILD:?run the tests through tests/run.sh}"
PATH=$PODD_BUILD:$PATH
export PATH

TEST_FILE=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

# The image trees of `make images`.
IMAGES=${PODD_IMAGES:-$(cd "$PODD_BUILD/../images" 2> /dev/null && pwd)}

# fail MESSAGE: end the test. Called inside $(...) it ends only that
# subshell, so it also leaves a mark that teardown_test reads: a test whose
# assertion failed in a command substitution fails all the same.
fail() {
    echo "    FAILED: $*" >&2
    if [ -n "${T:-}" ] && [ -d "$T" ]; then echo "$*" >> "$T/.failed"; fi
    exit 1
}

assert_eq() {
    # assert_eq EXPECTED ACTUAL [WHAT]
    [ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() {
    [ "$1" != "$2" ] || fail "${3:-value}: expected something other than '$1'"
}

assert_contains() {
    # assert_contains HAYSTACK NEEDLE [WHAT]
    case "$1" in
        *"$2"*) ;;
        *) fail "${3:-output}: '$2' not found in: $1" ;;
    esac
}

assert_not_contains() {
    case "$1" in
        *"$2"*) fail "${3:-output}: '$2' should not be in: $1" ;;
        *) ;;
    esac
}

# assert_exit CODE CMD... : run CMD, check its exit code; its stderr is kept
# in $LAST_ERR and its stdout in $LAST_OUT.
assert_exit() {
    local want=$1 got
    shift
    LAST_OUT=$("$@" 2> "$T/last_err") && got=0 || got=$?
    LAST_ERR=$(cat "$T/last_err")
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want (stderr: $LAST_ERR)"
}

# assert_one_line TEXT: an error message is one line.
assert_one_line() {
    [ -n "$1" ] || fail "expected an error message, got nothing"
    [ "$(printf '%s\n' "$1" | wc -l)" = 1 ] || fail "expected one line, got: $1"
}

# wait_for CMD... : poll CMD until it succeeds, for up to $WAIT_TIMEOUT
# seconds (default 10). Never a fixed sleep; timing is never asserted.
wait_for() {
    local deadline=$((SECONDS + ${WAIT_TIMEOUT:-10}))
    until "$@" > /dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for: $*"
        sleep 0.02
    done
}

# ns_id PID KIND: the namespace id of a process, e.g. "net:[4026531840]".
ns_id() {
    [ -n "$1" ] && [ -d "/proc/$1" ] || fail "ns_id: no process '$1'"
    readlink "/proc/$1/ns/$2" || fail "ns_id: no $2 namespace for process $1"
}

# json FILTER: read JSON on stdin and print one value (python3's json).
json() {
    python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in [k for k in sys.argv[1].split(".") if k]:
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print("" if v is None else (json.dumps(v) if isinstance(v, (dict, list)) else str(v).lower() if isinstance(v, bool) else v))
' "$1"
}

pod_field() {
    # pod_field POD .path.to.field
    podctl pod inspect "$1" | json ".0${2}"
}

infra_pid() {
    pod_field "$1" .infra.pid
}

ctr_field() {
    # ctr_field CONTAINER .path.to.field
    podctl inspect "$1" | json ".0${2}"
}

ctr_pid() {
    ctr_field "$1" .pid
}

is_running() {
    [ "$(ctr_field "$1" .state)" = running ]
}

is_exited() {
    [ "$(ctr_field "$1" .state)" = exited ]
}

# is_gone PID: the process has exited (a zombie not yet reaped by its new
# parent counts as gone).
is_gone() {
    [ ! -e "/proc/$1/stat" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" = Z ]
}

# The API by hand, as a user with curl would.
api() {
    curl -s --unix-socket "$PODD_SOCKET" "$@"
}

# The test's cgroup parent (issue 13): a name of its own below the suite's
# cgroup in every hierarchy (a relative --cgroup-parent is below podd's own
# cgroup, which is the suite's), never at a hierarchy's root.
cgroup_parent() {
    basename "$T"
}

# cgroup_hierarchies: the dir of the suite's own cgroup in every hierarchy
# podd may use (v1 controllers and cgroup2; named ones such as
# name=systemd are not podd's), one a line.
cgroup_hierarchies() {
    python3 - << 'PY'
own = {}
with open("/proc/self/cgroup") as f:
    for line in f:
        _, ctrls, path = line.rstrip("\n").split(":", 2)
        for c in (ctrls.split(",") if ctrls else [""]):
            own[c] = path
seen = set()
with open("/proc/self/mountinfo") as f:
    for line in f:
        x = line.split()
        sep = x.index("-")
        fstype, point, sup = x[sep + 1], x[4], x[sep + 3].split(",")
        if fstype == "cgroup2":
            path = own.get("", "/")
        elif fstype == "cgroup" and not any(o.startswith("name=") for o in sup):
            path = next((own[o] for o in sup if o in own), None)
            if path is None:
                continue
        else:
            continue
        if point not in seen:
            seen.add(point)
            print((point + "/" + path.lstrip("/")).rstrip("/"))
PY
}

# shellcheck disable=SC2120  # PARENT is for 13-shared-machine's foreign podd
# cgroup_dirs [PARENT]: the cgroups left under the test's parent, one
# "cgroup DIR" a line (the parent itself is podd's to make and the test's
# to remove: remove_cgroup_parent).
cgroup_dirs() {
    local h parent=${1:-$(cgroup_parent)}
    for h in $(cgroup_hierarchies); do
        [ -d "$h/$parent" ] || continue
        find "$h/$parent" -mindepth 1 -type d -printf 'cgroup %p\n' 2> /dev/null
    done
    return 0
}

# shellcheck disable=SC2120  # PARENT is for 13-shared-machine's foreign podd
# remove_cgroup_parent [PARENT]: after podd stopped, its parent dirs go
# (what is left in them is killed first, by pid, deepest first).
remove_cgroup_parent() {
    local h d p parent=${1:-$(cgroup_parent)}
    for h in $(cgroup_hierarchies); do
        [ -d "$h/$parent" ] || continue
        while read -r d; do
            for p in $(cat "$d/cgroup.procs" 2> /dev/null); do kill -9 "$p" 2> /dev/null; done
            for _ in $(seq 250); do
                rmdir "$d" 2> /dev/null && break
                [ -d "$d" ] || break
                sleep 0.02
            done
        done < <(find "$h/$parent" -depth -type d 2> /dev/null)
    done
    return 0
}

# podd_start [FLAGS...]: a podd of this test's own, in the foreground, its log
# in $T/podd.log. Sets PODD_PID and exports PODD_SOCKET for podctl.
podd_start() {
    podd --root "$T/root" --run-dir "$T/run" --foreground --log-level debug \
        --cgroup-parent "$(cgroup_parent)" "$@" >> "$T/podd.log" 2>&1 &
    PODD_PID=$!
    export PODD_SOCKET=$T/run/podd.sock
    docker_env
    wait_for podctl version
}

# docker_env: the docker CLI, its Python SDK and docker-compose talk to this
# test's podd (its Engine API socket), with a config of the test's own (no
# user's contexts, credentials or plugins). podman reads DOCKER_CONFIG too,
# and refuses one without a config.json.
docker_env() {
    export DOCKER_HOST=unix://$T/run/docker.sock
    export DOCKER_CONFIG=$T/docker-config
    mkdir -p "$DOCKER_CONFIG"
    [ -e "$DOCKER_CONFIG/config.json" ] || echo '{}' > "$DOCKER_CONFIG/config.json"
}

# pydocker SCRIPT [ARGS...]: run Python SCRIPT (text) with Debian's
# python3-docker (/usr/bin/python3: another python3 earlier in PATH may have
# a docker module of its own), against this test's podd.
pydocker() {
    local script=$1
    shift
    /usr/bin/python3 -c "$script" "$@"
}

# podd_kill SIGNAL: end podd as a crash or an admin would; fails the test
# unless podd died of that signal (or, for TERM, exited 0).
podd_kill() {
    local rc=0 want
    want=$((128 + $(kill -l "$1")))
    [ "$1" = TERM ] && want=0
    kill "-$1" "$PODD_PID"
    wait "$PODD_PID" 2> /dev/null || rc=$?
    PODD_PID=
    [ "$rc" = "$want" ] || fail "podd exited $rc on SIG$1, expected $want"
}

# podd_stop: SIGTERM and wait; returns non-zero (ending the test under set -e)
# unless podd exits 0.
podd_stop() {
    [ -n "${PODD_PID:-}" ] || return 0
    kill -TERM "$PODD_PID" 2> /dev/null || true
    local rc=0
    wait "$PODD_PID" || rc=$?
    PODD_PID=
    if [ "$rc" != 0 ]; then
        echo "    FAILED: podd exited $rc on SIGTERM" >&2
        return 1
    fi
}

# own_things: what is this test's, one thing a line: its live processes
# ("proc PID COMM"), its mounts ("mount PATH": under $T, or the `ip netns`
# name of a namespace of its own) and its `ip netns` names ("netns NAME": a
# bind of a namespace of its own, or a plain file, a name whose mount is
# gone). A process of podd's kind is the test's when its command line names
# the test's dir, or one of its fds or its cwd is under it (a podd's stderr
# is $T/podd.log, which its pause and shim processes inherit; a monitor
# holds the container's log and exit dir). Any process is the test's when
# one of its ancestors is such a process (a workload under its monitor, a
# task of podd), or when it lives in a net or pid namespace that is held
# under $T or is an own process's (a workload whose monitor died). Another
# podd on the machine, and its pods, are never counted, let alone ended.
# One python3 pass over /proc: a machine may run thousands of processes.
own_things() {
    python3 - "$T" << 'PY'
import os, re, sys

t = re.compile(re.escape(sys.argv[1].rstrip("/")) + "(/|$)")
kinds = {"podd", "podd-pause", "podd-shim", "podd-monitor", "netplug"}

def link(path):
    try:
        return os.readlink(path)
    except OSError:
        return ""

procs = {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            st = f.read()
    except OSError:
        continue
    comm = st[st.index("(") + 1:st.rindex(")")]
    state, ppid = st[st.rindex(")") + 2:].split()[:2]
    if state != "Z":
        procs[int(d)] = (comm, int(ppid))

def names_t(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmd = f.read().decode(errors="replace").replace("\0", " ")
    except OSError:
        return False
    if t.search(cmd):
        return True
    try:
        fds = ["fd/" + n for n in os.listdir("/proc/%d/fd" % pid)]
    except OSError:
        fds = []
    return any(t.match(link("/proc/%d/%s" % (pid, f))) for f in ["cwd"] + fds)

own = {p for p, (c, _) in procs.items() if c in kinds and names_t(p)}
def descends(p):
    seen = 0
    while p in procs and seen < 64:
        if p in own:
            return True
        p, seen = procs[p][1], seen + 1
    return False
own |= {p for p in procs if descends(p)}
mine = {link("/proc/self/ns/net"), link("/proc/self/ns/pid")}
held = set()
with open("/proc/self/mountinfo") as f:
    mounts = [(x[4], x[3], x[x.index("-") + 1]) for x in (line.split() for line in f)]
for point, root, fstype in mounts:
    if fstype == "nsfs" and t.match(point):
        held.add(root)
for p in own:
    held |= {link("/proc/%d/ns/net" % p), link("/proc/%d/ns/pid" % p)}
held -= mine | {""}
for p in procs:
    if p not in own and (link("/proc/%d/ns/net" % p) in held or
                         link("/proc/%d/ns/pid" % p) in held):
        own.add(p)
for p in sorted(own):
    if p in procs and p != os.getpid():
        print("proc %d %s" % (p, procs[p][0]))
netns = {}
for point, root, fstype in mounts:
    if t.match(point):
        print("mount " + point)
    elif point.startswith("/run/netns/"):
        netns[point[len("/run/netns/"):]] = root
        if root in held:
            print("mount " + point)
for name in (os.listdir("/run/netns") if os.path.isdir("/run/netns") else []):
    if name not in netns or netns[name] in held:
        print("netns " + name)
PY
}

# What podd and its children may leave behind, as text, one thing a line.
snapshot() {
    {
        own_things
        ip -o link show | awk -F': ' '{print "link " $2}'
        ip -o addr show | awk '{print "addr " $2 " " $4}'
        ss -Hlnx 2> /dev/null | awk '{print "unix-listen " $5}' | grep -F "$T" || true
        ss -Hltnu 2> /dev/null | awk '{print "inet-listen " $1 " " $5}'
        cgroup_dirs
        nft_things
    } | sort
}

# nft_things: the firewall of the suite's network namespace, a line per
# table, chain, rule and set element, each named by its table (netplug's
# and podd's tables exist only while something needs them).
nft_things() {
    nft list ruleset 2> /dev/null | awk '
        $1 == "table" { t = $2 " " $3; print "nft table " t; next }
        $1 == "chain" { c = $2; print "nft chain " t " " c; next }
        $1 == "}" || $1 == "" || $1 == "type" || $1 == "policy" { next }
        { sub(/^[ \t]+/, ""); print "nft rule " t " " c " " $0 }'
}

# ipam_files: addresses still allocated under the run dir's CNI data dir
# (a network's lock and last-handed-out files stay, as host-local's do).
ipam_files() {
    [ -d "$T/run/cni" ] || return 0
    find "$T/run/cni" -type f ! -name lock ! -name 'last_reserved_ip*' -printf 'ipam-file %P\n'
}

# store_work_files: what the image store holds only while it works.
store_work_files() {
    find "$T/root/layers" -mindepth 1 -maxdepth 1 \( -name '.unpack-*' -o -name '.rm-*' \) \
        -printf 'store-work layers/%P\n' 2> /dev/null
    find "$T/root/blobs/tmp" -mindepth 1 -maxdepth 1 -printf 'store-work blobs/tmp/%P\n' 2> /dev/null
    return 0
}

# leak_check: everything that exists now and did not before the test.
leak_check() {
    local after leftovers left_files
    # A pod's network is released in the background (CNI DEL: its veth
    # and its address): give it a moment, in time rather than in rounds (a
    # snapshot is slow on a machine with thousands of processes).
    local deadline=$((SECONDS + 10))
    while :; do
        after=$(snapshot)
        leftovers=$(comm -13 <(printf '%s\n' "$SNAP_BEFORE") <(printf '%s\n' "$after"))
        [ -z "$leftovers$(ipam_files)" ] && break
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.02
    done
    left_files=$(ipam_files)
    [ -z "$left_files" ] || leftovers+=$'\n'"$left_files"
    if [ -d "$T/run" ]; then
        left_files=$(cd "$T/run" && find . -mindepth 1 ! -path ./pods ! -path ./containers ! -path './cni' ! -path './cni/*' ! -name 'podd.log' | sed 's/^/run-dir-file /')
        [ -z "$left_files" ] || leftovers+=$'\n'"$left_files"
    fi
    if [ -d "$T/root/containers" ]; then
        # A removed container's layer is deleted off podd's loop: give it a moment.
        for _ in $(seq 250); do
            [ -n "$(ls -A "$T/root/containers")" ] || break
            sleep 0.02
        done
        left_files=$(ls -A "$T/root/containers" | sed 's/^/container-state /')
        [ -z "$left_files" ] || leftovers+=$'\n'"$left_files"
    fi
    # issue 12, podspec: a removed pod leaves no state dir, so none of its
    # volumes (empty_dir dirs; a Memory one's tmpfs is a mount under $T,
    # which own_things lists).
    if [ -d "$T/root/pods" ]; then
        left_files=$(ls -A "$T/root/pods" | sed 's/^/pod-state /')
        [ -z "$left_files" ] || leftovers+=$'\n'"$left_files"
    fi
    # The image store's work in progress (podd empties it as it goes):
    # partial blob writes, unfinished unpacks and layer removals (deleted
    # off podd's loop: give them a moment).
    if [ -d "$T/root/layers" ]; then
        for _ in $(seq 250); do
            [ -z "$(store_work_files)" ] && break
            sleep 0.02
        done
        left_files=$(store_work_files)
        [ -z "$left_files" ] || leftovers+=$'\n'"$left_files"
    fi
    leftovers=$(printf '%s\n' "$leftovers" | sed '/^$/d')
    if [ -n "$leftovers" ]; then
        echo "    LEAK: left behind by the test:" >&2
        printf '      %s\n' "$leftovers" >&2
        # Clean up what we can so one leak does not fail every later test:
        # processes by pid only, then mounts.
        # A shim's workload first: once its shim is gone it would be
        # nobody's (PID 1 of its namespace, deaf to SIGTERM).
        local p
        for p in $(printf '%s\n' "$leftovers" | awk '$1 == "proc" {print $2}'); do
            ps -o pid= --ppid "$p" | xargs -r kill -9 2> /dev/null
            kill -9 "$p" 2> /dev/null
        done
        printf '%s\n' "$leftovers" | awk '$1 == "mount" {print $2}' | xargs -r -n1 umount -l 2> /dev/null
        printf '%s\n' "$leftovers" | awk '$1 == "netns" {print "/run/netns/" $2}' | xargs -r rm -f
        return 1
    fi
}

# remove every container the test left, through the API.
remove_all_containers() {
    local c
    for c in $(api "http://podd/v1/containers?all=true" 2> /dev/null |
        python3 -c 'import json, sys; [print(c["id"]) for c in json.load(sys.stdin)]' 2> /dev/null); do
        api -X DELETE "http://podd/v1/containers/$c?force=true" > /dev/null 2>&1 || true
    done
}

# remove every network the test made, through the API.
remove_all_networks() {
    local n
    for n in $(podctl network ls -q 2> /dev/null); do
        [ "$n" = podd ] || podctl network rm "$n" > /dev/null 2>&1 || true
    done
}

# remove every pod the test left, through the API (the user's way).
remove_all_pods() {
    local p
    for p in $(podctl pod ls -q 2> /dev/null); do
        podctl pod rm -f "$p" > /dev/null 2>&1 || true
    done
}

teardown_test() {
    local rc=$?
    set +e
    # An assertion that failed inside a command substitution.
    if [ -s "$T/.failed" ]; then rc=1; fi
    # A podd the test froze (SIGSTOP) and failed to kill goes on, so the
    # clean-up below is answered.
    if [ -n "${PODD_PID:-}" ]; then kill -CONT "$PODD_PID" 2> /dev/null; fi
    # A test file's own clean-up first (what it made beside its podd).
    if declare -F cleanup_test > /dev/null; then cleanup_test; fi
    # A test that failed while its podd was stopped: a podd again, to
    # remove what it left the way a user would.
    if [ -z "${PODD_PID:-}" ] && [ -d "$T/root" ]; then
        podd --root "$T/root" --run-dir "$T/run" --foreground \
            --cgroup-parent "$(cgroup_parent)" >> "$T/podd.log" 2>&1 &
        PODD_PID=$!
        export PODD_SOCKET=$T/run/podd.sock
        for _ in $(seq 250); do
            podctl version > /dev/null 2>&1 && break
            sleep 0.02
        done
    fi
    if [ -n "${PODD_PID:-}" ] && kill -0 "$PODD_PID" 2> /dev/null; then
        remove_all_containers
        remove_all_pods
        remove_all_networks
        podd_stop || rc=1
    fi
    # The default network's bridge stays, as docker0 does; not a leak.
    ip link del podd0 2> /dev/null || true
    PODD_PID=
    leak_check || rc=1
    remove_cgroup_parent
    if [ "$rc" != 0 ] && [ -f "$T/podd.log" ]; then
        echo "    podd log (last 20 lines):" >&2
        tail -n 20 "$T/podd.log" | sed 's/^/      /' >&2
    fi
    rm -rf "$T"
    exit "$rc"
}

run_tests() {
    local t rc
    for t in $(declare -F | awk '$3 ~ /^test_/ {print $3}'); do
        # Not `( ... ) && rc=0 || rc=$?`: bash ignores set -e in a
        # subshell on the left of && or ||, so a failing command in the
        # middle of a test would not end it.
        (
            set -e
            T=$(mktemp -d /tmp/podd-test.XXXXXX)
            SNAP_BEFORE=$(snapshot)
            trap teardown_test EXIT
            "$t"
        )
        rc=$?
        if [ "$rc" = 0 ]; then
            echo "ok $TEST_FILE $t" | tee -a "$PODD_TEST_RESULTS"
        else
            echo "FAIL $TEST_FILE $t" | tee -a "$PODD_TEST_RESULTS"
        fi
    done
}
