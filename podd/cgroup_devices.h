/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The devices a container may use, enforced by its cgroup: docker's
 * default list (null, zero, full, random, urandom, tty, console, ptmx, the
 * pts, and mknod of any char or block node) plus its --device ones, the
 * same way on both hierarchies: on v1 the devices controller (devices.deny
 * "a", then one devices.allow line per rule); where the container's leaf
 * has a v2 dir (pure v2, and the unified hierarchy of a hybrid machine,
 * where a device program needs no controller) a BPF_PROG_TYPE_CGROUP_DEVICE
 * program that allows exactly those rules, made here instruction by
 * instruction and loaded with the raw bpf(2) syscall (no libbpf). On a
 * hybrid machine the kernel checks both: a node the workload mknods for a
 * host disk (CAP_MKNOD is in the default set) cannot be opened (EPERM).
 * A privileged container may use every device: "a" on v1, no program.
 *
 * The rules and the program are pure (unit-tested); cgdev_apply_dirs
 * writes them, from ctr_cgroup_prepare before the workload joins.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <linux/bpf.h>

#include "err.h"

/* Access bits, as BPF_DEVCG_ACC_* (linux/bpf.h). */
#define CGDEV_MKNOD 1u
#define CGDEV_READ  2u
#define CGDEV_WRITE 4u
#define CGDEV_ALL   (CGDEV_MKNOD | CGDEV_READ | CGDEV_WRITE)

#define CGDEV_ANY (-1L) /* any major or minor */

/* One allow rule. */
struct cgdev_rule {
	char type;         /* 'c', 'b', or 'a' (both) */
	long major, minor; /* or CGDEV_ANY */
	unsigned access;   /* CGDEV_* bits */
};

#define CGDEV_MAX_RULES 96 /* the defaults and a container's devices */
/* Longest program: 8 instructions a rule, 9 around them. */
#define CGDEV_MAX_INSNS (CGDEV_MAX_RULES * 8 + 9)

/* Docker's default rules into @out (room for CGDEV_MAX_RULES); returns
 * their count. */
size_t cgdev_default_rules(struct cgdev_rule *out);

/* The access bits of docker's "rwm" letters (checked by lib/device.h). */
unsigned cgdev_access_of(const char *perms);

/* @r as a devices.allow line ("c 1:3 rwm", "b *:* m") into @buf. */
void cgdev_v1_line(const struct cgdev_rule *r, char *buf, size_t len);

/* The device program allowing exactly @rules (and nothing else) into
 * @insns (room for CGDEV_MAX_INSNS); returns the number of instructions. */
size_t cgdev_bpf_program(const struct cgdev_rule *rules, size_t n, struct bpf_insn *insns);

/* Restrict a cgroup to the default rules and @extra: on @v1_dir (its v1
 * devices dir, or -1) with devices.deny and devices.allow, and on @v2_dir
 * (its v2 dir, or -1) with a device program; @privileged allows every
 * device instead ("a" on v1, no program). PD_E_SYSTEM naming the write or
 * the bpf(2) call that failed (with the verifier's first line). The
 * caller (ctr_priv_shim.h) opens the dirs with cgroup.h. */
int cgdev_apply_dirs(int v1_dir, int v2_dir, bool privileged, const struct cgdev_rule *extra,
		     size_t n_extra, struct pd_err *err);
