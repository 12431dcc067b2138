#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interactive sessions, driven as a user would: podctl runs in a real
# terminal (a tmux pane of the test's own tmux server), the test types keys
# and reads the screen. run -it, exec -it, debug -it, Ctrl-C, window
# resizes, detach and reattach, and a podd restart between the two.
. "$(dirname "$0")/lib.sh"

setup() {
    command -v tmux > /dev/null || fail "tmux is not installed: run make deps"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl image import netdebug "$IMAGES/netdebug" > /dev/null
    TERM_N=0
    TMUX_PID=
}

tm() {
    tmux -S "$TMUX_SOCK" "$@"
}

# term_close: end the terminal (and podctl in it) and its tmux server.
term_close() {
    [ -n "$TMUX_PID" ] || return 0
    tm kill-server 2> /dev/null || true
    wait_for is_gone "$TMUX_PID"
    TMUX_PID=
}

# term CMD: run CMD in a new 80x24 terminal, a tmux server of its own (the
# last one closed); when CMD ends, the pane shows "PODCTL-RC=N" and stays.
term() {
    term_close
    TERM_N=$((TERM_N + 1))
    TMUX_SOCK=$T/tmux-$TERM_N.sock
    tm -f /dev/null new-session -d -s t -x 80 -y 24 \
        "env PODD_SOCKET='$PODD_SOCKET' PATH='$PATH' TERM=xterm $*; echo PODCTL-RC=\$?; sleep 600"
    TMUX_PID=$(tm display-message -p '#{pid}')
    tm set-option -g status off
    # shellcheck disable=SC2154 # r is set by the trap itself
    # term_close in a subshell: should it fail, the teardown still runs.
    trap 'r=$?; (term_close); (exit $r); teardown_test' EXIT
}

screen() {
    tm capture-pane -p -t t
}

on_screen() {
    screen | grep -qF -- "$1"
}

# type TEXT: TEXT and Enter.
type() {
    tm send-keys -t t -l -- "$1"
    tm send-keys -t t Enter
}

# wait_screen TEXT: until TEXT shows (typed text shows too: wait for output
# that differs from what was typed).
wait_screen() {
    local deadline=$((SECONDS + ${WAIT_TIMEOUT:-10}))
    until on_screen "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "'$1' never showed; the screen: $(screen)"
        sleep 0.02
    done
}

test_run_it_shell_with_job_control() {
    setup
    term podctl run -it --name sh1 busybox sh
    wait_screen "/ #"
    type 'echo $((6 * 7))'
    wait_screen "42"
    # Ctrl-C reaches the foreground job through the container's terminal.
    # (The shell's own sleep, by its parent: the machine may run others.)
    type 'sleep 1000; echo after-$((1 + 1))sleep'
    local shell
    shell=$(ctr_pid sh1)
    wait_for pgrep -P "$shell" -x sleep
    tm send-keys -t t C-c
    wait_for sh -c "! pgrep -P '$shell' -x sleep"
    type 'echo still-here'
    wait_screen "still-here"
    assert_not_contains "$(screen)" "after-2sleep"
    # The terminal's size, and a resize.
    type 'stty size'
    wait_screen "24 80"
    tm resize-window -t t -x 100 -y 30
    type 'stty size'
    wait_screen "30 100"
    type 'tty'
    wait_screen "/dev/pts/"
    type 'exit 3'
    wait_screen "PODCTL-RC=3"
    assert_eq exited "$(ctr_field sh1 .state)"
    assert_eq 3 "$(ctr_field sh1 .exit_code)"
}

test_detach_and_reattach_across_a_podd_restart() {
    setup
    term podctl run -it --name sh1 busybox sh
    wait_screen "/ #"
    type 'echo first-$((1 + 1))'
    wait_screen "first-2"
    tm send-keys -t t C-p C-q
    wait_screen "PODCTL-RC=0"
    assert_eq running "$(ctr_field sh1 .state)"
    # A restart of podd: the terminal lives in the container's shim.
    podd_stop
    podd_start
    term podctl attach sh1
    # What the terminal last showed comes back without a key pressed.
    wait_screen "first-2"
    type 'echo second-$((1 + 2))'
    wait_screen "second-3"
    # Other detach keys.
    term podctl attach --detach-keys ctrl-x,x sh1
    wait_screen "second-3"
    tm send-keys -t t C-x x
    wait_screen "PODCTL-RC=0"
    term podctl attach sh1
    wait_screen "second-3"
    type 'exit 5'
    wait_screen "PODCTL-RC=5"
    assert_eq 5 "$(ctr_field sh1 .exit_code)"
}

test_attached_sessions_go_on_across_a_podd_restart() {
    setup
    term podctl run -it --name sh1 busybox sh
    wait_screen "/ #"
    # podd is not in the byte path: run -it and exec -it stay attached,
    # and bring the exit code, while podd restarts under them.
    podd_stop
    podd_start
    type 'echo alive-$((4 + 4))'
    wait_screen "alive-8"
    type 'exit 6'
    wait_screen "PODCTL-RC=6"
    podctl run -d --name web busybox sleep 1000 > /dev/null
    term podctl exec -it web sh
    wait_screen "/ #"
    podd_stop
    podd_start
    type 'echo alive-$((5 + 5))'
    wait_screen "alive-10"
    type 'exit 4'
    wait_screen "PODCTL-RC=4"
}

test_run_dit_then_attach_shows_the_prompt() {
    setup
    assert_exit 0 podctl run -dit --name bg busybox sh
    term podctl attach bg
    wait_screen "/ #"
    # A second client at once, without a terminal: it sees the same output.
    podctl attach --no-stdin bg > "$T/second" 2>&1 &
    local second=$!
    wait_for grep -q "/ #" "$T/second"
    type 'echo $((2 + 3))x'
    wait_screen "5x"
    wait_for grep -q "5x" "$T/second"
    type 'exit'
    wait_screen "PODCTL-RC=0"
    wait "$second"
}

test_exec_it_and_debug_it() {
    setup
    podctl pod create p > /dev/null
    podctl run -d --name web --pod p busybox sleep 1000 > /dev/null
    term podctl exec -it web sh
    wait_screen "/ #"
    type 'cat /proc/1/comm; tty'
    wait_screen "/dev/pts/"
    assert_contains "$(screen)" "sleep"
    type 'exit 7'
    wait_screen "PODCTL-RC=7"
    assert_eq running "$(ctr_field web .state)"
    term podctl debug -it p --target web --name dbg -- sh
    wait_screen "#"
    type 'echo count=$(ps -o comm | grep -c "^sleep$")'
    wait_screen "count=1"
    type 'exit'
    wait_screen "PODCTL-RC=0"
    assert_eq true "$(ctr_field dbg .ephemeral)"
}

run_tests
