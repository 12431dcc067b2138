/* SPDX-License-Identifier: Apache-2.0 */
/* podd's group and what is given to it; see sock_group.h. */
#include "sock_group.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "parse.h"
#include "podd.h"
#include "shim.h"

int
sock_group_gid(const char *name, bool explicit_name)
{
	struct pd_err ignored;
	struct group *gr;
	long long gid;

	errno = 0;
	gr = getgrnam(name);
	if (gr != NULL)
		return (int)gr->gr_gid;
	/* a number names a gid, as dockerd's -G takes one */
	if (pd_parse_int(name, 0, INT32_MAX, &gid, &ignored) == 0)
		return (int)gid;
	if (explicit_name)
		log_warn("group \"%s\": %s; podd's sockets are root's alone", name,
			 errno != 0 ? strerror(errno) : "no such group");
	return -1;
}

static int
give_at(const struct podd *d, int dirfd, const char *name, mode_t mode, struct pd_err *err)
{
	int gid = d->cfg.group_gid;

	if (fchownat(dirfd, name, 0, gid < 0 ? 0 : (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dirfd, name, mode, 0) < 0)
		return pd_fail_errno(err, errno, "give %s to group %s", name, d->cfg.group);
	return 0;
}

int
sock_group_dir(const struct podd *d, int dirfd, const char *name, struct pd_err *err)
{
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", name);
	return give_at(d, dirfd, name, d->cfg.group_gid < 0 ? 0700 : 0710, err);
}

int
sock_group_give(const struct podd *d, const char *path, unsigned mode, struct pd_err *err)
{
	return give_at(d, AT_FDCWD, path, (mode_t)mode, err);
}

void
sock_group_shim_key(const struct podd *d, json_t *spec)
{
	if (d->cfg.group_gid >= 0)
		json_object_set_new(spec, PD_SHIM_ATTACH_GID, json_integer(d->cfg.group_gid));
}
