/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read-only and masked paths of /proc and /sys; see masks.h. The lists are
 * docker's defaults (moby's default spec, 2025): the five read-only trees,
 * and the masked ones including /proc/interrupts and each CPU's
 * thermal_throttle directory, which moby added after two advisories about
 * reading host activity through them.
 *
 * How, as docker's runtimes do it: a read-only path is a bind of itself
 * with MOUNT_ATTR_RDONLY added (a bind keeps the nosuid, nodev and noexec
 * of the /proc it comes from, and mount_setattr changes only the flag it
 * is given); a masked file gets /dev/null bound over it, a masked
 * directory an empty read-only tmpfs. Without CAP_SYS_ADMIN the workload
 * can unmount none of it.
 */
#include "masks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/sys/devices/virtual/powercap",
    "/sys/firmware",
};

#define CPU_DIR "/sys/devices/system/cpu"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Bind @path on itself, read-only with what is mounted below it. */
static int
make_readonly(const char *path, struct pd_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return 0;
		return pd_fail_errno(err, errno, "bind %s", path);
	}
	if (mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return pd_fail_errno(err, errno, "make %s read-only", path);
	return 0;
}

/* Hide @path: /dev/null over a file, an empty read-only tmpfs over a
 * directory. */
static int
mask(const char *path, struct pd_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pd_fail_errno(err, errno, "mask %s", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0555") < 0)
			return pd_fail_errno(err, errno, "mask %s", path);
		return 0;
	}
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return pd_fail_errno(err, errno, "mask %s", path);
	return 0;
}

/* "cpu" and digits: a CPU's directory, not cpufreq, cpuidle, ... */
static int
is_cpu_name(const char *name)
{
	if (strncmp(name, "cpu", 3) != 0 || name[3] == '\0')
		return 0;
	for (const char *p = name + 3; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* Each CPU's thermal_throttle. getdents64 on a stack buffer: the child
 * does not allocate. */
static int
mask_thermal(struct pd_err *err)
{
	char buf[4096] __attribute__((aligned(8)));
	char path[128];
	cleanup_close int fd = open(CPU_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : pd_fail_errno(err, errno, "open %s", CPU_DIR);
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (!is_cpu_name(d->d_name))
				continue;
			if (snprintf(path, sizeof(path), CPU_DIR "/%s/thermal_throttle",
				     d->d_name) >= (int)sizeof(path))
				continue; /* a name no CPU has */
			if (mask(path, err) < 0)
				return -1;
		}
	}
	if (n < 0)
		return pd_fail_errno(err, errno, "read %s", CPU_DIR);
	return 0;
}

int
shim_masks_apply(struct pd_err *err)
{
	for (size_t i = 0; i < N_OF(readonly_paths); i++)
		if (make_readonly(readonly_paths[i], err) < 0)
			return -1;
	for (size_t i = 0; i < N_OF(masked_paths); i++)
		if (mask(masked_paths[i], err) < 0)
			return -1;
	return mask_thermal(err);
}
