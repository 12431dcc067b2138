/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copying a tree with its owners, modes and times, optionally moving its
 * ids from one range to another: a new volume filled from the image
 * (mounts.c), and the copies of an image's layers owned by a pod's range
 * where idmapped layers cannot be had (issue 13, userns.c). Symlinks are
 * copied as they are (they are only ever read inside the container), hard
 * links become separate files. Runs in the shim or its child: system
 * calls only, no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define SHIM_COPY_IDS 65536u /* the size of a pod's range */

/* Ids from [from, from + size) become [to, to + size); others become
 * to + 65534 (the overflow id inside), and with size 0 every id is kept. */
struct shim_copy_ids {
	uint32_t from_uid, from_gid, to_uid, to_gid, size;
	bool layer; /* an overlay layer: whiteouts (0:0 char devices) and the
		     * opaque xattr are kept; other devices too */
};

/* The id @id of a file, as @ids move it (@uid: a uid, else a gid). */
uint32_t shim_copy_id(const struct shim_copy_ids *ids, uint32_t id, bool uid);

/* Copy what is in the directory @src into the directory @dst (not the
 * directories themselves). PD_E_INVALID for a tree deeper than 128. */
int shim_copy_tree(int src, int dst, const struct shim_copy_ids *ids, struct pd_err *err);
