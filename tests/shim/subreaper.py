#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run a command as a child subreaper, so that a detached podd-shim is
reparented to it rather than to PID 1.

    tests/shim/subreaper.py CMD [ARGS...]

Needed where PID 1 does not keep orphans alive: on the test VM, PID 1 is the
VM's own init, which SIGKILLs processes reparented to it. The subreaper
attribute survives execve; bash, exec'd here, reaps the orphans it gets.
"""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36

if len(sys.argv) < 2:
    sys.exit("usage: subreaper.py CMD [ARGS...]")
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("prctl: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
