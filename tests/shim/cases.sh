#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd-shim by hand, without podd: every case drives the shim through
# tests/shim/drive.py and checks the sync message, the CRI log, the exit
# file, and that a failure leaves no mount, hold file or process behind.
# Runs itself inside tools/sandbox.sh (a throwaway net + mount namespace).
#
#   tests/shim/cases.sh BUILD_DIR IMAGES_DIR [FILTER]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ "${PODD_SANDBOX:-}" != 1 ]; then
    # A subreaper above the shims: this VM's PID 1 kills orphans.
    exec "$top/tools/sandbox.sh" "$here/subreaper.py" "$0" "$@"
fi
build=$(cd "${1:?usage: cases.sh BUILD_DIR IMAGES_DIR [FILTER]}" && pwd)
rootfs=$(cd "${2:?usage: cases.sh BUILD_DIR IMAGES_DIR [FILTER]}" && pwd)/busybox
filter=${3:-}
shim=$build/podd-shim
work=$(mktemp -d /tmp/podd-shim-cases.XXXXXX)
passed=0
failed=0

drive() {
    "$here/drive.py" --shim "$shim" --rootfs "$rootfs" "$@"
}

# q JSON EXPR: a Python expression over the parsed JSON d.
q() {
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# Each case runs in a subshell with set -e (run_case): a failing assertion,
# or any command that fails, ends its case and fails it.
fail() {
    echo "  $*"
    exit 1
}

# assert_eq EXPECTED ACTUAL WHAT, in the order of tests/integration/lib.sh.
assert_eq() {
    [ "$1" = "$2" ] || fail "expected [$1], got [$2] ($3)"
}

assert_contains() {
    case $1 in *"$2"*) ;; *) fail "[$1] lacks [$2] ($3)" ;; esac
}

no_process_of() {
    ! grep -lqs -- "$1" /proc/[0-9]*/cmdline
}

# Nothing of the case's dir is mounted, and no process names it (the shim
# writes the exit file just before it exits: give it a moment).
assert_clean() {
    local dir=$1
    wait_for no_process_of "$dir" || true # named below
    if grep -q -- "$dir" /proc/self/mountinfo; then
        fail "mounts left: $(grep -- "$dir" /proc/self/mountinfo)"
    fi
    if grep -lqs -- "$dir" /proc/[0-9]*/cmdline; then
        fail "processes left: $(grep -ls -- "$dir" /proc/[0-9]*/cmdline)"
    fi
    if [ -n "$(ls -A "$dir/ns" 2>/dev/null)" ]; then
        fail "hold files left: $(ls -A "$dir/ns")"
    fi
}

# wait_for CMD...: poll up to 10 s.
wait_for() {
    for _ in $(seq 1 1000); do
        "$@" && return 0
        sleep 0.01
    done
    return 1
}

# The workload's monitor: the podd-monitor whose log fd (6) is DIR's log.
monitor_of() {
    local p
    for p in $(pgrep -x podd-monitor); do
        [ "$(readlink "/proc/$p/fd/6" 2>/dev/null)" = "$1/ctr.log" ] && return 0
    done
    return 1
}

run_case() {
    local name=$1 rc
    case $name in *"$filter"*) ;; *) return ;; esac
    dir=$work/$name
    mkdir -p "$dir"
    (
        set -e
        "$name"
    )
    rc=$?
    if [ "$rc" = 0 ]; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        failed=$((failed + 1))
    fi
}

test_exit_code_and_log() {
    local out
    out=$(drive --dir "$dir" -- sh -c 'echo out; echo err >&2; exit 42')
    assert_eq started "$(q "$out" 'd["sync"]["type"]')" "sync"
    assert_eq 2 "$(q "$out" 'd["sync"]["n_fds"]')" "two pidfds"
    assert_eq 42 "$(q "$out" 'd["exit"]["exit_code"]')" "exit code"
    assert_eq False "$(q "$out" '"signal" in d["exit"]')" "no signal"
    assert_eq True "$(q "$out" 'd["exit"]["pid"] == d["sync"]["pids"][1]')" "exit pid"
    assert_eq "['stdout F out', 'stderr F err']" \
        "$(q "$out" '[l.split(" ", 1)[1] for l in d["log"]]')" "log"
    assert_contains "$(q "$out" 'd["log"][0].split(" ")[0]')" "Z" "RFC3339 time"
    assert_clean "$dir"
}

# podd died between STARTED and its acknowledgement: the shim ends the
# workload, says so in the exit file, and leaves nothing held.
test_no_ack_ends_the_workload() {
    local out
    out=$(drive --dir "$dir" --hold --no-ack -- sleep 1000)
    assert_eq "$(q "$out" 'd["sync"]["type"]')" started "sync"
    assert_eq "$(q "$out" 'd["exit"]["exit_code"]')" 137 "exit code"
    assert_eq "$(q "$out" 'd["exit"]["signal"]')" KILL "signal"
    assert_clean "$dir"
}

test_long_and_partial_lines() {
    local out
    out=$(drive --dir "$dir" -- sh -c 'head -c 40000 /dev/zero | tr "\0" a; echo; printf tail')
    assert_eq "[('P', 16384), ('P', 16384), ('F', 7232), ('P', 4)]" \
        "$(q "$out" '[(l.split(" ")[2], len(l.split(" ", 3)[3])) for l in d["log"]]')" "pieces"
}

test_hostname_new_uts() {
    local out
    out=$(drive --dir "$dir" --hostname web-1 -- sh -c 'hostname; cat /etc/hostname')
    assert_eq "['web-1', 'web-1']" "$(q "$out" '[l.split(" ", 3)[3] for l in d["log"]]')" "hostname"
}

test_caps_and_no_new_privs() {
    local out
    out=$(drive --dir "$dir" --cap CAP_CHOWN --cap CAP_NET_BIND_SERVICE -- \
        sh -c 'grep -E "^Cap(Eff|Prm|Inh|Bnd|Amb)|NoNewPrivs" /proc/self/status')
    assert_eq "0000000000000401 0000000000000401 0000000000000401 0000000000000401 0000000000000000 1" \
        "$(q "$out" '" ".join(l.split(" ", 3)[3].split()[1] for l in d["log"])')" \
        "CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs"
    out=$(drive --dir "$dir" --cap CAP_NOPE -- true)
    assert_eq 'unknown capability "CAP_NOPE"' "$(q "$out" 'd["sync"]["msg"]')" "bad cap"
}

test_sys_read_only_and_dev() {
    local out
    out=$(drive --dir "$dir" -- sh -c 'touch /sys/x 2>&1; echo x > /dev/null && echo null ok;
        ls /dev | tr "\n" " "; echo; readlink /dev/ptmx; echo $PATH')
    assert_contains "$(q "$out" 'd["log"][0]')" "Read-only file system" "/sys"
    assert_contains "$(q "$out" 'd["log"][1]')" "null ok" "/dev/null"
    assert_contains "$(q "$out" 'd["log"][2]')" \
        "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" "/dev"
    assert_contains "$(q "$out" 'd["log"][3]')" "pts/ptmx" "ptmx"
    assert_contains "$(q "$out" 'd["log"][4]')" "/usr/local/sbin:/usr/local/bin:" "PATH"
}

test_writes_land_in_upper() {
    local out
    out=$(drive --dir "$dir" -- sh -c 'echo hi > /newfile; echo x >> /etc/passwd; cat /newfile')
    assert_eq 0 "$(q "$out" 'd["exit"]["exit_code"]')" "exit"
    [ -e "$dir/upper/newfile" ] || fail "newfile not in upper"
    if [ -e "$rootfs/newfile" ]; then fail "newfile in the image"; fi
    if grep -q '^x$' "$rootfs/etc/passwd"; then fail "the image's /etc/passwd changed"; fi
    assert_clean "$dir"
}

test_read_only_root() {
    local out
    out=$(drive --dir "$dir" --read-only -- sh -c 'touch /x 2>&1; cat /etc/hostname 2>&1')
    assert_eq started "$(q "$out" 'd["sync"]["type"]')" "sync"
    assert_contains "$(q "$out" 'd["log"][0]')" "Read-only file system" "ro root"
    assert_contains "$(q "$out" 'd["log"][1]')" "No such file" "missing target skipped"
    assert_clean "$dir"
}

test_no_command() {
    local out
    out=$(drive --dir "$dir" --hold -- nosuch)
    assert_eq no_command "$(q "$out" 'd["sync"]["kind"]')" "kind"
    assert_eq 'exec "nosuch": no such file or directory in PATH' \
        "$(q "$out" 'd["sync"]["msg"]')" "msg"
    assert_clean "$dir"
}

test_not_executable() {
    local out
    out=$(drive --dir "$dir" --hold -- /etc)
    assert_eq not_executable "$(q "$out" 'd["sync"]["kind"]')" "kind"
    assert_eq 13 "$(q "$out" 'd["sync"]["errnum"]')" "EACCES"
    assert_clean "$dir"
}

test_missing_rootfs() {
    local out
    out=$("$here/drive.py" --shim "$shim" --rootfs "$dir/none" --dir "$dir" --hold -- true)
    assert_eq "rootfs $dir/none: No such file or directory" \
        "$(q "$out" 'd["sync"]["msg"]')" "msg"
    assert_clean "$dir"
}

test_bad_mount_leaves_nothing() {
    local out
    # A work dir on another file system than upper: overlay refuses it.
    mkdir -p "$dir/w2"
    mount -t tmpfs none "$dir/w2"
    out=$(drive --dir "$dir" --hold --spec-set "work=\"$dir/w2\"" -- true)
    umount "$dir/w2"
    assert_contains "$(q "$out" 'd["sync"]["msg"]')" "mount overlay on $dir/merged: " "msg"
    assert_clean "$dir"
}

test_bad_spec() {
    local out
    out=$(drive --dir "$dir" --spec-set 'bogus=1' -- true)
    assert_eq "spec $dir/spec.json: spec: unknown field \"bogus\"" \
        "$(q "$out" 'd["sync"]["msg"]')" "msg"
    assert_eq 1 "$(q "$out" 'd["first_exit"]')" "reported before detaching"
}

test_sigkill() {
    local out
    out=$(drive --dir "$dir" --signal 9 -- sleep 100)
    assert_eq "(137, 'KILL')" "$(q "$out" '(d["exit"]["exit_code"], d["exit"]["signal"])')" "exit"
    assert_clean "$dir"
}

test_outlives_spawner() {
    local out shim_pid
    out=$(drive --dir "$dir" --no-wait -- sleep 1)
    shim_pid=$(q "$out" 'd["sync"]["pids"][0]')
    [ -d "/proc/$shim_pid" ] || fail "shim gone with its spawner"
    kill -TERM "$shim_pid" 2>/dev/null || true
    kill -HUP "$shim_pid" 2>/dev/null || true
    [ -d "/proc/$shim_pid" ] || fail "shim died of SIGTERM/SIGHUP"
    wait_for test -e "$dir/exit.json" || fail "no exit file"
    assert_eq 0 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_code"])' \
        "$dir/exit.json")" "exit code"
    wait_for test ! -d "/proc/$shim_pid" || fail "shim still running"
}

test_spawner_sigkilled() {
    local drv
    drive --dir "$dir" -- sleep 5 > /dev/null &
    drv=$!
    wait_for test -e "$dir/ctr.log" || fail "no shim"
    # Killed once the workload runs under its monitor.
    wait_for monitor_of "$dir" || fail "no podd-monitor"
    kill -KILL "$drv"
    wait "$drv" 2>/dev/null || true
    wait_for test -e "$dir/exit.json" || fail "no exit file after the spawner died"
    assert_clean "$dir"
}

# After STARTED the shim execs podd-monitor in the same process: same pid
# and start time, only the fds it is handed (0-7, and its signalfd), and
# gone once the exit file is written.
test_monitor_takes_over() {
    local out shim_pid start fds
    out=$(drive --dir "$dir" --no-wait -- sh -c 'echo hi; sleep 1')
    shim_pid=$(q "$out" 'd["sync"]["pids"][0]')
    start=$(awk '{print $22}' "/proc/$shim_pid/stat")
    wait_for grep -qx podd-monitor "/proc/$shim_pid/comm" || fail "no podd-monitor"
    assert_eq "$start" "$(awk '{print $22}' "/proc/$shim_pid/stat")" "start time"
    fds=$(ls "/proc/$shim_pid/fd" | sort -n | tr '\n' ' ')
    assert_eq "0 1 2 3 4 5 6 7 8 " "$fds" "fds"
    assert_eq "$dir/ctr.log" "$(readlink "/proc/$shim_pid/fd/6")" "log fd"
    assert_eq "$dir" "$(readlink "/proc/$shim_pid/fd/7")" "exit dir fd"
    wait_for test -e "$dir/exit.json" || fail "no exit file"
    wait_for test ! -d "/proc/$shim_pid" || fail "podd-monitor still running"
    assert_eq 0 "$(q "$(cat "$dir/exit.json")" 'd["exit_code"]')" "exit code"
    assert_eq "stdout F hi" "$(sed 's/^[^ ]* //' "$dir/ctr.log")" "log"
}

# Without podd-monitor beside it, the shim refuses to start the workload.
test_monitor_missing() {
    local out
    mkdir -p "$dir/bin"
    cp "$shim" "$dir/bin/podd-shim"
    out=$("$here/drive.py" --shim "$dir/bin/podd-shim" --rootfs "$rootfs" --dir "$dir" --hold \
        -- true)
    assert_eq not_found "$(q "$out" 'd["sync"]["kind"]')" "kind"
    assert_eq "podd-monitor not found beside podd-shim: $dir/bin/podd-monitor" \
        "$(q "$out" 'd["sync"]["msg"]')" "msg"
    assert_clean "$dir"
}

# A podd-monitor that cannot be exec'd: the workload is killed and the exit
# file says 255, so that podd is not left guessing.
test_monitor_exec_fails() {
    local out
    mkdir -p "$dir/bin"
    cp "$shim" "$dir/bin/podd-shim"
    printf 'not a binary\n' > "$dir/bin/podd-monitor"
    chmod 755 "$dir/bin/podd-monitor"
    out=$("$here/drive.py" --shim "$dir/bin/podd-shim" --rootfs "$rootfs" --dir "$dir" \
        -- sleep 100)
    assert_eq started "$(q "$out" 'd["sync"]["type"]')" "sync"
    assert_eq "(255, False)" "$(q "$out" '(d["exit"]["exit_code"], "signal" in d["exit"])')" "exit"
    assert_clean "$dir"
}

test_join_held_namespaces() {
    local out ids
    touch "$dir/net" "$dir/ipc" "$dir/uts"
    unshare --net="$dir/net" --ipc="$dir/ipc" --uts="$dir/uts" hostname held
    ids="net:[$(stat -L -c %i "$dir/net")] ipc:[$(stat -L -c %i "$dir/ipc")] uts:[$(stat -L -c %i "$dir/uts")]"
    out=$(drive --dir "$dir" --net "$dir/net" --ipc "$dir/ipc" --uts "$dir/uts" --hostname other -- \
        sh -c 'echo $(for n in net ipc uts; do readlink /proc/self/ns/$n; done); hostname')
    assert_eq "$ids" "$(q "$out" 'd["log"][0].split(" ", 3)[3]')" "joined"
    assert_eq "held" "$(q "$out" 'd["log"][1].split(" ", 3)[3]')" "hostname left alone"
    out=$(drive --dir "$dir" --net "$dir/ipc" -- true)
    assert_contains "$(q "$out" 'd["sync"]["msg"]')" "is not a net namespace" "wrong kind"
    umount "$dir/net" "$dir/ipc" "$dir/uts"
    assert_clean "$dir"
}

test_hold_new_namespaces() {
    local out ids
    out=$(drive --dir "$dir" --hold -- \
        sh -c 'echo $(for n in net ipc uts; do readlink /proc/self/ns/$n; done)')
    ids="net:[$(stat -L -c %i "$dir/ns/net")] ipc:[$(stat -L -c %i "$dir/ns/ipc")] uts:[$(stat -L -c %i "$dir/ns/uts")]"
    assert_eq "$ids" "$(q "$out" 'd["log"][0].split(" ", 3)[3]')" "held"
    assert_eq 1 "$(nsenter --net="$dir/ns/net" ip -o link show lo | grep -c UP)" "lo up"
    umount "$dir/ns/net" "$dir/ns/ipc" "$dir/ns/uts"
    rm -f "$dir/ns/net" "$dir/ns/ipc" "$dir/ns/uts"
    assert_clean "$dir"
}

test_join_pid_namespace() {
    local out un pause=
    unshare --pid --fork "$build/podd-pause" &
    un=$!
    wait_for grep -qs . "/proc/$un/task/$un/children" || fail "no pause"
    pause=$(cat "/proc/$un/task/$un/children" 2>/dev/null)
    pause=${pause% }
    if [ -z "$pause" ]; then
        fail "no pause"
        return
    fi
    out=$(drive --dir "$dir" --pid fd:4 --pid-of "$pause" -- sh -c 'ps -o pid,args')
    assert_contains "$(q "$out" 'd["log"]')" "1 $build/podd-pause" "pause is PID 1"
    assert_eq 0 "$(q "$out" 'd["exit"]["exit_code"]')" "exit"
    kill -TERM "$pause"
    wait "$un"
    assert_clean "$dir"
}

for t in $(declare -F | awk '$3 ~ /^test_/ {print $3}'); do
    run_case "$t"
done
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
