/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's volumes (issue 12, contract §3) and the mounts of them its
 * containers ask for ("pod_mounts"). The canonical JSON of a volume is
 *   {"name", "type": "empty_dir", "medium": ""|"Memory", "size_limit": BYTES}
 *   {"name", "type": "config_map"|"secret", "source", "default_mode",
 *    "items": [{"path", "data": BASE64, "mode"?}]}
 *   {"name", "type": "downward_api", "default_mode",
 *    "items": [{"path", "field", "mode"?}]}
 *   {"name", "type": "host_path", "path", "host_path_type"}
 *   {"name", "type": "volume", "source"}
 * and a container's mount of one, in its canonical "mounts",
 *   {"type": "pod", "source": VOLUME, "target", "read_only", "sub_path"}.
 *
 * Where they live: an empty_dir in <root>/pods/<id>/volumes/<name> (a tmpfs
 * podd mounts there for "Memory", of size_limit), config_map, secret and
 * downward_api files in <run>/pods/<id>/volumes/<name> (written at each
 * start of the pod, read-only to containers), a host_path where it says
 * (checked, or made, at container create), a "volume" as a named volume
 * (volume.h, made at pod start if missing). The shim bind-mounts them; a
 * sub_path is resolved by the shim inside the volume (openat2
 * RESOLVE_IN_ROOT), never outside it.
 *
 * The first half is pure (pod_volume_spec.c: unit-tested); the second
 * touches the system (pod_volume.c).
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

#define POD_VOLUMES_MAX      64
#define POD_VOLUME_ITEMS_MAX 256
#define POD_VOLUME_PATH_MAX  1024 /* bytes of an item's path or a sub_path */

/* ---- pure ---- */

/* Check a "volumes" array and return its canonical form (*out, a new
 * reference; [] for NULL or null). PD_E_INVALID names the volume. */
int pod_volumes_parse(const json_t *volumes, json_t **out, struct pd_err *err);

/* The volume named @name in a canonical array, or NULL (borrowed). */
const json_t *pod_volume_find(const json_t *volumes, const char *name);

/* Check a container's "pod_mounts" array and append their canonical mount
 * objects to @mounts. */
int pod_mounts_parse(const json_t *pod_mounts, json_t *mounts, struct pd_err *err);

/* A canonical {"type":"pod"} mount object, checked (a record's). */
int pod_mount_check(const json_t *m, struct pd_err *err);

/* A relative path that stays where it is put: no leading '/', no ".."
 * component, no empty one; at most POD_VOLUME_PATH_MAX bytes. */
int pod_volume_check_rel_path(const char *p, const char *what, struct pd_err *err);

/* The kubelet's format of a labels/annotations map for the downward API:
 * sorted `key="value"` lines, the value quoted as Go's %q, without a
 * final newline (a new string). */
char *pod_downward_format_map(const json_t *map);

/* ---- the system ---- */
struct pod;
struct podd;
struct ctr_spec;

/* At each start of @pod (before its infra): empty_dir dirs and Memory
 * tmpfs mounts, config_map/secret/downward_api files, named volumes. On
 * failure what it made is undone. */
int pod_volumes_setup(struct pod *pod, struct pd_err *err);

/* At the pod's removal: tmpfs mounts unmounted, the volume dirs deleted.
 * Failures are logged. */
void pod_volumes_teardown(struct pod *pod);

/* At container create: @spec's pod mounts name volumes of @pod (NULL: a
 * container of its own, which has none), host paths are checked by their
 * type (or made), named volumes made; a sub_path is only allowed where
 * there is a directory. (A mount of files the pod writes, config_map,
 * secret, downward_api, is bound read-only whatever its read_only says,
 * as the kubelet does; the record keeps what was asked, for generate.) */
int pod_volumes_check_mounts(struct podd *d, const struct pod *pod, const struct ctr_spec *spec,
			     struct pd_err *err);

/* The shim's mount object for the canonical pod mount @m of a container of
 * @pod_id (a new reference), or NULL when the pod is gone. */
json_t *pod_volume_shim_mount(struct podd *d, const char *pod_id, const json_t *m);

/* Whether a pod has a "volume" volume of the named volume @name. */
bool pod_volumes_use_named(struct podd *d, const char *name);
