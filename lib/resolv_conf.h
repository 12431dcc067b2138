/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolv.conf (resolv.conf(5)) as podd reads it: the nameservers its DNS
 * servers relay to, and the search list a container's file keeps. Pure;
 * a line that is not understood is skipped, as the libc resolver does.
 */
#pragma once

#include <stddef.h>

#define PD_RESOLV_NS_MAX     3 /* MAXNS */
#define PD_RESOLV_SEARCH_MAX 256

struct pd_resolv {
	char ns[PD_RESOLV_NS_MAX][46]; /* IPv4 or IPv6 text, as given */
	size_t n_ns;
	/* the last search (or domain) line's domains, space-separated; "" for none */
	char search[PD_RESOLV_SEARCH_MAX];
};

/* Read @len bytes of resolv.conf text at @text into @r. Nameservers past
 * the third, addresses that do not parse (or carry a zone) and domains
 * past the buffer's end are left out. */
void pd_resolv_parse(const char *text, size_t len, struct pd_resolv *r);

/* @text without its nameserver, search and domain lines (a new string):
 * what a container's file keeps of the host's (options, sortlist). */
char *pd_resolv_rest(const char *text, size_t len);

/* A container's resolv.conf on a network with a DNS server at @server:
 * that nameserver, the search list @domain then the host's, and the rest
 * of the host's file @text (@len bytes). A new string. */
char *pd_resolv_for_server(const char *text, size_t len, const char *server, const char *domain);
