/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's privileges (issue 13): the create body's "devices",
 * "init", "shm_size", "sysctls", "ulimits" and "oom_score_adj" (lib/api.h),
 * and the enforcement of "privileged", which ctr_spec.k8s keeps. Pure:
 * the keys are checked and kept as canonical JSON (struct ctr_spec.priv),
 * which the record stores as given and the API shows. What needs the
 * system (a device's node, a sysctl's existence, the pod's namespaces) is
 * ctr_priv_resolve's, at create; the shim's keys are ctr_priv_shim's
 * (ctr_priv_shim.c).
 *
 * Sysctls follow docker's rules: only those the kernel keeps per
 * namespace, and only when the container has that namespace of its own
 * (or its pod's): net.* needs a network namespace that is not the host's
 * or another container's, kernel.shm*, kernel.msg*, kernel.sem and
 * fs.mqueue.* an IPC namespace likewise, kernel.domainname a UTS one.
 * kernel.hostname is refused: --hostname sets it.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

struct ctr_spec;

/* The keys of a create body (and of a record) this module keeps. */
#define CTR_PRIV_KEYS \
	PD_F_DEVICES, PD_F_INIT, PD_F_SHM_SIZE, PD_F_SYSCTLS, PD_F_ULIMITS, PD_F_OOM_SCORE_ADJ

#define CTR_MAX_DEVICES 64
#define CTR_MAX_SYSCTLS 64
#define CTR_MAX_ULIMITS 16

/* Check the keys CTR_PRIV_KEYS of @obj (a create body or a record) and
 * put their canonical values in a new object *@out (owned by the caller,
 * an empty object when none is given): devices with container_path and
 * permissions filled in, ulimit names lowercase. PD_E_INVALID naming the
 * field at fault. */
int ctr_priv_parse(const json_t *obj, json_t **out, struct pd_err *err);

/* At the end of a create request's parse: @spec->priv from @body, the
 * sysctls checked against @spec's namespace modes, and every capability
 * for a privileged container. */
int ctr_priv_parse_spec(const json_t *body, struct ctr_spec *spec, struct pd_err *err);

/* Whether @spec asks for a privileged container. */
bool ctr_is_privileged(const struct ctr_spec *spec);
