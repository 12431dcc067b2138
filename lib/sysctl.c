/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sysctl names and namespaces; see sysctl.h. The namespaced lists are the
 * kernel's (ipc/ipc_sysctl.c, ipc/mq_sysctl.c, kernel/utsname_sysctl.c
 * and the net namespace), as docker's validation reads them.
 */
#include "sysctl.h"

#include <string.h>

#include "name.h"

static bool
is_name(const char *s)
{
	size_t n = strlen(s);
	const char *sep = strchr(s, '/') != NULL ? "/" : ".";

	if (n == 0 || n >= PD_SYSCTL_MAX ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") != n)
		return false;
	return pd_components_ok(s, sep);
}

int
pd_sysctl_check(const char *name, const char *value, struct pd_err *err)
{
	if (!is_name(name))
		return pd_fail(err, PD_E_INVALID, "sysctl \"%.64s\" is not a sysctl name", name);
	if (strlen(value) >= PD_SYSCTL_MAX || strchr(value, '\n') != NULL)
		return pd_fail(err, PD_E_INVALID,
			       "sysctl %s: the value must be one line of less than %d bytes", name,
			       PD_SYSCTL_MAX);
	return 0;
}

enum pd_sysctl_ns
pd_sysctl_ns_of(const char *name)
{
	static const char *const ipc[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	char dotted[PD_SYSCTL_MAX];
	size_t n = strlen(name);

	if (n >= sizeof(dotted))
		return PD_SYSCTL_NS_NONE;
	/* One spelling to compare: the separator as a dot. */
	memcpy(dotted, name, n + 1);
	if (strchr(name, '/') != NULL)
		for (char *c = dotted; *c != '\0'; c++)
			if (*c == '/')
				*c = '.';
	if (strncmp(dotted, "net.", 4) == 0)
		return PD_SYSCTL_NS_NET;
	if (strncmp(dotted, "fs.mqueue.", 10) == 0)
		return PD_SYSCTL_NS_IPC;
	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (strcmp(dotted, ipc[i]) == 0)
			return PD_SYSCTL_NS_IPC;
	if (strcmp(dotted, "kernel.domainname") == 0)
		return PD_SYSCTL_NS_UTS;
	return PD_SYSCTL_NS_NONE;
}
