/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A DNS server per network, served from podd's loop on the network's
 * gateway address, port 53, UDP and TCP. It answers the names of the
 * network's pods (name and hostname), of their containers and their
 * network aliases, with and without the domain DNS_DOMAIN, and PTR for
 * their addresses; NXDOMAIN for any other name within DNS_DOMAIN and for
 * an unknown address of the network's subnet. Every other query (a bare
 * name that is nobody's included, as docker's embedded DNS does) is
 * relayed as it is to the nameservers of --resolv-conf, and the answer
 * comes back as it is. A server runs while its network has an
 * attachment: dns_sync starts and stops them.
 */
#pragma once

#define DNS_DOMAIN "dns.podd"
#define DNS_PORT   53

struct podd;

/* Start the server of every network that has a gateway and an attachment,
 * stop the others'. Called after anything that attaches or detaches; a
 * server that cannot start is logged (the pod runs without names). */
void dns_sync(struct podd *d);

/* The address of @network's running server (a name network_find knows),
 * "" when it has none. */
const char *dns_server_address(struct podd *d, const char *network);

/* The file the upstream nameservers are read from (--resolv-conf), which
 * containers' resolv.conf files start from too. */
const char *dns_resolv_path(const struct podd *d);

/* Stop every server (shutdown). */
void dns_free_all(struct podd *d);
