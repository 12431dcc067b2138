/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limits by docker's names (--ulimit nofile=1024:2048): the one
 * table podd checks a request against and podd-shim applies with
 * setrlimit(2). Pure.
 */
#pragma once

#include "err.h"

/* A value of "soft" or "hard": -1 is unlimited (RLIM_INFINITY). */
#define PD_RLIMIT_UNLIMITED (-1LL)

/* The RLIMIT_* number of docker's @name ("nofile", "nproc", "core", ...,
 * lowercase, without "RLIMIT_"). PD_E_INVALID naming it when unknown. */
int pd_rlimit_from_name(const char *name, int *resource, struct pd_err *err);

/* Check a soft and hard pair: each -1 or 0..2^62, soft at most hard
 * (unlimited is above any number). PD_E_INVALID naming @name. */
int pd_rlimit_check(const char *name, long long soft, long long hard, struct pd_err *err);
