/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sysctls a container may set (--sysctl): the shape of a name and a value,
 * which podd and podd-shim both check, and which namespace the kernel
 * keeps a sysctl in, as docker decides which it allows. Pure.
 */
#pragma once

#include <stdbool.h>

#include "err.h"

#define PD_SYSCTL_MAX 256 /* a name or a value, with its NUL */

/* Where the kernel keeps a sysctl a container may set. */
enum pd_sysctl_ns {
	PD_SYSCTL_NS_NONE, /* not namespaced: a container may not set it */
	PD_SYSCTL_NS_NET,  /* net.* */
	PD_SYSCTL_NS_IPC,  /* kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* */
	PD_SYSCTL_NS_UTS,  /* kernel.domainname */
};

/* Check the shape of @name ("net.ipv4.ip_forward", or with '/' as the
 * separator when a part has a dot: "net/ipv4/conf/eth0.100/rp_filter":
 * letters, digits, '_', '-', no empty, "." or ".." part) and of @value
 * (one line, shorter than PD_SYSCTL_MAX). PD_E_INVALID naming it. */
int pd_sysctl_check(const char *name, const char *value, struct pd_err *err);

/* The namespace of the (checked) sysctl @name. */
enum pd_sysctl_ns pd_sysctl_ns_of(const char *name);
