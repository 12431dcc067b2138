#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A real terminal for the interactive tests (sourced after lib.sh): a tmux
# server of the test's own, one 80x24 pane.

# term_open COMMAND_LINE: run it in a new terminal; when it ends the pane
# shows "RC=N" and stays.
term_open() {
    TMUX_SOCK=$T/tmux.sock
    tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x 80 -y 24 "$1; echo RC=\$?; sleep 600"
    TMUX_PID=$(tmux -S "$TMUX_SOCK" display-message -p '#{pid}')
}

term_close() {
    tmux -S "$TMUX_SOCK" kill-server 2> /dev/null || true
    wait_for is_gone "$TMUX_PID"
    TMUX_PID=
}

on_screen() {
    tmux -S "$TMUX_SOCK" capture-pane -p -t t | grep -qF -- "$1"
}

# type_line TEXT: TEXT and Enter.
type_line() {
    tmux -S "$TMUX_SOCK" send-keys -t t -l -- "$1"
    tmux -S "$TMUX_SOCK" send-keys -t t Enter
}
