/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading, saving and importing images through fds handed over by the
 * client (see image_io.c). Each call takes @pending (owned on success: it
 * is answered when the work is done) and borrows @fd (the task has its own
 * copy once the call returned; close yours). Returns 0 or -1 (then @pending
 * is still the caller's to answer).
 */
#pragma once

#include <stddef.h>

#include "err.h"

struct podd;
struct http_pending;

/* A docker-archive, an oci-archive (maybe compressed) or an OCI layout dir
 * on @fd: every image and name in it. Answer {"images":[{"id","names"}]}. */
int image_io_load(struct podd *d, int fd, struct http_pending *pending, struct pd_err *err);

/* A flat root file system (a tarball or a dir) on @fd as image @name (a
 * reference). @what names the source in errors. Answer 201 with the image. */
int image_io_import(struct podd *d, const char *name, int fd, const char *what,
		    struct http_pending *pending, struct pd_err *err);

/* Write the images @refs (@n of them) to @fd as @format (docker-archive or
 * oci-archive). The images cannot be removed meanwhile. Answer {}. */
int image_io_save(struct podd *d, int fd, const char *const *refs, size_t n, const char *format,
		  struct http_pending *pending, struct pd_err *err);
