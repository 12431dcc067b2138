/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reaping a child through its pidfd, and what its wait status means. Apart
 * from lib/proc.c (clone3 and the pidfd syscalls, glibc's wrappers) so that
 * podd-monitor, built static against musl, links it too: libc only.
 */
#pragma once

/* Reap @pidfd's process if it is our child and has exited, without blocking
 * (waitid P_PIDFD, Linux 5.4). Returns 1 with *status set (see
 * pd_exit_code()), 0 if it has not exited, -1 if it is not our child. */
int pd_pidfd_reap(int pidfd, int *status);

/* The docker-style exit code of a wait status: the exit status, or 128+signal. */
int pd_exit_code(int status);
