/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing, checking and serialising published ports; see port_spec.h.
 */
#include "port_spec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"
#include "parse.h"
#include "xalloc.h"

static const char *const proto_names[] = {[PORT_TCP] = "tcp", [PORT_UDP] = "udp"};

#define N_PROTOS (sizeof(proto_names) / sizeof(proto_names[0]))

const char *
port_proto_name(enum port_proto proto)
{
	return proto_names[proto];
}

static int
proto_parse(const char *s, enum port_proto *proto)
{
	for (size_t i = 0; i < N_PROTOS; i++) {
		if (strcmp(s, proto_names[i]) == 0) {
			*proto = (enum port_proto)i;
			return 0;
		}
	}
	return -1;
}

/* @s for a one-line message: at most 64 bytes, anything unprintable as '?'
 * (a spec is user input and may hold a newline). */
static const char *
printable(const char *s, char *buf, size_t len)
{
	size_t i = 0;

	for (; i < 64 && i + 4 < len && s[i] != '\0'; i++) {
		buf[i] = s[i];
		if (s[i] < 0x20 || s[i] >= 0x7f)
			buf[i] = '?';
	}
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* A port: decimal digits only (no sign, no space), 1..65535. */
static int
port_parse(const char *s, const char *what, uint16_t *port, struct pd_err *err)
{
	struct pd_err scratch = {0};
	char shown[72];
	long long v = 0;

	if (*s == '\0')
		return pd_fail(err, PD_E_INVALID, "missing %s", what);
	if (strspn(s, "0123456789") != strlen(s))
		return pd_fail(err, PD_E_INVALID, "%s \"%s\" is not a number", what,
			       printable(s, shown, sizeof(shown)));
	if (pd_parse_int(s, 1, 65535, &v, &scratch) < 0)
		return pd_fail(err, PD_E_INVALID, "%s %s is out of range (1 to 65535)", what,
			       printable(s, shown, sizeof(shown)));
	*port = (uint16_t)v;
	return 0;
}

/* "A" or "A-B" (B >= A) into [*lo, *hi]; @s is modified. */
static int
range_parse(char *s, const char *what, uint16_t *lo, uint16_t *hi, struct pd_err *err)
{
	char *dash = strchr(s, '-');

	if (dash == NULL) {
		if (port_parse(s, what, lo, err) < 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	*dash = '\0';
	if (port_parse(s, what, lo, err) < 0 || port_parse(dash + 1, what, hi, err) < 0)
		return -1;
	if (*hi < *lo)
		return pd_fail(err, PD_E_INVALID, "%s range %u-%u is reversed", what, *lo, *hi);
	return 0;
}

static int
ipv4_parse(const char *s, struct in_addr *addr, struct pd_err *err)
{
	char shown[72];

	if (*s == '\0')
		return pd_fail(err, PD_E_INVALID, "empty host address");
	if (inet_pton(AF_INET, s, addr) != 1)
		return pd_fail(err, PD_E_INVALID, "host address \"%s\" is not an IPv4 address",
			       printable(s, shown, sizeof(shown)));
	return 0;
}

void
port_list_append(struct port_list *list, const struct port_map *map)
{
	list->maps = xrealloc(list->maps, (list->n + 1) * sizeof(*list->maps));
	list->maps[list->n++] = *map;
}

void
port_list_clear(struct port_list *list)
{
	free(list->maps);
	list->maps = NULL;
	list->n = 0;
}

/* The body of port_spec_parse, on a copy it may cut up. */
static int
spec_parse(char *s, struct port_list *list, struct pd_err *err)
{
	struct port_map m = {.proto = PORT_TCP, .host_ip = {.s_addr = htonl(INADDR_ANY)}};
	uint16_t host_lo = 0, host_hi = 0, pod_lo = 0, pod_hi = 0;
	char *slash = strrchr(s, '/'), *host, *pod, *colon;
	char shown[72];
	size_t n_colons = 0;

	if (slash != NULL) {
		*slash = '\0';
		if (proto_parse(slash + 1, &m.proto) < 0)
			return pd_fail(err, PD_E_INVALID,
				       "unknown protocol \"%s\" (use tcp or udp)",
				       printable(slash + 1, shown, sizeof(shown)));
	}
	for (const char *p = s; *p != '\0'; p++)
		n_colons += *p == ':';
	if (strchr(s, '[') != NULL || n_colons > 2)
		return pd_fail(err, PD_E_INVALID, "only IPv4 host addresses are supported");
	if (n_colons == 0)
		return pd_fail(err, PD_E_INVALID, "expected HOSTPORT:PODPORT");
	host = s;
	if (n_colons == 2) {
		colon = strchr(s, ':');
		*colon = '\0';
		if (ipv4_parse(s, &m.host_ip, err) < 0)
			return -1;
		host = colon + 1;
	}
	colon = strchr(host, ':');
	*colon = '\0';
	pod = colon + 1;
	if (range_parse(host, "host port", &host_lo, &host_hi, err) < 0 ||
	    range_parse(pod, "pod port", &pod_lo, &pod_hi, err) < 0)
		return -1;
	if (host_hi - host_lo != pod_hi - pod_lo)
		return pd_fail(err, PD_E_INVALID,
			       "host and pod port ranges differ in length (%d and %d ports)",
			       host_hi - host_lo + 1, pod_hi - pod_lo + 1);
	if (list->n + (size_t)(host_hi - host_lo) + 1 > PORT_LIST_MAX_MAPS)
		return pd_fail(err, PD_E_TOO_LARGE, "more than %d published ports",
			       PORT_LIST_MAX_MAPS);
	for (unsigned i = 0; i <= (unsigned)(host_hi - host_lo); i++) {
		m.host_port = (uint16_t)(host_lo + i);
		m.pod_port = (uint16_t)(pod_lo + i);
		port_list_append(list, &m);
	}
	return 0;
}

int
port_spec_parse(const char *spec, struct port_list *list, struct pd_err *err)
{
	char copy[PORT_SPEC_MAX + 1], shown[72];
	size_t len = strlen(spec);

	if (len == 0)
		return pd_fail(err, PD_E_INVALID, "empty port spec");
	if (len > PORT_SPEC_MAX)
		return pd_fail(err, PD_E_INVALID, "port spec \"%s\" is over %d bytes",
			       printable(spec, shown, sizeof(shown)), PORT_SPEC_MAX);
	memcpy(copy, spec, len + 1);
	if (spec_parse(copy, list, err) < 0)
		return pd_err_prefix(err, "port spec \"%s\"",
				     printable(spec, shown, sizeof(shown)));
	return 0;
}

bool
port_map_overlaps(const struct port_map *a, const struct port_map *b)
{
	if (a->proto != b->proto || a->host_port != b->host_port)
		return false;
	return a->host_ip.s_addr == b->host_ip.s_addr || a->host_ip.s_addr == htonl(INADDR_ANY) ||
	       b->host_ip.s_addr == htonl(INADDR_ANY);
}

int
port_list_check(const struct port_list *list, struct pd_err *err)
{
	char a[PORT_MAP_STR_MAX], b[PORT_MAP_STR_MAX];

	/* Quadratic, over at most PORT_LIST_MAX_MAPS maps: half a million
	 * comparisons at worst, once per request. */
	for (size_t i = 0; i < list->n; i++) {
		for (size_t j = i + 1; j < list->n; j++) {
			if (!port_map_overlaps(&list->maps[i], &list->maps[j]))
				continue;
			return pd_fail(
			    err, PD_E_INVALID, "host port %u/%s is published twice (%s and %s)",
			    list->maps[i].host_port, port_proto_name(list->maps[i].proto),
			    port_map_format(&list->maps[i], a, sizeof(a)),
			    port_map_format(&list->maps[j], b, sizeof(b)));
		}
	}
	return 0;
}

char *
port_map_format(const struct port_map *map, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &map->host_ip, ip, sizeof(ip)) == NULL)
		ip[0] = '\0'; /* cannot happen: the buffer is big enough */
	(void)snprintf(buf, len, "%s:%u->%u/%s", ip, map->host_port, map->pod_port,
		       port_proto_name(map->proto));
	return buf;
}

char *
port_list_format(const struct port_list *list)
{
	size_t max = list->n * (PORT_MAP_STR_MAX + 2) + 1, off = 0;
	char *out = xmalloc(max);

	out[0] = '\0';
	for (size_t i = 0; i < list->n; i++) {
		char one[PORT_MAP_STR_MAX];

		off += (size_t)snprintf(out + off, max - off, "%s%s", i > 0 ? ", " : "",
					port_map_format(&list->maps[i], one, sizeof(one)));
	}
	return out;
}

json_t *
port_map_to_json(const struct port_map *map)
{
	char ip[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &map->host_ip, ip, sizeof(ip)) == NULL)
		ip[0] = '\0';
	return json_pack("{s:s, s:s, s:i, s:i}", PD_F_PROTOCOL, port_proto_name(map->proto),
			 PD_F_HOST_IP, ip, PD_F_HOST_PORT, (int)map->host_port, PD_F_POD_PORT,
			 (int)map->pod_port);
}

int
port_map_from_json(const json_t *j, struct port_map *map, struct pd_err *err)
{
	static const char *const allowed[] = {PD_F_PROTOCOL, PD_F_HOST_IP, PD_F_HOST_PORT,
					      PD_F_POD_PORT, NULL};
	const char *proto = "tcp", *ip = "0.0.0.0";
	long long host_port = 0, pod_port = 0;
	struct port_map m = {0};
	char shown[72];

	if (pd_json_check_keys(j, "port", allowed, err) < 0 ||
	    pd_json_get_string(j, PD_F_PROTOCOL, &proto, err) < 0 ||
	    pd_json_get_string(j, PD_F_HOST_IP, &ip, err) < 0 ||
	    pd_json_get_int(j, PD_F_HOST_PORT, 1, 65535, &host_port, err) < 0 ||
	    pd_json_get_int(j, PD_F_POD_PORT, 1, 65535, &pod_port, err) < 0)
		return -1;
	if (host_port == 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is required", PD_F_HOST_PORT);
	if (pod_port == 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\" is required", PD_F_POD_PORT);
	if (proto_parse(proto, &m.proto) < 0)
		return pd_fail(err, PD_E_INVALID, "field \"%s\": unknown protocol \"%s\"",
			       PD_F_PROTOCOL, printable(proto, shown, sizeof(shown)));
	if (ipv4_parse(ip, &m.host_ip, err) < 0)
		return pd_err_prefix(err, "field \"%s\"", PD_F_HOST_IP);
	m.host_port = (uint16_t)host_port;
	m.pod_port = (uint16_t)pod_port;
	*map = m;
	return 0;
}

json_t *
port_list_to_json(const struct port_list *list)
{
	json_t *a = json_array();

	for (size_t i = 0; i < list->n; i++)
		json_array_append_new(a, port_map_to_json(&list->maps[i]));
	return a;
}

int
port_list_from_json(const json_t *j, struct port_list *list, struct pd_err *err)
{
	struct port_list parsed = {0};
	size_t i;

	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_array(j))
		return pd_fail(err, PD_E_INVALID, "ports: expected a JSON array");
	if (list->n + json_array_size(j) > PORT_LIST_MAX_MAPS)
		return pd_fail(err, PD_E_TOO_LARGE, "more than %d published ports",
			       PORT_LIST_MAX_MAPS);
	for (i = 0; i < json_array_size(j); i++) {
		struct port_map m;

		if (port_map_from_json(json_array_get(j, i), &m, err) < 0) {
			port_list_clear(&parsed);
			return pd_err_prefix(err, "ports[%zu]", i);
		}
		port_list_append(&parsed, &m);
	}
	for (i = 0; i < parsed.n; i++)
		port_list_append(list, &parsed.maps[i]);
	port_list_clear(&parsed);
	return 0;
}
