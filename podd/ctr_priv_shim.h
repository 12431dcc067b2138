/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The system half of a container's privileges (ctr_privileges.h has the
 * pure half): what a create checks on the host, the shim's keys of a start
 * (lib/shim.h, issue 13) and the devices its cgroup lets it use.
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "cgroup_devices.h"
#include "err.h"

struct podd;
struct ctr_spec;
struct ctr_plan;
struct container;

/* At create, once @s's pod is resolved: each device's host path is a
 * char or block device node, each net.* sysctl exists, and its pod (if
 * any) does not share the host's network (net.*) or IPC (kernel.shm* ...)
 * namespace. PD_E_INVALID naming the device or sysctl. */
int ctr_priv_resolve(struct podd *d, const struct ctr_spec *s, struct pd_err *err);

/* Add the privilege keys of a start of @c to the shim's spec @j:
 * privileged, devices (their nodes as the host has them now), init,
 * shm_size, sysctls, rlimits, oom_score_adj. PD_E_INVALID when a device
 * has gone from the host. */
int ctr_priv_shim(const struct container *c, json_t *j, struct pd_err *err);

/* The devices @c may use, on its cgroup @rel (cgroup.h) just made: the
 * default rules and its --device ones (every device when privileged), on
 * the v1 devices dir and the v2 dir of the layout (cgroup_devices.h).
 * PD_E_INVALID when a device has gone from the host, else PD_E_SYSTEM. */
int ctr_priv_cgroup(struct container *c, const char *rel, struct pd_err *err);
