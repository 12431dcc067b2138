/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podd and podd-shim agree on: how a shim is started, the spec it
 * reads, what it reports and the exit file it leaves. Both sides include
 * this file.
 *
 * Start: podd runs
 *     podd-shim --sync-fd N SPEC_PATH
 * in a new session, with stdin and stdout on /dev/null, stderr on podd's log,
 * and the sync socket (lib/sync.h) at fd N. When the container joins its
 * pod's PID namespace, the infra's pidfd is passed too, at the fd number
 * the spec names ("pid": "fd:3").
 *
 * The shim then
 *   1. reads and checks SPEC_PATH (a JSON object, the PD_SHIM_* keys below),
 *      opens the exit file's directory and takes a shared flock(2) on it,
 *      held until step 5 is over: a restarted podd takes that lock
 *      exclusively before it reads or cleans a run dir, so it never sees a
 *      shim half way through its start. With the lock, a shim whose sync
 *      socket is already hung up (podd died before this shim got going)
 *      exits at once, having changed nothing;
 *   2. forks and lets the first process exit, so the shim is not podd's
 *      child and outlives podd (it becomes a child subreaper);
 *   3. joins or creates the namespaces (PD_SHIM_NAMESPACES) and holds new
 *      net/ipc/uts ones by bind-mounting them on the PD_SHIM_HOLD paths;
 *   4. binds the attach socket if asked (PD_SHIM_ATTACH), then clones the
 *      workload in a new mount namespace (and a new PID namespace unless it
 *      joins one), which sets up its root (overlay, pivot_root, /proc, /dev,
 *      /sys, the /etc files), its terminal (a pty of the container's own
 *      /dev/pts, whose master comes back to the shim), its seccomp filter,
 *      capabilities and no_new_privs when asked, and execs; an exec session (PD_SHIM_TARGET) joins
 * the target's namespaces and root instead of making them;
 *   5. sends podd one message on the sync socket:
 *        PD_SYNC_ERROR with the pd_err of the first failure (the kind is
 *          PD_E_NO_COMMAND or PD_E_NOT_EXECUTABLE when execve failed), after
 *          undoing what it did (held namespace files unmounted and removed);
 *        PD_SYNC_STARTED once execve succeeded, with pids = {shim, workload}
 *          and their two pidfds attached (SCM_RIGHTS), in that order; then
 *          it waits for podd's PD_SYNC_ACK (lib/sync.h), which podd sends
 *          once its record of the container (both pids, both start times)
 *          is on disk. On EOF instead (podd died first) the shim kills the
 *          workload, reaps it, writes the exit file (exit code 137, signal
 *          KILL: what the restarted podd reports if it read the record),
 *          undoes what it did (held namespace files) and exits: nothing
 *          runs that no record names. After the ACK the lock is dropped;
 *   6. writes the workload's stdout and stderr to PD_SHIM_LOG in the CRI
 *      format (lib/crilog.h) until it exits, reaps it, writes the exit file
 *      (PD_SHIM_EXIT_FILE, atomically) and exits 0. The shim does this step
 *      as podd-monitor, which it execs in the same process (same pid and
 *      start time: shim/monitor.h), so its comm changes to "podd-monitor".
 * A shim that dies before step 5 shows as EOF on the sync socket.
 *
 * A monitor that dies (kill -9) leaves no exit file. podd, which holds the
 * workload's pidfd, then kills the workload itself and records the
 * container exited with 137 and the reason, so that no workload outlives
 * its record (podd/recover.c).
 */
#pragma once

#define PD_SHIM_BINARY "podd-shim"

/* Spec keys. Paths are absolute. */
#define PD_SHIM_ID     "id"     /* the container id */
#define PD_SHIM_NAME   "name"   /* the container name, for messages */
#define PD_SHIM_ROOTFS "rootfs" /* the image's tree: the overlay's lower dir */
#define PD_SHIM_LOWERS                                          \
	"lowers" /* [string]: an image's layer dirs, top first, \
		  * instead of rootfs: overlay's lowerdir */
#define PD_SHIM_READ_ONLY                                                                \
	"read_only"                       /* bool: no upper; rootfs (or one lower) bound \
					   * read-only, several lowers an overlay without upper */
#define PD_SHIM_UPPER       "upper"       /* overlay upper dir (absent when read_only) */
#define PD_SHIM_WORK        "work"        /* overlay work dir (absent when read_only) */
#define PD_SHIM_MOUNT_POINT "mount_point" /* an empty dir where the root is assembled */
#define PD_SHIM_ETC_DIR     "etc_dir"     /* hostname, hosts, resolv.conf to bind on /etc */
#define PD_SHIM_LOG         "log"         /* the CRI log file, opened for append */
#define PD_SHIM_EXIT_FILE   "exit_file"   /* where the exit record goes */
#define PD_SHIM_ARGS        "args"        /* [string]: argv; args[0] looked up in PATH */
#define PD_SHIM_ENV         "env"         /* [string]: "K=V" */
#define PD_SHIM_CWD         "cwd"         /* working directory inside the container */
#define PD_SHIM_HOSTNAME    "hostname"    /* set when the uts namespace is new */
#define PD_SHIM_CAPS        "caps"        /* [string]: "CAP_CHOWN"...: the whole set */
#define PD_SHIM_NAMESPACES  "namespaces"  /* {"net","ipc","uts","pid"}: see below */
#define PD_SHIM_HOLD        "hold"        /* {"net","ipc","uts"}: where to bind new ones */
#define PD_SHIM_TTY         "tty"         /* bool: a terminal for stdin, stdout, stderr */
#define PD_SHIM_STDIN       "stdin"       /* bool: stdin open for attached clients */
#define PD_SHIM_ATTACH      "attach"      /* where to bind the attach socket (lib/attach.h) */
#define PD_SHIM_HOLD_OUTPUT "hold_output" /* bool: hold output for the first client */
/* issue 16: the attach socket's group (podd --group), which may connect:
 * mode 0660 root:GID; absent: root's alone (0600) */
#define PD_SHIM_ATTACH_GID "attach_gid"
#define PD_SHIM_TTY_SIZE   "tty_size" /* [rows, cols]: the terminal's first size */
#define PD_SHIM_UID        "uid"      /* the workload's user and group (0) */
#define PD_SHIM_GID        "gid"
/* issue 11, config: "NAME[:GROUP]" or "UID[:GID]" (lib/name.h's
 * pd_user_validate), resolved in the container's /etc/passwd and /etc/group
 * once its root is there, with the supplementary groups of a named user
 * (shim/user.h); replaces uid and gid, which must then be absent. A
 * workload whose env has no HOME gets the user's home ("/" when the
 * passwd file does not name it). */
#define PD_SHIM_USER "user"
/* An exec session instead of a container: "fd:N", a pidfd of the
 * container's workload, whose mount, PID, network, IPC and UTS namespaces
 * (and so its root) the command joins. Then rootfs, read_only, upper,
 * work, mount_point, etc_dir, hostname, namespaces and hold are absent. */
#define PD_SHIM_TARGET "target"

/* The container's own mounts (issue 11, volumes), in order, made after
 * /proc, /dev, /sys and /etc: [{"type": "bind"|"tmpfs", "target": absolute
 * path inside the container, "source": absolute host path (bind),
 * "read_only": bool, "copy_up": bool (bind of a volume: fill it from the
 * image's content at target when it is empty), "size": bytes and "mode":
 * octal (tmpfs; 0: no limit, 01777)}]. Targets are resolved inside the
 * container's root (openat2 RESOLVE_IN_ROOT) and made when missing. */
#define PD_SHIM_MOUNTS "mounts"

/* Issue 13, privileges (each optional; absent: today's behaviour):
 *   "privileged": bool: every capability (podd sends them in "caps"), no
 *     default seccomp filter, /sys read-write, no masked or read-only /proc
 *     and /sys paths, and a node in /dev for every device of the host's;
 *   "devices": [{"path": "/dev/...", "type": "c"|"b", "major", "minor",
 *     "file_mode": the node's permission bits, "uid", "gid"}]: nodes made
 *     in the container's /dev (the devices cgroup is podd's to set);
 *   "init": the host path of podd-pause, bound read-only on /dev/init and
 *     run as `podd-pause --init -- ARGS...` (shim/pause.c) in front of args;
 *   "shm_size": bytes of the container's /dev/shm (64 MiB when absent);
 *   "sysctls": {"net.ipv4.ip_forward": "1", ...}: written under /proc/sys
 *     in the container's namespaces (podd allows only namespaced ones);
 *   "rlimits": [{"name": "nofile" (lib/rlimit.h), "soft", "hard"}] (-1:
 *     unlimited);
 *   "oom_score_adj": -1000..1000, written before anything else is set up. */
#define PD_SHIM_PRIVILEGED    "privileged"
#define PD_SHIM_DEVICES       "devices"
#define PD_SHIM_INIT          "init"
#define PD_SHIM_SHM_SIZE      "shm_size"
#define PD_SHIM_SYSCTLS       "sysctls"
#define PD_SHIM_RLIMITS       "rlimits"
#define PD_SHIM_OOM_SCORE_ADJ "oom_score_adj"
/* Where the init is bound in the container. */
#define PD_SHIM_INIT_PATH "/dev/init"
/* issue 13, cgroups: [absolute dir, ...]: the leaf in each hierarchy the
 * workload joins (it writes "0" to each dir's cgroup.procs first thing in
 * the child, before any other step), for a container and an exec session
 * alike. Absent: it stays in the shim's. The shim itself never joins. */
#define PD_SHIM_CGROUPS "cgroups"
/* bool: after joining, a new cgroup namespace (a container), so that the
 * workload sees its leaf as "/"; an exec session joins its target's
 * instead (setns on the target pidfd). */
#define PD_SHIM_CGROUP_NS "cgroup_ns"
/* [{"type": "cgroup"|"cgroup2", "target": "/sys/fs/cgroup[/NAME]",
 * "options": "cpu,cpuacct"}]: cgroupfs mounted read-only at
 * /sys/fs/cgroup inside the container, after its cgroup namespace is
 * made (each mount shows the namespace's root, the container's own leaf):
 * v1 a tmpfs at /sys/fs/cgroup with one mount per hierarchy under it (and
 * "unified" on a hybrid host), v2 one cgroup2 mount. Needs cgroup_ns. */
#define PD_SHIM_CGROUP_MOUNTS "cgroup_mounts"
/* issue 13, seccomp: the workload's seccomp filter (exec sessions get
 * their container's): absent, none; "default", the built-in profile (docker's
 * default, shim/seccomp_default.c); an object, a profile in docker's format
 * (lib/seccomp_profile.h). Compiled for the workload's capability set. */
#define PD_SHIM_SECCOMP         "seccomp"
#define PD_SHIM_SECCOMP_DEFAULT "default"
/* A directory where compiled filters are kept, by a hash of what they are
 * compiled from (the profile, the capability set, the architecture, the
 * kernel and libseccomp's versions): libseccomp takes some 10-70 ms to
 * compile docker's profile, reading it back well under one. Absent: always
 * compiled. Made (0700) when missing. */
#define PD_SHIM_SECCOMP_CACHE "seccomp_cache"
/* bool: set no_new_privs before execve (absent: true). */
#define PD_SHIM_NO_NEW_PRIVS "no_new_privs"
/* issue 13: the pod's user namespace, for a container of a userns pod (and
 * a debug container joining one's namespaces) and for an exec session into
 * one: {"path": the held user namespace file, "uid", "gid": the host ids of
 * root inside, "idmap": bool (absent: true)}. The container's mounts are
 * made first, in a mount namespace of the host's user namespace: with
 * idmap, each lower layer of the overlay (and each bind mount) is an
 * idmapped mount of that user namespace (mount_setattr MOUNT_ATTR_IDMAP,
 * Linux 5.12; an idmapped layer given to overlay by fd: Linux 6.13), so
 * the image's root-owned files are root's inside, while the upper dir is
 * written with the mapped ids; without it the layers are podd's copies,
 * already owned by the mapped ids. Then the workload joins the user
 * namespace as its root (step 6 of lib/shim.h's order, after the mounts,
 * before the user and the capabilities). */
#define PD_SHIM_USERNS        "userns"
#define PD_SHIM_USERNS_PATH   "path"
#define PD_SHIM_USERNS_UID    "uid"
#define PD_SHIM_USERNS_GID    "gid"
#define PD_SHIM_USERNS_IDMAP  "idmap"
#define PD_SHIM_USERNS_LAYERS "layers"

/* A namespace value: "new", "host", a path to a namespace file (a bind mount
 * podd holds), or "fd:N": a pidfd whose namespace of that type to join
 * (setns on a pidfd; for "pid", the namespace the workload is born in).
 * Several may name the same pidfd (podctl debug --process). */
#define PD_SHIM_NS_NEW    "new"
#define PD_SHIM_NS_HOST   "host"
#define PD_SHIM_NS_FD_PRE "fd:"

/* The exit file: {"exit_code": N, "signal": "KILL" (only when killed),
 * "finished": RFC3339Nano, "pid": workload pid}. exit_code is docker's:
 * the status, or 128 + the signal number. */
#define PD_SHIM_EXIT_CODE "exit_code"
#define PD_SHIM_SIGNAL    "signal"
#define PD_SHIM_FINISHED  "finished"
#define PD_SHIM_PID       "pid"

/* Largest spec the shim reads, in bytes. */
#define PD_SHIM_SPEC_MAX (256 * 1024)
