/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability names and sets, as podd computes a container's set from
 * Docker's default plus --cap-add minus --cap-drop. Pure: the shim applies
 * the result with libcap. A set is a bit mask of capability numbers.
 */
#pragma once

#include <stdint.h>

#include "err.h"

/* Capabilities known to this build: 0 .. PD_CAP_LAST. */
#define PD_CAP_LAST 40
#define PD_CAP_ALL  ((UINT64_C(1) << (PD_CAP_LAST + 1)) - 1)

/* Docker's default set: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW,
 * SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL,
 * AUDIT_WRITE. */
uint64_t pd_caps_default(void);

/* The canonical name of capability @n ("CAP_CHOWN"), or NULL. */
const char *pd_cap_name(int n);

/* The number of the capability @name: "NET_ADMIN", "CAP_NET_ADMIN" or
 * "cap_net_admin". PD_E_INVALID naming it when unknown. */
int pd_cap_from_name(const char *name, int *n, struct pd_err *err);

/* Docker's rule: with "ALL" in @add, every capability but those in @drop;
 * else with "ALL" in @drop, only those in @add; else the default set minus
 * @drop plus @add. @add and @drop are NULL-terminated lists of names (or
 * NULL). An unknown name is PD_E_INVALID. */
int pd_caps_compute(const char *const *add, const char *const *drop, uint64_t *set,
		    struct pd_err *err);
