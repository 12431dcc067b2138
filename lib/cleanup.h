/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one cleanup idiom: locals that own something are declared with a
 * cleanup_* attribute and initialised, and ownership leaves a scope only
 * through steal_ptr()/steal_fd(). After a fork the child never returns into
 * the parent's frames, so these never run twice. libc only (podd-monitor is
 * built against musl with it); cleanup_json lives in json.h with jansson.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
pd_cleanup_free(void *p)
{
	free(*(void **)p);
}

static inline void
pd_cleanup_close(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void
pd_cleanup_closedir(DIR **dir)
{
	if (*dir != NULL) {
		int saved = errno;

		closedir(*dir);
		errno = saved;
	}
}

static inline void
pd_cleanup_fclose(FILE **f)
{
	if (*f != NULL) {
		int saved = errno;

		(void)fclose(*f); /* a stream that needed checking was closed by hand */
		errno = saved;
	}
}

#define cleanup_free     __attribute__((cleanup(pd_cleanup_free)))
#define cleanup_close    __attribute__((cleanup(pd_cleanup_close)))
#define cleanup_closedir __attribute__((cleanup(pd_cleanup_closedir)))
#define cleanup_fclose   __attribute__((cleanup(pd_cleanup_fclose)))

/* Take the pointer out of an owning local, leaving NULL behind. */
#define steal_ptr(p)                            \
	({                                      \
		__typeof__(p) steal_tmp_ = (p); \
		(p) = NULL;                     \
		steal_tmp_;                     \
	})

/* Take the fd out of an owning local, leaving -1 behind. */
#define steal_fd(fd)                   \
	({                             \
		int steal_tmp_ = (fd); \
		(fd) = -1;             \
		steal_tmp_;            \
	})

/* Close @fd if open and set it to -1. */
static inline void
close_reset(int *fd)
{
	pd_cleanup_close(fd);
	*fd = -1;
}
