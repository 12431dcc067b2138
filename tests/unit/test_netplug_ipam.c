/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netplug/ipam on a temp dir: the order addresses are handed out in (after
 * the last one, skipping the gateway, wrapping), static requests, release
 * and find by attachment, GC against a keep list, the free count, an
 * exhausted range, host-local's file layout, and the lock keeping forked
 * allocators from handing out one address twice.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "file.h"
#include "ipam.h"
#include "unit.h"

static char dir[256];

/* A conf of the network "net" on @subnet in the temp dir. */
static struct cni_conf
conf_for(const char *subnet, const char *start, const char *end)
{
	struct cni_conf c;
	struct pd_err err = {0};

	memset(&c, 0, sizeof(c));
	memcpy(c.name, "net", 4);
	REQUIRE(ip4_parse_cidr(subnet, &c.subnet, &err) == 0);
	c.gateway = c.subnet.addr + 1;
	c.range_start = c.subnet.addr + 1;
	c.range_end = ip4_broadcast(&c.subnet) - 1;
	if (start != NULL)
		REQUIRE(ip4_parse(start, &c.range_start, &err) == 0);
	if (end != NULL)
		REQUIRE(ip4_parse(end, &c.range_end, &err) == 0);
	REQUIRE((size_t)snprintf(c.data_dir, sizeof(c.data_dir), "%s", dir) < sizeof(c.data_dir));
	return c;
}

static const char *
fmt(uint32_t a)
{
	static char buf[4][IP4_STR_MAX];
	static int n;

	ip4_format(a, buf[n % 4]);
	return buf[n++ % 4];
}

/* Allocate for (@id, eth0); the address as text, or "" on failure. */
static const char *
alloc(struct ipam *ip, const char *id, const char *want, struct pd_err *err)
{
	uint32_t w = 0, a = 0;

	if (want != NULL)
		REQUIRE(ip4_parse(want, &w, err) == 0);
	if (ipam_allocate(ip, id, "eth0", w, &a, err) < 0)
		return "";
	return fmt(a);
}

static void
test_order(void)
{
	struct cni_conf c;
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};
	char path[512];
	cleanup_free char *rec = NULL;
	size_t len;

	unit_tmpdir(dir, sizeof(dir));
	c = conf_for("10.77.0.0/29", NULL, NULL); /* .1 gateway, .2 to .6 */
	REQUIRE(ipam_open(&ip, &c, true, &err) == 0);
	CHECK_STR(alloc(&ip, "a", NULL, &err), ==, "10.77.0.2");
	CHECK_STR(alloc(&ip, "b", NULL, &err), ==, "10.77.0.3");
	/* host-local's layout: the record and the last one handed out. */
	REQUIRE(pd_file_read(ip.dirfd, "10.77.0.3", 100, &rec, &len, &err) == 0);
	CHECK_STR(rec, ==, "b\r\neth0");
	free(rec);
	rec = NULL;
	REQUIRE(pd_file_read(ip.dirfd, "last_reserved_ip.0", 100, &rec, &len, &err) == 0);
	CHECK_STR(rec, ==, "10.77.0.3");
	/* Released addresses are not handed out again at once. */
	CHECK_INT(ipam_release(&ip, "a", "eth0", &err), ==, 1);
	CHECK_INT(ipam_release(&ip, "a", "eth0", &err), ==, 0);
	CHECK_STR(alloc(&ip, "c", NULL, &err), ==, "10.77.0.4");
	CHECK_STR(alloc(&ip, "d", NULL, &err), ==, "10.77.0.5");
	CHECK_STR(alloc(&ip, "e", NULL, &err), ==, "10.77.0.6");
	/* Wrapping skips the gateway and what is taken. */
	CHECK_STR(alloc(&ip, "f", NULL, &err), ==, "10.77.0.2");
	CHECK_STR(alloc(&ip, "g", NULL, &err), ==, "");
	CHECK_INT(err.kind, ==, PD_E_CONFLICT);
	CHECK_CONTAINS(err.msg, "no free address left in the range 10.77.0.1-10.77.0.6");
	UNIT_FMT(path, "%s/net/lock", dir);
	CHECK(access(path, F_OK) == 0);
	ipam_close(&ip);
	unit_rmtree(dir);
}

static void
test_static_and_duplicates(void)
{
	struct cni_conf c;
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};
	uint32_t a;

	unit_tmpdir(dir, sizeof(dir));
	c = conf_for("10.77.0.0/24", "10.77.0.10", "10.77.0.20");
	REQUIRE(ipam_open(&ip, &c, true, &err) == 0);
	CHECK_STR(alloc(&ip, "a", "10.77.0.15", &err), ==, "10.77.0.15");
	CHECK_STR(alloc(&ip, "b", "10.77.0.15", &err), ==, "");
	CHECK_INT(err.kind, ==, PD_E_CONFLICT);
	CHECK_CONTAINS(err.msg, "10.77.0.15 is already allocated");
	CHECK_STR(alloc(&ip, "b", "10.77.0.21", &err), ==, "");
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "outside the range 10.77.0.10-10.77.0.20");
	CHECK_STR(alloc(&ip, "b", "10.77.0.1", &err), ==, "");
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	/* One address per attachment, as host-local. */
	CHECK_STR(alloc(&ip, "a", NULL, &err), ==, "");
	CHECK_CONTAINS(err.msg, "a/eth0 already has the address 10.77.0.15");
	/* The same container on another interface is another attachment. */
	CHECK_INT(ipam_allocate(&ip, "a", "net1", 0, &a, &err), ==, 0);
	CHECK_STR(fmt(a), ==, "10.77.0.10");
	CHECK_INT(ipam_find(&ip, "a", "net1", &a, &err), ==, 0);
	CHECK_STR(fmt(a), ==, "10.77.0.10");
	CHECK_INT(ipam_find(&ip, "a", "eth0", &a, &err), ==, 0);
	CHECK_STR(fmt(a), ==, "10.77.0.15");
	CHECK_INT(ipam_find(&ip, "z", "eth0", &a, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	ipam_close(&ip);
	unit_rmtree(dir);
}

static void
test_gc_and_count(void)
{
	struct cni_conf c;
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};
	struct cni_attachment keep[2] = {{"b", "eth0"}, {"nosuch", "eth0"}};
	uint32_t left, a;
	int fd;

	unit_tmpdir(dir, sizeof(dir));
	c = conf_for("10.77.0.0/29", NULL, NULL);
	REQUIRE(ipam_open(&ip, &c, true, &err) == 0);
	CHECK_INT(ipam_free_count(&ip, &left, &err), ==, 0);
	CHECK_INT(left, ==, 5);
	CHECK_STR(alloc(&ip, "a", NULL, &err), ==, "10.77.0.2");
	CHECK_STR(alloc(&ip, "b", NULL, &err), ==, "10.77.0.3");
	CHECK_STR(alloc(&ip, "c", NULL, &err), ==, "10.77.0.4");
	/* An older host-local record holds the id alone. */
	fd = openat(ip.dirfd, "10.77.0.6", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	REQUIRE(fd >= 0 && write(fd, "old\n", 4) == 4);
	close(fd);
	CHECK_INT(ipam_find(&ip, "old", "eth0", &a, &err), ==, 0);
	CHECK_INT(ipam_free_count(&ip, &left, &err), ==, 0);
	CHECK_INT(left, ==, 1);
	CHECK_INT(ipam_gc(&ip, keep, 2, &err), ==, 3);
	CHECK_INT(ipam_find(&ip, "b", "eth0", &a, &err), ==, 0);
	CHECK_INT(ipam_find(&ip, "a", "eth0", &a, &err), ==, -1);
	CHECK_INT(ipam_free_count(&ip, &left, &err), ==, 0);
	CHECK_INT(left, ==, 4);
	CHECK_INT(ipam_gc(&ip, NULL, 0, &err), ==, 1);
	CHECK_INT(ipam_free_count(&ip, &left, &err), ==, 0);
	CHECK_INT(left, ==, 5);
	ipam_close(&ip);
	unit_rmtree(dir);
}

static void
test_missing_dir(void)
{
	struct cni_conf c;
	struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};
	char path[512];

	unit_tmpdir(dir, sizeof(dir));
	c = conf_for("10.77.0.0/24", NULL, NULL);
	CHECK_INT(ipam_open(&ip, &c, false, &err), ==, 1);
	CHECK_INT(ip.dirfd, ==, -1);
	UNIT_FMT(path, "%s/net", dir);
	CHECK(access(path, F_OK) < 0);
	ipam_close(&ip);
	/* A data dir that cannot be made. */
	UNIT_FMT(c.data_dir, "%s/file/sub", dir);
	UNIT_FMT(path, "%s/file", dir);
	REQUIRE(close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == 0);
	CHECK_INT(ipam_open(&ip, &c, true, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "ipam");
	unit_rmtree(dir);
}

/* Forked allocators at once get distinct addresses: the lock works. */
static void
test_parallel(void)
{
	enum { N = 12 };
	struct cni_conf c;
	cleanup_ipam struct ipam ip = IPAM_CLOSED;
	struct pd_err err = {0};
	uint32_t left;
	pid_t pids[N];

	unit_tmpdir(dir, sizeof(dir));
	c = conf_for("10.77.0.0/24", NULL, NULL);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		REQUIRE(pids[i] >= 0);
		if (pids[i] == 0) {
			struct ipam mine = IPAM_CLOSED;
			char id[16];
			uint32_t a;
			int rc;

			(void)snprintf(id, sizeof(id), "c%d", i);
			rc = ipam_open(&mine, &c, true, &err) == 0 &&
				     ipam_allocate(&mine, id, "eth0", 0, &a, &err) == 0
				 ? 0
				 : 1;
			ipam_close(&mine);
			_exit(rc);
		}
	}
	for (int i = 0; i < N; i++) {
		int status;

		REQUIRE(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	REQUIRE(ipam_open(&ip, &c, false, &err) == 0);
	CHECK_INT(ipam_free_count(&ip, &left, &err), ==, 0);
	CHECK_INT(left, ==, 253 - N); /* a file per allocator: none shared one */
	for (int i = 0; i < N; i++) {
		char id[16];
		uint32_t a;

		UNIT_FMT(id, "c%d", i);
		CHECK_INT(ipam_find(&ip, id, "eth0", &a, &err), ==, 0);
	}
	ipam_close(&ip);
	unit_rmtree(dir);
}

static const struct unit_case cases[] = {
    {"order", test_order},
    {"static_and_duplicates", test_static_and_duplicates},
    {"gc_and_count", test_gc_and_count},
    {"missing_dir", test_missing_dir},
    {"parallel", test_parallel},
};

UNIT_MAIN(cases)
