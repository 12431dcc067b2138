/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl run's privilege flags (issue 13): --privileged, --device,
 * --init, --shm-size, --sysctl, --ulimit, --oom-score-adj, as docker's.
 * A command's flag table takes the rows with PRIV_FLAGS(first), where
 * first is the index of the first of PRIV_FLAG_COUNT consecutive rows of
 * its own enum; priv_flags_body turns their values into the create body's
 * keys (lib/api.h). Pure: unit-tested.
 */
#pragma once

#include <jansson.h>

#include "err.h"
#include "flags.h"

enum {
	PRIV_F_PRIVILEGED,
	PRIV_F_DEVICE,
	PRIV_F_INIT,
	PRIV_F_SHM_SIZE,
	PRIV_F_SYSCTL,
	PRIV_F_ULIMIT,
	PRIV_F_OOM_SCORE_ADJ,
	PRIV_FLAG_COUNT,
};

/* The rows, as designated initializers of a flag_spec table. */
#define PRIV_FLAGS(first)                                                                          \
	[(first) +                                                                                 \
	    PRIV_F_PRIVILEGED] = {"privileged",                                                    \
				  NULL,                                                            \
				  0,                                                               \
				  FLAG_BOOL,                                                       \
				  NULL,                                                            \
				  "every capability, all host devices, no seccomp "                \
				  "filter, /sys writable, no masked paths"},                       \
	    [(first) + PRIV_F_DEVICE] = {"device",                                                 \
					 NULL,                                                     \
					 0,                                                        \
					 FLAG_LIST,                                                \
					 "HOST[:CTR[:rwm]]",                                       \
					 "give the host's device node (its path in /dev, and "     \
					 "its cgroup permissions); repeatable"},                   \
	    [(first) + PRIV_F_INIT] = {"init",                                                     \
				       NULL,                                                       \
				       0,                                                          \
				       FLAG_BOOL,                                                  \
				       NULL,                                                       \
				       "run an init as PID 1 that forwards signals and reaps "     \
				       "zombies"},                                                 \
	    [(first) + PRIV_F_SHM_SIZE] = {"shm-size", NULL,                                       \
					   0,          FLAG_VALUE,                                 \
					   "SIZE",     "the size of /dev/shm (default 64m)"},      \
	    [(first) + PRIV_F_SYSCTL] = {"sysctl",  NULL,  0,                                      \
					 FLAG_LIST, "K=V", "set a namespaced sysctl; repeatable"}, \
	    [(first) + PRIV_F_ULIMIT] = {"ulimit",                                                 \
					 NULL,                                                     \
					 0,                                                        \
					 FLAG_LIST,                                                \
					 "NAME=SOFT[:HARD]",                                       \
					 "set a resource limit (nofile, nproc, core, ...; -1: "    \
					 "unlimited); repeatable"},                                \
	    [(first) + PRIV_F_OOM_SCORE_ADJ] = {                                                   \
		"oom-score-adj", NULL, 0,                                                          \
		FLAG_VALUE,      "N",  "the workload's oom_score_adj (-1000 to 1000)"}

/* Set the keys of the flags given among @v[0 .. PRIV_FLAG_COUNT) in the
 * create body @body. PD_E_INVALID naming the flag. */
int priv_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err);
