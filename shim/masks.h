/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What of /proc and /sys a container may not use: the kernel's global
 * knobs are made read-only and what leaks the host's state is masked, with
 * docker's default lists. A new /proc of a PID namespace still shows the
 * host's sysctls, core_pattern, sysrq-trigger and kcore; a process with
 * the default capabilities could otherwise write what root on the host
 * writes there (a sysctl, the hostname of a `--uts host` container, a
 * core_pattern that the host runs as root).
 */
#pragma once

#include "err.h"

/* In the container's root after pivot_root, its /proc, /sys and /dev
 * mounted: paths are looked up in that root only, and /dev/null is the
 * container's. Runs in the child (system calls only). A path the kernel
 * does not have is skipped. */
int shim_masks_apply(struct pd_err *err);
