/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The masquerade rules; see masq.h. Rules are found by listing the chain as
 * JSON (with handles) and deleted by handle. Which rules belong to a network
 * is told by their source address (the first match of each rule), since
 * networks' subnets do not overlap.
 */
#include "masq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "nft.h"
#include "xalloc.h"

#define TABLE       "inet netplug"
#define CHAIN       "postrouting"
#define COMMENT_MAX 128 /* nft's limit on a comment, NUL included */

/* The lock for changes to the table: the data dir itself, flock()ed, so
 * every netplug sharing a data dir (all of podd's networks) serialises. */
static int
lock_table(const struct cni_conf *conf, struct pd_err *err)
{
	cleanup_close int fd = -1;

	if (pd_mkdir_p(conf->data_dir, 0755, err) < 0)
		return pd_err_prefix(err, "ipMasq");
	fd = open(conf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "ipMasq: open %s", conf->data_dir);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return pd_fail_errno(err, errno, "ipMasq: lock %s", conf->data_dir);
	return steal_fd(fd);
}

/* "ID/IFNAME" into @out; PD_E_INVALID when it cannot be a comment. */
static int
comment_of(const char *id, const char *ifname, char out[COMMENT_MAX], struct pd_err *err)
{
	int n = snprintf(out, COMMENT_MAX, "%s/%s", id, ifname);

	if (n < 0 || n >= COMMENT_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "ipMasq: CNI_CONTAINERID and CNI_IFNAME together are longer than "
			       "%d bytes (an nftables comment)",
			       COMMENT_MAX - 2);
	if (strpbrk(out, "\"\\'") != NULL)
		return pd_fail(err, PD_E_INVALID, "ipMasq: CNI_IFNAME %.16s has a quote", ifname);
	return 0;
}

int
np_masq_add(const struct cni_conf *conf, const char *id, const char *ifname, uint32_t addr4,
	    const ip6_addr *addr6, struct pd_err *err)
{
	cleanup_close int lock = -1;
	cleanup_free char *cmds = NULL, *r4 = NULL, *r6 = NULL;
	char comment[COMMENT_MAX];

	if (comment_of(id, ifname, comment, err) < 0)
		return -1;
	if (addr4 != 0) {
		char a[IP4_STR_MAX], net[IP4_CIDR_MAX];

		ip4_format(addr4, a);
		ip4_format_cidr(ip4_network(&conf->subnet), conf->subnet.prefix, net);
		r4 = xasprintf("add rule " TABLE " " CHAIN " ip saddr %s ip daddr != %s "
			       "ip daddr != 224.0.0.0/4 masquerade comment \"%s\"\n",
			       a, net, comment);
	}
	if (addr6 != NULL) {
		char a[IP6_STR_MAX], net[IP6_CIDR_MAX];

		ip6_format(*addr6, a);
		ip6_format_cidr(ip6_network(&conf->subnet6), conf->subnet6.prefix, net);
		r6 = xasprintf("add rule " TABLE " " CHAIN " ip6 saddr %s ip6 daddr != %s "
			       "ip6 daddr != ff00::/8 masquerade comment \"%s\"\n",
			       a, net, comment);
	}
	cmds = xasprintf("add table " TABLE "\n"
			 "add chain " TABLE " " CHAIN
			 " { type nat hook postrouting priority srcnat; policy accept; }\n%s%s",
			 r4 ? r4 : "", r6 ? r6 : "");
	lock = lock_table(conf, err);
	if (lock < 0)
		return -1;
	if (pd_nft_run(cmds, err) < 0)
		return pd_err_prefix(err, "ipMasq: add the rules of %s", comment);
	return 0;
}

/* Decides whether a rule goes; @r is a "rule" object of nft's JSON. */
typedef bool rule_pred(const json_t *r, const char *comment, void *arg);

/* The source address a rule matches (its first expression), or NULL. */
static const char *
rule_saddr(const json_t *r)
{
	const json_t *m = json_object_get(json_array_get(json_object_get(r, "expr"), 0), "match");
	const json_t *field =
	    json_object_get(json_object_get(json_object_get(m, "left"), "payload"), "field");

	if (!json_is_string(field) || strcmp(json_string_value(field), "saddr") != 0)
		return NULL;
	return json_string_value(json_object_get(m, "right"));
}

/* Delete the rules @pred picks, and the table with them when no rule is
 * left; returns how many rules @pred picked (with @dry, nothing is deleted). */
static int
delete_rules(const struct cni_conf *conf, rule_pred *pred, void *arg, bool dry, struct pd_err *err)
{
	cleanup_close int lock = -1;
	cleanup_json json_t *out = NULL;
	cleanup_free char *cmds = xstrdup("");
	size_t i, total = 0, picked = 0;
	json_t *item;

	if (!dry) {
		lock = lock_table(conf, err);
		if (lock < 0)
			return -1;
	}
	if (pd_nft_list("list chain " TABLE " " CHAIN, &out, err) < 0) {
		if (err->kind != PD_E_NOT_FOUND)
			return pd_err_prefix(err, "ipMasq");
		pd_err_clear(err);
		return 0;
	}
	json_array_foreach (json_object_get(out, "nftables"), i, item) {
		const json_t *r = json_object_get(item, "rule");
		const char *comment = json_string_value(json_object_get(r, "comment"));
		json_int_t handle = json_integer_value(json_object_get(r, "handle"));
		char *more;

		if (r == NULL)
			continue;
		total++;
		if (comment == NULL || !pred(r, comment, arg))
			continue;
		picked++;
		more = xasprintf("%sdelete rule " TABLE " " CHAIN " handle %lld\n", cmds,
				 (long long)handle);
		free(cmds);
		cmds = more;
	}
	if (dry || picked == 0)
		return (int)picked;
	if (picked == total) {
		free(cmds);
		cmds = xstrdup("delete table " TABLE "\n");
	}
	if (pd_nft_run(cmds, err) < 0)
		return pd_err_prefix(err, "ipMasq: delete rules");
	return (int)picked;
}

static bool
is_comment(const json_t *r, const char *comment, void *arg)
{
	(void)r;
	return strcmp(comment, arg) == 0;
}

int
np_masq_del(const struct cni_conf *conf, const char *id, const char *ifname, struct pd_err *err)
{
	char comment[COMMENT_MAX];
	struct pd_err ignored;

	/* An attachment whose name cannot be a comment has no rule. */
	if (comment_of(id, ifname, comment, &ignored) < 0)
		return 0;
	return delete_rules(conf, is_comment, comment, false, err) < 0 ? -1 : 0;
}

int
np_masq_count(const struct cni_conf *conf, const char *id, const char *ifname, size_t *n,
	      struct pd_err *err)
{
	char comment[COMMENT_MAX];
	int r;

	if (comment_of(id, ifname, comment, err) < 0)
		return -1;
	r = delete_rules(conf, is_comment, comment, true, err);
	if (r < 0)
		return -1;
	*n = (size_t)r;
	return 0;
}

/* A rule of @conf's network that no kept attachment owns. */
static bool
is_stale(const json_t *r, const char *comment, void *arg)
{
	const struct cni_conf *conf = arg;
	const char *saddr = rule_saddr(r);
	struct pd_err ignored;
	uint32_t a4;
	ip6_addr a6;
	bool mine;

	if (saddr == NULL)
		return false;
	mine = (ip4_parse(saddr, &a4, &ignored) == 0 && ip4_contains(&conf->subnet, a4)) ||
	       (conf->has_v6 && ip6_parse(saddr, &a6, &ignored) == 0 &&
		ip6_contains(&conf->subnet6, a6));
	if (!mine)
		return false;
	for (size_t i = 0; i < conf->n_valid; i++) {
		char keep[COMMENT_MAX];

		if (comment_of(conf->valid[i].id, conf->valid[i].ifname, keep, &ignored) == 0 &&
		    strcmp(keep, comment) == 0)
			return false;
	}
	return true;
}

int
np_masq_gc(const struct cni_conf *conf, struct pd_err *err)
{
	return delete_rules(conf, is_stale, (void *)conf, false, err) < 0 ? -1 : 0;
}
