/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what netplug reads from outside, through the same calls
 * netplug/main.c makes. The first byte picks CNI_COMMAND, the bytes up to
 * the first newline are CNI_ARGS, and the rest is the network config on
 * stdin. A parse must fail cleanly (a kind and a one-line message) or give a
 * config whose invariants hold; a parsed config then goes through the result
 * (with its prevResult) and the error reply, which must both be valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char args[4097];

static const char *
fake_get(const char *name)
{
	if (strcmp(name, "CNI_CONTAINERID") == 0)
		return "fuzz";
	if (strcmp(name, "CNI_NETNS") == 0)
		return "/run/netns/fuzz";
	if (strcmp(name, "CNI_IFNAME") == 0)
		return "eth0";
	if (strcmp(name, "CNI_ARGS") == 0)
		return args;
	return NULL;
}

static void
check_err(const struct pd_err *err)
{
	if (err->kind == 0 || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
		abort();
}

static void
check_conf(const struct cni_conf *c)
{
	if (c->subnet.prefix < 8 || c->subnet.prefix > 30 || !ip4_net_is_network(&c->subnet) ||
	    c->range_start > c->range_end || !ip4_contains(&c->subnet, c->range_start) ||
	    !ip4_contains(&c->subnet, c->range_end) || !ip4_contains(&c->subnet, c->gateway) ||
	    c->data_dir[0] != '/' || c->n_routes > CNI_ROUTES_MAX || c->name[0] == '\0' ||
	    c->bridge[0] == '\0' || (c->mtu != 0 && c->mtu < 68))
		abort();
}

static void
check_json_text(char *s)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(s, strlen(s), CNI_CONF_MAX, &err);

	if (j == NULL || strchr(s, '\n') != NULL)
		abort();
	json_decref(j);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct cni_conf conf;
	struct cni_env env;
	const uint8_t *nl;
	enum cni_cmd cmd;
	size_t alen;
	json_t *j;

	if (size < 1)
		return 0;
	cmd = (enum cni_cmd)(data[0] % 6);
	data++, size--;
	nl = memchr(data, '\n', size);
	alen = nl ? (size_t)(nl - data) : 0;
	if (alen >= sizeof(args) || memchr(data, '\0', alen) != NULL)
		return 0;
	memcpy(args, data, alen);
	args[alen] = '\0';
	if (nl != NULL)
		data += alen + 1, size -= alen + 1;

	if (cni_env_parse(cmd, fake_get, &env, &err) < 0) {
		check_err(&err);
		pd_err_clear(&err);
	}
	memset(&conf, 0, sizeof(conf));
	j = pd_json_load((const char *)data, size, CNI_CONF_MAX, &err);
	if (j == NULL)
		return 0;
	if (cni_conf_version(j, cmd, &conf, &err) < 0 || cni_conf_check_fields(j, &err) < 0 ||
	    cni_conf_parse(j, cmd, &conf, &err) < 0) {
		check_err(&err);
		check_json_text(cni_error_json(cni_reply_version(j), 7, err.msg, "fuzz"));
	} else {
		struct cni_add_result r = {.sandbox = "/run/netns/fuzz", .addr = conf.range_start};
		struct ip4_net back;
		json_t *res;

		check_conf(&conf);
		memcpy(r.ctr.name, "eth0", 5);
		res = cni_result_json(&conf, &r);
		check_json_text(pd_json_dump(res));
		/* CHECK finds the address again (a prevResult may list its own eth0). */
		if (conf.prev_result == NULL &&
		    (cni_prev_address(res, "eth0", "/run/netns/fuzz", &back, &err) < 0 ||
		     back.addr != r.addr))
			abort();
		json_decref(res);
	}
	cni_conf_clear(&conf);
	json_decref(j);
	return 0;
}
