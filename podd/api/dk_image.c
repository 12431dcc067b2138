/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's image endpoints (dk.h).
 */
#include "dk.h"

DK_ROUTES_NONE(dk_image_routes);
