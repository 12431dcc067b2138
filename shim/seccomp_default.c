/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in profile: the same syscalls, argument rules and capability-,
 * architecture- and kernel-dependent entries as docker's default seccomp
 * profile (moby's profiles/seccomp), written as our own tables in the
 * struct of lib/seccomp_profile.h. Anything not named fails with EPERM.
 * In short: the ordinary life of a process is allowed; what changes the
 * machine beyond the container (mount, namespaces, modules, the clock,
 * reboot, BPF, perf, tracing others) needs the capability that guards it
 * in the workload's set; keyrings, userfaultfd, kexec, swap, quotas of the
 * host, and the kernel's own personality tricks are never allowed.
 * When docker's profile changes, this table follows it (facts, not text).
 */
#include "seccomp_filter.h"

#include <linux/capability.h>
#include <sched.h>
#include <stddef.h>

#define CAP(c) (UINT64_C(1) << (c))

/* Processes, threads and their attributes. */
static const char *const procs[] = {"capget",
				    "capset",
				    "execve",
				    "execveat",
				    "exit",
				    "exit_group",
				    "fork",
				    "getcpu",
				    "getpgid",
				    "getpgrp",
				    "getpid",
				    "getppid",
				    "getpriority",
				    "getrandom",
				    "getrlimit",
				    "get_robust_list",
				    "getrusage",
				    "getsid",
				    "get_thread_area",
				    "gettid",
				    "ioprio_get",
				    "ioprio_set",
				    "kill",
				    "landlock_add_rule",
				    "landlock_create_ruleset",
				    "landlock_restrict_self",
				    "membarrier",
				    "pidfd_open",
				    "pidfd_send_signal",
				    "prctl",
				    "prlimit64",
				    "process_mrelease",
				    "restart_syscall",
				    "riscv_hwprobe",
				    "rseq",
				    "sched_getaffinity",
				    "sched_getattr",
				    "sched_getparam",
				    "sched_get_priority_max",
				    "sched_get_priority_min",
				    "sched_getscheduler",
				    "sched_rr_get_interval",
				    "sched_rr_get_interval_time64",
				    "sched_setaffinity",
				    "sched_setattr",
				    "sched_setparam",
				    "sched_setscheduler",
				    "sched_yield",
				    "seccomp",
				    "setpgid",
				    "setpriority",
				    "setrlimit",
				    "set_robust_list",
				    "setsid",
				    "set_thread_area",
				    "set_tid_address",
				    "sysinfo",
				    "tgkill",
				    "times",
				    "tkill",
				    "ugetrlimit",
				    "uname",
				    "uretprobe",
				    "vfork",
				    "wait4",
				    "waitid",
				    "waitpid",
				    NULL};

/* Users and groups. */
static const char *const ids[] = {
    "getegid",   "getegid32",   "geteuid",   "geteuid32",   "getgid",    "getgid32",
    "getgroups", "getgroups32", "getresgid", "getresgid32", "getresuid", "getresuid32",
    "getuid",    "getuid32",    "setfsgid",  "setfsgid32",  "setfsuid",  "setfsuid32",
    "setgid",    "setgid32",    "setgroups", "setgroups32", "setregid",  "setregid32",
    "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid",  "setreuid32",
    "setuid",    "setuid32",    NULL};

/* Signals. */
static const char *const signals[] = {"alarm",
				      "pause",
				      "rt_sigaction",
				      "rt_sigpending",
				      "rt_sigprocmask",
				      "rt_sigqueueinfo",
				      "rt_sigreturn",
				      "rt_sigsuspend",
				      "rt_sigtimedwait",
				      "rt_sigtimedwait_time64",
				      "rt_tgsigqueueinfo",
				      "sigaltstack",
				      "signalfd",
				      "signalfd4",
				      "sigprocmask",
				      "sigreturn",
				      NULL};

/* Clocks, timers and sleeping. */
static const char *const clocks[] = {"adjtimex",
				     "clock_adjtime",
				     "clock_adjtime64",
				     "clock_getres",
				     "clock_getres_time64",
				     "clock_gettime",
				     "clock_gettime64",
				     "clock_nanosleep",
				     "clock_nanosleep_time64",
				     "getitimer",
				     "gettimeofday",
				     "nanosleep",
				     "setitimer",
				     "time",
				     "timer_create",
				     "timer_delete",
				     "timer_getoverrun",
				     "timer_gettime",
				     "timer_gettime64",
				     "timer_settime",
				     "timer_settime64",
				     "timerfd_create",
				     "timerfd_gettime",
				     "timerfd_gettime64",
				     "timerfd_settime",
				     "timerfd_settime64",
				     NULL};

/* Memory. */
static const char *const memory[] = {"brk",
				     "madvise",
				     "map_shadow_stack",
				     "memfd_create",
				     "memfd_secret",
				     "mincore",
				     "mlock",
				     "mlock2",
				     "mlockall",
				     "mmap",
				     "mmap2",
				     "mprotect",
				     "mremap",
				     "mseal",
				     "msync",
				     "munlock",
				     "munlockall",
				     "munmap",
				     "pkey_alloc",
				     "pkey_free",
				     "pkey_mprotect",
				     "remap_file_pages",
				     NULL};

/* Sockets. */
static const char *const sockets[] = {
    "accept",     "accept4",    "bind",       "connect",  "getpeername", "getsockname",
    "getsockopt", "listen",     "recv",       "recvfrom", "recvmmsg",    "recvmmsg_time64",
    "recvmsg",    "send",       "sendmmsg",   "sendmsg",  "sendto",      "setsockopt",
    "shutdown",   "socketcall", "socketpair", NULL};

/* System V and POSIX IPC. */
static const char *const ipc[] = {"ipc",
				  "mq_getsetattr",
				  "mq_notify",
				  "mq_open",
				  "mq_timedreceive",
				  "mq_timedreceive_time64",
				  "mq_timedsend",
				  "mq_timedsend_time64",
				  "mq_unlink",
				  "msgctl",
				  "msgget",
				  "msgrcv",
				  "msgsnd",
				  "semctl",
				  "semget",
				  "semop",
				  "semtimedop",
				  "semtimedop_time64",
				  "shmat",
				  "shmctl",
				  "shmdt",
				  "shmget",
				  NULL};

/* Waiting on many fds, futexes and async I/O. */
static const char *const waiting[] = {"epoll_create",
				      "epoll_create1",
				      "epoll_ctl",
				      "epoll_ctl_old",
				      "epoll_pwait",
				      "epoll_pwait2",
				      "epoll_wait",
				      "epoll_wait_old",
				      "eventfd",
				      "eventfd2",
				      "fanotify_mark",
				      "futex",
				      "futex_requeue",
				      "futex_time64",
				      "futex_wait",
				      "futex_waitv",
				      "futex_wake",
				      "inotify_add_watch",
				      "inotify_init",
				      "inotify_init1",
				      "inotify_rm_watch",
				      "io_cancel",
				      "io_destroy",
				      "io_getevents",
				      "io_pgetevents",
				      "io_pgetevents_time64",
				      "io_setup",
				      "io_submit",
				      "_newselect",
				      "poll",
				      "ppoll",
				      "ppoll_time64",
				      "pselect6",
				      "pselect6_time64",
				      "select",
				      NULL};

/* Files, directories, extended attributes and fds. */
static const char *const files[] = {"access",
				    "cachestat",
				    "chdir",
				    "chmod",
				    "chown",
				    "chown32",
				    "close",
				    "close_range",
				    "copy_file_range",
				    "creat",
				    "dup",
				    "dup2",
				    "dup3",
				    "faccessat",
				    "faccessat2",
				    "fadvise64",
				    "fadvise64_64",
				    "fallocate",
				    "fchdir",
				    "fchmod",
				    "fchmodat",
				    "fchmodat2",
				    "fchown",
				    "fchown32",
				    "fchownat",
				    "fcntl",
				    "fcntl64",
				    "fdatasync",
				    "fgetxattr",
				    "flistxattr",
				    "flock",
				    "fremovexattr",
				    "fsetxattr",
				    "fstat",
				    "fstat64",
				    "fstatat64",
				    "fstatfs",
				    "fstatfs64",
				    "fsync",
				    "ftruncate",
				    "ftruncate64",
				    "futimesat",
				    "getcwd",
				    "getdents",
				    "getdents64",
				    "getxattr",
				    "getxattrat",
				    "ioctl",
				    "lchown",
				    "lchown32",
				    "lgetxattr",
				    "link",
				    "linkat",
				    "listmount",
				    "listxattr",
				    "listxattrat",
				    "llistxattr",
				    "_llseek",
				    "lremovexattr",
				    "lseek",
				    "lsetxattr",
				    "lstat",
				    "lstat64",
				    "mkdir",
				    "mkdirat",
				    "mknod",
				    "mknodat",
				    "name_to_handle_at",
				    "newfstatat",
				    "open",
				    "openat",
				    "openat2",
				    "pipe",
				    "pipe2",
				    "pread64",
				    "preadv",
				    "preadv2",
				    "pwrite64",
				    "pwritev",
				    "pwritev2",
				    "read",
				    "readahead",
				    "readlink",
				    "readlinkat",
				    "readv",
				    "removexattr",
				    "removexattrat",
				    "rename",
				    "renameat",
				    "renameat2",
				    "rmdir",
				    "sendfile",
				    "sendfile64",
				    "setxattr",
				    "setxattrat",
				    "splice",
				    "stat",
				    "stat64",
				    "statfs",
				    "statfs64",
				    "statmount",
				    "statx",
				    "symlink",
				    "symlinkat",
				    "sync",
				    "sync_file_range",
				    "syncfs",
				    "tee",
				    "truncate",
				    "truncate64",
				    "umask",
				    "unlink",
				    "unlinkat",
				    "utime",
				    "utimensat",
				    "utimensat_time64",
				    "utimes",
				    "vmsplice",
				    "write",
				    "writev",
				    NULL};

/* ---- conditional entries ---- */

/* ptrace of one's own children, and reading or writing their memory:
 * safe for everyone once the kernel checks ptrace against seccomp (4.8). */
static const char *const trace_own[] = {"process_vm_readv", "process_vm_writev", "ptrace", NULL};

/* Sockets of every family but AF_ALG (38) and AF_VSOCK (40): one rule
 * with repeated conditions on argument 0 is any of them (seccomp_filter.c). */
static const char *const socket_names[] = {"socket", NULL};
static const struct pd_sc_arg socket_families[] = {
    {.index = 0, .op = PD_SC_LT, .value = 38},
    {.index = 0, .op = PD_SC_EQ, .value = 39},
    {.index = 0, .op = PD_SC_GT, .value = 40},
};

/* personality(2): Linux's own only: PER_LINUX (0), PER_LINUX32 (8),
 * UNAME26 (0x20000), the last two together, and the query (0xffffffff). */
static const char *const personality_names[] = {"personality", NULL};
static const struct pd_sc_arg personalities[] = {
    {.index = 0, .op = PD_SC_EQ, .value = 0},
    {.index = 0, .op = PD_SC_EQ, .value = 8},
    {.index = 0, .op = PD_SC_EQ, .value = 0x20000},
    {.index = 0, .op = PD_SC_EQ, .value = 0x20008},
    {.index = 0, .op = PD_SC_EQ, .value = 0xffffffff},
};

/* Architecture-specific calls, by docker's architecture names. */
static const char *const on_ppc64le[] = {"ppc64le", NULL};
static const char *const ppc64le_calls[] = {"swapcontext", "sync_file_range2", NULL};
static const char *const on_arm[] = {"arm", "arm64", NULL};
static const char *const arm_calls[] = {
    "arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush",
    "set_tls",          "sync_file_range2",    NULL};
static const char *const on_x86_64[] = {"amd64", "x32", NULL};
static const char *const x86_64_calls[] = {"arch_prctl", NULL};
static const char *const on_x86[] = {"amd64", "x32", "x86", NULL};
static const char *const x86_calls[] = {"modify_ldt", NULL};
static const char *const on_s390[] = {"s390", "s390x", NULL};
static const char *const s390_calls[] = {"s390_pci_mmio_read", "s390_pci_mmio_write",
					 "s390_runtime_instr", NULL};
static const char *const on_riscv[] = {"riscv64", NULL};
static const char *const riscv_calls[] = {"riscv_flush_icache", NULL};

/* What CAP_SYS_ADMIN guards: mounts, namespaces, names of the host, perf,
 * BPF, the kernel log, quotas, LSM attributes. */
static const char *const sys_admin_calls[] = {"bpf",
					      "clone",
					      "clone3",
					      "fanotify_init",
					      "fsconfig",
					      "fsmount",
					      "fsopen",
					      "fspick",
					      "lookup_dcookie",
					      "lsm_get_self_attr",
					      "lsm_list_modules",
					      "lsm_set_self_attr",
					      "mount",
					      "mount_setattr",
					      "move_mount",
					      "open_tree",
					      "perf_event_open",
					      "quotactl",
					      "quotactl_fd",
					      "setdomainname",
					      "sethostname",
					      "setns",
					      "syslog",
					      "umount",
					      "umount2",
					      "unshare",
					      NULL};

/* Without it, clone(2) may make threads and processes but no namespace:
 * none of these flags in the flags argument (the first; the second on
 * s390, whose clone takes the stack first). clone3's flags are in a struct
 * BPF cannot read: it fails with ENOSYS, so that libc falls back to clone. */
#define NS_FLAGS                                                                       \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
	 CLONE_NEWPID | CLONE_NEWNET)
static const char *const clone_names[] = {"clone", NULL};
static const char *const clone3_names[] = {"clone3", NULL};
static const struct pd_sc_arg clone_no_ns[] = {
    {.index = 0, .op = PD_SC_MASKED_EQ, .value = NS_FLAGS}};
static const struct pd_sc_arg clone_no_ns_s390[] = {
    {.index = 1, .op = PD_SC_MASKED_EQ, .value = NS_FLAGS}};

static const char *const dac_read_search_calls[] = {"open_by_handle_at", NULL};
static const char *const sys_boot_calls[] = {"reboot", NULL};
static const char *const sys_chroot_calls[] = {"chroot", NULL};
static const char *const sys_module_calls[] = {"delete_module", "finit_module", "init_module",
					       NULL};
static const char *const sys_pacct_calls[] = {"acct", NULL};
static const char *const sys_ptrace_calls[] = {
    "kcmp",   "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
    "ptrace", NULL};
static const char *const sys_rawio_calls[] = {"ioperm", "iopl", NULL};
static const char *const sys_time_calls[] = {"clock_settime", "clock_settime64", "settimeofday",
					     "stime", NULL};
static const char *const sys_tty_config_calls[] = {"vhangup", NULL};
static const char *const sys_nice_calls[] = {"get_mempolicy", "mbind", "set_mempolicy",
					     "set_mempolicy_home_node", NULL};
static const char *const syslog_calls[] = {"syslog", NULL};
static const char *const bpf_calls[] = {"bpf", NULL};
static const char *const perfmon_calls[] = {"perf_event_open", NULL};

#define ALLOW(list)                                                     \
	{                                                               \
		.names = (list), .action = PD_SC_ALLOW, .errno_ret = -1 \
	}
#define ALLOW_ARGS(list, a)                                                           \
	{                                                                             \
		.names = (list), .action = PD_SC_ALLOW, .errno_ret = -1, .args = (a), \
		.n_args = sizeof(a) / sizeof((a)[0])                                  \
	}
#define ALLOW_ON(list, on)                                                             \
	{                                                                              \
		.names = (list), .action = PD_SC_ALLOW, .errno_ret = -1, .includes = { \
			.arches = (on)                                                 \
		}                                                                      \
	}
#define ALLOW_WITH(list, cap)                                                          \
	{                                                                              \
		.names = (list), .action = PD_SC_ALLOW, .errno_ret = -1, .includes = { \
			.caps = CAP(cap)                                               \
		}                                                                      \
	}

static const struct pd_sc_rule rules[] = {
    ALLOW(procs),
    ALLOW(ids),
    ALLOW(signals),
    ALLOW(clocks),
    ALLOW(memory),
    ALLOW(sockets),
    ALLOW(ipc),
    ALLOW(waiting),
    ALLOW(files),
    {.names = trace_own,
     .action = PD_SC_ALLOW,
     .errno_ret = -1,
     .includes = {.kernel_major = 4, .kernel_minor = 8}},
    ALLOW_ARGS(socket_names, socket_families),
    ALLOW_ARGS(personality_names, personalities),
    ALLOW_ON(ppc64le_calls, on_ppc64le),
    ALLOW_ON(arm_calls, on_arm),
    ALLOW_ON(x86_64_calls, on_x86_64),
    ALLOW_ON(x86_calls, on_x86),
    ALLOW_ON(s390_calls, on_s390),
    ALLOW_ON(riscv_calls, on_riscv),
    ALLOW_WITH(dac_read_search_calls, CAP_DAC_READ_SEARCH),
    ALLOW_WITH(sys_admin_calls, CAP_SYS_ADMIN),
    {.names = clone_names,
     .action = PD_SC_ALLOW,
     .errno_ret = -1,
     .args = clone_no_ns,
     .n_args = 1,
     .excludes = {.caps = CAP(CAP_SYS_ADMIN), .arches = on_s390}},
    {.names = clone_names,
     .action = PD_SC_ALLOW,
     .errno_ret = -1,
     .args = clone_no_ns_s390,
     .n_args = 1,
     .includes = {.arches = on_s390},
     .excludes = {.caps = CAP(CAP_SYS_ADMIN)}},
    {.names = clone3_names,
     .action = PD_SC_ERRNO,
     .errno_ret = 38, /* ENOSYS */
     .excludes = {.caps = CAP(CAP_SYS_ADMIN)}},
    ALLOW_WITH(sys_boot_calls, CAP_SYS_BOOT),
    ALLOW_WITH(sys_chroot_calls, CAP_SYS_CHROOT),
    ALLOW_WITH(sys_module_calls, CAP_SYS_MODULE),
    ALLOW_WITH(sys_pacct_calls, CAP_SYS_PACCT),
    ALLOW_WITH(sys_ptrace_calls, CAP_SYS_PTRACE),
    ALLOW_WITH(sys_rawio_calls, CAP_SYS_RAWIO),
    ALLOW_WITH(sys_time_calls, CAP_SYS_TIME),
    ALLOW_WITH(sys_tty_config_calls, CAP_SYS_TTY_CONFIG),
    ALLOW_WITH(sys_nice_calls, CAP_SYS_NICE),
    ALLOW_WITH(syslog_calls, CAP_SYSLOG),
    ALLOW_WITH(bpf_calls, CAP_BPF),
    ALLOW_WITH(perfmon_calls, CAP_PERFMON),
};

/* The native architecture's companions: a 64-bit workload may run 32-bit
 * binaries of the same machine, filtered by the same rules. */
#define ARCH(a) (UINT32_C(1) << PD_SC_ARCH_##a)
static const struct pd_sc_archmap arch_map[] = {
    {PD_SC_ARCH_X86_64, ARCH(X86) | ARCH(X32)},
    {PD_SC_ARCH_AARCH64, ARCH(ARM)},
    {PD_SC_ARCH_MIPS64, ARCH(MIPS) | ARCH(MIPS64N32)},
    {PD_SC_ARCH_MIPS64N32, ARCH(MIPS) | ARCH(MIPS64)},
    {PD_SC_ARCH_MIPSEL64, ARCH(MIPSEL) | ARCH(MIPSEL64N32)},
    {PD_SC_ARCH_MIPSEL64N32, ARCH(MIPSEL) | ARCH(MIPSEL64)},
    {PD_SC_ARCH_S390X, ARCH(S390)},
    {PD_SC_ARCH_RISCV64, 0},
    {PD_SC_ARCH_LOONGARCH64, 0},
};

static const struct pd_sc_profile default_profile = {
    .default_action = PD_SC_ERRNO,
    .default_errno = 1, /* EPERM */
    .arch_map = arch_map,
    .n_arch_map = sizeof(arch_map) / sizeof(arch_map[0]),
    .rules = rules,
    .n_rules = sizeof(rules) / sizeof(rules[0]),
};

const struct pd_sc_profile *
shim_seccomp_default(void)
{
	return &default_profile;
}
