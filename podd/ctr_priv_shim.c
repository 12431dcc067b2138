/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The system half of a container's privileges; see ctr_priv_shim.h.
 */
#include "ctr_priv_shim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "ctr_privileges.h"
#include "pod.h"
#include "shim.h"
#include "sysctl.h"

/* The node at the host path of @dev: a char or block device. */
static int
device_stat(const json_t *dev, struct stat *st, struct pd_err *err)
{
	const char *host = json_string_value(json_object_get(dev, "host_path"));

	if (stat(host, st) < 0)
		return pd_fail(err, PD_E_INVALID, "device %s: %s", host, strerror(errno));
	if (!S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode))
		return pd_fail(err, PD_E_INVALID, "device %s is not a char or block device", host);
	return 0;
}

int
ctr_priv_resolve(struct podd *d, const struct ctr_spec *s, struct pd_err *err)
{
	const json_t *devs = json_object_get(s->priv, PD_F_DEVICES);
	struct pod *pod = s->pod[0] != '\0' ? pod_find(d, s->pod, err) : NULL;
	const char *key;
	json_t *v;
	size_t i;

	if (s->pod[0] != '\0' && pod == NULL)
		return -1;
	json_array_foreach ((json_t *)devs, i, v) {
		struct stat st;

		if (device_stat(v, &st, err) < 0)
			return -1;
	}
	json_object_foreach (json_object_get(s->priv, PD_F_SYSCTLS), key, v) {
		enum pd_sysctl_ns ns = pd_sysctl_ns_of(key);
		char path[PD_SYSCTL_MAX + 16];

		if (pod != NULL && ns == PD_SYSCTL_NS_NET && !infra_holds_net(pod))
			return pd_fail(err, PD_E_INVALID,
				       "sysctl \"%s\" is not allowed: pod \"%s\" uses the host's "
				       "network",
				       key, pod->rec.spec.name);
		if (pod != NULL && ns == PD_SYSCTL_NS_IPC && pod->rec.spec.host_ipc)
			return pd_fail(
			    err, PD_E_INVALID,
			    "sysctl \"%s\" is not allowed: pod \"%s\" uses the host's IPC "
			    "namespace",
			    key, pod->rec.spec.name);
		/* A name the kernel does not have fails now, not at the start. */
		if (snprintf(path, sizeof(path), "/proc/sys/%s", key) >= (int)sizeof(path))
			return pd_fail(err, PD_E_INVALID, "sysctl \"%.64s\": name too long", key);
		for (char *c = path + 10; strchr(key, '/') == NULL && *c != '\0'; c++)
			if (*c == '.')
				*c = '/';
		if (access(path, F_OK) < 0)
			return pd_fail(err, PD_E_INVALID, "sysctl \"%s\" does not exist", key);
	}
	return 0;
}

int
ctr_priv_shim(const struct container *c, json_t *j, struct pd_err *err)
{
	const struct ctr_spec *s = &c->rec.spec;
	const json_t *devs = json_object_get(s->priv, PD_F_DEVICES);
	json_t *v, *ulimits = json_object_get(s->priv, PD_F_ULIMITS);
	size_t i;

	if (ctr_is_privileged(s))
		json_object_set_new(j, PD_SHIM_PRIVILEGED, json_true());
	if (json_array_size(devs) > 0) {
		json_t *out = json_array();

		json_object_set_new(j, PD_SHIM_DEVICES, out);
		json_array_foreach ((json_t *)devs, i, v) {
			struct stat st;

			if (device_stat(v, &st, err) < 0)
				return -1;
			json_array_append_new(
			    out, json_pack("{s:O, s:s, s:I, s:I, s:I, s:I, s:I}", "path",
					   json_object_get(v, "container_path"), "type",
					   S_ISBLK(st.st_mode) ? "b" : "c", "major",
					   (json_int_t)major(st.st_rdev), "minor",
					   (json_int_t)minor(st.st_rdev), "file_mode",
					   (json_int_t)(st.st_mode & 07777), "uid",
					   (json_int_t)st.st_uid, "gid", (json_int_t)st.st_gid));
		}
	}
	if (json_is_true(json_object_get(s->priv, PD_F_INIT)))
		json_object_set_new(j, PD_SHIM_INIT, json_string(c->d->cfg.pause_path));
	if ((v = json_object_get(s->priv, PD_F_SHM_SIZE)) != NULL)
		json_object_set(j, PD_SHIM_SHM_SIZE, v);
	if ((v = json_object_get(s->priv, PD_F_SYSCTLS)) != NULL && json_object_size(v) > 0)
		json_object_set(j, PD_SHIM_SYSCTLS, v);
	if ((v = json_object_get(s->priv, PD_F_OOM_SCORE_ADJ)) != NULL)
		json_object_set(j, PD_SHIM_OOM_SCORE_ADJ, v);
	if (json_array_size(ulimits) > 0)
		json_object_set(j, PD_SHIM_RLIMITS, ulimits);
	return 0;
}

/* The rules of @s's devices into @rules (room for CTR_MAX_DEVICES). */
static int
device_rules(const struct ctr_spec *s, struct cgdev_rule *rules, size_t *n, struct pd_err *err)
{
	const json_t *devs = json_object_get(s->priv, PD_F_DEVICES);
	json_t *v;
	size_t i;

	*n = 0;
	json_array_foreach ((json_t *)devs, i, v) {
		struct stat st;

		if (i >= CTR_MAX_DEVICES || device_stat(v, &st, err) < 0)
			return i >= CTR_MAX_DEVICES ? pd_fail(err, PD_E_INVALID, "too many devices")
						    : -1;
		rules[*n] = (struct cgdev_rule){
		    .type = S_ISBLK(st.st_mode) ? 'b' : 'c',
		    .major = (long)major(st.st_rdev),
		    .minor = (long)minor(st.st_rdev),
		    .access = cgdev_access_of(json_string_value(json_object_get(v, "permissions"))),
		};
		(*n)++;
	}
	return 0;
}

int
ctr_priv_cgroup(struct container *c, const char *rel, struct pd_err *err)
{
	struct cgdev_rule rules[CTR_MAX_DEVICES];
	cleanup_close int v1 = -1, v2 = -1;
	struct pd_err e = {0};
	size_t n = 0;

	if (!cgroup_enabled(c->d) || device_rules(&c->rec.spec, rules, &n, err) < 0)
		return cgroup_enabled(c->d) ? -1 : 0;
	/* Where the layout has them: the v1 devices controller, and a v2 dir
	 * (on a hybrid machine both, and the kernel checks both). */
	if (!cgroup_on_v2(c->d, "devices") &&
	    (v1 = cgroup_dir_open(c->d, rel, "devices", &e)) < 0 && e.kind != PD_E_NOT_FOUND) {
		*err = e;
		return -1;
	}
	if (cgroup_on_v2(c->d, NULL) && (v2 = cgroup_dir_open(c->d, rel, NULL, err)) < 0)
		return -1;
	return cgdev_apply_dirs(v1, v2, ctr_is_privileged(&c->rec.spec), rules, n, err);
}
