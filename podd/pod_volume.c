/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's volumes on the system (pod_volume.h, the second half): their
 * directories, Memory tmpfs mounts and files, the checks of host paths at
 * container create, the shim's bind of a pod mount, and their removal.
 *
 * Mounting a tmpfs and writing a few small files happen on the loop: they
 * do not wait on anything but the kernel's memory.
 */
#include "pod_volume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base64.h"
#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "volume.h"
#include "xalloc.h"

#define VOLUMES_DIR "volumes"

static const char *
vstr(const json_t *v, const char *key)
{
	const char *s = json_string_value(json_object_get(v, key));

	return s != NULL ? s : "";
}

static bool
is_type(const json_t *v, const char *type)
{
	return strcmp(vstr(v, "type"), type) == 0;
}

/* Files written at pod start live in the run dir; the rest in the root. */
static bool
in_run_dir(const json_t *v)
{
	return is_type(v, "config_map") || is_type(v, "secret") || is_type(v, "downward_api");
}

/* Where the volume @v of the pod @pod_id is on the host (a new string). */
static char *
volume_dir(const struct podd *d, const char *pod_id, const json_t *v)
{
	if (is_type(v, "host_path"))
		return xstrdup(vstr(v, "path"));
	if (is_type(v, "volume"))
		return volume_data_path(d, vstr(v, "source"));
	return xasprintf("%s/pods/%s/%s/%s", in_run_dir(v) ? d->cfg.run_dir : d->cfg.root, pod_id,
			 VOLUMES_DIR, vstr(v, "name"));
}

static const json_t *
volumes_of(const struct pod *pod)
{
	return json_object_get(pod->rec.spec.k8s, "volumes");
}

/* "<base>/<id>/volumes", made (0700) if missing, open. */
static int
open_volumes_dir(int base_fd, const char *id, struct pd_err *err)
{
	cleanup_close int pod_fd = -1;
	int fd;

	if (mkdirat(base_fd, id, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir pods/%s", id);
	pod_fd = openat(base_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (pod_fd < 0)
		return pd_fail_errno(err, errno, "open pods/%s", id);
	if (mkdirat(pod_fd, VOLUMES_DIR, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir pods/%s/%s", id, VOLUMES_DIR);
	fd = openat(pod_fd, VOLUMES_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open pods/%s/%s", id, VOLUMES_DIR);
	return fd;
}

/* Whether the directory @name under @dirfd is a mount point of its own. */
static bool
is_mount_point(int dirfd, const char *name)
{
	struct stat parent, st;

	return fstat(dirfd, &parent) == 0 && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       st.st_dev != parent.st_dev;
}

static int
setup_empty_dir(struct pod *pod, int vfd, const json_t *v, struct pd_err *err)
{
	const char *name = vstr(v, "name");
	cleanup_free char *path = NULL, *opts = NULL;
	long long size = (long long)json_integer_value(json_object_get(v, "size_limit"));

	if (mkdirat(vfd, name, 0777) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir volume %s", name);
	/* As the kubelet's: anyone in the pod may write there. */
	if (fchmodat(vfd, name, 0777, 0) < 0)
		return pd_fail_errno(err, errno, "chmod volume %s", name);
	if (strcmp(vstr(v, "medium"), "Memory") != 0 || is_mount_point(vfd, name))
		return 0;
	path = volume_dir(pod->d, pod->rec.id, v);
	opts = size > 0 ? xasprintf("mode=0777,size=%lld", size) : xstrdup("mode=0777");
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return pd_fail_errno(err, errno, "mount a tmpfs for volume %s", name);
	return 0;
}

/* Make the directories of the relative @path's parent under @dirfd and
 * return an fd of that parent; *base is its last component. */
static int
open_parent(int dirfd, const char *path, const char **base, struct pd_err *err)
{
	cleanup_free char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/'), *save = NULL;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	*base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (fd < 0)
		return pd_fail_errno(err, errno, "dup");
	if (slash == NULL)
		return fd;
	*slash = '\0';
	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		int next;

		if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			pd_fail_errno(err, errno, "mkdir %s", c);
			close(fd);
			return -1;
		}
		next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		close(fd);
		if (next < 0)
			return pd_fail_errno(err, errno, "open %s", c);
		fd = next;
	}
	return fd;
}

/* Write one file of a volume, atomically, with its mode. */
static int
write_item(int dirfd, const char *path, const void *data, size_t len, long long mode,
	   struct pd_err *err)
{
	const char *base;
	cleanup_close int fd = open_parent(dirfd, path, &base, err);

	if (fd < 0 || pd_file_write_volatile(fd, base, data, len, err) < 0)
		return pd_err_prefix(err, "write %s", path);
	if (fchmodat(fd, base, (mode_t)mode, 0) < 0)
		return pd_fail_errno(err, errno, "chmod %s", path);
	return 0;
}

/* What a downward API item's file holds (a new string). */
static char *
downward_content(const struct pod *pod, const char *field)
{
	const json_t *kube = json_object_get(pod->rec.spec.k8s, "kube");
	const char *ns = json_string_value(json_object_get(kube, "namespace"));

	if (strcmp(field, "metadata.labels") == 0)
		return pod_downward_format_map(pod->rec.spec.labels);
	if (strcmp(field, "metadata.annotations") == 0) {
		json_t *a = json_object_get(pod->rec.spec.k8s, "annotations");
		cleanup_json json_t *empty = json_object();

		return pod_downward_format_map(a != NULL ? a : empty);
	}
	if (strcmp(field, "metadata.name") == 0)
		return xstrdup(pod->rec.spec.name);
	return xstrdup(ns != NULL ? ns : "default");
}

static int
setup_files(struct pod *pod, int vfd, const json_t *v, struct pd_err *err)
{
	const char *name = vstr(v, "name");
	long long def = (long long)json_integer_value(json_object_get(v, "default_mode"));
	cleanup_close int dir = -1;
	const json_t *it;
	size_t i;

	if (mkdirat(vfd, name, 0755) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir volume %s", name);
	dir = openat(vfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir < 0)
		return pd_fail_errno(err, errno, "open volume %s", name);
	json_array_foreach (json_object_get(v, "items"), i, it) {
		const json_t *m = json_object_get(it, "mode");
		long long mode = m != NULL ? (long long)json_integer_value(m) : def;
		cleanup_free char *data = NULL;
		size_t len;
		int r;

		if (is_type(v, "downward_api")) {
			data = downward_content(pod, vstr(it, "field"));
			len = strlen(data);
		} else {
			data = pd_base64_decode(vstr(it, "data"), &len, err);
			if (data == NULL)
				return pd_err_prefix(err, "volume %s", name);
		}
		r = write_item(dir, vstr(it, "path"), data, len, mode, err);
		if (r < 0)
			return pd_err_prefix(err, "volume %s", name);
	}
	return 0;
}

int
pod_volumes_setup(struct pod *pod, struct pd_err *err)
{
	struct podd *d = pod->d;
	cleanup_close int root_vfd = -1, run_vfd = -1;
	const json_t *v;
	size_t i;

	if (json_array_size(volumes_of(pod)) == 0)
		return 0;
	json_array_foreach (volumes_of(pod), i, v) {
		int r = 0;

		if (is_type(v, "empty_dir")) {
			if (root_vfd < 0 &&
			    (root_vfd = open_volumes_dir(d->pods_fd, pod->rec.id, err)) < 0)
				return -1;
			r = setup_empty_dir(pod, root_vfd, v, err);
		} else if (in_run_dir(v)) {
			if (run_vfd < 0 &&
			    (run_vfd = open_volumes_dir(d->run_pods_fd, pod->rec.id, err)) < 0)
				return -1;
			r = setup_files(pod, run_vfd, v, err);
		}
		if (r < 0)
			return pd_err_prefix(err, "pod \"%s\"", pod->rec.spec.name);
	}
	return 0;
}

void
pod_volumes_teardown(struct pod *pod)
{
	struct podd *d = pod->d;
	const json_t *v;
	size_t i;
	struct pd_err e = {0};
	cleanup_free char *rel = xasprintf("%s/%s", pod->rec.id, VOLUMES_DIR);

	json_array_foreach (volumes_of(pod), i, v) {
		cleanup_free char *path = NULL;

		if (!is_type(v, "empty_dir") || strcmp(vstr(v, "medium"), "Memory") != 0)
			continue;
		path = volume_dir(d, pod->rec.id, v);
		/* Detached: a container still holding it does not keep it. */
		if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
		    errno != ENOENT)
			log_error("pod \"%s\": unmount volume %s: %s", pod->rec.spec.name,
				  vstr(v, "name"), strerror(errno));
	}
	if (pd_rm_rf_at(d->pods_fd, rel, &e) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
	if (pd_rm_rf_at(d->run_pods_fd, rel, &e) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, e.msg);
	/* Its run dir, if nothing else is left there (a failed create). */
	(void)unlinkat(d->run_pods_fd, pod->rec.id, AT_REMOVEDIR);
}

/* A host_path volume's check (and making) by its type. */
static int
check_host_path(const json_t *v, bool sub_path, struct pd_err *err)
{
	const char *path = vstr(v, "path"), *type = vstr(v, "host_path_type");
	struct stat st;
	bool exists = stat(path, &st) == 0;
	bool want_dir = strstr(type, "Directory") != NULL;

	if (!exists && errno != ENOENT)
		return pd_fail_errno(err, errno, "host path %s", path);
	if (!exists && strcmp(type, "DirectoryOrCreate") == 0) {
		if (pd_mkdir_p(path, 0755, err) < 0)
			return -1;
		exists = stat(path, &st) == 0;
	} else if (!exists && strcmp(type, "FileOrCreate") == 0) {
		cleanup_free char *parent = xstrdup(path);
		int fd;

		*strrchr(parent, '/') = '\0';
		if (parent[0] != '\0' && pd_mkdir_p(parent, 0755, err) < 0)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return pd_fail_errno(err, errno, "create host path %s", path);
		if (fd >= 0)
			close(fd);
		exists = stat(path, &st) == 0;
	}
	if (type[0] == '\0') {
		if (!exists)
			return pd_fail(err, PD_E_INVALID, "host path %s does not exist", path);
	} else if (!exists) {
		return pd_fail(err, PD_E_INVALID, "host path %s does not exist (type %s)", path,
			       type);
	} else if ((want_dir && !S_ISDIR(st.st_mode)) ||
		   ((strcmp(type, "File") == 0 || strcmp(type, "FileOrCreate") == 0) &&
		    !S_ISREG(st.st_mode)) ||
		   (strcmp(type, "Socket") == 0 && !S_ISSOCK(st.st_mode)) ||
		   (strcmp(type, "CharDevice") == 0 && !S_ISCHR(st.st_mode)) ||
		   (strcmp(type, "BlockDevice") == 0 && !S_ISBLK(st.st_mode))) {
		return pd_fail(err, PD_E_INVALID, "host path %s is not a %s", path, type);
	}
	if (sub_path && !S_ISDIR(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "host path %s: a sub_path needs a directory",
			       path);
	return 0;
}

int
pod_volumes_check_mounts(struct podd *d, const struct pod *pod, const struct ctr_spec *spec,
			 struct pd_err *err)
{
	const json_t *m;
	size_t i;

	json_array_foreach (spec->mounts, i, m) {
		const json_t *v;
		bool made;

		if (strcmp(vstr(m, "type"), "pod") != 0)
			continue;
		if (pod == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "a mount of pod volume \"%s\" needs a container in a pod",
				       vstr(m, "source"));
		v = pod_volume_find(volumes_of(pod), vstr(m, "source"));
		if (v == NULL)
			return pd_fail(err, PD_E_INVALID, "pod \"%s\" has no volume \"%s\"",
				       pod->rec.spec.name, vstr(m, "source"));
		if (is_type(v, "host_path") &&
		    check_host_path(v, vstr(m, "sub_path")[0] != '\0', err) < 0)
			return pd_err_prefix(err, "volume \"%s\"", vstr(v, "name"));
		if (is_type(v, "volume") &&
		    volume_ensure(d, vstr(v, "source"), false, NULL, &made, err) < 0)
			return pd_err_prefix(err, "volume \"%s\"", vstr(v, "name"));
	}
	return 0;
}

json_t *
pod_volume_shim_mount(struct podd *d, const char *pod_id, const json_t *m)
{
	struct pd_err ignored;
	const struct pod *pod = pod_find(d, pod_id, &ignored);
	const json_t *v = pod != NULL ? pod_volume_find(volumes_of(pod), vstr(m, "source")) : NULL;
	cleanup_free char *dir = NULL;
	const char *sub = vstr(m, "sub_path");
	json_t *s;

	if (v == NULL)
		return NULL;
	dir = volume_dir(d, pod->rec.id, v);
	/* Files podd writes are the pod's, not the containers'. */
	s = json_pack("{s:s, s:s, s:O, s:b}", "type", "bind", "source", dir, "target",
		      json_object_get(m, "target"), "read_only",
		      json_is_true(json_object_get(m, "read_only")) || in_run_dir(v));
	if (sub[0] != '\0') {
		json_object_set_new(s, "sub_path", json_string(sub));
		/* As the kubelet: a missing sub_path is made, but not in files
		 * that are the pod's. */
		json_object_set_new(s, "sub_path_create", json_boolean(!in_run_dir(v)));
	}
	return s;
}

bool
pod_volumes_use_named(struct podd *d, const char *name)
{
	struct pod *pod;

	TAILQ_FOREACH (pod, &d->pods, entry) {
		const json_t *v;
		size_t i;

		json_array_foreach (volumes_of(pod), i, v)
			if (is_type(v, "volume") && strcmp(vstr(v, "source"), name) == 0)
				return true;
	}
	return false;
}
