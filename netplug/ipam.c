/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host-local style allocation; see ipam.h. The files are written with
 * pd_file_write_volatile (atomic, no fsync): an allocation only matters while
 * its namespace lives, and a crash of the machine ends every namespace, so
 * what a crash loses is moot, and a leftover is what GC is for.
 */
#include "ipam.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"

#define LAST_RESERVED  "last_reserved_ip.0" /* host-local's name, range set 0 */
#define LAST_RESERVED6 "last_reserved_ip.1" /* range set 1: IPv6 */
#define RECORD_MAX     1024

int
ipam_open(struct ipam *ip, const struct cni_conf *conf, bool create, struct pd_err *err)
{
	char path[CNI_PATH_MAX + CNI_NETWORK_MAX + 2];
	cleanup_close int dirfd = -1;
	cleanup_close int lockfd = -1;
	int n = snprintf(path, sizeof(path), "%s/%s", conf->data_dir, conf->name);

	ip->dirfd = -1;
	ip->lockfd = -1;
	if (n < 0 || (size_t)n >= sizeof(path))
		return pd_fail(err, PD_E_INVALID, "data dir path is too long");
	if (create && pd_mkdir_p(path, 0755, err) < 0)
		return pd_err_prefix(err, "ipam");
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT && !create)
		return 1;
	if (dirfd < 0)
		return pd_fail_errno(err, errno, "ipam: open %s", path);
	lockfd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lockfd < 0)
		return pd_fail_errno(err, errno, "ipam: open %s/lock", path);
	/* Holders are short-lived netplug (or host-local) processes and hold
	 * the lock for file operations only, so waiting is bounded in practice,
	 * and a holder that dies drops it with its fd. */
	while (flock(lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return pd_fail_errno(err, errno, "ipam: lock %s/lock", path);
	ip->dirfd = steal_fd(dirfd);
	ip->lockfd = steal_fd(lockfd);
	ip->subnet = conf->subnet;
	ip->start = conf->range_start;
	ip->end = conf->range_end;
	ip->gateway = conf->gateway;
	ip->has_v6 = conf->has_v6;
	ip->subnet6 = conf->subnet6;
	ip->start6 = conf->range_start6;
	ip->end6 = conf->range_end6;
	ip->gateway6 = conf->gateway6;
	return 0;
}

void
ipam_close(struct ipam *ip)
{
	close_reset(&ip->lockfd);
	close_reset(&ip->dirfd);
}

/* A record "ID\r\nIFNAME" (host-local's; "ID" alone in its older files). */
static bool
record_matches(const char *rec, const char *id, const char *ifname)
{
	size_t idlen = strcspn(rec, "\r\n");
	const char *rest = rec + idlen + strspn(rec + idlen, "\r\n");
	size_t iflen = strcspn(rest, "\r\n");

	if (idlen != strlen(id) || strncmp(rec, id, idlen) != 0)
		return false;
	return iflen == 0 || (iflen == strlen(ifname) && strncmp(rest, ifname, iflen) == 0);
}

/* Called for each allocation file (@addr: an IPv4 one's address, 0 for an
 * IPv6 one); returns < 0 to stop with an error, 1 to stop early, 0 to go on. */
typedef int (*each_fn)(struct ipam *ip, const char *name, uint32_t addr, const char *rec, void *arg,
		       struct pd_err *err);

/* Call @fn for each file named by an address, with its record. */
static int
each_allocation(struct ipam *ip, each_fn fn, void *arg, struct pd_err *err)
{
	cleanup_closedir DIR *dir = pd_dir_stream(ip->dirfd, ".", "the network directory", err);
	struct dirent *de;
	int r = 0;

	if (dir == NULL)
		return pd_err_prefix(err, "ipam");
	while (r == 0 && (de = readdir(dir)) != NULL) {
		cleanup_free char *rec = NULL;
		struct pd_err ignored;
		uint32_t addr = 0;
		ip6_addr addr6;
		size_t len;

		if (ip4_parse(de->d_name, &addr, &ignored) < 0 &&
		    ip6_parse(de->d_name, &addr6, &ignored) < 0)
			continue; /* lock, last_reserved_ip.N, temporary files */
		if (pd_file_read(ip->dirfd, de->d_name, RECORD_MAX, &rec, &len, err) < 0) {
			if (err->kind == PD_E_NOT_FOUND)
				continue; /* released by GC of another tool meanwhile */
			r = pd_err_prefix(err, "ipam");
			break;
		}
		r = fn(ip, de->d_name, addr, rec, arg, err);
	}
	return r < 0 ? -1 : 0;
}

struct find_arg {
	const char *id, *ifname;
	uint32_t addr;
	ip6_addr addr6;
	int found;
	bool release;
	bool v6; /* find: the IPv6 address, not the IPv4 one */
};

static int
find_one(struct ipam *ip, const char *name, uint32_t addr, const char *rec, void *arg,
	 struct pd_err *err)
{
	struct find_arg *f = arg;

	struct pd_err ignored;

	if (!record_matches(rec, f->id, f->ifname))
		return 0;
	if (!f->release) {
		if (f->v6 != (addr == 0) || (f->v6 && ip6_parse(name, &f->addr6, &ignored) < 0))
			return 0;
		f->addr = addr;
		f->found++;
		return 1;
	}
	f->found++;
	if (unlinkat(ip->dirfd, name, 0) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "ipam: release %s", name);
	return 0;
}

int
ipam_find(struct ipam *ip, const char *id, const char *ifname, uint32_t *out, struct pd_err *err)
{
	struct find_arg f = {.id = id, .ifname = ifname};

	if (each_allocation(ip, find_one, &f, err) < 0)
		return -1;
	if (f.found == 0)
		return pd_fail(err, PD_E_NOT_FOUND, "no address is allocated to %s/%s", id, ifname);
	*out = f.addr;
	return 0;
}

int
ipam_find6(struct ipam *ip, const char *id, const char *ifname, ip6_addr *out, struct pd_err *err)
{
	struct find_arg f = {.id = id, .ifname = ifname, .v6 = true};

	if (each_allocation(ip, find_one, &f, err) < 0)
		return -1;
	if (f.found == 0)
		return pd_fail(err, PD_E_NOT_FOUND, "no IPv6 address is allocated to %s/%s", id,
			       ifname);
	*out = f.addr6;
	return 0;
}

int
ipam_release(struct ipam *ip, const char *id, const char *ifname, struct pd_err *err)
{
	struct find_arg f = {.id = id, .ifname = ifname, .release = true};

	if (each_allocation(ip, find_one, &f, err) < 0)
		return -1;
	return f.found;
}

/* Whether the address @name has a file: 1 taken, 0 free. */
static int
taken_name(struct ipam *ip, const char *name, struct pd_err *err)
{
	struct stat st;

	if (fstatat(ip->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	return pd_fail_errno(err, errno, "ipam: stat %s", name);
}

static int
taken(struct ipam *ip, uint32_t addr, struct pd_err *err)
{
	char name[IP4_STR_MAX];

	ip4_format(addr, name);
	return taken_name(ip, name, err);
}

static int
reserve_name(struct ipam *ip, const char *name, const char *id, const char *ifname,
	     struct pd_err *err)
{
	char rec[CNI_ID_MAX + IFNAMSIZ + 3];
	int n = snprintf(rec, sizeof(rec), "%s\r\n%s", id, ifname);

	if (n < 0 || (size_t)n >= sizeof(rec))
		return pd_fail(err, PD_E_INVALID, "ipam: container id is too long");
	if (pd_file_write_volatile(ip->dirfd, name, rec, (size_t)n, err) < 0)
		return pd_err_prefix(err, "ipam: reserve %s", name);
	return 0;
}

static int
reserve(struct ipam *ip, uint32_t addr, const char *id, const char *ifname, struct pd_err *err)
{
	char name[IP4_STR_MAX];

	ip4_format(addr, name);
	return reserve_name(ip, name, id, ifname, err);
}

/* The address handed out last, or 0. */
static uint32_t
last_reserved(struct ipam *ip)
{
	cleanup_free char *buf = NULL;
	struct pd_err ignored;
	uint32_t a = 0;
	size_t len;

	if (pd_file_read(ip->dirfd, LAST_RESERVED, 64, &buf, &len, &ignored) < 0)
		return 0;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (ip4_parse(buf, &a, &ignored) < 0)
		return 0;
	return a;
}

static int
allocate_static(struct ipam *ip, const char *id, const char *ifname, uint32_t want,
		struct pd_err *err)
{
	char a[IP4_STR_MAX], s[IP4_STR_MAX], e[IP4_STR_MAX];
	int t;

	ip4_format(want, a);
	ip4_format(ip->start, s);
	ip4_format(ip->end, e);
	if (want < ip->start || want > ip->end)
		return pd_fail(err, PD_E_INVALID, "address %s is outside the range %s-%s", a, s, e);
	if (want == ip->gateway)
		return pd_fail(err, PD_E_INVALID, "address %s is the gateway", a);
	t = taken(ip, want, err);
	if (t < 0)
		return -1;
	if (t > 0)
		return pd_fail(err, PD_E_CONFLICT, "address %s is already allocated", a);
	return reserve(ip, want, id, ifname, err);
}

int
ipam_allocate(struct ipam *ip, const char *id, const char *ifname, uint32_t want, uint32_t *out,
	      struct pd_err *err)
{
	uint64_t size = (uint64_t)ip->end - ip->start + 1;
	char held[IP4_STR_MAX], s[IP4_STR_MAX], e[IP4_STR_MAX];
	struct pd_err ignored;
	uint32_t addr = 0;

	if (ipam_find(ip, id, ifname, &addr, &ignored) == 0) {
		ip4_format(addr, held);
		return pd_fail(err, PD_E_CONFLICT, "%s/%s already has the address %s", id, ifname,
			       held);
	}
	if (want != 0) {
		if (allocate_static(ip, id, ifname, want, err) < 0)
			return -1;
		*out = want;
		return 0;
	}
	addr = ip4_range_next(last_reserved(ip), ip->start, ip->end);
	for (uint64_t i = 0; i < size; i++, addr = ip4_range_next(addr, ip->start, ip->end)) {
		char name[IP4_STR_MAX];
		int t;

		if (addr == ip->gateway)
			continue;
		t = taken(ip, addr, err);
		if (t < 0)
			return -1;
		if (t > 0)
			continue;
		if (reserve(ip, addr, id, ifname, err) < 0)
			return -1;
		ip4_format(addr, name);
		/* Only a hint for the next search: losing it is harmless. */
		(void)pd_file_write_volatile(ip->dirfd, LAST_RESERVED, name, strlen(name),
					     &ignored);
		*out = addr;
		return 0;
	}
	ip4_format(ip->start, s);
	ip4_format(ip->end, e);
	return pd_fail(err, PD_E_CONFLICT, "no free address left in the range %s-%s", s, e);
}

/* The IPv6 address handed out last, or 0. */
static ip6_addr
last_reserved6(struct ipam *ip)
{
	cleanup_free char *buf = NULL;
	struct pd_err ignored;
	ip6_addr a = 0;
	size_t len;

	if (pd_file_read(ip->dirfd, LAST_RESERVED6, 64, &buf, &len, &ignored) < 0)
		return 0;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (ip6_parse(buf, &a, &ignored) < 0)
		return 0;
	return a;
}

/* How many addresses a search of the IPv6 range tries before it gives up:
 * a /64 is never full, a small range is searched whole. */
#define SEARCH6_MAX 65536

int
ipam_allocate6(struct ipam *ip, const char *id, const char *ifname, ip6_addr want, ip6_addr *out,
	       struct pd_err *err)
{
	ip6_addr size = ip->end6 - ip->start6 + 1, addr = 0;
	char name[IP6_STR_MAX];
	struct pd_err ignored;

	if (ipam_find6(ip, id, ifname, &addr, &ignored) == 0) {
		ip6_format(addr, name);
		return pd_fail(err, PD_E_CONFLICT, "%s/%s already has the address %s", id, ifname,
			       name);
	}
	if (want != 0) {
		ip6_format(want, name);
		if (want < ip->start6 || want > ip->end6 || want == ip->gateway6)
			return pd_fail(err, PD_E_INVALID,
				       "address %s is outside the IPv6 range or the gateway", name);
		int t = taken_name(ip, name, err);

		if (t != 0)
			return t < 0 ? -1
				     : pd_fail(err, PD_E_CONFLICT,
					       "address %s is already allocated", name);
		if (reserve_name(ip, name, id, ifname, err) < 0)
			return -1;
		*out = want;
		return 0;
	}
	addr = ip6_range_next(last_reserved6(ip), ip->start6, ip->end6);
	for (ip6_addr i = 0; i < size && i < SEARCH6_MAX;
	     i++, addr = ip6_range_next(addr, ip->start6, ip->end6)) {
		int t;

		if (addr == ip->gateway6)
			continue;
		ip6_format(addr, name);
		t = taken_name(ip, name, err);
		if (t < 0)
			return -1;
		if (t > 0)
			continue;
		if (reserve_name(ip, name, id, ifname, err) < 0)
			return -1;
		(void)pd_file_write_volatile(ip->dirfd, LAST_RESERVED6, name, strlen(name),
					     &ignored);
		*out = addr;
		return 0;
	}
	return pd_fail(err, PD_E_CONFLICT, "no free address left in the IPv6 range");
}

struct gc_arg {
	const struct cni_attachment *keep;
	size_t n;
	int removed;
};

static int
gc_one(struct ipam *ip, const char *name, uint32_t addr, const char *rec, void *arg,
       struct pd_err *err)
{
	struct gc_arg *g = arg;

	(void)addr;
	for (size_t i = 0; i < g->n; i++)
		if (record_matches(rec, g->keep[i].id, g->keep[i].ifname))
			return 0;
	if (unlinkat(ip->dirfd, name, 0) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "ipam: release %s", name);
	g->removed++;
	return 0;
}

int
ipam_gc(struct ipam *ip, const struct cni_attachment *keep, size_t n, struct pd_err *err)
{
	struct gc_arg g = {.keep = keep, .n = n};

	if (each_allocation(ip, gc_one, &g, err) < 0)
		return -1;
	return g.removed;
}

static int
count_one(struct ipam *ip, const char *name, uint32_t addr, const char *rec, void *arg,
	  struct pd_err *err)
{
	(void)name;
	(void)rec;
	(void)err;
	/* IPv4 only (addr 0 is an IPv6 file): STATUS speaks of that range. */
	if (addr != 0 && addr >= ip->start && addr <= ip->end && addr != ip->gateway)
		(*(uint64_t *)arg)++;
	return 0;
}

int
ipam_free_count(struct ipam *ip, uint32_t *out, struct pd_err *err)
{
	uint64_t size = (uint64_t)ip->end - ip->start + 1, used = 0;

	if (ip->gateway >= ip->start && ip->gateway <= ip->end)
		size--;
	if (each_allocation(ip, count_one, &used, err) < 0)
		return -1;
	*out = used >= size ? 0 : (uint32_t)(size - used);
	return 0;
}
