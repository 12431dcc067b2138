/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The resource limit flags (issue 13) of run, pod create and update, as
 * docker spells them: one block of flag table rows and one body builder,
 * so that the commands cannot drift. A command reserves LIMITS_FLAG_N
 * consecutive rows of its table from an index FIRST, fills them with
 * LIMITS_FLAG_ROWS(FIRST), and hands &f->v[FIRST] to limits_flags_body.
 */
#pragma once

#include <jansson.h>

#include "err.h"
#include "flags.h"

enum {
	LIMITS_MEMORY,
	LIMITS_MEMORY_SWAP,
	LIMITS_MEMORY_RESERVATION,
	LIMITS_CPUS,
	LIMITS_CPU_SHARES,
	LIMITS_CPUSET_CPUS,
	LIMITS_PIDS_LIMIT,
	LIMITS_FLAG_N
};

#define LIMITS_FLAG_ROWS(first)                                                                    \
	[(first) +                                                                                 \
	    LIMITS_MEMORY] = {"memory",   NULL,    'm',                                            \
			      FLAG_VALUE, "BYTES", "memory limit (with k, m or g; at least 6m)"},  \
	    [(first) + LIMITS_MEMORY_SWAP] = {"memory-swap",                                       \
					      NULL,                                                \
					      0,                                                   \
					      FLAG_VALUE,                                          \
					      "BYTES",                                             \
					      "memory plus swap limit; -1: unlimited swap"},       \
	    [(first) +                                                                             \
		LIMITS_MEMORY_RESERVATION] = {"memory-reservation", NULL,    0,                    \
					      FLAG_VALUE,           "BYTES", "soft memory limit"}, \
	    [(first) + LIMITS_CPUS] = {"cpus", NULL,                                               \
				       0,      FLAG_VALUE,                                         \
				       "N",    "CPUs it may use, fractions allowed (1.5)"},        \
	    [(first) + LIMITS_CPU_SHARES] = {"cpu-shares",                                         \
					     NULL,                                                 \
					     'c',                                                  \
					     FLAG_VALUE,                                           \
					     "N",                                                  \
					     "relative CPU weight (2 to 262144; default 1024)"},   \
	    [(first) +                                                                             \
		LIMITS_CPUSET_CPUS] = {"cpuset-cpus", NULL,   0,                                   \
				       FLAG_VALUE,    "LIST", "the CPUs it may run on (0-1,3)"},   \
	    [(first) + LIMITS_PIDS_LIMIT] = {                                                      \
		"pids-limit", NULL, 0,                                                             \
		FLAG_VALUE,   "N",  "most processes at once; -1 or 0: unlimited"}

/* Set @body's PD_F_LIMITS from the values @v (the LIMITS_FLAG_N rows of
 * the command's table, in order): only the flags given; nothing when none
 * is. PD_E_INVALID naming the flag ("--memory 1x: ..."); podd checks the
 * ranges too. */
int limits_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err);
