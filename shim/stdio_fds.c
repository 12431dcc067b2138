/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's stdio and the attach socket; see stdio_fds.h.
 */
#include "stdio_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "log.h"
#include "sync.h"

static int
open_pipes(const struct shim_spec *spec, struct shim_stdio *io, struct pd_err *err)
{
	int p[3][2];

	for (int i = 0; i < 3; i++) {
		if (i == 0 && !spec->open_stdin)
			continue;
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return pd_fail_errno(err, errno, "pipe");
		/* stdin: the workload reads; stdout, stderr: it writes. */
		io->pipe_ends[i] = p[i][i == 0 ? 0 : 1];
		io->spawn_fds[i] = io->pipe_ends[i];
		if (i == 0)
			io->in_w = p[i][1];
		else if (i == 1)
			io->out_r = p[i][0];
		else
			io->err_r = p[i][0];
	}
	return 0;
}

static int
open_tty(struct shim_stdio *io, struct pd_err *err)
{
	if (pd_sync_pair(io->tty_pair, err) < 0)
		return -1;
	io->slot = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (io->slot < 0)
		return pd_fail_errno(err, errno, "open /dev/null");
	for (int i = 0; i < 3; i++)
		io->spawn_fds[i] = io->slot;
	return 0;
}

/* issue 16: root's alone, or root's and podd's group's (podd --group),
 * whose members attach without sudo. The directories above say who may
 * reach it (podd makes them 0710 root:GROUP). */
static int
share_attach(const struct shim_stdio *io, int gid, struct pd_err *err)
{
	if (fchmodat(io->attach_dirfd, io->attach_name, gid < 0 ? 0600 : 0660, 0) < 0 ||
	    (gid >= 0 && fchownat(io->attach_dirfd, io->attach_name, 0, (gid_t)gid, 0) < 0))
		return pd_fail_errno(err, errno, "attach socket: give it to group %d", gid);
	return 0;
}

static int
bind_attach(const char *path, int gid, struct shim_stdio *io, struct pd_err *err)
{
	char dir[SHIM_MAX_PATH + 1];
	const char *slash = strrchr(path, '/');
	struct sockaddr_un sa;
	int len;

	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	io->attach_name = slash + 1;
	io->attach_dirfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (io->attach_dirfd < 0)
		return pd_fail_errno(err, errno, "attach socket: open %s", dir);
	len = pd_attach_addr(&sa, io->attach_dirfd, io->attach_name, err);
	if (len < 0)
		return -1;
	/* A socket left by an earlier run of the container. */
	if (unlinkat(io->attach_dirfd, io->attach_name, 0) < 0 && errno != ENOENT)
		return pd_fail_errno(err, errno, "attach socket: remove %s", path);
	io->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (io->listen_fd < 0)
		return pd_fail_errno(err, errno, "attach socket");
	if (bind(io->listen_fd, (struct sockaddr *)&sa, (socklen_t)len) < 0)
		return pd_fail_errno(err, errno, "attach socket: bind %s", path);
	io->bound = true;
	if (share_attach(io, gid, err) < 0)
		return -1;
	if (listen(io->listen_fd, PD_ATTACH_CLIENTS_MAX) < 0)
		return pd_fail_errno(err, errno, "attach socket: listen");
	return 0;
}

void
shim_stdio_init(struct shim_stdio *io)
{
	*io = (struct shim_stdio){
	    .spawn_fds = {-1, -1, -1},
	    .in_w = -1,
	    .out_r = -1,
	    .err_r = -1,
	    .tty = -1,
	    .listen_fd = -1,
	    .pipe_ends = {-1, -1, -1},
	    .tty_pair = {-1, -1},
	    .slot = -1,
	    .attach_dirfd = -1,
	};
}

int
shim_stdio_open(const struct shim_spec *spec, struct shim_stdio *io, struct pd_err *err)
{
	int r;

	shim_stdio_init(io);
	r = spec->tty ? open_tty(io, err) : open_pipes(spec, io, err);
	if (r == 0 && spec->attach != NULL)
		r = bind_attach(spec->attach, spec->attach_gid, io, err);
	if (r < 0)
		shim_stdio_close(io, true);
	return r;
}

int
shim_stdio_child(const struct shim_spec *spec, const struct shim_stdio *io, struct pd_err *err)
{
	struct winsize ws = {.ws_row = spec->tty_rows, .ws_col = spec->tty_cols};
	struct pd_sync_msg msg = {.type = PD_SYNC_READY};
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	int unlock = 0;

	if (io->slot < 0)
		return 0;
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return pd_fail_errno(err, errno, "open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return pd_fail_errno(err, errno, "unlock the terminal");
	/* TIOCGPTPEER (Linux 4.13): the slave without a path lookup. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return pd_fail_errno(err, errno, "open the terminal");
	if (spec->tty_rows > 0 && ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return pd_fail_errno(err, errno, "size the terminal");
	if (pd_sync_send_fds(io->tty_pair[1], &msg, &master, 1, err) < 0)
		return -1;
	if (dup3(slave, io->slot, O_CLOEXEC) < 0)
		return pd_fail_errno(err, errno, "dup3 the terminal");
	return 0;
}

int
shim_stdio_started(const struct shim_spec *spec, struct shim_stdio *io, struct pd_err *err)
{
	struct pd_sync_msg msg;
	int master = -1, n = 0;

	for (int i = 0; i < 3; i++)
		close_reset(&io->pipe_ends[i]);
	close_reset(&io->slot);
	if (io->tty_pair[0] < 0)
		return 0;
	close_reset(&io->tty_pair[1]);
	/* Sent before the workload's execve, which has succeeded: here. */
	if (pd_sync_recv_fds(io->tty_pair[0], &msg, &master, 1, &n) <= 0 || n != 1)
		return pd_fail(err, PD_E_SYSTEM,
			       "the terminal did not come back from the workload");
	close_reset(&io->tty_pair[0]);
	io->out_r = master;
	io->tty = fcntl(master, F_DUPFD_CLOEXEC, 3);
	if (io->tty < 0)
		return pd_fail_errno(err, errno, "dup the terminal");
	if (spec->open_stdin) {
		io->in_w = fcntl(master, F_DUPFD_CLOEXEC, 3);
		if (io->in_w < 0)
			return pd_fail_errno(err, errno, "dup the terminal");
	}
	return 0;
}

void
shim_stdio_close(struct shim_stdio *io, bool failed)
{
	int *fds[] = {&io->in_w,        &io->out_r,        &io->err_r,        &io->tty,
		      &io->listen_fd,   &io->pipe_ends[0], &io->pipe_ends[1], &io->pipe_ends[2],
		      &io->tty_pair[0], &io->tty_pair[1],  &io->slot};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close_reset(fds[i]);
	if (failed && io->bound && unlinkat(io->attach_dirfd, io->attach_name, 0) < 0)
		log_warn("remove the attach socket %s: %s", io->attach_name, strerror(errno));
	io->bound = false;
	close_reset(&io->attach_dirfd);
}
