/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespace helpers; see ns.h.
 */
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "cleanup.h"

static const struct pd_ns_desc ns_table[PD_NS_COUNT] = {
    [PD_NS_NET] = {"net", CLONE_NEWNET}, [PD_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [PD_NS_UTS] = {"uts", CLONE_NEWUTS}, [PD_NS_PID] = {"pid", CLONE_NEWPID},
    [PD_NS_MNT] = {"mnt", CLONE_NEWNS},  [PD_NS_USER] = {"user", CLONE_NEWUSER},
};

const struct pd_ns_desc *
pd_ns_desc(enum pd_ns_type type)
{
	return &ns_table[type];
}

static int
proc_ns_path(pid_t pid, enum pd_ns_type type, char *buf, size_t len, struct pd_err *err)
{
	int n = snprintf(buf, len, "/proc/%d/ns/%s", (int)pid, ns_table[type].name);

	if (n < 0 || (size_t)n >= len)
		return pd_fail(err, PD_E_INVALID, "namespace path too long");
	return 0;
}

int
pd_ns_id(pid_t pid, enum pd_ns_type type, char *buf, size_t len, struct pd_err *err)
{
	char path[64];
	ssize_t n;

	if (proc_ns_path(pid, type, path, sizeof(path), err) < 0)
		return -1;
	n = readlink(path, buf, len - 1);
	if (n < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "process %d is gone", (int)pid);
	if (n < 0)
		return pd_fail_errno(err, errno, "readlink %s", path);
	buf[n] = '\0';
	return 0;
}

int
pd_ns_id_fd(int fd, enum pd_ns_type type, char *buf, size_t len, struct pd_err *err)
{
	struct stat st;
	int n;

	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "stat namespace");
	n = snprintf(buf, len, "%s:[%lu]", ns_table[type].name, (unsigned long)st.st_ino);
	if (n < 0 || (size_t)n >= len)
		return pd_fail(err, PD_E_INVALID, "namespace id too long");
	return 0;
}

int
pd_ns_bind(pid_t pid, enum pd_ns_type type, const char *target, struct pd_err *err)
{
	char path[64];
	int fd;

	if (proc_ns_path(pid, type, path, sizeof(path), err) < 0)
		return -1;
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0 && errno == EEXIST)
		return pd_fail(err, PD_E_CONFLICT, "%s already exists", target);
	if (fd < 0)
		return pd_fail_errno(err, errno, "create %s", target);
	close(fd);
	if (mount(path, target, NULL, MS_BIND, NULL) < 0) {
		int e = errno;

		unlink(target);
		return pd_fail_errno(err, e, "bind %s on %s", path, target);
	}
	return 0;
}

int
pd_ns_unbind(const char *target, struct pd_err *err)
{
	if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return pd_fail_errno(err, errno, "unmount %s", target);
	if (unlink(target) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "remove %s", target);
	return 0;
}

int
pd_ns_open_file(const char *path, enum pd_ns_type type, struct pd_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int kind;

	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", path);
	/* NS_GET_NSTYPE: Linux 4.11. A plain file (a bind mount that is gone)
	 * fails here with ENOTTY. */
	kind = ioctl(fd, NS_GET_NSTYPE);
	if (kind < 0 || kind != ns_table[type].clone_flag)
		return pd_fail(err, PD_E_NOT_FOUND, "%s is not a %s namespace", path,
			       ns_table[type].name);
	return steal_fd(fd);
}

int
pd_ns_loopback_up(struct pd_err *err)
{
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (fd < 0)
		return pd_fail_errno(err, errno, "socket for lo");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return pd_fail_errno(err, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return pd_fail_errno(err, errno, "bring lo up");
	return 0;
}
