/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Netlink sockets and namespaces; see nl.h. libnl (3.2.26 and later) makes
 * its sockets with SOCK_CLOEXEC, so no fd from here reaches a child.
 */
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <netlink/errno.h>

#include "cleanup.h"
#include "log.h"

int
np_nl_fail(struct pd_err *err, int nlerr, const char *fmt, ...)
{
	char what[PD_ERR_MSG_MAX];
	enum pd_kind kind = PD_E_SYSTEM;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof(what), fmt, ap) < 0)
		what[0] = '\0';
	va_end(ap);
	switch (-nlerr) {
	case NLE_EXIST:
		kind = PD_E_CONFLICT;
		break;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		kind = PD_E_NOT_FOUND;
		break;
	case NLE_PERM:
	case NLE_NOACCESS:
		kind = PD_E_FORBIDDEN;
		break;
	case NLE_BUSY:
	case NLE_AGAIN:
		kind = PD_E_UNAVAILABLE;
		break;
	default:
		break;
	}
	return pd_fail(err, kind, "%s: %s", what, nl_geterror(nlerr));
}

struct nl_sock *
np_nl_open(struct pd_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (sk == NULL)
		abort(); /* out of memory: see STYLE.md */
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		np_nl_fail(err, r, "open a route netlink socket");
		return NULL;
	}
	return sk;
}

int
np_netns_open(const char *path, struct pd_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return pd_fail(err, PD_E_NOT_FOUND, "network namespace %.64s does not exist", path);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open network namespace %.64s", path);
	return fd;
}

int
np_in_netns(int nsfd, int (*fn)(void *arg, struct pd_err *err), void *arg, struct pd_err *err)
{
	/* /proc/thread-self: Linux 3.17. */
	cleanup_close int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return pd_fail_errno(err, errno, "open /proc/thread-self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		if (errno == EINVAL)
			return pd_fail(err, PD_E_INVALID, "not a network namespace");
		return pd_fail_errno(err, errno, "enter the network namespace");
	}
	r = fn(arg, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		log_error("cannot return to netplug's own network namespace: %m");
		abort();
	}
	return r;
}

static int
open_here(void *arg, struct pd_err *err)
{
	struct nl_sock **out = arg;

	*out = np_nl_open(err);
	return *out == NULL ? -1 : 0;
}

struct nl_sock *
np_nl_open_in(int nsfd, struct pd_err *err)
{
	struct nl_sock *sk = NULL;

	if (np_in_netns(nsfd, open_here, &sk, err) < 0)
		return NULL;
	return sk;
}
