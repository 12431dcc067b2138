/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The privilege keys of the shim's spec (lib/shim.h, issue 13: privileged,
 * devices, init, shm_size, sysctls, rlimits, oom_score_adj), parsed into
 * struct shim_priv with every check done. Pure: no system calls, so it is
 * unit-tested and fuzzed with the rest of spec.c, which calls it. What
 * touches the kernel is privileges.h. Device nodes go in /dev only: the
 * rest of the container's root is mounted nodev.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "device.h"
#include "err.h"
#include "shim.h"
#include "sysctl.h"

#define SHIM_MAX_DEVICES  4096 /* given ones plus the host's of a privileged container */
#define SHIM_DEV_PATH_MAX PD_DEV_PATH_MAX
#define SHIM_MAX_SYSCTLS  64
#define SHIM_SYSCTL_MAX   PD_SYSCTL_MAX
#define SHIM_MAX_RLIMITS  16
#define SHIM_SHM_DEFAULT  (64ULL << 20)

/* The keys spec.c accepts for them. */
#define SHIM_PRIV_KEYS                                                                        \
	PD_SHIM_PRIVILEGED, PD_SHIM_DEVICES, PD_SHIM_INIT, PD_SHIM_SHM_SIZE, PD_SHIM_SYSCTLS, \
	    PD_SHIM_RLIMITS, PD_SHIM_OOM_SCORE_ADJ

struct shim_device {
	char path[SHIM_DEV_PATH_MAX]; /* "/dev/...", no "." or ".." component */
	char type;                    /* 'c' or 'b' */
	unsigned major, minor;
	unsigned mode; /* permission bits */
	unsigned uid, gid;
};

struct shim_sysctl {
	const char *name;  /* borrowed: "net.ipv4.ip_forward" or "net/ipv4/..." */
	const char *value; /* borrowed */
};

struct shim_rlimit {
	int resource;            /* RLIMIT_* */
	unsigned long long soft; /* RLIM_INFINITY for unlimited */
	unsigned long long hard;
};

struct shim_priv {
	bool privileged;
	struct shim_device *devices; /* owned array of n_devices, may be NULL; a
				      * privileged container's host devices are
				      * added by shim_priv_prepare */
	size_t n_devices;
	const char *init;            /* borrowed: podd-pause on the host, or NULL */
	const char **init_argv;      /* owned array of borrowed strings: shim_priv_prepare */
	unsigned long long shm_size; /* SHIM_SHM_DEFAULT when absent */
	struct shim_sysctl *sysctls; /* owned array of n_sysctls */
	size_t n_sysctls;
	struct shim_rlimit rlimits[SHIM_MAX_RLIMITS];
	size_t n_rlimits;
	bool has_oom_score_adj;
	int oom_score_adj;
};

/* Parse the privilege keys of the spec object @j into @p (cleared first;
 * release with shim_priv_clear even on failure). An exec session may have
 * none of them: @is_exec refuses them. PD_E_INVALID naming the key, or
 * PD_E_TOO_LARGE. */
int shim_priv_parse(const json_t *j, bool is_exec, struct shim_priv *p, struct pd_err *err);

/* Release what @p owns. */
void shim_priv_clear(struct shim_priv *p);
