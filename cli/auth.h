/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry credentials on the user's side, as podman and docker keep them:
 * {"auths": {"HOST[:PORT]": {"auth": "base64(user:password)"}}}.
 *
 * podctl writes its own file: --authfile, else $REGISTRY_AUTH_FILE, else
 * $XDG_CONFIG_HOME/podd/auth.json, else ~/.config/podd/auth.json (0600, in a
 * 0700 dir, written atomically). It reads that file first, then podman's
 * ${XDG_RUNTIME_DIR}/containers/auth.json, then docker's
 * ~/.docker/config.json. The credentials travel to podd with each request in
 * X-Registry-Auth (base64url of {"username","password","serveraddress"}, as
 * docker's client sends them), so podd keeps no secret on disk.
 */
#pragma once

#include <stdbool.h>

#include "err.h"

#define AUTH_USER_MAX 256
#define AUTH_PASS_MAX 1024

struct auth_creds {
	char username[AUTH_USER_MAX];
	char password[AUTH_PASS_MAX];
};

/* The path of the file podctl writes (a new string), from @flag (--authfile)
 * or the environment. PD_E_INVALID when no home is known. */
char *auth_file_path(const char *flag, struct pd_err *err);

/* The credentials for @registry ("docker.io", "127.0.0.1:5000") from the
 * files above, first match. Returns 1 when found, 0 when none, -1 on a
 * malformed file (PD_E_INVALID naming it). */
int auth_lookup(const char *flag, const char *registry, struct auth_creds *c, struct pd_err *err);

/* Record @c for @registry in podctl's file. Returns 0 or -1. */
int auth_store(const char *flag, const char *registry, const struct auth_creds *c,
	       struct pd_err *err);

/* Forget @registry in podctl's file: PD_E_NOT_FOUND when it is not there. */
int auth_remove(const char *flag, const char *registry, struct pd_err *err);

/* The X-Registry-Auth header line for @c ("X-Registry-Auth: ...\r\n"), a
 * new string. */
char *auth_header(const struct auth_creds *c, const char *registry);

/* Zero @c. */
void auth_creds_clear(struct auth_creds *c);
