/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI commands that touch the system: each takes the validated config
 * and environment from netplug/cni.h and returns a CNI code (CNI_OK, or the
 * spec's code for the failure, with @err filled). Only ADD writes @result
 * (a new reference); the others succeed with no output, as the spec says.
 */
#pragma once

#include <jansson.h>

#include "cni.h"
#include "err.h"

typedef int (*cmd_fn)(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
		      struct pd_err *err);

/* Bridge, veth pair, address, routes and lo; undone on failure but the
 * bridge. */
int cmd_add(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	    struct pd_err *err);

/* Delete the host veth end and release the address; what is missing is
 * skipped, so DEL after DEL succeeds. Needs no namespace. */
int cmd_del(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	    struct pd_err *err);

/* The address of prevResult is allocated to the attachment, and the
 * interface in the namespace is up with it; the host end is on the bridge. */
int cmd_check(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	      struct pd_err *err);

/* Release every allocation, and delete every host veth end of netplug's on
 * the bridge, that belongs to no attachment of cni.dev/valid-attachments. */
int cmd_gc(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	   struct pd_err *err);

/* CNI_E_UNAVAILABLE when ADD could not work: the data dir is unusable or the
 * range is exhausted. */
int cmd_status(const struct cni_conf *conf, const struct cni_env *env, json_t **result,
	       struct pd_err *err);
