/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layers on disk and their unpack tasks; see layers.h.
 */
#include "layers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "imgref.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "podd.h"
#include "task.h"
#include "xalloc.h"

#define UNPACK_PREFIX ".unpack-"
#define REMOVE_PREFIX ".rm-"

struct layer_waiter {
	layer_done_fn *done;
	void *arg; /* borrowed */
};

struct layer_unpack {
	TAILQ_ENTRY(layer_unpack) entry;
	struct podd *d; /* borrowed */
	char diff_id[PD_DIGEST_MAX + 1];
	struct layer_waiter *waiters; /* owned */
	size_t n_waiters;
};

static const char *
hex_of(const char *digest)
{
	const char *c = strchr(digest, ':');

	return c != NULL ? c + 1 : digest;
}

int
layers_init(struct podd *d, struct pd_err *err)
{
	struct dirent *de;
	cleanup_closedir DIR *dir = NULL;

	if (mkdirat(d->root_fd, "layers", 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir layers");
	d->layers_fd = openat(d->root_fd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->layers_fd < 0)
		return pd_fail_errno(err, errno, "open layers");
	dir = pd_dir_stream(d->layers_fd, ".", "layers dir", err);
	if (dir == NULL)
		return -1;
	while ((de = pd_dir_next(dir)) != NULL) {
		cleanup_free char *path = NULL;

		if (strncmp(de->d_name, UNPACK_PREFIX, strlen(UNPACK_PREFIX)) != 0 &&
		    strncmp(de->d_name, REMOVE_PREFIX, strlen(REMOVE_PREFIX)) != 0)
			continue;
		log_info("layers/%s: left by an unfinished unpack or removal; deleting",
			 de->d_name);
		path = xasprintf("%s/layers/%s", d->cfg.root, de->d_name);
		task_delete_trees(d, (const char *const[]){path, NULL});
	}
	return 0;
}

char *
layers_path(struct podd *d, const char *diff_id)
{
	return xasprintf("%s/layers/%s", d->cfg.root, hex_of(diff_id));
}

bool
layers_have(struct podd *d, const char *diff_id)
{
	struct stat st;

	return pd_digest_valid(diff_id) &&
	       fstatat(d->layers_fd, hex_of(diff_id), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static void
unpack_free(struct layer_unpack *u)
{
	free(u->waiters);
	free(u);
}

/* Read podd-archive's {"diff_id","size"} line. */
static int
parse_result(const char *out, size_t len, const char *diff_id, long long *size, struct pd_err *err)
{
	cleanup_json json_t *j = pd_json_load(out, len, 4096, err);
	const char *got = NULL;

	if (j == NULL)
		return pd_err_prefix(err, "podd-archive unpack");
	got = json_string_value(json_object_get(j, "diff_id"));
	if (got == NULL || strcmp(got, diff_id) != 0 ||
	    !json_is_integer(json_object_get(j, "size")))
		return pd_fail(err, PD_E_SYSTEM, "podd-archive unpack: unexpected answer");
	*size = json_integer_value(json_object_get(j, "size"));
	return 0;
}

static void
on_unpacked(void *arg, int exit_code, const char *out, size_t out_len, const char *errors)
{
	struct layer_unpack *u = arg;
	struct pd_err err = {0};
	long long size = 0;
	bool failed = true;

	TAILQ_REMOVE(&u->d->unpacks, u, entry);
	if (exit_code != 0)
		pd_fail(&err, PD_E_INVALID, "layer %.19s: %.*s", hex_of(u->diff_id),
			(int)strcspn(errors, "\n"), errors[0] ? errors : "unpack failed");
	else if (parse_result(out, out_len, u->diff_id, &size, &err) == 0)
		failed = false;
	if (failed)
		log_info("unpack of layer %s failed: %s", u->diff_id, err.msg);
	else
		log_debug("layer %s unpacked: %lld bytes", u->diff_id, size);
	for (size_t i = 0; i < u->n_waiters; i++)
		u->waiters[i].done(u->waiters[i].arg, size, failed ? &err : NULL);
	unpack_free(u);
}

int
layers_unpack(struct podd *d, const char *digest, const char *diff_id, layer_done_fn *done,
	      void *arg, struct pd_err *err)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	struct layer_unpack *u;

	TAILQ_FOREACH (u, &d->unpacks, entry)
		if (strcmp(u->diff_id, diff_id) == 0)
			break;
	if (u == NULL) {
		char *argv[] = {d->cfg.archive_path, "unpack",        "--store",
				d->cfg.root,         "--blob",        (char *)digest,
				"--diff-id",         (char *)diff_id, NULL};
		struct task_io io = {.argv = argv, .envp = envp, .stdin_fd = -1, .stdout_fd = -1};

		u = xcalloc(1, sizeof(*u));
		u->d = d;
		memcpy(u->diff_id, diff_id, strlen(diff_id) + 1);
		if (task_run_io(d, &io, on_unpacked, u, err) < 0) {
			unpack_free(u);
			return -1;
		}
		TAILQ_INSERT_TAIL(&d->unpacks, u, entry);
	}
	u->waiters = xrealloc(u->waiters, (u->n_waiters + 1) * sizeof(*u->waiters));
	u->waiters[u->n_waiters++] = (struct layer_waiter){.done = done, .arg = arg};
	return 0;
}

void
layers_remove(struct podd *d, const char *diff_id)
{
	char rnd[PD_ID_LEN + 1];
	struct pd_err err = {0};
	cleanup_free char *gone = NULL;
	cleanup_free char *path = NULL;

	if (pd_id_generate(rnd, &err) < 0) {
		log_warn("remove layer %s: %s", diff_id, err.msg);
		return;
	}
	gone = xasprintf(REMOVE_PREFIX "%.12s-%.8s", hex_of(diff_id), rnd);
	if (renameat(d->layers_fd, hex_of(diff_id), d->layers_fd, gone) < 0) {
		if (errno != ENOENT)
			log_warn("remove layer %s: %s", diff_id, strerror(errno));
		return;
	}
	path = xasprintf("%s/layers/%s", d->cfg.root, gone);
	task_delete_trees(d, (const char *const[]){path, NULL});
}

void
layers_free_all(struct podd *d)
{
	struct layer_unpack *u;

	while ((u = TAILQ_FIRST(&d->unpacks)) != NULL) {
		TAILQ_REMOVE(&d->unpacks, u, entry);
		unpack_free(u);
	}
}
