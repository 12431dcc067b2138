/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's container endpoints (dk.h).
 */
#include "dk.h"

DK_ROUTES_NONE(dk_container_routes);
