/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's seccomp filter. A profile (the built-in default of
 * seccomp_default.c, or a user's in docker's format, lib/seccomp_profile.h)
 * is compiled with libseccomp in the shim, before the clone, into a BPF
 * program held in memory; the child only loads it with seccomp(2), which
 * allocates nothing. It loads it while it still holds its capabilities
 * (CAP_SYS_ADMIN lets an unprivileged filter in without no_new_privs), so
 * that setuid programs in images keep working unless no-new-privileges is
 * asked for (docker's default).
 */
#pragma once

#include <stdint.h>

#include <linux/filter.h>

#include "err.h"
#include "seccomp_profile.h"

/* A compiled filter: owned by the shim, read by the child. */
struct shim_filter {
	struct sock_filter *insns; /* owned; NULL: no filter */
	unsigned short len;
	unsigned flags; /* seccomp(2)'s SECCOMP_FILTER_FLAG_* */
};

/* The built-in profile (docker's default, as our own table). */
const struct pd_sc_profile *shim_seccomp_default(void);

/* Compile @p for a workload whose capability set is @caps (bit N =
 * capability N: includes and excludes of caps are decided with it) on this
 * machine's architecture and kernel. Syscall names libseccomp does not know
 * are skipped, as docker does. */
int shim_seccomp_compile(const struct pd_sc_profile *p, uint64_t caps, struct shim_filter *out,
			 struct pd_err *err);
void shim_seccomp_clear(struct shim_filter *f);

/* shim_seccomp_compile through the cache dir @cache_dir (NULL: none): a
 * program compiled before from the same inputs is read back; a new one is
 * saved there (a failure to save is only logged). */
int shim_seccomp_prepare(const struct pd_sc_profile *p, uint64_t caps, const char *cache_dir,
			 struct shim_filter *out, struct pd_err *err);

/* In the child: load @f (nothing when it holds no program). System calls
 * only. */
int shim_seccomp_load(const struct shim_filter *f, struct pd_err *err);
