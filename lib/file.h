/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files and directories: the one atomic write, bounded reads, mkdir -p,
 * directory locks. Paths given here are built only from validated names.
 */
#pragma once

#include <stdbool.h>
#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Write @buf to @name in the directory @dirfd atomically: a temporary file in
 * the same directory, fsync, rename over @name, fsync of the directory. After a
 * crash @name holds either the old or the new contents. Returns 0 or -1. */
int pd_file_write_atomic(int dirfd, const char *name, const void *buf, size_t len,
			 struct pd_err *err);

/* The same without the fsyncs: atomic (a reader sees the old or the new
 * contents) but not durable. For what need not survive a crash of the
 * machine: files under the run dir (a tmpfs as a rule: a container's /etc
 * files, the shim's spec and exit file), and records whose durable part is
 * already on disk or that a reboot makes moot (container.c says which). */
int pd_file_write_volatile(int dirfd, const char *name, const void *buf, size_t len,
			   struct pd_err *err);

/* Read @name (relative to @dirfd, not following a final symlink) into a new
 * NUL-terminated buffer of at most @max bytes. ENOENT is PD_E_NOT_FOUND. */
int pd_file_read(int dirfd, const char *name, size_t max, char **out, size_t *len,
		 struct pd_err *err);

/* mkdir -p @path with @mode for the directories it creates. */
int pd_mkdir_p(const char *path, mode_t mode, struct pd_err *err);

/* Open the directory @path (O_DIRECTORY|O_CLOEXEC). Returns the fd or -1. */
int pd_dir_open(const char *path, struct pd_err *err);

/* A directory stream of @name under @dirfd ("." for @dirfd's own), from
 * its first entry, on an fd of its own (@dirfd stays the caller's and its
 * offset is untouched); not following a symlink. Close it with closedir,
 * or hold it in a cleanup_closedir local. NULL with @err naming @what. */
DIR *pd_dir_stream(int dirfd, const char *name, const char *what, struct pd_err *err);

/* The next entry of @dir other than "." and "..", NULL at the end. */
struct dirent *pd_dir_next(DIR *dir);

/* Take an exclusive, non-blocking flock on the directory fd @dirfd. Another
 * holder is PD_E_CONFLICT. The lock lives as long as the fd. */
int pd_dir_lock(int dirfd, const char *what, struct pd_err *err);

/* Remove @name under @dirfd and everything below it, not following symlinks
 * and not crossing into mount points (a still-mounted namespace file fails
 * with EBUSY rather than being skipped). ENOENT is not an error. */
int pd_rm_rf_at(int dirfd, const char *name, struct pd_err *err);
