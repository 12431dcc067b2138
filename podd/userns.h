/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User namespaces of pods (issue 13), the pure half: the pool of
 * subordinate ids podd hands out, read from files in the /etc/subuid format
 * ("NAME:START:COUNT" a line, the entries of the user "podd"), a pod's
 * "userns" key ("auto" or "host") and the range a pod holds, and the
 * choice of a free range. No system calls: unit-tested.
 *
 * Each userns pod gets USERNS_SIZE uids and as many gids, in steps of
 * USERNS_SIZE from the start of one entry of the pool, overlapping no range another
 * pod of this podd holds; the range is written in the pod's record, so it is
 * held across a podd restart and free again once the pod is removed. Two
 * podds must be given disjoint pools (--subid-file).
 *
 * Without an entry for "podd" in the files, the built-in pool is used:
 * USERNS_BUILTIN_START, USERNS_BUILTIN_COUNT ids, for uids and gids alike
 * (what systemd's UIDS-GIDS list leaves unused above the container ranges
 * of systemd-nspawn, below its foreign range).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define USERNS_SIZE          65536u
#define USERNS_POOL_MAX      64 /* entries of one pool */
#define USERNS_USER          "podd"
#define USERNS_BUILTIN_START 1879048192u           /* 0x70000000 */
#define USERNS_BUILTIN_COUNT (4094u * USERNS_SIZE) /* up to 0x7FFE0000 */

enum userns_mode { USERNS_HOST, USERNS_AUTO };

/* A pod's user namespace: mode, and with USERNS_AUTO the first host uid and
 * gid of its range (0 until allocated) and the range's size. */
struct userns_ids {
	enum userns_mode mode;
	uint32_t uid, gid, size;
};

struct userns_range {
	uint32_t start, count;
};

struct userns_pool {
	struct userns_range r[USERNS_POOL_MAX];
	size_t n;
	bool builtin; /* no entry for "podd": the built-in pool */
};

/* The entries of @user in @text, a file in the /etc/subuid format, added
 * to @pool (blank lines and '#' comments skipped; other users' lines are
 * not checked). A malformed entry of @user, a range past 2^32-1 or more
 * than USERNS_POOL_MAX entries is PD_E_INVALID naming the line. */
int userns_pool_parse(const char *text, const char *user, struct userns_pool *pool,
		      struct pd_err *err);

/* @pool becomes the built-in pool. */
void userns_pool_builtin(struct userns_pool *pool);

/* The lowest start of USERNS_SIZE ids, at a multiple of USERNS_SIZE from
 * the start of an entry of @pool (so "podd:100000:65536" is one range), that overlaps none of the
 * @n_used ranges of @used, into
 * *@start. PD_E_UNAVAILABLE when there is none. */
int userns_pool_alloc(const struct userns_pool *pool, const struct userns_range *used,
		      size_t n_used, uint32_t *start, struct pd_err *err);

/* A create body's "userns" (absent or null: host) into @ids (mode only).
 * PD_E_INVALID for anything but "auto" or "host". */
int userns_parse_mode(const json_t *body, struct userns_ids *ids, struct pd_err *err);

/* The record's and the API's "userns" object: {"mode","uid","gid","size"}
 * (a new reference), and its parse from a record (absent: host). */
json_t *userns_ids_json(const struct userns_ids *ids);
int userns_ids_from_json(const json_t *j, struct userns_ids *ids, struct pd_err *err);

/* The uid_map/gid_map line of @start ("0 START SIZE\n") into @buf. */
int userns_map_line(uint32_t start, uint32_t size, char *buf, size_t len);
