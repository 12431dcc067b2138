/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's stream endpoints (dk.h).
 */
#include "dk.h"

DK_ROUTES_NONE(dk_stream_routes);
