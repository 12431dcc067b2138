#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# podd under many clients, measured, never asserted: its RSS and open
# descriptors before, during (the peak, sampled every 20 ms) and after
# 200 concurrent clients (200 `podctl ps -a` at once, then 200 keep-alive
# connections making 20 requests each), and with one follower of a large
# log that reads nothing until the log is written, then reads it all.
# Runs in a throwaway network and mount namespace with its own podd.
#
#   tests/bench/clients.sh BUILD_DIR
set -uo pipefail

build=$(cd "${1:?usage: clients.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

if [ "${PODD_SANDBOX:-}" != 1 ]; then
    exec "$here/../../tools/sandbox.sh" "$0" "$@"
fi
. "$here/lib.sh"

export PATH=$build:$PATH
T=$(mktemp -d /tmp/podd-clients.XXXXXX)
export PODD_SOCKET=$T/run/podd.sock
podd_pid=
sampler=
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2> /dev/null
    local p
    for p in $(podctl ps -a -q 2> /dev/null); do podctl rm -f "$p" > /dev/null 2>&1 || true; done
    [ -n "$podd_pid" ] && kill -TERM "$podd_pid" 2> /dev/null && wait "$podd_pid" 2> /dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# sample: RSS and fds of podd every 20 ms, one "rss fds" line each, until killed.
sample() {
    while :; do
        echo "$(rss_kib "$podd_pid") $(fd_count "$podd_pid")"
        sleep 0.02
    done
}

# peak FILE: the largest RSS and fd count sampled.
peak() {
    awk '$1 > r {r = $1} $2 > f {f = $2} END {print r + 0, f + 0}' "$1"
}

measure_start() {
    sample > "$T/samples" &
    sampler=$!
}

measure_stop() {
    kill "$sampler" 2> /dev/null
    wait "$sampler" 2> /dev/null || true
    sampler=
}

# keepalive N REQS: N connections at once, each making REQS requests.
keepalive() {
    python3 - "$PODD_SOCKET" "$1" "$2" <<'PY'
import socket, sys, threading

path, n, reqs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
start = threading.Barrier(n)

def client():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    f = s.makefile("rb")
    start.wait()
    for _ in range(reqs):
        s.sendall(b"GET /v1/containers?all=true HTTP/1.1\r\nHost: podd\r\n\r\n")
        length = 0
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        f.read(length)
    s.close()

threads = [threading.Thread(target=client) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
PY
}

podd --root "$T/root" --run-dir "$T/run" --foreground 2> "$T/podd.log" &
podd_pid=$!
for _ in $(seq 200); do podctl version > /dev/null 2>&1 && break; sleep 0.02; done
podctl image import busybox "$build/../images/busybox" > /dev/null
for i in $(seq 5); do podctl run -d --name "c$i" busybox sleep 1000 > /dev/null; done

echo "podd under clients: RSS KiB and open fds, before / peak during / after"
echo
read -r rss fds < <(echo "$(rss_kib "$podd_pid") $(fd_count "$podd_pid")")
row "before (RSS KiB, fds)" "$rss, $fds"

measure_start
pids=()
for _ in $(seq 200); do
    podctl ps -a > /dev/null &
    pids+=($!)
done
wait "${pids[@]}"

measure_stop
read -r prss pfds < <(peak "$T/samples")
row "200 parallel podctl ps -a: peak (RSS KiB, fds)" "$prss, $pfds"

measure_start
t0=$EPOCHREALTIME
keepalive 200 20
t1=$EPOCHREALTIME
measure_stop
read -r prss pfds < <(peak "$T/samples")
row "200 keep-alive clients x 20 requests: peak" "$prss, $pfds"
row "  their 4000 requests (ms)" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
read -r rss fds < <(echo "$(rss_kib "$podd_pid") $(fd_count "$podd_pid")")
row "after the clients (RSS KiB, fds)" "$rss, $fds"

# A stalled follower of a large log: ~1.4M lines (~170 MB of log).
podctl run -d --name big busybox sh -c \
    'sleep 1; yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -n 1400000' > /dev/null
python3 - "$PODD_SOCKET" "$T/go" > "$T/follower" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"GET /v1/containers/big/logs?follow=true HTTP/1.1\r\nHost: podd\r\n\r\n")
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
n = 0
while True:
    b = s.recv(1 << 16)
    if not b:
        break
    n += len(b)
print(n)
PY
follower=$!
measure_start
until [ "$(podctl inspect big | python3 -c 'import json, sys; j = json.load(sys.stdin); print((j[0] if isinstance(j, list) else j)["state"])')" = exited ]; do
    sleep 0.1
done
measure_stop
read -r prss pfds < <(peak "$T/samples")
row "stalled follower of a $(($(stat -c %s "$T/root/containers/"*/container.log 2> /dev/null | sort -n | tail -1) / 1048576)) MiB log: peak" "$prss, $pfds"
measure_start
touch "$T/go"
wait "$follower"
measure_stop
read -r prss pfds < <(peak "$T/samples")
row "  while it reads the log ($(($(cat "$T/follower") / 1048576)) MiB): peak" "$prss, $pfds"
read -r rss fds < <(echo "$(rss_kib "$podd_pid") $(fd_count "$podd_pid")")
row "after (RSS KiB, fds)" "$rss, $fds"
