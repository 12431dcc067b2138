/* SPDX-License-Identifier: Apache-2.0 */
/*
 * issue 16: system df, what podd's images, containers and volumes take on
 * disk (GET /v1/system/df, the Engine's /system/df). Images count their
 * records' sizes; a container its writable layer (its upper dir), a volume
 * its data dir, both measured by one podd-archive du task, never in the
 * loop.
 */
#pragma once

#include "err.h"

struct podd;
struct http_pending;

/* Measure, then answer @pending (owned from now on) with the JSON of
 * lib/api.h's GET /v1/system/df. Returns 0, or -1 with @pending still the
 * caller's. */
int sys_df_start(struct podd *d, struct http_pending *pending, struct pd_err *err);

/* At shutdown: answer every walk in flight with an error. */
void sys_df_free_all(struct podd *d);
