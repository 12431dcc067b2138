/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podctl's image commands share (cmd_image.c, cmd_image_io.c).
 */
#pragma once

#include <stddef.h>

#include "cmd.h"

/* "/v1/images/REF[/@action]" with REF percent-encoded into one segment
 * (podd decodes it), a new string. */
char *image_api_path(const char *ref, const char *action);

/* cmd_image_io.c: image load, image save, image import. */
int image_load(struct podctl *ctl, int argc, char **argv);
int image_save(struct podctl *ctl, int argc, char **argv);
int image_import(struct podctl *ctl, int argc, char **argv);
