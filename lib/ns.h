/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces: the table of kinds, their ids ("net:[4026531840]"), binding a
 * namespace to a file so it outlives its processes, and bringing loopback up.
 *
 * Loopback is brought up with the SIOCSIFFLAGS ioctl, not netlink: it is the
 * one link operation outside netplug, and the ioctl keeps libnl out of lib/.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum pd_ns_type {
	PD_NS_NET,
	PD_NS_IPC,
	PD_NS_UTS,
	PD_NS_PID,
	PD_NS_MNT,
	PD_NS_USER, /* a userns pod's (issue 13) */
	PD_NS_COUNT
};

struct pd_ns_desc {
	const char *name; /* as in /proc/PID/ns: "net", "ipc", ... */
	int clone_flag;   /* CLONE_NEWNET, ... */
};

/* The row for @type. */
const struct pd_ns_desc *pd_ns_desc(enum pd_ns_type type);

/* Size of a namespace id such as "net:[4026531840]" plus NUL. */
#define PD_NS_ID_MAX 32

/* The id of @pid's namespace of @type, as the /proc/PID/ns link reads. Only
 * for processes that cannot have been reaped (our unreaped children, or
 * pinned by a pidfd and checked after). PD_E_NOT_FOUND when it is gone. */
int pd_ns_id(pid_t pid, enum pd_ns_type type, char *buf, size_t len, struct pd_err *err);

/* The id of the namespace file open at @fd (stat of nsfs: the inode). */
int pd_ns_id_fd(int fd, enum pd_ns_type type, char *buf, size_t len, struct pd_err *err);

/* Bind-mount @pid's namespace of @type on @target, creating @target as an
 * empty file first. On failure nothing is left at @target. */
int pd_ns_bind(pid_t pid, enum pd_ns_type type, const char *target, struct pd_err *err);

/* Unmount and remove @target. A missing or unmounted @target is not an error. */
int pd_ns_unbind(const char *target, struct pd_err *err);

/* Open the namespace file @path (a bind mount from pd_ns_bind) O_CLOEXEC and
 * check that it is a namespace of @type. Returns the fd or -1. */
int pd_ns_open_file(const char *path, enum pd_ns_type type, struct pd_err *err);

/* Bring up "lo" in the calling thread's network namespace. */
int pd_ns_loopback_up(struct pd_err *err);
