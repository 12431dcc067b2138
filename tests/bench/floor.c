/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel floors for `make bench`, one time per run in microseconds.
 * What podd does on top of them is its own cost.
 *
 *   floor RUNS PROGRAM
 *     a pod: clone into new net, ipc and uts namespaces, exec, wait.
 *   floor RUNS --container ROOTFS SCRATCH
 *     a whole container: clone with five namespaces, an overlay over ROOTFS
 *     (layers in SCRATCH), pivot_root, /proc, exec /bin/true, wait.
 */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The child of a container run: its root, then exec. */
static void
container_child(const char *rootfs, const char *scratch)
{
	char opts[8192], merged[4096];

	if (snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work", rootfs,
		     scratch, scratch) >= (int)sizeof(opts) ||
	    snprintf(merged, sizeof(merged), "%s/merged", scratch) >= (int)sizeof(merged)) {
		fputs("container setup: path too long\n", stderr);
		_exit(126);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("overlay", merged, "overlay", 0, opts) < 0 || chdir(merged) < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
	    chdir("/") < 0 || mount("proc", "/proc", "proc", 0, NULL) < 0) {
		perror("container setup");
		_exit(126);
	}
	execl("/bin/true", "true", (char *)NULL);
	_exit(127);
}

static int
container_floor(long runs, const char *rootfs, const char *scratch)
{
	struct clone_args args = {.flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
					   CLONE_NEWPID | CLONE_NEWNS,
				  .exit_signal = SIGCHLD};
	char path[4096];
	const char *dirs[] = {"", "/upper", "/work", "/merged"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (snprintf(path, sizeof(path), "%s%s", scratch, dirs[i]) >= (int)sizeof(path))
			return -1;
		mkdir(path, 0700);
	}
	for (long i = 0; i < runs; i++) {
		long long t0 = now_us();
		long pid = syscall(SYS_clone3, &args, sizeof(args));
		int status;

		if (pid < 0) {
			perror("clone3");
			return 1;
		}
		if (pid == 0)
			container_child(rootfs, scratch);
		waitpid((pid_t)pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return 1;
		printf("%lld\n", now_us() - t0);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct clone_args args = {.flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS,
				  .exit_signal = SIGCHLD};
	char *const child_argv[] = {argc > 2 ? argv[2] : "/bin/true", NULL};
	long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 20;

	if (argc == 5 && strcmp(argv[2], "--container") == 0)
		return container_floor(runs, argv[3], argv[4]);

	for (long i = 0; i < runs; i++) {
		long long t0 = now_us();
		long pid = syscall(SYS_clone3, &args, sizeof(args));
		int status;

		if (pid < 0) {
			perror("clone3");
			return 1;
		}
		if (pid == 0) {
			execv(child_argv[0], child_argv);
			_exit(127);
		}
		waitpid((pid_t)pid, &status, 0);
		printf("%lld\n", now_us() - t0);
	}
	return 0;
}
