/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel floor of a pod, for `make bench`: clone into new net, ipc and
 * uts namespaces, exec a program, wait for it. Prints one time per run in
 * microseconds. What podd does on top of this is its own cost.
 *
 *   floor RUNS PROGRAM
 */
#include <sched.h>
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

int
main(int argc, char **argv)
{
	struct clone_args args = {.flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS,
				  .exit_signal = SIGCHLD};
	char *const child_argv[] = {argc > 2 ? argv[2] : "/bin/true", NULL};
	long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 20;

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
