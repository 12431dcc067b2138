/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Containers as podctl names and shows them, shared by run, ps, logs and the
 * other container commands: checking a name or id, building an API path,
 * escaping a query value, and docker's texts for a container (its status,
 * its command, its image). Pure: strings in, new strings out.
 */
#pragma once

#include <time.h>

#include <jansson.h>

#include "err.h"

/* The widest COMMAND cell of `podctl ps`, quotes included. */
#define CTR_COMMAND_WIDTH 30

/* Check a container as the user names it: a name, or an id or id prefix.
 * PD_E_INVALID. Returns 0 or -1. */
int ctr_check_ref(const char *ref, struct pd_err *err);

/* PD_PATH_CONTAINERS/REF[/ACTION][?QUERY], REF checked by ctr_check_ref()
 * and QUERY already escaped. A new string. */
char *ctr_path(const char *ref, const char *action, const char *query);

/* @s percent-encoded for a query value (all but letters, digits and -._~),
 * so that "RTMIN+3" stays a plus. A new string. */
char *ctr_query_escape(const char *s);

/* The command array @command as one quoted, cut cell: "sh -c 'ls -l'",
 * with an argument that holds a blank or a quote in single quotes, cut to
 * CTR_COMMAND_WIDTH with "..." before the closing quote. "" for none. */
char *ctr_command_text(const json_t *command);

/* The STATUS cell of a container object at @now: "Up 3 seconds",
 * "Exited (0) 2 seconds ago", "Created", or the state capitalised; while a
 * restart waits, "CrashLoopBackOff (back-off 20s)" (restart, issue 12). */
char *ctr_status_text(const json_t *ctr, time_t now);

/* The IMAGE cell: the image's name, else the rootfs path, else "-". */
char *ctr_image_text(const json_t *ctr);
