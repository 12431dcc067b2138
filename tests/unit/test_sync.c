/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/sync: the parent <-> child status socket. Messages arrive whole, EOF is
 * told apart from a message, and anything of the wrong size or type is
 * EPROTO. Also pd_spawn_wait_sync's reading of each outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"
#include "sync.h"
#include "unit.h"

static void
pair(int fds[2])
{
	struct pd_err err = {0};

	REQUIRE(pd_sync_pair(fds, &err) == 0);
}

static void
unpair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

static void
test_pair_flags(void)
{
	int fds[2], type = 0;
	socklen_t len = sizeof(type);

	pair(fds);
	CHECK_INT(fcntl(fds[0], F_GETFD), ==, FD_CLOEXEC);
	CHECK_INT(fcntl(fds[1], F_GETFD), ==, FD_CLOEXEC);
	CHECK_INT(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &type, &len), ==, 0);
	CHECK_INT(type, ==, SOCK_SEQPACKET);
	unpair(fds);
}

static void
test_error_round_trip(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_ERROR}, in;
	int fds[2];

	pair(fds);
	pd_fail_errno(&out.err, ENOENT, "execve %s", "/bin/nope");
	pd_sync_send(fds[1], &out);
	memset(&in, 0xff, sizeof(in));
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 1);
	CHECK_INT(in.type, ==, PD_SYNC_ERROR);
	CHECK_INT(in.err.kind, ==, PD_E_SYSTEM);
	CHECK_INT(in.err.errnum, ==, ENOENT);
	CHECK_STR(in.err.msg, ==, out.err.msg);
	unpair(fds);
}

static void
test_ready_then_eof(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_READY}, in;
	int fds[2];

	pair(fds);
	pd_sync_send(fds[1], &out);
	close(fds[1]);
	fds[1] = -1;
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 1);
	CHECK_INT(in.type, ==, PD_SYNC_READY);
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 0);
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 0);
	unpair(fds);
}

static void
test_messages_stay_whole(void)
{
	struct pd_sync_msg a = {.type = PD_SYNC_ERROR}, b = {.type = PD_SYNC_ERROR}, in;
	int fds[2];

	pair(fds);
	pd_fail(&a.err, PD_E_INVALID, "first");
	pd_fail(&b.err, PD_E_CONFLICT, "second");
	pd_sync_send(fds[1], &a);
	pd_sync_send(fds[1], &b);
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 1);
	CHECK_STR(in.err.msg, ==, "first");
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 1);
	CHECK_STR(in.err.msg, ==, "second");
	CHECK_INT(in.err.kind, ==, PD_E_CONFLICT);
	unpair(fds);
}

static void
test_short_message(void)
{
	struct pd_sync_msg in;
	uint32_t type = PD_SYNC_READY;
	int fds[2];

	pair(fds);
	REQUIRE(send(fds[1], &type, sizeof(type), 0) == sizeof(type));
	errno = 0;
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, -1);
	CHECK_INT(errno, ==, EPROTO);
	unpair(fds);
}

static void
test_long_message(void)
{
	char big[sizeof(struct pd_sync_msg) + 16];
	struct pd_sync_msg in, *head = (struct pd_sync_msg *)big;
	int fds[2];

	/* A valid message in front, more behind: the whole is still wrong. */
	memset(big, 0, sizeof(big));
	head->type = PD_SYNC_READY;
	pair(fds);
	REQUIRE(send(fds[1], big, sizeof(big), 0) == (ssize_t)sizeof(big));
	errno = 0;
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, -1);
	CHECK_INT(errno, ==, EPROTO);
	unpair(fds);
}

static void
test_unknown_type(void)
{
	struct pd_sync_msg out = {.type = 7}, in;
	int fds[2];

	pair(fds);
	pd_sync_send(fds[1], &out);
	errno = 0;
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, -1);
	CHECK_INT(errno, ==, EPROTO);
	unpair(fds);
}

static void
test_unterminated_message(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_ERROR}, in;
	int fds[2];

	memset(out.err.msg, 'z', sizeof(out.err.msg));
	pair(fds);
	pd_sync_send(fds[1], &out);
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, 1);
	CHECK_INT(strlen(in.err.msg), ==, sizeof(in.err.msg) - 1);
	unpair(fds);
}

static void
test_nonblocking_empty(void)
{
	struct pd_sync_msg in;
	int fds[2];

	pair(fds);
	REQUIRE(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
	errno = 0;
	CHECK_INT(pd_sync_recv(fds[0], &in), ==, -1);
	CHECK_INT(errno, ==, EAGAIN);
	unpair(fds);
}

static void
test_send_to_closed_peer(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_READY};
	int fds[2];

	/* MSG_NOSIGNAL: no SIGPIPE, which would kill this case. */
	pair(fds);
	close(fds[0]);
	fds[0] = -1;
	pd_sync_send(fds[1], &out);
	CHECK_INT(errno, ==, EPIPE);
	unpair(fds);
}

static void
test_wait_sync_outcomes(void)
{
	struct pd_sync_msg ready = {.type = PD_SYNC_READY}, fail = {.type = PD_SYNC_ERROR};
	struct pd_err err = {0};
	int fds[2];

	/* EOF alone: execve succeeded, unless readiness was awaited. */
	pair(fds);
	close(fds[1]);
	fds[1] = -1;
	CHECK_INT(pd_spawn_wait_sync(fds[0], false, &err), ==, 0);
	CHECK_INT(pd_spawn_wait_sync(fds[0], true, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	unpair(fds);

	pair(fds);
	pd_sync_send(fds[1], &ready);
	CHECK_INT(pd_spawn_wait_sync(fds[0], true, &err), ==, 0);
	pd_fail(&fail.err, PD_E_NO_COMMAND, "sh: no such file or directory");
	pd_sync_send(fds[1], &fail);
	pd_err_clear(&err);
	CHECK_INT(pd_spawn_wait_sync(fds[0], false, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NO_COMMAND);
	CHECK_STR(err.msg, ==, "sh: no such file or directory");
	unpair(fds);
}

static void
test_wait_sync_protocol_error(void)
{
	struct pd_err err = {0};
	uint32_t junk = 1;
	int fds[2];

	pair(fds);
	REQUIRE(send(fds[1], &junk, sizeof(junk), 0) == sizeof(junk));
	CHECK_INT(pd_spawn_wait_sync(fds[0], false, &err), ==, -1);
	CHECK_INT(err.errnum, ==, EPROTO);
	unpair(fds);
}

/* A STARTED message carries its pids and fds; the fds arrive close-on-exec
 * and name the same files. */
static void
test_fds_round_trip(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_STARTED, .pids = {11, 22}}, in;
	struct pd_err err = {0};
	int fds[2], pass[2], got[PD_SYNC_MAX_FDS], n = -1;
	struct stat a, b;

	pair(fds);
	REQUIRE(pipe2(pass, O_CLOEXEC) == 0);
	CHECK_INT(pd_sync_send_fds(fds[1], &out, pass, 2, &err), ==, 0);
	CHECK_INT(pd_sync_recv_fds(fds[0], &in, got, PD_SYNC_MAX_FDS, &n), ==, 1);
	CHECK_INT(in.type, ==, PD_SYNC_STARTED);
	CHECK_INT(in.pids[0], ==, 11);
	CHECK_INT(in.pids[1], ==, 22);
	REQUIRE(n == 2);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(fcntl(got[i], F_GETFD), ==, FD_CLOEXEC);
		REQUIRE(fstat(pass[i], &a) == 0 && fstat(got[i], &b) == 0);
		CHECK(a.st_ino == b.st_ino);
		close(got[i]);
		close(pass[i]);
	}
	/* Without fds, and then EOF. */
	CHECK_INT(pd_sync_send_fds(fds[1], &out, NULL, 0, &err), ==, 0);
	CHECK_INT(pd_sync_recv_fds(fds[0], &in, got, PD_SYNC_MAX_FDS, &n), ==, 1);
	CHECK_INT(n, ==, 0);
	close(fds[1]);
	fds[1] = -1;
	CHECK_INT(pd_sync_recv_fds(fds[0], &in, got, PD_SYNC_MAX_FDS, &n), ==, 0);
	unpair(fds);
}

/* More fds than the receiver has room for: all closed, EPROTO. */
static void
test_fds_too_many(void)
{
	struct pd_sync_msg out = {.type = PD_SYNC_STARTED}, in;
	struct pd_err err = {0};
	int fds[2], pass[2], got[1], n = -1;

	pair(fds);
	REQUIRE(pipe2(pass, O_CLOEXEC) == 0);
	CHECK_INT(pd_sync_send_fds(fds[1], &out, pass, 2, &err), ==, 0);
	close(pass[0]);
	close(pass[1]);
	errno = 0;
	CHECK_INT(pd_sync_recv_fds(fds[0], &in, got, 1, &n), ==, -1);
	CHECK_INT(errno, ==, EPROTO);
	CHECK_INT(n, ==, 0);
	CHECK_INT(pd_sync_send_fds(fds[1], &out, pass, PD_SYNC_MAX_FDS + 1, &err), ==, -1);
	unpair(fds);
}

static const struct unit_case cases[] = {
    {"fds_round_trip", test_fds_round_trip},
    {"fds_too_many", test_fds_too_many},
    {"pair_flags", test_pair_flags},
    {"error_round_trip", test_error_round_trip},
    {"ready_then_eof", test_ready_then_eof},
    {"messages_stay_whole", test_messages_stay_whole},
    {"short_message", test_short_message},
    {"long_message", test_long_message},
    {"unknown_type", test_unknown_type},
    {"unterminated_message", test_unterminated_message},
    {"nonblocking_empty", test_nonblocking_empty},
    {"send_to_closed_peer", test_send_to_closed_peer},
    {"wait_sync_outcomes", test_wait_sync_outcomes},
    {"wait_sync_protocol_error", test_wait_sync_protocol_error},
};

UNIT_MAIN(cases)
