/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mounts a user asks for, as docker spells them, parsed into struct
 * mount_spec and checked: `-v SRC:DST[:OPTS]` (an absolute SRC is a bind
 * mount, anything else a volume name; `-v DST` alone an anonymous volume),
 * `--tmpfs DST[:OPTS]`, and `--mount type=bind|volume|tmpfs,KEY=VALUE,...`
 * with docker's keys. The canonical JSON of a mount (what the container
 * record keeps and inspect shows) is
 *   {"type":"bind|volume|tmpfs","source":S,"target":T,"read_only":B,
 *    ["no_copy":B,] ["anonymous":B,] ["tmpfs_size":N,] ["tmpfs_mode":N]}
 * Pure: no system calls (whether a bind source exists is podd's to check),
 * unit-tested and fuzzed. Targets are cleaned (repeated and trailing '/'
 * dropped); "." and ".." components are refused, not resolved, and the
 * target is later resolved inside the container's root by the shim.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define MOUNT_MAX          64   /* mounts of one container */
#define MOUNT_PATH_MAX     1024 /* bytes of a source or target (the shim's limit) */
#define MOUNT_VOLUME_MAX   128  /* bytes of a volume name */
#define MOUNT_TMPFS_MAX    (UINT64_C(1) << 50)
#define MOUNT_TMPFS_MODE   01777 /* a tmpfs's default mode, as docker's */
#define MOUNT_SPEC_STR_MAX 4096  /* bytes of one flag value */

enum mount_type { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS };

struct mount_spec {
	enum mount_type type;
	char *source; /* owned: bind: absolute host path; volume: name ("" until an
		       * anonymous one is named); tmpfs: "" */
	char *target; /* owned: absolute, cleaned, not "/" */
	bool read_only;
	bool no_copy;        /* volume: do not fill an empty volume from the image */
	bool anonymous;      /* volume: made for this container (rm -v removes it) */
	uint64_t tmpfs_size; /* bytes; 0: no limit given */
	unsigned tmpfs_mode; /* 0: MOUNT_TMPFS_MODE */
};

/* Parse one flag value into @m (cleared first; release with
 * mount_spec_clear even on failure). PD_E_INVALID names what is wrong. */
int mount_spec_parse_volume(const char *s, struct mount_spec *m, struct pd_err *err);
int mount_spec_parse_tmpfs(const char *s, struct mount_spec *m, struct pd_err *err);
int mount_spec_parse_mount(const char *s, struct mount_spec *m, struct pd_err *err);

/* Release what @m owns. */
void mount_spec_clear(struct mount_spec *m);

/* The canonical JSON of @m (a new reference). */
json_t *mount_spec_to_json(const struct mount_spec *m);

/* Parse a canonical object (a container record's) into @m, strictly; an
 * anonymous volume with an empty name is refused. */
int mount_spec_from_json(const json_t *j, struct mount_spec *m, struct pd_err *err);

/* The create body's "volumes", "tmpfs" and "mount" arrays of flag strings
 * (any may be absent) into one array of canonical objects (*out, a new
 * reference), in that order; two mounts on one target are refused. */
int mount_spec_parse_body(const json_t *volumes, const json_t *tmpfs, const json_t *mount,
			  json_t **out, struct pd_err *err);

/* A record's "mounts" array, each object checked (as mount_spec_from_json),
 * at most MOUNT_MAX. */
int mount_spec_check_list(const json_t *mounts, struct pd_err *err);

/* A size as docker reads it: digits with an optional unit b, k, m, g
 * (powers of 1024, any case, "kb"/"kib" too). */
int mount_spec_parse_size(const char *s, uint64_t *out, struct pd_err *err);

/* Whether @name is a volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most
 * MOUNT_VOLUME_MAX - 1 bytes. */
int mount_spec_check_volume_name(const char *name, struct pd_err *err);
