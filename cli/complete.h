/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walking podctl's own command tables instead of running a command: shell
 * completion (`podctl __complete WORD...`) and the man page (`podctl
 * __man`). Both work the same way: podctl is put in a walk mode, then the
 * words go through cmd_dispatch() and the commands as usual; cmd_dispatch()
 * and cmd_parse() see the mode (cmd.h) and hand the group or the command's usage
 * here instead of running anything. So every command, present or future,
 * completes and is documented from its own table, with no list kept
 * anywhere.
 *
 * The mode is the process's: podctl runs one command and exits, and
 * cmd_parse() is called from every command without a struct podctl.
 */
#pragma once

#include <stdbool.h>

#include "cmd.h"

/* complete_names.c: print the names podd knows of @kind ("container",
 * "pod", "image", "network", "volume") that start with @prefix, one a line
 * after @head ("--pod=" or ""); containers also by id when @prefix is hex.
 * podd unreachable or an error reply: nothing. */
void complete_names(const char *socket_path, const char *kind, const char *head,
		    const char *prefix);

/* man.c: the roff of a group's heading and of one command. */
void man_group(const struct cmd_group *g);
void man_usage(const struct cmd_usage *u);
/* man.c: the whole of podctl.1, from @root down. */
void man_page_podctl(struct podctl *ctl);
