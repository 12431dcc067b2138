/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text of podd's nftables table, from a plan; see firewall_rules.h.
 * Only names and addresses checked by fw_plan_add_* reach the text, so a
 * bridge named in a user's conflist cannot add a statement of its own.
 */
#include "firewall_rules.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static bool
all_of(const char *s, const char *extra)
{
	for (; *s != '\0'; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(extra, c) != NULL))
			return false;
	}
	return true;
}

bool
fw_plan_add_net(struct fw_plan *plan, const char *name, const char *bridge, bool internal)
{
	struct fw_net *n;
	size_t blen = strlen(bridge);

	if (blen == 0 || blen >= sizeof(n->bridge) || !all_of(bridge, "_.-") ||
	    strlen(name) >= sizeof(n->name) || !all_of(name, "_.-"))
		return false;
	for (size_t i = 0; i < plan->n_nets; i++)
		if (strcmp(plan->nets[i].name, name) == 0)
			return true;
	plan->nets = xrealloc(plan->nets, (plan->n_nets + 1) * sizeof(*plan->nets));
	n = &plan->nets[plan->n_nets++];
	memset(n, 0, sizeof(*n));
	memcpy(n->name, name, strlen(name) + 1);
	memcpy(n->bridge, bridge, blen + 1);
	n->internal = internal;
	return true;
}

static bool
ip_ok(const char *ip, bool v6)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(v6 ? AF_INET6 : AF_INET, ip, buf) == 1;
}

bool
fw_plan_add_dnat(struct fw_plan *plan, const struct fw_dnat *dnat)
{
	if ((dnat->host_ip[0] != '\0' && !ip_ok(dnat->host_ip, dnat->v6)) ||
	    !ip_ok(dnat->to_ip, dnat->v6) || dnat->owner[0] == '\0' ||
	    !all_of(dnat->owner, "_.:-") || dnat->host_port == 0 || dnat->to_port == 0)
		return false;
	plan->dnats = xrealloc(plan->dnats, (plan->n_dnats + 1) * sizeof(*plan->dnats));
	plan->dnats[plan->n_dnats++] = *dnat;
	return true;
}

void
fw_plan_clear(struct fw_plan *plan)
{
	free(plan->nets);
	free(plan->dnats);
	memset(plan, 0, sizeof(*plan));
}

bool
fw_plan_empty(const struct fw_plan *plan)
{
	return plan->n_nets == 0 && plan->n_dnats == 0;
}

static void
write_dnat(FILE *out, const struct fw_dnat *r)
{
	const char *fam = r->v6 ? "ip6" : "ip";

	fputs("\t\t", out);
	if (r->host_ip[0] != '\0')
		fprintf(out, "%s daddr %s ", fam, r->host_ip);
	else
		fprintf(out, "meta nfproto %s fib daddr type local ", r->v6 ? "ipv6" : "ipv4");
	fprintf(out, "%s dport %u dnat %s to ", port_proto_name(r->proto), r->host_port, fam);
	fprintf(out, r->v6 ? "[%s]:%u" : "%s:%u", r->to_ip, r->to_port);
	fprintf(out, " comment \"%s\"\n", r->owner);
}

/* The bridges of every network but @self, as an anonymous set. */
static void
write_others(FILE *out, const struct fw_plan *plan, size_t self)
{
	const char *sep = "{ ";

	for (size_t i = 0; i < plan->n_nets; i++) {
		if (i == self)
			continue;
		fprintf(out, "%s\"%s\"", sep, plan->nets[i].bridge);
		sep = ", ";
	}
	fputs(" }", out);
}

static void
write_forward(FILE *out, const struct fw_plan *plan)
{
	for (size_t i = 0; i < plan->n_nets; i++) {
		const struct fw_net *n = &plan->nets[i];

		if (n->internal) {
			fprintf(
			    out,
			    "\t\tiifname \"%s\" oifname != \"%s\" drop comment \"network:%s\"\n",
			    n->bridge, n->bridge, n->name);
			fprintf(
			    out,
			    "\t\toifname \"%s\" iifname != \"%s\" drop comment \"network:%s\"\n",
			    n->bridge, n->bridge, n->name);
		} else if (plan->n_nets > 1) {
			fprintf(out, "\t\tiifname \"%s\" oifname ", n->bridge);
			write_others(out, plan, i);
			fprintf(out, " drop comment \"network:%s\"\n", n->name);
		}
	}
}

char *
fw_rules_script(const struct fw_plan *plan)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL)
		abort();
	fputs("add table " FW_TABLE "\ndelete table " FW_TABLE "\n", out);
	if (!fw_plan_empty(plan)) {
		fputs("table " FW_TABLE " {\n", out);
		fputs("\tchain prerouting {\n"
		      "\t\ttype nat hook prerouting priority dstnat; policy accept;\n",
		      out);
		for (size_t i = 0; i < plan->n_dnats; i++)
			write_dnat(out, &plan->dnats[i]);
		fputs("\t}\n\tchain postrouting {\n"
		      "\t\ttype nat hook postrouting priority srcnat; policy accept;\n",
		      out);
		for (size_t i = 0; i < plan->n_nets; i++)
			if (!plan->nets[i].internal)
				fprintf(
				    out,
				    "\t\tiifname \"%s\" oifname \"%s\" ct status dnat masquerade "
				    "comment \"network:%s\"\n",
				    plan->nets[i].bridge, plan->nets[i].bridge, plan->nets[i].name);
		fputs("\t}\n\tchain forward {\n"
		      "\t\ttype filter hook forward priority filter; policy accept;\n",
		      out);
		write_forward(out, plan);
		fputs("\t}\n}\n", out);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}
