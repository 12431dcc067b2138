#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What the examples share: a podd of their own on temporary dirs, stopped and
# removed on exit, and `show`, which prints a command before running it.
set -euo pipefail

EXAMPLE_DIR=$(mktemp -d /tmp/podd-example.XXXXXX)
export PODD_SOCKET=$EXAMPLE_DIR/run/podd.sock

show() {
    echo "\$ $*"
    "$@"
}

example_cleanup() {
    local p
    for p in $(podctl ps -a -q 2> /dev/null); do
        podctl rm -f "$p" > /dev/null 2>&1 || true
    done
    for p in $(podctl pod ls -q 2> /dev/null); do
        podctl pod rm -f "$p" > /dev/null 2>&1 || true
    done
    for p in $(podctl image ls -q 2> /dev/null); do
        podctl image rm "$p" > /dev/null 2>&1 || true
    done
    # A pod's CNI DEL runs in the background once `pod rm` has answered:
    # let it release the addresses (files under the run dir) before podd
    # and the dir go.
    for _ in $(seq 500); do
        [ -z "$(find "$EXAMPLE_DIR/run/cni" -type f ! -name lock ! -name 'last_reserved_ip*' 2> /dev/null)" ] && break
        sleep 0.02
    done
    if [ -n "${EXAMPLE_PODD_PID:-}" ]; then
        kill -TERM "$EXAMPLE_PODD_PID" 2> /dev/null || true
        wait "$EXAMPLE_PODD_PID" 2> /dev/null || true
    fi
    rm -rf "$EXAMPLE_DIR"
}
trap example_cleanup EXIT

podd --root "$EXAMPLE_DIR/root" --run-dir "$EXAMPLE_DIR/run" --foreground \
    2> "$EXAMPLE_DIR/podd.log" &
EXAMPLE_PODD_PID=$!
for _ in $(seq 200); do
    podctl version > /dev/null 2>&1 && break
    sleep 0.02
done
