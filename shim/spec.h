/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container spec podd hands the shim (lib/shim.h), parsed into a struct
 * with every check done: known keys only, types, absolute paths, limits on
 * counts and lengths, namespace values. Pure: no system calls, so it is
 * unit-tested and fuzzed, and the code that touches the kernel (join.c,
 * rootfs.c, capset.c) only ever sees a validated struct. Capability names are
 * checked for shape here; lib's pd_cap_from_name resolves them in capset.c.
 *
 * How lib/shim.h's keys are read:
 *   required: id (PD_ID_LEN lowercase hex), name, rootfs or lowers (exactly
 *     one; lowers: 1..SHIM_MAX_LOWERS layer dirs, top first), mount_point,
 *     log, exit_file, args (at least the command), namespaces (all four keys);
 *   upper and work: required unless read_only, refused with it;
 *   optional: read_only (false), etc_dir (no /etc files; a file missing in
 *     it is not bound), env (none; PATH=SHIM_DEFAULT_PATH is added when it
 *     has no PATH), cwd ("/"), hostname (only set in a new uts namespace),
 *     caps (none), hold (a path per new net/ipc/uts to hold; a hold for a
 *     namespace that is not new is refused), tty, stdin and hold_output
 *     (false), attach (no socket; hold_output needs it), uid and gid (0),
 *     user (issue 11: resolved in the container; uid and gid absent then),
 *     cgroups (issue 13: absolute dirs to join, containers and exec
 *     sessions), cgroup_ns (false), cgroup_mounts (containers with
 *     cgroup_ns only; targets /sys/fs/cgroup[/NAME]),
 *     seccomp (none; "default" or a profile, lib/seccomp_profile.h),
 *     seccomp_cache (none) and
 *     no_new_privs (true), for containers and exec sessions alike.
 * An exec session (target "fd:N") needs none of the container's keys and
 * may not have them: its PID namespace is the target's (ns[PD_NS_PID] is
 * SHIM_NS_FD with the target's fd), the others stay SHIM_NS_HOST for the
 * shim, and the workload joins the rest itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "priv_spec.h"
#include "seccomp_profile.h"

/* Limits. The spec file itself is at most PD_SHIM_SPEC_MAX bytes. */
#define SHIM_MAX_ARGS    1024
#define SHIM_MAX_ENV     1024
#define SHIM_MAX_STRING  (32 * 1024) /* one argument or one "K=V" */
#define SHIM_MAX_CAPS    64
#define SHIM_MAX_CAPNAME 32
#define SHIM_MAX_PATH    1024  /* every path of the spec */
#define SHIM_MAX_ID      65535 /* uid and gid: below the overflow id */
#define SHIM_MAX_LOWERS  128   /* layers of an image (image_manifest.h) */

/* The PATH searched when the spec's env has none. */
#define SHIM_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The namespaces a spec names, in the order of enum pd_ns_type. */
#define SHIM_NS_COUNT 4 /* PD_NS_NET, PD_NS_IPC, PD_NS_UTS, PD_NS_PID */

enum shim_ns_mode {
	SHIM_NS_HOST, /* stay in the shim's (podd's) namespace */
	SHIM_NS_NEW,  /* a new one */
	SHIM_NS_PATH, /* join the namespace file at path */
	SHIM_NS_FD,   /* pid only: join the PID namespace of the pidfd at fd */
};

struct shim_ns {
	enum shim_ns_mode mode;
	const char *path; /* borrowed from the JSON: SHIM_NS_PATH only */
	int fd;           /* SHIM_NS_FD only; -1 otherwise */
	const char *hold; /* borrowed, may be NULL: where to bind a new net/ipc/uts */
};

/* One of the container's own mounts (lib/shim.h PD_SHIM_MOUNTS). */
#define SHIM_MAX_MOUNTS 64
enum shim_mount_type { SHIM_MOUNT_BIND, SHIM_MOUNT_TMPFS };
struct shim_mount {
	enum shim_mount_type type;
	const char *source; /* borrowed: bind only, absolute; NULL for tmpfs */
	const char *target; /* borrowed: absolute, no "." or ".." component */
	bool read_only;
	bool copy_up;            /* bind of a volume: fill it when empty */
	unsigned long long size; /* tmpfs bytes, 0: no limit */
	unsigned mode;           /* tmpfs mode */
	/* issue 12, podspec: a bind of this path inside the source (relative,
	 * no ".."), resolved there with RESOLVE_IN_ROOT; made as directories
	 * when missing with sub_path_create. NULL: the source itself. */
	const char *sub_path;
	bool sub_path_create;
};

/* A cgroupfs mount at /sys/fs/cgroup (lib/shim.h PD_SHIM_CGROUP_MOUNTS). */
#define SHIM_MAX_CGROUPS 16
struct shim_cgroup_mount {
	bool v2;             /* cgroup2, else a v1 hierarchy */
	const char *target;  /* borrowed: /sys/fs/cgroup or /sys/fs/cgroup/NAME */
	const char *options; /* borrowed: v1's controllers ("cpu,cpuacct"), NULL for v2 */
};

enum shim_seccomp {
	SHIM_SECCOMP_NONE,    /* no filter */
	SHIM_SECCOMP_DEFAULT, /* the built-in profile */
	SHIM_SECCOMP_PROFILE, /* spec->profile */
};

/* Every string is borrowed from the parsed JSON, which must outlive the
 * spec; the arrays are owned (shim_spec_clear). */
struct shim_spec {
	const char *id; /* PD_ID_LEN lowercase hex digits */
	const char *name;
	const char *rootfs;  /* NULL with lowers, or lowers[0] with one lower read-only */
	const char **lowers; /* owned array, NULL-terminated; NULL with rootfs */
	size_t n_lowers;
	char *lower_dir; /* owned, may be NULL: the dir all lowers are in (cwd at mount) */
	bool read_only;
	const char *upper; /* NULL when read_only */
	const char *work;  /* NULL when read_only */
	const char *mount_point;
	const char *etc_dir; /* may be NULL: no /etc files */
	const char *log;
	const char *exit_file;
	const char *cwd;      /* "/" when absent */
	const char *hostname; /* may be NULL */
	const char *path;     /* the PATH of env, or SHIM_DEFAULT_PATH (then added to env) */
	const char **args;    /* owned array, NULL-terminated, at least one */
	const char **env;     /* owned array, NULL-terminated, never NULL */
	const char **caps;    /* owned array, NULL-terminated, never NULL */
	size_t n_args, n_env, n_caps;
	struct shim_ns ns[SHIM_NS_COUNT];
	bool tty, open_stdin, hold_output;
	unsigned short tty_rows, tty_cols; /* 0: not given */
	const char *attach;                /* may be NULL: no attach socket */
	int attach_gid;                    /* issue 16: the socket's group; -1: root's alone */
	unsigned uid, gid;
	const char *user; /* issue 11: "NAME[:GROUP]"/"UID[:GID]" to resolve (user.h), or NULL */
	bool has_home;    /* env has a HOME (else the user's is added, with user) */
	int target;       /* an exec session's pidfd of the container's workload; -1: a container */
	struct shim_mount *mounts; /* owned array of n_mounts; NULL when none */
	size_t n_mounts;
	struct shim_priv priv; /* issue 13: privileged, devices, init, ... (priv_spec.h) */
	/* issue 13, cgroups (lib/shim.h): the leaf dirs to join, an owned
	 * NULL-terminated array (never NULL once parsed); a new cgroup
	 * namespace (containers) or the target's (exec sessions); the
	 * cgroupfs mounts at /sys/fs/cgroup, owned, NULL when none. */
	const char **cgroups;
	size_t n_cgroups;
	bool cgroup_ns;
	struct shim_cgroup_mount *cgroup_mounts;
	size_t n_cgroup_mounts;
	/* issue 13, seccomp */
	enum shim_seccomp seccomp;
	struct pd_sc_profile profile; /* SHIM_SECCOMP_PROFILE's, arrays owned */
	const char *seccomp_cache;    /* may be NULL: no cache (seccomp_filter.h) */
	bool no_new_privs;
	/* issue 13: the pod's user namespace (lib/shim.h PD_SHIM_USERNS) */
	const char *userns;              /* may be NULL: none; the held file to join */
	unsigned userns_uid, userns_gid; /* host ids of root inside */
	bool userns_idmap;               /* idmapped layers and binds */
	const char **userns_layers;      /* owned, may be NULL: the sources of the lowers */
	int userns_fd;                   /* -1; the shim opens userns here (main.c) */
};

/* Parse the spec object @j into @spec (cleared first; release with
 * shim_spec_clear even on failure). Every failure is PD_E_INVALID naming the
 * key, or PD_E_TOO_LARGE for a count or a length over its limit. */
int shim_spec_parse(const json_t *j, struct shim_spec *spec, struct pd_err *err);

/* Release what @spec owns (not the JSON it borrows from). */
void shim_spec_clear(struct shim_spec *spec);

/* The overlay's option string for @spec (a new string), or NULL when its
 * root is a bind mount (a rootfs or one layer, read-only): lowerdir is the
 * rootfs or the lowers top first joined by ':' (relative to lower_dir when
 * they share one: the mount is then made from there), then upperdir and
 * workdir unless read_only. Made by the parent (it allocates). */
char *shim_overlay_opts(const struct shim_spec *spec);
