/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd as a CNI runtime: runs a network's plugin chain (a CNI conflist) the
 * way the CNI spec asks of a runtime, off the loop. ADD runs the plugins in
 * order, each given the result of the one before as prevResult; DEL runs
 * them in reverse with the ADD's result, going on past a failure; CHECK runs
 * them in order with the ADD's result; GC gives each the list of valid
 * attachments. Each plugin is a task (task.h) with its config on stdin and
 * the CNI variables in its environment, found by its "type" in the CNI path
 * (netplug sits beside podd; Debian's reference plugins in /usr/lib/cni).
 */
#pragma once

#include <jansson.h>
#include <sys/queue.h>

#include "err.h"

struct podd;
struct cni_op;

enum cni_cmd { CNI_ADD, CNI_DEL, CNI_CHECK, CNI_GC };

struct cni_req {
	const json_t *conflist; /* borrowed: {"cniVersion","name","plugins":[...]} */
	enum cni_cmd cmd;
	const char *container_id;        /* the pod's id (not for GC) */
	const char *netns;               /* a path; NULL: none (DEL after the namespace is gone) */
	const char *ifname;              /* "eth0" */
	const char *args;                /* CNI_ARGS ("IP=10.77.0.9"), may be NULL */
	const json_t *prev_result;       /* DEL, CHECK: the ADD's result, may be NULL */
	const json_t *valid_attachments; /* GC: [{"containerID","ifname"}] */
};

/* The end of an operation: @result is the ADD's final result (a new
 * reference for the callee, NULL otherwise or on failure); @err is NULL on
 * success. */
typedef void cni_done_fn(void *arg, json_t *result, const struct pd_err *err);

TAILQ_HEAD(cni_op_list, cni_op);

/* Start @req; @done (may be NULL) runs once at its end, never before this
 * returns. Returns the operation, or NULL with @err. */
struct cni_op *cni_run(struct podd *d, const struct cni_req *req, cni_done_fn *done, void *arg,
		       struct pd_err *err);

/* Forget @op's callback (its owner is going away); the plugins run on. */
void cni_cancel(struct cni_op *op);
/* The same, and an ADD's attachment is undone (DEL) when it ends: for a
 * pod removed while it was being attached. */
void cni_abandon(struct cni_op *op);

/* Free every operation at shutdown; callbacks do not run. */
void cni_free_all(struct podd *d);

/* A CNI plugin's error output ({"code","msg","details"}) as one line. */
void cni_error_message(const char *out, char *buf, size_t len);
