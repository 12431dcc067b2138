/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The name flags (issue 14) of run and pod create, as docker spells them:
 * --dns, --dns-search, --dns-option, --add-host NAME:IP and
 * --network-alias. One block of flag table rows and one body builder, so
 * the two commands cannot drift (limits_flags.h's pattern). A command
 * reserves DNS_FLAG_N consecutive rows from FIRST, fills them with
 * DNS_FLAG_ROWS(FIRST), and hands &f->v[FIRST] to dns_flags_body.
 */
#pragma once

#include <jansson.h>

#include "err.h"
#include "flags.h"

enum {
	DNS_FLAG_DNS,
	DNS_FLAG_SEARCH,
	DNS_FLAG_OPTION,
	DNS_FLAG_ADD_HOST,
	DNS_FLAG_ALIAS,
	DNS_FLAG_N
};

#define DNS_FLAG_ROWS(first)                                                                     \
	[(first) +                                                                               \
	    DNS_FLAG_DNS] = {"dns",                                                              \
			     NULL,                                                               \
			     0,                                                                  \
			     FLAG_LIST,                                                          \
			     "IP",                                                               \
			     "a nameserver for resolv.conf, in place of the network's "          \
			     "DNS server or the host's; repeatable (at most 3)"},                \
	    [(first) + DNS_FLAG_SEARCH] = {"dns-search",                                         \
					   NULL,                                                 \
					   0,                                                    \
					   FLAG_LIST,                                            \
					   "DOMAIN",                                             \
					   "a search domain for resolv.conf, in place of the "   \
					   "default list; repeatable"},                          \
	    [(first) + DNS_FLAG_OPTION] = {"dns-option",                                         \
					   NULL,                                                 \
					   0,                                                    \
					   FLAG_LIST,                                            \
					   "OPT",                                                \
					   "a resolv.conf option (ndots:2), in place of the "    \
					   "host's; repeatable"},                                \
	    [(first) + DNS_FLAG_ADD_HOST] = {"add-host",                                         \
					     NULL,                                               \
					     0,                                                  \
					     FLAG_LIST,                                          \
					     "NAME:IP",                                          \
					     "a line in /etc/hosts (IPv4 or IPv6); repeatable"}, \
	    [(first) +                                                                           \
		DNS_FLAG_ALIAS] = {"network-alias",                                              \
				   NULL,                                                         \
				   0,                                                            \
				   FLAG_LIST,                                                    \
				   "NAME",                                                       \
				   "another name its network's DNS server answers with its "     \
				   "address; repeatable"}

/* Set @body's "dns", "dns_search", "dns_options", "host_aliases" and
 * "aliases" from the values @v (the DNS_FLAG_N rows of the command's
 * table, in order): only the flags given. PD_E_INVALID naming the flag
 * for a value --add-host cannot split or that is not UTF-8; podd checks
 * names and addresses. */
int dns_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err);
