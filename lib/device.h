/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A device a container is given (--device HOST[:CTR[:rwm]]): the path of
 * its node in the container and its cgroup permissions, which podd and
 * podd-shim both check. Pure.
 */
#pragma once

#include <stdbool.h>

#include "err.h"

#define PD_DEV_PATH_MAX 128 /* a node's path in the container, with its NUL */

/* A path for a node in the container: "/dev/..." with no empty, "." or
 * ".." part, shorter than PD_DEV_PATH_MAX (the rest of a container's root
 * is nodev: a node elsewhere would open nothing). */
bool pd_dev_path_valid(const char *path);

/* Docker's permissions: a non-empty subset of "rwm", each letter once, into
 * @out (at least 4 bytes) in the order r, w, m. PD_E_INVALID. */
int pd_dev_perms_parse(const char *s, char *out, struct pd_err *err);
