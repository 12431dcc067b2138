/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: a datagram as podd's DNS servers get it from anyone
 * on a network. pd_dns_query_parse on the bytes; a query that parses gets
 * every kind of answer podd builds (into a buffer of a size taken from
 * the input, so the truncation path runs), which must stay within it and
 * parse back as a response with the same id; the name goes through the
 * reverse and domain checks; the bytes also go through pd_resolv_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "resolv_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
answer(const uint8_t *data, size_t size, const struct pd_dns_query *q, size_t cap)
{
	static uint8_t out[PD_DNS_MSG_MAX];
	static const uint8_t a6[16] = {0xfd, 0x77, [15] = 2};
	static const uint8_t a4[4] = {10, 77, 0, 2};
	struct pd_dns_reply r;
	struct pd_err err = {0};

	if (pd_dns_reply_start(&r, out, cap, data, q, PD_DNS_NOERROR, &err) < 0) {
		if (cap >= q->end)
			abort();
		return;
	}
	for (int i = 0; i < 20; i++) {
		pd_dns_reply_add_addr(&r, i % 2 ? a6 : a4, i % 2 ? 16 : 4, 60);
		(void)pd_dns_reply_add_ptr(&r, q->name[0] != '\0' ? q->name : "x", 60, &err);
	}
	if (r.len > cap || r.len < q->end || pd_dns_msg_id(out, r.len) != q->id ||
	    (r.truncated && !pd_dns_msg_truncated(out, r.len)))
		abort();
	(void)size;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_dns_query q;
	struct pd_err err = {0};
	struct pd_resolv rc;
	uint8_t addr[16];
	int family;
	size_t n;
	char *rest;

	pd_resolv_parse((const char *)data, size, &rc);
	rest = pd_resolv_for_server((const char *)data, size, "10.77.0.1", "dns.podd");
	free(rest);
	if (pd_dns_query_parse(data, size, &q, &err) < 0)
		return 0;
	if (strlen(q.name) >= PD_DNS_NAME_MAX || q.end > size)
		abort();
	(void)pd_dns_reverse_addr(q.name, &family, addr);
	(void)pd_dns_name_in(q.name, "dns.podd", &n);
	answer(data, size, &q, size > 0 ? q.end + data[size - 1] : q.end);
	answer(data, size, &q, PD_DNS_UDP_MAX);
	return 0;
}
