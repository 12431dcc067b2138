/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named volumes: directories podd keeps for containers, under its root
 *   <root>/volumes/<name>/volume.json  {"name","created","labels","anonymous"}
 *   <root>/volumes/<name>/_data        what containers see (a bind mount)
 * The disk is the registry: nothing is cached, so a volume exists exactly
 * when its volume.json does. A volume is in use while any container (running
 * or not) names it in its mounts, as docker counts it; such a volume is not
 * removed. An anonymous volume (-v /path, an image's Volumes) has an id for
 * a name and goes with its container on rm -v and --rm. A removed volume is
 * renamed aside (.rm-<name>) at once and its tree deleted by a task.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

struct podd;
struct ctr_spec;

/* The volume @name, made if missing (@labels may be NULL). *made says
 * whether it was. PD_E_INVALID for a bad name. */
int volume_ensure(struct podd *d, const char *name, bool anonymous, const json_t *labels,
		  bool *made, struct pd_err *err);

/* The API's JSON of @name (a new reference), with the names of the
 * containers using it; NULL and PD_E_NOT_FOUND when there is none. */
json_t *volume_get_json(struct podd *d, const char *name, struct pd_err *err);

/* Every volume's JSON, sorted by name (a new reference). */
json_t *volume_list_json(struct podd *d, struct pd_err *err);

/* Remove @name: PD_E_CONFLICT naming a container while one uses it
 * (@force does not override it: a container must not lose its data under
 * it), PD_E_NOT_FOUND when there is none. */
int volume_remove(struct podd *d, const char *name, struct pd_err *err);

/* Remove the volumes nobody uses: anonymous ones, every one with @all.
 * Returns their names (a new reference). */
json_t *volume_prune(struct podd *d, bool all, struct pd_err *err);

/* "<root>/volumes/<name>/_data" (owned by the caller). */
char *volume_data_path(const struct podd *d, const char *name);

/* The first container using @name, or NULL. */
struct container *volume_user(struct podd *d, const char *name);

/* Name the anonymous volumes of @spec->mounts (new ids), make every
 * volume it names, and check that bind sources exist (PD_E_INVALID naming
 * the path). On failure what it made is removed again. */
int volume_prepare_mounts(struct podd *d, struct ctr_spec *spec, struct pd_err *err);

/* Remove the anonymous volumes of @spec (rm -v, --rm, a failed run): the
 * container using them is already out of the registry. Failures logged. */
void volume_remove_anonymous(struct podd *d, const struct ctr_spec *spec);

/* The shim's "mounts" for @spec (lib/shim.h PD_SHIM_MOUNTS; a new
 * reference): volumes become binds of their _data with copy_up. */
json_t *volume_shim_mounts(const struct podd *d, const struct ctr_spec *spec);

/* At start: delete what a removal cut short by a stop of podd left
 * (volumes/.rm-*), with a task. */
int volume_load_all(struct podd *d, struct pd_err *err);
