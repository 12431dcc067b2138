/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit test harness: one header, included by exactly one test file per
 * binary. A file lists its cases in a table and ends with UNIT_MAIN(table).
 *
 * Each case runs in its own forked child, so whatever goes wrong (a crash, an
 * abort, a sanitizer report, an fd left open) is charged to that case alone.
 * CHECK* records a failure and goes on; REQUIRE stops the case. The binary
 * prints "ok NAME" or "FAIL NAME" per case, then "N passed, N failed", and
 * exits 1 if anything failed. An argument keeps only the cases whose name
 * contains it.
 */
#pragma once

#include <dirent.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TIMEOUT_S 60 /* a hung case dies by SIGALRM */
#define UNIT_MAX_FDS   256

static int unit_case_failed;

static void __attribute__((format(printf, 3, 4)))
unit_report(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("  %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	unit_case_failed = 1;
}

/* The open fds of this process, excluding the one used to list them. */
static int
unit_fds(int *fds, int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < max) {
		int fd = (int)strtol(de->d_name, NULL, 10);

		if (de->d_name[0] != '.' && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	return n;
}

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond))                                                        \
			unit_report(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
	} while (0)

#define REQUIRE(cond)                                                                 \
	do {                                                                          \
		if (!(cond)) {                                                        \
			unit_report(__FILE__, __LINE__, "REQUIRE(%s) failed", #cond); \
			(void)fflush(stdout);                                         \
			_exit(1);                                                     \
		}                                                                     \
	} while (0)

/* snprintf into the array @buf; a cut result stops the case. */
#define UNIT_FMT(buf, ...) REQUIRE((size_t)snprintf((buf), sizeof(buf), __VA_ARGS__) < sizeof(buf))

/* @op is an operator and cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define CHECK_INT(a, op, b)                                                                      \
	do {                                                                                     \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);                    \
		if (!(unit_a_ op unit_b_))                                                       \
			unit_report(__FILE__, __LINE__, "CHECK_INT(%s %s %s): %lld vs %lld", #a, \
				    #op, #b, unit_a_, unit_b_);                                  \
	} while (0)

/* strcmp where NULL compares below every string and equal to itself. */
static inline int
unit_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

#define CHECK_STR(a, op, b)                                                                      \
	do {                                                                                     \
		const char *unit_a_ = (a), *unit_b_ = (b);                                       \
		if (!(unit_strcmp(unit_a_, unit_b_) op 0))                                       \
			unit_report(__FILE__, __LINE__, "CHECK_STR(%s %s %s): \"%s\" vs \"%s\"", \
				    #a, #op, #b, unit_a_ ? unit_a_ : "(null)",                   \
				    unit_b_ ? unit_b_ : "(null)");                               \
	} while (0)
/* NOLINTEND(bugprone-macro-parentheses) */

/* @hay contains @needle (error messages are checked this way). */
#define CHECK_CONTAINS(hay, needle)                                                               \
	do {                                                                                      \
		const char *unit_h_ = (hay), *unit_n_ = (needle);                                 \
		if (unit_h_ == NULL || strstr(unit_h_, unit_n_) == NULL)                          \
			unit_report(__FILE__, __LINE__,                                           \
				    "CHECK_CONTAINS(%s, %s): \"%s\" lacks \"%s\"", #hay, #needle, \
				    unit_h_ ? unit_h_ : "(null)", unit_n_);                       \
	} while (0)

/* Make a fresh directory under $TMPDIR (or /tmp) into @buf; the case removes
 * it. Stops the case if it cannot. */
static inline void
unit_tmpdir(char *buf, size_t len)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(buf, len, "%s/podd-unit-XXXXXX", base ? base : "/tmp");

	REQUIRE(n > 0 && (size_t)n < len);
	REQUIRE(mkdtemp(buf) != NULL);
}

static inline int
unit_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf @path without following symlinks; 0 or -1. */
static inline int
unit_rmtree(const char *path)
{
	return nftw(path, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* In the child: run one case, then fail it if it left an fd open. exit(), not
 * _exit(), so that LeakSanitizer gets to look at the case. */
static _Noreturn void
unit_child(const struct unit_case *c)
{
	int before[UNIT_MAX_FDS], after[UNIT_MAX_FDS];
	int nb = unit_fds(before, UNIT_MAX_FDS), na;

	alarm(UNIT_TIMEOUT_S);
	c->fn();
	na = unit_fds(after, UNIT_MAX_FDS);
	for (int i = 0; i < na; i++) {
		int known = 0;

		for (int j = 0; j < nb && !known; j++)
			known = after[i] == before[j];
		if (!known) {
			char link[64], target[256] = "?";
			ssize_t n;

			(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", after[i]);
			n = readlink(link, target, sizeof(target) - 1);
			target[n > 0 ? n : 1] = '\0';
			printf("  fd %d (%s) left open by the case\n", after[i], target);
			unit_case_failed = 1;
		}
	}
	(void)fflush(stdout);
	exit(unit_case_failed);
}

static int
unit_run(const struct unit_case *cases, size_t n, const char *filter)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		int status = 0;
		pid_t pid;

		if (filter != NULL && strstr(cases[i].name, filter) == NULL)
			continue;
		(void)fflush(stdout);
		pid = fork();
		if (pid == 0)
			unit_child(&cases[i]);
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			status = -1;
		if (status == 0) {
			printf("ok %s\n", cases[i].name);
			passed++;
			continue;
		}
		if (status != -1 && WIFSIGNALED(status))
			printf("  killed by signal %d\n", WTERMSIG(status));
		printf("FAIL %s\n", cases[i].name);
		failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed > 0 || passed == 0 ? 1 : 0;
}

#define UNIT_MAIN(cases)                                                   \
	int main(int argc, char **argv)                                    \
	{                                                                  \
		(void)setvbuf(stdout, NULL, _IOLBF, 0);                    \
		return unit_run(cases, sizeof(cases) / sizeof((cases)[0]), \
				argc > 1 ? argv[1] : NULL);                \
	}
