/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address allocation in the style of host-local, in process, on the disk
 * layout host-local uses, so the two can share a data dir and the tools
 * that read it:
 *
 *   DATADIR/NETWORK/lock                 flock()ed by whoever allocates
 *   DATADIR/NETWORK/10.77.0.5            one file per address in use,
 *                                        holding "CONTAINERID\r\nIFNAME"
 *   DATADIR/NETWORK/last_reserved_ip.0   the address handed out last
 *   DATADIR/NETWORK/fd77::5              an IPv6 address (range set 1)
 *   DATADIR/NETWORK/last_reserved_ip.1   and the last of those
 *
 * Every operation runs under the lock (ipam_open() takes it, ipam_close()
 * drops it), so parallel ADDs never hand out one address twice. A search
 * starts after the address handed out last, as host-local's does, so a
 * released address is not reused at once. Knows nothing of netlink.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni.h"
#include "err.h"

struct ipam {
	int dirfd;  /* owned: DATADIR/NETWORK, -1 when closed */
	int lockfd; /* owned: the lock file, locked while open */
	struct ip4_net subnet;
	uint32_t start, end, gateway;
	bool has_v6; /* the config has an IPv6 range set */
	struct ip6_net subnet6;
	ip6_addr start6, end6, gateway6;
};

/* Open the directory of @conf's network and take its lock, waiting for other
 * holders. With @create, the directories are made as needed; without, a
 * missing directory (nothing was ever allocated) returns 1 and leaves @ip
 * closed. Returns 0 when open. @ip must be closed with ipam_close(). */
int ipam_open(struct ipam *ip, const struct cni_conf *conf, bool create, struct pd_err *err);

/* Drop the lock and close. Safe on a closed or zeroed-and-closed @ip. */
void ipam_close(struct ipam *ip);

#define cleanup_ipam __attribute__((cleanup(ipam_close)))

/* A closed struct ipam, for declarations. */
#define IPAM_CLOSED                       \
	{                                 \
		.dirfd = -1, .lockfd = -1 \
	}

/* Allocate an address to (@id, @ifname) into *@out: @want when it is not 0
 * (PD_E_INVALID outside the range or the gateway, PD_E_CONFLICT when
 * taken), else the next free one after the last handed out (PD_E_CONFLICT
 * when the range is exhausted). An attachment that already holds an
 * address is PD_E_CONFLICT too, as in host-local. */
int ipam_allocate(struct ipam *ip, const char *id, const char *ifname, uint32_t want, uint32_t *out,
		  struct pd_err *err);

/* The same for the IPv6 range (@want 0: any); needs @ip->has_v6. */
int ipam_allocate6(struct ipam *ip, const char *id, const char *ifname, ip6_addr want,
		   ip6_addr *out, struct pd_err *err);

/* Release what (@id, @ifname) holds (both families). Returns how many addresses were
 * released: 0 is not an error (DEL is idempotent). */
int ipam_release(struct ipam *ip, const char *id, const char *ifname, struct pd_err *err);

/* The IPv4 address (@id, @ifname) holds, into *@out. PD_E_NOT_FOUND if
 * none. */
int ipam_find(struct ipam *ip, const char *id, const char *ifname, uint32_t *out,
	      struct pd_err *err);

/* The IPv6 address (@id, @ifname) holds, into *@out. PD_E_NOT_FOUND if
 * none. */
int ipam_find6(struct ipam *ip, const char *id, const char *ifname, ip6_addr *out,
	       struct pd_err *err);

/* Release every address whose holder is not in @keep (@n entries). Returns
 * how many were released. */
int ipam_gc(struct ipam *ip, const struct cni_attachment *keep, size_t n, struct pd_err *err);

/* How many addresses of the range are free, into *@out. */
int ipam_free_count(struct ipam *ip, uint32_t *out, struct pd_err *err);
