/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podd-shim and podd-monitor agree on. podd-monitor is the second half
 * of a shim's life: once the workload has exec'd and podd has had
 * PD_SYNC_STARTED (lib/shim.h, step 5), podd-shim execve()s it in the same
 * process, as
 *
 *     podd-monitor --pid P --pidfd 3 --stdout 4 [--stderr 5] --log 6
 *                  --exit-dir 7 --exit-name NAME [--stdin 8] [--tty 9]
 *                  [--attach 10 [--hold-ms MS]]
 *
 * with those fds and 0-2 open and no other (the numbers are fixed, and still
 * named in argv so that neither side guesses). With a terminal, --stdout is
 * its master, --tty a second fd of it (for resizes), and there is no
 * --stderr; --stdin is the write end of the process's stdin pipe, or the
 * terminal again; --attach is the bound, listening attach socket
 * (lib/attach.h), and --hold-ms holds the output for its first client. The same process means the
 * same pid and start time (/proc/PID/stat field 22 does not change across
 * execve), so podd's pidfd of the shim and the pid it recorded stay valid;
 * the child subreaper flag, the ignored SIGTERM, SIGINT, SIGHUP and SIGPIPE,
 * and the blocked SIGCHLD survive execve too, and the workload stays its
 * child. podd-monitor then does step 6: the workload's stdout and stderr
 * into the CRI log (io.h), reaping (its own orphans too), the exit file
 * (lib/exitfile.h), exit 0. Once running it never exits early: errors go to
 * stderr (podd's log) and it carries on.
 *
 * Why a second binary: the dynamic podd-shim (glibc, jansson, libcap) held
 * ~280-330 KiB of PSS for the months a workload may run; the loop needs
 * none of that. podd-monitor is static, against musl, libc only (like
 * podd-pause); the figures are in shim/main.c.
 */
#pragma once

#define PD_MONITOR_BINARY "podd-monitor"

#define PD_MONITOR_PID       "--pid"       /* the workload's pid, for the exit file */
#define PD_MONITOR_PIDFD     "--pidfd"     /* the workload's pidfd */
#define PD_MONITOR_STDOUT    "--stdout"    /* read end of the workload's stdout pipe */
#define PD_MONITOR_STDERR    "--stderr"    /* read end of its stderr pipe */
#define PD_MONITOR_LOG       "--log"       /* the CRI log, O_APPEND */
#define PD_MONITOR_EXIT_DIR  "--exit-dir"  /* the exit file's directory */
#define PD_MONITOR_EXIT_NAME "--exit-name" /* the exit file's name in it */
#define PD_MONITOR_STDIN     "--stdin"     /* where attached clients' input goes */
#define PD_MONITOR_TTY       "--tty"       /* the terminal's master */
#define PD_MONITOR_ATTACH    "--attach"    /* the listening attach socket */
#define PD_MONITOR_HOLD_MS   "--hold-ms"   /* hold output for the first client */

/* The fd numbers podd-shim hands over, in this order from 3; the last four
 * are optional, and a number not handed over stays closed. */
enum shim_monitor_fd {
	SHIM_MONITOR_PIDFD = 3,
	SHIM_MONITOR_STDOUT,
	SHIM_MONITOR_STDERR,
	SHIM_MONITOR_LOG,
	SHIM_MONITOR_EXIT_DIR,
	SHIM_MONITOR_STDIN,
	SHIM_MONITOR_TTY,
	SHIM_MONITOR_ATTACH,
	SHIM_MONITOR_FD_END, /* the first fd not handed over */
};
