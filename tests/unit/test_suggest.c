/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/suggest: the known word a mistyped command or flag most likely meant,
 * or none when nothing is close.
 */
#include <string.h>

#include "suggest.h"
#include "unit.h"

static const char *const commands[] = {
    "run",  "create", "rename", "debug", "exec",    "attach", "capture", "ps",
    "logs", "start",  "stop",   NULL,    "restart", "kill",   "wait",    "rm",
    "cp",   "stats",  "top",    "pod",   "image",   "images", "pull",    "push",
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *
guess(const char *word)
{
	const char *s = suggest(word, commands, N_COMMANDS);

	return s != NULL ? s : "(none)";
}

static void
test_distance(void)
{
	CHECK_INT(suggest_distance("ps", "ps"), ==, 0);
	CHECK_INT(suggest_distance("sp", "ps"), ==, 1);
	CHECK_INT(suggest_distance("sp", "cp"), ==, 2);
	CHECK_INT(suggest_distance("", "abc"), ==, 6);
	CHECK_INT(suggest_distance("strat", "start"), ==, 1);
	CHECK_INT(suggest_distance("kitten", "sitting"), ==, 6);
}

static void
test_commands(void)
{
	CHECK_STR(guess("sp"), ==, "ps");
	CHECK_STR(guess("strat"), ==, "start");
	CHECK_STR(guess("stpo"), ==, "stop");
	CHECK_STR(guess("lgos"), ==, "logs");
	CHECK_STR(guess("imagess"), ==, "images");
	CHECK_STR(guess("renam"), ==, "rename"); /* a unique prefix */
	CHECK_STR(guess("creat"), ==, "create");
	CHECK_STR(guess("exce"), ==, "exec");
	CHECK_STR(guess("atach"), ==, "attach");
}

static void
test_nothing_close(void)
{
	CHECK_STR(guess("x"), ==, "(none)");
	CHECK_STR(guess("frobnicate"), ==, "(none)");
	CHECK_STR(guess("zzzz"), ==, "(none)");
	CHECK_STR(guess(""), ==, "(none)");
	CHECK(suggest("ps", commands, 0) == NULL);
}

static void
test_flags(void)
{
	static const char *const flags[] = {"all", "pod", "quiet", "format", "filter", "no-trunc"};
	size_t n = sizeof(flags) / sizeof(flags[0]);

	CHECK_STR(suggest("al", flags, n), ==, "all");
	CHECK_STR(suggest("quite", flags, n), ==, "quiet");
	CHECK_STR(suggest("no-trunk", flags, n), ==, "no-trunc");
	CHECK_STR(suggest("filtr", flags, n), ==, "filter");
	CHECK(suggest("f", flags, n) == NULL); /* two start with f, and one letter is no guess */
}

static const struct unit_case cases[] = {
    {"distance", test_distance},
    {"commands", test_commands},
    {"nothing_close", test_nothing_close},
    {"flags", test_flags},
};

UNIT_MAIN(cases)
