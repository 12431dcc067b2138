/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libnl in netplug: route netlink sockets, in the host's network namespace
 * or in a container's, the cleanup attributes for libnl's objects, and the
 * one place where libnl's NLE_* errors become a struct pd_err. libnl is
 * used in netplug/ only (STYLE.md), so all of this stays here.
 *
 * A netlink socket belongs to the network namespace it was made in for
 * its whole life. np_nl_open_in() therefore enters the target namespace,
 * makes the socket and goes back at once: the rest of netplug runs in the
 * namespace it started in, and talks to the container's through the socket.
 */
#pragma once

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "err.h"

static inline void
np_cleanup_nl_sock(struct nl_sock **p)
{
	if (*p != NULL)
		nl_socket_free(*p);
}

static inline void
np_cleanup_rtnl_link(struct rtnl_link **p)
{
	if (*p != NULL)
		rtnl_link_put(*p);
}

static inline void
np_cleanup_rtnl_addr(struct rtnl_addr **p)
{
	if (*p != NULL)
		rtnl_addr_put(*p);
}

static inline void
np_cleanup_rtnl_route(struct rtnl_route **p)
{
	if (*p != NULL)
		rtnl_route_put(*p);
}

static inline void
np_cleanup_nl_addr(struct nl_addr **p)
{
	if (*p != NULL)
		nl_addr_put(*p);
}

static inline void
np_cleanup_nl_cache(struct nl_cache **p)
{
	if (*p != NULL)
		nl_cache_free(*p);
}

#define cleanup_nl_sock    __attribute__((cleanup(np_cleanup_nl_sock)))
#define cleanup_rtnl_link  __attribute__((cleanup(np_cleanup_rtnl_link)))
#define cleanup_rtnl_addr  __attribute__((cleanup(np_cleanup_rtnl_addr)))
#define cleanup_rtnl_route __attribute__((cleanup(np_cleanup_rtnl_route)))
#define cleanup_nl_addr    __attribute__((cleanup(np_cleanup_nl_addr)))
#define cleanup_nl_cache   __attribute__((cleanup(np_cleanup_nl_cache)))

/* Fill @err from the libnl error @nlerr (negative NLE_*): the formatted
 * context, ": ", then nl_geterror(). The kind follows the cause: NLE_EXIST
 * PD_E_CONFLICT, NLE_OBJ_NOTFOUND and NLE_NODEV PD_E_NOT_FOUND, NLE_PERM and
 * NLE_NOACCESS PD_E_FORBIDDEN, NLE_BUSY and NLE_AGAIN PD_E_UNAVAILABLE,
 * anything else PD_E_SYSTEM. Returns -1. */
int np_nl_fail(struct pd_err *err, int nlerr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A connected route netlink socket in the calling thread's network
 * namespace, or NULL. Owned by the caller (cleanup_nl_sock). */
struct nl_sock *np_nl_open(struct pd_err *err);

/* Open the network namespace file @path (CNI_NETNS: a bind mount, or a
 * /proc/PID/ns/net link, which is why symlinks are followed). Returns the fd;
 * a missing file is PD_E_NOT_FOUND. */
int np_netns_open(const char *path, struct pd_err *err);

/* Run @fn(@arg, @err) inside the network namespace @nsfd, then return to the
 * caller's. @nsfd that is not a network namespace is PD_E_INVALID. netplug is
 * single-threaded, so setns on its one thread moves the whole process for
 * that time. Not coming back would leave netplug in the container: it
 * aborts rather than go on there. Returns what @fn returns. */
int np_in_netns(int nsfd, int (*fn)(void *arg, struct pd_err *err), void *arg, struct pd_err *err);

/* np_nl_open() inside the network namespace @nsfd: the socket stays bound
 * there after netplug is back in its own. */
struct nl_sock *np_nl_open_in(int nsfd, struct pd_err *err);
