/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A seccomp profile in docker's JSON format, parsed into a struct that says
 * what to filter; the built-in default profile (shim/seccomp_default.c) is
 * written in the same struct, so one compiler (shim/seccomp_filter.c, libseccomp)
 * turns either into a BPF program. Pure: jansson and lib/ only, so podd
 * checks a user's profile at create and podd-shim reads it again at start.
 *
 * The format, as docker reads it:
 *   defaultAction (required), defaultErrnoRet, flags,
 *   architectures (SCMP_ARCH_* names) or archMap [{architecture,
 *     subArchitectures}] (only the native architecture's entry is used),
 *   syscalls: [{names (or name), action, errnoRet, args: [{index, value,
 *     valueTwo, op}], includes and excludes: {caps, arches, minKernel},
 *     comment}].
 * Actions: SCMP_ACT_ALLOW, _ERRNO, _KILL (the thread), _KILL_THREAD,
 * _KILL_PROCESS, _TRAP, _TRACE, _LOG; SCMP_ACT_NOTIFY and listenerPath are
 * refused (they need an agent podd does not run). Ops: SCMP_CMP_NE, _LT,
 * _LE, _EQ, _GE, _GT, _MASKED_EQ (value the mask, valueTwo the datum).
 * A rule applies when the workload holds every cap of includes.caps and
 * none of excludes.caps, the native architecture (docker's names: amd64,
 * arm64, x86, ...) is in includes.arches and not in excludes.arches, and
 * the kernel is at least includes.minKernel and below excludes.minKernel.
 * Syscall names are checked for shape only: a name this machine's
 * libseccomp does not know is skipped when compiling, as docker does.
 * Unlike docker, unknown keys are refused (a misspelt key would otherwise
 * drop a rule silently), and values of args must fit a signed 64-bit JSON
 * integer (jansson's).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

/* Largest profile podd takes, as JSON text. */
#define PD_SC_PROFILE_MAX (256 * 1024)
#define PD_SC_MAX_RULES   1024
#define PD_SC_MAX_NAMES   2048 /* names of one rule */
#define PD_SC_MAX_ARGS    16   /* conditions of one rule */
#define PD_SC_NAME_MAX    64   /* a syscall's or an architecture's name */

enum pd_sc_action {
	PD_SC_ALLOW,
	PD_SC_ERRNO,
	PD_SC_KILL_THREAD,
	PD_SC_KILL_PROCESS,
	PD_SC_TRAP,
	PD_SC_TRACE,
	PD_SC_LOG,
};

enum pd_sc_op { PD_SC_NE, PD_SC_LT, PD_SC_LE, PD_SC_EQ, PD_SC_GE, PD_SC_GT, PD_SC_MASKED_EQ };

/* libseccomp's architectures, by their SCMP_ARCH_ names. */
enum pd_sc_arch {
	PD_SC_ARCH_X86,
	PD_SC_ARCH_X86_64,
	PD_SC_ARCH_X32,
	PD_SC_ARCH_ARM,
	PD_SC_ARCH_AARCH64,
	PD_SC_ARCH_MIPS,
	PD_SC_ARCH_MIPS64,
	PD_SC_ARCH_MIPS64N32,
	PD_SC_ARCH_MIPSEL,
	PD_SC_ARCH_MIPSEL64,
	PD_SC_ARCH_MIPSEL64N32,
	PD_SC_ARCH_PPC,
	PD_SC_ARCH_PPC64,
	PD_SC_ARCH_PPC64LE,
	PD_SC_ARCH_S390,
	PD_SC_ARCH_S390X,
	PD_SC_ARCH_PARISC,
	PD_SC_ARCH_PARISC64,
	PD_SC_ARCH_RISCV64,
	PD_SC_ARCH_LOONGARCH64,
	PD_SC_ARCH_COUNT,
};

/* seccomp(2)'s filter flags a profile may ask for. */
#define PD_SC_FLAG_TSYNC      (1U << 0)
#define PD_SC_FLAG_LOG        (1U << 1)
#define PD_SC_FLAG_SPEC_ALLOW (1U << 2)

struct pd_sc_arg {
	unsigned index; /* 0..5 */
	enum pd_sc_op op;
	uint64_t value, value_two;
};

/* includes or excludes of a rule. */
struct pd_sc_when {
	uint64_t caps;                       /* bit N: capability N (lib/caps.h) */
	const char *const *arches;           /* docker's names, NULL-terminated; NULL: none */
	unsigned kernel_major, kernel_minor; /* minKernel; 0.0: none */
};

struct pd_sc_rule {
	const char *const *names; /* NULL-terminated */
	enum pd_sc_action action;
	int errno_ret; /* errnoRet, -1: not given (EPERM) */
	const struct pd_sc_arg *args;
	size_t n_args;
	struct pd_sc_when includes, excludes;
};

struct pd_sc_archmap {
	enum pd_sc_arch arch;
	uint32_t subs; /* bit per enum pd_sc_arch */
};

/* A parsed profile borrows its strings from the JSON it came from, which
 * must outlive it; the arrays are owned (pd_sc_profile_clear). The
 * built-in profile is static data of the same shape and is never cleared. */
struct pd_sc_profile {
	enum pd_sc_action default_action;
	int default_errno; /* defaultErrnoRet, -1: not given (EPERM) */
	unsigned flags;    /* PD_SC_FLAG_* */
	uint32_t arches;   /* "architectures": bit per enum pd_sc_arch */
	const struct pd_sc_archmap *arch_map;
	size_t n_arch_map;
	const struct pd_sc_rule *rules;
	size_t n_rules;
};

/* Parse the profile object @j into @p (cleared first; release with
 * pd_sc_profile_clear even on failure). PD_E_INVALID names the place at
 * fault ("syscalls[3].args[0]: unknown op \"SCMP_CMP_XX\""), PD_E_TOO_LARGE
 * a count over its limit. */
int pd_sc_profile_parse(const json_t *j, struct pd_sc_profile *p, struct pd_err *err);
void pd_sc_profile_clear(struct pd_sc_profile *p);

/* The SCMP_ARCH_ name of @a, and the reverse (-1 when unknown). */
const char *pd_sc_arch_name(enum pd_sc_arch a);
int pd_sc_arch_from_name(const char *name);

/* Whether @r applies to a workload holding @caps on architecture @arch
 * (docker's name: "amd64") under kernel @major.@minor. */
bool pd_sc_rule_applies(const struct pd_sc_rule *r, uint64_t caps, const char *arch, unsigned major,
			unsigned minor);
