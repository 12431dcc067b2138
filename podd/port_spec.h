/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Published ports, the pure half: docker's and podman's `-p` syntax parsed
 * into a list of single-port maps, their JSON (API bodies, state files), the
 * canonical "0.0.0.0:8080->80/tcp" form of `ps`, and the check that no two
 * maps of a list claim the same host port. No system calls: proxy.c binds
 * what this file has validated. Unit-tested and fuzzed.
 *
 * Only IPv4 host addresses are accepted; IPv6 ("[::1]:80:80") and sctp are
 * refused, as are docker's forms without a host port ("80", "ip::80"), since
 * podd never picks a host port itself.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

enum port_proto { PORT_TCP, PORT_UDP };

/* One host port relayed to one pod port. */
struct port_map {
	enum port_proto proto;
	struct in_addr host_ip; /* network byte order; INADDR_ANY for every address */
	uint16_t host_port;     /* 1..65535, host byte order */
	uint16_t pod_port;      /* 1..65535, host byte order */
};

/* A growable list of maps; zero-initialise, release with port_list_clear. */
struct port_list {
	struct port_map *maps; /* owned, NULL when empty */
	size_t n;
};

/* Limits: the length of one spec as typed, and the maps of one list (each
 * map is a listening socket in podd, so a range like 1-65535 is refused). */
#define PORT_SPEC_MAX      64
#define PORT_LIST_MAX_MAPS 1024

/* "255.255.255.255:65535->65535/udp" and its NUL. */
#define PORT_MAP_STR_MAX 40

/* Parse one `-p` value, [HOSTIP:]HOSTPORT[-END]:PODPORT[-END][/tcp|/udp], and
 * append its maps to @list (a range gives one map per port, in order). The
 * two ranges must have the same length, ports are 1..65535 in decimal,
 * HOSTIP is an IPv4 literal (default 0.0.0.0) and the protocol defaults to
 * tcp. On failure @list is unchanged and @err is PD_E_INVALID with a one-line
 * message naming the spec; more than PORT_LIST_MAX_MAPS maps in all is
 * PD_E_TOO_LARGE. Duplicates are not checked here (port_list_check). */
int port_spec_parse(const char *spec, struct port_list *list, struct pd_err *err);

/* Release what @list owns and leave it empty. */
void port_list_clear(struct port_list *list);

/* Append a copy of @map to @list (no checks). */
void port_list_append(struct port_list *list, const struct port_map *map);

/* "tcp" or "udp". */
const char *port_proto_name(enum port_proto proto);

/* Whether @a and @b claim the same host socket: same protocol and port, and
 * the same host address or either one is 0.0.0.0 (the kernel refuses the
 * second bind in both cases). */
bool port_map_overlaps(const struct port_map *a, const struct port_map *b);

/* Check that no two maps of @list overlap. PD_E_INVALID naming both. */
int port_list_check(const struct port_list *list, struct pd_err *err);

/* The canonical form "0.0.0.0:8080->80/tcp" into @buf (PORT_MAP_STR_MAX bytes
 * are always enough). Returns @buf. */
char *port_map_format(const struct port_map *map, char *buf, size_t len);

/* The maps of @list in canonical form joined by ", " (docker's PORTS column),
 * a new string owned by the caller; "" for an empty list. */
char *port_list_format(const struct port_list *list);

/* {"protocol":"tcp","host_ip":"0.0.0.0","host_port":8080,"pod_port":80},
 * a new reference. */
json_t *port_map_to_json(const struct port_map *map);

/* Parse such an object into @map. host_port and pod_port are required;
 * protocol defaults to "tcp" and host_ip to "0.0.0.0"; an unknown field or a
 * bad value is PD_E_INVALID naming it. */
int port_map_from_json(const json_t *j, struct port_map *map, struct pd_err *err);

/* A JSON array of the maps of @list, a new reference. */
json_t *port_list_to_json(const struct port_list *list);

/* Parse an array of map objects (null is an empty list) and append them to
 * @list; on failure @list is unchanged. Errors as port_map_from_json, with
 * the index in front, and PD_E_TOO_LARGE over PORT_LIST_MAX_MAPS in all.
 * Overlaps are not checked here (port_list_check). */
int port_list_from_json(const json_t *j, struct port_list *list, struct pd_err *err);
