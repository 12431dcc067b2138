/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reaping and exit statuses; see reap.h.
 */
#include "reap.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

/* glibc has it, musl does not: the wait status of an exit with @ret. */
#ifndef W_EXITCODE
#define W_EXITCODE(ret, sig) ((ret) << 8 | (sig))
#endif

int
pd_pidfd_reap(int pidfd, int *status)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG) < 0)
		return -1;
	if (info.si_pid == 0)
		return 0;
	switch (info.si_code) {
	case CLD_EXITED:
		*status = W_EXITCODE(info.si_status, 0);
		break;
	case CLD_KILLED:
		*status = info.si_status & 0x7f; /* a wait status whose WTERMSIG is the signal */
		break;
	case CLD_DUMPED:
		*status = (info.si_status & 0x7f) | 0x80;
		break;
	default:
		*status = W_EXITCODE(info.si_status, 0);
	}
	return 1;
}

int
pd_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}
