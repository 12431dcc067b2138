/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host firewall through libnftables (Debian's libnftables1): commands in
 * nft's own language, run as one netlink transaction each, so that a batch
 * is applied whole or not at all. netplug and podd keep their rules in
 * tables of their own and never touch anyone else's. A run is a handful of
 * netlink messages to the kernel, as quick as a write to procfs.
 */
#pragma once

#include <jansson.h>

#include "err.h"

/* Run @cmds (one or more lines of nft commands) as one transaction. On
 * failure @err (PD_E_SYSTEM) holds nft's first error line. */
int pd_nft_run(const char *cmds, struct pd_err *err);

/* Run @cmd (a `list ...` command) and parse what nft prints as JSON into
 * @out (a new reference: nft's {"nftables": [...]} object). A table or
 * chain that does not exist is PD_E_NOT_FOUND. */
int pd_nft_list(const char *cmd, json_t **out, struct pd_err *err);
