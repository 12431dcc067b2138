#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Drive podd-shim without podd, as podd does (lib/shim.h), and print what
came back as one JSON object.

    tests/shim/drive.py --shim BUILD/podd-shim --rootfs DIR [options] -- ARGS...

It makes a fresh container directory (upper, work, mount point, etc files,
log, exit file) under --dir (or a new temp dir), writes the spec, spawns the
shim in a new session with one end of a SOCK_SEQPACKET pair at fd 3 (and a
pidfd at fd 4 with --pid-of), reads the one sync message and its fds, and
waits for the exit file. Printed: {"dir", "spec", "sync": {"type", "kind",
"errnum", "msg", "pids", "n_fds"}, "exit": {...} or null, "log": [lines],
"elapsed_ms": {"started", "exited"}}.

Run it as root inside tools/sandbox.sh: it mounts and makes namespaces.
"""
import argparse
import json
import os
import secrets
import select
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# struct pd_sync_msg (lib/sync.h): uint32 type; struct pd_err {int kind;
# int errnum; char msg[256]}; int32 pids[2]. 276 bytes, no padding.
MSG = struct.Struct("=Iii256sii")
assert MSG.size == 276
TYPES = {1: "error", 2: "ready", 3: "started", 4: "ack"}
KINDS = {1: "invalid", 2: "not_found", 3: "conflict", 4: "forbidden", 5: "too_large",
         6: "unavailable", 7: "system", 8: "no_command", 9: "not_executable"}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--shim", required=True)
    p.add_argument("--rootfs", required=True)
    p.add_argument("--dir", help="container dir (made if missing); default: a new temp dir")
    p.add_argument("--read-only", action="store_true")
    p.add_argument("--hostname")
    p.add_argument("--cwd")
    p.add_argument("--env", action="append", default=None, help="K=V (repeatable)")
    p.add_argument("--cap", action="append", default=[], help="CAP_... (repeatable)")
    for ns in ("net", "ipc", "uts", "pid"):
        p.add_argument("--" + ns, default="new", help="new, host, a path (pid: or fd:4)")
    p.add_argument("--hold", action="store_true", help="hold new net/ipc/uts in DIR/ns/")
    p.add_argument("--pid-of", type=int, help="pass a pidfd of this pid at fd 4")
    p.add_argument("--no-wait", action="store_true", help="do not wait for the exit file")
    p.add_argument("--no-ack", action="store_true",
                   help="close the sync socket without acknowledging STARTED (podd died)")
    p.add_argument("--signal", type=int, help="send this signal to the workload once started")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--spec-set", action="append", default=[],
                   help='KEY=JSON: override a spec key (KEY=null removes it)')
    p.add_argument("args", nargs="+")
    return p.parse_args()


def make_dir(a):
    d = a.dir or tempfile.mkdtemp(prefix="podd-shim-")
    for sub in ("upper", "work", "merged", "etc", "ns"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    host = a.hostname or "shimtest"
    files = {"hostname": host + "\n",
             "hosts": "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n" % host,
             "resolv.conf": "nameserver 127.0.0.53\n"}
    for name, text in files.items():
        with open(os.path.join(d, "etc", name), "w", encoding="ascii") as f:
            f.write(text)
    return d


def make_spec(a, d):
    spec = {
        "id": secrets.token_hex(32),
        "name": "shimtest",
        "rootfs": os.path.abspath(a.rootfs),
        "mount_point": os.path.join(d, "merged"),
        "etc_dir": os.path.join(d, "etc"),
        "log": os.path.join(d, "ctr.log"),
        "exit_file": os.path.join(d, "exit.json"),
        "args": a.args,
        "caps": a.cap,
        "namespaces": {"net": a.net, "ipc": a.ipc, "uts": a.uts, "pid": a.pid},
    }
    if a.read_only:
        spec["read_only"] = True
    else:
        spec["upper"] = os.path.join(d, "upper")
        spec["work"] = os.path.join(d, "work")
    if a.env is not None:
        spec["env"] = a.env
    if a.cwd:
        spec["cwd"] = a.cwd
    if a.hostname:
        spec["hostname"] = a.hostname
    if a.hold:
        spec["hold"] = {ns: os.path.join(d, "ns", ns) for ns in ("net", "ipc", "uts")
                        if spec["namespaces"][ns] == "new"}
    for kv in a.spec_set:
        key, _, val = kv.partition("=")
        v = json.loads(val)
        if v is None:
            spec.pop(key, None)
        else:
            spec[key] = v
    return spec


def spawn(a, spec_path):
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    extra = [child.fileno()]
    pidfd = None
    if a.pid_of is not None:
        pidfd = os.pidfd_open(a.pid_of)
        extra.append(pidfd)
    # Move the fds above 3 and 4 so that the dup2s below cannot clobber them.
    high = [os.dup(fd) for fd in extra]
    high = [fcntl_dupfd(fd, 100 + i) for i, fd in enumerate(high)]

    def place():
        for i, fd in enumerate(high):
            os.dup2(fd, 3 + i)

    t0 = time.monotonic()
    # SHIM_WRAP="strace -f -o FILE" runs the shim under a tool.
    cmd = shlex.split(os.environ.get("SHIM_WRAP", "")) + [a.shim, "--sync-fd", "3", spec_path]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, start_new_session=True,
                            pass_fds=tuple(range(3, 3 + len(high))), preexec_fn=place)
    child.close()
    for fd in high:
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    return parent, proc, t0


def fcntl_dupfd(fd, low):
    import fcntl
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, low)
    os.close(fd)
    return new


def main():
    a = parse_args()
    d = make_dir(a)
    spec = make_spec(a, d)
    spec_path = os.path.join(d, "spec.json")
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    sock, proc, t0 = spawn(a, spec_path)
    first_rc = proc.wait()
    msg, fds, _, _ = socket.recv_fds(sock, MSG.size + 16, 4)
    t_started = time.monotonic()
    # podd's acknowledgement (lib/sync.h): the record names the workload.
    if msg and MSG.unpack(msg[:MSG.size])[0] == 3 and not a.no_ack:
        sock.send(MSG.pack(4, 0, 0, b"", 0, 0))
    sock.close()
    out = {"dir": d, "spec": spec, "first_exit": first_rc, "exit": None, "log": [],
           "elapsed_ms": {"started": round((t_started - t0) * 1000, 3)}}
    if not msg:
        out["sync"] = {"type": "eof"}
    else:
        typ, kind, errnum, text, p0, p1 = MSG.unpack(msg[:MSG.size])
        out["sync"] = {"type": TYPES.get(typ, typ), "kind": KINDS.get(kind, kind),
                       "errnum": errnum, "msg": text.split(b"\0")[0].decode(),
                       "pids": [p0, p1], "n_fds": len(fds)}
    workload_pidfd = fds[1] if len(fds) == 2 else None
    if workload_pidfd is not None and a.signal is not None:
        signal.pidfd_send_signal(workload_pidfd, a.signal)
    if out["sync"]["type"] == "started" and not a.no_wait:
        exit_path = spec["exit_file"]
        deadline = time.monotonic() + a.timeout
        if workload_pidfd is not None:
            select.select([workload_pidfd], [], [], a.timeout)
        while not os.path.exists(exit_path) and time.monotonic() < deadline:
            time.sleep(0.0005)
        out["elapsed_ms"]["exited"] = round((time.monotonic() - t0) * 1000, 3)
        if os.path.exists(exit_path):
            with open(exit_path, encoding="utf-8") as f:
                out["exit"] = json.load(f)
    for fd in fds:
        os.close(fd)
    if os.path.exists(spec["log"]):
        with open(spec["log"], encoding="utf-8", errors="replace") as f:
            out["log"] = f.read().splitlines()
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
