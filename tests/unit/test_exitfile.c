/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/exitfile: the exit record formatted without jansson is byte for byte
 * what jansson would dump (sorted, compact), for an exit, a kill and a core
 * dump; a short buffer is an error; the write lands atomically.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "exitfile.h"
#include "file.h"
#include "json.h"
#include "shim.h"
#include "unit.h"

static const struct timespec ts = {.tv_sec = 1795421821, .tv_nsec = 123456789};
#define WHEN "2026-11-23T08:17:01.123456789Z"

/* What jansson dumps for the same record. */
static char *
jansson_record(int code, int pid, const char *sig)
{
	cleanup_json json_t *j = json_pack("{s:i, s:s, s:i}", PD_SHIM_EXIT_CODE, code,
					   PD_SHIM_FINISHED, WHEN, PD_SHIM_PID, pid);

	if (sig != NULL)
		json_object_set_new(j, PD_SHIM_SIGNAL, json_string(sig));
	return pd_json_dump(j);
}

static void
check_record(int status, int code, const char *sig)
{
	char buf[PD_EXIT_FILE_MAX];
	cleanup_free char *want = jansson_record(code, 4242, sig);
	int n = pd_exit_file_format(buf, sizeof(buf), 4242, status, &ts);

	REQUIRE(n > 0);
	CHECK_INT(n, ==, (int)strlen(buf));
	CHECK_STR(buf, ==, want);
}

static void
test_format(void)
{
	check_record(W_EXITCODE(0, 0), 0, NULL);
	check_record(W_EXITCODE(42, 0), 42, NULL);
	check_record(W_EXITCODE(255, 0), 255, NULL);
	check_record(SIGKILL, 137, "KILL");
	check_record(SIGSEGV | 0x80, 139, "SEGV"); /* core dumped */
	check_record(SIGTERM, 143, "TERM");
}

static void
test_short_buffer(void)
{
	char buf[PD_EXIT_FILE_MAX];
	int n = pd_exit_file_format(buf, sizeof(buf), 4242, SIGKILL, &ts);

	REQUIRE(n > 0);
	CHECK_INT(pd_exit_file_format(buf, (size_t)n, 4242, SIGKILL, &ts), ==, -1);
	CHECK_INT(pd_exit_file_format(buf, (size_t)n + 1, 4242, SIGKILL, &ts), ==, n);
	/* The largest record fits. */
	CHECK_INT(pd_exit_file_format(buf, sizeof(buf), 2147483647, SIGVTALRM, &ts), >, 0);
}

static void
test_write(void)
{
	char dir[] = "/tmp/test_exitfile.XXXXXX";
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = NULL;
	struct pd_err err = {0};
	const char *sig = NULL;
	int code = -1, pid = 0;

	REQUIRE(mkdtemp(dir) != NULL);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	REQUIRE(dirfd >= 0);
	REQUIRE(pd_exit_file_write(dirfd, "exit.json", 77, SIGKILL, &err) == 0);
	j = pd_json_load_file(dirfd, "exit.json", 4096, &err);
	REQUIRE(j != NULL);
	CHECK_INT(json_unpack(j, "{s:i, s?s, s?i}", PD_SHIM_EXIT_CODE, &code, PD_SHIM_SIGNAL, &sig,
			      PD_SHIM_PID, &pid),
		  ==, 0);
	CHECK_INT(code, ==, 137);
	CHECK_STR(sig, ==, "KILL");
	CHECK_INT(pid, ==, 77);
	CHECK_INT(unlinkat(dirfd, "exit.json", 0), ==, 0);
	CHECK_INT(rmdir(dir), ==, 0);
}

static const struct unit_case cases[] = {
    {"format", test_format},
    {"short_buffer", test_short_buffer},
    {"write", test_write},
};

UNIT_MAIN(cases)
