/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The name flags into a create body (dns_flags.h).
 */
#include "dns_flags.h"

#include <string.h>

#include "api.h"
#include "body.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

/* "NAME:IP" (or docker's "NAME=IP"; an IPv6 address may be in brackets)
 * as a host alias {"ip", "hostnames": [NAME]}. */
static json_t *
host_alias(const char *s, struct pd_err *err)
{
	size_t n = strcspn(s, ":=");
	cleanup_free char *name = NULL, *ip = NULL;
	size_t l;

	if (s[n] == '\0' || n == 0 || s[n + 1] == '\0') {
		pd_fail(err, PD_E_INVALID, "--add-host \"%.64s\": use NAME:IP", s);
		return NULL;
	}
	name = xstrndup(s, n);
	ip = xstrdup(s + n + 1);
	l = strlen(ip);
	if (ip[0] == '[' && l > 2 && ip[l - 1] == ']') {
		memmove(ip, ip + 1, l - 2);
		ip[l - 2] = '\0';
	}
	if (strcmp(ip, "host-gateway") == 0) {
		pd_fail(err, PD_E_INVALID,
			"--add-host \"%.64s\": host-gateway is not supported; give the address", s);
		return NULL;
	}
	json_t *a = json_pack("{s:s, s:[s]}", "ip", ip, "hostnames", name);

	if (a == NULL)
		pd_fail(err, PD_E_INVALID, "--add-host: not valid UTF-8");
	return a;
}

int
dns_flags_body(json_t *body, const struct flag_value *v, struct pd_err *err)
{
	static const char *const keys[] = {[DNS_FLAG_DNS] = PD_F_DNS,
					   [DNS_FLAG_SEARCH] = PD_F_DNS_SEARCH,
					   [DNS_FLAG_OPTION] = PD_F_DNS_OPTIONS,
					   [DNS_FLAG_ALIAS] = PD_F_ALIASES};
	static const char *const names[] = {[DNS_FLAG_DNS] = "--dns",
					    [DNS_FLAG_SEARCH] = "--dns-search",
					    [DNS_FLAG_OPTION] = "--dns-option",
					    [DNS_FLAG_ALIAS] = "--network-alias"};
	const struct flag_value *hosts = &v[DNS_FLAG_ADD_HOST];

	for (size_t i = 0; i < DNS_FLAG_N; i++) {
		if (i == DNS_FLAG_ADD_HOST || v[i].count == 0)
			continue;
		if (body_set_strings(body, keys[i], v[i].values, v[i].count, names[i], err) < 0)
			return -1;
	}
	if (hosts->count > 0) {
		json_t *list = json_array();

		json_object_set_new(body, PD_F_HOST_ALIASES, list);
		for (size_t i = 0; i < hosts->count; i++) {
			json_t *a = host_alias(hosts->values[i], err);

			if (a == NULL)
				return -1;
			json_array_append_new(list, a);
		}
	}
	return 0;
}
