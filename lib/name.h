/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names and ids. A name is what a user types ("web"); it is checked here
 * before it touches a path, so "..", "/" and control characters never reach
 * the file system. An id is 64 hex digits from the kernel's random source.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PD_NAME_MAX 63
#define PD_ID_LEN   64

/* Check @name against [a-zA-Z0-9][a-zA-Z0-9_.-]* and the length limit.
 * @what ("pod name", ...) starts the message. PD_E_INVALID on failure. */
int pd_name_validate(const char *name, const char *what, struct pd_err *err);

/* The same rule with the length limit @max (bytes): for names that come from
 * other programs, such as CNI container ids (64 hex digits from most
 * runtimes) and CNI network names. */
int pd_name_validate_max(const char *name, const char *what, size_t max, struct pd_err *err);

/* Fill @buf (PD_ID_LEN + 1 bytes) with a new random id. Returns 0 or -1. */
int pd_id_generate(char buf[PD_ID_LEN + 1], struct pd_err *err);

/* True when @s is a prefix of lowercase hex digits, one at least (docker
 * takes any unique prefix): what a user may type for an id. A name is
 * looked up first, so a name such as "db" still finds its own. */
bool pd_is_id_prefix(const char *s);

/* issue 11, config: a user as docker's --user takes it, "NAME[:GROUP]" or
 * "UID[:GID]" (either part a name or a number), checked for shape only: at
 * most one ':', parts not empty, names of [A-Za-z0-9_.@$+-] up to 64
 * bytes not starting with '-',
 * numbers 0..65535 without leading zeros. The names are resolved in the container's
 * /etc/passwd and /etc/group when it starts (shim/user.h). */
#define PD_USER_PART_MAX 64
#define PD_USER_ID_MAX   65535
int pd_user_validate(const char *user, struct pd_err *err);

/* Whether every component of @s between the characters of @sep is
 * non-empty and neither "." nor "..": "a/b" yes, "a//b", "a/../b", "" no. */
bool pd_components_ok(const char *s, const char *sep);
