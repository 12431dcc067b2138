/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's flags as one table: getopt's options, `podd --help` and the man
 * page podd.8 (`podd --man`, hidden) are all written from it, so they
 * cannot disagree. main.c's parse_flags() gives each flag its meaning.
 */
#pragma once

#include <getopt.h>
#include <stdio.h>

/* Client limits (http_conn.c). A minute of idling is what keep-alive
 * clients expect; a request on a local socket takes milliseconds, so ten
 * seconds from its first byte is generous and still ends a slowloris. */
#define IDLE_TIMEOUT_DEFAULT_S 60
#define READ_TIMEOUT_DEFAULT_S 10
#define MAX_CLIENTS_DEFAULT    4096
#define TIMEOUT_MAX_S          (24 * 3600)

enum {
	OPT_ROOT = 256,
	OPT_RUN_DIR,
	OPT_SOCKET,
	OPT_NETNS_DIR,
	OPT_NETNS_PREFIX,
	OPT_CNI_PATH,
	OPT_LOG_LEVEL,
	OPT_LOG_FILE,
	OPT_IDLE_TIMEOUT,
	OPT_READ_TIMEOUT,
	OPT_MAX_CLIENTS,
	OPT_FOREGROUND,
	OPT_CERTS_DIR,
	OPT_RESTART_BACKOFF, /* restart (issue 12) */
	OPT_CGROUP_PARENT,   /* issue 13, cgroups */
	OPT_CGROUP_LAYOUT,
	OPT_SUBID_FILE, /* issue 13, userns */
	OPT_USERNS_LAYERS,
	OPT_RESOLV_CONF,   /* issue 14, dns */
	OPT_IPV6,          /* issue 14, netplug */
	OPT_DOCKER_SOCKET, /* issue 15 */
	OPT_GROUP,         /* issue 16 */
	OPT_VERSION,
	OPT_HELP,
	OPT_MAN, /* issue 16: hidden, podd.8 */
};

/* getopt_long()'s table, built from podd's (static storage). */
const struct option *podd_long_opts(void);

/* `podd --help` on @out. */
void podd_usage(FILE *out);

/* podd.8 in roff on @out. */
void podd_man(FILE *out);
