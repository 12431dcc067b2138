#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd as a service (issue 16): the systemd unit passes systemd-analyze
# verify, make install and uninstall into a staging dir leave exactly the
# manifest's files and then nothing, podd's group (--group) lets a member
# use podctl, run -it, exec -it, logs and the Engine API without sudo while
# state and logs stay root's, a uid outside it is refused, podd tells a
# service manager READY=1 and STOPPING=1, and podd sits in its own cgroup
# leaf beside its pods.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/term.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
# The test's group and users: numeric ids of no one on the machine; the
# group's name exists only in the mount namespace of the test's podd.
GROUP_NAME=podtest
GROUP_GID=4243
MEMBER_UID=4242
OTHER_UID=4244

# make_install TARGET: make TARGET (install, uninstall) into $T/stage, with
# the man pages and completion files when the tree builds them.
make_install() {
    local docs=()
    make -C "$SRC" -n docs > /dev/null 2>&1 || docs=(MAN_PAGES= COMPLETIONS=)
    make -s -C "$SRC" VARIANT="$(basename "$PODD_BUILD")" DESTDIR="$T/stage" "${docs[@]}" "$1" \
        > "$T/make.out" 2>&1 || fail "make $1: $(tail -5 "$T/make.out")"
}

# staged: what is in the staging dir, as "file PATH" and "dir PATH" lines.
staged() {
    (cd "$T/stage" && find . -mindepth 1 \( -type d -printf 'dir %P\n' -o -printf 'file %P\n' \)) |
        sed 's| | /|' | sort
}

test_install_then_uninstall_leave_exactly_the_manifest() {
    make_install install
    local manifest=$T/stage/usr/local/share/podd/installed
    [ -f "$manifest" ] || fail "no manifest at $manifest"
    # the tree holds what the manifest lists, and the manifest
    assert_eq "$( (cat "$manifest" && echo "file /usr/local/share/podd/installed") | sort)" \
        "$(staged)" "the staged tree"
    local f
    for f in podd podctl podd-pause podd-shim podd-monitor podd-archive; do
        grep -qx "file /usr/local/bin/$f" "$manifest" || fail "$f is not installed"
        [ -x "$T/stage/usr/local/bin/$f" ] || fail "$f is not executable"
    done
    grep -qx "file /opt/cni/bin/netplug" "$manifest" || fail "netplug is not in CNI_BINDIR"
    grep -qx "file /usr/local/lib/systemd/system/podd.service" "$manifest" ||
        fail "the unit is not where systemd looks"
    assert_contains "$(cat "$T/stage/usr/local/lib/systemd/system/podd.service")" \
        "ExecStart=/usr/local/bin/podd --foreground"
    # a staged install makes no group (a package's postinst does)
    assert_not_contains "$(cat "$manifest")" "group "
    # a reinstall over it, then uninstall: nothing, not even the dirs
    make_install install
    make_install uninstall
    assert_eq "" "$(staged)" "what uninstall left"
    # what install did not put there stays, with the dirs that hold it
    make_install install
    touch "$T/stage/usr/local/bin/mine"
    make_install uninstall
    assert_eq "dir /usr
dir /usr/local
dir /usr/local/bin
file /usr/local/bin/mine" "$(staged)" "a file of someone else's"
}

test_the_unit_passes_systemd_analyze_verify() {
    command -v systemd-analyze > /dev/null || fail "systemd-analyze is not installed: run make deps"
    make_install install
    local unit=$T/stage/usr/local/lib/systemd/system/podd.service
    local l
    for l in Type=notify Delegate=yes KillMode=process Restart=on-failure TasksMax=infinity \
        LimitNOFILE= WantedBy=multi-user.target; do
        grep -q "^$l" "$unit" || fail "the unit has no $l"
    done
    # systemd is not running here: verify works offline on a unit file,
    # and checks that ExecStart's program is there, so the installed unit
    # is verified with its program pointed at the staged copy. Man pages
    # are checked only when the install put them (MANPATH of the stage).
    mkdir "$T/verify"
    sed "s|/usr/local/bin/podd|$T/stage/usr/local/bin/podd|" "$unit" > "$T/verify/podd.service"
    local man=--man=no
    [ ! -f "$T/stage/usr/local/share/man/man8/podd.8" ] || man=--man=yes
    MANPATH=$T/stage/usr/local/share/man systemd-analyze verify "$man" "$T/verify/podd.service" \
        > "$T/verify.out" 2>&1 || fail "verify: $(cat "$T/verify.out")"
    assert_eq "" "$(cat "$T/verify.out")" "systemd-analyze verify's complaints"
    # and it does complain about a broken one
    sed 's/^Type=notify/Type=notifyy/' "$T/verify/podd.service" > "$T/verify/bad.service"
    assert_contains "$(systemd-analyze verify --man=no "$T/verify/bad.service" 2>&1)" "notifyy"
    make_install uninstall
}

# podd_start_grouped: the test's podd with --group of a group that exists
# only in its own mount namespace (a copy of /etc/group bound over it);
# $T is made traversable for the test's users.
podd_start_grouped() {
    cp /etc/group "$T/group"
    echo "$GROUP_NAME:x:$GROUP_GID:" >> "$T/group"
    chmod 0711 "$T"
    mkdir -m 0777 "$T/home"
    # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
    unshare --mount --propagation private sh -c 'mount --bind "$0" /etc/group && exec "$@"' \
        "$T/group" podd --root "$T/root" --run-dir "$T/run" --foreground --log-level debug \
        --cgroup-parent "$(cgroup_parent)" --group "$GROUP_NAME" >> "$T/podd.log" 2>&1 &
    PODD_PID=$!
    export PODD_SOCKET=$T/run/podd.sock
    docker_env
    wait_for podctl version
}

# as UID GROUPS CMD...: CMD as UID (and its own gid) with supplementary
# GROUPS (a gid, or "" for none), no capabilities.
as() {
    local uid=$1 groups=$2
    shift 2
    local g=(--clear-groups)
    [ -z "$groups" ] || g=(--groups "$groups")
    setpriv --reuid "$uid" --regid "$uid" "${g[@]}" --inh-caps=-all \
        env HOME="$T/home" PATH="$PATH" PODD_SOCKET="$PODD_SOCKET" "$@"
}

member() {
    as "$MEMBER_UID" "$GROUP_GID" "$@"
}

# mode_group PATH: "MODE GID" of PATH.
mode_group() {
    stat -c '%a %g' "$1"
}

test_a_group_member_uses_podd_and_state_stays_roots() {
    podd_start_grouped
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    assert_eq "660 $GROUP_GID" "$(mode_group "$T/run/podd.sock")" "the API socket"
    assert_eq "660 $GROUP_GID" "$(mode_group "$T/run/docker.sock")" "the Engine API socket"
    assert_eq "710 $GROUP_GID" "$(mode_group "$T/run/containers")" "the containers' run dir"
    # a member: podctl, a container, its logs, exec, the Engine API
    member podctl ps > /dev/null
    member podctl run -d --name c busybox sh -c 'echo from-c; exec sleep 1000' > /dev/null
    wait_for is_running c
    wait_for sh -c "podctl logs c | grep -q from-c"
    assert_eq from-c "$(member podctl logs c)"
    assert_eq in-c "$(member podctl exec c echo in-c)"
    assert_eq OK "$(member curl -sf --unix-socket "$T/run/docker.sock" http://d/_ping)"
    if command -v docker > /dev/null; then
        assert_contains "$(member env DOCKER_HOST="$DOCKER_HOST" DOCKER_CONFIG="$DOCKER_CONFIG" \
            docker ps --format '{{.Names}}')" c
    fi
    member podctl rm -f c > /dev/null
    # the attach socket of a container with stdin: 0660 in 0710 dirs
    podctl run -d -i --name i busybox cat > /dev/null
    wait_for is_running i
    local id sock
    id=$(ctr_field i .id)
    sock=$(ctr_field i .attach_socket)
    assert_eq "710 $GROUP_GID" "$(mode_group "$T/run/containers/$id")" "the container's run dir"
    assert_eq "660 $GROUP_GID" "$(mode_group "$sock")" "the attach socket"
    # state and logs stay root's: the member cannot read them directly
    if member ls "$T/root" > /dev/null 2>&1; then fail "a member lists the state dir"; fi
    if member ls "$T/run/containers" > /dev/null 2>&1; then fail "a member lists the run dir"; fi
    if member ls "$T/run/containers/$id" > /dev/null 2>&1; then
        fail "a member lists a container's run dir"
    fi
    if member cat "$T/run/containers/$id/shim.json" > /dev/null 2>&1; then
        fail "a member reads a container's spec"
    fi
    # a uid outside the group is refused, clearly, with podd's exit code
    assert_exit 125 as "$OTHER_UID" "" podctl ps
    assert_contains "$LAST_ERR" "permission denied"
    assert_one_line "$LAST_ERR"
    if as "$OTHER_UID" "" curl -sf --unix-socket "$T/run/docker.sock" http://d/_ping \
        > /dev/null 2>&1; then
        fail "a uid outside the group reaches the Engine API"
    fi
    podctl rm -f i > /dev/null
}

# term CMD: CMD as the member in a new 80x24 terminal (a tmux server of
# the test's own); when CMD ends the pane shows "RC=N".
term() {
    term_open "setpriv --reuid $MEMBER_UID --regid $MEMBER_UID --groups $GROUP_GID \
--inh-caps=-all env HOME='$T/home' PODD_SOCKET='$PODD_SOCKET' PATH='$PATH' TERM=xterm $*"
}

# A terminal left by a test that failed.
cleanup_test() {
    if [ -n "${TMUX_PID:-}" ]; then term_close; fi
}

test_a_group_member_runs_and_execs_through_a_terminal() {
    command -v tmux > /dev/null || fail "tmux is not installed: run make deps"
    podd_start_grouped
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    term podctl run --rm -it --name t busybox sh
    wait_for is_running t
    type_line 'echo $((6 * 7))-$(id -u)'
    wait_for on_screen "42-0"
    type_line 'exit 4'
    wait_for on_screen "RC=4"
    term_close
    podctl run -d --name w busybox sleep 1000 > /dev/null
    wait_for is_running w
    term podctl exec -it w sh
    type_line 'echo in-$((1 + 1))'
    wait_for on_screen "in-2"
    type_line 'exit 3'
    wait_for on_screen "RC=3"
    term_close
    # attach, as a member, to a container with a terminal
    podctl run -d -it --name a busybox sh > /dev/null
    wait_for is_running a
    term podctl attach a
    type_line 'echo attached-$((2 + 3))'
    wait_for on_screen "attached-5"
    type_line 'exit 5'
    wait_for on_screen "RC=5"
    term_close
    podctl rm -f w a > /dev/null
}

test_without_the_group_the_sockets_are_roots() {
    chmod 0711 "$T"
    mkdir -m 0777 "$T/home"
    podd_start --group no-such-group-here
    assert_eq "660 0" "$(mode_group "$T/run/podd.sock")" "the API socket"
    assert_eq "700 0" "$(mode_group "$T/run/containers")" "the containers' run dir"
    assert_contains "$(cat "$T/podd.log")" "no-such-group-here"
    assert_exit 125 as "$MEMBER_UID" "$GROUP_GID" podctl ps
}

# notify_listen ADDR: a service manager's notify socket at ADDR (a path, or
# @NAME), writing what it gets to $T/notify.log, a line each; on READY=1 it
# also notes whether podd's socket answered then. Ends at STOPPING=1.
notify_listen() {
    python3 - "$1" "$T/notify.log" "$T/run/podd.sock" << 'PY' &
import socket, sys
addr, log, api = sys.argv[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(log, "w").close()
while True:
    msg = s.recv(4096).decode()
    line = msg
    if "READY=1" in msg:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(api)
            line += " api-listening"
        except OSError as e:
            line += " api-not-listening: %s" % e
        c.close()
    with open(log, "a") as f:
        f.write(line + "\n")
    if "STOPPING=1" in msg:
        break
PY
    NOTIFY_PID=$!
    wait_for test -f "$T/notify.log"
}

notify_case() {
    notify_listen "$1"
    NOTIFY_SOCKET=$1 podd_start
    wait_for grep -q READY=1 "$T/notify.log"
    assert_eq "READY=1 api-listening" "$(cat "$T/notify.log")"
    podctl ps > /dev/null
    # podd's children do not inherit the socket
    podctl run -d --name c busybox sleep 1000 > /dev/null 2>&1 ||
        { podctl image import busybox "$IMAGES/busybox" > /dev/null &&
            podctl run -d --name c busybox sleep 1000 > /dev/null; }
    wait_for is_running c
    local shim
    shim=$(pgrep -P "$PODD_PID" | head -1 || true)
    if [ -n "$shim" ] && tr '\0' '\n' < "/proc/$shim/environ" | grep -q '^NOTIFY_SOCKET='; then
        fail "podd's child $shim inherited NOTIFY_SOCKET"
    fi
    podctl rm -f c > /dev/null
    podd_stop
    wait "$NOTIFY_PID"
    assert_eq "READY=1 api-listening
STOPPING=1" "$(cat "$T/notify.log")"
}

test_notify_ready_and_stopping_on_a_path() {
    notify_case "$T/notify.sock"
    rm -f "$T/notify.sock"
}

test_notify_ready_and_stopping_on_an_abstract_address() {
    notify_case "@podd-test-$(basename "$T")"
}

# cg2 PID: the cgroup2 path of PID.
cg2() {
    awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup"
}

test_podd_sits_in_its_leaf_beside_its_pods() {
    grep -q cgroup2 /proc/self/mounts || fail "no cgroup2 is mounted here"
    local own
    own=$(cg2 self)
    podd_start
    assert_eq "${own%/}/podd" "$(cg2 "$PODD_PID")" "podd's cgroup"
    podctl pod create p > /dev/null
    local infra
    infra=$(infra_pid p)
    assert_contains "$(cg2 "$infra")" "${own%/}/$(cgroup_parent)/pod-" "the infra's cgroup"
    podctl pod rm -f p > /dev/null
    # a relative parent may not be the leaf itself
    assert_exit 1 podd --root "$T/root2" --run-dir "$T/run2" --foreground --cgroup-parent podd
    assert_contains "$LAST_ERR" "podd's leaf"
    rm -rf "$T/root2" "$T/run2"
}

run_tests "$@"
