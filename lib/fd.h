/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fd helpers: complete reads and writes (EINTR and short I/O handled) and
 * flags. Every fd the project creates is close-on-exec; these helpers never
 * create one without it.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Write all of @buf to @fd. Returns 0, or -1 with @err set (PD_E_SYSTEM). */
int pd_fd_write_all(int fd, const void *buf, size_t len, struct pd_err *err);

/* Read until EOF or @max bytes into a new NUL-terminated buffer (*out, owned by
 * the caller; *len excludes the NUL). More than @max bytes is PD_E_TOO_LARGE. */
int pd_fd_read_all(int fd, size_t max, char **out, size_t *len, struct pd_err *err);

/* Set O_NONBLOCK on @fd. Returns 0, or -1 with @err set. */
int pd_fd_set_nonblock(int fd, struct pd_err *err);
