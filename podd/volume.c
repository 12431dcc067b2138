/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named volumes; see volume.h.
 */
#include "volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "pod_volume.h"
#include "mount_spec.h"
#include "name.h"
#include "podd.h"
#include "timefmt.h"
#include "xalloc.h"

#define VOLUMES_DIR "volumes"
#define VOLUME_FILE "volume.json"
#define VOLUME_DATA "_data"

/* <root>/volumes, made when missing. */
static int
volumes_open(struct podd *d, struct pd_err *err)
{
	int fd;

	if (mkdirat(d->root_fd, VOLUMES_DIR, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir %s", VOLUMES_DIR);
	fd = openat(d->root_fd, VOLUMES_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", VOLUMES_DIR);
	return fd;
}

char *
volume_data_path(const struct podd *d, const char *name)
{
	return xasprintf("%s/%s/%s/%s", d->cfg.root, VOLUMES_DIR, name, VOLUME_DATA);
}

/* The record of @name, or NULL (PD_E_NOT_FOUND when it has none). */
static json_t *
volume_load(int vfd, const char *name, struct pd_err *err)
{
	cleanup_close int fd = openat(vfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	json_t *j;

	if (fd < 0 && errno == ENOENT) {
		pd_fail(err, PD_E_NOT_FOUND, "no such volume: %.80s", name);
		return NULL;
	}
	if (fd < 0) {
		pd_fail_errno(err, errno, "volume %.80s", name);
		return NULL;
	}
	j = pd_json_load_file(fd, VOLUME_FILE, 64 * 1024, err);
	if (j == NULL && err->kind == PD_E_SYSTEM && err->errnum == ENOENT)
		pd_fail(err, PD_E_NOT_FOUND, "no such volume: %.80s", name);
	if (j != NULL && (!json_is_object(j) || !json_is_string(json_object_get(j, PD_F_NAME)))) {
		json_decref(j);
		pd_fail(err, PD_E_INVALID, "volume %.80s: bad %s", name, VOLUME_FILE);
		return NULL;
	}
	return j;
}

/* Whether @c mounts the volume @name. */
static bool
mounts_volume(const struct container *c, const char *name)
{
	size_t i;
	json_t *m;

	json_array_foreach (c->rec.spec.mounts, i, m) {
		if (strcmp(json_string_value(json_object_get(m, "type")), "volume") == 0 &&
		    strcmp(json_string_value(json_object_get(m, "source")), name) == 0)
			return true;
	}
	return false;
}

struct container *
volume_user(struct podd *d, const char *name)
{
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		if (mounts_volume(c, name))
			return c;
	}
	return NULL;
}

int
volume_ensure(struct podd *d, const char *name, bool anonymous, const json_t *labels, bool *made,
	      struct pd_err *err)
{
	cleanup_close int vfd = -1, fd = -1;
	cleanup_json json_t *j = NULL;
	char created[PD_TIME_RFC3339_MAX];

	*made = false;
	if (mount_spec_check_volume_name(name, err) < 0)
		return -1;
	vfd = volumes_open(d, err);
	if (vfd < 0)
		return -1;
	if (faccessat(vfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		j = volume_load(vfd, name, err);
		return j == NULL ? -1 : 0;
	}
	if (mkdirat(vfd, name, 0700) < 0)
		return pd_fail_errno(err, errno, "mkdir volume %s", name);
	*made = true;
	fd = openat(vfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || mkdirat(fd, VOLUME_DATA, 0755) < 0) {
		pd_fail_errno(err, errno, "make volume %s", name);
		goto undo;
	}
	pd_time_rfc3339_now(created, sizeof(created));
	j = json_pack("{s:s, s:s, s:o, s:b}", PD_F_NAME, name, PD_F_CREATED, created, PD_F_LABELS,
		      labels != NULL ? json_deep_copy(labels) : json_object(), PD_F_ANONYMOUS,
		      anonymous);
	if (pd_json_save(fd, VOLUME_FILE, j, err) < 0)
		goto undo;
	log_info("volume \"%s\": created", name);
	return 0;
undo:
	*made = false;
	if (pd_rm_rf_at(vfd, name, &(struct pd_err){0}) < 0)
		log_warn("volume \"%s\": cannot remove a half-made volume", name);
	return -1;
}

static json_t *
to_api(struct podd *d, json_t *rec)
{
	const char *name = json_string_value(json_object_get(rec, PD_F_NAME));
	json_t *users = json_array();
	cleanup_free char *data = volume_data_path(d, name);
	struct container *c;

	TAILQ_FOREACH (c, &d->containers, entry) {
		if (mounts_volume(c, name))
			json_array_append_new(users, json_string(c->rec.spec.name));
	}
	json_object_set_new(rec, PD_F_DRIVER, json_string(PD_VOLUME_DRIVER));
	json_object_set_new(rec, PD_F_MOUNTPOINT, json_string(data));
	json_object_set_new(rec, PD_F_CONTAINERS, users);
	if (json_object_get(rec, PD_F_LABELS) == NULL)
		json_object_set_new(rec, PD_F_LABELS, json_object());
	if (json_object_get(rec, PD_F_ANONYMOUS) == NULL)
		json_object_set_new(rec, PD_F_ANONYMOUS, json_false());
	return rec;
}

json_t *
volume_get_json(struct podd *d, const char *name, struct pd_err *err)
{
	cleanup_close int vfd = -1;
	json_t *j;

	if (mount_spec_check_volume_name(name, err) < 0)
		return NULL;
	vfd = volumes_open(d, err);
	if (vfd < 0)
		return NULL;
	j = volume_load(vfd, name, err);
	return j != NULL ? to_api(d, j) : NULL;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of every volume, sorted, NULL-terminated (owned). */
static char **
volume_names(struct podd *d, struct pd_err *err)
{
	cleanup_close int vfd = volumes_open(d, err);
	int fd;
	DIR *dir;
	struct dirent *e;
	char **names;
	size_t n = 0, cap = 16;

	if (vfd < 0)
		return NULL;
	fd = fcntl(vfd, F_DUPFD_CLOEXEC, 0);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		pd_fail_errno(err, errno, "read %s", VOLUMES_DIR);
		return NULL;
	}
	names = xcalloc(cap, sizeof(*names));
	while ((e = readdir(dir)) != NULL) {
		struct pd_err ignored;

		if (e->d_name[0] == '.' || mount_spec_check_volume_name(e->d_name, &ignored) < 0)
			continue; /* ., .., and trees being deleted (.rm-) */
		if (n + 1 >= cap) {
			cap *= 2;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	names[n] = NULL;
	qsort(names, n, sizeof(*names), cmp_names);
	return names;
}

static void
free_names(char **names)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

json_t *
volume_list_json(struct podd *d, struct pd_err *err)
{
	char **names = volume_names(d, err);
	json_t *list;

	if (names == NULL)
		return NULL;
	list = json_array();
	for (size_t i = 0; names[i] != NULL; i++) {
		struct pd_err ignored = {0};
		json_t *j = volume_get_json(d, names[i], &ignored);

		if (j != NULL)
			json_array_append_new(list, j);
	}
	free_names(names);
	return list;
}

/* Rename @name aside and delete it with a task. */
static int
trash(struct podd *d, int vfd, const char *name, struct pd_err *err)
{
	char rnd[PD_ID_LEN + 1];
	cleanup_free char *gone = NULL, *path = NULL;

	if (pd_id_generate(rnd, err) < 0)
		return -1;
	gone = xasprintf(".rm-%.16s-%s", rnd, name);
	if (renameat(vfd, name, vfd, gone) < 0)
		return pd_fail_errno(err, errno, "remove volume %s", name);
	path = xasprintf("%s/%s/%s", d->cfg.root, VOLUMES_DIR, gone);
	task_delete_trees(d, (const char *const[]){path, NULL});
	log_info("volume \"%s\": removed", name);
	return 0;
}

int
volume_remove(struct podd *d, const char *name, struct pd_err *err)
{
	cleanup_close int vfd = -1;
	cleanup_json json_t *j = NULL;
	struct container *user;

	if (mount_spec_check_volume_name(name, err) < 0)
		return -1;
	vfd = volumes_open(d, err);
	if (vfd < 0)
		return -1;
	j = volume_load(vfd, name, err);
	if (j == NULL)
		return -1;
	user = volume_user(d, name);
	if (user != NULL)
		return pd_fail(err, PD_E_CONFLICT,
			       "volume \"%s\" is in use by container \"%s\": remove the container "
			       "first",
			       name, user->rec.spec.name);
	if (pod_volumes_use_named(d, name)) /* issue 12, podspec */
		return pd_fail(err, PD_E_CONFLICT,
			       "volume \"%s\" is a volume of a pod: remove the pod first", name);
	return trash(d, vfd, name, err);
}

json_t *
volume_prune(struct podd *d, bool all, struct pd_err *err)
{
	char **names = volume_names(d, err);
	json_t *removed;

	if (names == NULL)
		return NULL;
	removed = json_array();
	for (size_t i = 0; names[i] != NULL; i++) {
		struct pd_err e = {0};
		cleanup_json json_t *j = NULL;

		if (volume_user(d, names[i]) != NULL || pod_volumes_use_named(d, names[i]))
			continue;
		j = volume_get_json(d, names[i], &e);
		if (j == NULL || (!all && !json_is_true(json_object_get(j, PD_F_ANONYMOUS))))
			continue;
		if (volume_remove(d, names[i], &e) == 0)
			json_array_append_new(removed, json_string(names[i]));
		else
			log_warn("volume prune: %s", e.msg);
	}
	free_names(names);
	return removed;
}

/* Undo the volumes made by a create that failed after: @made, names. */
static void
unmake(struct podd *d, json_t *made)
{
	size_t i;
	json_t *v;

	json_array_foreach (made, i, v) {
		struct pd_err e = {0};

		if (volume_remove(d, json_string_value(v), &e) < 0)
			log_warn("volume \"%s\": %s", json_string_value(v), e.msg);
	}
}

/* Whether a mount of @mounts is on @target. */
static bool
has_target(const json_t *mounts, const char *target)
{
	size_t i;
	json_t *m;

	json_array_foreach (mounts, i, m)
		if (strcmp(json_string_value(json_object_get(m, "target")), target) == 0)
			return true;
	return false;
}

/* The image's Volumes: an anonymous volume on each path no mount of the
 * user's covers, as docker gives them. */
static void
add_image_volumes(struct podd *d, struct ctr_spec *spec)
{
	struct pd_err ignored = {0};
	struct image *img;
	const json_t *vols;
	const char *path;
	json_t *v;

	if (spec->image[0] == '\0' || (img = image_find(d, spec->image, &ignored)) == NULL)
		return;
	vols = json_object_get(image_config(img), "Volumes");
	json_object_foreach ((json_t *)vols, path, v) {
		struct mount_spec m;
		struct pd_err e = {0};

		(void)v;
		if (json_array_size(spec->mounts) >= MOUNT_MAX)
			break;
		/* The same checks as -v PATH: an image is outside input too. */
		if (mount_spec_parse_volume(path, &m, &e) < 0 || !m.anonymous)
			log_warn("image %.12s: volume \"%.80s\" skipped: %s", spec->image, path,
				 e.kind != 0 ? e.msg : "not a path");
		else if (!has_target(spec->mounts, m.target))
			json_array_append_new(spec->mounts, mount_spec_to_json(&m));
		mount_spec_clear(&m);
	}
}

int
volume_prepare_mounts(struct podd *d, struct ctr_spec *spec, struct pd_err *err)
{
	cleanup_json json_t *made = json_array();
	size_t i;
	json_t *m;

	add_image_volumes(d, spec);

	/* Binds first: they change nothing. */
	json_array_foreach (spec->mounts, i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));
		struct stat st;

		if (strcmp(json_string_value(json_object_get(m, "type")), "bind") != 0)
			continue;
		if (stat(src, &st) < 0)
			return pd_fail(err, PD_E_INVALID, "bind source path does not exist: %s%s%s",
				       src, errno == ENOENT ? "" : ": ",
				       errno == ENOENT ? "" : strerror(errno));
	}
	json_array_foreach (spec->mounts, i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));
		bool anonymous = json_is_true(json_object_get(m, "anonymous")), was_made = false;
		char id[PD_ID_LEN + 1];

		if (strcmp(json_string_value(json_object_get(m, "type")), "volume") != 0)
			continue;
		if (src[0] == '\0') {
			if (pd_id_generate(id, err) < 0)
				goto undo;
			json_object_set_new(m, "source", json_string(id));
			src = id;
		}
		if (volume_ensure(d, src, anonymous, NULL, &was_made, err) < 0)
			goto undo;
		if (was_made)
			json_array_append_new(made, json_string(src));
	}
	return 0;
undo:
	unmake(d, made);
	return -1;
}

void
volume_remove_anonymous(struct podd *d, const struct ctr_spec *spec)
{
	size_t i;
	json_t *m;

	json_array_foreach (spec->mounts, i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));
		struct pd_err e = {0};

		if (!json_is_true(json_object_get(m, "anonymous")) || src[0] == '\0')
			continue;
		if (volume_remove(d, src, &e) < 0 && e.kind != PD_E_NOT_FOUND)
			log_warn("volume \"%s\": %s", src, e.msg);
	}
}

json_t *
volume_shim_mounts(const struct podd *d, const struct ctr_spec *spec)
{
	json_t *out = json_array();
	size_t i;
	json_t *m;

	json_array_foreach (spec->mounts, i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		json_t *target = json_object_get(m, "target");
		bool ro = json_is_true(json_object_get(m, "read_only"));
		json_t *s;

		if (strcmp(type, "pod") == 0) { /* issue 12, podspec: a pod's volume */
			s = pod_volume_shim_mount((struct podd *)d, spec->pod, m);
			if (s == NULL)
				continue;
		} else if (strcmp(type, "tmpfs") == 0) {
			s = json_pack("{s:s, s:O, s:b, s:O, s:O}", "type", "tmpfs", "target",
				      target, "read_only", ro, "size",
				      json_object_get(m, "tmpfs_size"), "mode",
				      json_object_get(m, "tmpfs_mode"));
		} else if (strcmp(type, "volume") == 0) {
			cleanup_free char *data = volume_data_path(d, src);

			s = json_pack("{s:s, s:s, s:O, s:b, s:b}", "type", "bind", "source", data,
				      "target", target, "read_only", ro, "copy_up",
				      !json_is_true(json_object_get(m, "no_copy")));
		} else {
			s = json_pack("{s:s, s:s, s:O, s:b}", "type", "bind", "source", src,
				      "target", target, "read_only", ro);
		}
		json_array_append_new(out, s);
	}
	return out;
}

int
volume_load_all(struct podd *d, struct pd_err *err)
{
	cleanup_close int vfd = volumes_open(d, err);
	cleanup_closedir DIR *dir = NULL;
	struct dirent *e;

	if (vfd < 0)
		return -1;
	dir = pd_dir_stream(vfd, ".", "volumes dir", err);
	if (dir == NULL)
		return -1;
	while ((e = pd_dir_next(dir)) != NULL) {
		cleanup_free char *path = NULL;

		if (strncmp(e->d_name, ".rm-", 4) != 0)
			continue;
		path = xasprintf("%s/%s/%s", d->cfg.root, VOLUMES_DIR, e->d_name);
		log_info("volumes/%s: left by an unfinished removal; deleting", e->d_name);
		task_delete_trees(d, (const char *const[]){path, NULL});
	}
	return 0;
}
