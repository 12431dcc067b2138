/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The blob directory; see blobs.h.
 */
#include "blobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "image_manifest.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

#define SHA256_PREFIX "sha256:"

/* "sha256/HEX" for a valid @digest, or NULL. */
static char *
rel_path(const char *digest)
{
	if (!pd_digest_valid(digest))
		return NULL;
	return xasprintf("sha256/%s", digest + strlen(SHA256_PREFIX));
}

int
blobs_init(struct podd *d, struct pd_err *err)
{
	cleanup_free char *tmp = NULL;

	if ((mkdirat(d->root_fd, "blobs", 0700) < 0 && errno != EEXIST))
		return pd_fail_errno(err, errno, "mkdir blobs");
	d->blobs_fd = openat(d->root_fd, "blobs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->blobs_fd < 0)
		return pd_fail_errno(err, errno, "open blobs");
	/* Partial writes of a podd that stopped: nothing refers to them. */
	if (pd_rm_rf_at(d->blobs_fd, "tmp", err) < 0)
		return -1;
	if ((mkdirat(d->blobs_fd, "sha256", 0700) < 0 && errno != EEXIST) ||
	    mkdirat(d->blobs_fd, "tmp", 0700) < 0)
		return pd_fail_errno(err, errno, "mkdir blobs/sha256 and blobs/tmp");
	return 0;
}

char *
blobs_path(struct podd *d, const char *digest)
{
	const char *hex = strchr(digest, ':');

	return xasprintf("%s/blobs/sha256/%s", d->cfg.root, hex != NULL ? hex + 1 : digest);
}

bool
blobs_have(struct podd *d, const char *digest)
{
	cleanup_free char *rel = rel_path(digest);
	struct stat st;

	return rel != NULL && fstatat(d->blobs_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}

json_t *
blobs_read_json(struct podd *d, const char *digest, struct pd_err *err)
{
	cleanup_free char *rel = rel_path(digest);
	json_t *j;

	if (rel == NULL) {
		pd_fail(err, PD_E_INVALID, "\"%.80s\" is not a sha256 digest", digest);
		return NULL;
	}
	j = pd_json_load_file(d->blobs_fd, rel, IMAGE_BLOB_JSON_MAX, err);
	if (j == NULL && err->errnum == ENOENT)
		pd_fail(err, PD_E_NOT_FOUND, "blob %s is not in the store", digest);
	return j;
}

void
blobs_remove(struct podd *d, const char *digest)
{
	cleanup_free char *rel = rel_path(digest);

	if (rel != NULL && unlinkat(d->blobs_fd, rel, 0) < 0 && errno != ENOENT)
		log_warn("remove blob %s: %s", digest, strerror(errno));
}
