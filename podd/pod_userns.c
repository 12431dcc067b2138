/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel side of a pod's user namespace (issue 13; the pure half is
 * userns.h): the pools read at start, a pod's range allocated against the
 * other pods' records, and the id maps written for its infra.
 *
 * The infra is cloned into a new user namespace together with its net, ipc
 * and uts (and PID) namespaces, so the user namespace, made first, owns
 * them (clone(2)). It waits in its setup hook for one byte on a pipe; podd
 * writes its uid_map and gid_map (two quick procfs writes) and then that
 * byte, so nothing in the loop waits on the child (infra.c).
 */
#include "pod.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fd.h"
#include "file.h"
#include "log.h"
#include "xalloc.h"

#define SUBID_FILE_MAX (1024 * 1024)

/* The entries of "podd" in @path into @pool; a missing file has none. */
static int
load_file(const char *path, struct userns_pool *pool, bool must_exist, struct pd_err *err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;

	memset(pool, 0, sizeof(*pool));
	if (pd_file_read(AT_FDCWD, path, SUBID_FILE_MAX, &text, &len, err) < 0) {
		if (!must_exist && err->kind == PD_E_NOT_FOUND)
			return 0;
		return -1;
	}
	if (strlen(text) != len)
		return pd_fail(err, PD_E_INVALID, "%s: a NUL byte in it", path);
	if (userns_pool_parse(text, USERNS_USER, pool, err) < 0)
		return pd_err_prefix(err, "%s", path);
	return 0;
}

int
pod_userns_load_pools(struct podd *d, struct pd_err *err)
{
	const char *file = d->cfg.subid_file;

	if (file != NULL) {
		if (load_file(file, &d->uid_pool, true, err) < 0)
			return pd_err_prefix(err, "--subid-file");
		if (d->uid_pool.n == 0)
			return pd_fail(err, PD_E_INVALID, "--subid-file %s: no entry for user %s",
				       file, USERNS_USER);
		d->gid_pool = d->uid_pool;
		return 0;
	}
	if (load_file("/etc/subuid", &d->uid_pool, false, err) < 0 ||
	    load_file("/etc/subgid", &d->gid_pool, false, err) < 0)
		return -1;
	if (d->uid_pool.n == 0)
		userns_pool_builtin(&d->uid_pool);
	if (d->gid_pool.n == 0)
		userns_pool_builtin(&d->gid_pool);
	return 0;
}

int
pod_userns_alloc(struct podd *d, struct userns_ids *ids, struct pd_err *err)
{
	cleanup_free struct userns_range *uids = NULL;
	cleanup_free struct userns_range *gids = NULL;
	size_t n = 0, max = 0;
	struct pod *pod;

	if (ids->mode != USERNS_AUTO)
		return 0;
	TAILQ_FOREACH (pod, &d->pods, entry)
		max++;
	uids = xcalloc(max + 1, sizeof(*uids));
	gids = xcalloc(max + 1, sizeof(*gids));
	TAILQ_FOREACH (pod, &d->pods, entry) {
		const struct userns_ids *o = &pod->rec.spec.userns;

		if (o->mode != USERNS_AUTO || o->size == 0)
			continue;
		uids[n] = (struct userns_range){o->uid, o->size};
		gids[n++] = (struct userns_range){o->gid, o->size};
	}
	if (userns_pool_alloc(&d->uid_pool, uids, n, &ids->uid, err) < 0 ||
	    userns_pool_alloc(&d->gid_pool, gids, n, &ids->gid, err) < 0)
		return -1;
	ids->size = USERNS_SIZE;
	return 0;
}

static int
write_map(pid_t pid, const char *file, uint32_t start, uint32_t size, struct pd_err *err)
{
	char path[64], line[64];
	cleanup_close int fd = -1;
	int n = userns_map_line(start, size, line, sizeof(line));

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", path);
	/* One write: the kernel takes a map in a single write(2). */
	if (n < 0 || write(fd, line, (size_t)n) != n)
		return pd_fail_errno(err, errno, "write %s", path);
	return 0;
}

int
pod_userns_write_maps(pid_t pid, const struct userns_ids *ids, struct pd_err *err)
{
	if (write_map(pid, "uid_map", ids->uid, ids->size, err) < 0 ||
	    write_map(pid, "gid_map", ids->gid, ids->size, err) < 0)
		return pd_err_prefix(err, "map the pod's ids");
	return 0;
}

bool
pod_has_userns(const struct pod *pod)
{
	return pod->rec.spec.userns.mode == USERNS_AUTO;
}
