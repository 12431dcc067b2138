/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability names; see caps.h. The numbers are the kernel's
 * (linux/capability.h).
 */
#include "caps.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char *const names[PD_CAP_LAST + 1] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

#define BIT(n) (UINT64_C(1) << (n))

uint64_t
pd_caps_default(void)
{
	/* CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6,
	 * SETUID 7, SETPCAP 8, NET_BIND_SERVICE 10, NET_RAW 13, SYS_CHROOT 18,
	 * MKNOD 27, AUDIT_WRITE 29, SETFCAP 31. */
	return BIT(0) | BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(10) |
	       BIT(13) | BIT(18) | BIT(27) | BIT(29) | BIT(31);
}

const char *
pd_cap_name(int n)
{
	return n >= 0 && n <= PD_CAP_LAST ? names[n] : NULL;
}

int
pd_cap_from_name(const char *name, int *n, struct pd_err *err)
{
	const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;

	for (int i = 0; i <= PD_CAP_LAST; i++) {
		if (strcasecmp(bare, names[i] + 4) == 0) {
			*n = i;
			return 0;
		}
	}
	return pd_fail(err, PD_E_INVALID, "unknown capability \"%.64s\"", name);
}

static bool
has_all(const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcasecmp(*list, "ALL") == 0)
			return true;
	return false;
}

/* Turn @list (ALL skipped) into a mask. */
static int
to_mask(const char *const *list, uint64_t *mask, struct pd_err *err)
{
	*mask = 0;
	for (; list != NULL && *list != NULL; list++) {
		int n;

		if (strcasecmp(*list, "ALL") == 0)
			continue;
		if (pd_cap_from_name(*list, &n, err) < 0)
			return -1;
		*mask |= BIT(n);
	}
	return 0;
}

int
pd_caps_compute(const char *const *add, const char *const *drop, uint64_t *set, struct pd_err *err)
{
	uint64_t a, d;

	if (to_mask(add, &a, err) < 0 || to_mask(drop, &d, err) < 0)
		return -1;
	if (has_all(add))
		*set = PD_CAP_ALL & ~d; /* everything but what is dropped */
	else if (has_all(drop))
		*set = a; /* nothing but what is added */
	else
		*set = (pd_caps_default() & ~d) | a; /* an add wins over a drop */
	return 0;
}
